"""The scaling lab: why scores are divided by √d_k, shown as curves.

For d_k from 1 to 512 (log scale) the core computes, with the current
sentence and seeded weights, the mean softmax entropy and the mean largest
attention weight with and without the scaling. Without it, entropy falls
and the largest weight climbs towards 1 as d_k grows: softmax saturates.
The curves are recomputed only while the lab is on screen, on the lab's own
worker thread unless they are small (ten forward passes up to d_k 512 take
seconds at 512 tokens); the old curves stay until the new ones arrive.

The variants apply as in the panels (shared key/value heads, biases, RoPE,
ALiBi, the masks, a memory); a note under the introduction says what they
change here: RoPE leaves out the odd d_k, a scale of one's own gets a curve
of its own, and the lab always computes in float64.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from attention_stepper.core.experiments import DEFAULT_D_K_VALUES, ScalingCurves, scaling_curves

from .fonts import cjk_font
from .i18n import Retranslating
from .lazy import RefreshWhenShown
from .model import AttentionModel, Change
from .worker import ComputeWorker

SCALED_PEN = pg.mkPen("#1565c0", width=2)
UNSCALED_PEN = pg.mkPen("#c62828", width=2, style=Qt.PenStyle.DashLine)
REFERENCE_PEN = pg.mkPen("#888888", width=1, style=Qt.PenStyle.DotLine)
CUSTOM_PEN = pg.mkPen("#ef6c00", width=2, style=Qt.PenStyle.DashDotLine)
#: How long the lab waits after a change before recomputing (several forward passes).
RECOMPUTE_DELAY_MS = 150


class ScalingLab(RefreshWhenShown, Retranslating, QWidget):
    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._curves: ScalingCurves | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECOMPUTE_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.worker = ComputeWorker(self)
        self.worker.finished.connect(lambda _ticket, curves: self._draw(curves))
        self.worker.failed.connect(self._failed)

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.note)
        model.changed.connect(self._model_changed)
        self.retranslate()

    # --- what is shown (for tests and export) ---------------------------------------
    def curves(self) -> ScalingCurves | None:
        return self._curves

    def plotted(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(d_k, values) of one drawn curve: entropy_scaled, entropy_unscaled, max_weight_scaled…"""
        item = self.lines[name]
        return np.asarray(item.xData), np.asarray(item.yData)

    # --- updating --------------------------------------------------------------------
    def _model_changed(self, change: Change) -> None:
        if change.parameters:  # the curves come from the parameters alone (seeded weights, every d_k)
            self.mark_stale()

    def refresh_visible(self) -> None:
        # Several forward passes: wait until the spin box or the typing settles.
        self._timer.start()

    def build(self) -> None:
        """The two plots with their curves (see RefreshWhenShown.build)."""
        self.entropy_plot = pg.PlotWidget(background="w")
        self.weight_plot = pg.PlotWidget(background="w")
        self.lines: dict[str, pg.PlotDataItem] = {}
        self.current_lines: list[pg.InfiniteLine] = []
        for plot, kind in ((self.entropy_plot, "entropy"), (self.weight_plot, "max_weight")):
            item = plot.getPlotItem()
            item.setLogMode(x=True, y=False)
            item.showGrid(x=True, y=True, alpha=0.25)
            _legend_below(item)
            for axis in ("left", "bottom"):
                item.getAxis(axis).setPen("#444444")
                item.getAxis(axis).setTextPen("#444444")
                item.getAxis(axis).label.setFont(cjk_font(9))
            self.lines[f"{kind}_scaled"] = item.plot(pen=SCALED_PEN, symbol="o", symbolSize=5,
                                                     symbolBrush="#1565c0", symbolPen=None)
            self.lines[f"{kind}_unscaled"] = item.plot(pen=UNSCALED_PEN, symbol="s", symbolSize=5,
                                                       symbolBrush="#c62828", symbolPen=None)
            self.lines[f"{kind}_custom"] = item.plot(pen=CUSTOM_PEN, symbol="t", symbolSize=6,
                                                     symbolBrush="#ef6c00", symbolPen=None)
            current = pg.InfiniteLine(angle=90, pen=QPen(Qt.GlobalColor.darkGreen, 0, Qt.PenStyle.DashDotLine),
                                      label="", labelOpts={"position": 0.08, "color": "#2e7d32"})
            item.addItem(current)
            self.current_lines.append(current)
        self.uniform_line = self.entropy_plot.getPlotItem().plot(pen=REFERENCE_PEN)
        self.weight_plot.getPlotItem().setYRange(0, 1.02)

        plots = QHBoxLayout()
        plots.addWidget(self.entropy_plot)
        plots.addWidget(self.weight_plot)
        self.layout().addLayout(plots, 1)
        self._retranslate_plots()

    def redraw(self) -> None:
        self._timer.stop()
        parameters = self.model.parameters
        if self.model.computes_at_once(self._estimated_seconds()):
            self.worker.supersede()
            self._draw(scaling_curves(parameters))
        else:
            self.worker.submit(functools.partial(scaling_curves, parameters))

    def _estimated_seconds(self) -> float:
        """The core's estimate of the largest of the lab's passes (about half of all it does)."""
        try:
            return 2 * self.model.estimated_seconds(d_k=DEFAULT_D_K_VALUES[-1], d_v=1)
        except ValueError:
            return math.inf  # sizes the model refuses: let the worker meet the lab's own refusal

    def _failed(self, _ticket: int, error: BaseException) -> None:
        raise error  # to the application's exception hook, as when the lab computed on the GUI thread

    def _draw(self, curves: ScalingCurves) -> None:
        self._curves = curves
        d_k = curves.d_k.astype(float)
        self.lines["entropy_scaled"].setData(d_k, curves.entropy_scaled)
        self.lines["entropy_unscaled"].setData(d_k, curves.entropy_unscaled)
        self.lines["max_weight_scaled"].setData(d_k, curves.max_weight_scaled)
        self.lines["max_weight_unscaled"].setData(d_k, curves.max_weight_unscaled)
        custom = curves.custom_scale is not None
        for kind in ("entropy", "max_weight"):
            line = self.lines[f"{kind}_custom"]
            if custom:
                line.setData(d_k, getattr(curves, f"{kind}_custom"))
            else:
                line.setData([], [])
            line.setVisible(custom)
        self.uniform_line.setData(d_k, np.full(d_k.shape, curves.uniform_entropy))
        for line in self.current_lines:
            line.setValue(np.log10(curves.current_d_k))  # the axis is in log10 units in log mode
            line.label.setFormat(f"d_k = {curves.current_d_k}")
        self.entropy_plot.getPlotItem().setYRange(0, max(curves.uniform_entropy, 1e-3) * 1.05)
        self._retranslate_plots()
        self._write_note()

    def _write_note(self) -> None:
        """What the variants change in the lab (hidden when none does)."""
        curves, parameters = self._curves, self.model.parameters
        if curves is None:
            return
        notes = []
        if curves.skipped_d_k:
            notes.append(self.tr("RoPE turns the entries in pairs, so the odd d_k ({0}) are left out.").format(
                ", ".join(map(str, curves.skipped_d_k))))
        if curves.custom_scale is not None:
            notes.append(self.tr("Orange: your scale S = {0} at every d_k; a fixed S saturates as d_k grows, "
                                 "which is why the usual S is 1/√d_k.").format(f"{curves.custom_scale:g}"))
        if parameters.skip_scaling:
            notes.append(self.tr("The panels skip the scaling: they are the red curve at the green line."))
        if parameters.memory is not None:
            notes.append(self.tr("Cross-attention: the keys are the memory sentence's tokens."))
        used = [name for name, on in ((self.tr("shared key/value heads"), parameters.kv_head_count < parameters.heads),
                                      (self.tr("biases"), parameters.bias), ("RoPE", parameters.rope is not None),
                                      ("ALiBi", parameters.alibi), (self.tr("the causal mask"), parameters.causal),
                                      (self.tr("the window"), parameters.window is not None)) if on]
        if used:
            notes.append(self.tr("As in the panels, with {0}.").format(self.tr(", ").join(used)))
        if parameters.precision != "float64":
            notes.append(self.tr("The lab computes in float64, whatever the panels' precision ({0}): "
                                 "it is about the scale, not the rounding.").format(parameters.precision))
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))

    def retranslate(self) -> None:
        self.intro.setText(self.tr(
            "Why divide by √d_k? With random queries and keys, a dot product of d_k terms grows like √d_k. "
            "Without the scaling (red, dashed) softmax saturates as d_k grows: the entropy falls and one "
            "token takes almost all the weight. With it (blue) the attention stays spread out at every d_k. "
            "The green line is the current d_k."))
        self.setToolTip(self.tr("Computed by the core for d_k = 1, 2, 4 … 512 with the current sentence, "
                                "heads, d_model and seed"))
        if self.is_built():
            self._retranslate_plots()
            self._write_note()

    def _retranslate_plots(self) -> None:
        entropy, weight = self.entropy_plot.getPlotItem(), self.weight_plot.getPlotItem()
        entropy.setTitle(self.tr("Mean softmax entropy"), color="#222222")
        weight.setTitle(self.tr("Mean largest attention weight"), color="#222222")
        for item in (entropy, weight):
            item.setLabel("bottom", self.tr("d_k (log scale)"))
        entropy.setLabel("left", self.tr("entropy (nats)"))
        weight.setLabel("left", self.tr("largest weight"))
        for item in (entropy, weight):
            legend = item.legend
            legend.clear()
            kind = "entropy" if item is entropy else "max_weight"
            legend.addItem(self.lines[f"{kind}_scaled"], self.tr("scaled: softmax(QKᵀ/√d_k)"))
            legend.addItem(self.lines[f"{kind}_unscaled"], self.tr("unscaled: softmax(QKᵀ)"))
            if self._curves is not None and self._curves.custom_scale is not None:
                legend.addItem(self.lines[f"{kind}_custom"], self.tr("your scale: softmax({0}·QKᵀ)").format(
                    f"{self._curves.custom_scale:g}"))
        entropy.legend.addItem(self.uniform_line, self.tr("even attention (ln n)"))
        # The same room under both plots, so that their data areas stay side by side at one height.
        room = max(item.legend.layout.preferredHeight() for item in (entropy, weight))
        for item in (entropy, weight):
            item.layout.setRowFixedHeight(4, room)


def _legend_below(item: pg.PlotItem) -> pg.LegendItem:
    """A legend under the plot's d_k axis, outside the data area: anchored inside it (pyqtgraph's
    ``addLegend``), it hid the unscaled curve where the largest weight climbs to 1 at the top right."""
    legend = pg.LegendItem(offset=None, colCount=1, labelTextColor="#222222", frame=False)
    legend.layout.setContentsMargins(0, 0, 0, 0)
    legend.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
    item.layout.addItem(legend, 4, 1)  # rows: title, top axis, view box, bottom axis; this one is free
    item.layout.setAlignment(legend, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    item.layout.setRowStretchFactor(4, 0)
    item.legend = legend  # where pyqtgraph keeps a plot's legend (addLegend sets it too)
    return legend
