"""The lesson: the steps in the order a person walks through them, what each shows and why.

Each :class:`Step` names the matrices it reads and writes (keys of
:mod:`.matrices`), its formula and its explanation; :func:`shape_lines`
writes the formula again with the live sizes. The texts here are English;
the app translates them (``TRANSLATABLE_TEXTS``). Nothing here computes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .computation import Computation

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


def check_step(key: str, causal: bool) -> None:
    """ValueError unless ``key`` names a step of the lesson as it is with (or without) the causal mask."""
    step_by_key(key)  # refuses unknown keys
    if key not in [step.key for step in pipeline_steps(causal)]:
        raise ValueError(f"the step {key!r} appears only with the causal mask on")


def step_by_key(key: str) -> Step:
    try:
        return _STEPS_BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown step {key!r}; the steps are {', '.join(STEP_KEYS)}") from None



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
