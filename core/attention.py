"""Multi-head self-attention, one small function per step.

Every function takes and returns plain float64 arrays with the heads as the
leading axis, so all heads are computed in one batched matmul (the
"split into heads" is only a reshape) and every intermediate matrix is kept
for a person to look at. ``forward`` strings the steps together in the
order the pipeline shows them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from . import buffers
from .weights import Weights

#: Trace keys in the order they are computed; "masked" only when causal.
TRACE_KEYS = ("embed", "q", "k", "v", "scores", "scaled", "masked", "weights", "head_output", "concat", "output")
PER_HEAD_KEYS = frozenset({"q", "k", "v", "scores", "scaled", "masked", "weights", "head_output"})


def project(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Q_i = X W_i for every head i at once: (n, d_model) @ (h, d_model, d) -> (h, n, d)."""
    return np.matmul(x, w)


def project_qkv(x: np.ndarray, w_qkv: np.ndarray, heads: int, out: np.ndarray | None = None) -> np.ndarray:
    """[Q_i | K_i | V_i] = X [W_Q,i | W_K,i | W_V,i] for every head in one matrix product.

    ``w_qkv`` lays the heads' weights side by side, (d_model, h·w) with w = 2·d_k + d_v
    (``Weights.w_qkv``); ``out`` is the (n, h·w) product. Returns a (h, n, w) view of it:
    splitting into heads is only a reshape.
    """
    product = np.matmul(x, w_qkv, out=out)
    return product.reshape(x.shape[0], heads, -1).transpose(1, 0, 2)


def attention_scores(q: np.ndarray, k: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """scores_i = Q_i K_iᵀ: row t, column s is query t's dot product with key s."""
    return np.matmul(q, k.transpose(0, 2, 1), out=out)


def scale(scores: np.ndarray, d_k: int, out: np.ndarray | None = None) -> np.ndarray:
    """scores / √d_k: keeps the logits near unit size whatever d_k is."""
    return np.divide(scores, np.sqrt(d_k), out=out)


#: ``scale`` under a second name, for ``forward``, whose keyword ``scale`` hides the function.
scale_scores = scale


def causal_mask(scaled_scores: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Set every score above the diagonal to −inf: token t may not look at later tokens."""
    n = scaled_scores.shape[-1]
    later = np.triu(np.ones((n, n), dtype=bool), k=1)
    if out is None:
        return np.where(later, -np.inf, scaled_scores)
    np.copyto(out, scaled_scores)
    out[..., later] = -np.inf
    return out


#: softmax works through this many rows at a time (see its docstring).
SOFTMAX_BLOCK_ROWS = 512


def softmax(logits: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Row-wise softmax, stable for any finite logits (and −inf for masked ones).

    Subtracting each row's maximum before exp changes nothing mathematically
    but keeps exp from overflowing, so scores of 1e6 still give finite weights.

    Rows are independent, so they are taken a block at a time: the four passes
    (max, subtract, exp, divide by the sum) then run over a block that is still
    in the processor's cache, not over all heads' n × n scores (32 MB at 512
    tokens and 16 heads). Same numbers, bit for bit, for C-ordered logits (what
    forward passes); about a fifth faster there.
    """
    if logits.ndim < 2 or logits.size <= SOFTMAX_BLOCK_ROWS * logits.shape[-1]:
        # One block: the formula as it reads, without the bookkeeping.
        weights = np.subtract(logits, logits.max(axis=-1, keepdims=True), out=out)
        np.exp(weights, out=weights)
        weights /= weights.sum(axis=-1, keepdims=True)
        return weights
    if out is None:
        out = np.empty(logits.shape, dtype=logits.dtype)
    elif not out.flags.c_contiguous or out.shape != logits.shape:
        raise ValueError(f"softmax writes into a C-contiguous out array of shape {logits.shape} only")
    rows = logits.reshape(-1, logits.shape[-1])
    weights = out.reshape(rows.shape)  # a view of out: the blocks are written into it
    for start in range(0, rows.shape[0], SOFTMAX_BLOCK_ROWS):
        block = rows[start:start + SOFTMAX_BLOCK_ROWS]
        part = weights[start:start + SOFTMAX_BLOCK_ROWS]
        np.subtract(block, block.max(axis=-1, keepdims=True), out=part)
        np.exp(part, out=part)
        part /= part.sum(axis=-1, keepdims=True)
    return out


def weighted_sum(attention_weights: np.ndarray, v: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """head_i = A_i V_i: each output row is the average of the value rows, weighted by attention."""
    return np.matmul(attention_weights, v, out=out)


def concat_heads(head_output: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """[head_1 | head_2 | … | head_h]: (h, n, d_v) -> (n, h·d_v), head 1's columns first."""
    heads, n, d_v = head_output.shape
    if out is None:
        return head_output.transpose(1, 0, 2).reshape(n, heads * d_v)
    if not out.flags.c_contiguous or out.shape != (n, heads * d_v):  # a reshaped copy would take the values
        raise ValueError(f"concat_heads writes into a C-contiguous out array of shape {(n, heads * d_v)} only")
    out.reshape(n, heads, d_v)[...] = head_output.transpose(1, 0, 2)
    return out


def output_projection(concat: np.ndarray, w_o: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """concat · W_O: mixes what the heads found back into d_model numbers per token."""
    return np.matmul(concat, w_o, out=out)


class Trace(Mapping):
    """The read-only record of one forward pass: step key -> float64 array."""

    def __init__(self, matrices: dict[str, np.ndarray]):
        for array in matrices.values():
            array.setflags(write=False)
        self._matrices = matrices

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


def _let_numpy_allocate(shape: tuple[int, ...]) -> None:
    """No array given: the step's NumPy call allocates its own result."""
    return None


def forward(x: np.ndarray, weights: Weights, causal: bool = False, *, scale: bool = True) -> Trace:
    """Run multi-head self-attention on X (n, d_model) and keep every intermediate.

    Returns a :class:`Trace` with keys embed, q, k, v, scores, scaled,
    masked (only when ``causal``), weights, head_output, concat, output.
    ``scale=False`` divides by 1 instead of √d_k (``scaled`` equals ``scores``),
    to show how an unscaled softmax saturates as d_k grows.
    """
    given = np.asarray(x)
    if given.ndim != 2 or given.shape[1] != weights.d_model:
        raise ValueError(f"X must have shape (n, d_model={weights.d_model}); it has shape {given.shape}")
    heads, n = weights.heads, given.shape[0]
    d_k, d_v = weights.d_k, weights.d_v
    qkv_shape, square, head_shape = (n, weights.w_qkv.shape[1]), (heads, n, n), (heads, n, d_v)
    concat_shape, output_shape = (n, heads * d_v), (n, weights.w_o.shape[1])
    # A large pass writes every array into memory reused from earlier passes when nothing refers
    # to it any more (see buffers.py: from about 128 tokens, fresh memory cost more than the
    # arithmetic); a small one lets NumPy allocate (out=None), which is quicker there. Either way,
    # remembered memory of other shapes is of no use to this pass: let it go first.
    large = heads * n * n * 8 >= buffers.MIN_BYTES
    buffers.keep_only({given.shape, qkv_shape, square, head_shape, concat_shape, output_shape} if large else set())
    memory = buffers.empty if large else _let_numpy_allocate
    x = memory(given.shape)
    if x is None:
        x = np.array(given, dtype=np.float64, copy=True)
    else:
        np.copyto(x, given, casting="unsafe")
    trace: dict[str, np.ndarray] = {"embed": x}
    # One matmul for Q, K and V of every head; the three are column slices of it.
    qkv = project_qkv(x, weights.w_qkv, heads, out=memory(qkv_shape))  # a view of the (n, h·w) product
    trace["q"] = q = qkv[..., :d_k]
    trace["k"] = k = qkv[..., d_k:2 * d_k]
    trace["v"] = v = qkv[..., 2 * d_k:]
    trace["scores"] = scores = attention_scores(q, k, out=memory(square))
    trace["scaled"] = logits = scale_scores(scores, d_k if scale else 1, out=memory(square))
    if causal:
        trace["masked"] = logits = causal_mask(logits, out=memory(square))
    trace["weights"] = attention_weights = softmax(logits, out=memory(square))
    trace["head_output"] = head_output = weighted_sum(attention_weights, v, out=memory(head_shape))
    trace["concat"] = concat = concat_heads(head_output, out=memory(concat_shape))
    trace["output"] = output_projection(concat, weights.w_o, out=memory(output_shape))
    if large:
        buffers.remember([qkv.base, *trace.values()])  # q, k and v are views of the product's memory
    qkv.base.setflags(write=False)  # frozen with the trace, like the views q, k and v into it
    return Trace(trace)
