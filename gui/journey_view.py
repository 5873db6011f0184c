"""A token's journey: for the chosen token and head, its query, its dot product with every key,
the scaled scores, the softmax weights, and its output as the weighted sum of the value vectors.

All numbers come from core.token_trace; this file only draws them.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSignalBlocker, QStringListModel, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from attention_stepper.core.formulas import subscript
from attention_stepper.core.token_trace import TokenJourney, arithmetic_lines, token_journey

from .fonts import cjk_font
from .i18n import Retranslating, core_text
from .lazy import RefreshWhenShown
from .heatmap import MatrixPanel, format_cell
from .heatmap.levels import elide, label_ticks
from .model import AttentionModel, Change

BAR_BRUSHES = {"dot": "#1565c0", "scaled": "#6a1b9a", "weights": "#2e7d32"}
MASKED_BRUSH = "#bdbdbd"
#: Each bar's value is written on it up to this many tokens (beyond, hover the arithmetic or the panels).
MAX_BAR_VALUES = 12
#: Bars are outlined up to this many tokens; narrower bars are drawn in their colour alone.
MAX_OUTLINED_BARS = 48


class _ThinnedLabelAxis(pg.AxisItem):
    """The tokens under the bars, every k-th one when they do not all fit (200 tokens), never overlapping.

    The ticks hold every label (``setTicks``); the drawing shows every
    stride-th, the stride worked out from the axis's length in pixels and the
    widest label (heatmap.levels.label_ticks, as on the panels' axes), so the
    labels stay readable at any width and sentence length.
    """

    #: Pixels between two labels drawn side by side.
    GAP = 6.0

    def __init__(self, orientation: str = "bottom"):
        super().__init__(orientation)
        self.setStyle(hideOverlappingLabels=15)  # the first and last token may stick out past the ends a little
        self._drawn: list[tuple[QRectF, str]] = []

    def drawn_labels(self) -> list[tuple[QRectF, str]]:
        """The labels drawn at the last paint, with their rectangles (in the axis's coordinates)."""
        return list(self._drawn)

    def generateDrawSpecs(self, p):  # noqa: N802 (pyqtgraph's name)
        every = self._tickLevels
        if not every or not every[0]:
            return self._remember(super().generateDrawSpecs(p))
        labels = every[0]
        metrics = QFontMetricsF(self.style["tickFont"] or p.font())
        widest = max(metrics.horizontalAdvance(elide(text)) for _, text in labels)
        low, high = self.range
        chosen = label_ticks(len(labels), low, high, self.geometry().width(), widest, self.GAP, most=len(labels))
        indices = [] if chosen is None else chosen[1]
        self._tickLevels = [[(labels[i][0], elide(labels[i][1])) for i in indices]]
        try:
            return self._remember(super().generateDrawSpecs(p))
        finally:
            self._tickLevels = every

    def _remember(self, specs):
        self._drawn = [] if specs is None else [(QRectF(rect), text) for rect, _flags, text in specs[2]]
        return specs


class _BarChart(pg.PlotWidget):
    """Bars over the tokens, labelled with them; each bar's value is written on it for short sentences.

    ``heights`` keeps the float64 row it was given, exactly (NaN for masked bars);
    the bars drawn are float64 too. Masked bars are grey, drawn at 0 and marked "−∞".
    """

    def __init__(self):
        super().__init__(background="w", axisItems={"bottom": _ThinnedLabelAxis()})
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush="#1565c0")
        self.addItem(self.bars)
        self.heights = np.zeros(0)
        self._value_items: list[pg.TextItem] = []
        self._value_font = cjk_font(8)
        self._masked_font = cjk_font(14)
        self.getPlotItem().showGrid(y=True, alpha=0.25)
        self.getPlotItem().hideButtons()
        self.getPlotItem().setMenuEnabled(False)
        self.getPlotItem().setMouseEnabled(x=False, y=False)
        for name in ("left", "bottom"):
            axis = self.getPlotItem().getAxis(name)
            axis.setPen("#444444")
            axis.setTextPen("#444444")
            axis.setStyle(tickFont=cjk_font(9))

    def drawn_labels(self) -> list[tuple[QRectF, str]]:
        """The token labels drawn under the bars at the last paint (thinned when crowded), with their rectangles."""
        return self.getPlotItem().getAxis("bottom").drawn_labels()

    def value_texts(self) -> list[str]:
        """The numbers written on the bars (empty when there are too many bars)."""
        return [item.toPlainText() for item in self._value_items]

    def show_bars(self, labels: list[str], heights: np.ndarray, brush: str, visible: np.ndarray | None = None,
                  y_range: tuple[float, float] | None = None) -> None:
        self.heights = np.array(heights, dtype=np.float64)
        count = len(self.heights)
        hidden = np.zeros(count, dtype=bool) if visible is None else ~np.asarray(visible, dtype=bool)
        shown = np.where(hidden | ~np.isfinite(self.heights), 0.0, self.heights)
        brushes = [pg.mkBrush(MASKED_BRUSH if hidden[i] else brush) for i in range(count)]
        # Bars a pixel or two wide would show only their grey outline: no outline beyond MAX_OUTLINED_BARS.
        pen = pg.getConfigOption("foreground") if count <= MAX_OUTLINED_BARS else None
        self.bars.setOpts(x=np.arange(count), height=shown, width=0.7, brushes=brushes, pen=pen)
        self.getPlotItem().getAxis("bottom").setTicks([list(enumerate(labels))])
        if y_range is None:
            low, high = min(0.0, float(shown.min(initial=0.0))), max(0.0, float(shown.max(initial=0.0)))
            span = high - low or 1.0
            pad = 0.15 * span  # room for the numbers above and below the bars (and for the 0 tick)
            y_range = (low - (pad if low < 0 else 0.03 * span), high + (pad if high > 0 else 0.03 * span))
        box = self.getPlotItem().getViewBox()
        for item in self._value_items:
            box.removeItem(item)
        self._value_items = []
        if count <= MAX_BAR_VALUES:
            for i, height in enumerate(shown):
                if not np.isfinite(self.heights[i]):
                    # A masked score (or one float16 overflowed, or NaN) has no bar: mark its place, halfway up.
                    text = "−∞" if hidden[i] else format_cell(self.heights[i])
                    item = pg.TextItem(text, color="#777777" if hidden[i] else "#c62828", anchor=(0.5, 0.5))
                    item.setPos(i, (y_range[0] + y_range[1]) / 2)
                    item.setFont(self._masked_font)
                else:
                    # Above a bar that goes up, below one that goes down.
                    item = pg.TextItem(format_cell(height), color="#888888" if hidden[i] else "#222222",
                                       anchor=(0.5, 1.0) if height >= 0 else (0.5, 0.0))
                    item.setPos(i, height)
                    item.setFont(self._value_font)
                box.addItem(item, ignoreBounds=True)
                self._value_items.append(item)
        self.getPlotItem().setXRange(-0.6, count - 0.4, padding=0)
        self.getPlotItem().setYRange(*y_range, padding=0)


class TokenJourneyView(RefreshWhenShown, Retranslating, QWidget):
    #: The person picked another token (0-based).
    tokenChanged = Signal(int)

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._token = min(1, len(model.computation.tokens) - 1)  # the seed article follows 爱, the second token
        self._journey: TokenJourney | None = None
        self.chooser = QComboBox(self)
        # One call replaces every item (a paragraph has hundreds of tokens; addItems added them one by one).
        self._token_list = QStringListModel(self)
        self.chooser.setModel(self._token_list)
        self.chooser.currentIndexChanged.connect(self._chosen)
        # The journey's own head: it follows the head chosen on the Steps tab, and can be chosen here.
        self._head = model.head or 0
        self.head_chooser = QComboBox(self)
        self.head_chooser.currentIndexChanged.connect(self._head_chosen)
        self.head_label = QLabel(self)
        self.head_label.setWordWrap(True)  # the variants add to it: it must not widen the window
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.chooser)
        top.addWidget(self.head_chooser)
        top.addWidget(self.head_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.intro)
        # Following the sentence is cheap and other views rely on it (the outlined row);
        # the bars, panels and arithmetic are made and drawn when the tab is shown (see build).
        model.changed.connect(self._model_changed)
        self._follow_heads()
        self._follow_sentence()
        self.retranslate()

    # --- for tests and the window --------------------------------------------------------
    def token(self) -> int:
        return self._token

    def head_shown(self) -> int:
        """The head followed (0-based): the one chosen here, or on the Steps tab (with all heads, head 1)."""
        return self._head

    def journey(self) -> TokenJourney | None:
        self.ensure_fresh()
        return self._journey

    def bar_heights(self, name: str) -> np.ndarray:
        self.ensure_fresh()
        return self.charts[name].heights

    def arithmetic_text(self) -> str:
        self.ensure_fresh()
        return self.arithmetic.toPlainText()

    def set_token(self, token: int) -> None:
        """Follow another token (0-based), e.g. one clicked on a panel's axis."""
        if 0 <= token < len(self.model.computation.tokens) and token != self._token:
            self._token = token
            self._show_chosen_token()
            self.mark_stale()
            self.tokenChanged.emit(token)

    # --- updating -------------------------------------------------------------------------
    def _model_changed(self, change: Change) -> None:
        if change.head:  # a head chosen on the Steps tab is followed here too; all heads: head 1
            self._head = self.model.head or 0
        if change.computation or change.head:
            self._follow_heads()
        if change.computation:
            self._follow_sentence()  # marks the view stale too
        elif change.head:
            self.mark_stale()

    def _head_chosen(self, index: int) -> None:
        if index >= 0 and index != self._head:
            self._head = index
            self.mark_stale()

    def _follow_heads(self) -> None:
        """One entry per head, and the head followed within them."""
        heads = self.model.parameters.heads
        self._head = min(self._head, heads - 1)
        with QSignalBlocker(self.head_chooser):
            if self.head_chooser.count() != heads:
                self.head_chooser.clear()
                self.head_chooser.addItems([self.tr("Head {0}").format(head + 1) for head in range(heads)])
            self.head_chooser.setCurrentIndex(self._head)

    def _chosen(self, index: int) -> None:
        if index >= 0:
            self.set_token(index)

    def _follow_sentence(self) -> None:
        """Keep the chooser on the new tokens, and the chosen token within them."""
        labels = self.model.computation.token_labels
        clamped = self._token > len(labels) - 1
        self._token = min(self._token, len(labels) - 1)
        self._show_chosen_token()
        self.mark_stale()
        if clamped:
            self.tokenChanged.emit(self._token)

    def _show_chosen_token(self) -> None:
        labels = self.model.computation.token_labels
        with QSignalBlocker(self.chooser):
            if self._token_list.stringList() != labels:
                self._token_list.setStringList(labels)
            self.chooser.setCurrentIndex(self._token)

    def build(self) -> None:
        """The bar charts, the two panels and the arithmetic (see RefreshWhenShown.build)."""
        self.charts = {name: _BarChart() for name in ("dot", "scaled", "weights")}
        self.titles = {name: QLabel(self) for name in self.charts}
        # The query, and the output as the weighted sum: one row per weighted value vector, the sum last.
        self.query_panel = MatrixPanel(self)
        self.sum_panel = MatrixPanel(self)
        self.arithmetic = QTextBrowser(self)
        grid = QGridLayout()
        for column, name in enumerate(self.charts):
            grid.addWidget(self.titles[name], 0, column)
            grid.addWidget(self.charts[name], 1, column)
        layout = self.layout()
        layout.addLayout(grid, 3)
        vectors = QHBoxLayout()
        vectors.addWidget(self.query_panel, 2)
        vectors.addWidget(self.sum_panel, 3)
        layout.addLayout(vectors, 2)
        layout.addWidget(self.arithmetic, 2)
        self._retranslate_titles()

    def redraw(self) -> None:
        computation = self.model.computation
        labels = computation.token_labels
        token = self._token  # within the tokens: the model tells the view once, after it has settled
        head = self.head_shown()
        journey = token_journey(computation, head, token)
        self._journey = journey
        self.head_label.setText(self._head_text(journey))
        keys = journey.key_labels
        self.charts["dot"].show_bars(keys, journey.dot, BAR_BRUSHES["dot"])
        self.charts["scaled"].show_bars(keys, np.where(journey.visible, journey.logits, np.nan),
                                        BAR_BRUSHES["scaled"], journey.visible)
        self.charts["weights"].show_bars(keys, journey.weights, BAR_BRUSHES["weights"], journey.visible,
                                         y_range=(-0.03, 1.12))
        i = subscript(head + 1)
        label = journey.label
        query = f"q′{i}({label})" if journey.rotated else f"q{i}({label})"
        self.query_panel.set_matrix(journey.query[None, :], [query], computation.labels("q")[1], query)
        # Stacked, not computed: the rows are the core's weighted values and output.
        self.sum_panel.set_matrix(
            np.vstack([journey.weighted_values, journey.output[None, :]]),
            [f"{format_cell(w)}·v({s})" for w, s in zip(journey.weights, keys)] + [f"= head{i}({label})"],
            computation.labels("v")[1], f"head{i}({label}) = Σ aₛ·v(s)")
        self.sum_panel.highlight_row(len(keys))
        lines = arithmetic_lines(journey, translate=core_text)
        self.arithmetic.setHtml("<br>".join(html.escape(line) for line in lines))
        self._retranslate_titles()

    def _head_text(self, journey: TokenJourney) -> str:
        """Which head is followed, and what of the variants it uses (shared key/value head, memory, RoPE)."""
        parameters = self.model.parameters
        parts = [self.tr("head {0} (choose it here or on the Steps tab)").format(journey.head + 1)]
        if parameters.kv_head_count < parameters.heads:
            parts.append(self.tr("its keys and values are key/value head {0}'s, shared").format(journey.kv_head + 1))
        if parameters.memory is not None:
            parts.append(self.tr("the keys are the memory sentence's tokens"))
        if journey.rotated:
            parts.append(self.tr("q′ and k′ are turned by RoPE"))
        return " · ".join(parts)

    def retranslate(self) -> None:
        self.intro.setText(self.tr(
            "Follow one token through one head: its query is compared with every key (dot products), "
            "scaled by √d_k, turned into weights by softmax, and its output is the weighted sum of the "
            "value vectors. Click a token on any panel, or pick it here; its row is outlined in every panel."))
        self.chooser.setToolTip(self.tr("The token to follow"))
        self.head_chooser.setToolTip(self.tr("The head to follow (choosing a head on the Steps tab chooses it here too)"))
        with QSignalBlocker(self.head_chooser):
            for head in range(self.head_chooser.count()):
                self.head_chooser.setItemText(head, self.tr("Head {0}").format(head + 1))
        if self.is_built():
            self._retranslate_titles()
        self.mark_stale()  # the head label is written with the rest

    def _retranslate_titles(self) -> None:
        parameters = self.model.parameters
        rotated = parameters.rope is not None
        self.titles["dot"].setText(self.tr("q′·k′ for every key") if rotated else self.tr("q·k for every key"))
        if parameters.skip_scaling:
            scaled = self.tr("not scaled")
        elif parameters.scale is not None:
            scaled = self.tr("× {0}").format(f"{parameters.scale:g}")
        else:
            scaled = "÷√d_k"
        if parameters.alibi:
            scaled = self.tr("{0}, + ALiBi").format(scaled)
        self.titles["scaled"].setText(self.tr("{0} (grey: masked)").format(scaled))
        self.titles["weights"].setText(self.tr("softmax weights (sum 1)"))
