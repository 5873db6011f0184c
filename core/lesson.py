"""The lesson: the steps in the order a person walks through them, what each shows and why.

Each :class:`Step` names the matrices it reads and writes (keys of
:mod:`.matrices`), its formula and its explanation; :mod:`.formulas` writes
the formula again with the live sizes. The texts here are English; the app
translates them (``STEP_TEXTS``). Nothing here computes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

@dataclass(frozen=True)
class Step:
    """One stage of the lesson: what it computes and which matrices it shows.

    ``inputs`` and ``outputs`` are matrix keys (see :mod:`.matrices`) as the
    2017 attention has them. ``reads`` says what the step reads once the
    variants are in play: one group of alternatives per input, of which the
    first the computation has is shown (softmax reads the masked scores if
    there are any, else the ALiBi-biased ones, else the scaled ones); a group
    the computation has none of is left out. ``option`` names what makes the
    step appear ("" for the steps every computation has).
    """

    key: str
    title: str
    formula: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    explanation: str
    reads: tuple[tuple[str, ...], ...] = ()
    option: str = ""

    def resolved(self, available: frozenset[str] | set[str]) -> Step:
        """This step as a computation that holds the matrices ``available`` shows it."""
        reads = self.reads or tuple((key,) for key in self.inputs)
        inputs = tuple(next(key for key in group if key in available)
                       for group in reads if any(key in available for key in group))
        outputs = tuple(key for key in self.outputs if key in available)
        return dataclasses.replace(self, inputs=inputs, outputs=outputs)


LESSON: tuple[Step, ...] = (
    Step("embed", "Embed the tokens", "X = [x₁; x₂; …; xₙ]", (), ("embed", "memory"),
         "Each token becomes a row of numbers, its word vector. Stacked, the rows form X, "
         "one row per token. The same word always gets the same row; with positional "
         "encoding on, a position-dependent wave pattern is added so word order counts."),
    Step("project", "Project to queries, keys and values", "Qᵢ = X W_Qᵢ,  Kᵢ = X W_Kᵢ,  Vᵢ = X W_Vᵢ",
         ("embed", "w_q", "w_k", "w_v"), ("q", "k", "v"),
         "Three matrix products give every token three new vectors per head: a query (what it is "
         "looking for), a key (what it offers to be found by) and a value (what it passes on). "
         "Each head has its own W matrices, so each head can look for something different. "
         "In code all heads are one matrix product, X·[W_Q₁ | W_Q₂ | …]; splitting it into heads "
         "(the reshape and transpose) only regroups columns, as the outlined blocks show.",
         reads=(("embed",), ("memory",), ("w_q",), ("w_k",), ("w_v",), ("b_q",), ("b_k",), ("b_v",))),
    Step("rope", "Turn queries and keys by their position (RoPE)", "q′ₜ = R(t·θ) qₜ,  k′ₛ = R(s·θ) kₛ",
         ("q", "k"), ("q_rotated", "k_rotated"),
         "Rotary position embedding turns each pair of entries of a query or a key by an angle "
         "proportional to the token's position, each pair at its own speed. A turn keeps a "
         "vector's length, and the dot product of two turned vectors depends only on how far "
         "apart their angles are: q′ₜ·k′ₛ depends on the distance t − s, not on where the two "
         "tokens sit. Values are not turned. \"half\" pairs entry j with j + d_k/2 (Llama, "
         "GPT-NeoX); \"interleaved\" pairs 2j with 2j+1 (GPT-J): the same idea on other entries, "
         "so mixing the two up is a classic porting bug.", option="rope"),
    Step("repeat_kv", "Share key and value heads (grouped-query attention)",
         "K_i = K_kv[⌊i / g⌋],  V_i = V_kv[⌊i / g⌋],  g = h / kv_heads",
         ("k", "v"), ("k_repeated", "v_repeated"),
         "With grouped-query attention there are fewer key/value heads than query heads: each "
         "key/value head serves g query heads side by side (the first g heads share the first "
         "one, and so on). Repeating them lines the shapes up; a real model never copies them, "
         "which is why its cache of keys and values is g times smaller. With a single key/value "
         "head this is multi-query attention.",
         reads=(("k_rotated", "k"), ("v",)), option="kv_heads"),
    Step("scores", "Compare every query with every key", "scoresᵢ = Qᵢ Kᵢᵀ",
         ("q", "k"), ("scores",),
         "A dot product is large when two vectors point the same way, so row t, column s measures "
         "how well token t's query matches token s's key. K is transposed so that its rows (one per "
         "token) become columns: then one matrix product computes every query-key pair at once.",
         reads=(("q_rotated", "q"), ("k_repeated", "k_rotated", "k"))),
    Step("scale", "Divide by √d_k", "scaledᵢ = scoresᵢ / √d_k",
         ("scores",), ("scaled",),
         "A dot product of d_k random terms grows like √d_k. Dividing by √d_k keeps the scores "
         "near unit size whatever d_k is; without it, large d_k pushes softmax towards one-hot "
         "rows whose gradients vanish."),
    Step("position_bias", "Penalise distance (ALiBi)", "biasedᵢ = scaledᵢ − mᵢ·|t − s|",
         ("scaled", "position_bias"), ("biased",),
         "ALiBi adds no position to the vectors. Instead each head subtracts from every score a "
         "penalty that grows in a straight line with the distance between query and key. Each "
         "head has its own slope mᵢ, steep for the first head and gentle for the last, so some "
         "heads look close by and others far away; since the penalty depends only on distance, "
         "it works for sentences longer than any seen in training.", option="alibi"),
    Step("mask", "Hide later, distant and padding tokens (mask)", "maskedᵢ[t, s] = −∞ for s > t, |t − s| ≥ W, s = pad",
         ("scaled",), ("masked",),
         "When a model generates text it must not peek at tokens that come later (the causal "
         "mask); a sliding window also hides keys too far back; padding tokens only fill a "
         "sentence up to a batch's length, so no query looks at them. Setting those scores to "
         "−∞ makes their softmax weight exactly zero.",
         reads=(("biased", "scaled"),), option="mask"),
    Step("softmax", "Turn scores into attention weights", "Aᵢ = softmax(scaledᵢ)  (row by row)",
         ("scaled",), ("weights",),
         "Softmax exponentiates each score and divides by the row's total, so every row becomes "
         "positive weights that sum to 1: how token t shares its attention among all tokens. "
         "Bigger scores get a disproportionately bigger share.",
         reads=(("masked", "biased", "scaled"),)),
    Step("weighted_sum", "Mix the values", "headᵢ = Aᵢ Vᵢ",
         ("weights", "v"), ("head_output",),
         "Each token's new vector is the weighted average of all value vectors, using its row "
         "of attention weights. A token that attends mostly to one word ends up close to "
         "that word's value.",
         reads=(("weights",), ("v_repeated", "v"))),
    Step("concat", "Join the heads", "concat = [head₁ | head₂ | … | head_h]",
         ("head_output",), ("concat",),
         "The heads' outputs are placed side by side, head 1's columns first. Nothing is "
         "computed: it is the split into heads undone."),
    Step("output", "Project back to d_model", "output = concat · W_O",
         ("concat", "w_o"), ("output",),
         "W_O mixes what the heads found into one d_model-sized vector per token, so the "
         "result can be added back to X in a Transformer layer and heads can combine their findings.",
         reads=(("concat",), ("w_o",), ("b_o",))),
)

#: Every step key, in the order of the lesson.
LESSON_KEYS: tuple[str, ...] = tuple(step.key for step in LESSON)
#: The steps of the 2017 attention (the mask only with the causal mask on), as they read there.
STEPS: tuple[Step, ...] = tuple(step.resolved(set(step.inputs) | set(step.outputs)) for step in LESSON
                                if step.option in ("", "mask"))
STEP_KEYS: tuple[str, ...] = tuple(step.key for step in STEPS)
_STEPS_BY_KEY = {step.key: step for step in LESSON}


def steps_for(available: frozenset[str] | set[str]) -> tuple[Step, ...]:
    """The steps of a computation that holds the matrices ``available``, each reading what it has."""
    return tuple(step.resolved(available) for step in LESSON if any(key in available for key in step.outputs))


def pipeline_steps(causal: bool) -> tuple[Step, ...]:
    """The 2017 attention's steps in order; with ``causal`` the mask step is in and softmax reads its output."""
    available = {key for step in STEPS for key in (*step.inputs, *step.outputs)}
    return steps_for(available if causal else available - {"masked"})


def check_step(key: str, steps: tuple[Step, ...]) -> None:
    """ValueError unless ``key`` names one of ``steps`` (a computation's), saying when it appears otherwise."""
    step = step_by_key(key)  # refuses unknown keys
    if key not in [s.key for s in steps]:
        when = {"mask": "with the causal mask on (or a window, or padding)", "rope": "with RoPE",
                "kv_heads": "with fewer key/value heads than heads", "alibi": "with ALiBi"}[step.option]
        raise ValueError(f"the step {key!r} appears only {when}")


def step_by_key(key: str) -> Step:
    try:
        return _STEPS_BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown step {key!r}; the steps are {', '.join(LESSON_KEYS)}") from None


#: Every text of the lesson a person reads in the app, for the translation files (formulas.py adds its own).
#: The formulas are among them: their symbols stay, but words such as "(row by row)" are translated.
STEP_TEXTS: tuple[str, ...] = (tuple(step.title for step in LESSON) + tuple(step.explanation for step in LESSON)
                               + tuple(step.formula for step in LESSON))
