"""Reading single tensors (or single rows of one) from a folder's safetensors files, as float64.

A safetensors file is an 8-byte little-endian header length, a JSON header
naming each tensor's dtype, shape and byte range, then the bytes. The file
is memory-mapped and only the bytes of the tensors asked for are touched,
so opening a 1 GB checkpoint to show layer 0 reads a few megabytes: the
embedding rows of the sentence's tokens and that layer's matrices.

``safetensors.safe_open`` checks each header first (the official reader's
rules). The bytes are then read through one memory map of our own, because
NumPy has no bfloat16 (``safe_open(..., framework="numpy")`` refuses such
tensors) and because an embedding is read row by row: bfloat16 is the top
half of a float32, so its 16 bits are shifted into a float32's top 16 bits.
Every damage — a truncated file, a header that lies about its ranges, NaN
weights — is a :class:`CheckpointError` naming the file.
"""

from __future__ import annotations

import json
import math
import mmap
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import CheckpointError, require_hf

SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"
#: Byte order and width of each floating dtype; BF16 is read as raw 16-bit words.
FLOAT_DTYPES = {"F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2")}
ITEM_SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
              "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1}
MAX_HEADER_BYTES = 100 * 1024 * 1024  # the limit safetensors itself keeps


def widen(raw: np.ndarray, dtype: str) -> np.ndarray:
    """Stored values as float64 (a new array): float16/32/64 cast, bfloat16 shifted into float32's top bits."""
    if dtype == "BF16":
        with np.errstate(invalid="ignore"):  # a signalling NaN stays a NaN (and is refused as weights later)
            return (raw.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    return raw.astype(np.float64)


class TensorFile:
    """One ``.safetensors`` file: its header read and checked, its bytes mapped (not read) until asked for."""

    def __init__(self, path: Path):
        self.path = path
        _check_with_safetensors(path)
        try:
            with open(path, "rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                self._entries, self._start = _read_header(path, stream, size)
                self._map = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        except OSError as error:
            raise CheckpointError(f"cannot read {path}: {error.strerror or error}") from None

    def names(self) -> list[str]:
        return list(self._entries)

    def shape(self, name: str) -> tuple[int, ...]:
        return tuple(self._entries[name]["shape"])

    def read(self, name: str, rows: Sequence[int] | None = None) -> np.ndarray:
        """Tensor ``name`` as a float64 array; with ``rows``, only those rows of its first axis."""
        entry = self._entries[name]
        dtype, shape = entry["dtype"], tuple(entry["shape"])
        if dtype not in FLOAT_DTYPES:
            raise CheckpointError(f"{self.path}: tensor {name} holds {dtype} values; weights must be floating point")
        stored = FLOAT_DTYPES[dtype]
        begin = self._start + entry["data_offsets"][0]
        count = math.prod(shape)
        try:
            values = np.frombuffer(self._map, dtype=stored, count=count, offset=begin) if count else \
                np.zeros(0, dtype=stored)
        except (ValueError, TypeError, BufferError) as error:  # the file shrank after it was opened
            raise CheckpointError(f"{self.path}: tensor {name} cannot be read ({error}); the file is damaged") from None
        values = values.reshape(shape)
        if rows is not None:
            if not shape or any(not 0 <= row < shape[0] for row in rows):
                raise CheckpointError(f"{self.path}: tensor {name} of shape {shape} has no row "
                                      f"{max(rows, default=0)}")
            values = values[np.asarray(rows, dtype=np.int64)]
        array = widen(values, dtype)
        if not np.isfinite(array).all():
            raise CheckpointError(f"{self.path}: tensor {name} holds NaN or infinite values")
        return array


def _check_with_safetensors(path: Path) -> None:
    """The official reader's checks of the header (ranges that fit and cover the file, known dtypes)."""
    require_hf()
    import safetensors

    errors = tuple(error for error in (getattr(safetensors, "SafetensorError", None),) if error is not None)
    try:
        with safetensors.safe_open(str(path), framework="numpy") as handle:
            handle.keys()
    except (*errors, OSError, ValueError, RuntimeError, BufferError, OverflowError) as error:
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CheckpointError(f"{path} is not a readable safetensors file (damaged or truncated?): {text}") from None


def _read_header(path: Path, stream, size: int) -> tuple[dict[str, dict], int]:
    """{name: {dtype, shape, data_offsets}} and where the data begins; every range checked against the file."""
    damaged = f"{path} is damaged or truncated"
    if size < 8:
        raise CheckpointError(f"{damaged}: it has {size} bytes, fewer than a safetensors header needs")
    length = int.from_bytes(stream.read(8), "little")
    if length > min(MAX_HEADER_BYTES, size - 8):
        raise CheckpointError(f"{damaged}: its header claims {length} bytes but the file has {size}")
    try:
        header = json.loads(stream.read(length).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CheckpointError(f"{damaged}: its header is not JSON") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{damaged}: its header is not a JSON object")
    header.pop("__metadata__", None)
    data = size - 8 - length
    for name, entry in header.items():
        problem = _entry_problem(entry, data)
        if problem:
            raise CheckpointError(f"{damaged}: tensor {name!r} {problem}")
    return header, 8 + length


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


class TensorStore:
    """Every tensor of a model folder: ``model.safetensors``, or the shards its index names (opened when needed)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._files: dict[str, TensorFile] = {}
        single, index = folder / SINGLE_FILE, folder / INDEX_FILE
        if single.is_file():
            self._where = {name: SINGLE_FILE for name in self._file(SINGLE_FILE).names()}
        elif index.is_file():
            self._where = _read_index(index, folder)
        else:
            pickle = " (pytorch_model.bin is a pickle and is never loaded)" if (folder / "pytorch_model.bin").exists() \
                else ""
            raise CheckpointError(f"{folder} has no {SINGLE_FILE} and no {INDEX_FILE}; the weights are read from "
                                  f"safetensors files only{pickle}")

    def _file(self, name: str) -> TensorFile:
        if name not in self._files:
            self._files[name] = TensorFile(self.folder / name)
        return self._files[name]

    def names(self) -> list[str]:
        return list(self._where)

    def __contains__(self, name: str) -> bool:
        return name in self._where

    def _locate(self, name: str, purpose: str) -> TensorFile:
        if name not in self._where:
            raise CheckpointError(f"{self.folder}: the weights have no tensor {name} ({purpose}); the checkpoint "
                                  f"is incomplete or not of the model its config.json names")
        file = self._file(self._where[name])
        if name not in file.names():
            raise CheckpointError(f"{file.path} has no tensor {name}, though {INDEX_FILE} says it does")
        return file

    def shape(self, name: str, purpose: str) -> tuple[int, ...]:
        return self._locate(name, purpose).shape(name)

    def read(self, name: str, purpose: str, shape: tuple[int, ...] | None = None,
             rows: Sequence[int] | None = None) -> np.ndarray:
        """Tensor ``name`` as float64 (only ``rows`` of it, if given); ``shape`` is what the config implies."""
        file = self._locate(name, purpose)
        if shape is not None and file.shape(name) != shape:
            raise CheckpointError(f"{file.path}: tensor {name} has shape {list(file.shape(name))}, but config.json "
                                  f"implies {list(shape)}")
        return file.read(name, rows)


def _read_index(index: Path, folder: Path) -> dict[str, str]:
    """The index's weight_map, tensor → shard file name; a shard must be a plain file name in the folder."""
    try:
        contents = json.loads(index.read_text(encoding="utf-8"))
    except OSError as error:
        raise CheckpointError(f"cannot read {index}: {error.strerror or error}") from None
    except (ValueError, RecursionError):
        raise CheckpointError(f"{index} is not valid JSON") from None
    where = contents.get("weight_map") if isinstance(contents, dict) else None
    if not isinstance(where, dict) or not all(isinstance(v, str) for v in where.values()):
        raise CheckpointError(f"{index} has no weight_map of tensor names to file names")
    for shard in set(where.values()):
        if Path(shard).name != shard or not shard.endswith(".safetensors"):
            raise CheckpointError(f"{index} names {shard!r}; a shard must be a .safetensors file beside the index")
        if not (folder / shard).is_file():
            raise CheckpointError(f"{folder} has no {shard}, which {INDEX_FILE} lists; the download is incomplete")
    return where
