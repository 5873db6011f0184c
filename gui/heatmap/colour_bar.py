"""The colour scale to the right of a heatmap: its colour table as a strip, with round tick values.

A small drawing of its own rather than pyqtgraph's ColorBarItem, which is a
whole PlotItem with four AxisItems: the levels change with almost every
matrix, and laying ColorBarItem's axis out again cost more than updating the
heatmap itself.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QGradient, QLinearGradient, QPen

from .levels import scale_ticks
from .pixels import on_whole_pixels
from .style import FOREGROUND, prepared_text


class ColourBar(pg.GraphicsWidget):
    """The strip, low values at the bottom, and its ticks; as wide as its widest likely tick text.

    With a caption (which scale the colours follow, when not the plain one)
    the caption runs up the bar's right edge and the bar is one line wider.
    """

    STRIP_WIDTH = 8
    TICK_LENGTH = 3
    MARGIN = 1

    def __init__(self, font: QFont):
        super().__init__()
        self._levels = (0.0, 1.0)
        self._scale = "linear"
        self._caption = ""
        self._ticks: list[tuple[float, str]] | None = None
        self._brush: QBrush | None = None
        self._pen = QPen(FOREGROUND)
        self._pen.setCosmetic(True)
        self.set_font(font)

    def set_font(self, font: QFont) -> None:
        """Write the ticks (and the caption) in ``font``: the panel's zoom scales it, and the bar's width with it."""
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self._fit_width()
        self.update()

    def _fit_width(self) -> None:
        width = self.STRIP_WIDTH + self.TICK_LENGTH + 2 + self._metrics.horizontalAdvance("−0.025") + 2
        if self._caption:
            width += self._metrics.height() + 2
        self.setMinimumWidth(width)
        self.setMaximumWidth(width)

    def set_scale(self, scale: str, caption: str) -> None:
        """Ticks for ``scale`` (levels.SCALES: powers of ten on the logarithmic one) and the caption saying it."""
        if (scale, caption) == (self._scale, self._caption):
            return
        widen = bool(caption) != bool(self._caption)
        self._scale, self._caption = scale, caption
        self._ticks = None
        if widen:
            self._fit_width()
        self.update()

    def caption(self) -> str:
        """The caption beside the strip: "" for the plain scale."""
        return self._caption

    def set_colours(self, table: np.ndarray) -> None:
        """``table``: N × 3 uint8 lookup table, low values first (drawn at the bottom)."""
        # A gradient in the filled rectangle's own coordinates: no image to scale at every paint
        # (drawing an image or pixmap there took far longer than a gradient fill).
        gradient = QLinearGradient(0.0, 1.0, 0.0, 0.0)
        gradient.setCoordinateMode(QGradient.CoordinateMode.ObjectMode)
        last = len(table) - 1
        for index in range(0, len(table), max(1, len(table) // 64)):
            red, green, blue = (int(channel) for channel in table[index, :3])
            gradient.setColorAt(index / last, QColor(red, green, blue))
        red, green, blue = (int(channel) for channel in table[last, :3])
        gradient.setColorAt(1.0, QColor(red, green, blue))
        self._brush = QBrush(gradient)
        self.update()

    def set_levels(self, levels: tuple[float, float]) -> None:
        if levels != self._levels:
            self._levels = levels
            self._ticks = None  # worked out when next painted
            self.update()

    def levels(self) -> tuple[float, float]:
        """The values at the bottom and the top of the strip."""
        return self._levels

    def ticks(self) -> list[tuple[float, str]]:
        """The (value, text) ticks drawn beside the strip."""
        if self._ticks is None:
            self._ticks = scale_ticks(self._scale, self._levels)
        return self._ticks

    def paint(self, painter, option, widget=None):
        rect = self.boundingRect()
        half_text = self._metrics.height() / 2
        strip = QRectF(rect.left() + self.MARGIN, rect.top() + self.MARGIN,
                       self.STRIP_WIDTH, rect.height() - 2 * self.MARGIN)
        if strip.height() <= 0:
            return
        if self._brush is not None:
            painter.fillRect(strip, self._brush)
        painter.setPen(self._pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(strip)
        low, high = self.levels()
        if high <= low:
            return
        painter.setFont(self._font)
        right = strip.right()
        text_left = right + self.TICK_LENGTH + 2
        for value, text in self.ticks():
            y = strip.bottom() - (value - low) / (high - low) * strip.height()
            painter.drawLine(on_whole_pixels(painter, QPointF(right, y)),
                             on_whole_pixels(painter, QPointF(right + self.TICK_LENGTH, y)))
            top = min(max(y - half_text, rect.top()), rect.bottom() - 2 * half_text)
            static = prepared_text(text, self._font)  # the same few tick texts recur
            painter.drawStaticText(QPointF(text_left, top + half_text - static.size().height() / 2), static)
        if self._caption:  # up the right edge, read from the bottom, centred
            static = prepared_text(self._metrics.elidedText(self._caption, Qt.TextElideMode.ElideRight,
                                                            strip.height()), self._font)
            painter.save()
            painter.translate(rect.right() - 1 - static.size().height(), strip.center().y() + static.size().width() / 2)
            painter.rotate(-90)
            painter.drawStaticText(QPointF(0, 0), static)
            painter.restore()

