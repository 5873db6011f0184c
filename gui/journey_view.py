"""A token's journey: for the chosen token and head, its query, its dot product with every key,
the scaled scores, the softmax weights, and its output as the weighted sum of the value vectors.

All numbers come from core.token_trace; this file only draws them.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from attention_stepper.core.pipeline import subscript
from attention_stepper.core.token_trace import TokenJourney, arithmetic_lines, token_journey

from .fonts import cjk_font
from .i18n import Retranslating
from .model import AttentionModel

BAR_BRUSHES = {"dot": "#1565c0", "scaled": "#6a1b9a", "weights": "#2e7d32"}


class _BarChart(pg.PlotWidget):
    """Bars over the tokens, labelled with them."""

    def __init__(self):
        super().__init__(background="w")
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush="#1565c0")
        self.addItem(self.bars)
        self.heights = np.zeros(0)
        self.getPlotItem().showGrid(y=True, alpha=0.25)
        self.getPlotItem().hideButtons()
        self.getPlotItem().setMenuEnabled(False)
        for name in ("left", "bottom"):
            axis = self.getPlotItem().getAxis(name)
            axis.setPen("#444444")
            axis.setTextPen("#444444")
            axis.setStyle(tickFont=cjk_font(9))

    def show_bars(self, labels: list[str], heights: np.ndarray, brush: str, hidden: np.ndarray | None = None) -> None:
        self.heights = np.array(heights, dtype=np.float64)
        shown = np.where(np.isfinite(self.heights), self.heights, 0.0)
        brushes = [pg.mkBrush("#bdbdbd" if hidden is not None and not hidden[i] else brush) for i in range(len(shown))]
        self.bars.setOpts(x=np.arange(len(shown)), height=shown, width=0.7, brushes=brushes)
        self.getPlotItem().getAxis("bottom").setTicks([list(enumerate(labels))])
        self.getPlotItem().enableAutoRange()


class TokenJourneyView(Retranslating, QWidget):
    #: The person picked another token (0-based).
    tokenChanged = Signal(int)

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._token = min(1, len(model.computation.tokens) - 1)  # the seed article follows 爱, the second token
        self._journey: TokenJourney | None = None
        self.chooser = QComboBox(self)
        self.chooser.currentIndexChanged.connect(self._chosen)
        self.head_label = QLabel(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.charts = {name: _BarChart() for name in ("dot", "scaled", "weights")}
        self.titles = {name: QLabel(self) for name in self.charts}
        self.vectors = QLabel(self)
        self.vectors.setWordWrap(True)
        self.vectors.setFont(cjk_font(10))
        self.arithmetic = QTextBrowser(self)
        top = QHBoxLayout()
        top.addWidget(self.chooser)
        top.addWidget(self.head_label, 1)
        grid = QGridLayout()
        for column, name in enumerate(self.charts):
            grid.addWidget(self.titles[name], 0, column)
            grid.addWidget(self.charts[name], 1, column)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.intro)
        layout.addLayout(grid, 2)
        layout.addWidget(self.vectors)
        layout.addWidget(self.arithmetic, 1)
        model.changed.connect(self.refresh)
        model.headChanged.connect(lambda _head: self.refresh())
        self.retranslate()

    # --- for tests and the window --------------------------------------------------------
    def token(self) -> int:
        return self._token

    def head_shown(self) -> int:
        return self.model.head or 0

    def journey(self) -> TokenJourney | None:
        return self._journey

    def bar_heights(self, name: str) -> np.ndarray:
        return self.charts[name].heights

    def arithmetic_text(self) -> str:
        return self.arithmetic.toPlainText()

    def set_token(self, token: int) -> None:
        """Follow another token (0-based), e.g. one clicked on a panel's axis."""
        if 0 <= token < len(self.model.computation.tokens) and token != self._token:
            self._token = token
            self.refresh()
            self.tokenChanged.emit(token)

    # --- updating -------------------------------------------------------------------------
    def _chosen(self, index: int) -> None:
        if index >= 0:
            self.set_token(index)

    def refresh(self) -> None:
        computation = self.model.computation
        labels = computation.token_labels
        self._token = min(self._token, len(labels) - 1)
        head = self.head_shown()
        journey = token_journey(computation, head, self._token)
        self._journey = journey
        self.chooser.blockSignals(True)
        if [self.chooser.itemText(i) for i in range(self.chooser.count())] != labels:
            self.chooser.clear()
            self.chooser.addItems(labels)
        self.chooser.setCurrentIndex(self._token)
        self.chooser.blockSignals(False)
        self.head_label.setText(self.tr("head {0} (choose a head above the panels; with all heads, head 1)").format(
            head + 1))
        self.charts["dot"].show_bars(labels, journey.dot, BAR_BRUSHES["dot"])
        self.charts["scaled"].show_bars(labels, np.where(journey.visible, journey.scaled, np.nan),
                                        BAR_BRUSHES["scaled"], journey.visible)
        self.charts["weights"].show_bars(labels, journey.weights, BAR_BRUSHES["weights"], journey.visible)
        self.charts["weights"].getPlotItem().setYRange(0, 1)
        i = subscript(head + 1)
        self.vectors.setText(
            f"q{i}({journey.label}) = {np.array2string(journey.query, precision=3, separator=', ')}<br>"
            f"head{i}({journey.label}) = {np.array2string(journey.output, precision=3, separator=', ')}")
        self.arithmetic.setHtml("<br>".join(html.escape(line) for line in arithmetic_lines(journey)))

    def retranslate(self) -> None:
        self.intro.setText(self.tr(
            "Follow one token through one head: its query is compared with every key (dot products), "
            "scaled by √d_k, turned into weights by softmax, and its output is the weighted sum of the "
            "value vectors. Click a token on any panel, or pick it here; its row is outlined in every panel."))
        self.titles["dot"].setText(self.tr("q·k for every key"))
        self.titles["scaled"].setText(self.tr("÷√d_k (grey: masked)"))
        self.titles["weights"].setText(self.tr("softmax weights (sum 1)"))
        self.chooser.setToolTip(self.tr("The token to follow"))
        self.refresh()
