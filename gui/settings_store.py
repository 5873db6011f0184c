"""The one place the app's remembered settings are read and written: a small JSON file.

Not QSettings: PySide6 registers a QDataStream reader for Python objects
that calls ``pickle.loads``, and QSettings runs it on any
``@Variant(…PySide::PyObjectWrapper…)`` value of an INI file as soon as a
key of its section is read (``type=`` converts only afterwards) and on every
``sync()`` (which parses the whole file first). A crafted settings file
could thus run code at start-up. JSON holds only plain values; each getter
returns its own type or the default, so a damaged, foreign or hostile file
can change a setting but never run anything or stop the app from starting.

Qt itself still reads settings through QSettings (a file dialog reads
``~/.config/QtProject.conf``); :func:`refuse_pickled_values` makes this
process's PySide turn every pickled value into None instead.

The file is written whole, atomically, merged key by key with what another
running instance wrote since (under a lock where the system has one), so
two windows do not wipe each other's settings. A failed write is reported
once through :attr:`SettingsStore.saveFailed` until a write succeeds again.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QObject, QStandardPaths, Signal

from attention_stepper.core.files import atomic_write

ORGANIZATION = "AttentionStepper"
APPLICATION = "attention-stepper"
#: A settings file larger than this is not ours (ours holds a sentence and a few numbers): ignored.
MAX_FILE_BYTES = 4 * 2**20
_MISSING = object()


class _Probe:
    """A Python object Qt can only store as a pickled PySide::PyObjectWrapper."""


def _read_back_a_pickled_variant():
    data = QByteArray()
    QDataStream(data, QIODevice.OpenModeFlag.WriteOnly).writeQVariant(_Probe())
    return QDataStream(data, QIODevice.OpenModeFlag.ReadOnly).readQVariant()


def refuse_pickled_values() -> bool:
    """Make PySide read every pickled value in a QVariant (settings, streams) as None, for good.

    PySide6 6.11 unpickles such values with the ``pickle.loads`` it looked
    up the first time it needed one and keeps that function for the life of
    the process. So the first one is read here, while ``pickle.loads`` is
    briefly a function that refuses everything. True if a pickled value now
    reads back as None (a PySide that looks ``loads`` up afresh, or that
    restricts it itself, leaves it alone: then False).
    """
    loads = pickle.loads
    pickle.loads = lambda data, *args, **kwargs: None
    try:
        _read_back_a_pickled_variant()
    finally:
        pickle.loads = loads
    return _read_back_a_pickled_variant() is None


def default_path() -> Path:
    """``~/.config/AttentionStepper/attention-stepper.json`` on Linux (follows ``XDG_CONFIG_HOME``)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    return Path(folder) / ORGANIZATION / f"{APPLICATION}.json"


def _read_file(path: Path) -> dict:
    """The file's keys and values; anything unreadable counts as no settings at all."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return {}
        stored = json.loads(data.decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # ValueError covers bad UTF-8, bad JSON and 5,000-digit numbers
        return {}
    return stored if isinstance(stored, dict) else {}


def is_kind(value, kinds: tuple[type, ...]) -> bool:
    """Whether a JSON value is one of ``kinds`` (bool is not an int; a float must be finite)."""
    if value is None:
        return type(None) in kinds
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int):
        return int in kinds or float in kinds and abs(value) <= sys.float_info.max
    if isinstance(value, float):
        return float in kinds and math.isfinite(value)
    return isinstance(value, str) and str in kinds


def as_texts(value) -> list[str]:
    """A stored list of texts; its items that are not texts are left out (anything else: [])."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


class SettingsStore(QObject):
    """Typed access to the settings file; ``set`` changes memory, ``sync`` writes."""

    #: A write failed (the reason, e.g. "No space left on device"); sent once until a write succeeds.
    saveFailed = Signal(str)

    def __init__(self, path: str | os.PathLike | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path) if path is not None else default_path()
        self._values = _read_file(self.path)
        self._pending: dict = {}
        #: Why the last write failed, or "" after a successful one.
        self.save_error = ""

    # --- reading -----------------------------------------------------------------------
    def reload(self) -> None:
        """Read the file again (another instance may have written it), keeping unsaved changes."""
        self._values = {**_read_file(self.path), **self._pending}

    def value(self, key: str, kinds: tuple[type, ...], default):
        """The stored value if it is one of ``kinds`` (see :func:`is_kind`), else ``default``."""
        value = self._values.get(key, _MISSING)
        if value is _MISSING or not is_kind(value, kinds):
            return default
        if isinstance(value, int) and not isinstance(value, bool) and int not in kinds:
            return float(value)  # JSON writes 2.0 as 2.0, but a person may write 2
        return value

    def text(self, key: str, default: str) -> str:
        return self.value(key, (str,), default)

    def integer(self, key: str, default: int) -> int:
        return self.value(key, (int,), default)

    def number(self, key: str, default: float) -> float:
        return self.value(key, (float,), default)

    def flag(self, key: str, default: bool) -> bool:
        return self.value(key, (bool,), default)

    def texts(self, key: str, default: list[str] | None = None) -> list[str]:
        value = self._values.get(key)
        return as_texts(value) if isinstance(value, list) else list(default or [])

    def data(self, key: str) -> QByteArray | None:
        """Bytes stored with :meth:`set_data` (window geometry and splitter state), or None."""
        value = self._values.get(key)
        if not isinstance(value, str):
            return None
        decoded = QByteArray.fromBase64Encoding(value.encode("ascii", "replace"),
                                                QByteArray.Base64Option.AbortOnBase64DecodingErrors)
        if decoded.decodingStatus != QByteArray.Base64DecodingStatus.Ok:
            return None
        return QByteArray(decoded.decoded)  # a copy: the result's own array dies with the result

    # --- writing -----------------------------------------------------------------------
    def set(self, key: str, value: str | int | float | bool | list[str] | None) -> None:
        if not (is_kind(value, (str, int, float, bool, type(None))) or
                isinstance(value, list) and all(isinstance(item, str) for item in value)):
            raise TypeError(f"setting {key}: {type(value).__name__} is not a plain value")
        self._values[key] = self._pending[key] = list(value) if isinstance(value, list) else value

    def set_data(self, key: str, value: QByteArray) -> None:
        self.set(key, bytes(value.toBase64()).decode("ascii"))

    def sync(self, updates: dict[str, Callable[[object], object]] | None = None) -> bool:
        """Write the changed keys over what the file holds now; False (and ``saveFailed``) on failure.

        ``updates`` maps a key to a function from the key's value in the file
        now (read under the lock; None if missing, and to be checked, e.g.
        with :func:`as_texts`) to its new value: how a list that several
        instances add to is merged rather than replaced.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked():
                merged = {**_read_file(self.path), **self._pending}
                for key, update in (updates or {}).items():
                    self.set(key, update(merged.get(key)))
                    merged[key] = self._pending[key]
                text = json.dumps(merged, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
                atomic_write(self.path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
        except OSError as error:
            reason = error.strerror or str(error)
            first = not self.save_error
            self.save_error = reason
            if first:
                self.saveFailed.emit(reason)
            return False
        self._values, self._pending, self.save_error = merged, {}, ""
        return True

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on a file beside the settings while reading and writing them."""
        try:
            import fcntl
        except ImportError:  # Windows: no lock; the merge still keeps other keys
            yield
            return
        with open(self.path.with_name(f".{self.path.name}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
