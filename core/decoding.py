"""Generation as it really runs: one token at a time, with a cache of keys and values.

A decoder that writes text computes the attention of the newest token only:
its query against the keys of every token so far. Those keys and values do
not change once computed, so they are kept — the KV cache — and each step
appends one row per key/value head to it and computes one row of scores,
weights and output. Row t equals row t of the full causal pass; the cache
holds tokens × kv_heads × (d_k + d_v) numbers, which is why grouped
key/value heads shrink it.

With RoPE the new token's position is its index in the sequence, the number
of tokens already in the cache: starting at 1, or re-using position 0, is the
classic off-by-one of hand-written decoders.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .attention import output_projection, project, scale_scores, softmax, split_heads
from .variants import alibi_bias, alibi_slopes, apply_mask, repeat_kv, rope_angles, rotate, visible_keys
from .weights import Weights

if TYPE_CHECKING:
    from .computation import Computation
    from .parameters import Parameters


@dataclass(frozen=True)
class DecodeOptions:
    """What a decode step needs of the parameters: the scale, RoPE, ALiBi and the window (always causal)."""

    scale: float | None = None  # None: ÷ √d_k
    rope: str | None = None
    rope_base: float = 10000.0
    alibi: bool = False
    window: int | None = None

    @classmethod
    def from_parameters(cls, parameters: Parameters) -> DecodeOptions:
        scale = 1.0 if parameters.skip_scaling else parameters.scale
        return cls(scale, parameters.rope, parameters.rope_base, parameters.alibi, parameters.window)


@dataclass(frozen=True, eq=False)
class KVCache:
    """The keys (after RoPE) and values of every token so far: (kv_heads, t, d_k) and (kv_heads, t, d_v).

    ``padding`` (t,) marks cached padding tokens, which no later query sees.
    """

    k: np.ndarray
    v: np.ndarray
    padding: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @classmethod
    def empty(cls, weights: Weights) -> KVCache:
        return cls(np.zeros((weights.kv_heads, 0, weights.d_k)), np.zeros((weights.kv_heads, 0, weights.d_v)))

    @property
    def tokens(self) -> int:
        return self.k.shape[1]

    @property
    def nbytes(self) -> int:
        """tokens × kv_heads × (d_k + d_v) × 8 bytes."""
        return self.k.nbytes + self.v.nbytes


@dataclass(frozen=True, eq=False)
class DecodeRow:
    """What one step computed for the new token at ``position``: its q, k, v and one row of each matrix."""

    position: int
    q: np.ndarray  # (h, d_k), after RoPE
    k: np.ndarray  # (kv_heads, d_k), after RoPE: appended to the cache
    v: np.ndarray  # (kv_heads, d_v): appended to the cache
    scores: np.ndarray  # (h, t + 1), scaled, biased and masked: the logits
    weights: np.ndarray  # (h, t + 1)
    head_output: np.ndarray  # (h, d_v)
    output: np.ndarray  # (d_model,)

    @property
    def cache_bytes_added(self) -> int:
        """What this step appended to the cache: one k and one v per key/value head, kv_heads × (d_k + d_v) × 8."""
        return self.k.nbytes + self.v.nbytes


def decode_step(cache: KVCache, x_t: np.ndarray, weights: Weights, options: DecodeOptions = DecodeOptions(),
                padding: bool = False) -> tuple[KVCache, DecodeRow]:
    """Attend from one new token x_t (d_model,) to itself and everything cached; returns the longer cache and the row.

    ``padding``: the new token is a padding token (later queries will not see it).
    """
    t, h, kv = cache.tokens, weights.heads, weights.kv_heads
    x = np.asarray(x_t, dtype=np.float64)[None, :]  # one row: (1, d_model)
    q = split_heads(project(x, weights.packed("w_q"), weights.packed("b_q")), h)  # (h, 1, d_k)
    k = split_heads(project(x, weights.packed("w_k"), weights.packed("b_k")), kv)  # (kv, 1, d_k)
    v = split_heads(project(x, weights.packed("w_v"), weights.packed("b_v")), kv)  # (kv, 1, d_v)
    if options.rope:
        angle = rope_angles(t + 1, weights.d_k, options.rope_base)[t:]  # position t: the tokens cached before it
        q, k = rotate(q, angle, options.rope), rotate(k, angle, options.rope)
    cache = KVCache(np.concatenate([cache.k, k], axis=1), np.concatenate([cache.v, v], axis=1),
                    np.append(cache.padding, padding))
    scores = q @ repeat_kv(cache.k, h).transpose(0, 2, 1)  # (h, 1, t + 1): one row, against every cached key
    scores = scale_scores(scores, weights.d_k) if options.scale is None else scores * options.scale
    if options.alibi:
        scores = scores + alibi_bias(alibi_slopes(h), 1, t + 1, query_start=t)
    visible = visible_keys(1, t + 1, causal=True, window=options.window, padding=cache.padding, query_start=t)
    scores = apply_mask(scores, visible)
    attention = softmax(scores)
    head_output = attention @ repeat_kv(cache.v, h)  # (h, 1, d_v)
    concat = head_output.transpose(1, 0, 2).reshape(1, -1)
    output = output_projection(concat, weights.w_o, weights.b_o)
    return cache, DecodeRow(t, q[:, 0], k[:, 0], v[:, 0], scores[:, 0], attention[:, 0], head_output[:, 0], output[0])


def decode(computation: Computation) -> list[tuple[KVCache, DecodeRow]]:
    """Feed the computation's sentence one token at a time: the cache and the row after each step."""
    p = computation.parameters
    if p.memory is not None:
        raise ValueError("decoding caches the keys of the tokens generated so far; cross-attention takes its "
                         "keys from the memory instead: leave out the memory to decode")
    options = DecodeOptions.from_parameters(p)
    cache = KVCache.empty(computation.weights)
    steps = []
    for x_t, padding in zip(computation.trace["embed"].astype(np.float64), computation.padding):
        cache, row = decode_step(cache, x_t, computation.weights, options, bool(padding))
        steps.append((cache, row))
    return steps


def full_pass_bytes(computation: Computation, position: int) -> int:
    """What a pass without a cache recomputes at step ``position``: K and V of all t + 1 tokens again."""
    weights = computation.weights
    return (position + 1) * weights.kv_heads * (weights.d_k + weights.d_v) * 8


def causal_pass(computation: Computation) -> Computation:
    """The full pass that generation reproduces: ``computation`` itself when causal, else the same with the mask.

    Generation is always causal (a token cannot attend to words not written
    yet); the same weights and typed-over cells are used.
    """
    if computation.parameters.causal:
        return computation
    from .computation import compute

    return compute(dataclasses.replace(computation.parameters, causal=True), computation.weights, computation.edits)


def row_differences(full: Computation, row: DecodeRow) -> dict[str, float]:
    """max |difference| between one decoding row and row t of the full causal pass ``full``, per matrix.

    Keys ``weights`` (h, t + 1 columns: the later ones are 0 in the full pass),
    ``head_output`` and ``output``.
    """
    t, trace = row.position, full.trace
    pairs = {"weights": (row.weights, trace["weights"][:, t, :t + 1]),
             "head_output": (row.head_output, trace["head_output"][:, t]),
             "output": (row.output, trace["output"][t])}
    return {name: float(np.abs(ours - theirs).max()) if ours.size else 0.0 for name, (ours, theirs) in pairs.items()}


def decode_record(computation: Computation) -> tuple[dict, dict[str, np.ndarray]]:
    """Every step of :func:`decode` for ``decode.json`` (summary) and ``decode.npz`` (the cache and rows)."""
    labels = computation.token_labels
    full = computation.trace if computation.parameters.causal else None  # rows to agree with, when causal
    summary, arrays = [], {}
    for cache, row in decode(computation):
        step = row.position + 1
        arrays.update({f"step{step}_k_cache": cache.k, f"step{step}_v_cache": cache.v,
                       f"step{step}_weights": row.weights, f"step{step}_head_output": row.head_output,
                       f"step{step}_output": row.output})
        entry = {"step": step, "token": labels[row.position], "cache_tokens": cache.tokens,
                 "cache_bytes": cache.nbytes, "recomputed_bytes_without_cache": full_pass_bytes(computation, row.position)}
        if full is not None:
            entry["max_difference_from_full_pass"] = float(np.abs(row.output - full["output"][row.position]).max())
        summary.append(entry)
    return {"kv_heads": computation.weights.kv_heads, "steps": summary}, arrays
