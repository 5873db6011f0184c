"""The projection matrices W_Q, W_K, W_V (one per head), W_O, and their biases when there are any.

Weights are drawn per head from a generator seeded by (seed, head, matrix,
sizes), so adding a third head leaves heads 1 and 2 exactly as they were and
a learner can compare like with like. The scale 1/sqrt(fan-in) keeps the
entries of Q, K and V near unit size, so the default softmax is neither
uniform nor one-hot.

With grouped-query attention W_K and W_V have fewer heads (kv_heads) than
W_Q; key/value head j is drawn exactly as head j would be, so kv_heads =
heads gives the weights of plain multi-head attention bit for bit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .attention import pack_heads
from .files import atomic_write
from .limits import MAX_ARCHIVE_STREAM_BYTES, MAX_MAGNITUDE, MAX_WEIGHTS_BYTES, check_whole_number
from .matrices import BIAS_NAMES, WEIGHT_NAMES
from .npz_reading import NpzArchive, check_npz_start, npz_read_errors, npz_source, size_text

#: The weight matrices proper, without the biases: every weights file has these.
MATRIX_WEIGHT_NAMES = tuple(name for name in WEIGHT_NAMES if name not in BIAS_NAMES)
#: How a weights file that declares too large arrays is told its limit.
WEIGHTS_LIMIT_TEXT = (f"the weights may take at most {size_text(MAX_WEIGHTS_BYTES)} as float64 together, "
                      f"the most one computation's matrices may take")

_WEIGHT_STREAM = 1  # embedding.py uses stream 0


@dataclass(frozen=True, eq=False)
class Weights:
    """W_Q (h, d_model, d_k), W_K (kv, d_model, d_k), W_V (kv, d_model, d_v), W_O (h·d_v, d_model).

    With biases (all four or none): b_Q (h, d_k), b_K (kv, d_k), b_V (kv, d_v),
    b_O (d_model,). kv, the number of key/value heads, divides h.
    The arrays are float64 copies made read-only, so a trace computed from
    them can never disagree with the weights it claims to come from.
    """

    w_q: np.ndarray
    w_k: np.ndarray
    w_v: np.ndarray
    w_o: np.ndarray
    b_q: np.ndarray | None = None
    b_k: np.ndarray | None = None
    b_v: np.ndarray | None = None
    b_o: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in WEIGHT_NAMES:
            if getattr(self, name) is None:
                continue
            array = np.array(getattr(self, name), dtype=np.float64, copy=True)
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        problem = shape_problem(**{name: getattr(self, name) for name in WEIGHT_NAMES})
        if problem:
            raise ValueError(problem)
        for name, array in self.arrays().items():
            problem = value_problem(name, array)
            if problem:
                raise ValueError(problem)

    @classmethod
    def drawn(cls, **arrays: np.ndarray) -> Weights:
        """Weights drawn by this program: float64, finite and of fitting shapes already, so not checked again."""
        weights = object.__new__(cls)
        for name in WEIGHT_NAMES:
            array = arrays.get(name)
            if array is not None:
                array.flags.writeable = False
            object.__setattr__(weights, name, array)
        return weights

    @property
    def heads(self) -> int:
        return self.w_q.shape[0]

    @property
    def kv_heads(self) -> int:
        return self.w_k.shape[0]

    @property
    def d_model(self) -> int:
        return self.w_q.shape[1]

    @property
    def d_k(self) -> int:
        return self.w_q.shape[2]

    @property
    def d_v(self) -> int:
        return self.w_v.shape[2]

    @property
    def has_bias(self) -> bool:
        return self.b_q is not None

    def packed(self, name: str) -> np.ndarray | None:
        """[W₁ | W₂ | … | W_h] of ``w_q``, ``w_k`` or ``w_v`` (their heads side by side, (d_model, h·d));
        of ``b_q``, ``b_k`` or ``b_v``, the heads' biases side by side, (h·d,), or None without biases.

        Kept once made: the weights never change, and a forward pass would otherwise lay
        them out again every time.
        """
        made = self.__dict__.setdefault("_packed", {})  # beside the frozen fields, not one of them
        if getattr(self, name) is None:
            return None
        if name not in made:
            array = getattr(self, name)
            array = np.ascontiguousarray(pack_heads(array) if array.ndim == 3 else array.reshape(-1))
            array.flags.writeable = False
            made[name] = array
        return made[name]

    def astype(self, dtype: np.dtype | type) -> Weights:
        """The same weights in another precision (float32, float16): every step then computes in it."""
        if np.dtype(dtype) == np.float64:
            return self
        return Weights.drawn(**{name: array.astype(dtype) for name, array in self.arrays().items()})

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays there are (the biases only when there are biases), by their file names."""
        return {name: getattr(self, name) for name in WEIGHT_NAMES if getattr(self, name) is not None}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Weights):
            return NotImplemented
        mine, theirs = self.arrays(), other.arrays()
        return mine.keys() == theirs.keys() and all(np.array_equal(mine[n], theirs[n]) for n in mine)


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


def shape_problem(w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray, w_o: np.ndarray, b_q: np.ndarray | None = None,
                  b_k: np.ndarray | None = None, b_v: np.ndarray | None = None, b_o: np.ndarray | None = None) -> str:
    """Describe what is wrong with the shapes, or return '' when they fit together."""
    for name, array in zip(WEIGHT_NAMES, (w_q, w_k, w_v, w_o)):
        expected = 2 if name == "w_o" else 3
        if array.ndim != expected:
            return f"{name} must have {expected} dimensions; it has shape {tuple(array.shape)}"
    heads, d_model, d_k = w_q.shape
    kv_heads, d_v = w_k.shape[0], w_v.shape[2]
    if min(heads, d_model, d_k, d_v, kv_heads) == 0:
        return (f"w_q, w_k and w_v must not have an empty dimension; they have shapes {w_q.shape}, "
                f"{w_k.shape} and {w_v.shape}")
    if w_k.shape[1:] != w_q.shape[1:] or heads % kv_heads:
        return (f"w_k must have the shape of w_q, (h, d_model, d_k) = {w_q.shape}, or fewer heads that divide "
                f"h (grouped key/value heads); it has {w_k.shape}")
    if w_v.shape[:2] != (kv_heads, d_model):
        return f"w_v must have shape (h, d_model, d_v) = ({kv_heads}, {d_model}, d_v), as w_k; it has {w_v.shape}"
    if w_o.shape != (heads * d_v, d_model):
        return f"w_o must have shape (h*d_v, d_model) = ({heads * d_v}, {d_model}); it has {w_o.shape}"
    biases = {"b_q": (b_q, (heads, d_k)), "b_k": (b_k, (kv_heads, d_k)), "b_v": (b_v, (kv_heads, d_v)),
              "b_o": (b_o, (d_model,))}
    given = [name for name, (array, _) in biases.items() if array is not None]
    if given and len(given) < len(biases):
        missing = [name for name in biases if name not in given]
        return f"biases come all four or none: {', '.join(given)} given without {', '.join(missing)}"
    for name, (array, shape) in biases.items():
        if array is not None and array.shape != shape:
            return f"{name} must have shape {shape}; it has {tuple(array.shape)}"
    for name, value in (("heads", heads), ("kv_heads", kv_heads), ("d_model", d_model), ("d_k", d_k),
                        ("d_v", d_v)):
        try:
            check_whole_number(name, value)
        except ValueError as error:
            return str(error)
    return ""


def _draw(seed: int, head: int, matrix: int, rows: int, cols: int) -> np.ndarray:
    rng = np.random.default_rng([_WEIGHT_STREAM, seed, head, matrix, rows, cols])
    return rng.standard_normal((rows, cols)) / np.sqrt(rows)


def init_weights(d_model: int, heads: int, d_k: int, d_v: int | None = None, seed: int = 0, *,
                 kv_heads: int | None = None, bias: bool = False) -> Weights:
    """Seeded random weights with entries of variance 1/fan-in (see module docstring); the sizes are checked.

    ``kv_heads`` (default: heads) must divide heads; ``bias`` adds seeded, non-zero biases.
    """
    d_model = check_whole_number("d_model", d_model)
    heads = check_whole_number("heads", heads)
    d_k = check_whole_number("d_k", d_k)
    d_v = d_k if d_v is None else check_whole_number("d_v", d_v)
    kv_heads = heads if kv_heads is None else check_kv_heads(kv_heads, heads)
    return seeded_weights(d_model, heads, d_k, d_v, check_whole_number("seed", seed), kv_heads, bias)


def seeded_weights(d_model: int, heads: int, d_k: int, d_v: int, seed: int, kv_heads: int | None = None,
                   bias: bool = False) -> Weights:
    """:func:`init_weights` for sizes already checked (validated Parameters): nothing is checked twice."""
    kv_heads = heads if kv_heads is None else kv_heads
    arrays = {
        "w_q": np.stack([_draw(seed, head, 0, d_model, d_k) for head in range(heads)]),
        "w_k": np.stack([_draw(seed, head, 1, d_model, d_k) for head in range(kv_heads)]),
        "w_v": np.stack([_draw(seed, head, 2, d_model, d_v) for head in range(kv_heads)]),
        "w_o": np.concatenate([_draw(seed, head, 3, d_v, d_model) for head in range(heads)]) / np.sqrt(heads),
    }
    if bias:  # small next to X W (about a tenth), but never zero, so a learner sees them added
        arrays["b_q"] = np.stack([_draw(seed, head, 4, 1, d_k)[0] for head in range(heads)]) / 10
        arrays["b_k"] = np.stack([_draw(seed, head, 5, 1, d_k)[0] for head in range(kv_heads)]) / 10
        arrays["b_v"] = np.stack([_draw(seed, head, 6, 1, d_v)[0] for head in range(kv_heads)]) / 10
        arrays["b_o"] = _draw(seed, 0, 7, 1, d_model)[0] / 10
    return Weights.drawn(**arrays)


def check_kv_heads(kv_heads: object, heads: int) -> int:
    """kv_heads as an int if it is from 1 to heads and divides heads (query head i uses kv head ⌊i·kv/h⌋)."""
    kv_heads = check_whole_number("kv_heads", kv_heads)
    if kv_heads > heads or heads % kv_heads:
        raise ValueError(f"kv_heads must divide heads ({heads}): each key/value head serves the same number of "
                         f"query heads; got {kv_heads}")
    return kv_heads


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
    arrays = read_npz_arrays(path, MATRIX_WEIGHT_NAMES, "w_q, w_k, w_v, w_o",
                             "a weights file holds w_q, w_k, w_v and w_o (and b_q, b_k, b_v, b_o with biases)",
                             optional=BIAS_NAMES, source=source)
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
