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
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: What reading a damaged .npz can raise besides ValueError (found by flipping and cutting bytes of real files).
NPZ_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError, NotImplementedError, OverflowError,
                   MemoryError, struct.error)


#: The first four bytes numpy.load takes as an .npz: a zip's first local file header, or an empty zip's end record.
#: Checking only "PK" let a text file starting "PKG…" reach numpy's pickle check and be blamed on a pickle.
NPZ_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


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


def check_npz_start(path: Path, error_class: type[ValueError], empty: str, not_npz: str) -> None:
    """Refuse an empty file, or one that does not start like an .npz, before numpy.load sees it.

    ``empty`` and ``not_npz`` say, after the file's name, what is wrong and what was expected.
    """
    with open(path, "rb") as stream:
        magic = stream.read(4)
    if not magic:
        raise error_class(f"{path}: {empty}")
    if magic not in NPZ_MAGIC:
        raise error_class(f"{path}: {not_npz}")


@contextmanager
def npz_read_errors(path: Path, error_class: type[ValueError], kind: str, unreadable: str,
                    pickled: str) -> Iterator[None]:
    """Turn every way reading an ``.npz`` can fail into ``error_class`` naming the file.

    ``kind`` is what the file should be ("a weights file"), ``unreadable``
    how a damaged one is described, ``pickled`` why pickles are refused;
    errors of ``error_class`` raised inside pass through unchanged.
    """
    try:
        yield
    except error_class:
        raise
    except FileNotFoundError:
        raise error_class(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error_class(f"{path}: is a folder, not {kind}") from None
    except PermissionError:
        raise error_class(f"{path}: permission denied") from None
    except ValueError as error:
        if "pickle" in str(error).lower():
            raise error_class(f"{path}: holds pickled objects, which are never loaded{pickled}") from None
        raise error_class(f"{path}: {unreadable} ({error})") from None
    except NPZ_READ_ERRORS as error:
        raise error_class(f"{path}: {unreadable} ({error or 'damaged or truncated'})") from None


def __getattr__(name: str):
    """``atomic_folder`` and ``LeftBehindError`` live in folders.py (which uses the helpers above); found here too."""
    if name in ("atomic_folder", "LeftBehindError"):
        from . import folders

        return getattr(folders, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
