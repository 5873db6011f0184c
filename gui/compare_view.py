"""The Compare tab: someone's own implementation next to the reference, step by step, and what went wrong.

File → Compare with my implementation… opens a dump (see docs/compare.md);
the configuration comes from the dump's config.json member, or else from the
current controls. The tab shows the report's table of errors, the
diagnosis with its explanation, and for the chosen step three heatmaps: the
dumped matrix, ours and their difference. Every number comes from the core's
report (attention_stepper.core.compare); nothing is computed here.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from attention_stepper.core.compare import Report, compare
from attention_stepper.core.dumps import DumpError, read_dump
from attention_stepper.core.formulas import subscript
from attention_stepper.core.lesson import LESSON

from .i18n import Retranslating, core_text
from .model import AttentionModel, Change

from .heatmap import MatrixPanel

#: The lesson step that computes each dumped array (q, k, v → project; weights → softmax…).
LESSON_STEP_OF = {name: step.key for step in LESSON for name in step.outputs}


class CompareView(Retranslating, QWidget):
    """Open a dump, see where it diverges and why; the heatmaps follow the lesson's current step."""

    #: The lesson step of the first divergence ("" when everything matches or no dump is open).
    divergenceChanged = Signal(str)
    #: The person pressed "Open a dump…" (the main window asks for the file).
    openRequested = Signal()

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._report: Report | None = None
        self._path = ""
        self._error = ""
        self._shown: dict[str, tuple[np.ndarray, list[str], list[str], str]] = {}

        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self.openRequested)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict = QLabel(self)
        self.verdict.setWordWrap(True)
        self.diagnosis = QLabel(self)
        self.diagnosis.setWordWrap(True)
        self.diagnosis.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget(self)
        self.table.setColumnCount(6)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(lambda row, _column: self.step_box.setCurrentIndex(row))
        self.step_label = QLabel(self)
        self.step_box = QComboBox(self)
        self.step_box.currentIndexChanged.connect(lambda _index: self._show_step())
        self.head_label = QLabel(self)
        self.head_box = QSpinBox(self)
        self.head_box.setMinimum(1)
        self.head_box.valueChanged.connect(lambda _value: self._show_step())
        self.yours_panel, self.ours_panel, self.difference_panel = MatrixPanel(self), MatrixPanel(self), MatrixPanel(self)

        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.summary, 1)
        chooser = QHBoxLayout()
        for widget in (self.step_label, self.step_box, self.head_label, self.head_box):
            chooser.addWidget(widget)
        chooser.addStretch(1)
        panels = QWidget(self)
        panels_layout = QHBoxLayout(panels)
        panels_layout.setContentsMargins(0, 0, 0, 0)
        for panel in (self.yours_panel, self.ours_panel, self.difference_panel):
            panel.setMinimumSize(100, 100)  # the window must still fit 900 pixels (see test_main_window)
            panels_layout.addWidget(panel)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(panels)
        splitter.setSizes([180, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.verdict)
        layout.addWidget(self.diagnosis)
        layout.addLayout(chooser)
        layout.addWidget(splitter, 1)
        model.changed.connect(self._model_changed)
        self.retranslate()

    # --- for tests and the main window ---------------------------------------------------
    @property
    def report(self) -> Report | None:
        return self._report

    @property
    def error(self) -> str:
        """Why the last dump was refused ("" when it was read)."""
        return self._error

    def shown(self) -> dict[str, tuple[np.ndarray, list[str], list[str], str]]:
        """What each heatmap was last given: "yours", "ours", "difference" -> (matrix, rows, columns, title)."""
        return dict(self._shown)

    def current_step(self) -> str | None:
        return self.step_box.currentData()

    def diverging_lesson_step(self) -> str:
        report = self._report
        return "" if report is None or report.first_divergence is None else LESSON_STEP_OF[report.first_divergence]

    # --- opening ---------------------------------------------------------------------------
    def open_dump(self, path: str | os.PathLike) -> bool:
        """Compare the dump at ``path``; False (and the reason shown) when it cannot be used."""
        try:
            raw = read_dump(path)
            report = compare(raw, None if raw.config is not None else self.model.parameters)
        except (DumpError, MemoryError) as error:
            self._error = str(error) if isinstance(error, DumpError) else f"{path}: not enough memory"
            self.retranslate()
            return False
        self._error = ""
        self._path = os.fspath(path)
        self.set_report(report)
        return True

    def set_report(self, report: Report) -> None:
        """Show a report (the one :meth:`open_dump` made, or any other)."""
        self._report = report
        with QSignalBlocker(self.step_box):
            self.step_box.clear()
            for result in report.steps:
                self.step_box.addItem(result.step, result.step)
        first = report.first_divergence
        self.follow_step(prefer=first)
        self.retranslate()
        self.divergenceChanged.emit(self.diverging_lesson_step())

    def _model_changed(self, change: Change) -> None:
        if change.step:
            self.follow_step()

    def follow_step(self, prefer: str | None = None) -> None:
        """Show the dumped step of the lesson's current step (or ``prefer``), if the dump holds one."""
        if self._report is None or not self._report.steps:
            self._show_step()
            return
        names = [result.step for result in self._report.steps]
        lesson_step = self.model.step.key
        here = [name for name in names if LESSON_STEP_OF[name] == lesson_step]
        wanted = prefer if isinstance(prefer, str) and prefer in names else (here[0] if here else None)
        if wanted is not None and wanted != self.current_step():
            self.step_box.setCurrentIndex(names.index(wanted))  # shows it
        else:
            self._show_step()

    # --- showing ---------------------------------------------------------------------------
    def _fill_table(self) -> None:
        report = self._report
        self.table.setRowCount(0 if report is None else len(report.steps))
        for row, result in enumerate(report.steps if report else ()):
            cell = result.worst
            where = "" if cell is None else self._where(cell, result.step in report.kv_steps)
            status = "✓" if result.matches else f"✗ {result.mismatched}/{result.cells}"
            values = (result.step, f"{result.max_abs:.3g}", f"{result.max_rel:.3g}", where, status,
                      "" if cell is None else f"{cell.yours:.6g} / {cell.ours:.6g}")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if not result.matches:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def _show_step(self) -> None:
        report, name = self._report, self.current_step()
        if report is None or name is None:
            self.head_box.setVisible(False)
            self.head_label.setVisible(False)
            return
        yours, ours, difference = report.yours[name], report.ours[name], report.difference(name)
        per_head = ours.ndim == 3
        self.head_box.setVisible(per_head)
        self.head_label.setVisible(per_head)
        head = 0
        if per_head:
            with QSignalBlocker(self.head_box):
                self.head_box.setMaximum(difference.shape[0])
            head = self.head_box.value() - 1
            yours = yours[0 if yours.shape[0] == 1 else head]
            ours, difference = ours[head], difference[head]
        rows, columns = report.labels[name]
        suffix = subscript(head + 1) if per_head else ""
        kind = "probability" if name == "weights" else "signed"
        titles = {"yours": self.tr("yours: {0}").format(name + suffix), "ours": self.tr("ours: {0}").format(
            name + suffix), "difference": self.tr("yours − ours")}
        for key, panel, matrix, panel_kind in (("yours", self.yours_panel, yours, kind),
                                               ("ours", self.ours_panel, ours, kind),
                                               ("difference", self.difference_panel, difference, "signed")):
            panel.set_matrix(matrix, rows, columns, titles[key], kind=panel_kind)
            self._shown[key] = (matrix, rows, columns, titles[key])

    def retranslate(self) -> None:
        self.open_button.setText(self.tr("Open a dump…"))
        self.open_button.setToolTip(self.tr("Compare the intermediates of your own attention code with ours"))
        self.step_label.setText(self.tr("Step:"))
        self.head_label.setText(self.tr("Head:"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Step"), self.tr("Max abs error"), self.tr("Max rel error"), self.tr("Worst cell"),
            self.tr("Match"), self.tr("Yours / ours there")])
        report = self._report
        if self._error:
            self.summary.setText(self.tr("Could not use this dump: {0}").format(self._error))
        elif report is None:
            self.summary.setText(self.tr(
                "Save x, the weights and the intermediates of your own attention code with numpy.savez "
                "(q, k, v, scores, weights, output…), then open the file: each step is compared with ours "
                "and the known mistakes are tried to explain the first difference."))
        else:
            self.summary.setText(self.tr("{0}: {1} (tolerance {2} + {3}·|ours|)").format(
                self._path or report.source, self._describe(report),
                f"{report.atol:g}", f"{report.rtol:g}"))
        if report is None:
            self.verdict.setText("")
            self.diagnosis.setText("")
            if self._shown:
                self._show_step()
            return
        if report.first_divergence is None:
            self.verdict.setText(self.tr("All steps match."))
        else:
            self.verdict.setText(self.tr("First divergence: {0} (the step marked red on the step bar)").format(
                report.first_divergence))
        self._fill_table()
        what, fix = report.explanation
        text = f"<b>{self.tr('Diagnosis:')} {report.diagnosis}</b><br>{core_text(what)}"
        if report.diagnosis != "none":
            text += f"<br><i>{self.tr('How to fix it:')}</i> {core_text(fix)}"
        self.diagnosis.setText(text)
        self._show_step()

    def _where(self, cell, kv: bool) -> str:
        """The worst cell as a person reads it: "head 2 [t1, t3]"."""
        place = f"[{cell.row}, {cell.column}]"
        if cell.head is None:
            return place
        if cell.head < 0:
            return self.tr("all heads {0}").format(place)
        return (self.tr("key/value head {0} {1}") if kv else self.tr("head {0} {1}")).format(cell.head + 1, place)

    def _describe(self, report: Report) -> str:
        """The configuration compared with, in a few translated words."""
        p = report.parameters
        parts = [self.tr("{0} tokens").format(report.tokens), self.tr("heads {0}").format(p.heads)]
        if p.kv_head_count != p.heads:
            parts.append(self.tr("key/value heads {0}").format(p.kv_head_count))
        parts += [f"d_model {p.d_model}", f"d_k {p.d_k}", f"d_v {p.value_dim}"]
        if p.memory is not None:
            parts.append(self.tr("cross-attention ({0} memory tokens)").format(report.keys))
        switches = ((p.bias, self.tr("biases")), (p.causal, self.tr("causal")),
                    (p.window is not None, self.tr("window {0}").format(p.window)),
                    (p.rope, f"RoPE {p.rope} ({p.rope_base:g})"), (p.alibi, "ALiBi"),
                    (p.skip_scaling, self.tr("unscaled")),
                    (p.scale is not None, self.tr("scale {0}").format(f"{p.scale_factor:g}")),
                    (p.precision != "float64", p.precision))
        parts += [text for used, text in switches if used]
        return self.tr(", ").join(parts)
