"""The legend under the panels: which hatch stands for which mask (or for float16's overflow and NaN).

The masked scores are −∞ for three different reasons (padding, the causal
mask, a sliding window), each hatched differently in the panels; an −∞ or
NaN that no mask made is a number that did not fit the chosen precision.
Each swatch is painted with the panels' own look (heatmap.style.GAP_LOOKS).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from .heatmap.style import GAP_LOOKS
from .i18n import Retranslating

#: The entries in the order they are listed (heatmap.levels.GAPS names).
ENTRIES = ("padding", "causal", "window", "overflow", "nan")
SWATCH = 16


def swatch(name: str) -> QPixmap:
    """A small square painted as the panels paint a cell of this kind."""
    fill, hatch, pattern = GAP_LOOKS[name]
    pixmap = QPixmap(SWATCH, SWATCH)
    pixmap.fill(fill)
    painter = QPainter(pixmap)
    painter.fillRect(pixmap.rect(), QBrush(hatch, pattern))
    painter.setPen(Qt.GlobalColor.darkGray)
    painter.drawRect(0, 0, SWATCH - 1, SWATCH - 1)
    painter.end()
    return pixmap


class MaskLegend(Retranslating, QWidget):
    """One swatch and its rule for each kind of colourless cell now on screen; hidden when there is none."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(6)
        self._swatches: dict[str, QLabel] = {}
        self._texts: dict[str, QLabel] = {}
        for name in ENTRIES:
            box = QLabel(self)
            box.setPixmap(swatch(name))
            text = QLabel(self)
            text.setWordWrap(True)
            layout.addWidget(box)
            layout.addWidget(text, 1)
            self._swatches[name], self._texts[name] = box, text
        self._shown: tuple[str, ...] = ()
        self._window: int | None = None
        self._causal = False
        self._precision = "float64"
        self.hide()

    def show_entries(self, shown: set[str], window: int | None, causal: bool, precision: str) -> None:
        """List the kinds of cell in ``shown`` (ENTRIES names), their rules written for these settings."""
        self._shown = tuple(name for name in ENTRIES if name in shown)
        self._window, self._causal, self._precision = window, causal, precision
        for name in ENTRIES:
            self._swatches[name].setVisible(name in self._shown)
            self._texts[name].setVisible(name in self._shown)
        self.retranslate()
        self.setVisible(bool(self._shown))

    def entries(self) -> list[str]:
        """The texts listed now, in order."""
        return [self._texts[name].text() for name in self._shown]

    def retranslate(self) -> None:
        window = self._window
        if window is None:
            window_text = ""
        elif self._causal:
            window_text = self.tr("outside the window: {0} or more tokens back (t − s ≥ {0})").format(window)
        else:
            window_text = self.tr("outside the window: {0} or more tokens away (|t − s| ≥ {0})").format(window)
        texts = {
            "padding": self.tr("padding token: no query attends to it"),
            "causal": self.tr("causal mask: a later token (s > t)"),
            "window": window_text,
            "overflow": self.tr("overflow: too large for {0}, so ±∞").format(self._precision),
            "nan": self.tr("NaN: not a number (∞ − ∞ in softmax)"),
        }
        for name, text in texts.items():
            self._texts[name].setText(text)
