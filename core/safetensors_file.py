"""Reading tensors (or single rows of one) from a ``.safetensors`` file, as float64, never trusting its header.

A safetensors file is an 8-byte little-endian header length, a JSON header
naming each tensor's dtype, shape and byte range, then the bytes. The file is
memory-mapped and only the bytes of the tensors asked for are touched, so a
model's layer or a user's dump reads what it needs and no more.

``safetensors.safe_open`` checks each header first (the official reader's
rules); our own check follows (every range must fit its shape and the file).
The bytes are then read through one memory map of our own, because NumPy has
no bfloat16 (``safe_open(..., framework="numpy")`` refuses such tensors) and
because an embedding is read row by row: bfloat16 is the top half of a
float32, so its 16 bits are shifted into a float32's top 16 bits. Every
damage — a truncated file, a header that lies about its ranges, NaN values —
is an error of the caller's class (a checkpoint's, a dump's) naming the file.
Used by core/checkpoints (model folders) and core/dumps.py (compare dumps).
"""

from __future__ import annotations

import json
import math
import mmap
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: Byte order and width of each floating dtype; BF16 is read as raw 16-bit words.
FLOAT_DTYPES = {"F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2")}
#: The integer dtypes a dump may hold too (a model's weights are floating point).
INTEGER_DTYPES = {"I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
                  "U8": np.dtype("u1"), "U16": np.dtype("<u2"), "U32": np.dtype("<u4"), "U64": np.dtype("<u8")}
ITEM_SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
              "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1}
MAX_HEADER_BYTES = 100 * 1024 * 1024  # the limit safetensors itself keeps
SAFETENSORS_MISSING = "reading .safetensors files needs the safetensors package (pip install safetensors)"


def widen(raw: np.ndarray, dtype: str) -> np.ndarray:
    """Stored values as float64 (a new array): numbers cast, bfloat16 shifted into float32's top bits."""
    if dtype == "BF16":
        with np.errstate(invalid="ignore"):  # a signalling NaN stays a NaN (and is refused as weights later)
            return (raw.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    return raw.astype(np.float64)


class TensorFile:
    """One ``.safetensors`` file: its header read and checked, its bytes mapped (not read) until asked for.

    ``error`` is the class every problem is raised as; ``missing`` the message
    when the safetensors package is not installed.
    """

    def __init__(self, path: Path, error: type[ValueError] = ValueError, missing: str = SAFETENSORS_MISSING):
        self.path = Path(path)
        self._error = error
        _check_with_safetensors(self.path, error, missing)
        try:
            with open(self.path, "rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                self._entries, self._start, self.metadata = _read_header(self.path, stream, size, error)
                self._map = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        except OSError as problem:
            raise error(f"cannot read {self.path}: {problem.strerror or problem}") from None

    def names(self) -> list[str]:
        return list(self._entries)

    def shape(self, name: str) -> tuple[int, ...]:
        return tuple(self._entries[name]["shape"])

    def dtype(self, name: str) -> str:
        return self._entries[name]["dtype"]

    def read(self, name: str, rows: Sequence[int] | None = None, integers: bool = False) -> np.ndarray:
        """Tensor ``name`` as a float64 array; with ``rows``, only those rows of its first axis.

        Floating-point tensors only, unless ``integers`` (a dump's): those are widened too.
        """
        entry, path, error = self._entries[name], self.path, self._error
        dtype, shape = entry["dtype"], tuple(entry["shape"])
        readable = {**FLOAT_DTYPES, **(INTEGER_DTYPES if integers else {})}
        if dtype not in readable:
            kinds = "numbers" if integers else "floating point"
            raise error(f"{path}: tensor {name} holds {dtype} values; they must be {kinds}")
        begin = self._start + entry["data_offsets"][0]
        count = math.prod(shape)
        try:
            values = np.frombuffer(self._map, dtype=readable[dtype], count=count, offset=begin) if count else \
                np.zeros(0, dtype=readable[dtype])
        except (ValueError, TypeError, BufferError) as problem:  # the file shrank after it was opened
            raise error(f"{path}: tensor {name} cannot be read ({problem}); the file is damaged") from None
        values = values.reshape(shape)
        if rows is not None:
            if not shape or any(not 0 <= row < shape[0] for row in rows):
                raise error(f"{path}: tensor {name} of shape {shape} has no row {max(rows, default=0)}")
            values = values[np.asarray(rows, dtype=np.int64)]
        array = widen(values, dtype)
        if not np.isfinite(array).all():
            raise error(f"{path}: tensor {name} holds NaN or infinite values")
        return array


def _check_with_safetensors(path: Path, error: type[ValueError], missing: str) -> None:
    """The official reader's checks of the header (ranges that fit and cover the file, known dtypes)."""
    try:
        import safetensors
    except ImportError:
        raise error(missing) from None
    errors = tuple(kind for kind in (getattr(safetensors, "SafetensorError", None),) if kind is not None)
    try:
        with safetensors.safe_open(str(path), framework="numpy") as handle:
            handle.keys()
    except (*errors, OSError, ValueError, RuntimeError, BufferError, OverflowError) as problem:
        text = str(problem).splitlines()[0] if str(problem) else type(problem).__name__
        raise error(f"{path} is not a .safetensors file that can be read (damaged or truncated?): {text}") from None


def _read_header(path: Path, stream, size: int, error: type[ValueError]) -> tuple[dict[str, dict], int, dict]:
    """({name: {dtype, shape, data_offsets}}, where the data begins, the metadata); every range checked."""
    damaged = f"{path} is damaged or truncated"
    if size < 8:
        raise error(f"{damaged}: it has {size} bytes, fewer than a safetensors header needs")
    length = int.from_bytes(stream.read(8), "little")
    if length > min(MAX_HEADER_BYTES, size - 8):
        raise error(f"{damaged}: its header claims {length} bytes but the file has {size}")
    try:
        header = json.loads(stream.read(length).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise error(f"{damaged}: its header is not JSON") from None
    if not isinstance(header, dict):
        raise error(f"{damaged}: its header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    data = size - 8 - length
    for name, entry in header.items():
        problem = _entry_problem(entry, data)
        if problem:
            raise error(f"{damaged}: tensor {name!r} {problem}")
    return header, 8 + length, metadata if isinstance(metadata, dict) else {}


def _entry_problem(entry: object, data: int) -> str:
    if not isinstance(entry, dict) or entry.get("dtype") not in ITEM_SIZES:
        return "has no known dtype"
    shape, offsets = entry.get("shape"), entry.get("data_offsets")
    if not isinstance(shape, list) or any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in shape):
        return "has no valid shape"
    if not isinstance(offsets, list) or len(offsets) != 2 or \
            any(isinstance(n, bool) or not isinstance(n, int) for n in offsets):
        return "has no valid byte range"
    begin, end = offsets
    if not 0 <= begin <= end <= data or end - begin != math.prod(shape) * ITEM_SIZES[entry["dtype"]]:
        return f"claims bytes {begin}…{end}, which do not fit its shape {shape} or the file"
    return ""
