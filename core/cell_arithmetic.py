"""The arithmetic of one cell written out with its actual numbers, for every step of the lesson.

``scores₁[爱, 机器] = q₁(爱)·k₁(机器) = (−0.45)×(−0.51) + … = 2.13``: the first
line of :func:`cell_arithmetic` is the cell's formula, its numbers and, last,
the cell's own value written as the panel writes it (core.numbers), so the
sum a person reads ends in the number under the pointer. Lines after it say
what the formula leaves unsaid (the rotation angle, the mask rule, why the
row's peak is subtracted). Sums of more than :data:`MAX_TERMS` terms are cut
short with "…". The cells named are :mod:`.provenance`'s sources.

The words are kept apart (:data:`ARITHMETIC_PHRASES`) and go through
``translate`` before they are filled in, as :mod:`.formulas` does.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .embedding import sinusoidal_positions, token_vector
from .matrices import matrix_info
from .numbers import format_number
from .provenance import STEP_OF, rope_pair, sources
from .variants import alibi_slopes, rope_angles

if TYPE_CHECKING:
    from .computation import Computation

#: Terms of a sum written out before the rest is shortened to "…".
MAX_TERMS = 8
#: Decimals of the numbers written (those of the numbers in the heatmap's cells).
DECIMALS = 2

#: The words inside the lines, translated by the app (``translate``) before they are filled in.
ARITHMETIC_PHRASES = (
    "word vector of {token}",
    "positional encoding of position {position}",
    "typed in",
    "hidden state entering layer {layer}",
    "θ = {angle}: how far the pair {pair} turns at position {position}",
    "visible: no mask hides {key} from {query}",
    "hidden by the causal mask: {key} comes after {query}",
    "hidden by the window: {key} is {distance} tokens from {query}, the window is {window}",
    "hidden: {key} is padding",
    "subtracting the row's largest logit, {peak}, changes no weight but keeps e^x from overflowing",
    "a hidden key: its weight is exactly 0",
    "every key of this row is hidden: its weights are all 0",
)

#: How each matrix is named in a formula: {i} the head's subscript, {kv} "_kv" for key/value heads shared by
#: several query heads, {rotated} "′" when RoPE turned it, {source} the matrix K and V are made from.
_SYMBOLS = {
    "embed": "X", "memory": "M", "q": "Q{i}", "k": "K{kv}{i}", "v": "V{kv}{i}",
    "q_rotated": "Q′{i}", "k_rotated": "K′{kv}{i}", "k_repeated": "K{rotated}{i}", "v_repeated": "V{i}",
    "scores": "scores{i}", "scaled": "scaled{i}", "position_bias": "ALiBi{i}", "biased": "biased{i}",
    "masked": "masked{i}", "weights": "A{i}", "head_output": "head{i}", "concat": "concat", "output": "output",
    "w_q": "W_Q{i}", "w_k": "W_K{i}", "w_v": "W_V{i}", "w_o": "W_O",
    "b_q": "b_Q{i}", "b_k": "b_K{i}", "b_v": "b_V{i}", "b_o": "b_O",
    "packed_q": "X·W_Q", "packed_k": "{source}·W_K", "packed_v": "{source}·W_V",
}


def _subscript(number: int) -> str:
    from .formulas import subscript  # formulas lists this module's phrases for translation: imported late

    return subscript(number)


def _shape_phrase(index: int) -> str:
    from .formulas import SHAPE_PHRASES  # phrases the formulas already have translated

    return SHAPE_PHRASES[index]


def symbol(computation: Computation, key: str, head: int | None) -> str:
    """How formulas name matrix ``key`` of ``head`` (0-based; None for shared ones): "scores₁", "K′_kv₁", "X"."""
    p = computation.parameters
    return _SYMBOLS[key].format(i="" if head is None else _subscript(head + 1),
                                kv="_kv" if p.kv_head_count < p.heads else "", rotated="′" if p.rope else "",
                                source="M" if p.memory is not None else "X")


def number(value: float) -> str:
    """A number as the lines write it: the panel's cell text."""
    return format_number(value, DECIMALS)


def _factor(value: float) -> str:
    """A number inside a product: negative ones in brackets, (−0.45)×0.30."""
    text = number(value)
    return f"({text})" if text.startswith("−") else text


def _terms(texts: list[str], joiner: str = " + ") -> str:
    """The terms joined, cut to the first MAX_TERMS and "…" when there are more."""
    shown = texts[:MAX_TERMS] + (["…"] if len(texts) > MAX_TERMS else [])
    return joiner.join(shown)


def _dot(left: np.ndarray, right: np.ndarray) -> str:
    return _terms([f"{_factor(a)}×{_factor(b)}" for a, b in zip(left, right)])


#: Per computation, each matrix's row and column labels, asked for again at every cell pointed at.
_LABELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _Cell:
    """One cell and what naming it takes: its computation, the phrases, the labels of every matrix."""

    def __init__(self, computation: Computation, translate: Callable[[str], str]):
        self.computation = computation
        self.phrase = {text: translate(text) for text in ARITHMETIC_PHRASES}
        self.translate = translate
        self.labels: dict[str, tuple[list[str], list[str]]] = _LABELS.setdefault(computation, {})

    def label(self, key: str, axis: int, index: int) -> str:
        if key not in self.labels:
            self.labels[key] = self.computation.labels(key)
        return self.labels[key][axis][index]

    def name(self, key: str, head: int | None, row: int | None, column: int | None) -> str:
        """``scores₁[爱, 机器]``; a whole row or column as ``:``; a bias vector by its column alone."""
        rows = ":" if row is None else self.label(key, 0, row)
        columns = ":" if column is None else self.label(key, 1, column)
        inside = columns if matrix_info(key).rows == "bias" else f"{rows}, {columns}"
        return f"{symbol(self.computation, key, head)}[{inside}]"

    def vector(self, key: str, head: int | None, row: int) -> str:
        """A row as a token's vector: q₁(爱), k′₁(机器), x(爱)."""
        name = symbol(self.computation, key, head)
        return f"{name[0].lower()}{name[1:]}({self.label(key, 0, row)})"

    def value(self, key: str, head: int | None) -> np.ndarray:
        return np.asarray(self.computation.matrix(key, head), dtype=np.float64)

    def words(self, text: str, **fields: object) -> str:
        return self.phrase[text].format(**fields)


def cell_arithmetic(computation: Computation, key: str, head: int | None, row: int, column: int,
                    translate: Callable[[str], str] = str) -> list[str]:
    """The arithmetic of cell (row, column) of matrix ``key`` (``head``) with its numbers; ValueError for no cell.

    The first line ends in "= " and the cell's value as its panel writes it.
    ``translate`` is applied to each of :data:`ARITHMETIC_PHRASES` (the app
    passes its Qt translation).
    """
    if key not in computation.available and not key.startswith("packed_"):
        raise ValueError(f"this computation has no matrix {key!r}")
    matrix = np.asarray(computation.matrix(key, head))
    if matrix_info(key).per_head != (head is not None) or matrix.ndim != 2 \
            or not (0 <= row < matrix.shape[0] and 0 <= column < matrix.shape[1]):
        raise ValueError(f"{key} has no cell ({row}, {column}) for head {head}")
    cell = _Cell(computation, translate)
    value = number(matrix[row, column])
    name = cell.name(key, head, row, column)
    step = STEP_OF.get(key)
    if step is None or step == "embed":
        formula, notes = _given(cell, key, head, row, column)
    else:
        provenance = sources(computation, key, head, row, column)
        formula, notes = _WRITERS[step](cell, provenance, key, head, row, column)
    first = f"{name} = {formula} = {value}" if formula else f"{name} = {value}"
    return [first, *notes]


def _given(cell: _Cell, key: str, head: int | None, row: int, column: int) -> tuple[str, list[str]]:
    """Cells nothing computes: X and the memory (a word vector, plus a position), the weights, ALiBi's penalty."""
    c = cell.computation
    if key == "position_bias":
        return _penalty(cell, head, row, column)
    if (row, column) in c.edited_cells(key, head):
        return cell.words("typed in"), []
    if key not in ("embed", "memory"):
        return "", []
    if c.encoding is not None:
        return cell.words("hidden state entering layer {layer}", layer=c.parameters.layer), []
    p = c.parameters
    tokens = c.tokens if key == "embed" else c.memory_tokens
    word = token_vector(tokens[row], p.d_model, p.seed)[column]
    described = cell.words("word vector of {token}", token=cell.label(key, 0, row))
    if not p.positional_encoding:
        return described, []
    position = sinusoidal_positions(row + 1, p.d_model)[row, column]
    described += " + " + cell.words("positional encoding of position {position}", position=row)
    return f"{described} = {number(word)} + {_factor(position)}", []


def _penalty(cell: _Cell, head: int, row: int, column: int) -> tuple[str, list[str]]:
    """ALiBi's −m·|t − s|, written with the head's slope."""
    slope = alibi_slopes(cell.computation.parameters.heads)[head]
    i = _subscript(head + 1)
    return f"−m{i}·|{row} − {column}| = −{format_number(slope, 4)} × {abs(row - column)}", \
        [cell.translate(_shape_phrase(9)).format(i=i, slope=format_number(slope, 4))]


def _project(cell: _Cell, provenance, key: str, head: int | None, row: int, column: int) -> tuple[str, list[str]]:
    source, weights, *bias = provenance.sources
    x = cell.value(source.key, None)[row]
    w = cell.value(weights.key, weights.head)[:, weights.columns[0]]
    formula = f"{cell.vector(source.key, None, row)}·{cell.name(weights.key, weights.head, None, weights.columns[0])}"
    numbers = _dot(x, w)
    if bias:
        b = cell.value(bias[0].key, bias[0].head)[0, bias[0].columns[0]]
        formula += f" + {cell.name(bias[0].key, bias[0].head, 0, bias[0].columns[0])}"
        numbers += f" + {_factor(b)}"
    return f"{formula} = {numbers}", []


def _rope(cell: _Cell, provenance, key: str, head: int, row: int, column: int) -> tuple[str, list[str]]:
    (source,) = provenance.sources
    p = cell.computation.parameters
    first, second, pair = rope_pair(column, p.d_k, p.rope)
    angle = rope_angles(row + 1, p.d_k, p.rope_base)[row, pair]
    x = cell.value(source.key, head)[row]
    own, other = (first, second) if column == first else (second, first)
    sign = "−" if column == first else "+"
    formula = (f"{cell.name(source.key, head, row, own)}·cos θ {sign} "
               f"{cell.name(source.key, head, row, other)}·sin θ")
    numbers = f"{_factor(x[own])}×{_factor(np.cos(angle))} {sign} {_factor(x[other])}×{_factor(np.sin(angle))}"
    note = cell.words("θ = {angle}: how far the pair {pair} turns at position {position}",
                      angle=f"{row} · {p.rope_base:g}^(−{2 * pair}/{p.d_k}) = {number(angle)}",
                      pair=f"({cell.label(source.key, 1, first)}, {cell.label(source.key, 1, second)})", position=row)
    return f"{formula} = {numbers}", [note]


def _repeat_kv(cell: _Cell, provenance, key: str, head: int, row: int, column: int) -> tuple[str, list[str]]:
    (source,) = provenance.sources
    p = cell.computation.parameters
    group = p.heads // p.kv_head_count
    note = cell.translate(_shape_phrase(6)).format(first=source.head * group + 1, last=(source.head + 1) * group,
                                                   shared=source.head + 1)
    return cell.name(source.key, source.head, row, column), [note]


def _scores(cell: _Cell, provenance, key: str, head: int, row: int, column: int) -> tuple[str, list[str]]:
    queries, keys = provenance.sources
    q = cell.value(queries.key, queries.head)[row]
    k = cell.value(keys.key, keys.head)[column]
    formula = f"{cell.vector(queries.key, queries.head, row)}·{cell.vector(keys.key, keys.head, column)}"
    return f"{formula} = {_dot(q, k)}", []


def _scale(cell: _Cell, provenance, key: str, head: int, row: int, column: int) -> tuple[str, list[str]]:
    (source,) = provenance.sources
    p = cell.computation.parameters
    before = cell.value(source.key, head)[row, column]
    name = cell.name(source.key, head, row, column)
    if p.skip_scaling:
        return name, [cell.translate(_shape_phrase(4))]
    if p.scale is not None:
        return f"{name} × {p.scale:g} = {_factor(before)} × {p.scale:g}", []
    return f"{name} / √{p.d_k} = {_factor(before)} / {number(np.sqrt(p.d_k))}", []


def _position_bias(cell: _Cell, provenance, key: str, head: int, row: int, column: int) -> tuple[str, list[str]]:
    scaled, bias = provenance.sources
    formula = f"{cell.name(scaled.key, head, row, column)} + {cell.name(bias.key, head, row, column)}"
    numbers = (f"{_factor(cell.value(scaled.key, head)[row, column])} + "
               f"{_factor(cell.value(bias.key, head)[row, column])}")
    penalty, notes = _penalty(cell, head, row, column)
    bias_value = number(cell.value(bias.key, head)[row, column])
    return f"{formula} = {numbers}", [f"{cell.name(bias.key, head, row, column)} = {penalty} = {bias_value}", *notes]


def _mask(cell: _Cell, provenance, key: str, head: int, row: int, column: int) -> tuple[str, list[str]]:
    (source,) = provenance.sources
    c = cell.computation
    query, key_label = cell.label(key, 0, row), cell.label(key, 1, column)
    rule = provenance.rule
    if rule == "visible":
        return cell.name(source.key, head, row, column), [
            cell.words("visible: no mask hides {key} from {query}", key=key_label, query=query)]
    if rule == "causal":
        note = cell.words("hidden by the causal mask: {key} comes after {query}", key=key_label, query=query)
    elif rule == "window":
        note = cell.words("hidden by the window: {key} is {distance} tokens from {query}, the window is {window}",
                          key=key_label, distance=abs(row - column), query=query, window=c.parameters.window)
    else:
        note = cell.words("hidden: {key} is padding", key=key_label)
    return "", [note]


def _softmax(cell: _Cell, provenance, key: str, head: int, row: int, column: int) -> tuple[str, list[str]]:
    (logits,) = provenance.sources
    line = cell.value(logits.key, head)[row]
    visible = np.isfinite(line)
    if not visible.any():
        return "", [cell.words("every key of this row is hidden: its weights are all 0")]
    peak = float(line[visible].max())
    if not visible[column]:
        return "e^{−∞} / Σ e^{…}", [cell.words("a hidden key: its weight is exactly 0")]
    exponentials = np.exp(line[visible] - peak)
    numerator = float(np.exp(line[column] - peak))
    formula = (f"e^{{{number(line[column])}−{number(peak)}}} / Σ e^{{…}} = {number(numerator)} / "
               f"({_terms([number(e) for e in exponentials])}) = {number(numerator)} / {number(exponentials.sum())}")
    return formula, [cell.words("subtracting the row's largest logit, {peak}, changes no weight but keeps "
                                "e^x from overflowing", peak=number(peak))]


def _weighted_sum(cell: _Cell, provenance, key: str, head: int, row: int, column: int) -> tuple[str, list[str]]:
    weights, values = provenance.sources
    a = cell.value(weights.key, head)[row]
    v = cell.value(values.key, values.head)[:, column]
    formula = f"{cell.name(weights.key, head, row, None)}·{cell.name(values.key, values.head, None, column)}"
    return f"{formula} = {_dot(a, v)}", []


def _concat(cell: _Cell, provenance, key: str, head: None, row: int, column: int) -> tuple[str, list[str]]:
    (source,) = provenance.sources
    return cell.name(source.key, source.head, row, source.columns[0]), []


def _output(cell: _Cell, provenance, key: str, head: None, row: int, column: int) -> tuple[str, list[str]]:
    concat, w_o, *bias = provenance.sources
    formula = f"{cell.name(concat.key, None, row, None)}·{cell.name(w_o.key, None, None, column)}"
    numbers = _dot(cell.value(concat.key, None)[row], cell.value(w_o.key, None)[:, column])
    if bias:
        formula += f" + {cell.name(bias[0].key, None, 0, column)}"
        numbers += f" + {_factor(cell.value(bias[0].key, None)[0, column])}"
    return f"{formula} = {numbers}", []


_WRITERS = {
    "project": _project, "rope": _rope, "repeat_kv": _repeat_kv, "scores": _scores, "scale": _scale,
    "position_bias": _position_bias, "mask": _mask, "softmax": _softmax, "weighted_sum": _weighted_sum,
    "concat": _concat, "output": _output,
}
