"""Where every number comes from: the cells a step computed a cell from, and the cells a cell feeds.

For any cell a step of the lesson writes, :func:`sources` names the cells
of that step's inputs it was computed from, as a few :class:`Cells` groups
(a matrix, a head, rows × columns): for ``scores`` the query's row and the
key's row (the column of Kᵀ), for ``softmax`` the whole row of logits, for
``concat`` the one cell of the head it came from, and so on for every step.
:func:`feeds` answers the other way round: the cells of a step's outputs
that one of its input cells goes into. :func:`lit_by` is what a view lights
when a person points at a cell: its sources when it is an output of the step
shown, the cells it feeds when it is an input.

Each step reads what the computation actually has (its resolved
``inputs``): with RoPE the scores read the rotated queries and keys, with
grouped-query attention the shared key/value head's repeated copy, softmax
reads the masked logits when there is a mask. A matrix's ``head`` is the
index on its own leading axis (a key/value head's for K, V, W_K, W_V…),
None for the shared ones; a bias vector is one row (row 0), as
``Computation.matrix`` gives it. Nothing here computes a number: the
written-out arithmetic is :mod:`.cell_arithmetic`'s.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .lesson import LESSON, Step
from .matrices import matrix_info

if TYPE_CHECKING:
    from .computation import Computation

#: The step that computes each matrix; the packed projections X·[W₁ | W₂ | …] are the project step's too.
STEP_OF: dict[str, str] = {
    **{key: step.key for step in LESSON for key in step.outputs},
    **{f"packed_{part}": "project" for part in "qkv"},
}
#: What hides a key from a query at the mask step, in the order they are looked for, or "visible".
MASK_RULES = ("causal", "window", "padding", "visible")


@dataclass(frozen=True)
class Cells:
    """Some cells of one matrix: every (row, column) with the row in ``rows`` and the column in ``columns``.

    ``head``: the index on the matrix's leading axis (None for a shared matrix).
    """

    key: str
    head: int | None
    rows: tuple[int, ...]
    columns: tuple[int, ...]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        """Every (row, column), row by row."""
        return ((row, column) for row in self.rows for column in self.columns)

    def __len__(self) -> int:
        return len(self.rows) * len(self.columns)

    def holds(self, key: str, head: int | None, row: int, column: int) -> bool:
        """Whether cell (row, column) of matrix ``key``'s ``head`` is among these cells."""
        return key == self.key and head == self.head and row in self.rows and column in self.columns


@dataclass(frozen=True)
class Provenance:
    """Where one cell comes from: the step that computed it and the cells it was computed from.

    ``rule`` is set at the mask step only: what hides the key from the query
    (one of :data:`MASK_RULES`, "visible" when nothing does).
    """

    step: str
    cell: Cells
    sources: tuple[Cells, ...]
    rule: str | None = None


def _all(count: int) -> tuple[int, ...]:
    return tuple(range(count))


class _Shape:
    """The sizes and the resolved steps of one computation, worked out once per computation (see _shape).

    It holds no reference to the computation, so that a computation no
    longer shown is freed with its cached shape.
    """

    def __init__(self, computation: Computation):
        self.parameters = computation.parameters
        sizes = computation.sizes
        self.sizes = sizes
        self.n, self.m = sizes.tokens, sizes.key_count
        self.heads, self.kv_heads = sizes.heads, sizes.kv_head_count
        self.group = self.heads // self.kv_heads  # query heads per key/value head
        self.d_model, self.d_k, self.d_v = sizes.d_model, sizes.d_k, sizes.d_v
        self.available = computation.available
        self.steps = {step.key: step for step in computation.steps}

    @property
    def rope(self) -> str:
        return self.parameters.rope

    def step(self, key: str) -> Step:
        try:
            return self.steps[key]
        except KeyError:
            raise ValueError(f"this computation has no step {key!r}; it has {', '.join(self.steps)}") from None

    def head_of(self, key: str, query_head: int) -> int | None:
        """Which of matrix ``key``'s heads query head ``query_head`` reads (its key/value head's for K and V)."""
        matrix = matrix_info(key)
        if not matrix.per_head:
            return None
        return query_head // self.group if matrix.heads == "kv_heads" else query_head

    def readers(self, key: str, head: int) -> tuple[int, ...]:
        """The query heads that read head ``head`` of matrix ``key``: the group sharing a key/value head."""
        if matrix_info(key).heads == "kv_heads":
            return tuple(range(head * self.group, (head + 1) * self.group))
        return (head,)

    def width(self, part: str) -> int:
        """Columns of one head's Q, K or V."""
        return self.d_v if part == "v" else self.d_k

    def projection_source(self, part: str) -> str:
        """What Q, K or V is made from: X, or the memory for K and V in cross-attention."""
        return "memory" if part != "q" and "memory" in self.available else "embed"

    def check(self, key: str, head: int | None, row: int, column: int) -> None:
        """ValueError unless (head, row, column) is a cell of matrix ``key`` in this computation."""
        if key not in self.available and not key.startswith("packed_"):
            raise ValueError(f"this computation has no matrix {key!r}")
        shape = self.sizes.shape(key)
        if matrix_info(key).per_head:
            if head is None or not 0 <= head < shape[0]:
                raise ValueError(f"{key} has heads 0 to {shape[0] - 1}; got head {head}")
            shape = shape[1:]
        elif head is not None:
            raise ValueError(f"{key} is shared by all heads: its head is None, not {head}")
        if not (0 <= row < shape[0] and 0 <= column < shape[1]):
            raise ValueError(f"{key} is {shape[0]}×{shape[1]}; it has no cell ({row}, {column})")


_SHAPES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _shape(computation: Computation) -> _Shape:
    """The computation's _Shape: pointing at cell after cell asks again and again of the same computation."""
    shape = _SHAPES.get(computation)
    if shape is None:
        shape = _SHAPES[computation] = _Shape(computation)
    return shape


def rope_pair(column: int, d_k: int, style: str) -> tuple[int, int, int]:
    """(first, second, pair index) of the RoPE pair entry ``column`` belongs to ("half": j and j + d_k/2)."""
    if style == "half":
        half = d_k // 2
        pair = column % half
        return pair, pair + half, pair
    pair = column // 2
    return 2 * pair, 2 * pair + 1, pair


def mask_rule(computation: Computation, row: int, column: int) -> str:
    """What hides key ``column`` from query ``row``: "causal" (a later token), "window", "padding", or "visible".

    The first that applies, in that order (a later padding token is hidden
    by the causal mask first); the rules are variants.visible_keys'.
    """
    p = computation.parameters
    if p.causal and column > row:
        return "causal"
    if p.window is not None and (row - column >= p.window if p.causal else abs(row - column) >= p.window):
        return "window"
    if computation.padding[column]:
        return "padding"
    return "visible"


def sources(computation: Computation, key: str, head: int | None, row: int, column: int) -> Provenance:
    """The cells cell (row, column) of matrix ``key`` (``head``) was computed from, by the step that computes it.

    ValueError for a matrix no step of this computation computes (the
    weights, X's own inputs…) or a cell it does not have.
    """
    shape = _shape(computation)
    shape.check(key, head, row, column)
    if key not in STEP_OF:
        raise ValueError(f"{key} is not computed by a step: it is an input")
    step = shape.step(STEP_OF[key])
    groups, rule = _sources(shape, step, key, head, row, column)
    if step.key == "mask":
        rule = mask_rule(computation, row, column)
    return Provenance(step.key, Cells(key, head, (row,), (column,)), tuple(groups), rule)


def _sources(shape: _Shape, step: Step, key: str, head: int | None, row: int,
             column: int) -> tuple[list[Cells], str | None]:
    inputs = step.inputs
    same = [Cells(inputs[0], head, (row,), (column,))] if inputs else []
    if step.key == "embed":
        return [], None
    if step.key == "project":
        part = key.removeprefix("packed_")
        own_head, entry = divmod(column, shape.width(part)) if key.startswith("packed_") else (head, column)
        groups = [Cells(shape.projection_source(part), None, (row,), _all(shape.d_model)),
                  Cells(f"w_{part}", own_head, _all(shape.d_model), (entry,))]
        if f"b_{part}" in shape.available:
            groups.append(Cells(f"b_{part}", own_head, (0,), (entry,)))
        return groups, None
    if step.key == "rope":
        first, second, _ = rope_pair(column, shape.d_k, shape.rope)
        return [Cells(key.removesuffix("_rotated"), head, (row,), (first, second))], None
    if step.key == "repeat_kv":
        source = inputs[0] if key == "k_repeated" else inputs[1]
        return [Cells(source, shape.head_of(source, head), (row,), (column,))], None
    if step.key == "scores":
        queries, keys = inputs
        return [Cells(queries, head, (row,), _all(shape.d_k)),
                Cells(keys, shape.head_of(keys, head), (column,), _all(shape.d_k))], None
    if step.key in ("scale", "position_bias"):
        return [Cells(source, head, (row,), (column,)) for source in inputs], None
    if step.key == "mask":
        return same, None  # the rule: sources() adds it
    if step.key == "softmax":
        return [Cells(inputs[0], head, (row,), _all(shape.m))], None
    if step.key == "weighted_sum":
        weights, values = inputs
        return [Cells(weights, head, (row,), _all(shape.m)),
                Cells(values, shape.head_of(values, head), _all(shape.m), (column,))], None
    if step.key == "concat":
        own_head, entry = divmod(column, shape.d_v)
        return [Cells("head_output", own_head, (row,), (entry,))], None
    if step.key == "output":
        width = shape.heads * shape.d_v
        groups = [Cells("concat", None, (row,), _all(width)), Cells("w_o", None, _all(width), (column,))]
        if "b_o" in inputs:
            groups.append(Cells("b_o", None, (0,), (column,)))
        return groups, None
    raise AssertionError(f"no provenance for step {step.key!r}")  # every step of LESSON is handled above


def feeds(computation: Computation, step_key: str, key: str, head: int | None, row: int,
          column: int) -> tuple[Cells, ...]:
    """The cells of step ``step_key``'s outputs that cell (row, column) of its input ``key`` goes into.

    () for a matrix the step does not read. At ``project`` the packed
    projections X·[W₁ | W₂ | …] count among the outputs.
    """
    shape = _shape(computation)
    shape.check(key, head, row, column)
    step = shape.step(step_key)
    if key not in step.inputs:
        return ()
    return tuple(_feeds(shape, step, key, head, row, column))


def _feeds(shape: _Shape, step: Step, key: str, head: int | None, row: int, column: int) -> list[Cells]:
    inputs, n, m = step.inputs, shape.n, shape.m
    same = [Cells(step.outputs[0], head, (row,), (column,))] if step.outputs else []
    if step.key == "project":
        if key in ("embed", "memory"):
            parts = [part for part in "qkv" if shape.projection_source(part) == key]
            groups = []
            for part in parts:
                count = shape.heads if part == "q" else shape.kv_heads
                groups.extend(Cells(part, own, (row,), _all(shape.width(part))) for own in range(count))
                groups.append(Cells(f"packed_{part}", None, (row,), _all(count * shape.width(part))))
            return groups
        part = key[2]  # w_q, b_q -> q
        rows = n if part == "q" else m
        return [Cells(part, head, _all(rows), (column,)),
                Cells(f"packed_{part}", None, _all(rows), (head * shape.width(part) + column,))]
    if step.key == "rope":
        first, second, _ = rope_pair(column, shape.d_k, shape.rope)
        return [Cells(f"{key}_rotated", head, (row,), (first, second))]
    if step.key == "repeat_kv":
        output = "k_repeated" if key == inputs[0] else "v_repeated"
        return [Cells(output, reader, (row,), (column,)) for reader in shape.readers(key, head)]
    if step.key == "scores":
        if key == inputs[0]:
            return [Cells("scores", head, (row,), _all(m))]
        return [Cells("scores", reader, _all(n), (row,)) for reader in shape.readers(key, head)]
    if step.key in ("scale", "position_bias", "mask"):
        return same
    if step.key == "softmax":
        return [Cells("weights", head, (row,), _all(m))]
    if step.key == "weighted_sum":
        if key == "weights":
            return [Cells("head_output", head, (row,), _all(shape.d_v))]
        return [Cells("head_output", reader, _all(n), (column,)) for reader in shape.readers(key, head)]
    if step.key == "concat":
        return [Cells("concat", None, (row,), (head * shape.d_v + column,))]
    if step.key == "output":
        if key == "concat":
            return [Cells("output", None, (row,), _all(shape.d_model))]
        return [Cells("output", None, _all(n), (column,))]  # a column of W_O, or b_O's entry
    raise AssertionError(f"no provenance for step {step.key!r}")  # embed reads nothing


def lit_by(computation: Computation, step_key: str, key: str, head: int | None, row: int,
           column: int) -> tuple[Cells, ...]:
    """What to light when a person points at a cell of matrix ``key`` at step ``step_key``.

    An output of the step (the packed projections count at ``project``):
    the cells it was computed from. An input: the cells it feeds. Any other
    matrix: nothing.
    """
    step = _shape(computation).step(step_key)
    if key in step.outputs or STEP_OF.get(key) == step_key:
        return sources(computation, key, head, row, column).sources
    return feeds(computation, step_key, key, head, row, column)
