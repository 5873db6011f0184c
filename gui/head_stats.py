"""Head statistics: how the heads differ, at a glance and in numbers.

A grid of every head's attention weights, and a table per head of the mean
entropy (spread), the mean attention distance, and which token each query
attends to most. The numbers come from the core (experiments.head_statistics),
computed on the view's own worker thread when the computation is large.
With the variants: a query head names the key/value head it shares, the
keys are the memory's tokens in cross-attention (where no distance exists),
and float16's NaN weights are said to be NaN, not counted as 0.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtCore import QEvent, Qt

from attention_stepper.core.computation import Computation
from attention_stepper.core.experiments import HeadStatistics, head_statistics
from attention_stepper.core.formulas import subscript
from attention_stepper.core.parameters import Parameters

from .heatmap import MatrixPanel
from .i18n import Retranslating
from .lazy import RefreshWhenShown
from .model import AttentionModel, Change
from .worker import ComputeWorker


def _number(value: float) -> str:
    return f"{value:.3f}" if math.isfinite(value) else "NaN"


class HeadStatisticsView(RefreshWhenShown, Retranslating, QWidget):
    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._statistics: HeadStatistics | None = None
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.grid_widget = QWidget(self)
        self.grid = QGridLayout(self.grid_widget)
        self.grid.setSpacing(4)
        self._panels: list[MatrixPanel] = []
        self.table = QTableWidget(self)
        self.table.setColumnCount(4)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # Every header whole, in any language and font: the number columns fit their header and numbers,
        # and the last one fills the rest but never gets narrower than its header (_fit_last_column).
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(lambda column, _old, _new: column < 3 and self._fit_last_column())
        self.table.viewport().installEventFilter(self)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.grid_widget)
        splitter.addWidget(self.table)
        splitter.setSizes([420, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        self.worker = ComputeWorker(self)
        self.worker.finished.connect(lambda _ticket, result: self._draw(*result))
        self.worker.failed.connect(self._failed)
        model.changed.connect(self._model_changed)
        self.retranslate()

    # --- for tests ---------------------------------------------------------------------
    def statistics(self) -> HeadStatistics | None:
        return self._statistics

    def overview_panels(self) -> list[MatrixPanel]:
        return [panel for panel in self._panels if not panel.isHidden()]

    def table_text(self, row: int, column: int) -> str:
        return self.table.item(row, column).text()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_last_column()
        return super().eventFilter(watched, event)

    def _fit_last_column(self) -> None:
        """The last column fills the table's width (as a stretched one would), and holds its header whole."""
        header = self.table.horizontalHeader()
        rest = self.table.viewport().width() - sum(header.sectionSize(column) for column in range(3))
        width = max(header.sectionSizeHint(3), rest)
        if header.sectionSize(3) != width:
            header.resizeSection(3, width)

    # --- updating ----------------------------------------------------------------------
    def _model_changed(self, change: Change) -> None:
        if change.computation:  # every head at once: the step and the head shown do not matter
            self.mark_stale()

    def redraw(self) -> None:
        computation = self.model.computation
        if self.model.computes_at_once(self.model.estimated_seconds()):
            self.worker.supersede()
            self._draw(computation, head_statistics(computation))
        else:
            self.worker.submit(functools.partial(_statistics_of, computation))

    def _failed(self, _ticket: int, error: BaseException) -> None:
        raise error  # to the application's exception hook, as when computed on the GUI thread

    def _draw(self, computation: Computation, statistics: HeadStatistics) -> None:
        self._statistics = statistics
        heads = computation.parameters.heads
        columns = max(1, math.ceil(math.sqrt(heads)))
        while len(self._panels) < heads:
            panel = MatrixPanel(self.grid_widget)
            panel.setMinimumSize(140, 120)
            self._panels.append(panel)
        rows, keys = computation.labels("weights")  # the memory's tokens as columns in cross-attention
        for head, panel in enumerate(self._panels):
            if head >= heads:
                panel.hide()
                continue
            self.grid.addWidget(panel, head // columns, head % columns)
            panel.set_matrix(computation.matrix("weights", head), rows, keys,
                             f"A{subscript(head + 1)}", kind="probability")
            panel.show()
        self._fill_table(statistics, computation)
        self._write_note(computation.parameters)

    def _fill_table(self, statistics: HeadStatistics, computation: Computation) -> None:
        parameters, labels, keys = computation.parameters, computation.token_labels, computation.key_labels
        group = parameters.heads // parameters.kv_head_count
        heads = statistics.entropy.shape[0]
        self.table.setRowCount(heads)
        for head in range(heads):
            # A NaN row (float16 overflow) has no most attended token.
            most = ", ".join(f"{labels[query]}→{keys[int(key)] if math.isfinite(weight) else 'NaN'}"
                             for query, (key, weight) in enumerate(zip(statistics.argmax[head],
                                                                        statistics.max_weight[head])))
            name = str(head + 1) if group == 1 else self.tr("{0} (K/V {1})").format(head + 1, head // group + 1)
            distance = statistics.mean_distance[head]
            values = (name, _number(statistics.mean_entropy[head]),
                      "—" if parameters.memory is not None else _number(distance), most)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column < 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 2 and parameters.memory is not None:
                    item.setToolTip(self.tr("Cross-attention: the keys are another sentence's tokens, "
                                            "so no distance between a query and a key exists."))
                self.table.setItem(head, column, item)
        self._fit_last_column()

    def _write_note(self, parameters: Parameters) -> None:
        """What the variants change here, in a line under the introduction (hidden when nothing does)."""
        notes = []
        if parameters.kv_head_count < parameters.heads:
            notes.append(self.tr("Query heads sharing a key/value head (K/V in the table) compare their own "
                                 "queries with the same keys."))
        if parameters.memory is not None:
            notes.append(self.tr("Cross-attention: the columns are the memory sentence's tokens; a distance "
                                 "between the two sentences means nothing, so it is left out (—)."))
        if self._statistics is not None and np.isnan(self._statistics.entropy).any():
            notes.append(self.tr("NaN: in {0} some scores overflowed, so softmax gave NaN "
                                 "(see the hatched cells on the steps).").format(parameters.precision))
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))

    def retranslate(self) -> None:
        self.intro.setText(self.tr(
            "Every head's attention weights side by side: heads with their own W matrices look at the "
            "sentence differently. Low entropy means a head focuses on few tokens; the distance says how "
            "far away (in tokens) a query looks on average."))
        self.table.setHorizontalHeaderLabels([
            self.tr("Head"), self.tr("Mean entropy (nats)"), self.tr("Mean distance (tokens)"),
            self.tr("Most attended token, per query"),
        ])
        self._fit_last_column()
        if self.is_built():
            self.mark_stale()  # the table's head names and the note are written with the numbers


def _statistics_of(computation: Computation) -> tuple[Computation, HeadStatistics]:
    """On the worker: the statistics, with the computation they belong to (it may no longer be the shown one)."""
    return computation, head_statistics(computation)
