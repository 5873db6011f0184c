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

from .matrices import PER_HEAD_KEYS, TRACE_KEYS, TRACE_ORDER
from .variants import alibi_bias, alibi_slopes, apply_mask, repeat_kv, rope_angles, rotate, visible_keys

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


def project(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """X W (+ b): one matrix product, (n, d_model) @ (d_model, h·d) -> (n, h·d) for all heads at once.

    A bias b (h·d,) is added to every row: the same offset for every token.
    """
    return x @ w if b is None else x @ w + b


def split_heads(packed: np.ndarray, heads: int) -> np.ndarray:
    """(n, h·d) -> (h, n, d): head i's block of columns becomes its own matrix (a reshape, nothing computed)."""
    n, width = packed.shape
    return packed.reshape(n, heads, width // heads).transpose(1, 0, 2)


def attention_scores(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """scores_i = Q_i K_iᵀ: row t, column s is query t's dot product with key s."""
    return q @ k.transpose(0, 2, 1)


def scale_scores(scores: np.ndarray, d_k: int) -> np.ndarray:
    """scores / √d_k: keeps the logits near unit size whatever d_k is (in the scores' own precision)."""
    return scores / np.sqrt(d_k).astype(scores.dtype)


def causal_mask(scaled: np.ndarray) -> np.ndarray:
    """Set every score above the diagonal to −∞: token t may not look at later tokens."""
    n = scaled.shape[-1]
    later = np.triu(np.ones((n, n), dtype=bool), k=1)
    return np.where(later, -np.inf, scaled)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for any finite logits (and −inf for masked ones).

    Subtracting each row's maximum before exp changes nothing mathematically
    but keeps exp from overflowing, so scores of 1e6 still give finite weights.
    A row whose every key is masked (a padding token that may see only
    padding) gets all-zero weights, as PyTorch's scaled_dot_product_attention
    gives, instead of 0/0.
    """
    peak = logits.max(axis=-1, keepdims=True)
    peak[peak == -np.inf] = 0  # a row that sees nothing: exp(−∞ − 0) = 0 in every column…
    exponentials = np.exp(logits - peak)
    total = exponentials.sum(axis=-1, keepdims=True)
    total[total == 0] = 1  # …and 0 / 1 = 0 (any other row's total is at least exp(0) = 1)
    return exponentials / total


def weighted_sum(attention: np.ndarray, v: np.ndarray) -> np.ndarray:
    """head_i = A_i V_i: each output row is the average of the value rows, weighted by attention."""
    return attention @ v


def concat_heads(head_output: np.ndarray) -> np.ndarray:
    """[head_1 | head_2 | … | head_h]: (h, n, d_v) -> (n, h·d_v), head 1's columns first (split_heads undone)."""
    heads, n, d_v = head_output.shape
    return head_output.transpose(1, 0, 2).reshape(n, heads * d_v)


def output_projection(concat: np.ndarray, w_o: np.ndarray, b_o: np.ndarray | None = None) -> np.ndarray:
    """concat · W_O (+ b_O): mixes what the heads found back into d_model numbers per token."""
    return concat @ w_o if b_o is None else concat @ w_o + b_o


class Trace(Mapping):
    """The read-only record of one forward pass: step key -> float64 array, in computing order.

    Steps that did not run (``masked`` without a mask) are left out.
    """

    def __init__(self, matrices: Mapping[str, np.ndarray | None]):
        self._matrices = {key: matrices[key] for key in TRACE_ORDER if matrices.get(key) is not None}
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


def forward(x: np.ndarray, weights: Weights, causal: bool = False, *, scale: bool | float = True,
            memory: np.ndarray | None = None, rope: str | None = None, rope_base: float = 10000.0,
            alibi: bool = False, window: int | None = None, padding: np.ndarray | None = None,
            dtype: type = np.float64) -> Trace:
    """Run multi-head attention on X (n, d_model) and keep every intermediate.

    Returns a :class:`Trace` with keys embed, q, k, v, scores, scaled, masked
    (when a mask applies), weights, head_output, concat, output, and the keys
    of the options used: memory, q_rotated, k_rotated, k_repeated, v_repeated,
    position_bias, biased.

    ``scale``: True divides the scores by √d_k; False leaves them unscaled (to
    see softmax saturate as d_k grows); a number S multiplies them by S.
    ``memory`` (m, d_model): cross-attention, K and V made from it instead of X.
    ``rope``: rotate q and k by their positions ("half" or "interleaved", base
    ``rope_base``). ``alibi``: add ALiBi's distance penalty. ``window`` W:
    each query sees only keys within W positions. ``padding`` (m,) booleans:
    keys no query may see. ``dtype``: the precision of the whole pass.
    Fewer key/value heads than query heads (grouped-query attention) come
    with the weights (``weights.kv_heads``).
    """
    x = np.array(x, dtype=dtype)  # a copy: the trace owns what it records
    if x.ndim != 2 or x.shape[1] != weights.d_model:
        raise ValueError(f"X must have shape (n, d_model={weights.d_model}); it has shape {x.shape}")
    source = x if memory is None else np.array(memory, dtype=dtype)  # what K and V are made from
    w = weights.astype(dtype)
    h, kv, n, m = w.heads, w.kv_heads, len(x), len(source)
    q = split_heads(project(x, w.packed("w_q"), w.packed("b_q")), h)  # Q = X [W_Q₁ | … | W_Q_h] + b_Q
    k = split_heads(project(source, w.packed("w_k"), w.packed("b_k")), kv)  # K, (kv, m, d_k)
    v = split_heads(project(source, w.packed("w_v"), w.packed("b_v")), kv)  # V, (kv, m, d_v)
    queries, keys, values = q, k, v  # what the scores are made of, as each optional step changes them
    q_rotated = k_rotated = k_repeated = v_repeated = position_bias = biased = masked = None
    if rope:
        q_rotated = queries = rotate(q, rope_angles(n, w.d_k, rope_base), rope)
        k_rotated = keys = rotate(k, rope_angles(m, w.d_k, rope_base), rope)
    if kv < h:
        k_repeated = keys = repeat_kv(keys, h)  # (h, m, d_k): query head i uses kv head ⌊i·kv/h⌋
        v_repeated = values = repeat_kv(v, h)
    scores = attention_scores(queries, keys)  # Q Kᵀ, (h, n, m)
    if scale is True:
        scaled = logits = scale_scores(scores, w.d_k)  # ÷ √d_k
    else:
        scaled = logits = scores * (1.0 if scale is False else float(scale))  # × S; unscaled is × 1
    if alibi:
        position_bias = alibi_bias(alibi_slopes(h), n, m).astype(dtype)
        biased = logits = scaled + position_bias
    if causal or window is not None or (padding is not None and np.any(padding)):
        masked = logits = apply_mask(logits, visible_keys(n, m, causal, window, padding))
    attention = softmax(logits)  # each row sums to 1
    head_output = weighted_sum(attention, values)  # A V, (h, n, d_v)
    concat = concat_heads(head_output)  # (n, h·d_v)
    output = output_projection(concat, w.w_o, w.b_o)  # (n, d_model)
    return Trace(dict(embed=x, memory=None if memory is None else source, q=q, k=k, v=v, q_rotated=q_rotated,
                      k_rotated=k_rotated, k_repeated=k_repeated, v_repeated=v_repeated, scores=scores,
                      scaled=scaled, position_bias=position_bias, biased=biased, masked=masked,
                      weights=attention, head_output=head_output, concat=concat, output=output))
