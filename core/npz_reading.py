"""Reading ``.npz`` archives (weights and session files) without trusting them.

An ``.npz`` is a zip of ``.npy`` arrays, and both layers can lie: a zip
member of 2 MB can unpack to gigabytes, and an ``.npy`` header can declare
a shape of 10¹⁰ elements that numpy would allocate before reading a byte.
So :class:`NpzArchive` reads every member's header first and checks its
declared shape and dtype against the zip's declared size and a byte budget
from :mod:`.limits`; object (pickled) arrays are refused there too. Only
then does numpy read the data (``numpy.load(allow_pickle=False)``), and
never more than was declared.

Whatever a file holds is refused with a message naming it: a file that is
not an archive at all, a damaged one, a pickle (never loaded), an array too
large. A pipe (``--weights <(…)``) or a device is read into memory first,
at most a stated number of bytes, since a zip can only be read from a file
that can seek.
"""

from __future__ import annotations

import io
import math
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .limits import MAX_NPZ_DIRECTORY_BYTES

#: What reading a damaged .npz can raise besides ValueError (found by flipping and cutting bytes of real
#: files, and by tests/core/test_npz_fuzz.py). RuntimeError is zipfile's "File is encrypted".
NPZ_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError, NotImplementedError, OverflowError,
                   MemoryError, struct.error, RuntimeError)

#: The first four bytes numpy.load takes as an .npz: a zip's first local file header, or an empty zip's end record.
#: Checking only "PK" let a text file starting "PKG…" reach numpy's pickle check and be blamed on a pickle.
NPZ_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

#: The longest .npy header read (numpy's own default); real headers take about 100 bytes.
_MAX_HEADER_SIZE = 10_000

Source = Path | BinaryIO


class NpzProblem(ValueError):
    """What is wrong with an archive's contents; :func:`npz_read_errors` puts the file's name before it."""


class PickledMember(NpzProblem):
    """A member holds Python objects, which would have to be unpickled: never done."""


def size_text(size: int) -> str:
    """Bytes as a person reads them: "512 bytes", "3.2 MiB", "74.5 GiB"."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def npz_source(path: Path, error_class: type[ValueError], limit: int) -> Source:
    """``path`` itself for a file; the bytes of a pipe or a device, at most ``limit``, in memory.

    A zip is read by seeking, which a pipe cannot do, and reading a pipe
    twice finds it empty the second time; so it is read once, here. Only
    the first four bytes are read when they do not start an archive (so
    ``/dev/zero`` is refused at once), and more than ``limit`` bytes is
    refused with ``error_class``. A path that cannot be examined is returned
    as it is: the reader then reports the problem.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return path
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return path
    chunks: list[bytes] = []
    size = 0
    try:
        with open(path, "rb") as stream:
            while size <= limit:
                chunk = stream.read(min(1 << 20, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if not any(magic.startswith(chunks[0][:4]) for magic in NPZ_MAGIC):
                    break  # not an archive: check_npz_start says so, with no need for the rest
    except OSError as error:
        raise error_class(f"{path}: cannot read it ({error.strerror or error})") from None
    if size > limit:
        raise error_class(f"{path}: holds more than {size_text(limit)}, more than any archive this program "
                          f"reads can need")
    return io.BytesIO(b"".join(chunks))


def check_npz_start(path: Path, error_class: type[ValueError], empty: str, not_npz: str,
                    source: Source | None = None) -> None:
    """Refuse an empty file, or one that does not start like an .npz, before the archive is opened.

    ``empty`` and ``not_npz`` say, after the file's name, what is wrong and
    what was expected. ``source`` is what to read (:func:`npz_source`);
    by default ``path``.
    """
    source = path if source is None else source
    if isinstance(source, Path):
        with open(source, "rb") as stream:
            magic = stream.read(4)
    else:
        source.seek(0)
        magic = source.read(4)
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
    except PickledMember:
        raise error_class(f"{path}: holds pickled objects, which are never loaded{pickled}") from None
    except NpzProblem as problem:
        raise error_class(f"{path}: {problem}") from None
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


def _check_directory(source: Source) -> None:
    """Refuse a zip whose table of contents is larger than any real archive's, before zipfile parses it.

    zipfile builds an object per entry; a file of a million empty entries
    would take gigabytes before a single name could be checked.
    """
    with (open(source, "rb") if isinstance(source, Path) else nullcontext(source)) as stream:
        end = zipfile._EndRecData(stream)  # the end record zipfile itself reads first
    if end is None:
        return  # not a zip: zipfile says so
    size = end[zipfile._ECD_SIZE]
    if size > MAX_NPZ_DIRECTORY_BYTES:
        raise NpzProblem(f"its table of contents takes {size_text(size)} ({end[zipfile._ECD_ENTRIES_TOTAL]} "
                         f"entries); an archive this program reads needs at most {size_text(MAX_NPZ_DIRECTORY_BYTES)}")


class NpzArchive:
    """The arrays of an ``.npz``, each read only after its ``.npy`` header has been checked.

    ``files`` lists the names as ``numpy.load`` does (``w_q`` for the member
    ``w_q.npy``). Every problem is an :class:`NpzProblem` or one of
    :data:`NPZ_READ_ERRORS`; wrap the use in :func:`npz_read_errors`.
    """

    def __init__(self, source: Source):
        _check_directory(source)
        if not isinstance(source, Path):
            source.seek(0)
        self._npz = np.load(source, allow_pickle=False)
        self._zip = self._npz.zip
        self._members = {info.filename.removesuffix(".npy"): info for info in self._zip.infolist()}
        self.files = list(self._npz.files)

    def close(self) -> None:
        self._npz.close()

    def __enter__(self) -> NpzArchive:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def header(self, name: str) -> tuple[tuple[int, ...], np.dtype]:
        """The shape and dtype ``name`` declares, checked against the zip's declared size; no data is read."""
        info = self._members[name]
        with self._zip.open(info) as stream:
            if stream.read(len(np.lib.format.MAGIC_PREFIX)) != np.lib.format.MAGIC_PREFIX:
                raise NpzProblem(f"{name} is not a NumPy array (an .npz holds arrays saved with numpy.savez)")
            stream.seek(0)
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(stream, max_header_size=_MAX_HEADER_SIZE)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(stream, max_header_size=_MAX_HEADER_SIZE)
            else:
                raise NpzProblem(f"{name} is an .npy array of format version {version[0]}.{version[1]}, which is "
                                 f"not read (numpy.savez writes version 1.0 for number arrays)")
            data_start = stream.tell()
        if dtype.hasobject:
            raise PickledMember(name)
        if any(length < 0 for length in shape):
            raise NpzProblem(f"{name} declares the impossible shape {shape}")
        stored = math.prod(shape) * dtype.itemsize
        if stored > info.file_size - data_start:
            raise NpzProblem(f"{name} declares shape {shape} of {dtype} ({size_text(stored)}), but its zip entry "
                             f"holds {size_text(max(info.file_size - data_start, 0))}: the file is damaged")
        return shape, dtype

    def read(self, names: Iterable[str], budget: int, limit_text: str) -> dict[str, np.ndarray]:
        """The arrays ``names``, refused before any is read if together they would take more than ``budget`` bytes.

        A number array counts 8 bytes per element, what it takes once
        widened to float64. ``limit_text`` ends the message ("the weights
        may take at most 1.0 GiB as float64").
        """
        names = list(names)
        headers = {name: self.header(name) for name in names}
        total = 0
        for name, (shape, dtype) in headers.items():
            size = math.prod(shape) * max(dtype.itemsize, 8)
            total += size
            if total > budget:
                described = (f"a text of {math.prod(shape) * dtype.itemsize // 4} characters" if dtype.kind == "U"
                             else f"shape {shape} of {dtype} ({size_text(size)} as float64)")
                raise NpzProblem(f"{name} declares {described}; {limit_text}")
        return {name: self._npz[name] for name in names}
