"""Multi-head self-attention, one small function per step.

Every function takes and returns plain float64 arrays with the heads as the
leading axis, so all heads are computed in one batched matrix product and
every intermediate matrix is kept for a person to look at. ``forward``
strings the steps together in the order the lesson shows them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np

from .matrices import PER_HEAD_KEYS, TRACE_KEYS

if TYPE_CHECKING:  # weights.py packs its matrices with pack_heads below
    from .weights import Weights

__all__ = [
    "PER_HEAD_KEYS", "TRACE_KEYS", "Trace", "attention_scores", "causal_mask", "concat_heads", "forward",
    "output_projection", "pack_heads", "project", "scale_scores", "softmax", "split_heads", "weighted_sum",
]


def pack_heads(w: np.ndarray) -> np.ndarray:
    """[W₁ | W₂ | … | W_h]: every head's (d_model, d) matrix side by side, (h, d_model, d) -> (d_model, h·d)."""
    heads, d_model, width = w.shape
    return w.transpose(1, 0, 2).reshape(d_model, heads * width)


def project(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """X W: one matrix product, (n, d_model) @ (d_model, h·d) -> (n, h·d) for all heads at once."""
    return x @ w


def split_heads(packed: np.ndarray, heads: int) -> np.ndarray:
    """(n, h·d) -> (h, n, d): head i's block of columns becomes its own matrix (a reshape, nothing computed)."""
    n, width = packed.shape
    return packed.reshape(n, heads, width // heads).transpose(1, 0, 2)


def attention_scores(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """scores_i = Q_i K_iᵀ: row t, column s is query t's dot product with key s."""
    return q @ k.transpose(0, 2, 1)


def scale_scores(scores: np.ndarray, d_k: int) -> np.ndarray:
    """scores / √d_k: keeps the logits near unit size whatever d_k is."""
    return scores / np.sqrt(d_k)


def causal_mask(scaled: np.ndarray) -> np.ndarray:
    """Set every score above the diagonal to −∞: token t may not look at later tokens."""
    n = scaled.shape[-1]
    later = np.triu(np.ones((n, n), dtype=bool), k=1)
    return np.where(later, -np.inf, scaled)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for any finite logits (and −inf for masked ones).

    Subtracting each row's maximum before exp changes nothing mathematically
    but keeps exp from overflowing, so scores of 1e6 still give finite weights.
    """
    exponentials = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def weighted_sum(attention: np.ndarray, v: np.ndarray) -> np.ndarray:
    """head_i = A_i V_i: each output row is the average of the value rows, weighted by attention."""
    return attention @ v


def concat_heads(head_output: np.ndarray) -> np.ndarray:
    """[head_1 | head_2 | … | head_h]: (h, n, d_v) -> (n, h·d_v), head 1's columns first (split_heads undone)."""
    heads, n, d_v = head_output.shape
    return head_output.transpose(1, 0, 2).reshape(n, heads * d_v)


def output_projection(concat: np.ndarray, w_o: np.ndarray) -> np.ndarray:
    """concat · W_O: mixes what the heads found back into d_model numbers per token."""
    return concat @ w_o


class Trace(Mapping):
    """The read-only record of one forward pass: step key -> float64 array, in computing order.

    Steps that did not run (``masked`` without a mask) are left out.
    """

    def __init__(self, matrices: Mapping[str, np.ndarray | None]):
        self._matrices = {key: matrices[key] for key in TRACE_KEYS if matrices.get(key) is not None}
        for array in self._matrices.values():
            while array is not None:  # q, k and v are views into their projection: freeze that too
                array.setflags(write=False)
                array = array.base if isinstance(array.base, np.ndarray) else None

    def __getitem__(self, key: str) -> np.ndarray:
        return self._matrices[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._matrices)

    def __len__(self) -> int:
        return len(self._matrices)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{key}={array.shape}" for key, array in self._matrices.items())
        return f"Trace({shapes})"

    def nbytes(self) -> int:
        return sum(array.nbytes for array in self._matrices.values())


def forward(x: np.ndarray, weights: Weights, causal: bool = False, *, scale: bool = True) -> Trace:
    """Run multi-head self-attention on X (n, d_model) and keep every intermediate.

    Returns a :class:`Trace` with keys embed, q, k, v, scores, scaled,
    masked (only when ``causal``), weights, head_output, concat, output.
    ``scale=False`` divides by 1 instead of √d_k (``scaled`` equals ``scores``),
    to show how an unscaled softmax saturates as d_k grows.
    """
    x = np.array(x, dtype=np.float64)  # a copy: the trace owns what it records
    if x.ndim != 2 or x.shape[1] != weights.d_model:
        raise ValueError(f"X must have shape (n, d_model={weights.d_model}); it has shape {x.shape}")
    h = weights.heads
    q = split_heads(project(x, weights.packed("w_q")), h)  # Q = X [W_Q₁ | … | W_Q_h], (h, n, d_k)
    k = split_heads(project(x, weights.packed("w_k")), h)  # K = X [W_K₁ | … | W_K_h], (h, n, d_k)
    v = split_heads(project(x, weights.packed("w_v")), h)  # V = X [W_V₁ | … | W_V_h], (h, n, d_v)
    scores = attention_scores(q, k)  # Q Kᵀ, (h, n, n)
    scaled = scale_scores(scores, weights.d_k if scale else 1)
    masked = causal_mask(scaled) if causal else None
    attention = softmax(scaled if masked is None else masked)  # each row sums to 1
    head_output = weighted_sum(attention, v)  # A V, (h, n, d_v)
    concat = concat_heads(head_output)  # (n, h·d_v)
    output = output_projection(concat, weights.w_o)  # (n, d_model)
    return Trace(dict(embed=x, q=q, k=k, v=v, scores=scores, scaled=scaled, masked=masked, weights=attention,
                      head_output=head_output, concat=concat, output=output))
