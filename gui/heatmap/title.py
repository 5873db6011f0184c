"""A panel's title: one prepared line of text, centred over the heatmap, elided when too long.

pyqtgraph's title is a LabelItem: a QGraphicsTextItem holding an HTML
document, in a layout item of its own. One prepared line does the same job
with less work per paint and per panel, and a title too long for a narrow
panel ends in "…" instead of pushing the heatmap out of the panel.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from .style import FOREGROUND, prepared_text


class Title(pg.GraphicsWidget):
    """The title line; its height is fixed, so a new title never lays the panel out again."""

    HEIGHT = 16

    def __init__(self, font: QFont):
        super().__init__()
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self._text = ""
        self._elided: tuple[tuple[float, str], str] = ((-1.0, ""), "")  # ((width, text), what fits)
        self.setMinimumHeight(self.HEIGHT)
        self.setMaximumHeight(self.HEIGHT)

    def set_font(self, font: QFont, height: int) -> None:
        """Write in ``font``, on a line ``height`` pixels high (the panel's zoom scales both)."""
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self._elided = ((-1.0, ""), "")
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        self.update()

    def title_font(self) -> QFont:
        return QFont(self._font)

    def set_text(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def shown(self) -> str:
        """The title as it fits the current width: whole, or shortened with "…"."""
        key = (self.boundingRect().width(), self._text)
        if self._elided[0] != key:
            self._elided = (key, self._metrics.elidedText(self._text, Qt.TextElideMode.ElideRight, key[0]))
        return self._elided[1]

    def paint(self, painter, option, widget=None):
        if not self._text:
            return
        rect = self.boundingRect()
        static = prepared_text(self.shown(), self._font)
        size = static.size()
        painter.setPen(FOREGROUND)
        painter.setFont(self._font)
        painter.drawStaticText(QPointF(rect.center().x() - size.width() / 2, rect.center().y() - size.height() / 2),
                               static)
