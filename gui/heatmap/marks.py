"""What is drawn over a heatmap's cells besides their colours, without Qt.

The followed token's row, labelled column blocks (the heads inside concat),
the cells a person edited and rectangles of cells (a tile outlined, tiles
crossed out as skipped) are one immutable value, replaced as a whole:
the panel compares the old and new value to know whether anything must be
redrawn, and a new kind of mark (cells lit in a colour, say) is one more
field here and one more loop where the overlay paints. The rules for what
survives a new matrix live here too, next to the marks they apply to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

#: A labelled block of columns: (first column, width, label).
Block = tuple[int, int, str]
#: A cell: (row, column), 0-based.
Cell = tuple[int, int]
#: A rectangle of cells: (first row, first column, rows, columns).
Rect = tuple[int, int, int, int]


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

    def is_empty(self) -> bool:
        return self.row is None and not self.blocks and not self.edited and not self.outlined and not self.skipped

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

    def for_new_matrix(self, rows: int, same_matrix: bool) -> CellMarks:
        """The marks kept when the panel is given a matrix of ``rows`` rows.

        Blocks and rectangles describe one matrix's cells: they stay while the
        shape and title stay (new numbers for the same matrix), and go otherwise. The
        outlined row stays while it exists: the token is still followed.
        The edited cells are the caller's to renew (they come with the edits).
        """
        marks = self if same_matrix else replace(self, blocks=(), outlined=(), skipped=())
        if marks.row is not None and marks.row >= rows:
            marks = replace(marks, row=None)
        return marks
