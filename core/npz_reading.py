"""Reading ``.npz`` archives (weights and session files) without trusting them.

An ``.npz`` is a zip of ``.npy`` arrays. Whatever it holds is refused with a
message naming the file: a file that is not an archive at all, a damaged
one, a pickle (never loaded).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: What reading a damaged .npz can raise besides ValueError (found by flipping and cutting bytes of real files).
NPZ_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError, NotImplementedError, OverflowError,
                   MemoryError, struct.error)


#: The first four bytes numpy.load takes as an .npz: a zip's first local file header, or an empty zip's end record.
#: Checking only "PK" let a text file starting "PKG…" reach numpy's pickle check and be blamed on a pickle.
NPZ_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


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
