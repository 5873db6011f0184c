"""The arithmetic of the cell pointed at, with its actual numbers, in a strip beside the panels.

``scores₁[爱, 机器] = q₁(爱)·k₁(机器) = 0.76×0.49 + (−0.45)×(−0.92) + … = 2.13``:
core.cell_arithmetic writes it (its words through the app's translation);
this widget only shows it. It sits under the panels rather than in a tooltip
over them, so it never covers the cells it talks about, and it keeps one
height whatever it says, so pointing at cell after cell never lays the
panels out again.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from attention_stepper.core.cell_arithmetic import cell_arithmetic

from .i18n import Retranslating, core_text

# Lines of text the strip has room for: the formula (wrapped once when long) and two notes.
LINES = 4


class ArithmeticView(Retranslating, QWidget):
    """Shows the lines of core.cell_arithmetic for one cell, or a hint when no cell is pointed at."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cell: tuple | None = None  # (computation, key, head, row, column) shown, or None
        self._lines: list[str] = []
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.label)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit_height()
        self._show()

    def show_cell(self, computation, key: str, head: int | None, row: int, column: int) -> None:
        """Show the arithmetic of cell (row, column) of matrix ``key`` (``head``; 0-based) of ``computation``."""
        self._cell = (computation, key, head, row, column)
        self._show()

    def clear(self) -> None:
        """No cell pointed at: show the hint."""
        self._cell = None
        self._show()

    def lines(self) -> list[str]:
        """The lines shown (the arithmetic), [] while the hint is shown."""
        return list(self._lines)

    def text(self) -> str:
        """What the strip says, as plain text (the arithmetic's lines, or the hint)."""
        return "\n".join(self._lines) if self._lines else self._hint()

    def retranslate(self) -> None:
        self._show()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._fit_height()

    def _hint(self) -> str:
        return self.tr("Point at a cell (or select one and move with the arrow keys): the cells it is computed "
                       "from light up, and its arithmetic shows here.")

    def _show(self) -> None:
        if self._cell is None:
            self._lines = []
            self.label.setTextFormat(Qt.TextFormat.PlainText)
            self.label.setStyleSheet("color: #666;")
            self.label.setText(self._hint())
            return
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setStyleSheet("")
        try:
            self._lines = cell_arithmetic(*self._cell, translate=core_text)
        except ValueError:  # a cell the computation does not have (any more): say nothing wrong
            self._lines = []
        if not self._lines:
            self.label.setText("")
            return
        first, *notes = (html.escape(line) for line in self._lines)
        text = f"<b>{first}</b>"
        if notes:
            text += "<br><span style='color:#555'>" + "<br>".join(notes) + "</span>"
        self.label.setText(text)

    def _fit_height(self) -> None:
        """One height for any text (see the module's docstring), following the font."""
        margins = self.layout().contentsMargins() if self.layout() else None
        extra = margins.top() + margins.bottom() if margins is not None else 4
        self.setFixedHeight(self.fontMetrics().lineSpacing() * LINES + extra + 4)
