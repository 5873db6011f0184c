"""The projection matrices W_Q, W_K, W_V (one per head) and W_O.

Weights are drawn per head from a generator seeded by (seed, head, matrix,
sizes), so adding a third head leaves heads 1 and 2 exactly as they were and
a learner can compare like with like. The scale 1/sqrt(fan-in) keeps the
entries of Q, K and V near unit size, so the default softmax is neither
uniform nor one-hot.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .files import atomic_write
from .limits import MAX_ARCHIVE_STREAM_BYTES, MAX_MAGNITUDE, MAX_WEIGHTS_BYTES, check_whole_number
from .npz_reading import NpzArchive, check_npz_start, npz_read_errors, npz_source, size_text

_WEIGHT_STREAM = 1  # embedding.py uses stream 0
WEIGHT_NAMES = ("w_q", "w_k", "w_v", "w_o")
#: How a weights file that declares too large arrays is told its limit.
WEIGHTS_LIMIT_TEXT = (f"the weights may take at most {size_text(MAX_WEIGHTS_BYTES)} as float64 together, "
                      f"the most one computation's matrices may take")


@dataclass(frozen=True, eq=False)
class Weights:
    """W_Q (h, d_model, d_k), W_K (h, d_model, d_k), W_V (h, d_model, d_v), W_O (h*d_v, d_model).

    The arrays are float64 copies made read-only, so a trace computed from
    them can never disagree with the weights it claims to come from.
    """

    w_q: np.ndarray
    w_k: np.ndarray
    w_v: np.ndarray
    w_o: np.ndarray

    def __post_init__(self) -> None:
        for name in WEIGHT_NAMES:
            array = np.array(getattr(self, name), dtype=np.float64, copy=True)
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        problem = shape_problem(self.w_q, self.w_k, self.w_v, self.w_o)
        if problem:
            raise ValueError(problem)
        for name in WEIGHT_NAMES:
            problem = value_problem(name, getattr(self, name))
            if problem:
                raise ValueError(problem)

    @property
    def heads(self) -> int:
        return self.w_q.shape[0]

    @property
    def d_model(self) -> int:
        return self.w_q.shape[1]

    @property
    def d_k(self) -> int:
        return self.w_q.shape[2]

    @property
    def d_v(self) -> int:
        return self.w_v.shape[2]

    @functools.cached_property
    def w_qkv(self) -> np.ndarray:
        """[W_Q₁ | W_K₁ | W_V₁ | W_Q₂ | …], (d_model, h·(2·d_k + d_v)): one matrix product projects all.

        One wide product keeps both processor cores busy where a product per head does not
        (about 7% of the whole forward pass at 128 tokens, 8 heads, d_model 256).
        """
        per_head = np.concatenate([self.w_q, self.w_k, self.w_v], axis=2)  # (h, d_model, 2·d_k + d_v)
        side_by_side = np.ascontiguousarray(per_head.transpose(1, 0, 2).reshape(self.d_model, -1))
        side_by_side.flags.writeable = False
        return side_by_side

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in WEIGHT_NAMES}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Weights):
            return NotImplemented
        return all(np.array_equal(getattr(self, n), getattr(other, n)) for n in WEIGHT_NAMES)


def value_problem(name: str, array: np.ndarray) -> str:
    """Why the weights ``array`` (called ``name``) cannot be used, or '': NaN, infinity, or beyond ±MAX_MAGNITUDE.

    Finite but huge weights (1e308) gave NaN and inf in every later matrix;
    within the bound no product can overflow (the arithmetic is in limits.py).
    """
    if not np.isfinite(array).all():
        return f"{name} holds NaN or infinite values; every weight must be a finite number"
    if array.size:
        largest = array.flat[int(np.abs(array).argmax())]
        if abs(largest) > MAX_MAGNITUDE:
            limit = int(MAX_MAGNITUDE)
            return (f"{name} holds {float(largest):g}; every weight must be from -{limit} to {limit}, "
                    f"so that no product overflows")
    return ""


def shape_problem(w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray, w_o: np.ndarray) -> str:
    """Describe what is wrong with the four shapes, or return '' when they fit together."""
    for name, array in zip(WEIGHT_NAMES, (w_q, w_k, w_v, w_o)):
        expected = 2 if name == "w_o" else 3
        if array.ndim != expected:
            return f"{name} must have {expected} dimensions; it has shape {tuple(array.shape)}"
    heads, d_model, d_k = w_q.shape
    d_v = w_v.shape[2]
    if min(heads, d_model, d_k, d_v) == 0:
        return f"w_q and w_v must not have an empty dimension; they have shapes {w_q.shape} and {w_v.shape}"
    if w_k.shape != w_q.shape:
        return f"w_k must have the shape of w_q, (h, d_model, d_k) = {w_q.shape}; it has {w_k.shape}"
    if w_v.shape[:2] != (heads, d_model):
        return f"w_v must have shape (h, d_model, d_v) = ({heads}, {d_model}, d_v); it has {w_v.shape}"
    if w_o.shape != (heads * d_v, d_model):
        return f"w_o must have shape (h*d_v, d_model) = ({heads * d_v}, {d_model}); it has {w_o.shape}"
    for name, value in (("heads", heads), ("d_model", d_model), ("d_k", d_k), ("d_v", d_v)):
        try:
            check_whole_number(name, value)
        except ValueError as error:
            return str(error)
    return ""


def _draw(seed: int, head: int, matrix: int, rows: int, cols: int) -> np.ndarray:
    rng = np.random.default_rng([_WEIGHT_STREAM, seed, head, matrix, rows, cols])
    return rng.standard_normal((rows, cols)) / np.sqrt(rows)


def init_weights(d_model: int, heads: int, d_k: int, d_v: int | None = None, seed: int = 0) -> Weights:
    """Seeded random weights with entries of variance 1/fan-in (see module docstring)."""
    d_model = check_whole_number("d_model", d_model)
    heads = check_whole_number("heads", heads)
    d_k = check_whole_number("d_k", d_k)
    d_v = d_k if d_v is None else check_whole_number("d_v", d_v)
    seed = check_whole_number("seed", seed)
    w_q = np.stack([_draw(seed, head, 0, d_model, d_k) for head in range(heads)])
    w_k = np.stack([_draw(seed, head, 1, d_model, d_k) for head in range(heads)])
    w_v = np.stack([_draw(seed, head, 2, d_model, d_v) for head in range(heads)])
    w_o = np.concatenate([_draw(seed, head, 3, d_v, d_model) for head in range(heads)]) / np.sqrt(heads)
    return Weights(w_q, w_k, w_v, w_o)


class WeightsFileError(ValueError):
    """A weights file that cannot be used; the message names the file and the problem."""


def save_weights(weights: Weights, path: str | os.PathLike) -> Path:
    """Write the four arrays to an uncompressed ``.npz``, atomically."""

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as stream:
            np.savez(stream, **weights.arrays())

    return atomic_write(path, write)


def load_weights(path: str | os.PathLike, *, source: BinaryIO | None = None) -> Weights:
    """Read weights written by :func:`save_weights` (or by hand with ``np.savez``).

    Never unpickles: object arrays are refused. Checks the names, dtypes,
    shapes and that every value is finite, and says which file and what is
    wrong when a check fails. ``source``: the bytes of ``path`` when it was a
    pipe already read (see :func:`read_npz_arrays`).
    """
    path = Path(path)
    arrays = read_npz_arrays(path, WEIGHT_NAMES, "w_q, w_k, w_v, w_o",
                             "a weights file holds w_q, w_k, w_v and w_o", source=source)
    try:
        return Weights(**arrays)
    except ValueError as error:
        raise WeightsFileError(f"{path}: {error}") from None


def read_npz_arrays(path: Path, names: tuple[str, ...], listing: str, holds: str,
                    optional: tuple[str, ...] = (), source: BinaryIO | None = None) -> dict[str, np.ndarray]:
    """The real-number arrays ``names`` (and those of ``optional`` present) of an ``.npz``.

    Never unpickles, and reads no array before its declared shape is known
    to fit :data:`~.limits.MAX_WEIGHTS_BYTES` (see :mod:`.npz_reading`).
    Every problem is a WeightsFileError naming the file; ``listing`` ("w_q,
    w_k, w_v, w_o") and ``holds`` ("a weights file holds …") phrase what the
    file should contain. ``source`` is the file's bytes when ``path`` was a
    pipe already read; by default ``path`` is read (a pipe or device into
    memory, see :func:`~.npz_reading.npz_source`).
    """
    with npz_read_errors(path, WeightsFileError, "a weights file", "not a readable .npz weights file",
                         "; save plain number arrays"):
        if source is None:
            source = npz_source(path, WeightsFileError, MAX_ARCHIVE_STREAM_BYTES)
        check_npz_start(path, WeightsFileError, f"the file is empty; expected an .npz archive of {listing}",
                        f"not an .npz archive (a zip of {listing} saved with numpy.savez)", source)
        with NpzArchive(source) as archive:
            missing = [name for name in names if name not in archive.files]
            if missing:
                raise WeightsFileError(
                    f"{path}: missing {', '.join(missing)}; {holds} "
                    f"(it has {', '.join(archive.files) or 'nothing'})"
                )
            arrays = archive.read([name for name in (*names, *optional) if name in archive.files],
                                  MAX_WEIGHTS_BYTES, WEIGHTS_LIMIT_TEXT)
    for name, array in arrays.items():
        if array.dtype.kind not in "fiu":
            raise WeightsFileError(f"{path}: {name} has dtype {array.dtype}; weights must be real numbers")
    return arrays
