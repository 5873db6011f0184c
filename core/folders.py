"""Writing a folder whole or not at all, and never deleting what is not ours.

A finished temporary folder is renamed only onto a name that is free or an
empty folder, checked at that very moment; with ``force`` it takes the place
of the one folder that was checked as replaceable, in one atomic exchange
where the system offers it, and that folder is checked again before it is
deleted. Whatever appears under the name meanwhile is left alone.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .files import _fsync_folder, _settle_mode

try:
    import fcntl
except ImportError:  # not on Windows; the lock below is then skipped
    fcntl = None

# --- renames that replace only what was checked -----------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


def _load_renameat2():
    """Linux's renameat2 from the C library, or None where there is none (then plain renames are used)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def _rename2(source: Path, target: Path, flags: int) -> bool:
    """``renameat2(source, target, flags)``; False when the system or its file system does not offer it."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), flags) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(number, os.strerror(number), str(source), None, str(target))


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file system entry ``path`` names now (device, inode; the name itself, not a link's target)."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


Fingerprint = tuple[tuple[int, int] | None, tuple[tuple[str, int, int, int], ...]]


def _fingerprint(folder: Path) -> Fingerprint:
    """The folder's identity and each entry's (name, inode, size, modification time).

    The identity alone is not enough: a folder deleted and made anew often
    gets the freed inode number back, but not the same entries.
    """
    entries = []
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                status = entry.stat(follow_symlinks=False)
                entries.append((entry.name, status.st_ino, status.st_size, status.st_mtime_ns))
    except OSError:
        pass
    return _identity(folder), tuple(sorted(entries))


#: Seconds to wait for another export's swap in the same folder (it takes milliseconds) before going on unlocked.
_LOCK_WAIT = 10.0


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so that exports of ours into it swap folders one at a time.

    The lock is on the folder itself (no lock file is left); where it cannot
    be taken (no fcntl, a network file system) the swap goes on unlocked.
    """
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + _LOCK_WAIT
        while fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:  # another export's swap: it takes a moment
                if time.monotonic() > deadline:  # a lock that is never let go is not an export's
                    break
                time.sleep(0.01)
            except OSError:
                break
        yield
    finally:
        os.close(handle)


def _put_in_place(temporary: Path, target: Path) -> None:
    """Rename the folder ``temporary`` to ``target`` only if nothing is there or an empty folder is.

    renameat2(RENAME_NOREPLACE) refuses any existing entry; where it is
    missing, or an entry appeared, ``os.replace`` of a folder atomically
    takes the name only from an empty folder (POSIX refuses a non-empty one,
    a file or a link).
    """
    try:
        if _rename2(temporary, target, _RENAME_NOREPLACE):
            return
    except FileExistsError:
        pass
    try:
        os.replace(temporary, target)
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
            raise FileExistsError(f"{target} appeared while exporting and is not empty; it was left as it is "
                                  f"and nothing was written") from None
        raise


class LeftBehindError(OSError):
    """A failed folder write that left something under a temporary name: :meth:`note` says what and what to do.

    ``left_behind`` lists the unfinished temporary folders that could not be
    removed; ``earlier`` is where the earlier folder now is if it could not be
    put back under its name (None when it is back).
    """

    def __init__(self, error: OSError, left_behind: list[Path], earlier: Path | None = None):
        super().__init__(error.errno, error.strerror or str(error), error.filename)
        self.left_behind = left_behind
        self.earlier = earlier

    def note(self) -> str:
        """What was left, as the end of a one-line message."""
        notes = []
        if self.left_behind:
            notes.append(f"the unfinished {', '.join(str(path) for path in self.left_behind)} could not be "
                         f"removed; delete it yourself")
        if self.earlier is not None:
            notes.append(f"the earlier folder is now {self.earlier} and the new export took its name: swap them "
                         f"back by hand")
        return "; ".join(notes)


def _remove_tree(folder: Path) -> bool:
    """Delete ``folder`` entry by entry, never an entry that appeared after it was listed; True if it is gone.

    shutil.rmtree would take a file someone adds meanwhile with it; here a
    folder that gained an entry is simply not removed (rmdir refuses it).
    """
    for root, folders, names in os.walk(folder, topdown=False):
        for name in names:
            try:
                os.unlink(os.path.join(root, name))
            except FileNotFoundError:
                pass
            except OSError:
                return False
        for name in folders:
            path = os.path.join(root, name)
            try:
                if os.path.islink(path):
                    os.unlink(path)
                else:
                    os.rmdir(path)
            except OSError:
                return False
    try:
        os.rmdir(folder)
    except OSError:
        return not os.path.lexists(folder)
    return True


#: ``.NAME.`` + this + nothing else: the temporaries of :func:`atomic_folder` (the pid of the process that made them).
_TEMPORARY_TAIL = re.compile(r"(\d+)\.[a-z0-9_]+\.(part|old)")


def _process_gone(pid: int) -> bool:
    """True only if no process ``pid`` exists now (on systems without signal 0: never)."""
    if os.name != "posix" or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _remove_leftovers(parent: Path, name: str, replaceable: Callable[..., str]) -> None:
    """Remove what killed runs left beside ``parent/name``: ``.NAME.PID.*.part`` / ``.old`` folders.

    Only folders whose process is gone and that hold nothing but export files
    (``replaceable(folder, unfinished=True)`` is empty) go; a live export's
    temporary, or anything holding another file, stays.
    """
    prefix = f".{name}."
    try:
        entries = os.listdir(parent)
    except OSError:
        return
    for entry in entries:
        match = _TEMPORARY_TAIL.fullmatch(entry[len(prefix):]) if entry.startswith(prefix) else None
        if match is None or not _process_gone(int(match.group(1))):
            continue
        folder = parent / entry
        if folder.is_symlink() or not folder.is_dir() or replaceable(folder, unfinished=True):
            continue
        _remove_tree(folder)


def _folder_target(path: str | os.PathLike) -> Path:
    """``path`` as a folder name with a parent: ``.``, ``x/..`` and the like are made absolute first."""
    if not os.fspath(path):
        raise FileNotFoundError(errno.ENOENT, "an empty path names no folder", "")
    target = Path(path)
    if target.name in ("", ".."):
        target = Path(os.path.abspath(path))
    if not target.name:
        raise FileExistsError(f"{path} is the root folder, which is never replaced")
    return target


def _check_target(target: Path, force: bool, replaceable: Callable[..., str] | None) -> Fingerprint | None:
    """Refuse a target that may not be written; return the fingerprint of the non-empty folder ``force`` may replace."""
    parent = target.parent
    if target.is_symlink():
        raise FileExistsError(f"{target} is a symbolic link (to {os.path.realpath(target)}); it was left as it is: "
                              f"give the folder itself or a new name")
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a folder")
    if parent.exists() and not parent.is_dir():
        raise NotADirectoryError(f"{parent} is a file, not a folder")
    if not parent.is_dir():
        raise FileNotFoundError(f"the folder {parent} does not exist")
    if not target.is_dir() or not any(target.iterdir()):
        return None
    fingerprint = _fingerprint(target)
    if replaceable is None:
        if force:
            raise FileExistsError(f"{target} exists and is not empty; nothing says it may be replaced, so it was "
                                  f"left as it is")
        raise FileExistsError(f"{target} exists and is not empty (use --force to replace it)")
    reason = replaceable(target)
    if not force:
        if reason:
            raise FileExistsError(f"{target} exists and is not empty, and is not an earlier export ({reason}), so "
                                  f"--force would not replace it either; choose a new or empty folder")
        raise FileExistsError(f"{target} exists and is not empty (use --force to replace the earlier export it holds)")
    if reason:
        raise FileExistsError(f"{target} is not an earlier export ({reason}); --force replaces only an earlier "
                              f"export and nothing else, so it was left as it is and nothing was written")
    return fingerprint


def atomic_folder(path: str | os.PathLike, fill: Callable[[Path], None], force: bool = False,
                  replaceable: Callable[..., str] | None = None) -> Path:
    """Create the folder ``path`` whole or not at all, replacing at most a folder that was checked.

    ``fill(temporary_folder)`` writes the contents into a temporary folder
    ``.NAME.PID.*.part`` beside ``path``, which is then renamed into place
    only if ``path`` is free or an empty folder, checked again at that moment.

    A non-empty folder is refused (FileExistsError) unless ``force`` and
    ``replaceable(folder)`` returns '' (any other text says why not: it
    becomes the message); without ``replaceable`` nothing is replaced. It is
    also called as ``replaceable(folder, unfinished=True)`` on leftovers of
    killed runs, which are removed when their process is gone and it says ''.

    With ``force`` the new folder takes the old one's place in one atomic
    exchange (Linux renameat2; elsewhere two renames), so a kill at any point
    leaves the old or the new folder under ``path``. The old folder, now under
    the private temporary name, is checked again: if it is not the folder
    checked at the start, or ``replaceable`` refuses it now, it is put back and
    FileExistsError says so. A failure restores the old folder.
    """
    target = _folder_target(path)
    parent = target.parent
    checked = _check_target(target, force, replaceable)
    if replaceable is not None:
        _remove_leftovers(parent, target.name, replaceable)
    stem = f".{target.name}.{os.getpid()}."
    temporary = Path(tempfile.mkdtemp(prefix=stem, suffix=".part", dir=parent))
    new = _identity(temporary)
    aside: Path | None = None
    old: Path | None = None
    try:
        fill(temporary)
        _settle_mode(temporary, target, 0o777)
        if checked is None:
            _put_in_place(temporary, target)
        else:
            with _locked(parent):
                aside = temporary  # after the exchange the old folder lives under the private temporary name
                try:
                    exchanged = _rename2(temporary, target, _RENAME_EXCHANGE)
                except FileNotFoundError:  # the checked folder went away meanwhile: its name is free
                    exchanged, aside = None, None
                if exchanged is False:  # no atomic exchange here: two renames
                    aside = Path(tempfile.mkdtemp(prefix=stem, suffix=".old", dir=parent))
                    try:
                        os.replace(target, aside)
                    except FileNotFoundError:
                        os.rmdir(aside)
                        aside = None
                    else:
                        os.replace(temporary, target)
                if aside is None:
                    _put_in_place(temporary, target)
                else:
                    old = _recheck(target, aside, checked, replaceable, temporary)
    except BaseException as error:
        left, earlier = _undo(target, temporary, new, aside, checked)
        if (left or earlier) and isinstance(error, OSError) and not isinstance(error, LeftBehindError):
            raise LeftBehindError(error, left, earlier) from error
        raise
    _fsync_folder(parent)
    if old is not None:
        _remove_tree(old)
    return target


def _recheck(target: Path, old: Path, checked: Fingerprint, replaceable: Callable[..., str],
             temporary: Path) -> Path:
    """After the swap ``old`` holds what was under ``target``: make sure it is what was checked, else put it back."""
    reason = replaceable(old)
    if not reason and _fingerprint(old) != checked:
        reason = "another program put a different folder there or changed its files"
    if not reason:
        return old
    if old == temporary:
        _rename2(temporary, target, _RENAME_EXCHANGE)
    else:
        os.replace(target, temporary)
        os.replace(old, target)
    raise FileExistsError(f"{target} changed while exporting ({reason}); it was left as it is and nothing was "
                          f"written")


def _undo(target: Path, temporary: Path, new: tuple[int, int] | None, aside: Path | None,
          checked: Fingerprint | None) -> tuple[list[Path], Path | None]:
    """After a failure: the old folder back under ``target``, the new one removed.

    Only the folder this call made (recognised by its identity) is deleted.
    Returns the unfinished temporaries that could not be removed, and where
    the old folder is if it could not be put back.
    """
    try:
        if checked is not None and _identity(target) == new:  # the new folder is in place already
            if aside == temporary:
                _rename2(temporary, target, _RENAME_EXCHANGE)
            elif aside is not None and _identity(aside) == checked[0]:
                os.replace(target, temporary)
                os.replace(aside, target)
        elif checked is not None and aside not in (None, temporary) and _identity(aside) == checked[0] \
                and not os.path.lexists(target):
            os.replace(aside, target)
    except OSError:
        pass
    if _identity(temporary) == new:
        shutil.rmtree(temporary, ignore_errors=True)
    if aside is not None and aside != temporary:
        try:
            os.rmdir(aside)  # the empty placeholder; a folder holding the old export is never removed here
        except OSError:
            pass
    earlier = None
    if checked is not None and _identity(target) != checked[0]:
        earlier = next((path for path in (temporary, aside) if path is not None and _identity(path) == checked[0]),
                       None)
    left = [path for path in dict.fromkeys((temporary, aside))
            if path is not None and path != earlier and os.path.lexists(path)]
    return left, earlier
