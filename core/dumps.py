"""Reading a dump of someone's own attention implementation: the arrays by name, safely.

A dump is an ``.npz`` (``np.savez``), a ``.safetensors`` file (when the
``safetensors`` package is installed) or a plain mapping of arrays (NumPy
arrays, torch tensors, lists). It holds the input ``x``, the weights in one of
the layouts :mod:`.dump_layout` converts, any intermediates under our trace
names, optionally a ``memory`` array (cross-attention) and a ``config.json``
member (the configuration as :class:`~.parameters.Parameters` fields).

Nothing is ever unpickled: ``np.load`` runs with ``allow_pickle=False``,
object arrays are refused, and every member's declared size is checked
before it is read, so a damaged or hostile file ends in one
:class:`DumpError` line, never a traceback, a pickle or a memory blow-up.
"""

from __future__ import annotations

import json
import math
import os
import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .limits import MAX_MATRIX_BYTES
from .safetensors_file import MAX_HEADER_BYTES, TensorFile

#: How an .npz starts: a zip's first local file header, or an empty zip's end record.
NPZ_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

#: The user's intermediates a dump may hold, under our trace names, in computing order.
STEP_NAMES = ("q", "k", "v", "q_rotated", "k_rotated", "scores", "scaled", "weights", "head_output", "concat",
              "output")
#: The inputs: X (n, d_model) and, for cross-attention, the memory (m, d_model).
INPUT_NAMES = ("x", "memory")
#: Our layout of the weights (see :class:`~.weights.Weights`).
OUR_WEIGHT_NAMES = ("w_q", "w_k", "w_v", "w_o", "b_q", "b_k", "b_v", "b_o")
#: ``nn.MultiheadAttention``'s state dict (packed, or separate when kdim/vdim differ).
TORCH_WEIGHT_NAMES = ("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias", "q_proj_weight",
                      "k_proj_weight", "v_proj_weight")
#: Hugging Face's ``nn.Linear`` projections, (out, in); ``out_proj`` is BART's name for ``o_proj``.
HF_WEIGHT_NAMES = tuple(f"{projection}.{part}" for projection in ("q_proj", "k_proj", "v_proj", "o_proj")
                        for part in ("weight", "bias"))
#: The member holding the configuration as Parameters fields (JSON).
CONFIG_MEMBER = "config.json"
KNOWN_NAMES = (*INPUT_NAMES, *STEP_NAMES, *OUR_WEIGHT_NAMES, *TORCH_WEIGHT_NAMES, *HF_WEIGHT_NAMES)

#: At most this many members, this many bytes in all (as declared, before reading) and this much JSON.
MAX_MEMBERS = 64
MAX_DUMP_BYTES = MAX_MATRIX_BYTES
MAX_CONFIG_BYTES = 64 * 1024


class DumpError(ValueError):
    """A dump that cannot be used; the message (one line) says which file, what is wrong and what would do."""


@dataclass(frozen=True)
class RawDump:
    """What a dump holds, by name, before its shapes are fitted to a configuration.

    ``arrays`` are float64 copies (integers widened, float16/bfloat16 too);
    ``config`` is the parsed ``config.json`` member or None.
    """

    source: str
    arrays: dict[str, np.ndarray]
    config: dict[str, object] | None = None


def read_dump(dump: str | os.PathLike | Mapping[str, object]) -> RawDump:
    """Read a dump file (``.npz``, ``.safetensors``) or take a mapping of arrays; DumpError for anything wrong."""
    if isinstance(dump, RawDump):
        return dump
    if isinstance(dump, Mapping):
        return _from_members("the dump", dict(dump))
    path = Path(dump)
    try:
        with open(path, "rb") as stream:
            start = stream.read(8)
    except FileNotFoundError:
        raise DumpError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DumpError(f"{path}: is a folder, not a dump (.npz or .safetensors)") from None
    except OSError as error:
        raise DumpError(f"{path}: cannot be read ({error.strerror or error})") from None
    if not start:
        raise DumpError(f"{path}: the file is empty; expected an .npz (numpy.savez) or a .safetensors dump")
    if start[:4] in NPZ_MAGIC:
        members = _read_npz(path)
    elif start[:1] == b"\x80" or path.suffix in (".pkl", ".pickle", ".pt", ".pth", ".bin"):
        raise DumpError(f"{path}: looks like a pickle (torch.save or pickle.dump), which is never loaded; "
                        f"save the arrays with numpy.savez or safetensors")
    elif path.suffix == ".safetensors" or _looks_like_safetensors(start, path):
        members = _read_safetensors(path)
    else:
        raise DumpError(f"{path}: not an .npz (numpy.savez) or a .safetensors file")
    return _from_members(str(path), members)


def _read_npz(path: Path) -> dict[str, object]:
    """Every member of an ``.npz``: arrays (``.npy`` members) and raw bytes (others, such as config.json).

    The one place a dump's .npz is opened. Checks each member's declared
    size, and for ``.npy`` members the header's dtype and shape, before
    reading anything; never unpickles.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise DumpError(f"{path}: holds {len(infos)} members; a dump holds at most {MAX_MEMBERS}")
            declared = sum(info.file_size for info in infos)
            if declared > MAX_DUMP_BYTES:
                raise DumpError(f"{path}: its members would take {declared / 2**20:.0f} MiB; a dump may take at "
                                f"most {MAX_DUMP_BYTES / 2**20:.0f} MiB")
            members: dict[str, object] = {}
            for info in infos:
                name = info.filename
                if name.endswith((".pkl", ".pickle")) or "/data.pkl" in name:
                    raise DumpError(f"{path}: holds a pickle ({name}; a torch.save file?), which is never loaded; "
                                    f"save the arrays with numpy.savez or safetensors")
                if not name.endswith(".npy"):
                    members[name] = _bounded(archive.read(info), name, path)
                    continue
                with archive.open(info) as stream:
                    _check_npy_header(stream, info, path)
                with archive.open(info) as stream:
                    members[name.removesuffix(".npy")] = np.lib.format.read_array(stream, allow_pickle=False)
            return members
    except DumpError:
        raise
    except ValueError as error:
        if "pickle" in str(error).lower() or "object" in str(error).lower():
            raise DumpError(f"{path}: holds pickled objects, which are never loaded; save plain number "
                            f"arrays") from None
        raise DumpError(f"{path}: not a readable .npz ({_short(error)})") from None
    except Exception as error:  # a damaged zip can raise almost anything from zipfile, zlib or numpy
        raise DumpError(f"{path}: not a readable .npz ({_short(error) or 'damaged or truncated'})") from None


def _check_npy_header(stream, info: zipfile.ZipInfo, path: Path) -> None:
    """Refuse an .npy member whose header asks for objects or for more bytes than the member holds."""
    version = np.lib.format.read_magic(stream)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, _fortran, dtype = read_header(stream)
    name = info.filename.removesuffix(".npy")
    if dtype.hasobject:
        raise DumpError(f"{path}: {name} holds Python objects (a pickle), which are never loaded; "
                        f"save plain number arrays")
    needed = math.prod(shape) * dtype.itemsize
    if needed > info.file_size:
        raise DumpError(f"{path}: {name} declares {needed} bytes of data but the member holds {info.file_size}; "
                        f"the file is damaged")


def _bounded(data: bytes, name: str, path: Path) -> bytes:
    if len(data) > MAX_CONFIG_BYTES:
        raise DumpError(f"{path}: the member {name} is {len(data)} bytes; a dump's non-array members "
                        f"(config.json) take at most {MAX_CONFIG_BYTES // 1024} KiB")
    return data


def _looks_like_safetensors(start: bytes, path: Path) -> bool:
    """Whether the first 8 bytes could be a safetensors header's length (and the file is long enough for it)."""
    return len(start) == 8 and 2 <= struct.unpack("<Q", start)[0] <= min(MAX_HEADER_BYTES, path.stat().st_size - 8)


def _read_safetensors(path: Path) -> dict[str, object]:
    """Every tensor of a ``.safetensors`` file (widened to float64), and its metadata's ``config.json``, if any.

    Read by :mod:`.safetensors_file`, which checks the header (each tensor's dtype,
    shape and byte range must fit the file) before any tensor, and reads bfloat16
    (which NumPy lacks) from its bits.
    """
    file = TensorFile(path, DumpError, f"{path}: reading .safetensors needs the safetensors package "
                                       f"(pip install safetensors), or save the dump with numpy.savez")
    names = file.names()
    if len(names) > MAX_MEMBERS:
        raise DumpError(f"{path}: holds {len(names)} tensors; a dump holds at most {MAX_MEMBERS}")
    numbers = sum(math.prod(file.shape(name)) for name in names)
    if numbers * 8 > MAX_DUMP_BYTES:
        raise DumpError(f"{path}: its tensors would take {numbers * 8 / 2**20:.0f} MiB as float64; a dump may take "
                        f"at most {MAX_DUMP_BYTES / 2**20:.0f} MiB")
    members: dict[str, object] = {name: file.read(name, integers=True) for name in names}
    if CONFIG_MEMBER in file.metadata:
        members[CONFIG_MEMBER] = str(file.metadata[CONFIG_MEMBER]).encode("utf-8")
    return members


def _from_members(source: str, members: dict[str, object]) -> RawDump:
    """Check every member's name, type and size; parse config.json; then make float64 copies."""
    config = None
    arrays: dict[str, np.ndarray] = {}
    for name, value in members.items():
        if name in (CONFIG_MEMBER, "config"):
            config = parse_config(value, source)
            continue
        if name not in KNOWN_NAMES:
            raise DumpError(f"{source}: unknown array {name!r}; a dump holds x, the weights ({', '.join(OUR_WEIGHT_NAMES)}"
                            f", or PyTorch's in_proj_weight…, or HF's q_proj.weight…), memory, config.json and "
                            f"the steps {', '.join(STEP_NAMES)}")
        arrays[name] = _as_array(value, name, source)
    numbers = sum(array.size for array in arrays.values())
    if numbers * 8 > MAX_DUMP_BYTES:  # checked before anything is widened to float64
        raise DumpError(f"{source}: holds {numbers} numbers ({numbers * 8 / 2**20:.0f} MiB as float64); a dump may "
                        f"take at most {MAX_DUMP_BYTES / 2**20:.0f} MiB")
    if "x" not in arrays:
        raise DumpError(f"{source}: no x; a dump holds the input x (n, d_model) the intermediates were computed from")
    return RawDump(source, {name: np.array(array, dtype=np.float64) for name, array in arrays.items()}, config)


def _as_array(value: object, name: str, source: str) -> np.ndarray:
    """A real-number array (not yet copied) from a NumPy array, a torch tensor (without importing torch) or a list."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        value = value.detach().cpu()
        if "bfloat16" in str(getattr(value, "dtype", "")):
            value = value.float()
        value = value.numpy()
    if isinstance(value, (bytes, str)):
        raise DumpError(f"{source}: {name} is not an array of numbers")
    try:
        array = np.asarray(value)
    except Exception:
        raise DumpError(f"{source}: {name} is not an array of numbers") from None
    if array.dtype.kind not in "fiu" or array.dtype.hasobject:
        raise DumpError(f"{source}: {name} has dtype {array.dtype}; a dump holds real numbers")
    return array


def parse_config(value: object, source: str) -> dict[str, object]:
    """The ``config.json`` member (JSON bytes or text, a 0-d string array, or a dict) as a dict of fields."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "US" and value.ndim == 0:
        value = value.item()
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DumpError(f"{source}: config.json is not UTF-8 text") from None
    if isinstance(value, str):
        if len(value) > MAX_CONFIG_BYTES:
            raise DumpError(f"{source}: config.json is longer than {MAX_CONFIG_BYTES // 1024} KiB")
        try:
            value = json.loads(value)
        except ValueError as error:
            raise DumpError(f"{source}: config.json is not valid JSON ({_short(error)})") from None
    if not isinstance(value, dict):
        raise DumpError(f"{source}: config.json must be a JSON object of configuration fields "
                        f"(heads, causal, rope…)")
    return dict(value)


def _short(error: BaseException) -> str:
    """An exception's text on one line, not too long."""
    text = " ".join(str(error).split())
    return text if len(text) <= 160 else text[:157] + "…"
