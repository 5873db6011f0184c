"""The computation as a sequence of steps a person walks through.

``Parameters`` is what a person chooses, ``compute`` turns it into a
``Computation`` (tokens, X, weights, trace), ``STEPS`` says what each step
shows, and ``Stepper`` remembers where the person is while any parameter
changes underneath. Nothing here knows about Qt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .attention import PER_HEAD_KEYS, Trace, concat_heads, forward
from .edits import WEIGHT_EDIT_KEYS, Edits, cell_problem, check_cell, editable_shapes
from .embedding import embed
from .limits import check_matrix_budget, check_whole_number
from .tokenize import TOKENIZERS, tokenize, unique_labels
from .weights import Weights, init_weights

DEFAULT_SENTENCE = "我 爱 机器 学习"


@dataclass(frozen=True)
class Parameters:
    """Everything that determines one computation. ``d_v=None`` means d_v follows d_k.

    ``skip_scaling`` leaves out the division by √d_k (to see the softmax
    saturate); ``tokenizer`` is one of :data:`~.tokenize.TOKENIZERS`.
    """

    sentence: str = DEFAULT_SENTENCE
    heads: int = 2
    d_model: int = 8
    d_k: int = 4
    d_v: int | None = None
    seed: int = 0
    causal: bool = False
    positional_encoding: bool = False
    skip_scaling: bool = False
    tokenizer: str = "whitespace"

    @property
    def value_dim(self) -> int:
        return self.d_k if self.d_v is None else self.d_v

    def validated(self) -> Parameters:
        """Return a copy with every number checked (ValueError names the bad one)."""
        if not isinstance(self.sentence, str):
            raise ValueError(f"the sentence must be text, not {type(self.sentence).__name__}")
        if self.tokenizer not in TOKENIZERS:
            raise ValueError(f"the tokenizer must be one of {', '.join(TOKENIZERS)}; got {self.tokenizer!r}")
        return dataclasses.replace(
            self,
            heads=check_whole_number("heads", self.heads),
            d_model=check_whole_number("d_model", self.d_model),
            d_k=check_whole_number("d_k", self.d_k),
            d_v=None if self.d_v is None else check_whole_number("d_v", self.d_v),
            seed=check_whole_number("seed", self.seed),
            causal=bool(self.causal),
            positional_encoding=bool(self.positional_encoding),
            skip_scaling=bool(self.skip_scaling),
        )

    def shapes_match(self, weights: Weights) -> bool:
        return (weights.heads, weights.d_model, weights.d_k, weights.d_v) == (
            self.heads, self.d_model, self.d_k, self.value_dim)


@dataclass(frozen=True)
class Step:
    """One stage of the pipeline: what it computes and which matrices it shows."""

    key: str
    title: str
    formula: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    explanation: str


STEPS: tuple[Step, ...] = (
    Step("embed", "Embed the tokens", "X = [x₁; x₂; …; xₙ]", (), ("embed",),
         "Each token becomes a row of numbers, its word vector. Stacked, the rows form X, "
         "one row per token. The same word always gets the same row; with positional "
         "encoding on, a position-dependent wave pattern is added so word order counts."),
    Step("project", "Project to queries, keys and values", "Qᵢ = X W_Qᵢ,  Kᵢ = X W_Kᵢ,  Vᵢ = X W_Vᵢ",
         ("embed", "w_q", "w_k", "w_v"), ("q", "k", "v"),
         "Three matrix products give every token three new vectors per head: a query (what it is "
         "looking for), a key (what it offers to be found by) and a value (what it passes on). "
         "Each head has its own W matrices, so each head can look for something different. "
         "In code all heads are one matrix product, X·[W_Q₁ | W_Q₂ | …]; splitting it into heads "
         "(the reshape and transpose) only regroups columns, as the outlined blocks show."),
    Step("scores", "Compare every query with every key", "scoresᵢ = Qᵢ Kᵢᵀ",
         ("q", "k"), ("scores",),
         "A dot product is large when two vectors point the same way, so row t, column s measures "
         "how well token t's query matches token s's key. K is transposed so that its rows (one per "
         "token) become columns: then one matrix product computes every query-key pair at once."),
    Step("scale", "Divide by √d_k", "scaledᵢ = scoresᵢ / √d_k",
         ("scores",), ("scaled",),
         "A dot product of d_k random terms grows like √d_k. Dividing by √d_k keeps the scores "
         "near unit size whatever d_k is; without it, large d_k pushes softmax towards one-hot "
         "rows whose gradients vanish."),
    Step("mask", "Hide later tokens (causal mask)", "maskedᵢ[t, s] = −∞ for s > t",
         ("scaled",), ("masked",),
         "When a model generates text it must not peek at tokens that come later. Setting "
         "those scores to −∞ makes their softmax weight exactly zero."),
    Step("softmax", "Turn scores into attention weights", "Aᵢ = softmax(scaledᵢ)  (row by row)",
         ("scaled",), ("weights",),
         "Softmax exponentiates each score and divides by the row's total, so every row becomes "
         "positive weights that sum to 1: how token t shares its attention among all tokens. "
         "Bigger scores get a disproportionately bigger share."),
    Step("weighted_sum", "Mix the values", "headᵢ = Aᵢ Vᵢ",
         ("weights", "v"), ("head_output",),
         "Each token's new vector is the weighted average of all value vectors, using its row "
         "of attention weights. A token that attends mostly to one word ends up close to "
         "that word's value."),
    Step("concat", "Join the heads", "concat = [head₁ | head₂ | … | head_h]",
         ("head_output",), ("concat",),
         "The heads' outputs are placed side by side, head 1's columns first. Nothing is "
         "computed: it is the split into heads undone."),
    Step("output", "Project back to d_model", "output = concat · W_O",
         ("concat", "w_o"), ("output",),
         "W_O mixes what the heads found into one d_model-sized vector per token, so the "
         "result can be added back to X in a Transformer layer and heads can combine their findings."),
)

STEP_KEYS: tuple[str, ...] = tuple(step.key for step in STEPS)
_STEPS_BY_KEY = {step.key: step for step in STEPS}


def pipeline_steps(causal: bool) -> tuple[Step, ...]:
    """The steps in order; with ``causal`` the mask step is in and softmax reads its output."""
    if causal:
        return tuple(
            dataclasses.replace(step, inputs=("masked",)) if step.key == "softmax" else step for step in STEPS
        )
    return tuple(step for step in STEPS if step.key != "mask")


def step_by_key(key: str) -> Step:
    try:
        return _STEPS_BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown step {key!r}; the steps are {', '.join(STEP_KEYS)}") from None


WEIGHT_KEYS = ("w_q", "w_k", "w_v", "w_o")
#: All heads' projections side by side, X·[W_Q₁ | W_Q₂ | …]: what one matmul computes before the split.
PACKED_KEYS = {"packed_q": "q", "packed_k": "k", "packed_v": "v"}
PER_HEAD_MATRICES = PER_HEAD_KEYS | {"w_q", "w_k", "w_v"}


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
    def token_labels(self) -> list[str]:
        return unique_labels(list(self.tokens))

    def is_per_head(self, key: str) -> bool:
        return key in PER_HEAD_MATRICES

    def edited_cells(self, key: str, head: int | None = None) -> list[tuple[int, int]]:
        """(row, column) of the typed-over cells of matrix ``key`` (one head's, 0-based, for W_Q, W_K, W_V).

        Empty for matrices that cannot be edited, since they are computed.
        """
        return self.edits.cells_of(key, head)

    def matrix(self, key: str, head: int | None = None) -> np.ndarray:
        """A trace or weight matrix; for per-head keys, ``head`` (0-based) picks one head."""
        if key in WEIGHT_KEYS:
            array = getattr(self.weights, key)
        elif key in PACKED_KEYS:
            array = concat_heads(self.trace[PACKED_KEYS[key]])
        else:
            array = self.trace[key]
        if head is not None and self.is_per_head(key):
            return array[head]
        return array

    def labels(self, key: str) -> tuple[list[str], list[str]]:
        """Row and column labels of one head's (or the whole) matrix ``key``."""
        tokens = self.token_labels
        p = self.parameters
        d_v = p.value_dim

        def dims(count: int) -> list[str]:
            return [f"d{i + 1}" for i in range(count)]

        head_dims = [f"h{h + 1}:d{i + 1}" for h in range(p.heads) for i in range(d_v)]
        head_key_dims = [f"h{h + 1}:d{i + 1}" for h in range(p.heads) for i in range(p.d_k)]
        table = {
            "embed": (tokens, dims(p.d_model)),
            "q": (tokens, dims(p.d_k)),
            "k": (tokens, dims(p.d_k)),
            "v": (tokens, dims(d_v)),
            "head_output": (tokens, dims(d_v)),
            "concat": (tokens, head_dims),
            "packed_q": (tokens, head_key_dims),
            "packed_k": (tokens, head_key_dims),
            "packed_v": (tokens, head_dims),
            "output": (tokens, dims(p.d_model)),
            "w_q": (dims(p.d_model), dims(p.d_k)),
            "w_k": (dims(p.d_model), dims(p.d_k)),
            "w_v": (dims(p.d_model), dims(d_v)),
            "w_o": (head_dims, dims(p.d_model)),
        }
        if key in ("scores", "scaled", "masked", "weights"):
            return tokens, tokens
        return table[key]


    def head_blocks(self, key: str) -> list[tuple[int, int]]:
        """(first column, width) of each head's block in a matrix that holds all heads side by side.

        The split into heads is only bookkeeping: head i owns columns
        i·d to (i+1)·d of the packed projection, and the same columns of concat.
        """
        p = self.parameters
        width = p.d_k if key in ("packed_q", "packed_k") else p.value_dim
        if key not in ("packed_q", "packed_k", "packed_v", "concat"):
            return []
        return [(head * width, width) for head in range(p.heads)]


def compute(parameters: Parameters, weights: Weights | None = None, edits: Edits | None = None) -> Computation:
    """Tokenise, embed and run attention; ValueError for anything out of range.

    ``weights`` overrides the seeded ones (they must match the parameters' sizes).
    ``edits`` replace cells of X (after embedding, positions included) and of
    the seeded or given weights; every edited cell must exist (ValueError).
    """
    return _compute(parameters, weights, edits or Edits(), fit_edits=False)


def _compute(parameters: Parameters, weights: Weights | None, edits: Edits, fit_edits: bool) -> Computation:
    """:func:`compute`; with ``fit_edits`` edits whose cell does not exist are dropped instead of refused."""
    parameters = parameters.validated()
    tokens = tokenize(parameters.sentence, parameters.tokenizer)
    check_matrix_budget(len(tokens), parameters.heads, parameters.d_model, parameters.d_k,
                        parameters.value_dim, parameters.causal)
    if weights is None:
        weights = init_weights(parameters.d_model, parameters.heads, parameters.d_k, parameters.d_v,
                               parameters.seed)
    elif not parameters.shapes_match(weights):
        raise ValueError(
            f"the weights are for heads {weights.heads}, d_model {weights.d_model}, d_k {weights.d_k}, "
            f"d_v {weights.d_v}, not heads {parameters.heads}, d_model {parameters.d_model}, "
            f"d_k {parameters.d_k}, d_v {parameters.value_dim}"
        )
    shapes = editable_shapes(len(tokens), parameters.heads, parameters.d_model, parameters.d_k,
                             parameters.value_dim)
    if fit_edits:
        edits = edits.fitting(shapes)
    else:
        edits.check(shapes)
    weights = edits.apply_weights(weights)
    x = edits.apply_x(embed(tokens, parameters.d_model, parameters.seed, parameters.positional_encoding))
    trace = forward(x, weights, causal=parameters.causal, scale=not parameters.skip_scaling)
    return Computation(parameters, tuple(tokens), weights, trace, edits)


_SHAPE_PARAMETERS = ("heads", "d_model", "d_k", "d_v", "seed")


class Stepper:
    """The parameters, their computation and the step a person is looking at.

    Changing a parameter recomputes at once and keeps the current step; if
    that step disappears (the mask, when causal is switched off) the stepper
    moves to softmax, which shows the same scores. A change that is invalid
    raises ValueError and leaves everything as it was.

    Typed-over cells (:meth:`set_cell`) are kept through every parameter
    change in which their cell still exists, the seed included: an edit is
    a deliberate act a person should not lose to a spin box, it stays marked,
    and :meth:`reset_edits` removes all of them at once. X edits belong to a
    token position (row t stays row t when the sentence changes), weight
    edits to a (head, row, column); cells that no longer exist (fewer tokens,
    heads or dimensions) are dropped, since there is nothing left to put them
    in, and do not come back when the size grows again.
    """

    def __init__(self, parameters: Parameters | None = None, weights: Weights | None = None,
                 edits: Edits | None = None):
        self._computation = compute(parameters or Parameters(), weights, edits)
        self._custom: Weights | None = weights
        self._seeded: tuple[tuple, Weights] | None = None  # see _base_weights
        self._index = 0

    # --- what there is to see -------------------------------------------------
    @property
    def computation(self) -> Computation:
        return self._computation

    @property
    def parameters(self) -> Parameters:
        return self._computation.parameters

    @property
    def trace(self) -> Trace:
        return self._computation.trace

    @property
    def tokens(self) -> tuple[str, ...]:
        return self._computation.tokens

    @property
    def weights(self) -> Weights:
        """The weights in use, edits included."""
        return self._computation.weights

    @property
    def custom_weights(self) -> Weights | None:
        """The weights given by :meth:`set_weights` (before edits), or None when they are the seeded ones."""
        return self._custom

    @property
    def edits(self) -> Edits:
        return self._computation.edits

    @property
    def steps(self) -> tuple[Step, ...]:
        return self._computation.steps

    @property
    def index(self) -> int:
        return self._index

    @property
    def step(self) -> Step:
        return self.steps[self._index]

    # --- changing the computation ---------------------------------------------
    def set(self, **changes) -> None:
        """Change parameters (``heads=4``, ``sentence="…"``…) and recompute.

        Seeded weights follow the sizes and the seed; weights given by
        :meth:`set_weights` are kept while only the sentence, mask or
        positions change, and replaced by seeded ones when a size or the seed does.
        Edits follow the rule in the class docstring.
        """
        parameters = dataclasses.replace(self.parameters, **changes)
        keep_weights = self._custom is not None and not any(
            getattr(parameters, name) != getattr(self.parameters, name) for name in _SHAPE_PARAMETERS
        )
        custom = self._custom if keep_weights else None
        self._replace(_compute(parameters, custom, self.edits, fit_edits=True), custom)

    def set_weights(self, weights: Weights | None) -> None:
        """Use these weights (their sizes become the parameters'); None returns to seeded ones.

        Either way the weight edits go (the weights are replaced whole, which
        is what "Reset weights" means); X edits stay where their cells still exist.
        """
        edits = self.edits.without_keys(WEIGHT_EDIT_KEYS)
        if weights is None:
            self._replace(_compute(self.parameters, None, edits, fit_edits=True), None)
            return
        parameters = dataclasses.replace(
            self.parameters, heads=weights.heads, d_model=weights.d_model, d_k=weights.d_k,
            d_v=None if weights.d_v == weights.d_k else weights.d_v,
        )
        self._replace(_compute(parameters, weights, edits, fit_edits=True), weights)

    @property
    def has_custom_weights(self) -> bool:
        return self._custom is not None

    def set_cell(self, key: str, head: int | None, row: int, column: int, value: float) -> None:
        """Type ``value`` into one cell of X (``"embed"``) or of a W matrix and recompute.

        ``head`` is the 0-based head for w_q, w_k, w_v and None for embed and
        w_o; ``row`` and ``column`` are 0-based. ValueError (and no change) for
        another key, a cell that does not exist, or a value that is not a
        finite number within ±1e6.
        """
        cell = check_cell(key, head, row, column)
        problem = cell_problem(cell, editable_shapes(len(self.tokens), self.parameters.heads,
                                                     self.parameters.d_model, self.parameters.d_k,
                                                     self.parameters.value_dim))
        if problem:
            raise ValueError(problem)
        edits = self.edits.with_cell(*cell, value)
        self._replace(compute(self.parameters, self._base_weights(), edits), self._custom)

    def clear_cell(self, key: str, head: int | None, row: int, column: int) -> None:
        """Return one cell to its seeded (or loaded) value; nothing happens if it was not edited."""
        edits = self.edits.without_cell(key, head, row, column)
        if edits != self.edits:
            self._replace(compute(self.parameters, self._base_weights(), edits), self._custom)

    def reset_edits(self) -> None:
        """Drop every edit: X and the weights return to their seeded (or loaded) values."""
        if self.edits:
            self._replace(compute(self.parameters, self._base_weights()), self._custom)

    def _base_weights(self) -> Weights:
        """The weights under the edits: the given ones, or the seeded ones.

        Seeded weights are kept once drawn for these sizes and seed, so that
        typing or dragging a value does not redraw every weight each time.
        """
        if self._custom is not None:
            return self._custom
        p = self.parameters
        sizes = (p.d_model, p.heads, p.d_k, p.value_dim, p.seed)
        if self._seeded is None or self._seeded[0] != sizes:
            seeded = (self.weights if not self.edits.has_weight_edits
                      else init_weights(p.d_model, p.heads, p.d_k, p.value_dim, p.seed))
            self._seeded = (sizes, seeded)
        return self._seeded[1]

    def restore(self, parameters: Parameters, weights: Weights | None = None, edits: Edits | None = None,
                step: str | None = None) -> None:
        """Replace everything at once (as when opening a saved session); ValueError leaves all as it was.

        ``weights`` None means seeded ones; every edit must fit. ``step`` (a
        key) is gone to if given, else the current step is kept when it exists.
        """
        computation = compute(parameters, weights, edits)
        if step is not None:
            keys = [s.key for s in computation.steps]
            if step not in keys:
                step_by_key(step)  # raises for unknown keys
                raise ValueError(f"the step {step!r} appears only with the causal mask on")
        self._replace(computation, weights)
        if step is not None:
            self.go_to(step)

    def _replace(self, computation: Computation, custom_weights: Weights | None) -> None:
        key = self.step.key
        self._computation = computation
        self._custom = custom_weights
        keys = [step.key for step in self.steps]
        self._index = keys.index(key if key in keys else "softmax")

    # --- moving through the steps ---------------------------------------------
    def go_to(self, step: str | int) -> None:
        """Go to a step by key (``"softmax"``) or by index in :attr:`steps`."""
        keys = [s.key for s in self.steps]
        if isinstance(step, str):
            if step not in keys:
                step_by_key(step)  # raises for unknown keys
                raise ValueError(f"the step {step!r} appears only with the causal mask on")
            self._index = keys.index(step)
        else:
            if not 0 <= step < len(keys):
                raise ValueError(f"step index must be from 0 to {len(keys) - 1}; got {step}")
            self._index = step

    def next(self) -> bool:
        """Move one step on; False (and no move) at the last step."""
        if self._index + 1 < len(self.steps):
            self._index += 1
            return True
        return False

    def previous(self) -> bool:
        """Move one step back; False (and no move) at the first step."""
        if self._index > 0:
            self._index -= 1
            return True
        return False

    def first(self) -> None:
        self._index = 0

    def last(self) -> None:
        self._index = len(self.steps) - 1


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(number: int) -> str:
    """1 -> '₁', 12 -> '₁₂': head numbers as formulas write them."""
    return str(number).translate(_SUBSCRIPT_DIGITS)


#: The words inside shape lines, kept apart so the app can translate them
#: (``translate`` below); the symbols around them read the same in every language.
SHAPE_PHRASES = (
    "({n} tokens × d_model {d_model})",
    "all {h} heads at once",
    "with −∞ above the diagonal",
    "each row sums to 1",
    "(scaling skipped)",
)


def shape_lines(computation: Computation, step_key: str, head: int = 0,
                translate: Callable[[str], str] = str) -> list[str]:
    """The step's formula with the live sizes, e.g. ``scores₁ = Q₁ K₁ᵀ : 4×4 = (4×4)(4×4)ᵀ``.

    ``head`` is 0-based; per-head formulas are written for that head.
    ``translate`` is applied to each of :data:`SHAPE_PHRASES` before it is
    filled in (the app passes its Qt translation; the core stays Qt-free).
    """
    p = computation.parameters
    n, h, d_model, d_k, d_v = len(computation.tokens), p.heads, p.d_model, p.d_k, p.value_dim
    i = subscript(head + 1)
    tokens_phrase, all_heads, above_diagonal, rows_sum, skipped = (translate(text) for text in SHAPE_PHRASES)

    def size(rows: int, cols: int) -> str:
        return f"{rows}×{cols}"

    lines = {
        "embed": [f"X : {size(n, d_model)}  " + tokens_phrase.format(n=n, d_model=d_model)],
        "project": [
            f"Q{i} = X W_Q{i} : {size(n, d_k)} = ({size(n, d_model)})({size(d_model, d_k)})",
            f"K{i} = X W_K{i} : {size(n, d_k)} = ({size(n, d_model)})({size(d_model, d_k)})",
            f"V{i} = X W_V{i} : {size(n, d_v)} = ({size(n, d_model)})({size(d_model, d_v)})",
            all_heads.format(h=h) + f": X [W_Q₁ | … | W_Q{subscript(h)}] : {size(n, h * d_k)}",
        ],
        "scores": [f"scores{i} = Q{i} K{i}ᵀ : {size(n, n)} = ({size(n, d_k)})({size(n, d_k)})ᵀ"],
        "scale": [f"scaled{i} = scores{i} / √{d_k} : {size(n, n)}"],
        "mask": [f"masked{i} = scaled{i} {above_diagonal} : {size(n, n)}"],
        "softmax": [f"A{i} = softmax(scaled{i}) : {size(n, n)}, {rows_sum}"],
        "weighted_sum": [f"head{i} = A{i} V{i} : {size(n, d_v)} = ({size(n, n)})({size(n, d_v)})"],
        "concat": [f"concat = [head₁ | … | head{subscript(h)}] : {size(n, h * d_v)} = {h} × ({size(n, d_v)})"],
        "output": [f"output = concat W_O : {size(n, d_model)} = ({size(n, h * d_v)})({size(h * d_v, d_model)})"],
    }
    if p.skip_scaling:
        lines["scale"] = [f"scaled{i} = scores{i} {skipped} : {size(n, n)}"]
    if p.causal and step_key == "softmax":
        lines["softmax"] = [f"A{i} = softmax(masked{i}) : {size(n, n)}, {rows_sum}"]
    return lines[step_by_key(step_key).key]


#: Every text of the core a person reads in the app, for the translation files.
TRANSLATABLE_TEXTS: tuple[str, ...] = (
    tuple(step.title for step in STEPS) + tuple(step.explanation for step in STEPS) + SHAPE_PHRASES
)
