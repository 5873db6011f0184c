"""What is drawn over a heatmap's cells besides their colours, without Qt.

The followed token's row, labelled column blocks (the heads inside concat),
the cells a person edited, rectangles of cells (a tile outlined, tiles
crossed out as skipped), the lit cells (where a pointed-at number comes
from, or what it feeds) and the keyboard's selected cell are one immutable
value, replaced as a whole: the panel compares the old and new value to know
whether anything must be redrawn. The rules for what survives a new matrix
live here too, next to the marks they apply to, and so does moving the
selected cell with the arrow keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

#: A labelled block of columns: (first column, width, label).
Block = tuple[int, int, str]
#: A cell: (row, column), 0-based.
Cell = tuple[int, int]
#: A rectangle of cells: (first row, first column, rows, columns).
Rect = tuple[int, int, int, int]


def runs(indices: Iterable[int], count: int) -> list[tuple[int, int]]:
    """(first, length) of each run of consecutive indices, those outside 0…count−1 left out.

    [0, 1, 2, 5] → (0, 3), (5, 1).
    """
    kept = sorted({int(index) for index in indices if 0 <= index < count})
    found: list[tuple[int, int]] = []
    for index in kept:
        if found and found[-1][0] + found[-1][1] == index:
            found[-1] = (found[-1][0], found[-1][1] + 1)
        else:
            found.append((index, 1))
    return found


def rectangles(groups: Iterable[tuple[Sequence[int], Sequence[int]]], rows: int, columns: int) -> tuple[Rect, ...]:
    """The cells rows × columns of each group as few rectangles as their runs make, cut to the matrix.

    A group is (row indices, column indices), e.g. a whole row (``[t]``,
    ``range(columns)``) or a RoPE pair (``[t]``, ``[j, j + d/2]``), which is
    two rectangles. Rectangles repeated by several groups are kept once.
    """
    found: dict[Rect, None] = {}
    for group_rows, group_columns in groups:
        for first_row, height in runs(group_rows, rows):
            for first_column, width in runs(group_columns, columns):
                found[(first_row, first_column, height, width)] = None
    return tuple(found)


def moved(cell: Cell | None, rows: int, columns: int, down: int = 0, right: int = 0) -> Cell | None:
    """The selected cell after an arrow key: one step ``down`` / ``right`` (negative: up / left), kept inside.

    With nothing selected the first cell is selected; None for an empty matrix.
    """
    if rows <= 0 or columns <= 0:
        return None
    if cell is None:
        return 0, 0
    row, column = cell
    return min(max(row + down, 0), rows - 1), min(max(column + right, 0), columns - 1)


@dataclass(frozen=True)
class CellMarks:
    """The marks on one panel's cells; every index lies inside the matrix they were fitted to."""

    #: The outlined row (the followed token), or None.
    row: int | None = None
    #: Outlined and labelled column blocks.
    blocks: tuple[Block, ...] = ()
    #: Cells whose value was typed over by the person.
    edited: tuple[Cell, ...] = ()
    #: Outlined rectangles of cells (FlashAttention's current tile).
    outlined: tuple[Rect, ...] = ()
    #: Rectangles crossed out: cells never computed (tiles the mask skips).
    skipped: tuple[Rect, ...] = ()
    #: Lit rectangles: where the number pointed at comes from, or what it feeds.
    lit: tuple[Rect, ...] = ()
    #: The cell the keyboard selected (arrow keys move it), or None.
    selected: Cell | None = None

    def is_empty(self) -> bool:
        return (self.row is None and not self.blocks and not self.edited and not self.outlined and not self.skipped
                and not self.lit and self.selected is None)

    def with_row(self, row: int | None, rows: int) -> CellMarks:
        """Outline ``row`` (None, or a row the matrix does not have, clears it)."""
        if row is not None and not 0 <= row < rows:
            row = None
        return replace(self, row=row)

    def with_blocks(self, blocks: Iterable[tuple[int, int, str]], columns: int) -> CellMarks:
        """Outline these column blocks: empty ones and those starting outside are left out, the rest cut to fit."""
        kept = []
        for first, width, label in blocks:
            first, width = int(first), int(width)
            if width <= 0 or first < 0 or first >= columns:
                continue
            kept.append((first, min(width, columns - first), str(label)))
        return replace(self, blocks=tuple(kept))

    def with_edited(self, cells: Iterable[tuple[int, int]], rows: int, columns: int) -> CellMarks:
        """Mark these cells as edited (those outside the matrix are left out)."""
        kept = tuple((int(row), int(col)) for row, col in cells if 0 <= row < rows and 0 <= col < columns)
        return replace(self, edited=kept)

    def with_rectangles(self, outlined: Iterable[tuple[int, int, int, int]],
                        skipped: Iterable[tuple[int, int, int, int]], rows: int, columns: int) -> CellMarks:
        """Outline ``outlined`` and cross out ``skipped``: each cut to the matrix, empty ones left out."""

        def fitted(rectangles) -> tuple[Rect, ...]:
            kept = []
            for row, column, height, width in rectangles:
                top, left = max(int(row), 0), max(int(column), 0)
                bottom, right = min(int(row) + int(height), rows), min(int(column) + int(width), columns)
                if bottom > top and right > left:
                    kept.append((top, left, bottom - top, right - left))
            return tuple(kept)

        return replace(self, outlined=fitted(outlined), skipped=fitted(skipped))

    def with_lit(self, groups: Iterable[tuple[Sequence[int], Sequence[int]]], rows: int, columns: int) -> CellMarks:
        """Light the cells of these (rows, columns) groups (see :func:`rectangles`); no groups clears."""
        return replace(self, lit=rectangles(groups, rows, columns))

    def with_selected(self, cell: Cell | None, rows: int, columns: int) -> CellMarks:
        """Select ``cell`` (None, or a cell the matrix does not have, clears the selection)."""
        if cell is not None:
            row, column = int(cell[0]), int(cell[1])
            cell = (row, column) if 0 <= row < rows and 0 <= column < columns else None
        return replace(self, selected=cell)

    def lit_cells(self) -> frozenset[Cell]:
        """Every lit cell."""
        return frozenset((row, column) for first_row, first_column, height, width in self.lit
                         for row in range(first_row, first_row + height)
                         for column in range(first_column, first_column + width))

    def for_new_matrix(self, rows: int, same_matrix: bool, columns: int | None = None) -> CellMarks:
        """The marks kept when the panel is given a matrix of ``rows`` × ``columns`` (None: as before).

        Blocks, rectangles and lit cells describe one matrix's cells: they stay
        while the shape and title stay (new numbers for the same matrix), and go
        otherwise. The outlined row and the selected cell stay while they
        exist: the token is still followed, the cell still pointed at. The
        edited cells are the caller's to renew (they come with the edits).
        """
        marks = self
        if not same_matrix and (self.blocks or self.lit or self.outlined or self.skipped):
            marks = replace(marks, blocks=(), lit=(), outlined=(), skipped=())
        if marks.row is not None and marks.row >= rows:
            marks = replace(marks, row=None)
        if marks.selected is not None and not (
                marks.selected[0] < rows and (columns is None or marks.selected[1] < columns)):
            marks = replace(marks, selected=None)
        return marks
