"""Experiments on a computation: why divide by √d_k, and how the heads differ.

:func:`scaling_curves` answers "why divide by √d_k". A dot product of d_k
terms of unit size has a spread of about √d_k, so without the division the
logits grow with d_k and the softmax saturates: each row's weight piles on
one token (maximum weight → 1, entropy → 0), and a model learns little
from such one-hot rows because their gradients vanish. With the division,
entropy and maximum weight stay roughly level whatever d_k is.

:func:`head_statistics` condenses each head's attention into numbers a
person can compare across heads: how spread out each query's attention is
(entropy), how far it looks (mean distance), and where it looks most.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .attention import forward
from .computation import Computation, check_inputs
from .embedding import embed
from .limits import check_whole_number
from .parameters import Parameters
from .variants import visible_keys
from .weights import seeded_weights

#: d_k = 1, 2, 4, …, 512: evenly spaced on the log scale the lab plots.
DEFAULT_D_K_VALUES: tuple[int, ...] = tuple(2**power for power in range(10))


def attention_entropy(attention: np.ndarray) -> np.ndarray:
    """Entropy −Σ_s A[t,s] ln A[t,s] of every row, in nats (0 ln 0 counts as 0; a NaN weight gives NaN).

    0 means all attention on one token; ln n means spread evenly over n tokens.
    """
    a = np.asarray(attention, dtype=np.float64)
    terms = np.zeros_like(a)
    positive = a > 0
    terms[positive] = a[positive] * np.log(a[positive])
    terms[np.isnan(a)] = np.nan  # float16 overflow: say so rather than count it as 0
    return -terms.sum(axis=-1)


def attention_distance(attention: np.ndarray) -> np.ndarray:
    """Σ_s A[t,s]·|t−s| for every query t: how many positions away, on average, t looks."""
    a = np.asarray(attention, dtype=np.float64)
    n = a.shape[-1]
    positions = np.arange(n)
    distance = np.abs(positions[:, None] - positions[None, :]).astype(np.float64)
    return (a * distance).sum(axis=-1)


@dataclass(frozen=True, eq=False)
class ScalingCurves:
    """Mean softmax entropy and mean maximum weight against d_k, with and without ÷√d_k.

    Every array has one entry per value of ``d_k``; each entry is the mean
    over all heads and all queries. ``uniform_entropy`` is the largest mean
    entropy possible (every query spreading its attention evenly over the
    keys it may see), a reference line for the entropy plot.
    ``entropy_custom`` and ``max_weight_custom`` are the same with the
    person's own scale ``custom_scale`` (scores × S at every d_k), None
    without one. ``skipped_d_k`` are the d_k values asked for but left out
    (odd ones with RoPE, which turns entries in pairs).
    """

    d_k: np.ndarray
    entropy_scaled: np.ndarray
    entropy_unscaled: np.ndarray
    max_weight_scaled: np.ndarray
    max_weight_unscaled: np.ndarray
    current_d_k: int
    uniform_entropy: float
    custom_scale: float | None = None
    entropy_custom: np.ndarray | None = None
    max_weight_custom: np.ndarray | None = None
    skipped_d_k: tuple[int, ...] = ()


def scaling_curves(parameters: Parameters, d_k_values: tuple[int, ...] | list[int] | np.ndarray | None = None
                   ) -> ScalingCurves:
    """Softmax saturation against d_k for the current sentence, d_model, heads, seed and variants.

    At each d_k the seeded weights are those :func:`~.weights.init_weights`
    gives (so at the current d_k they are the weights the panels show), and
    the scores are softmaxed once divided by √d_k and once not (and once
    times the person's own scale, if there is one). Everything else is as in
    the panels: the causal mask, grouped key/value heads, biases, RoPE,
    ALiBi, the window, padding and a memory (whose tokens are then the keys).
    RoPE needs an even d_k, so odd values are left out (``skipped_d_k``).
    The lab is about the scale, not the precision: it always computes in
    float64. ``d_k_values`` defaults to 1, 2, 4, …, 512. ValueError for a bad value.
    """
    parameters = parameters.validated()
    values = DEFAULT_D_K_VALUES if d_k_values is None else tuple(d_k_values)
    if not values:
        raise ValueError("d_k_values must hold at least one d_k")
    values = tuple(check_whole_number("d_k", value) for value in values)
    skipped = tuple(value for value in values if parameters.rope and value % 2)
    values = tuple(value for value in values if value not in skipped)
    if not values:
        raise ValueError("RoPE turns the entries of q and k in pairs, so d_k must be even; none of the d_k values is")
    # d_v = 1 keeps the unused W_V and W_O small; W_Q, W_K and their biases do not depend on it
    lab = dataclasses.replace(parameters, d_v=1, skip_scaling=False, scale=None, precision="float64")
    scalings: list[bool | float] = [True, False] + ([parameters.scale] if parameters.scale is not None else [])
    curves = np.empty((len(scalings), 2, len(values)))
    x = memory = None
    for column, d_k in enumerate(values):
        inputs = check_inputs(dataclasses.replace(lab, d_k=d_k))  # the sizes' memory budget, as the panels'
        p = inputs.parameters
        if x is None:
            x = embed(list(inputs.tokens), p.d_model, p.seed, p.positional_encoding)
            if inputs.memory_tokens is not None:
                memory = embed(list(inputs.memory_tokens), p.d_model, p.seed, p.positional_encoding)
        weights = seeded_weights(p.d_model, p.heads, d_k, 1, p.seed, p.kv_head_count, p.bias)
        for row, scale in enumerate(scalings):
            attention = forward(x, weights, p.causal, scale=scale, memory=memory, rope=p.rope,
                                rope_base=p.rope_base, alibi=p.alibi, window=p.window,
                                padding=inputs.padding)["weights"]
            curves[row, 0, column] = attention_entropy(attention).mean()
            curves[row, 1, column] = attention.max(axis=-1).mean()
    seen = visible_keys(len(inputs.tokens), len(inputs.key_tokens), parameters.causal, parameters.window,
                        inputs.padding).sum(axis=-1)
    uniform = np.log(np.maximum(seen, 1))  # a query that may see nothing has weights 0: entropy 0
    custom = parameters.scale is not None
    return ScalingCurves(
        d_k=np.array(values, dtype=np.int64),
        entropy_scaled=curves[0, 0],
        entropy_unscaled=curves[1, 0],
        max_weight_scaled=curves[0, 1],
        max_weight_unscaled=curves[1, 1],
        current_d_k=parameters.d_k,
        uniform_entropy=float(uniform.mean()),
        custom_scale=parameters.scale,
        entropy_custom=curves[2, 0] if custom else None,
        max_weight_custom=curves[2, 1] if custom else None,
        skipped_d_k=skipped,
    )


@dataclass(frozen=True, eq=False)
class HeadStatistics:
    """Per-head summaries of the attention weights (h heads, n queries; heads 0-based).

    ``entropy`` (h, n): each query's attention entropy in nats, from 0 (one
    token) to ln n (all alike). ``distance`` (h, n): Σ_s A[t,s]·|t−s|, how
    far query t looks on average. ``mean_distance`` (h,): that averaged over
    the queries. ``argmax`` (h, n): the token each query attends to most
    (the first one on a tie). ``max_weight`` (h, n): that token's weight.
    """

    entropy: np.ndarray
    distance: np.ndarray
    mean_distance: np.ndarray
    argmax: np.ndarray
    max_weight: np.ndarray

    @property
    def mean_entropy(self) -> np.ndarray:
        """(h,): each head's entropy averaged over its queries."""
        return self.entropy.mean(axis=-1)


def attention_statistics(attention: np.ndarray, positions: bool = True) -> HeadStatistics:
    """:class:`HeadStatistics` of attention weights (h, n, n), rows summing to 1.

    ``positions=False``: the keys are another sentence's tokens (cross-attention,
    (h, n, m) weights), so no distance between a query and a key exists; the
    distances are NaN.
    """
    a = np.asarray(attention, dtype=np.float64)
    if a.ndim != 3 or (positions and a.shape[1] != a.shape[2]):
        shape = "(h, n, n)" if positions else "(h, n, m)"
        raise ValueError(f"attention weights must have shape {shape}; they have shape {a.shape}")
    distance = attention_distance(a) if positions else np.full(a.shape[:2], np.nan)
    return HeadStatistics(
        entropy=attention_entropy(a),
        distance=distance,
        mean_distance=distance.mean(axis=-1),
        argmax=a.argmax(axis=-1).astype(np.int64),
        max_weight=a.max(axis=-1),
    )


def head_statistics(computation: Computation) -> HeadStatistics:
    """Entropy, distance and most-attended token of every head's queries.

    Heads that look alike in these numbers do the same thing; a low-entropy
    head with distance near 1 looks at neighbours, one with high entropy
    averages over the sentence. A person sees that heads differ without
    reading every matrix. With cross-attention the keys are another
    sentence, so there is no distance (NaN).
    """
    return attention_statistics(computation.trace["weights"], positions=computation.memory_tokens is None)
