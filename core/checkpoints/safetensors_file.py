"""A model folder's tensors: ``model.safetensors``, or the shards its index names, read as float64.

Each file is read by :mod:`attention_stepper.core.safetensors_file` (memory-mapped, its header
checked, bfloat16 widened from its bits), so opening a 1 GB checkpoint to show layer 0 reads a few
megabytes: the embedding rows of the sentence's tokens and that layer's matrices. Every damage is
a :class:`CheckpointError` naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import safetensors_file
from ..safetensors_file import widen  # noqa: F401  (what a checkpoint's tensors are widened by, for tests)
from .errors import HF_MISSING, CheckpointError, require_hf

SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"


class TensorFile(safetensors_file.TensorFile):
    """One of a checkpoint's safetensors files: the hf extra is required, and every problem is a CheckpointError."""

    def __init__(self, path: Path):
        require_hf()
        super().__init__(path, CheckpointError, HF_MISSING)


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
