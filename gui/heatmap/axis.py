"""The axis of token (or dimension) labels along a heatmap's rows or columns.

pyqtgraph's AxisItem is made for numbers: it measures every label with
QPainter.boundingRect and records a QPicture whenever the labels, its size or
the range change, and every update of a panel changes one of them. This axis
keeps AxisItem's place in the plot (its link to the view box, its size in the
layout) and draws by itself: labels laid out once as QStaticText, and where
everything goes worked out once per labels, size and range.
"""

from __future__ import annotations

import heapq
import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QStaticText

from .levels import elide, label_room, label_ticks
from .pixels import on_whole_pixels
from .style import prepared_text

#: Tick marks point this many pixels into the view box.
TICK_LENGTH = 3
#: Pixels between the ticks' side of the axis and the labels.
TEXT_OFFSET = 3
#: pyqtgraph's default room for labels: 30 px wide on the left, 18 px high on top.
DEFAULT_ROOM = {"left": 30, "top": 18}
#: How far a label may stick out past the axis's ends on the left axis (pyqtgraph's 15 px).
LEFT_OVERHANG = 15

_MEASURED: dict[tuple[str, tuple[str, ...]], tuple[list[str], float, float, float]] = {}


def measure_labels(labels: tuple[str, ...], font: QFont) -> tuple[list[str], float, float, float]:
    """The labels as shown (elided), the widest and the tallest as pyqtgraph measures them (a text box
    centred in 100 × 100, 0.8 of its height), and the widest advance.

    Remembered for the last few label lists: all heads' panels of a step share
    theirs, so a new sentence is measured once per distinct list, not once per axis.
    """
    key = (font.key(), labels)
    found = _MEASURED.get(key)
    if found is None:
        shown = [elide(label) for label in labels]
        metrics = QFontMetricsF(font)
        longest = _widest_few(set(shown), metrics, font.key())
        boxes = [metrics.boundingRect(QRectF(0, 0, 100, 100), int(Qt.AlignmentFlag.AlignCenter), text)
                 for text in longest]
        widest = max((box.width() for box in boxes), default=0.0)
        tallest = max((box.height() * 0.8 for box in boxes), default=0.0)
        advance = max((metrics.horizontalAdvance(text) for text in longest), default=0.0)
        if len(_MEASURED) >= 32:
            _MEASURED.clear()
        found = _MEASURED[key] = (shown, widest, tallest, advance)
    return found


_CHARACTER_WIDTHS: dict[str, dict[str, float]] = {}  # per font: each character's advance, measured once


def _widest_few(labels: set[str], metrics: QFontMetricsF, font_key: str, most: int = 64) -> list[str]:
    """The ``most`` labels that look widest, from their characters' widths, to be measured exactly.

    Not the longest in characters: four Chinese characters are wider than
    eight narrow Latin letters, and a stride worked out from the narrow ones
    let the Chinese labels overlap. Each character is measured once; a label's
    estimate is their sum (exact but for kerning, which the exact measuring then settles).
    """
    if len(labels) <= most:
        return list(labels)
    widths = _CHARACTER_WIDTHS.setdefault(font_key, {})
    if len(widths) > 4096:
        widths.clear()

    def estimate(label: str) -> float:
        total = 0.0
        for character in label:
            width = widths.get(character)
            if width is None:
                width = widths[character] = metrics.horizontalAdvance(character)
            total += width
        return total

    return heapq.nlargest(most, labels, key=estimate)


class TokenAxis(pg.AxisItem):
    """An axis whose ticks are the matrix's row ("left") or column ("top") labels, thinned when crowded.

    The stride is worked out at draw time from the axis's length in pixels and
    the widest (top) or tallest (left) label, so labels never overlap, whatever
    the panel's size or zoom (levels.label_ticks).
    """

    def __init__(self, orientation: str, font: QFont, colour: QColor):
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)
        # pyqtgraph's own idea of the style, for the sizes it works out before the first labels.
        self.setStyle(tickFont=font, tickLength=-TICK_LENGTH, tickTextOffset=TEXT_OFFSET)
        self._vertical = orientation == "left"
        self._font = font
        self._line_pen = pg.mkPen(colour)
        self._labels: list[str] = []
        self._shown: list[str] = []
        self._extent = 0.0  # the room one label takes along the axis
        self._overhang = LEFT_OVERHANG if self._vertical else 0  # how far labels may pass the ends
        self._size: int | None = None
        self._range = (0.0, 1.0)
        self._labels_version = 0
        self._plan_key: tuple | None = None  # what the remembered layout (_plan) was worked out for
        self._plan: tuple = ()
        self._bounds_key: tuple | None = None  # what the remembered bounding rectangle was worked out for
        self._bounds = QRectF()

    def labels(self) -> list[str]:
        return self._labels

    def set_font(self, font: QFont) -> None:
        """Draw the labels in ``font`` (the panel's zoom): measured again, so the axis makes room for them."""
        if font == self._font:
            return
        self._font = QFont(font)
        self.setStyle(tickFont=self._font)
        labels, self._labels = self._labels, []
        self._size = None
        self._plan_key = None
        self.set_labels(labels)

    def label_font(self) -> QFont:
        """The font the labels are drawn in."""
        return QFont(self._font)

    def shown_labels(self) -> list[tuple[int, str, QRectF]]:
        """The labels drawn now, each with its index and its rectangle (in the axis's coordinates)."""
        bounds = self.mapRectFromParent(self.geometry())
        key = (self._labels_version, self._range, bounds)
        if key != self._plan_key:
            self._plan = self._lay_out(bounds)
            self._plan_key = key
        return [(index, static.text(), QRectF(corner, static.size())) for index, corner, static in self._plan[3]]

    def set_labels(self, labels: list[str]) -> bool:
        """Use new labels; returns False (and does nothing) when they are the ones already shown."""
        if labels == self._labels:
            return False
        self._labels = list(labels)
        self._labels_version += 1
        self._shown, widest, tallest, advance = measure_labels(tuple(self._labels), self._font)
        if self._vertical:
            # A whole line (what a drawn label's box is high), not pyqtgraph's 0.8 of it: at 0.8 rows
            # 12.4 px apart got labels 13 px high, each box over the next.
            self._extent = math.ceil(QFontMetricsF(self._font).height())
            size = label_room(widest, DEFAULT_ROOM["left"]) + TEXT_OFFSET if self._labels else 0
        else:
            self._extent = advance
            # The first and last labels may stick out past the axis's ends by half their width.
            self._overhang = int(self._extent / 2) + 2
            size = label_room(tallest, DEFAULT_ROOM["top"]) + TEXT_OFFSET if self._labels else 0
        # Sized for its labels now, not while painting: pyqtgraph's own sizing measures the labels
        # during paint and then resizes the axis, so a new sentence was laid out and painted twice.
        if size != self._size:
            self._size = size
            if self._vertical:
                self.setWidth(size)
            else:
                self.setHeight(size)
        self.update()
        return True

    def setRange(self, mn, mx):  # noqa: N802 (pyqtgraph's name)
        """Called by the linked view box with the range shown (reversed on an inverted axis)."""
        super().setRange(mn, mx)
        self._range = (mn, mx)

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph's name)
        gap = 0.5 if self._vertical else 6.0  # a line's height holds its own spacing
        chosen = label_ticks(len(self._labels), minVal, maxVal, size, self._extent, gap)
        if chosen is None:
            return []
        stride, indices = chosen
        return [(float(stride), indices)]

    def boundingRect(self):  # noqa: N802 (Qt's name)
        """The axis's rectangle, grown by the ticks and by what labels may pass its ends; worked out once
        per geometry (Qt asks for it several times per paint)."""
        key = (self.geometry(), self._overhang)
        if key != self._bounds_key:
            self._bounds_key = key
            rect = self.mapRectFromParent(self.geometry())
            if self._vertical:
                self._bounds = rect.adjusted(0, -self._overhang, TICK_LENGTH, self._overhang)
            else:
                self._bounds = rect.adjusted(-self._overhang, 0, self._overhang, TICK_LENGTH)
        return QRectF(self._bounds)

    def paint(self, painter, option, widget=None):
        """Draw the line, the ticks and the labels where pyqtgraph would place them, with prepared texts."""
        bounds = self.mapRectFromParent(self.geometry())
        key = (self._labels_version, self._range, bounds)
        if key != self._plan_key:
            self._plan = self._lay_out(bounds)
            self._plan_key = key
        line, ticks, clip, texts = self._plan
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(self._line_pen)
        painter.drawLine(*(on_whole_pixels(painter, end) for end in line))
        if not texts and not ticks:
            return
        for tick in ticks:
            painter.drawLine(*(on_whole_pixels(painter, end) for end in tick))
        painter.setFont(self._font)
        painter.setClipRect(clip)
        for _, corner, static in texts:
            painter.drawStaticText(corner, static)

    def _lay_out(self, bounds: QRectF) -> tuple:
        """The axis line, the tick lines, the clip rectangle and the placed labels for this range and size."""
        vertical = self._vertical
        if vertical:  # along the right edge, one pixel in, and one pixel past both ends
            line_x = bounds.right() - 1
            line = (QPointF(line_x, bounds.top() - 1), QPointF(line_x, bounds.bottom() + 1))
        else:  # along the bottom edge
            line_y = bounds.bottom() - 1
            line = (QPointF(bounds.left() - 1, line_y), QPointF(bounds.right() + 1, line_y))
        room = self.boundingRect()
        ticks: list[tuple[QPointF, QPointF]] = []
        texts: list[tuple[int, QPointF, QStaticText]] = []
        plan = (line, ticks, room, texts)
        low, high = self._range
        length = bounds.height() if vertical else bounds.width()
        if not self._labels or high == low or length <= 0:
            return plan
        levels = self.tickValues(low, high, length)
        if not levels:
            return plan
        # Value -> position along the axis, as pyqtgraph's generateDrawSpecs maps it.
        if vertical:
            scale = -bounds.height() / (high - low)
            offset = low * scale - bounds.height()
        else:
            scale = bounds.width() / (high - low)
            offset = low * scale
        first, last = sorted((low * scale - offset, high * scale - offset))
        positions = [(int(round(value)), value * scale - offset) for value in levels[0][1]]
        positions = [(index, at) for index, at in positions if first <= at <= last]
        for _, at in positions:  # the ticks point into the view box
            if vertical:
                ticks.append((QPointF(bounds.right(), at), QPointF(bounds.right() + TICK_LENGTH, at)))
            else:
                ticks.append((QPointF(at, bounds.bottom()), QPointF(at, bounds.bottom() + TICK_LENGTH)))
        for index, at in positions:
            if not 0 <= index < len(self._shown):
                continue
            static = prepared_text(self._shown[index], self._font)
            size = static.size()
            if vertical:  # right-aligned against the ticks, centred on the row
                corner = QPointF(bounds.right() - TEXT_OFFSET - size.width(), at - size.height() / 2)
            else:  # centred over the column, its bottom against the ticks
                corner = QPointF(at - size.width() / 2, bounds.bottom() - TEXT_OFFSET - size.height())
                # Like pyqtgraph, leave out a label that would stick out past the axis's ends.
                if corner.x() < room.left() - 0.01 or corner.x() + size.width() > room.right() + 0.01:
                    continue
            texts.append((index, corner, static))
        return plan

