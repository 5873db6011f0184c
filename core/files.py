"""Writing files so that a failure never leaves half a file behind, and never deletes what is not ours.

Every file the program writes goes to a temporary name in the same folder,
is flushed to the disk (so a full disk is an error, not a short file) and is
renamed into place only once it is complete; a rename within one folder is
atomic, so a reader sees the old file or the new one, never a torn one, and
a full disk or a crash leaves the earlier file untouched.

Folders are written by :func:`atomic_folder` (in ``folders.py``, re-exported here).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _settle_mode(temporary: Path, target: Path, default: int) -> None:
    """Give the finished file or folder the mode a plain ``open``/``mkdir`` would have.

    mkstemp and mkdtemp create private (0600/0700) entries; an export meant
    to be shared must not stay private. An existing target keeps its mode.
    """
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        mode = default & ~_umask()
    os.chmod(temporary, mode)


def _fsync(path: str | os.PathLike) -> None:
    """Push ``path``'s data to the disk, so that ENOSPC or EIO surfaces here and not as a short file later."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _fsync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable; best effort (not every system can fsync a folder)."""
    try:
        _fsync(folder)
    except OSError:
        pass


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path``, flushed and fsynced: a full disk or a size limit raises instead of cutting it."""
    with open(path, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def _file_target(path: str | os.PathLike) -> Path:
    """Where a file written to ``path`` really goes: a symbolic link's target (the link stays), never a folder."""
    if not os.fspath(path):
        raise FileNotFoundError(errno.ENOENT, "an empty path names no file", "")
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    return target


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary_path)``, flush the result to the disk, then rename it to ``path``.

    If ``write`` raises, or the data cannot reach the disk, the temporary file
    is removed and the exception propagates; ``path`` is untouched. When
    ``path`` is a symbolic link the file it points to is replaced and the link
    kept; a folder (or a link to one) is refused with IsADirectoryError.
    Returns ``path`` as given.
    """
    target = _file_target(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        write(temporary_path)
        _fsync(temporary_path)
        _settle_mode(temporary_path, target, 0o666)
        os.replace(temporary_path, target)
    except BaseException:
        temporary_path.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)
    return Path(path)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda temporary: write_bytes(temporary, data))


def __getattr__(name: str):
    """``atomic_folder`` and ``LeftBehindError`` live in folders.py (which uses the helpers above); found here too."""
    if name in ("atomic_folder", "LeftBehindError"):
        from . import folders

        return getattr(folders, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
