"""Parameters to a Computation: tokenise, embed, draw or take the weights, apply edits, run attention.

:func:`check_inputs` is the one place where what a person gave is checked
(the parameters' ranges, the memory bound, the weights' sizes, that every
edited cell exists); ``compute`` and session files both go through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .attention import Trace, concat_heads, forward
from .edits import Edits
from .embedding import embed
from .lesson import Step, pipeline_steps
from .limits import check_matrix_budget
from .matrices import EDITABLE_KEYS, Sizes, axis_labels, head_blocks, matrix_info
from .parameters import Parameters
from .tokenize import tokenize, unique_labels
from .weights import Weights, seeded_weights


@dataclass(frozen=True)
class Inputs:
    """What a computation is made from, checked: validated parameters, their tokens, weights and edits.

    ``weights`` is None for the seeded ones.
    """

    parameters: Parameters
    tokens: tuple[str, ...]
    weights: Weights | None
    edits: Edits

    @property
    def sizes(self) -> Sizes:
        return self.parameters.sizes(len(self.tokens))


def editable_shapes(sizes: Sizes) -> dict[str, tuple[int, ...]]:
    """The shape of every matrix a person may type into, at these sizes."""
    return {key: sizes.shape(key) for key in EDITABLE_KEYS}


def check_inputs(parameters: Parameters, weights: Weights | None = None, edits: Edits | None = None,
                 fit_edits: bool = False) -> Inputs:
    """Check everything a computation needs, without computing it; ValueError names the first problem.

    With ``fit_edits`` edits whose cell does not exist at these sizes are
    dropped instead of refused (a spin box made a matrix smaller).
    """
    parameters = parameters.validated()
    tokens = tuple(tokenize(parameters.sentence, parameters.tokenizer))
    check_matrix_budget(len(tokens), parameters.heads, parameters.d_model, parameters.d_k,
                        parameters.value_dim, parameters.causal)
    if weights is not None and (weights.heads, weights.d_model, weights.d_k, weights.d_v) != parameters.weight_sizes():
        raise ValueError(
            f"the weights are for heads {weights.heads}, d_model {weights.d_model}, d_k {weights.d_k}, "
            f"d_v {weights.d_v}, not heads {parameters.heads}, d_model {parameters.d_model}, "
            f"d_k {parameters.d_k}, d_v {parameters.value_dim}"
        )
    edits = edits or Edits()
    shapes = editable_shapes(parameters.sizes(len(tokens)))
    if fit_edits:
        edits = edits.fitting(shapes)
    else:
        edits.check(shapes)
    return Inputs(parameters, tokens, weights, edits)


@dataclass(frozen=True, eq=False)
class Computation:
    """One complete computation: the parameters, tokens, X, weights and trace.

    ``weights`` and ``trace["embed"]`` (X) are the effective ones, with the
    typed-over cells of ``edits`` already in place.
    """

    parameters: Parameters
    tokens: tuple[str, ...]
    weights: Weights
    trace: Trace
    edits: Edits = field(default_factory=Edits)

    @property
    def steps(self) -> tuple[Step, ...]:
        return pipeline_steps(self.parameters.causal)

    @property
    def sizes(self) -> Sizes:
        return self.parameters.sizes(len(self.tokens))

    @property
    def token_labels(self) -> list[str]:
        return unique_labels(list(self.tokens))

    def is_per_head(self, key: str) -> bool:
        return matrix_info(key).per_head

    def edited_cells(self, key: str, head: int | None = None) -> list[tuple[int, int]]:
        """(row, column) of the typed-over cells of matrix ``key`` (one head's, 0-based, for W_Q, W_K, W_V).

        Empty for matrices that cannot be edited, since they are computed.
        """
        return self.edits.cells_of(key, head)

    def matrix(self, key: str, head: int | None = None) -> np.ndarray:
        """A trace or weight matrix; for per-head keys, ``head`` (0-based) picks one head.

        A packed projection (``packed_q``…) is the product X·[W₁ | W₂ | …] that
        forward split into heads: the split undone, which gives back that
        product itself, not a new computation.
        """
        source = matrix_info(key).source
        if source == "weights":
            array = getattr(self.weights, key)
        elif source == "packed":
            array = concat_heads(self.trace[key.removeprefix("packed_")])
        else:
            array = self.trace[key]
        if head is not None and self.is_per_head(key):
            return array[head]
        return array

    def labels(self, key: str) -> tuple[list[str], list[str]]:
        """Row and column labels of one head's (or the whole) matrix ``key``."""
        matrix, sizes, tokens = matrix_info(key), self.sizes, self.token_labels
        return axis_labels(matrix.rows, sizes, tokens), axis_labels(matrix.columns, sizes, tokens)

    def head_blocks(self, key: str) -> list[tuple[int, int]]:
        """(first column, width) of each head's block in a matrix that holds all heads side by side."""
        return head_blocks(key, self.sizes)


def compute(parameters: Parameters, weights: Weights | None = None, edits: Edits | None = None) -> Computation:
    """Tokenise, embed and run attention; ValueError for anything out of range.

    ``weights`` overrides the seeded ones (they must match the parameters' sizes).
    ``edits`` replace cells of X (after embedding, positions included) and of
    the seeded or given weights; every edited cell must exist (ValueError).
    """
    return computation_of(check_inputs(parameters, weights, edits))


def computation_of(inputs: Inputs) -> Computation:
    """Run the computation that checked ``inputs`` describe."""
    p = inputs.parameters
    weights = inputs.weights or seeded_weights(p.d_model, p.heads, p.d_k, p.value_dim, p.seed)
    weights = inputs.edits.apply_weights(weights)
    x = inputs.edits.apply_x(embed(list(inputs.tokens), p.d_model, p.seed, p.positional_encoding))
    trace = forward(x, weights, causal=p.causal, scale=not p.skip_scaling)
    return Computation(p, inputs.tokens, weights, trace, inputs.edits)
