"""MatrixPanel's pointing: the cell under the mouse, the cell selected with a click or the keyboard.

The hovered cell gives the hover text (``hovered``); the current cell (the
hovered one, else the selected one) is what ``currentCellChanged`` reports,
so a view lights the provenance of whatever a person points at, with the
mouse or with the arrow keys. A mix-in of MatrixPanel, kept apart so the
panel's file is about showing a matrix; it uses the panel's signals, its
overlay's marks (the selection is drawn with them) and its view box.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt

from .levels import GAPS, format_hover_value
from .marks import Cell, moved

#: Arrow keys and the step they move the selected cell: (down, right).
ARROWS = {Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0), Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1)}
ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class Pointing:
    """Hover, click and keyboard selection for MatrixPanel (see its docstring for what a person can do)."""

    def hover_cell(self, row: int, col: int) -> str:
        """Emit (and return) the hover text of a cell, as the mouse over it does; "" for a position outside.

        The cell becomes the current one (currentCellChanged) while the mouse is not moved elsewhere.
        """
        text = self._hover_text(row, col)
        self._last_hover = (row, col) if text else None
        self._hovered = self._last_hover
        self.hovered.emit(text)
        self._update_current()
        return text

    def _hover_text(self, row: int, col: int) -> str:
        rows, cols = self._shape
        if not (0 <= row < rows and 0 <= col < cols):
            return ""
        value = format_hover_value(float(self._matrix[row, col]), self._gap_note(row, col))
        # The matrix's name: the title up to its first space ("scores₁ = …" → "scores₁").
        name = self._title.split(" ", 1)[0] if self._title else ""
        position = QCoreApplication.translate("MatrixPanel", "(row {0}, column {1})").format(row + 1, col + 1)
        return f"{name}[{self._left.labels()[row]}, {self._top.labels()[col]}] = {value}  {position}"

    def _gap_note(self, row: int, col: int) -> str:
        """What a −∞ cell's hover text adds: why it is −∞ (see MatrixPanel.set_gap_reasons)."""
        reason = "masked" if self._gap_reasons is None else GAPS[self._gap_reasons[row, col]]
        translate = QCoreApplication.translate  # the panel's texts, in its context
        if reason == "padding":
            return translate("MatrixPanel", "(masked: padding)")
        if reason == "window":
            return translate("MatrixPanel", "(masked: outside the window)")
        if reason == "overflow":
            return translate("MatrixPanel", "(overflow)")
        return translate("MatrixPanel", "(masked)")  # the causal mask, the mask of the 2017 lesson

    def _label_at(self, scene_pos) -> tuple[str, int] | None:
        """Which row label (left axis) or column label (top axis) is under a scene position, if any."""
        rows, cols = self._shape
        point = self._box.mapSceneToView(scene_pos)
        if self._left.sceneBoundingRect().contains(scene_pos) and rows:
            row = int(round(point.y()))
            return ("row", row) if 0 <= row < rows else None
        if self._top.sceneBoundingRect().contains(scene_pos) and cols:
            col = int(round(point.x()))
            return ("column", col) if 0 <= col < cols else None
        return None

    def _cell_at(self, scene_pos) -> tuple[int, int] | None:
        rows, cols = self._shape
        if not (rows and cols) or not self._box.sceneBoundingRect().contains(scene_pos):
            return None
        point = self._box.mapSceneToView(scene_pos)
        row, col = int(round(point.y())), int(round(point.x()))
        if 0 <= row < rows and 0 <= col < cols:
            return row, col
        return None

    def _mouse_moved(self, scene_pos) -> None:
        cell = self._cell_at(scene_pos)
        if cell is None:
            self._leave()
        elif cell != self._last_hover:
            self.hover_cell(*cell)

    def _leave(self) -> None:
        if self._last_hover is not None:
            self._last_hover = None
            self.hovered.emit("")
        if self._hovered is not None:
            self._hovered = None
            self._update_current()

    def leaveEvent(self, event):  # noqa: N802 (Qt's name)
        self._leave()
        super().leaveEvent(event)

    def _mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        cell = self._cell_at(event.scenePos())
        if event.double():
            if self._editable and cell is not None:
                self.cellDoubleClicked.emit(*cell)
            else:
                self._reset_view()
            return
        if cell is not None:
            self.select_cell(*cell)
            self.cellClicked.emit(*cell)
            return
        label = self._label_at(event.scenePos())
        if label is not None:
            self.labelClicked.emit(*label)

    def select_cell(self, row: int | None, column: int | None = None) -> None:
        """Select cell (row, column), as a click or the arrow keys do; None (or a cell outside) clears."""
        cell = None if row is None or column is None else (row, column)
        self._set_marks(self._overlay.marks().with_selected(cell, *self._shape))
        self._update_current()

    def selected_cell(self) -> Cell | None:
        """The selected (row, column), or None."""
        return self._overlay.marks().selected

    def current_cell(self) -> Cell | None:
        """The cell pointed at: the one under the mouse, else the selected one, else None."""
        return self._current

    def _update_current(self) -> None:
        current = self._hovered if self._hovered is not None else self.selected_cell()
        if current != self._current:
            self._current = current
            self.currentCellChanged.emit(*(current if current is not None else (-1, -1)))

    def _takes_key(self, event) -> bool:
        """Whether a key press is the panel's: the arrows, Enter and Esc while a cell is selected."""
        if self.selected_cell() is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        return event.key() in ARROWS or event.key() in ENTER or event.key() == Qt.Key.Key_Escape

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self._takes_key(event):
            super().keyPressEvent(event)
            return
        key, cell = event.key(), self.selected_cell()
        if key in ARROWS:
            self.select_cell(*moved(cell, *self._shape, *ARROWS[key]))
            self._show_cell(*self.selected_cell())
        elif key in ENTER:
            if self._editable:
                self.cellDoubleClicked.emit(*cell)
        else:
            self.select_cell(None)
        event.accept()

    def _show_cell(self, row: int, column: int) -> None:
        """Pan a zoomed-in view so that the selected cell is in it."""
        (left, right), (top, bottom) = self._box.viewRange()
        dx = min(0.0, column - 0.5 - left) + max(0.0, column + 0.5 - right)
        dy = min(0.0, row - 0.5 - top) + max(0.0, row + 0.5 - bottom)
        if dx or dy:
            self._box.setRange(xRange=(left + dx, right + dx), yRange=(top + dy, bottom + dy), padding=0)

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Tabbing into the panel selects its first cell, so the arrow keys have one to move."""
        if event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason) \
                and self.selected_cell() is None:
            self.select_cell(*(moved(None, *self._shape) or (None, None)))
        super().focusInEvent(event)

    def event(self, event) -> bool:
        """The arrow keys, Enter and Esc beat the window's shortcuts while a cell is selected."""
        if event.type() == QEvent.Type.ShortcutOverride and self._takes_key(event):
            event.accept()
            return True
        return super().event(event)
