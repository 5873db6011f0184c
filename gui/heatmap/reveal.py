"""Showing only the first part of a panel's matrix: the cells not yet "computed" are drawn as blanks.

The step animation (gui/step_animation.py) fills a step's result in cell by
cell, or row by row for a large one, as if it were being computed before a
person's eyes. A panel shows that with ``set_revealed(count, by)``: the first
``count`` cells (row after row) or rows are drawn as usual, the rest are
covered by a pale blank with a thin grid, so the matrix keeps its shape and
its labels while its numbers are still to come. ``set_revealed(None)`` shows
everything again.

The blank is one scene item (:class:`Veil`) above the colours and the numbers
and below the marks, so lit cells and the selection still show on top of it.
A mix-in of MatrixPanel (:class:`Revealing`), like pointing.py, so the panel's
file only hooks it in.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QPen

#: The ways to count what is revealed.
UNITS = ("cell", "row")
#: The blank of a cell still to come, and the thin grid that keeps its shape visible.
VEIL_FILL = QColor("#f3f3f3")
VEIL_GRID = QColor("#d6d6d6")
#: Above the numbers (10), below the marks (20): lit cells show over the blanks.
VEIL_DEPTH = 15


def hidden_rectangles(count: int | None, by: str, rows: int, cols: int) -> list[tuple[int, int, int, int]]:
    """The cells still hidden as (first row, first column, rows, columns) rectangles: at most two.

    ``count`` cells (row after row) or rows are shown; None shows all. A
    count past the end shows all; a negative one is refused.
    """
    if count is None or rows == 0 or cols == 0:
        return []
    shown_cells = count * cols if by == "row" else count
    if shown_cells >= rows * cols:
        return []
    full_rows, partial = divmod(shown_cells, cols)
    hidden = []
    if partial:
        hidden.append((full_rows, partial, 1, cols - partial))
        full_rows += 1
    if full_rows < rows:
        hidden.append((full_rows, 0, rows - full_rows, cols))
    return hidden


class Veil(pg.GraphicsObject):
    """The blank over the cells still to come (cell (row, column) centred on (column, row), as every item)."""

    def __init__(self):
        super().__init__()
        self._rows = self._cols = 0
        self._count: int | None = None
        self._by = "cell"
        self.setVisible(False)

    def set_revealed(self, count: int | None, by: str, rows: int, cols: int) -> None:
        if (count, by, rows, cols) == (self._count, self._by, self._rows, self._cols):
            return
        if (rows, cols) != (self._rows, self._cols):
            self.prepareGeometryChange()
        self._count, self._by, self._rows, self._cols = count, by, rows, cols
        self.setVisible(bool(hidden_rectangles(count, by, rows, cols)))
        self.update()

    def hidden(self) -> list[tuple[int, int, int, int]]:
        return hidden_rectangles(self._count, self._by, self._rows, self._cols)

    def boundingRect(self):  # noqa: N802 (Qt's name)
        return QRectF(-0.5, -0.5, self._cols, self._rows)

    def paint(self, painter, option, widget=None):
        hidden = self.hidden()
        if not hidden:
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()  # the grid in screen pixels, whatever the zoom
        grid = QPen(VEIL_GRID, 1)
        grid.setCosmetic(True)
        for first_row, first_col, rows, cols in hidden:
            painter.fillRect(transform.mapRect(QRectF(first_col - 0.5, first_row - 0.5, cols, rows)), VEIL_FILL)
            painter.setPen(grid)
            lines = []
            for row in range(first_row, first_row + rows + 1):
                lines.append(QLineF(first_col - 0.5, row - 0.5, first_col + cols - 0.5, row - 0.5))
            for col in range(first_col, first_col + cols + 1):
                lines.append(QLineF(col - 0.5, first_row - 0.5, col - 0.5, first_row + rows - 0.5))
            if len(lines) <= 2000:  # a huge matrix: the blank alone (a grid of 1-pixel cells is a grey smear)
                painter.drawLines([transform.map(line) for line in lines])
        painter.restore()


class Revealing:
    """``set_revealed`` / ``revealed`` for MatrixPanel (see the module docstring).

    Uses the panel's ``_shape``, its view box ``_box`` and ``_repaint``.
    """

    def _init_reveal(self) -> None:
        """Make the veil (called once, from the panel's ``__init__``, after the view box exists)."""
        self._veil = Veil()
        self._veil.setZValue(VEIL_DEPTH)
        self._box.addItem(self._veil, ignoreBounds=True)
        self._revealed: tuple[int | None, str] = (None, "cell")

    def set_revealed(self, count: int | None, by: str = "cell") -> None:
        """Show only the first ``count`` cells (row after row; ``by="row"``: rows) of the matrix; None: all.

        The rest are drawn blank, with a thin grid. Kept for the matrices
        shown later (cut to their size) until ``set_revealed(None)``.
        ValueError for another unit or a negative count.
        """
        if by not in UNITS:
            raise ValueError(f"by must be one of {UNITS}, not {by!r}")
        if count is not None and count < 0:
            raise ValueError(f"the count of revealed {by}s cannot be negative: {count}")
        self._revealed = (None if count is None else int(count), by)
        self._sync_veil()

    def revealed(self) -> tuple[int | None, str]:
        """(count, unit) as given to set_revealed; (None, "cell") when everything is shown."""
        return self._revealed

    def hidden_cells(self) -> set[tuple[int, int]]:
        """Every (row, column) drawn blank now."""
        return {(row, col) for first_row, first_col, rows, cols in self._veil.hidden()
                for row in range(first_row, first_row + rows) for col in range(first_col, first_col + cols)}

    def _sync_veil(self) -> None:
        self._veil.set_revealed(*self._revealed, *self._shape)
        self._repaint()
