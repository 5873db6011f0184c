"""The reference pass rerun with one known mistake in it: the classic errors of home-made attention.

:func:`run` strings together the same step functions as
:func:`~.attention.forward` (from :mod:`.attention` and :mod:`.variants`),
each held in one field of :class:`Stages`; a mistake replaces one or two of
them. With no mistake :func:`run` gives exactly forward's numbers (a test
checks it bit for bit), so a mistake's result differs from the reference by
that mistake alone. :data:`MISTAKES` lists them, each with its name, what
it is and how to fix it (English; the app shows them in Chinese too), and the
ways it can be made in a given configuration (``variants``: none when it
cannot happen there, several when it can be made more than one way, such as
a window one too wide or one too narrow).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .attention import (
    attention_scores,
    concat_heads,
    forward,
    output_projection,
    project,
    scale_scores,
    softmax,
    split_heads,
    weighted_sum,
)
from .parameters import Parameters
from .variants import ROPE_STYLES, alibi_bias, alibi_slopes, apply_mask, repeat_kv, rope_angles, rotate, visible_keys
from .weights import Weights


def _project(x: np.ndarray, w: Weights, part: str) -> np.ndarray:
    return project(x, w.packed(f"w_{part}"), w.packed(f"b_{part}"))


def _positions_rope(q: np.ndarray, k: np.ndarray, p: Parameters, style: str, shift_q: int = 0,
                    shift_k: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Rotate q by positions shift_q … and k by shift_k …: the reference when both shifts are 0."""
    def angles(count: int, shift: int) -> np.ndarray:
        if shift == 0:
            return rope_angles(count, q.shape[-1], p.rope_base)
        frequencies = rope_angles(2, q.shape[-1], p.rope_base)[1]
        return (np.arange(count, dtype=np.float64) + shift)[:, None] * frequencies[None, :]

    return rotate(q, angles(q.shape[-2], shift_q), style), rotate(k, angles(k.shape[-2], shift_k), style)


def _rope(q: np.ndarray, k: np.ndarray, p: Parameters) -> tuple[np.ndarray, np.ndarray]:
    return _positions_rope(q, k, p, p.rope)


def _scale(scores: np.ndarray, p: Parameters) -> np.ndarray:
    """As forward: ÷ √d_k by default, × 1 when skipped, × S for a given scale."""
    if p.skip_scaling or p.scale is not None:
        return scores * (1.0 if p.skip_scaling else float(p.scale))
    return scale_scores(scores, p.d_k)


def _visible(n: int, m: int, p: Parameters) -> np.ndarray | None:
    """Which keys each query sees, or None when no mask applies (a dump has no padding)."""
    if not p.causal and p.window is None:
        return None
    return visible_keys(n, m, p.causal, p.window)


def _softmax(logits: np.ndarray, visible: np.ndarray | None) -> np.ndarray:
    return softmax(logits)


def _reported(weights: np.ndarray) -> np.ndarray:
    return weights


def _output(concat: np.ndarray, w: Weights) -> np.ndarray:
    return output_projection(concat, w.w_o, w.b_o)


@dataclass(frozen=True)
class Stages:
    """The step functions one pass is made of; the defaults are the reference's."""

    project: Callable = _project  # (x, weights, "q"|"k"|"v") -> (n, heads·d)
    split: Callable = split_heads  # (packed, heads) -> (heads, n, d)
    rope: Callable = _rope  # (q, k, parameters) -> (q rotated, k rotated)
    share: Callable = repeat_kv  # (kv heads, heads) -> (heads, m, d)
    scale: Callable = _scale  # (scores, parameters) -> scaled
    slopes: Callable = alibi_slopes  # heads -> (heads,) ALiBi slopes
    visible: Callable = _visible  # (n, m, parameters) -> (n, m) booleans or None
    softmax: Callable = _softmax  # (logits, visible) -> attention weights
    reported: Callable = _reported  # attention weights -> the weights the implementation reports
    concat: Callable = concat_heads  # (heads, n, d_v) -> (n, heads·d_v)
    output: Callable = _output  # (concat, weights) -> (n, d_model)


REFERENCE = Stages()


def run(x: np.ndarray, weights: Weights, p: Parameters, memory: np.ndarray | None = None,
        stages: Stages = REFERENCE) -> dict[str, np.ndarray]:
    """One pass with these stages: every step under its trace name, plus what a dump may hold instead.

    Besides forward's keys: ``k_shared``, ``k_rotated_shared`` and
    ``v_shared`` (the key/value heads repeated for every query head, as an
    implementation may dump ``k`` and ``v`` after repeating them) and
    ``visible`` (the mask, when one applies).
    """
    dtype = p.dtype
    x = np.array(x, dtype=dtype)
    source = x if memory is None else np.array(memory, dtype=dtype)
    w = weights.astype(dtype)
    h, kv, n, m = w.heads, w.kv_heads, len(x), len(source)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        q = stages.split(stages.project(x, w, "q"), h)
        k = stages.split(stages.project(source, w, "k"), kv)
        v = stages.split(stages.project(source, w, "v"), kv)
        steps = dict(q=q, k=k, v=v)
        queries, keys = q, k
        if p.rope:
            queries, keys = steps["q_rotated"], steps["k_rotated"] = stages.rope(q, k, p)
        share = (lambda array: stages.share(array, h)) if kv < h else (lambda array: array)
        steps.update(k_shared=share(k), v_shared=share(v))
        if p.rope:
            steps["k_rotated_shared"] = share(keys)
        scores = attention_scores(queries, share(keys))
        logits = scaled = stages.scale(scores, p)
        if p.alibi:
            logits = steps["biased"] = scaled + alibi_bias(stages.slopes(h), n, m).astype(dtype)
        visible = stages.visible(n, m, p)
        if visible is not None:
            logits = apply_mask(logits, visible)
            steps["visible"] = visible
        attention = stages.softmax(logits, visible)
        head_output = weighted_sum(attention, steps["v_shared"])
        concat = stages.concat(head_output)
        steps.update(scores=scores, scaled=scaled, weights=stages.reported(attention), head_output=head_output,
                     concat=concat, output=stages.output(concat, w))
    return steps


def reference(x: np.ndarray, weights: Weights, p: Parameters, memory: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The reference itself: :func:`~.attention.forward`'s trace, with the extras :func:`run` gives."""
    scale = False if p.skip_scaling else (True if p.scale is None else p.scale)
    with np.errstate(over="ignore", invalid="ignore"):
        trace = forward(x, weights, causal=p.causal, scale=scale, memory=memory, rope=p.rope, rope_base=p.rope_base,
                        alibi=p.alibi, window=p.window, dtype=p.dtype)
    steps = {key: trace[key] for key in ("q", "k", "v", "q_rotated", "k_rotated", "scores", "scaled", "biased",
                                         "weights", "head_output", "concat", "output") if key in trace}
    steps["k_shared"] = trace["k"] if weights.kv_heads == weights.heads else repeat_kv(trace["k"], weights.heads)
    steps["v_shared"] = trace.get("v_repeated", trace["v"])
    if p.rope:
        steps["k_rotated_shared"] = trace.get("k_repeated", trace["k_rotated"])
    visible = _visible(len(x), len(trace["k"][0]), p)
    if visible is not None:
        steps["visible"] = visible
    return steps


@dataclass(frozen=True)
class Mistake:
    """One known mistake: its name (a contract), what it is, how to fix it, and how to make it here.

    ``variants(parameters, weights, n, m)`` gives the stages of every way the
    mistake can be made in that configuration; none when it cannot.
    """

    name: str
    what: str
    fix: str
    variants: Callable[[Parameters, Weights, int, int], list[Stages]]


def _rope_style(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    if not p.rope:
        return []
    other = next(style for style in ROPE_STYLES if style != p.rope)
    return [Stages(rope=lambda q, k, p: _positions_rope(q, k, p, other))]


def _rope_offset(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    if not p.rope:
        return []
    shifts = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1))
    return [Stages(rope=lambda q, k, p, dq=dq, dk=dk: _positions_rope(q, k, p, p.rope, dq, dk)) for dq, dk in shifts]


def _gqa_order(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    if not 1 < w.kv_heads < w.heads:
        return []
    return [Stages(share=lambda kv, heads: np.tile(kv, (heads // kv.shape[0], 1, 1)))]


def _heads_reshape(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    if w.heads == 1 and w.kv_heads == 1:
        return []
    return [Stages(split=lambda packed, heads: packed.reshape(heads, len(packed), packed.shape[1] // heads))]


def _concat_order(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    if w.heads == 1:
        return []
    return [Stages(concat=lambda out: out.reshape(out.shape[1], out.shape[0] * out.shape[2]))]


def _over_queries(logits: np.ndarray, visible: np.ndarray | None) -> np.ndarray:
    return softmax(logits.swapaxes(-1, -2)).swapaxes(-1, -2)


def _softmax_axis(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    return [Stages(softmax=_over_queries)]


def _scale_missing(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    return [] if p.scale_factor == 1 else [Stages(scale=lambda scores, p: scores * 1.0)]


def _scale_d_model(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    if p.skip_scaling or p.scale is not None or p.d_model == p.d_k:
        return []
    return [Stages(scale=lambda scores, p: scale_scores(scores, p.d_model))]


def _scale_multiplied(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    return [] if p.scale_factor == 1 else [Stages(scale=lambda scores, p: scores * (1.0 / p.scale_factor))]


def _mask_inverted(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    """Hidden and visible swapped; a row left with nothing visible comes out as NaN (−∞ everywhere),
    as zeros (a guarded softmax) or uniform (a finite fill such as −1e9), depending on the implementation."""
    if not p.causal and p.window is None:
        return []

    def inverted(n: int, m: int, p: Parameters) -> np.ndarray:
        return ~visible_keys(n, m, p.causal, p.window)

    def blind_rows(fill: float | None) -> Callable:
        def soft(logits: np.ndarray, visible: np.ndarray) -> np.ndarray:
            weights = softmax(logits)
            blind = ~visible.any(axis=-1)
            weights[..., blind, :] = np.nan if fill is None else fill
            return weights
        return soft

    return [Stages(visible=inverted, softmax=blind_rows(fill)) for fill in (0.0, None, 1.0 / m)]


def _window_off_by_one(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    if p.window is None:
        return []
    windows = [p.window + 1] + ([p.window - 1] if p.window > 1 else [])
    return [Stages(visible=lambda n, m, p, size=size: visible_keys(n, m, p.causal, size)) for size in windows]


def _heads_averaged(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    return [] if w.heads == 1 else [Stages(reported=lambda weights: weights.mean(axis=0, keepdims=True))]


def _weights_transposed(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    """x · Wᵀ for every square projection, for W_Q, W_K, W_V only, or for W_O only."""
    square = {part: w.packed(f"w_{part}").shape[0] == w.packed(f"w_{part}").shape[1] for part in "qkv"}
    square_o = w.w_o.shape[0] == w.w_o.shape[1]

    def project_t(x: np.ndarray, w: Weights, part: str) -> np.ndarray:
        matrix = w.packed(f"w_{part}")
        return project(x, matrix.T if square[part] else matrix, w.packed(f"b_{part}"))

    def output_t(concat: np.ndarray, w: Weights) -> np.ndarray:
        return output_projection(concat, w.w_o.T, w.b_o)

    variants = []
    if any(square.values()):
        variants.append(Stages(project=project_t, output=output_t) if square_o else Stages(project=project_t))
        if square_o:
            variants.append(Stages(project=project_t))
    if square_o:
        variants.append(Stages(output=output_t))
    return variants


def _alibi_slopes(p: Parameters, w: Weights, n: int, m: int) -> list[Stages]:
    """The power-of-two formula 2^(−8i/h′), i = 1…h, for a head count h′ other than the paper's rule."""
    if not p.alibi:
        return []
    h = w.heads
    low = 2 ** int(np.floor(np.log2(h)))
    counts = sorted({h, low, low * 2, 2 * h, max(1, h // 2)})
    correct = alibi_slopes(h)
    variants = []
    for count in counts:
        slopes = np.array([2.0 ** (-8.0 * i / count) for i in range(1, h + 1)])
        if not np.array_equal(slopes, correct):
            variants.append(Stages(slopes=lambda heads, slopes=slopes: slopes))
    return variants


MISTAKES: tuple[Mistake, ...] = (
    Mistake("rope-style",
            "RoPE's two pairings swapped: your queries and keys are rotated pairing entries (j, j + d_k/2) where the "
            "configuration pairs (2j, 2j + 1), or the other way round.",
            "Use the pairing the model was trained with: half-split (rotate_half; Llama, Qwen, GPT-NeoX) pairs entry "
            "j with j + d_k/2, interleaved (GPT-J, the RoFormer paper) pairs 2j with 2j + 1.", _rope_style),
    Mistake("rope-offset",
            "Query positions shifted against key positions: the queries or the keys are rotated by positions off by "
            "one (counting from 1, or an offset applied to one side only).",
            "Rotate query t and key s by their own positions 0 … n − 1 (a cache offset goes to both alike); "
            "q·k then depends only on t − s.", _rope_offset),
    Mistake("gqa-order",
            "Key/value heads tiled instead of repeated: query head i uses key/value head i mod kv_heads, where it "
            "should use ⌊i / (heads / kv_heads)⌋.",
            "Repeat each key/value head for the neighbouring query heads that share it: "
            "torch.repeat_interleave(k, heads // kv_heads, dim=head_axis) or HF's repeat_kv, not tile or repeat.",
            _gqa_order),
    Mistake("heads-reshape",
            "Heads split by a reshape alone: the (n, heads·d) projection was reshaped straight to (heads, n, d), so "
            "each head holds pieces of other tokens and other heads.",
            "Reshape to (n, heads, d) first, then swap the first two axes: x.view(n, heads, d).transpose(0, 1).",
            _heads_reshape),
    Mistake("concat-order",
            "Heads concatenated without the transpose back: the (heads, n, d_v) outputs were reshaped straight to "
            "(n, heads·d_v).",
            "Swap the first two axes to (n, heads, d_v) first, then reshape: out.transpose(0, 1).reshape(n, -1).",
            _concat_order),
    Mistake("softmax-axis",
            "Softmax over the wrong axis: your attention weights sum to 1 down each column (over the queries) "
            "instead of along each row (over the keys).",
            "Take the softmax over the last axis, the keys: softmax(scores, dim=-1).", _softmax_axis),
    Mistake("scale-missing",
            "The scale is missing: your scores reach the softmax without being multiplied by the scale "
            "(1/√d_k unless another is configured).",
            "Multiply the scores by the scale (divide by √d_k) before the mask and the softmax.", _scale_missing),
    Mistake("scale-d-model",
            "Scaled by √d_model instead of √d_k: the scores were divided by the square root of the model's width, "
            "not of one head's.",
            "Divide by √d_k, the width of one head's queries and keys (often d_model / heads).", _scale_d_model),
    Mistake("scale-multiplied",
            "The scale multiplied instead of divided: your scores were multiplied by √d_k (the inverse of the "
            "scale).",
            "Divide the scores by √d_k (multiply by the scale), do not multiply by √d_k.", _scale_multiplied),
    Mistake("mask-inverted",
            "The mask inverted: the cells that should be hidden were kept and the visible ones hidden (a boolean "
            "mask meaning “keep” passed where it means “hide”, or the other way round).",
            "Check the convention of what takes the mask: masked_fill hides where it is True, SDPA's boolean "
            "attn_mask keeps where it is True. With the causal mask query t sees keys s ≤ t.", _mask_inverted),
    Mistake("window-off-by-one",
            "The sliding window one key too wide or too narrow: each query sees W + 1 or W − 1 keys instead of W.",
            "With the causal mask query t sees keys t − W < s ≤ t (W keys, itself included, as Mistral's "
            "sliding_window); without it |t − s| < W. Check each < against ≤.", _window_off_by_one),
    Mistake("heads-averaged",
            "The attention weights averaged over the heads: one (n, m) matrix where each head has its own, as "
            "nn.MultiheadAttention returns them by default (need_weights=True).",
            "Pass average_attn_weights=False to get every head's weights, (heads, n, m).", _heads_averaged),
    Mistake("weights-transposed",
            "The weights used transposed: x·Wᵀ where the configuration computes x·W (square matrices hide this "
            "from the shapes).",
            "nn.Linear keeps its weight as (out, in) and computes x·Wᵀ; our layout keeps W as (in, out) and computes "
            "x·W. Transpose exactly once when converting.", _weights_transposed),
    Mistake("alibi-slopes",
            "ALiBi's slopes for the wrong number of heads: the power-of-two formula 2^(−8i/h) used with a head "
            "count other than the paper's rule gives for these heads.",
            "For a power-of-two h the slopes are 2^(−8i/h), i = 1…h; otherwise take those of the largest power of "
            "two below h and every other slope of twice that power (BLOOM's build_alibi_tensor).", _alibi_slopes),
)

#: Every name a diagnosis can give: the mistakes', then "unknown" and "none".
DIAGNOSES = tuple(mistake.name for mistake in MISTAKES) + ("unknown", "none")
#: What "unknown" and "none" mean, like a mistake's what and fix.
VERDICTS = {
    "unknown": ("None of the known mistakes explains the difference (or more than one is made at once).",
                "Look at the first diverging step: compare your matrix with ours cell by cell, starting from the "
                "worst cell."),
    "none": ("Every step in the dump matches the reference within the tolerance.", "Nothing to fix."),
}


def by_name(name: str) -> Mistake:
    """The mistake called ``name``; KeyError for any other name."""
    return {mistake.name: mistake for mistake in MISTAKES}[name]


def explanation(name: str) -> tuple[str, str]:
    """(what it is, how to fix it) for any diagnosis name."""
    if name in VERDICTS:
        return VERDICTS[name]
    mistake = by_name(name)
    return mistake.what, mistake.fix


#: Every text of this module a person reads (translated in the app under the context "core").
MISTAKE_TEXTS: tuple[str, ...] = tuple(text for name in DIAGNOSES for text in explanation(name))


def with_mistake(stages: Stages, **changes: Callable) -> Stages:
    """``stages`` with some step functions replaced (for tests and for combining mistakes by hand)."""
    return dataclasses.replace(stages, **changes)
