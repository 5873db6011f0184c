"""Weights in the layout of ``torch.nn.MultiheadAttention``'s state dict.

PyTorch keeps the three input projections of all heads in one matrix,
``in_proj_weight`` (3E, E), and follows ``nn.Linear``'s (out, in)
convention: ``q = x @ in_proj_weight[:E].T``, then ``k`` with rows E:2E and
``v`` with rows 2E:3E. Head i owns columns i·d_k:(i+1)·d_k of q, which are
rows i·d_k:(i+1)·d_k of the q block, so

    W_Q[i] = in_proj_weight[:E][i·d_k:(i+1)·d_k].T      (E, d_k)
    out_proj.weight = W_Oᵀ                               (E, E)

PyTorch ties the head size to the width: d_k = d_v = E / heads. Only such
weights have a PyTorch layout; a state dict says nothing about the number of
heads (any divisor of E fits), so reading one needs it.
Loaded into ``nn.MultiheadAttention(E, heads, bias=False)``, these weights
give the same output and per-head attention weights as :func:`~.attention.forward`.
With biases, ``in_proj_bias`` (3E,) holds b_Q, b_K and b_V of all heads in the
same order and ``out_proj.bias`` is b_O (``bias=True``). Grouped key/value
heads have no such layout (the module has as many key/value heads as heads).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .files import atomic_write
from .limits import check_whole_number
from .npz_reading import NpzArchive
from .weights import Weights, WeightsFileError, read_npz_arrays, value_problem

IN_PROJ = "in_proj_weight"
OUT_PROJ = "out_proj.weight"
TORCH_KEYS = (IN_PROJ, OUT_PROJ)
IN_BIAS, OUT_BIAS = "in_proj_bias", "out_proj.bias"
#: Biases a state dict of ``bias=True`` holds; all zero means no biases.
TORCH_BIAS_KEYS = (IN_BIAS, OUT_BIAS)


def has_torch_layout(weights: Weights) -> bool:
    """Whether the weights fit nn.MultiheadAttention: d_k == d_v == d_model / heads, as many K, V heads as heads."""
    return (weights.d_k == weights.d_v and weights.heads * weights.d_k == weights.d_model
            and weights.kv_heads == weights.heads)


def to_torch_state(weights: Weights) -> dict[str, np.ndarray]:
    """The weights as ``{"in_proj_weight": (3E, E), "out_proj.weight": (E, E)}`` float64 arrays.

    With biases also ``in_proj_bias`` (3E,) and ``out_proj.bias`` (E,).
    ValueError unless d_k == d_v == d_model / heads with as many key/value
    heads as heads, the only sizes PyTorch's module can hold.
    """
    if not has_torch_layout(weights):
        raise ValueError(
            f"the PyTorch layout needs d_k = d_v = d_model / heads and kv_heads = heads; these weights have "
            f"heads {weights.heads}, kv_heads {weights.kv_heads}, d_model {weights.d_model}, d_k {weights.d_k}, "
            f"d_v {weights.d_v}"
        )

    def rows(w: np.ndarray) -> np.ndarray:
        # (h, E, d) -> (h, d, E) -> (h·d, E): head i's W.T fills rows i·d:(i+1)·d
        return w.transpose(0, 2, 1).reshape(-1, weights.d_model)

    in_proj = np.concatenate([rows(weights.w_q), rows(weights.w_k), rows(weights.w_v)])
    state = {IN_PROJ: np.ascontiguousarray(in_proj), OUT_PROJ: np.ascontiguousarray(weights.w_o.T)}
    if weights.has_bias:
        state[IN_BIAS] = np.concatenate([weights.packed("b_q"), weights.packed("b_k"), weights.packed("b_v")])
        state[OUT_BIAS] = np.array(weights.b_o)
    return state


def from_torch_state(state: Mapping[str, object], heads: int) -> Weights:
    """Weights from a (NumPy or torch) state dict of ``nn.MultiheadAttention(E, heads)``.

    ``heads`` must divide E. Biases that are all zero (or absent) mean no
    biases. ValueError says what does not fit.
    """
    heads = check_whole_number("heads", heads)
    missing = [key for key in TORCH_KEYS if key not in state]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}; a PyTorch-layout state holds {IN_PROJ} and {OUT_PROJ}")
    in_proj = _as_array(state[IN_PROJ], IN_PROJ)
    out_proj = _as_array(state[OUT_PROJ], OUT_PROJ)
    if in_proj.ndim != 2 or in_proj.shape[0] != 3 * in_proj.shape[1]:
        raise ValueError(f"{IN_PROJ} must have shape (3E, E); it has shape {in_proj.shape}")
    d_model = in_proj.shape[1]
    if out_proj.shape != (d_model, d_model):
        raise ValueError(f"{OUT_PROJ} must have shape (E, E) = ({d_model}, {d_model}); it has shape {out_proj.shape}")
    for key, array in ((IN_PROJ, in_proj), (OUT_PROJ, out_proj)):
        problem = value_problem(key, array)
        if problem:
            raise ValueError(problem)
    if d_model % heads:
        raise ValueError(f"heads {heads} does not divide the width E = {d_model}; PyTorch needs d_k = E / heads")
    biases = {key: _as_array(state[key], key) for key in TORCH_BIAS_KEYS if key in state}
    if not any(np.any(array) for array in biases.values()):
        biases = {}
    for key, other in ((IN_BIAS, OUT_BIAS), (OUT_BIAS, IN_BIAS)):
        if biases and other not in biases:
            raise ValueError(f"{key} is not zero but there is no {other}; biases come both or neither")
    for key, shape in ((IN_BIAS, (3 * d_model,)), (OUT_BIAS, (d_model,))):
        if key in biases and (biases[key].shape != shape or not np.isfinite(biases[key]).all()):
            raise ValueError(f"{key} must hold {shape[0]} finite numbers; it has shape {biases[key].shape}")
    d_k = d_model // heads

    def per_head(block: np.ndarray) -> np.ndarray:
        # (h·d_k, E) -> (h, d_k, E) -> (h, E, d_k)
        return block.reshape(heads, d_k, d_model).transpose(0, 2, 1)

    q, k, v = in_proj[:d_model], in_proj[d_model:2 * d_model], in_proj[2 * d_model:]
    if not biases:
        return Weights(per_head(q), per_head(k), per_head(v), out_proj.T)
    b_q, b_k, b_v = (block.reshape(heads, d_k) for block in np.split(biases[IN_BIAS], 3))
    return Weights(per_head(q), per_head(k), per_head(v), out_proj.T, b_q, b_k, b_v, biases[OUT_BIAS])


def _as_array(value: object, key: str) -> np.ndarray:
    """A float64 array from a NumPy array, a list or a torch tensor (without importing torch)."""
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.dtype.kind not in "fiu":
        raise ValueError(f"{key} has dtype {array.dtype}; weights must be real numbers")
    return array.astype(np.float64)


def save_torch_weights(weights: Weights, path: str | os.PathLike) -> Path:
    """Write :func:`to_torch_state` to an uncompressed ``.npz``, atomically."""
    state = to_torch_state(weights)

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as stream:
            np.savez(stream, **state)

    return atomic_write(path, write)


def is_torch_weights_file(path: str | os.PathLike, *, source: BinaryIO | None = None) -> bool:
    """Whether ``path`` (or ``source``, its bytes) is an ``.npz`` holding in_proj_weight (so it is in PyTorch layout).

    Reads only the archive's table of contents. Any problem reading it gives
    False; :func:`~.weights.load_weights` then reports the problem as for
    any weights file. A pipe would be emptied by this look: read it first
    and pass its bytes as ``source`` here and to the loader.
    """
    try:
        with NpzArchive(Path(path) if source is None else source) as archive:
            return IN_PROJ in archive.files
    except Exception:
        return False


def load_torch_weights(path: str | os.PathLike, heads: int, *, source: BinaryIO | None = None) -> Weights:
    """Read a PyTorch-layout ``.npz`` (see :func:`save_torch_weights`) as Weights with ``heads`` heads.

    Never unpickles; checks names, dtypes, shapes, sizes and values like
    :func:`~.weights.load_weights`, and raises WeightsFileError naming the
    file. ``source``: the bytes of ``path`` when it was a pipe already read.
    """
    path = Path(path)
    arrays = read_npz_arrays(path, TORCH_KEYS, f"{IN_PROJ}, {OUT_PROJ}",
                             f"a PyTorch-layout weights file holds {IN_PROJ} and {OUT_PROJ}",
                             optional=TORCH_BIAS_KEYS, source=source)
    try:
        return from_torch_state(arrays, heads)
    except ValueError as error:
        raise WeightsFileError(f"{path}: {error}") from None
