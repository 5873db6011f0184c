"""Each step's formula written again with the live sizes, e.g. ``scores₁ = Q₁ K₁ᵀ : 4×4 = (4×4)(4×4)ᵀ``.

The words inside these lines are kept apart (:data:`SHAPE_PHRASES`) so the
app can translate them; the symbols around them read the same in every
language, and the core stays free of Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .cell_arithmetic import ARITHMETIC_PHRASES
from .lesson import STEP_TEXTS, step_by_key
from .mistakes import MISTAKE_TEXTS
from .numbers import subscript  # noqa: F401 (the app imports it from here)
from .token_trace import JOURNEY_PHRASES
from .variants import alibi_slopes

if TYPE_CHECKING:
    from .computation import Computation

#: The words inside shape lines, translated by the app (``translate`` below) before they are filled in.
#: Where words meet a formula with a comma or a colon, the phrase holds both (``{shape}``, ``{product}``):
#: Chinese writes that punctuation full-width.
SHAPE_PHRASES = (
    "({n} tokens × d_model {d_model})",
    "all {h} heads at once: {product}",
    "with −∞ above the diagonal",
    "{shape}, each row sums to 1",
    "(scaling skipped)",
    "({m} memory tokens: K and V come from them)",
    "query heads {first}–{last} share key/value head {shared}",
    "pairs (j, j + {half}), angle t · {base}^(−2j/{d_k})",
    "pairs (2j, 2j + 1), angle t · {base}^(−2j/{d_k})",
    "slope m{i} = {slope}",
    "−∞ where s > t",
    "−∞ where t − s ≥ {window}",
    "−∞ where |t − s| ≥ {window}",
    "−∞ in the padding columns",
    "every step computed in {precision}: about {digits} significant digits",
)

#: Every text of the core a person reads in the app, for the translation files.
TRANSLATABLE_TEXTS: tuple[str, ...] = (STEP_TEXTS + SHAPE_PHRASES + MISTAKE_TEXTS + ARITHMETIC_PHRASES
                                        + JOURNEY_PHRASES)

#: Significant decimal digits of each precision, for the note under every formula.
_DIGITS = {"float32": 7, "float16": 3}


def shape_lines(computation: Computation, step_key: str, head: int = 0,
                translate: Callable[[str], str] = str) -> list[str]:
    """The step's formula with the live sizes, written for ``head`` (0-based) where it is per head.

    ``translate`` is applied to each of :data:`SHAPE_PHRASES` before it is
    filled in (the app passes its Qt translation).
    """
    p = computation.parameters
    phrase = dict(zip(SHAPE_PHRASES, (translate(text) for text in SHAPE_PHRASES)))
    sizes = computation.sizes
    n, m, h, kv = sizes.tokens, sizes.key_count, p.heads, p.kv_head_count
    d_model, d_k, d_v = p.d_model, p.d_k, p.value_dim
    i, shared = subscript(head + 1), head // (h // kv)
    j = subscript(shared + 1)
    source = "X" if p.memory is None else "M"
    plus = (lambda name: f" + b_{name}") if p.bias else (lambda name: "")
    key_index = j if kv < h else i  # the key/value head this query head reads
    kv_name = "_kv" if kv < h else ""  # K_kv₂ when key/value heads are shared, as the panels name them
    q_used = f"Q′{i}" if p.rope else f"Q{i}"
    k_used = f"K′{i}" if p.rope else f"K{i}"
    logits = f"masked{i}" if "masked" in computation.trace else (f"biased{i}" if p.alibi else f"scaled{i}")

    def size(rows: int, cols: int) -> str:
        return f"{rows}×{cols}"

    lines = {
        "embed": [f"X : {size(n, d_model)}  " + phrase[SHAPE_PHRASES[0]].format(n=n, d_model=d_model)],
        "project": [
            f"Q{i} = X W_Q{i}{plus(f'Q{i}')} : {size(n, d_k)} = ({size(n, d_model)})({size(d_model, d_k)})",
            f"K{kv_name}{key_index} = {source} W_K{key_index}{plus(f'K{key_index}')} : {size(m, d_k)} = "
            f"({size(m, d_model)})({size(d_model, d_k)})",
            f"V{kv_name}{key_index} = {source} W_V{key_index}{plus(f'V{key_index}')} : {size(m, d_v)} = "
            f"({size(m, d_model)})({size(d_model, d_v)})",
            phrase[SHAPE_PHRASES[1]].format(h=h, product=f"X [W_Q₁ | … | W_Q{subscript(h)}] : {size(n, h * d_k)}"),
        ],
        "rope": [f"Q′{i} = RoPE(Q{i}), K′{kv_name}{key_index} = RoPE(K{kv_name}{key_index}) : {size(n, d_k)}, "
                 f"{size(m, d_k)}",
                 phrase[SHAPE_PHRASES[7 if p.rope == "half" else 8]].format(
                     half=d_k // 2, base=f"{p.rope_base:g}", d_k=d_k)],
        "repeat_kv": [f"K{i} = K_kv{j}, V{i} = V_kv{j} : {size(m, d_k)}, {size(m, d_v)}",
                      phrase[SHAPE_PHRASES[6]].format(first=shared * (h // kv) + 1,
                                                      last=(shared + 1) * (h // kv), shared=shared + 1)],
        "scores": [f"scores{i} = {q_used} {k_used}ᵀ : {size(n, m)} = ({size(n, d_k)})({size(m, d_k)})ᵀ"],
        "scale": [f"scaled{i} = scores{i} / √{d_k} : {size(n, m)}"],
        "position_bias": [f"biased{i} = scaled{i} − m{i}·|t − s| : {size(n, m)}"],
        "mask": _mask_lines(computation, phrase, f"masked{i} = {'biased' if p.alibi else 'scaled'}{i}",
                            size(n, m)),
        "softmax": [f"A{i} = softmax({logits}) : " + phrase[SHAPE_PHRASES[3]].format(shape=size(n, m))],
        "weighted_sum": [f"head{i} = A{i} V{i} : {size(n, d_v)} = ({size(n, m)})({size(m, d_v)})"],
        "concat": [f"concat = [head₁ | … | head{subscript(h)}] : {size(n, h * d_v)} = {h} × ({size(n, d_v)})"],
        "output": [f"output = concat W_O{plus('O')} : {size(n, d_model)} = "
                   f"({size(n, h * d_v)})({size(h * d_v, d_model)})"],
    }
    if p.memory is not None:
        lines["embed"].append(f"M : {size(m, d_model)}  " + phrase[SHAPE_PHRASES[5]].format(m=m))
    if p.skip_scaling:
        lines["scale"] = [f"scaled{i} = scores{i} {phrase[SHAPE_PHRASES[4]]} : {size(n, m)}"]
    elif p.scale is not None:
        lines["scale"] = [f"scaled{i} = scores{i} × {p.scale:g} : {size(n, m)}"]
    if p.alibi:
        lines["position_bias"].append(phrase[SHAPE_PHRASES[9]].format(i=i, slope=f"{alibi_slopes(h)[head]:.4g}"))
    shown = lines[step_by_key(step_key).key]
    if p.precision != "float64":
        shown = shown + [phrase[SHAPE_PHRASES[14]].format(precision=p.precision, digits=_DIGITS[p.precision])]
    return shown


def _mask_lines(computation: Computation, phrase: dict[str, str], formula: str, shape: str) -> list[str]:
    """The mask's formula and its rule in words: one line per mask that applies (causal, window, padding)."""
    p = computation.parameters
    if p.window is None and not computation.padding.any():  # the causal mask alone, as the 2017 lesson has it
        return [f"{formula} {phrase[SHAPE_PHRASES[2]]} : {shape}"]
    rules = [phrase[SHAPE_PHRASES[10]]] if p.causal else []
    if p.window is not None:
        rules.append(phrase[SHAPE_PHRASES[11 if p.causal else 12]].format(window=p.window))
    if computation.padding.any():
        rules.append(phrase[SHAPE_PHRASES[13]])
    return [f"{formula} : {shape}", *rules]
