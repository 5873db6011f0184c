"""Cells of X and of the W matrices that a person has typed over.

An :class:`Edits` value maps a cell ``(key, head, row, column)`` to the
number typed into it. ``key`` is ``"embed"`` (X), ``"w_q"``, ``"w_k"``,
``"w_v"`` or ``"w_o"``; ``head`` is the 0-based head for the per-head
matrices W_Q, W_K, W_V and None for X and W_O; ``row`` and ``column`` are
0-based. An edit replaces the seeded (or loaded) value of its cell and
everything computed from it follows, so a learner can change one number
and watch where it travels.

Edits are immutable: changing one gives a new value, so a Computation can
never disagree with the edits it records.
"""

from __future__ import annotations

import numbers
import operator
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .limits import MAX_MAGNITUDE
from .matrices import EDITABLE_KEYS, PER_HEAD_KEYS, WEIGHT_NAMES, matrix_info
from .weights import Weights

#: The editable matrices with one matrix per head (a cell names its head).
PER_HEAD_EDITABLE_KEYS = frozenset(EDITABLE_KEYS) & PER_HEAD_KEYS
#: The editable matrices that are weights (dropped together when the weights are replaced).
WEIGHT_EDIT_KEYS = tuple(key for key in EDITABLE_KEYS if key in WEIGHT_NAMES)
#: The largest size a typed value may have: the bound every weight has too
#: (limits.MAX_MAGNITUDE, where the arithmetic shows that no product overflows).
MAX_CELL_VALUE = MAX_MAGNITUDE

Cell = tuple[str, "int | None", int, int]


def check_cell_value(value: object) -> float:
    """``value`` as a float if it is a finite real number within ±:data:`MAX_CELL_VALUE`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"a cell value must be a number, not {value!r}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"a cell value must be a finite number; got {number!r}")
    if abs(number) > MAX_CELL_VALUE:
        limit = int(MAX_CELL_VALUE)
        raise ValueError(f"a cell value must be from -{limit} to {limit}; got {number!r}")
    return number


def _index(name: str, value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"the {name} must be a whole number, not {value!r}")
    try:
        number = operator.index(value)
    except TypeError:
        raise ValueError(f"the {name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"the {name} must not be negative; got {number}")
    return number


def check_cell(key: object, head: object, row: object, column: object) -> Cell:
    """The cell as (key, head, row, column) with plain ints; ValueError if it cannot name a cell.

    Only the form is checked here; whether the cell exists in a computation
    of some size is :func:`cell_problem`'s question.
    """
    if key not in EDITABLE_KEYS:
        raise ValueError(f"only X and the W matrices can be edited ({', '.join(EDITABLE_KEYS)}); got {key!r}")
    name = matrix_info(key).name
    if key in PER_HEAD_EDITABLE_KEYS:
        if head is None:
            raise ValueError(f"{name} has one matrix per head: say which head (0-based) to edit")
        head = _index("head", head)
    elif head is not None:
        raise ValueError(f"{name} is shared by all heads: the head must be None, not {head!r}")
    return key, head, _index("row", row), _index("column", column)


def cell_problem(cell: Cell, shapes: Mapping[str, tuple[int, ...]]) -> str:
    """Why ``cell`` is not in the matrices of these ``shapes`` (``computation.editable_shapes``), or ''."""
    key, head, row, column = cell
    name = matrix_info(key).name
    if key not in shapes:
        return f"there is no {name} here" + (" (the projections have no biases)" if key.startswith("b_") else "")
    shape = shapes[key]
    if head is not None:
        if head >= shape[0]:
            return f"there is no head {head}: {name} has heads 0 to {shape[0] - 1}"
        shape = shape[1:]
    rows, columns = shape
    what = "one per token, " if key == "embed" else ""
    if row >= rows:
        return f"{name} has {rows} rows ({what}0 to {rows - 1}); there is no row {row}"
    if column >= columns:
        return f"{name} has {columns} columns (0 to {columns - 1}); there is no column {column}"
    return ""


def _order(cell: Cell) -> tuple[int, int, int, int]:
    key, head, row, column = cell
    return EDITABLE_KEYS.index(key), -1 if head is None else head, row, column


@dataclass(frozen=True, eq=False)
class Edits:
    """Typed-over cells: ``{(key, head, row, column): value}`` (see the module docstring).

    ``Edits()`` is no edits. The mapping is checked (keys, indices, finite
    values within ±1e6), copied, sorted and made read-only.
    """

    cells: Mapping[Cell, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        checked = {check_cell(*cell): check_cell_value(value) for cell, value in dict(self.cells).items()}
        ordered = dict(sorted(checked.items(), key=lambda item: _order(item[0])))
        object.__setattr__(self, "cells", types.MappingProxyType(ordered))

    # --- reading -----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.cells)

    def __bool__(self) -> bool:
        return bool(self.cells)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Edits):
            return NotImplemented
        return dict(self.cells) == dict(other.cells)

    def __hash__(self) -> int:
        return hash(frozenset(self.cells.items()))

    def __repr__(self) -> str:
        return f"Edits({dict(self.cells)!r})"

    def cells_of(self, key: str, head: int | None = None) -> list[tuple[int, int]]:
        """The (row, column) of every edited cell of one matrix (one head's, for W_Q, W_K, W_V), sorted."""
        return [(row, column) for (k, h, row, column) in self.cells if k == key and h == head]

    @property
    def has_weight_edits(self) -> bool:
        return any(key != "embed" for key, _, _, _ in self.cells)

    # --- changing (each gives a new value) ------------------------------------------
    def with_cell(self, key: str, head: int | None, row: int, column: int, value: float) -> Edits:
        cells = dict(self.cells)
        cells[check_cell(key, head, row, column)] = check_cell_value(value)
        return Edits(cells)

    def without_cell(self, key: str, head: int | None, row: int, column: int) -> Edits:
        cell = check_cell(key, head, row, column)
        return Edits({c: v for c, v in self.cells.items() if c != cell})

    def without_keys(self, keys: Iterable[str]) -> Edits:
        """These edits less every cell of the matrices ``keys`` (e.g. :data:`WEIGHT_EDIT_KEYS`)."""
        dropped = set(keys)
        return Edits({cell: v for cell, v in self.cells.items() if cell[0] not in dropped})

    def fitting(self, shapes: Mapping[str, tuple[int, ...]]) -> Edits:
        """Only the edits whose cell exists in matrices of these shapes."""
        return Edits({cell: v for cell, v in self.cells.items() if not cell_problem(cell, shapes)})

    def check(self, shapes: Mapping[str, tuple[int, ...]]) -> None:
        """ValueError naming the first edited cell that does not exist in matrices of these shapes."""
        for cell in self.cells:
            problem = cell_problem(cell, shapes)
            if problem:
                raise ValueError(f"an edit does not fit: {problem}")

    # --- applying -----------------------------------------------------------------
    def apply_x(self, x: np.ndarray) -> np.ndarray:
        """X with the edited cells replaced (a new array; ``x`` is untouched)."""
        cells = [(row, column, value) for (key, _, row, column), value in self.cells.items() if key == "embed"]
        if not cells:
            return x
        x = np.array(x, dtype=np.float64, copy=True)
        for row, column, value in cells:
            x[row, column] = value
        return x

    def apply_weights(self, weights: Weights) -> Weights:
        """The weights with the edited cells replaced; ``weights`` itself when no weight is edited."""
        if not self.has_weight_edits:
            return weights
        edited = {key for key, _, _, _ in self.cells}
        arrays = {name: np.array(array, copy=True) if name in edited else array
                  for name, array in weights.arrays().items()}
        for (key, head, row, column), value in self.cells.items():
            if key == "embed":
                continue
            matrix = arrays[key] if matrix_info(key).rows != "bias" else arrays[key][..., None, :]  # one row
            if head is None:
                matrix[row, column] = value
            else:
                matrix[head, row, column] = value
        return Weights(**arrays)

    # --- as plain data (manifest.json, session files) -----------------------------
    def to_records(self) -> list[dict]:
        """One ``{"matrix", "head" (1-based or None), "row", "column", "value"}`` per edit, in a fixed order."""
        return [
            {"matrix": key, "head": None if head is None else head + 1, "row": row, "column": column, "value": value}
            for (key, head, row, column), value in self.cells.items()
        ]

    @classmethod
    def from_records(cls, records: object) -> Edits:
        """The inverse of :meth:`to_records`; ValueError naming the first bad record."""
        if not isinstance(records, list):
            raise ValueError(f"edits must be a list of cells, not {type(records).__name__}")
        cells: dict[Cell, float] = {}
        expected = {"matrix", "head", "row", "column", "value"}
        for number, record in enumerate(records, start=1):
            if not isinstance(record, dict) or set(record) != expected:
                raise ValueError(f"edit {number} must have exactly the fields {', '.join(sorted(expected))}")
            head = record["head"]
            try:
                if head is not None:
                    head = _index("head", head)
                    if head == 0:
                        raise ValueError("heads are counted from 1 in files; got head 0")
                    head -= 1
                cell = check_cell(record["matrix"], head, record["row"], record["column"])
                if cell in cells:
                    raise ValueError("the same cell is edited twice")
                cells[cell] = check_cell_value(record["value"])
            except ValueError as error:
                raise ValueError(f"edit {number}: {error}") from None
        return cls(cells)
