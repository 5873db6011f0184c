"""The current step's matrices as heatmap panels, and where every number in them comes from.

Where each panel goes is gui/step_layouts.py's (a product as a product: Kᵀ
above the scores, Q to their left). Panels are kept in a pool and reused, so
stepping and editing never create graphics items afresh.

Pointing at a cell (the mouse, or the keyboard's selected cell) lights the
cells of the other panels it is computed from, or, for an input, the cells
it feeds (core.provenance.lit_by), and the strip under the panels
(ArithmeticView) writes its arithmetic out with its numbers. Under that, a
note says what the chosen view hides and a legend tells the masks' hatches
apart.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

import numpy as np

from attention_stepper.core.formulas import subscript
from attention_stepper.core.matrices import TOKEN_AXES, matrix_info
from attention_stepper.core.provenance import Cells, lit_by, rope_pair

from .arithmetic_view import ArithmeticView
from .heatmap import MatrixPanel
from .heatmap.levels import GAPS
from .i18n import Retranslating
from .mask_legend import MaskLegend
from .model import AttentionModel, Change
from .panel_titles import gap_reasons, mask_gaps, panel_title
from .step_layouts import PER_HEAD_WEIGHTS, Slot, layout_slots

MIN_PANEL_WIDTH, MIN_PANEL_HEIGHT = 134, 130
#: A bias is one row: its panel is short (the title, the labels and one row of cells).
BIAS_PANEL_HEIGHT, BIAS_PANEL_MAX_HEIGHT = 76, 96
ANGLES_PANEL_WIDTH = 120


def is_sentence_axis(computation, axis: str) -> bool:
    """Whether the entries along ``axis`` are the sentence's tokens (in cross-attention the keys are the memory's)."""
    return axis == "tokens" or (axis == "keys" and computation.memory_tokens is None)


def follows_tokens(computation, key: str) -> bool:
    """Whether row t of matrix ``key`` is token t of the sentence (so following a token outlines it here)."""
    return is_sentence_axis(computation, matrix_info(key).rows)


def matrix_title(key: str, head: int | None, shape: tuple[int, ...]) -> str:
    title = matrix_info(key).title.format(i="" if head is None else subscript(head + 1))
    return f"{title}  ({'×'.join(map(str, shape))})"


#: From this many tokens on, the columns of n×n panels stretch SQUARE_STRETCH times as much as the others.
SQUARE_FROM_TOKENS = 16
SQUARE_STRETCH = 3

class StepView(Retranslating, QWidget):
    """The grid of MatrixPanels for the model's current step and head."""

    #: Hover text of the cell under the mouse ("" when it leaves).
    hovered = Signal(str)
    #: A cell was clicked: (matrix key, head or -1, row, column).
    cellClicked = Signal(str, int, int, int)
    #: A cell of X or a W matrix was double-clicked to type a value: (matrix key, head or -1, row, column).
    editRequested = Signal(str, int, int, int)
    #: A token's label was clicked on an axis: the token's index (0-based).
    tokenClicked = Signal(int)

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(2, 2, 2, 2)
        self.grid.setSpacing(4)
        self._pool: dict[tuple[str, int | None, bool], MatrixPanel] = {}
        self._places: dict[MatrixPanel, tuple[int, int, int, int]] = {}
        self._shown: list[tuple[Slot, MatrixPanel]] = []
        self.selected: tuple[str, int | None] | None = None
        self.followed_token: int | None = None
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.legend = MaskLegend(self)
        self.arithmetic = ArithmeticView(self)
        self._pointer: MatrixPanel | None = None  # the panel whose cell was last pointed at
        self._refreshing = False
        self._pointed_cell: tuple[str, int | None, int, int] | None = None
        self._slots: list[Slot] = []
        self._mask_gaps: tuple[np.ndarray, set[str]] | None = None  # the masks' kinds, worked out once a refresh
        model.changed.connect(self._model_changed)
        self.refresh()

    # --- what is shown ----------------------------------------------------------
    def panels(self) -> list[tuple[str, int | None, MatrixPanel]]:
        """(matrix key, head or None, panel) for every panel on screen, in reading order."""
        return [(slot.key, slot.head, panel) for slot, panel in self._shown]

    def panel(self, key: str, head: int | None = None) -> MatrixPanel:
        return self._panel_and_slot(key, head)[0]

    def is_transposed(self, key: str, head: int | None = None) -> bool:
        """Whether the panel of matrix ``key`` (``head``) shows it transposed (Kᵀ at the scores step)."""
        return self._panel_and_slot(key, head)[1].transposed

    def _panel_and_slot(self, key: str, head: int | None) -> tuple[MatrixPanel, Slot]:
        for slot, panel in self._shown:
            if slot.key == key and slot.head == head:
                return panel, slot
        raise KeyError(f"no panel for {key!r} head {head} at step {self.model.step.key!r}")

    def result_panel(self, head: int | None = None) -> MatrixPanel:
        """The panel of the step's (first) result: of head ``head`` (0-based; the chosen one, else head 0)."""
        key = self.model.step.outputs[0]
        if not self.model.computation.is_per_head(key):
            return self.panel(key)
        return self.panel(key, head if head is not None else self.model.head or 0)

    def current_matrix(self) -> tuple[str, int | None]:
        """The matrix that Copy and Export-this-panel act on: the last clicked one, else the step's first output."""
        shown = [(slot.key, slot.head) for slot, _ in self._shown]
        if self.selected in shown:
            return self.selected
        key = self.model.step.outputs[0]
        if self.model.computation.is_per_head(key):
            return key, self.model.head or 0
        return key, None

    # --- updating ---------------------------------------------------------------
    def _panel_for(self, key: str, head: int | None, transposed: bool = False) -> MatrixPanel:
        """The panel that shows matrix ``key`` of ``head`` (transposed or not): one per role, kept and reused.

        Keeping a panel in the same role means a parameter change only swaps its
        data; its title, colour map and grid place stay, so nothing is laid out again.
        """
        panel = self._pool.get((key, head, transposed))
        if panel is None:
            panel = MatrixPanel(self)
            if key == "rope_angles":  # a narrow table beside four panels: keep RoPE's step within the window
                panel.setMinimumSize(ANGLES_PANEL_WIDTH, MIN_PANEL_HEIGHT)
            elif matrix_info(key).rows == "bias":
                panel.setMinimumSize(MIN_PANEL_WIDTH, BIAS_PANEL_HEIGHT)
                panel.setMaximumHeight(BIAS_PANEL_MAX_HEIGHT)
            else:
                panel.setMinimumSize(MIN_PANEL_WIDTH, MIN_PANEL_HEIGHT)
            panel.hovered.connect(self.hovered)
            # A transposed panel's (row, column) is the matrix's (column, row): signals speak of the matrix.
            flip = (lambda row, column: (column, row)) if transposed else (lambda row, column: (row, column))
            panel.cellClicked.connect(lambda row, column, clicked=panel: self._clicked(clicked, *flip(row, column)))
            panel.cellDoubleClicked.connect(lambda row, column, k=key, h=head: self.editRequested.emit(
                k, -1 if h is None else h, *flip(row, column)))
            panel.set_editable(matrix_info(key).editable and not transposed)
            axes = {"row": "column", "column": "row"} if transposed else {"row": "row", "column": "column"}
            panel.labelClicked.connect(lambda axis, index, k=key: self._label_clicked(k, axes[axis], index))
            panel.currentCellChanged.connect(lambda row, column, pointed=panel: self._pointed(pointed, row, column))
            self._pool[(key, head, transposed)] = panel
        return panel

    def _model_changed(self, change: Change) -> None:
        if change.computation or change.step or change.head:  # the panels show all three
            self.refresh()

    def refresh(self) -> None:
        computation = self.model.computation
        slots = layout_slots(self.model)
        # Place the panels first, then give them their matrices: a panel that moves or changes size
        # lays itself out for its new size, and only once (given its matrix first, it was laid
        # out at the old size and again at the new one).
        self._refreshing = True  # panels given new matrices may say their pointed cell went: re-pointed at the end
        placed = [(slot, self._panel_for(slot.key, slot.head, slot.transposed)) for slot in slots]
        places = {panel: (slot.row, slot.column, slot.row_span, 1) for slot, panel in placed}
        appearing = []
        for panel in self._pool.values():
            place = places.get(panel)
            if place != self._places.get(panel):
                self.grid.removeWidget(panel)
                if place is not None:
                    self.grid.addWidget(panel, *place)
            if place is not None and panel.isHidden():
                appearing.append(panel)
            panel.setVisible(place is not None)
        stretched = self._give_room(computation, slots)
        moved = places != self._places or stretched
        self._places = places
        self._update_note(slots)
        if moved:
            # Place the panels now: left to the event loop, panels were painted at their old size first.
            self.grid.activate()
            # And let the scroll area around the view take its new size now: otherwise it does so
            # after the first paint, and panels whose size it changes are painted a second time.
            viewport = self.parentWidget()
            if viewport is not None:
                QCoreApplication.sendPostedEvents(viewport, QEvent.Type.LayoutRequest)
        self._shown = []
        labels = {}  # per matrix key: every head's panel has the same labels
        gaps = set()  # the kinds of colourless cell on screen, for the legend
        masked = mask_gaps(computation) if any(slot.key == "masked" for slot in slots) else None
        for slot, panel in placed:
            matrix = computation.matrix(slot.key, slot.head)
            if slot.key not in labels:
                labels[slot.key] = computation.labels(slot.key)
            rows, columns = labels[slot.key]
            if slot.transposed:
                matrix, rows, columns = matrix.T, columns, rows
            panel.set_matrix(matrix, rows, columns, panel_title(computation, slot.key, slot.head, matrix.shape,
                                                                transposed=slot.transposed),
                             kind=matrix_info(slot.key).kind)
            reasons = gap_reasons(computation, slot.key, matrix, masked)
            panel.set_gap_reasons(reasons)
            if reasons is not None or matrix.dtype != np.float64:
                gaps |= self._gaps_of(matrix, reasons, masked if slot.key == "masked" else None)
            blocks = [] if slot.transposed else computation.head_blocks(slot.key)
            panel.set_block_outlines([(first, width, self.tr("head {0}").format(head + 1)) for head, (first, width)
                                      in enumerate(blocks)])
            if matrix_info(slot.key).editable:
                panel.set_marked_cells(computation.edited_cells(slot.key, slot.head))
            panel.highlight_row(self._followed_row(slot))
            self._shown.append((slot, panel))
        self._refreshing = False
        self._repoint()
        self._update_legend(gaps)
        for panel in appearing:
            panel.flush_scene()

    def _gaps_of(self, matrix: np.ndarray, reasons: np.ndarray | None, masked: np.ndarray | None) -> set[str]:
        """Which kinds of colourless cell (MaskLegend.ENTRIES) a panel shows: its masks, overflow, NaN."""
        found = set()
        if matrix.dtype == np.float64 and masked is not None:
            # float64 has −∞ exactly where a mask put it: the masks there are the same for every head
            if self._mask_gaps is None or self._mask_gaps[0] is not masked:
                self._mask_gaps = (masked, {GAPS[code] for code in np.unique(masked).tolist()} - {"overflow"})
            return set(self._mask_gaps[1])
        if reasons is not None:
            found |= {GAPS[code] for code in np.unique(reasons[np.isneginf(matrix)]).tolist()}
        if matrix.dtype != np.float64:
            if np.isnan(matrix).any():
                found.add("nan")
            if np.isposinf(matrix).any():
                found.add("overflow")
        return found

    def _update_legend(self, gaps: set[str]) -> None:
        p = self.model.parameters
        self.legend.show_entries(gaps, p.window, p.causal, p.precision)
        self._place_footer()

    def _give_room(self, computation, slots: list[Slot]) -> bool:
        """At a long sentence the n×n panels (scores, weights…) get the room: their columns stretch
        SQUARE_STRETCH times as much as the narrow n×d_k ones beside them. True if a stretch changed."""
        long = len(computation.tokens) >= SQUARE_FROM_TOKENS
        used = max((slot.column for slot in slots), default=-1) + 1
        changed = False
        for column in range(max(used, self.grid.columnCount())):
            square = long and any(slot.column == column and not slot.transposed
                                  and matrix_info(slot.key).rows in TOKEN_AXES
                                  and matrix_info(slot.key).columns in TOKEN_AXES for slot in slots)
            stretch = SQUARE_STRETCH if square else 1
            if self.grid.columnStretch(column) != stretch:
                self.grid.setColumnStretch(column, stretch)
                changed = True
        return changed

    def retranslate(self) -> None:
        """The panels' titles are written in the language too ("memory M", "(heads 1–2)"): draw them anew."""
        self.refresh()

    def _update_note(self, slots: list[Slot] | None = None) -> None:
        """A hint under the panels when the chosen view hides something (re-set on language change)."""
        self._slots = layout_slots(self.model) if slots is None else slots
        note = ""
        if self.model.head is None and any(key in PER_HEAD_WEIGHTS for key in self.model.step.inputs):
            if self.model.parameters.bias and self.model.step.key == "project":
                note = self.tr("Choose one head to see its W_Q, W_K and W_V and its biases as well.")
            else:
                note = self.tr("Choose one head to see its W_Q, W_K and W_V as well.")
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._place_footer()

    def _place_footer(self) -> None:
        """The note and the legend in the rows under the panels (only those that have something to say)."""
        below = max((slot.row + slot.row_span for slot in self._slots), default=0)
        shown = [widget for widget in (self.arithmetic, self.note, self.legend) if not widget.isHidden()]
        for widget in (self.arithmetic, self.note, self.legend):
            index = self.grid.indexOf(widget)
            place = (below + shown.index(widget), 0) if widget in shown else None
            if index >= 0 and (place is None or self.grid.getItemPosition(index)[:2] != place):
                self.grid.removeWidget(widget)
                index = -1
            if place is not None and index < 0:
                self.grid.addWidget(widget, *place, 1, -1)

    def _label_clicked(self, key: str, axis: str, index: int) -> None:
        """A click on a token on either axis (rows of most matrices, columns of the score matrices)."""
        matrix, computation = matrix_info(key), self.model.computation
        if is_sentence_axis(computation, matrix.rows if axis == "row" else matrix.columns):
            self.tokenClicked.emit(index)

    def follow_token(self, token: int | None) -> None:
        """Outline token ``token``'s row (0-based) in every panel whose rows are tokens; None clears."""
        self.followed_token = token
        for slot, panel in self._shown:
            panel.highlight_row(self._followed_row(slot))

    def _followed_row(self, slot: Slot) -> int | None:
        """The row the followed token outlines on this panel (none on a transposed one: its rows are not tokens)."""
        if slot.transposed or not follows_tokens(self.model.computation, slot.key):
            return None
        return self.followed_token

    def _clicked(self, clicked: MatrixPanel, row: int, column: int) -> None:
        for slot, panel in self._shown:
            if panel is clicked:
                self.selected = (slot.key, slot.head)
                self.cellClicked.emit(slot.key, -1 if slot.head is None else slot.head, row, column)
                return

    # --- where a number comes from ------------------------------------------------
    def _pointed(self, panel: MatrixPanel, row: int, column: int) -> None:
        """A panel's pointed-at cell changed: light what it is made of (or feeds) and write its arithmetic."""
        if self._refreshing:
            return
        if row >= 0:
            self._pointer = panel
            self._light(panel, row, column)
        elif panel is self._pointer or self._pointer is None:
            self._pointer = None
            self._repoint()

    def _repoint(self) -> None:
        """Light again for the cell pointed at now (after a refresh, or when the pointer left a panel): the last
        panel pointed at if it still has a cell, else any shown panel's selected cell; clear when there is none."""
        shown = [panel for _, panel in self._shown]
        candidates = ([self._pointer] if self._pointer in shown else []) + shown
        for panel in candidates:
            if panel.current_cell() is not None:
                self._pointer = panel
                self._light(panel, *panel.current_cell())
                return
        self._pointer = self._pointed_cell = None
        for _, panel in self._shown:
            panel.clear_lit_cells()
        self.arithmetic.clear()

    def pointed_cell(self) -> tuple[str, int | None, int, int] | None:
        """(matrix key, head, row, column) of the cell whose provenance is lit (the matrix's, not the panel's)."""
        return self._pointed_cell

    def _light(self, pointed: MatrixPanel, row: int, column: int) -> None:
        slot = next((slot for slot, panel in self._shown if panel is pointed), None)
        if slot is None:
            return
        if slot.transposed:
            row, column = column, row
        computation, step = self.model.computation, self.model.step
        try:
            groups = lit_by(computation, step.key, slot.key, slot.head, row, column)
        except ValueError:  # a matrix the step neither computes nor reads (RoPE's angle table)
            groups = ()
        if step.key == "rope" and slot.key in step.outputs:  # and the angle its pair turned by, in the θ table
            pair = rope_pair(column, computation.parameters.d_k, computation.parameters.rope)[2]
            groups = (*groups, Cells("rope_angles", None, (row,), (pair,)))
        for shown, panel in self._shown:
            cells = [(group.columns, group.rows) if shown.transposed else (group.rows, group.columns)
                     for group in groups if group.key == shown.key and group.head == shown.head]
            panel.set_lit_cells(cells)
        self._pointed_cell = (slot.key, slot.head, row, column)
        if slot.key == "rope_angles":
            self.arithmetic.clear()
        else:
            self.arithmetic.show_cell(computation, slot.key, slot.head, row, column)
