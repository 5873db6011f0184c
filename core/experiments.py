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

from dataclasses import dataclass

import numpy as np

from .attention import attention_scores, causal_mask, project, scale_scores, softmax, split_heads
from .embedding import embed
from .limits import check_matrix_budget, check_whole_number
from .computation import Computation
from .parameters import Parameters
from .tokenize import tokenize
from .weights import init_weights

#: d_k = 1, 2, 4, …, 512: evenly spaced on the log scale the lab plots.
DEFAULT_D_K_VALUES: tuple[int, ...] = tuple(2**power for power in range(10))


def attention_entropy(attention: np.ndarray) -> np.ndarray:
    """Entropy −Σ_s A[t,s] ln A[t,s] of every row, in nats (0 ln 0 counts as 0).

    0 means all attention on one token; ln n means spread evenly over n tokens.
    """
    a = np.asarray(attention, dtype=np.float64)
    terms = np.zeros_like(a)
    positive = a > 0
    terms[positive] = a[positive] * np.log(a[positive])
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
    tokens it may see), a reference line for the entropy plot.
    """

    d_k: np.ndarray
    entropy_scaled: np.ndarray
    entropy_unscaled: np.ndarray
    max_weight_scaled: np.ndarray
    max_weight_unscaled: np.ndarray
    current_d_k: int
    uniform_entropy: float


def scaling_curves(parameters: Parameters, d_k_values: tuple[int, ...] | list[int] | np.ndarray | None = None
                   ) -> ScalingCurves:
    """Softmax saturation against d_k for the current sentence, d_model, heads and seed.

    At each d_k the seeded weights are those :func:`~.weights.init_weights`
    gives (so at the current d_k they are the weights the panels show), and
    the scores are softmaxed once divided by √d_k and once not. The causal
    mask applies when the parameters ask for it, as in the panels.
    ``d_k_values`` defaults to 1, 2, 4, …, 512. ValueError for a bad value.
    """
    parameters = parameters.validated()
    values = DEFAULT_D_K_VALUES if d_k_values is None else tuple(d_k_values)
    if not values:
        raise ValueError("d_k_values must hold at least one d_k")
    values = tuple(check_whole_number("d_k", value) for value in values)
    tokens = tokenize(parameters.sentence, parameters.tokenizer)
    n = len(tokens)
    x = embed(tokens, parameters.d_model, parameters.seed, parameters.positional_encoding)
    curves = np.empty((4, len(values)))
    for column, d_k in enumerate(values):
        # only W_Q and W_K matter here; d_v = 1 keeps the unused W_V and W_O small
        check_matrix_budget(n, parameters.heads, parameters.d_model, d_k, 1, parameters.causal)
        weights = init_weights(parameters.d_model, parameters.heads, d_k, 1, parameters.seed)
        q = split_heads(project(x, weights.packed("w_q")), parameters.heads)
        k = split_heads(project(x, weights.packed("w_k")), parameters.heads)
        scores = attention_scores(q, k)
        for row, logits in ((0, scale_scores(scores, d_k)), (1, scores)):
            if parameters.causal:
                logits = causal_mask(logits)
            attention = softmax(logits)
            curves[row, column] = attention_entropy(attention).mean()
            curves[row + 2, column] = attention.max(axis=-1).mean()
    visible = np.arange(1, n + 1) if parameters.causal else np.full(n, n)
    return ScalingCurves(
        d_k=np.array(values, dtype=np.int64),
        entropy_scaled=curves[0],
        entropy_unscaled=curves[1],
        max_weight_scaled=curves[2],
        max_weight_unscaled=curves[3],
        current_d_k=parameters.d_k,
        uniform_entropy=float(np.log(visible).mean()),
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


def attention_statistics(attention: np.ndarray) -> HeadStatistics:
    """:class:`HeadStatistics` of attention weights (h, n, n), rows summing to 1."""
    a = np.asarray(attention, dtype=np.float64)
    if a.ndim != 3 or a.shape[1] != a.shape[2]:
        raise ValueError(f"attention weights must have shape (h, n, n); they have shape {a.shape}")
    distance = attention_distance(a)
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
    reading every matrix.
    """
    return attention_statistics(computation.trace["weights"])
