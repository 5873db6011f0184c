"""The current step's matrices as heatmap panels.

Inputs first, then outputs. With all heads shown, per-head matrices get one
row per head and shared ones (X, concat, W_O…) span the rows; a key/value
head shared by several query heads spans their rows. With one head chosen,
that head's matrices fill one row. Biases are a short row under their
weights (b_Q under W_Q, b_O under W_O). RoPE's step shows its angle table
beside q and k. Panels are kept in a pool and reused, so stepping and
editing never create graphics items afresh. Under the panels, a note says
what the chosen view hides and a legend tells the masks' hatches apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

import numpy as np

from attention_stepper.core.formulas import subscript
from attention_stepper.core.matrices import WEIGHT_NAMES, matrix_info

from .heatmap import MatrixPanel
from .heatmap.levels import GAPS
from .i18n import Retranslating
from .mask_legend import MaskLegend
from .model import AttentionModel, Change
from .panel_titles import gap_reasons, mask_gaps, panel_title

#: Weight matrices are shown per head only when one head is chosen (all heads would be too many panels).
_PER_HEAD_WEIGHTS = frozenset(key for key in WEIGHT_NAMES if matrix_info(key).per_head)
MIN_PANEL_WIDTH, MIN_PANEL_HEIGHT = 134, 130
#: A bias is one row: its panel is short (the title, the labels and one row of cells).
BIAS_PANEL_HEIGHT, BIAS_PANEL_MAX_HEIGHT = 76, 96
ANGLES_PANEL_WIDTH = 120
#: More matrices than this for one head are laid out in two rows.
MAX_COLUMNS = 4


@dataclass(frozen=True)
class Slot:
    """One panel's place: which matrix, which head (None for shared ones), where in the grid."""

    key: str
    head: int | None
    row: int
    column: int
    row_span: int = 1


def is_sentence_axis(computation, axis: str) -> bool:
    """Whether the entries along ``axis`` are the sentence's tokens (in cross-attention the keys are the memory's)."""
    return axis == "tokens" or (axis == "keys" and computation.memory_tokens is None)


def follows_tokens(computation, key: str) -> bool:
    """Whether row t of matrix ``key`` is token t of the sentence (so following a token outlines it here)."""
    return is_sentence_axis(computation, matrix_info(key).rows)


def matrix_title(key: str, head: int | None, shape: tuple[int, ...]) -> str:
    title = matrix_info(key).title.format(i="" if head is None else subscript(head + 1))
    return f"{title}  ({'×'.join(map(str, shape))})"


def _matrix_head(computation, key: str, head: int) -> int | None:
    """Which of matrix ``key``'s matrices query head ``head`` reads: its own, its key/value head's, or None."""
    matrix = matrix_info(key)
    if not matrix.per_head:
        return None
    if matrix.heads == "kv_heads":
        return head // (computation.parameters.heads // computation.parameters.kv_head_count)
    return head


def _column(computation, key: str, column: int, heads: list[int], first_row: int = 0) -> list[Slot]:
    """One column of the all-heads grid: a row per head; a key/value head spans the rows of the heads sharing it."""
    matrix = matrix_info(key)
    if not matrix.per_head:
        return [Slot(key, None, first_row, column, len(heads))]
    if matrix.heads == "kv_heads":
        group = len(heads) // computation.parameters.kv_head_count
        return [Slot(key, shared, first_row + shared * group, column, group)
                for shared in range(computation.parameters.kv_head_count)]
    return [Slot(key, head, first_row + row, column) for row, head in enumerate(heads)]


def step_keys(model: AttentionModel) -> list[str]:
    """The matrices the current step shows: its inputs (with RoPE's angle table) and outputs."""
    step = model.step
    inputs = list(step.inputs)
    if step.key == "rope" and "rope_angles" in model.computation.available:
        inputs.append("rope_angles")
    keys = inputs + list(step.outputs)
    if model.head is None:
        keys = [key for key in keys if key not in _PER_HEAD_WEIGHTS]
    return keys


def _project_one_head(computation, keys: list[str], head: int) -> list[Slot]:
    """One head's projections: X (and the memory) on the left, and a column per Q, K, V: W, then b, then the product."""
    sources = [key for key in ("embed", "memory") if key in keys]
    product_row = 2 if any(matrix_info(key).rows == "bias" for key in keys) else 1
    slots = [Slot(key, None, 0, column, product_row + 1) for column, key in enumerate(sources)]
    for column, name in enumerate("qkv", start=len(sources)):
        for row, key in ((0, f"w_{name}"), (1, f"b_{name}"), (product_row, name)):
            if key in keys:
                slots.append(Slot(key, _matrix_head(computation, key, head), row, column))
    return slots


def _output_with_bias(rows: int) -> list[Slot]:
    """concat · W_O + b_O: b_O a short row under W_O, the others spanning the rows (one per head, or one)."""
    return [Slot("concat", None, 0, 0, rows + 1), Slot("w_o", None, 0, 1, rows), Slot("b_o", None, rows, 1),
            Slot("output", None, 0, 2, rows + 1)]


def layout_slots(model: AttentionModel) -> list[Slot]:
    """Where each matrix of the current step goes (a pure function of the model's state)."""
    computation = model.computation
    step = model.step
    keys = step_keys(model)
    heads = list(range(computation.parameters.heads)) if model.head is None else [model.head]
    slots = []
    if step.key == "output" and "b_o" in keys:
        return _output_with_bias(len(heads))
    if model.head is not None and step.key == "project":
        return _project_one_head(computation, keys, model.head)
    if model.head is None and step.key == "project":
        # The split made visible: each packed product X·[W₁ | W₂ | …] (one matmul for all heads) on
        # top, its head blocks outlined, and below it the per-head pieces Q_i, K_i, V_i it splits into.
        sources = [key for key in ("embed", "memory") if key in keys]
        for column, key in enumerate(sources):
            slots.append(Slot(key, None, 0, column, 1 + len(heads)))
        for column, key in enumerate(("q", "k", "v"), start=len(sources)):
            slots.append(Slot(f"packed_{key}", None, 0, column))
            slots.extend(_column(computation, key, column, heads, first_row=1))
        return slots
    if model.head is not None and len(keys) > MAX_COLUMNS:
        # One head with many matrices (RoPE: Q, K, θ, Q′, K′): inputs above, outputs below.
        outputs = [key for key in keys if key in step.outputs]
        for row, row_keys in enumerate(([key for key in keys if key not in outputs], outputs)):
            slots.extend(Slot(key, _matrix_head(computation, key, model.head), row, column)
                         for column, key in enumerate(row_keys))
        return slots
    if model.head is not None:
        return [Slot(key, _matrix_head(computation, key, model.head), 0, column) for column, key in enumerate(keys)]
    slots = []
    for column, key in enumerate(keys):
        slots.extend(_column(computation, key, column, heads))
    return slots


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
        self._pool: dict[tuple[str, int | None], MatrixPanel] = {}
        self._places: dict[MatrixPanel, tuple[int, int, int, int]] = {}
        self._shown: list[tuple[Slot, MatrixPanel]] = []
        self.selected: tuple[str, int | None] | None = None
        self.followed_token: int | None = None
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.legend = MaskLegend(self)
        self._slots: list[Slot] = []
        self._mask_gaps: tuple[np.ndarray, set[str]] | None = None  # the masks' kinds, worked out once a refresh
        model.changed.connect(self._model_changed)
        self.refresh()

    # --- what is shown ----------------------------------------------------------
    def panels(self) -> list[tuple[str, int | None, MatrixPanel]]:
        """(matrix key, head or None, panel) for every panel on screen, in reading order."""
        return [(slot.key, slot.head, panel) for slot, panel in self._shown]

    def panel(self, key: str, head: int | None = None) -> MatrixPanel:
        for slot, panel in self._shown:
            if slot.key == key and slot.head == head:
                return panel
        raise KeyError(f"no panel for {key!r} head {head} at step {self.model.step.key!r}")

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
    def _panel_for(self, key: str, head: int | None) -> MatrixPanel:
        """The panel that shows matrix ``key`` of ``head``: one per role, kept and reused.

        Keeping a panel in the same role means a parameter change only swaps its
        data; its title, colour map and grid place stay, so nothing is laid out again.
        """
        panel = self._pool.get((key, head))
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
            panel.cellClicked.connect(lambda row, column, clicked=panel: self._clicked(clicked, row, column))
            panel.cellDoubleClicked.connect(
                lambda row, column, k=key, h=head: self.editRequested.emit(k, -1 if h is None else h, row, column))
            panel.set_editable(matrix_info(key).editable)
            panel.labelClicked.connect(lambda axis, index, k=key: self._label_clicked(k, axis, index))
            self._pool[(key, head)] = panel
        return panel

    def _model_changed(self, change: Change) -> None:
        if change.computation or change.step or change.head:  # the panels show all three
            self.refresh()

    def _model_changed(self, change: Change) -> None:
        if change.computation or change.step or change.head:  # the panels show all three
            self.refresh()

    def refresh(self) -> None:
        computation = self.model.computation
        slots = layout_slots(self.model)
        # Place the panels first, then give them their matrices: a panel that moves or changes size
        # lays itself out for its new size, and only once (given its matrix first, it was laid
        # out at the old size and again at the new one).
        placed = [(slot, self._panel_for(slot.key, slot.head)) for slot in slots]
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
        moved = places != self._places
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
            panel.set_matrix(matrix, rows, columns, panel_title(computation, slot.key, slot.head, matrix.shape),
                             kind=matrix_info(slot.key).kind)
            reasons = gap_reasons(computation, slot.key, matrix, masked)
            panel.set_gap_reasons(reasons)
            if reasons is not None or matrix.dtype != np.float64:
                gaps |= self._gaps_of(matrix, reasons, masked if slot.key == "masked" else None)
            panel.set_block_outlines([(first, width, self.tr("head {0}").format(head + 1)) for head, (first, width)
                                      in enumerate(computation.head_blocks(slot.key))])
            if matrix_info(slot.key).editable:
                panel.set_marked_cells(computation.edited_cells(slot.key, slot.head))
            panel.highlight_row(self.followed_token if follows_tokens(computation, slot.key) else None)
            self._shown.append((slot, panel))
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

    def retranslate(self) -> None:
        self._update_note()

    def _update_note(self, slots: list[Slot] | None = None) -> None:
        """A hint under the panels when the chosen view hides something (re-set on language change)."""
        self._slots = layout_slots(self.model) if slots is None else slots
        note = ""
        if self.model.head is None and any(key in _PER_HEAD_WEIGHTS for key in self.model.step.inputs):
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
        shown = [widget for widget in (self.note, self.legend) if not widget.isHidden()]
        for widget in (self.note, self.legend):
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
            panel.highlight_row(token if follows_tokens(self.model.computation, slot.key) else None)

    def _clicked(self, clicked: MatrixPanel, row: int, column: int) -> None:
        for slot, panel in self._shown:
            if panel is clicked:
                self.selected = (slot.key, slot.head)
                self.cellClicked.emit(slot.key, -1 if slot.head is None else slot.head, row, column)
                return
