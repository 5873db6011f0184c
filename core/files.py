"""Writing files so that a failure never leaves half a file behind.

Every file the program writes goes to a temporary name in the same folder
and is renamed into place only once it is complete; a rename within one
folder is atomic, so a reader sees the old file or the new one, never a torn
one, and a full disk or a crash leaves the earlier file untouched.
"""

from __future__ import annotations

import os
import shutil
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


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary_path)``, then rename the result to ``path``.

    If ``write`` raises, the temporary file is removed and the exception
    propagates; ``path`` is untouched.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        write(temporary_path)
        _settle_mode(temporary_path, target, 0o666)
        os.replace(temporary_path, target)
    except BaseException:
        temporary_path.unlink(missing_ok=True)
        raise
    return target


def atomic_folder(path: str | os.PathLike, fill: Callable[[Path], None], force: bool = False) -> Path:
    """Create the folder ``path`` whole or not at all.

    ``fill(temporary_folder)`` writes the contents into a temporary folder
    beside ``path``, which is then renamed into place. An existing non-empty
    folder is refused (FileExistsError) unless ``force``; with ``force`` the
    old folder is moved aside first and removed only after the new one is in
    place, so a failure restores it.
    """
    target = Path(path)
    parent = target.parent
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise FileExistsError(f"{target} exists and is not empty (use --force to replace it)")
    if parent.exists() and not parent.is_dir():
        raise NotADirectoryError(f"{parent} is a file, not a folder")
    if not parent.is_dir():
        raise FileNotFoundError(f"the folder {parent} does not exist")
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=parent))
    aside: Path | None = None
    try:
        fill(temporary)
        _settle_mode(temporary, target, 0o777)
        if target.is_dir():
            aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
            os.rmdir(aside)
            os.replace(target, aside)
        os.replace(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        if aside is not None and not target.exists():
            os.replace(aside, target)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    return target
