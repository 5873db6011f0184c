"""Parameters to a Computation: tokenise, embed, draw or take the weights, apply edits, run attention.

:func:`check_inputs` is the one place where what a person gave is checked
(the parameters' ranges, the memory bound, the weights' sizes, that every
edited cell exists); ``compute`` and session files both go through it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from .attention import Trace, concat_heads, forward
from .checkpoints import Encoding, open_checkpoint, real_layer
from .edits import Edits
from .embedding import embed
from .lesson import Step, steps_for
from .limits import check_bytes
from .matrices import DERIVED_KEYS, EDITABLE_KEYS, TRACE_ORDER, WEIGHT_NAMES, Sizes, axis_labels, head_blocks, matrix_info
from .parameters import Parameters
from .tokenize import PADDING_TOKENS, tokenize, unique_labels
from .variants import mask_reasons, rope_angles
from .weights import Weights, seeded_weights


@dataclass(frozen=True)
class Inputs:
    """What a computation is made from, checked: validated parameters, their tokens, weights and edits.

    ``weights`` is None for the seeded ones; ``memory_tokens`` is None without cross-attention.
    """

    parameters: Parameters
    tokens: tuple[str, ...]
    weights: Weights | None
    edits: Edits
    memory_tokens: tuple[str, ...] | None = None
    #: The model's encoding of the sentence (ids, readable labels) when a checkpoint is shown.
    encoding: Encoding | None = None

    @property
    def key_tokens(self) -> tuple[str, ...]:
        """The tokens attended to: the memory's in cross-attention, the sentence's otherwise."""
        return self.tokens if self.memory_tokens is None else self.memory_tokens

    @property
    def sizes(self) -> Sizes:
        return self.parameters.sizes(len(self.tokens), len(self.key_tokens))

    @property
    def padding(self) -> np.ndarray:
        """Which keys are padding tokens (no query attends to them); a checkpoint's tokenizer pads nothing."""
        if self.encoding is not None:
            return np.zeros(len(self.tokens), dtype=bool)
        return np.array([token in PADDING_TOKENS for token in self.key_tokens], dtype=bool)

    def available(self) -> frozenset[str]:
        """The keys of every matrix the computation will hold (trace and weights), known before computing."""
        p = self.parameters
        options = {"", "memory" if p.memory is not None else "", "rope" if p.rope else "",
                   "kv_heads" if p.kv_head_count < p.heads else "", "alibi" if p.alibi else "",
                   "bias" if p.bias else ""}
        if p.causal or p.window is not None or self.padding.any():
            options.add("mask")
        return frozenset(key for key in (*TRACE_ORDER, *WEIGHT_NAMES) if matrix_info(key).option in options)


def editable_shapes(sizes: Sizes, available: frozenset[str]) -> dict[str, tuple[int, ...]]:
    """The shape of every matrix a person may type into, at these sizes, of those ``available``."""
    return {key: sizes.shape(key) for key in EDITABLE_KEYS if key in available}


def check_inputs(parameters: Parameters, weights: Weights | None = None, edits: Edits | None = None,
                 fit_edits: bool = False) -> Inputs:
    """Check everything a computation needs, without computing it; ValueError names the first problem.

    With ``fit_edits`` edits whose cell does not exist at these sizes are
    dropped instead of refused (a spin box made a matrix smaller).
    """
    parameters = parameters.validated()
    encoding = None
    if parameters.checkpoint is not None:  # the model's tokens, sizes and options (core/checkpoints)
        if weights is not None:
            raise ValueError("a checkpoint brings its own weights; leave out the weights file to show it")
        real = real_layer(parameters)
        parameters, encoding = real.parameters.validated(), real.encoding
    tokens = encoding.tokens if encoding is not None else tuple(tokenize(parameters.sentence, parameters.tokenizer))
    memory = None
    if parameters.memory is not None:
        try:
            memory = tuple(tokenize(parameters.memory, parameters.tokenizer))
        except ValueError as error:
            raise ValueError(f"the memory sentence: {error}") from None
    inputs = Inputs(parameters, tokens, weights, edits or Edits(), memory, encoding)
    if inputs.padding.all():
        raise ValueError("every token attended to is padding; nothing would be left to attend to")
    available = inputs.available()
    check_bytes(inputs.sizes.bytes(tuple(key for key in available if key in TRACE_ORDER or key in WEIGHT_NAMES)),
                f"{len(tokens)} tokens, heads {parameters.heads}, d_model {parameters.d_model}, "
                f"d_k {parameters.d_k}, d_v {parameters.value_dim}")
    if weights is not None:
        given = (weights.heads, weights.kv_heads, weights.d_model, weights.d_k, weights.d_v, weights.has_bias)
        if given != parameters.weight_sizes():
            raise ValueError(f"the weights are for {_describe(*given)}, not {_describe(*parameters.weight_sizes())}")
    shapes = editable_shapes(inputs.sizes, available)
    edits = inputs.edits.fitting(shapes) if fit_edits else inputs.edits
    edits.check(shapes)
    return dataclasses.replace(inputs, edits=edits)


def _describe(heads: int, kv_heads: int, d_model: int, d_k: int, d_v: int, bias: bool) -> str:
    grouped = f" ({kv_heads} key/value heads)" if kv_heads != heads else ""
    return f"heads {heads}{grouped}, d_model {d_model}, d_k {d_k}, d_v {d_v}{', with biases' if bias else ''}"


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
    memory_tokens: tuple[str, ...] | None = None
    #: The model's encoding of the sentence when a checkpoint is shown (its labels are the readable tokens).
    encoding: Encoding | None = None

    @property
    def steps(self) -> tuple[Step, ...]:
        return steps_for(self.available)

    @property
    def available(self) -> frozenset[str]:
        """The keys of every matrix this computation holds: its trace's, its weights' and those derived from them."""
        derived = {key for key in DERIVED_KEYS if matrix_info(key).option == "rope" and self.parameters.rope}
        return frozenset(self.trace) | frozenset(self.weights.arrays()) | derived

    @property
    def sizes(self) -> Sizes:
        keys = None if self.memory_tokens is None else len(self.memory_tokens)
        return self.parameters.sizes(len(self.tokens), keys)

    @property
    def token_labels(self) -> list[str]:
        """Row labels: the tokens (a checkpoint's decoded for reading: ``·cat``), ``#2`` on repeats."""
        return unique_labels(list(self.tokens if self.encoding is None else self.encoding.labels))

    @property
    def padding(self) -> np.ndarray:
        """Which keys are padding tokens (masked: no query attends to them)."""
        if self.encoding is not None:
            return np.zeros(len(self.tokens), dtype=bool)
        keys = self.tokens if self.memory_tokens is None else self.memory_tokens
        return np.array([token in PADDING_TOKENS for token in keys], dtype=bool)

    @property
    def key_labels(self) -> list[str]:
        """Labels of the tokens attended to (the memory's in cross-attention)."""
        return self.token_labels if self.memory_tokens is None else unique_labels(list(self.memory_tokens))

    def mask_reasons(self) -> np.ndarray:
        """Why each query may not see each key, (n, m): 0 visible, else 1 + index in variants.MASK_REASONS."""
        p = self.parameters
        return mask_reasons(len(self.tokens), self.sizes.key_count, p.causal, p.window, self.padding)

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
            if array is not None and matrix_info(key).rows == "bias":  # a bias vector, shown as one row
                array = array[..., None, :]
        elif source == "packed":
            array = concat_heads(self.trace[key.removeprefix("packed_")])
        elif source == "derived":  # rope_angles: the angle each pair of entries of token t's q and k turns by
            if key not in self.available:
                raise KeyError(key)
            array = rope_angles(len(self.tokens), self.parameters.d_k, self.parameters.rope_base)
        else:
            array = self.trace[key]
        if head is not None and self.is_per_head(key):
            return array[head]
        return array

    def labels(self, key: str) -> tuple[list[str], list[str]]:
        """Row and column labels of one head's (or the whole) matrix ``key``."""
        matrix, sizes, tokens, keys = matrix_info(key), self.sizes, self.token_labels, self.key_labels
        return axis_labels(matrix.rows, sizes, tokens, keys), axis_labels(matrix.columns, sizes, tokens, keys)

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
    if inputs.encoding is not None:  # a real layer: its weights and the hidden state it receives
        checkpoint = open_checkpoint(p.checkpoint)
        weights = inputs.edits.apply_weights(checkpoint.layer_weights(p.layer))
        x = inputs.edits.apply_x(checkpoint.attention_input(inputs.encoding.ids, p.layer, inputs.encoding.type_ids))
    else:
        weights = inputs.weights or seeded_weights(p.d_model, p.heads, p.d_k, p.value_dim, p.seed, p.kv_head_count,
                                                   p.bias)
        weights = inputs.edits.apply_weights(weights)
        x = inputs.edits.apply_x(embed(list(inputs.tokens), p.d_model, p.seed, p.positional_encoding))
    memory = None
    if inputs.memory_tokens is not None:
        memory = embed(list(inputs.memory_tokens), p.d_model, p.seed, p.positional_encoding)
    scale = False if p.skip_scaling else (True if p.scale is None else p.scale)
    with np.errstate(over="ignore", invalid="ignore"):  # float16 may overflow: the lesson shows it, not stderr
        trace = forward(x, weights, causal=p.causal, scale=scale, memory=memory, rope=p.rope,
                        rope_base=p.rope_base, alibi=p.alibi, window=p.window, padding=inputs.padding, dtype=p.dtype)
    return Computation(p, inputs.tokens, weights, trace, inputs.edits, inputs.memory_tokens, inputs.encoding)
