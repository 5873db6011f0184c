"""One labelled heatmap: a matrix with token / dimension labels, a colour bar and values.

Built on pyqtgraph's MatrixDisplayExample: a row-major ImageItem whose cells
are centred on integer coordinates (``setRect(-0.5, -0.5, cols, rows)``),
an inverted Y axis so row 0 is at the top, text ticks on the left and top
axes, and a colour scale to the right (a small strip item of our own rather
than ColorBarItem, whose axis re-layout cost more than the image update).

The panel only *displays* what it is given. It keeps a reference to the
float64 matrix for hover text and copying (full precision) and shows a
float32 copy in which masked cells (−inf) are NaN; the ImageItem draws NaN
transparent, and hatched grey drawn under exactly those cells makes them
stand out from every colour of the map.

Speed: every graphics item is created once, in ``__init__``, and reused by
``set_matrix``; the image is set with explicit levels and a lookup table (no
min/max search inside pyqtgraph); axis ticks are only invalidated when the
labels change; the numbers written in the cells are formatted lazily, when
they are first painted or asked for, by one item that draws all of them.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QGradient, QImage, QLinearGradient, QPainter, QPen,
                           QStaticText, QTransform)
from PySide6.QtWidgets import QGraphicsView, QVBoxLayout, QWidget

from .fonts import cjk_font

#: Values are written in the cells only up to this many cells (automatic mode).
MAX_TEXT_CELLS = 144
#: At most this many tick labels along an axis in view; more are thinned to every k-th.
MAX_TICK_LABELS = 40
#: Label axes grow in steps of this many pixels beyond their default size (see _LabelAxis._room).
AXIS_ROOM_STEP = 12
#: Tick labels longer than this are shortened with "…" (hover still gives the full label).
MAX_LABEL_CHARS = 10

KINDS = ("signed", "probability")
SIGNED_MAP = "CET-D1"        # blue – pale grey – red, perceptually uniform, centred on 0
PROBABILITY_MAP = "viridis"  # dark purple (0) – yellow (1)

FOREGROUND = QColor("#333333")
BACKGROUND = QColor("#ffffff")
MASKED_FILL = QColor("#9a9a9a")
MASKED_HATCH = QColor("#5c5c5c")
HIGHLIGHT_PEN = QColor("#111111")
BLOCK_PEN = QColor("#000000")

TOOLTIPS = {
    "signed": ("Blue is negative, red positive, pale grey near zero; the colour bar gives the scale "
               "(symmetric around 0). Hatched grey cells are masked (−∞).\n"
               "Hover a cell for its value; click to select this matrix; drag to pan, Ctrl+wheel to zoom, "
               "double-click to show the whole matrix again."),
    "probability": ("Dark purple is 0, yellow is 1 (each row sums to 1). Hatched grey cells are masked.\n"
                    "Hover a cell for its value; click to select this matrix; drag to pan, Ctrl+wheel to zoom, "
                    "double-click to show the whole matrix again."),
}

_NICE_STRIDES = (1, 2, 5)


def _nice_stride(minimum: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least ``minimum``."""
    if minimum <= 1:
        return 1
    power = 1
    while True:
        for step in _NICE_STRIDES:
            if step * power >= minimum:
                return step * power
        power *= 10


def _elide(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def format_cell(value: float) -> str:
    """A cell's value as written inside it: two decimals, a real minus sign, '−∞' when masked."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "−∞" if value < 0 else "∞"
    text = f"{value:.2f}"
    if text == "-0.00":
        return "0.00"
    return text.replace("-", "−")


def format_hover_value(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "−∞ " + QCoreApplication.translate("MatrixPanel", "(masked)") if value < 0 else "∞"
    return f"{value:.4f}"


_MEASURED: dict[tuple[str, tuple[str, ...]], tuple[list[str], float, float, float]] = {}


def _measure_labels(labels: tuple[str, ...], font: QFont) -> tuple[list[str], float, float, float]:
    """The labels as shown (elided), the widest and tallest as pyqtgraph measures them while painting
    (a text box centred in 100 × 100, 0.8 of its height), and the widest advance.

    Remembered for the last few label lists: all heads' panels of a step share theirs, so a new
    sentence is measured once per distinct list, not once per axis.
    """
    key = (font.key(), labels)
    found = _MEASURED.get(key)
    if found is None:
        shown = [_elide(label) for label in labels]
        metrics = QFontMetricsF(font)
        # The longest few (by characters) are enough to find the widest.
        longest = sorted(set(shown), key=len)[-64:]
        boxes = [metrics.boundingRect(QRectF(0, 0, 100, 100), int(Qt.AlignmentFlag.AlignCenter), text)
                 for text in longest]
        widest = max((box.width() for box in boxes), default=0.0)
        tallest = max((box.height() * 0.8 for box in boxes), default=0.0)
        advance = max((metrics.horizontalAdvance(text) for text in longest), default=0.0)
        if len(_MEASURED) >= 32:
            _MEASURED.clear()
        found = _MEASURED[key] = (shown, widest, tallest, advance)
    return found


def _prepared_text(cache: dict[str, QStaticText], text: str, font: QFont) -> QStaticText:
    """``text`` as a QStaticText laid out once for ``font``, kept in ``cache`` (emptied past 4,096 texts).

    Drawing a prepared text costs a fraction of drawText, which lays the text out at every paint.
    """
    static = cache.get(text)
    if static is None:
        if len(cache) > 4096:
            cache.clear()
        static = cache[text] = QStaticText(text)
        static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
        static.prepare(QTransform(), font)
    return static


class _LabelAxis(pg.AxisItem):
    """An axis whose ticks are the matrix's row or column labels, thinned to every k-th when crowded.

    The stride is worked out at draw time from the axis length in pixels and
    the widest (top axis) or tallest (left axis) label, so labels never
    overlap, whatever the panel's size or zoom; and at most
    MAX_TICK_LABELS labels are shown along the visible range.
    """

    _plan_key: tuple | None = None  # what the remembered layout (_plan) was worked out for
    _plan: tuple = ()
    _labels_version = 0
    _bounds_key: tuple | None = None  # what the remembered bounding rectangle was worked out for
    _bounds = QRectF()

    def __init__(self, orientation: str, font: QFont):
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)
        self.setStyle(tickFont=font, tickLength=-3, tickTextOffset=3)
        self._font = font
        self._labels: list[str] = []
        self._shown: list[str] = []
        self._extent = 0.0
        self._size: int | None = None
        self._static: dict[str, QStaticText] = {}

    def labels(self) -> list[str]:
        return self._labels

    def set_labels(self, labels: list[str]) -> bool:
        """Use new labels; returns False (and does nothing) when they are the ones already shown."""
        if labels == self._labels:
            return False
        self._labels = list(labels)
        self._labels_version += 1
        self._shown, widest, tallest, advance = _measure_labels(tuple(self._labels), self._font)
        if self.orientation in ("top", "bottom"):
            self._extent = advance
            # Let the first and last labels stick out past the axis ends by half their width
            # (pyqtgraph hides labels that leave the axis's rectangle by more than this).
            self.setStyle(hideOverlappingLabels=int(self._extent / 2) + 2)
            size = self._room(tallest, 18) + self.style["tickTextOffset"][1] if self._labels else 0
        else:
            self._extent = QFontMetricsF(self._font).height() * 0.8
            size = self._room(widest, 30) + self.style["tickTextOffset"][0] if self._labels else 0
        # Size the axis for its labels now, not while painting: pyqtgraph's own sizing measures the
        # labels during paint and then resizes the axis, so a new sentence was laid out and painted twice.
        if size != self._size:
            self._size = size
            if self.orientation in ("top", "bottom"):
                self.setHeight(size)
            else:
                self.setWidth(size)
        self.picture = None
        self.update()
        return True

    @staticmethod
    def _room(measured: float, default: int) -> int:
        """Room for the labels: at least pyqtgraph's default (30 px wide on the left, 18 px high on top),
        and beyond it in steps of AXIS_ROOM_STEP px.

        The steps matter for speed: a new sentence whose labels are a few pixels wider or narrower
        keeps the axis size, so the panel is not laid out again and its view box not resized
        (which redrew every axis of the panel, not just the two with new labels).
        """
        return max(default, AXIS_ROOM_STEP * math.ceil(measured / AXIS_ROOM_STEP))

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph's name)
        count = len(self._labels)
        if count == 0 or size <= 0:
            return []
        low, high = min(minVal, maxVal), max(minVal, maxVal)
        first = max(0, math.ceil(low - 1e-6))
        last = min(count - 1, math.floor(high + 1e-6))
        if last < first:
            return []
        span = max(high - low, 1e-9)
        pixels_per_cell = size / span
        gap = 6.0 if self.orientation in ("top", "bottom") else 2.0
        needed = max((self._extent + gap) / pixels_per_cell, (last - first + 1) / MAX_TICK_LABELS)
        stride = _nice_stride(needed)
        start = -(-first // stride) * stride
        return [(float(stride), list(range(start, last + 1, stride)))]

    def boundingRect(self):  # noqa: N802 (Qt's name)
        """Worked out once per geometry and style: Qt asks for it about eight times per paint,
        and pyqtgraph's AxisItem computes it afresh each time."""
        key = (self.geometry(), self.style["hideOverlappingLabels"], self.style["tickLength"], self.grid)
        if key != self._bounds_key:
            self._bounds_key = key
            self._bounds = super().boundingRect()
        return QRectF(self._bounds)

    # A change of pens or style lays the axis out again at the next paint.
    def setPen(self, *args, **kwargs):  # noqa: N802 (pyqtgraph's name)
        super().setPen(*args, **kwargs)
        self._plan_key = None

    def setTextPen(self, *args, **kwargs):  # noqa: N802 (pyqtgraph's name)
        super().setTextPen(*args, **kwargs)
        self._plan_key = None

    def setTickPen(self, *args, **kwargs):  # noqa: N802 (pyqtgraph's name)
        super().setTickPen(*args, **kwargs)
        self._plan_key = None

    def setStyle(self, **kwargs):  # noqa: N802 (pyqtgraph's name)
        super().setStyle(**kwargs)
        self._plan_key = None

    def paint(self, painter, option, widget=None):
        """Draw the line, the ticks and the labels as pyqtgraph places them, with prepared texts.

        pyqtgraph measured every label with QPainter.boundingRect and recorded a QPicture
        whenever the labels, the size or the range changed (0.3–0.5 ms per axis, and every
        update of a panel changes one of them). Here the labels are prepared once, and where
        everything goes is worked out once per labels, size and range, then reused by every paint.
        """
        bounds = self.mapRectFromParent(self.geometry())
        key = (self._labels_version, tuple(self.range), bounds)
        if key != self._plan_key:
            self._plan = self._lay_out(bounds)
            self._plan_key = key
        line_pen, line, tick_pen, ticks, text_pen, clip, texts = self._plan
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(line_pen)
        painter.drawLine(*line)
        if not texts and not ticks:
            return
        painter.setPen(tick_pen)
        for tick in ticks:
            painter.drawLine(*tick)
        painter.setPen(text_pen)
        painter.setFont(self._font)
        painter.setClipRect(clip)
        for corner, static in texts:
            painter.drawStaticText(corner, static)

    def _lay_out(self, bounds: QRectF) -> tuple:
        """The pens, the axis line, the tick lines and the placed labels for the current range and size."""
        vertical = self.orientation == "left"
        if vertical:  # along the right edge, one pixel in, and one pixel past both ends
            line_x = bounds.right() - 1
            line = (QPointF(line_x, bounds.top() - 1), QPointF(line_x, bounds.bottom() + 1))
        else:  # along the bottom edge
            line_y = bounds.bottom() - 1
            line = (QPointF(bounds.left() - 1, line_y), QPointF(bounds.right() + 1, line_y))
        room = self.boundingRect()
        ticks: list[tuple[QPointF, QPointF]] = []
        texts: list[tuple[QPointF, QStaticText]] = []
        plan = (self.pen(), line, self.tickPen(), ticks, self.textPen(), room, texts)
        low, high = self.range
        length = bounds.height() if vertical else bounds.width()
        if not self._labels or high == low or length <= 0:
            return plan
        levels = self.tickValues(low, high, length)
        if not levels:
            return plan
        # Value -> position along the axis, exactly as pyqtgraph's generateDrawSpecs maps it.
        if vertical:
            scale = -bounds.height() / (high - low)
            offset = low * scale - bounds.height()
        else:
            scale = bounds.width() / (high - low)
            offset = low * scale
        first, last = sorted((low * scale - offset, high * scale - offset))
        positions = [(int(round(value)), value * scale - offset) for value in levels[0][1]]
        positions = [(index, at) for index, at in positions if first <= at <= last]
        tick_reach = -self.style["tickLength"]  # ticks point into the view box
        for _, at in positions:
            if vertical:
                ticks.append((QPointF(bounds.right(), at), QPointF(bounds.right() + tick_reach, at)))
            else:
                ticks.append((QPointF(at, bounds.bottom()), QPointF(at, bounds.bottom() + tick_reach)))
        gap = max(0, self.style["tickLength"]) + self.style["tickTextOffset"][0 if vertical else 1]
        shown = self._shown
        for index, at in positions:
            if not 0 <= index < len(shown):
                continue
            static = _prepared_text(self._static, shown[index], self._font)
            size = static.size()
            if vertical:  # right-aligned against the ticks, centred on the row
                corner = QPointF(bounds.right() - gap - size.width(), at - size.height() / 2)
            else:  # centred over the column, its bottom against the ticks
                corner = QPointF(at - size.width() / 2, bounds.bottom() - gap - size.height())
                # Like pyqtgraph, leave out a label that would stick out past the axis's ends.
                if corner.x() < room.left() - 0.01 or corner.x() + size.width() > room.right() + 0.01:
                    continue
            texts.append((corner, static))
        return plan


class _Title(pg.GraphicsWidget):
    """The panel's title: one prepared line of text, centred over the heatmap (elided when too long).

    pyqtgraph's title is a LabelItem: a QGraphicsTextItem holding an HTML document, in a layout item
    of its own. One prepared line of text does the same job with less work per paint and per panel.
    """

    HEIGHT = 16

    def __init__(self, font: QFont):
        super().__init__()
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self._text = ""
        self._static: dict[str, QStaticText] = {}
        self._elided: tuple[tuple[float, str], str] = ((-1.0, ""), "")  # ((width, text), what fits)
        self.setMinimumHeight(self.HEIGHT)
        self.setMaximumHeight(self.HEIGHT)

    def shown(self) -> str:
        """What the last paint showed (elided to the width)."""
        return self._elided[1]

    def set_text(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self._elided = ((-1.0, ""), "")  # worked out again at the next paint
            self.update()

    def paint(self, painter, option, widget=None):
        if not self._text:
            return
        rect = self.boundingRect()
        key = (rect.width(), self._text)
        if self._elided[0] != key:
            self._elided = (key, self._metrics.elidedText(self._text, Qt.TextElideMode.ElideRight, rect.width()))
        static = _prepared_text(self._static, self._elided[1], self._font)
        size = static.size()
        painter.setPen(FOREGROUND)
        painter.setFont(self._font)
        painter.drawStaticText(QPointF(rect.center().x() - size.width() / 2, rect.center().y() - size.height() / 2),
                               static)


class _Heatmap(pg.ImageItem):
    """pyqtgraph's ImageItem, drawing a premultiplied ARGB picture made straight from the lookup table.

    pyqtgraph renders a matrix with a lookup table as an 8-bit indexed QImage (building its
    256-entry colour table in Python each time), which QPainter then converts on every paint
    it scales: 200 µs per panel paint against 40 µs for premultiplied ARGB, and 0.3 ms per new
    small matrix for the rendering (both measured here). The colour of a value is pyqtgraph's:
    entry ⌊(value − low) · N / (high − low)⌋ of the N-entry table, clipped; NaN is transparent.
    """

    _argb: np.ndarray | None = None  # the lookup table as 0xAARRGGBB words
    #: Whether the matrix may hold NaN (masked cells): only then are they looked for.
    has_gaps = True
    _pixels: np.ndarray | None = None  # the picture's memory, kept alive for the QImage

    def setLookupTable(self, lut, update: bool = True):  # noqa: N802 (pyqtgraph's name)
        table = np.asarray(lut, dtype=np.uint32)
        self._argb = (0xFF000000 | (table[:, 0] << 16) | (table[:, 1] << 8) | table[:, 2]).astype(np.uint32)
        super().setLookupTable(lut, update=update)

    def render(self):
        image, levels, table = self.image, self.getLevels(), self._argb
        if image is None or image.ndim != 2 or image.size == 0 or levels is None or table is None:
            super().render()
            return
        low, high = float(levels[0]), float(levels[1])
        index = image - low
        index *= len(table) / ((high - low) or 1.0)
        np.clip(index, 0, len(table) - 1, out=index)
        missing = np.isnan(index) if self.has_gaps else None
        if missing is not None:
            index[missing] = 0
        pixels = table.take(index.astype(np.uint8 if len(table) <= 256 else np.intp))
        if missing is not None:
            pixels[missing] = 0  # transparent: the hatched backdrop of a masked cell shows
        rows, cols = pixels.shape
        self._pixels = pixels
        self.qimage = QImage(pixels.data, cols, rows, cols * 4, QImage.Format.Format_ARGB32_Premultiplied)
        self._renderRequired = False
        self._unrenderable = False


class _Backdrop(pg.GraphicsObject):
    """Hatched grey under the masked cells; the image is transparent (NaN) there, so it shows through.

    Only the masked cells are filled (as runs along each row), and the item
    is hidden when nothing is masked, so unmasked matrices cost nothing.
    """

    def __init__(self):
        super().__init__()
        self._rect = QRectF()
        self._runs: list[QRectF] = []
        self._hatch = QBrush(MASKED_HATCH, Qt.BrushStyle.BDiagPattern)

    def set_cells(self, masked: np.ndarray | None, rows: int, cols: int) -> None:
        """``masked``: boolean rows × cols array of cells to hatch (None: none)."""
        rect = QRectF(-0.5, -0.5, cols, rows)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        runs = []
        if masked is not None:
            for row, line in enumerate(masked):
                # Start and end of each run of True in the row.
                edges = np.flatnonzero(np.diff(np.concatenate(([0], line.view(np.int8), [0]))))
                for start, stop in zip(edges[::2], edges[1::2]):
                    runs.append(QRectF(start - 0.5, row - 0.5, stop - start, 1))
        self._runs = runs
        self.setVisible(bool(runs))
        self.update()

    def has_cells(self) -> bool:
        return bool(self._runs)

    def boundingRect(self):  # noqa: N802
        return QRectF(self._rect)

    def paint(self, painter, option, widget=None):
        if not self._runs:
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()  # hatch in screen pixels, whatever the zoom
        for run in self._runs:
            device = transform.mapRect(run)
            painter.fillRect(device, MASKED_FILL)
            painter.fillRect(device, self._hatch)
        painter.restore()


class _CellTexts(pg.GraphicsObject):
    """All the numbers written in the cells, drawn by one item.

    One item instead of a TextItem per cell: nothing is created or destroyed
    when the matrix changes, and the strings are only formatted when first
    needed (painting, or a test asking). The font size follows the cell size
    on screen; when cells are too small for readable text nothing is drawn.
    """

    MIN_PIXEL_SIZE = 6.0
    MAX_PIXEL_SIZE = 13.0
    DARK_LUMINANCE = 0.45

    def __init__(self, font: QFont):
        super().__init__()
        self._fonts: dict[int, QFont] = {}
        self._all_metrics: dict[int, QFontMetricsF] = {}
        self._base_font = QFont(font)
        self._metrics = QFontMetricsF(self._sized_font(10))
        self._matrix: np.ndarray | None = None
        self._levels = (0.0, 1.0)
        self._luminance: list[float] = [0.0]
        self._rows = 0
        self._cols = 0
        self._texts: list[str] | None = None
        self._dark: list[bool] | None = None
        self._widest_at_10px = 1.0
        self._width_by_length: dict[int, float] = {}
        self._static: dict[tuple[str, int], QStaticText] = {}
        self._light_pen = QPen(QColor("#ffffff"))
        self._dark_pen = QPen(QColor("#000000"))

    def set_values(self, matrix: np.ndarray | None, levels: tuple[float, float], luminance: list[float]) -> None:
        """Show ``matrix``'s values (None: none). ``luminance``: of each lookup-table entry, to pick the text colour."""
        rows, cols = (0, 0) if matrix is None else matrix.shape
        if (rows, cols) != (self._rows, self._cols):
            self.prepareGeometryChange()
            self._rows, self._cols = rows, cols
        self._matrix = matrix
        self._levels = levels
        self._luminance = luminance
        self._texts = None
        self._dark = None
        self.update()

    def count(self) -> int:
        return 0 if self._matrix is None else self._rows * self._cols

    def text(self, row: int, col: int) -> str | None:
        if self._matrix is None or not (0 <= row < self._rows and 0 <= col < self._cols):
            return None
        self._prepare()
        return self._texts[row * self._cols + col]

    def _prepare(self) -> None:
        if self._texts is not None or self._matrix is None:
            return
        values = np.asarray(self._matrix, dtype=np.float64).ravel().tolist()
        self._texts = [format_cell(value) for value in values]
        # White text on dark cells, black on light ones; masked cells sit on the dark hatch.
        # (A plain loop: at most a few hundred cells, where NumPy's per-call overhead dominates.)
        low, high = self._levels
        luminance = self._luminance
        last = len(luminance) - 1
        scale = len(luminance) / (high - low)
        threshold = self.DARK_LUMINANCE
        dark = []
        for value in values:
            if math.isfinite(value):
                index = int((value - low) * scale)
                dark.append(luminance[min(max(index, 0), last)] < threshold)
            else:
                dark.append(True)
        self._dark = dark
        # Width of the longest text at 10 px, estimated as a minus sign and zeros (digits share one
        # width in most fonts; "." is narrower): a safe upper bound, cached by length.
        longest = max(map(len, self._texts))
        widest = self._width_by_length.get(longest)
        if widest is None:
            widest = self._width_by_length[longest] = self._metrics.horizontalAdvance("−" + "0" * (longest - 1))
        self._widest_at_10px = widest

    def _font_metrics(self, pixels: int) -> QFontMetricsF:
        metrics = self._all_metrics.get(pixels)
        if metrics is None:
            metrics = self._all_metrics[pixels] = QFontMetricsF(self._sized_font(pixels))
        return metrics

    def _sized_font(self, pixels: int) -> QFont:
        font = self._fonts.get(pixels)
        if font is None:
            font = self._fonts[pixels] = QFont(self._base_font)
            font.setPixelSize(pixels)
        return font

    def boundingRect(self):  # noqa: N802
        return QRectF(-0.5, -0.5, self._cols, self._rows)

    def paint(self, painter, option, widget=None):
        if self._matrix is None or self._rows == 0 or self._cols == 0:
            return
        self._prepare()
        transform = painter.transform()
        cell = transform.mapRect(QRectF(0, 0, 1, 1))
        width, height = cell.width(), cell.height()
        pixels = min(height * 0.5, 10.0 * (width - 3) / self._widest_at_10px, self.MAX_PIXEL_SIZE)
        if pixels < self.MIN_PIXEL_SIZE:
            return
        font = self._sized_font(int(pixels))
        metrics = self._font_metrics(int(pixels))
        painter.save()
        painter.resetTransform()
        painter.setFont(font)
        origin = transform.map(QPointF(0, 0))
        step_x = transform.map(QPointF(1, 0)) - origin
        step_y = transform.map(QPointF(0, 1)) - origin
        # Baseline that centres digits vertically in the cell.
        x0 = origin.x()
        y0 = origin.y() + (metrics.ascent() - metrics.descent()) / 2
        cols = self._cols
        light, dark = self._light_pen, self._dark_pen
        current = None
        cache = self._static
        if len(cache) > 4096:
            cache.clear()
        size = int(pixels)
        top_offset = metrics.ascent()  # static text is placed by its top-left corner
        for index, text in enumerate(self._texts):
            row, col = divmod(index, cols)
            pen = light if self._dark[index] else dark
            if pen is not current:
                painter.setPen(pen)
                current = pen
            static = cache.get((text, size))
            if static is None:
                # Laid out once, then drawn many times: far cheaper than drawText at every paint.
                static = cache[(text, size)] = QStaticText(text)
                static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
                static.prepare(QTransform(), font)
            x = x0 + col * step_x.x() + row * step_y.x() - static.size().width() / 2
            y = y0 + col * step_x.y() + row * step_y.y() - top_offset
            painter.drawStaticText(QPointF(x, y), static)
        painter.restore()


EDITED_COLOUR = QColor("#ef6c00")


class _Outlines(pg.GraphicsObject):
    """The followed row's outline and labelled column blocks (e.g. heads inside concat)."""

    def __init__(self, font: QFont):
        super().__init__()
        self._font = QFont(font)
        self._rows = 0
        self._cols = 0
        self.row: int | None = None
        self.blocks: list[tuple[int, int, str]] = []
        self.marked: list[tuple[int, int]] = []

    def set_shape(self, rows: int, cols: int) -> None:
        if (rows, cols) != (self._rows, self._cols):
            self.prepareGeometryChange()
            self._rows, self._cols = rows, cols
            self.update()

    def boundingRect(self):  # noqa: N802
        return QRectF(-0.5, -0.5, max(self._cols, 0), max(self._rows, 0)).adjusted(-0.1, -0.1, 0.1, 0.1)

    def paint(self, painter, option, widget=None):
        if self._rows == 0 or self._cols == 0 or (self.row is None and not self.blocks and not self.marked):
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for first, width, label in self.blocks:
            rect = transform.mapRect(QRectF(first - 0.5, -0.5, width, self._rows)).adjusted(1, 1, -1, -1)
            painter.setPen(QPen(BLOCK_PEN, 2))
            painter.drawRect(rect)
            if label:
                painter.setFont(self._font)
                metrics = QFontMetricsF(self._font)
                box = QRectF(rect.left() + 2, rect.top() + 2,
                             metrics.horizontalAdvance(label) + 6, metrics.height() + 2)
                if box.width() <= rect.width() + 1:
                    painter.fillRect(box, QColor(255, 255, 255, 210))
                    painter.setPen(QPen(BLOCK_PEN))
                    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), label)
        if self.marked:
            # An edited cell: an orange corner, like a spreadsheet's comment marker.
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(EDITED_COLOUR))
            for row, col in self.marked:
                cell = transform.mapRect(QRectF(col - 0.5, row - 0.5, 1, 1))
                size = max(5.0, min(cell.width(), cell.height()) * 0.35)
                corner = QPointF(cell.right(), cell.top())
                painter.drawPolygon([corner, corner - QPointF(size, 0), corner + QPointF(0, size)])
            painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.row is not None:
            rect = transform.mapRect(QRectF(-0.5, self.row - 0.5, self._cols, 1)).adjusted(1, 1, -1, -1)
            painter.setPen(QPen(HIGHLIGHT_PEN, 2.5))
            painter.drawRect(rect)
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.drawRect(rect.adjusted(2, 2, -2, -2))
        painter.restore()


def colour_bar_ticks(low: float, high: float, most: int = 5) -> list[tuple[float, str]]:
    """Round tick values from ``low`` to ``high``: the finest 1-2-2.5-5 step giving at most ``most`` ticks."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return []
    power = 10.0 ** (math.floor(math.log10((high - low) / most)))
    for multiple in (1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        step = multiple * power
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        if last - first + 1 <= most:
            break
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if multiple in (2.5, 25) else 0)
    ticks = []
    for index in range(first, last + 1):
        value = index * step
        if value != 0 and not 0.001 <= abs(value) < 10000:
            mantissa, exponent = f"{value:.1e}".split("e")
            text = f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
        else:
            text = f"{value:.{decimals}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
        if text in ("-0", "0"):
            text = "0"
        ticks.append((value, text.replace("-", "−")))
    return ticks


class _ColourBar(pg.GraphicsWidget):
    """The colour scale to the right of the heatmap: the lookup table as a strip, with round tick values.

    A small drawing of its own rather than pyqtgraph's ColorBarItem (which is
    a whole PlotItem with four AxisItems): the levels change with almost
    every matrix, and re-laying out ColorBarItem's axis took longer than
    updating the image itself.
    """

    STRIP_WIDTH = 8
    TICK_LENGTH = 3
    MARGIN = 1

    def __init__(self, font: QFont):
        super().__init__()
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self._levels = (0.0, 1.0)
        self._ticks: list[tuple[float, str]] | None = None
        self._brush: QBrush | None = None
        self._pen = QPen(FOREGROUND)
        self._pen.setCosmetic(True)
        self._static: dict[str, QStaticText] = {}
        width = self.STRIP_WIDTH + self.TICK_LENGTH + 2 + self._metrics.horizontalAdvance("−0.025") + 2
        self.setMinimumWidth(width)
        self.setMaximumWidth(width)

    def set_colours(self, lut: np.ndarray) -> None:
        """``lut``: N × 3 uint8 lookup table, low values first (drawn at the bottom)."""
        # A gradient in the filled rectangle's own coordinates: no image to scale at every paint
        # (drawImage/drawPixmap took far longer than a gradient fill here).
        gradient = QLinearGradient(0.0, 1.0, 0.0, 0.0)
        gradient.setCoordinateMode(QGradient.CoordinateMode.ObjectMode)
        last = len(lut) - 1
        for index in range(0, len(lut), max(1, len(lut) // 64)):
            red, green, blue = (int(channel) for channel in lut[index, :3])
            gradient.setColorAt(index / last, QColor(red, green, blue))
        red, green, blue = (int(channel) for channel in lut[last, :3])
        gradient.setColorAt(1.0, QColor(red, green, blue))
        self._brush = QBrush(gradient)
        self.update()

    def set_levels(self, levels: tuple[float, float]) -> None:
        if levels != self._levels:
            self._levels = levels
            self._ticks = None  # worked out when next painted
            self.update()

    def levels(self) -> tuple[float, float]:
        return self._levels

    def ticks(self) -> list[tuple[float, str]]:
        if self._ticks is None:
            self._ticks = colour_bar_ticks(*self._levels)
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
        low, high = self._levels
        if high <= low:
            return
        painter.setFont(self._font)
        right = strip.right()
        text_left = right + self.TICK_LENGTH + 2
        for value, text in self.ticks():
            y = strip.bottom() - (value - low) / (high - low) * strip.height()
            painter.drawLine(QPointF(right, y), QPointF(right + self.TICK_LENGTH, y))
            top = min(max(y - half_text, rect.top()), rect.bottom() - 2 * half_text)
            static = _prepared_text(self._static, text, self._font)  # the same few tick texts recur
            painter.drawStaticText(QPointF(text_left, top + half_text - static.size().height() / 2), static)


_COLOUR_TABLES: list[tuple[dict[str, np.ndarray], dict[str, list[float]]]] = []


def _colour_tables() -> tuple[dict[str, np.ndarray], dict[str, list[float]]]:
    """Each kind's lookup table and the luminance of its entries, made once and shared by all panels (read-only)."""
    if not _COLOUR_TABLES:
        luts = {
            "signed": pg.colormap.get(SIGNED_MAP).getLookupTable(nPts=256, alpha=False),
            "probability": pg.colormap.get(PROBABILITY_MAP).getLookupTable(nPts=256, alpha=False),
        }
        for lut in luts.values():
            lut.setflags(write=False)
        luminances = {kind: (lut[:, :3].astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722]) / 255.0).tolist()
                      for kind, lut in luts.items()}
        _COLOUR_TABLES.append((luts, luminances))
    return _COLOUR_TABLES[0]


class _HeatmapView(pg.GraphicsLayoutWidget):
    """The panel's graphics view; the plain mouse wheel is left to the page (it sits in a scroll area).

    Ctrl + wheel zooms the heatmap; without Ctrl the event is ignored, so Qt
    passes it on to the parent widgets and the page scrolls, instead of every
    panel under the pointer zooming while the person scrolls past.
    """

    #: Called after every resize to lay the scene out at once (set by MatrixPanel).
    settle = None

    def wheelEvent(self, event):  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(event)
        else:
            event.ignore()

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        if self.settle is not None:
            self.settle()


class MatrixPanel(QWidget):
    """A labelled heatmap of one matrix, with a colour bar, hover text and optional cell values."""

    #: Text for the cell under the mouse, e.g. "scores₁[爱, 机器] = 0.4187  (row 2, column 3)"; "" on leaving.
    hovered = Signal(str)
    #: Row and column (0-based) of a clicked cell.
    cellClicked = Signal(int, int)
    #: A cell of an editable panel was double-clicked (row, column): the person wants to type a value.
    cellDoubleClicked = Signal(int, int)
    #: A label on an axis was clicked: ("row", index) on the left axis, ("column", index) on the top one.
    labelClicked = Signal(str, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._editable = False
        self._matrix = np.zeros((0, 0))
        self._display = np.zeros((0, 0), dtype=np.float32)
        self._title = ""
        self._kind: str | None = None
        self._levels = (-1.0, 1.0)
        self._shape = (0, 0)
        self._show_values = False
        self._show_values_asked: bool | None = None
        self._last_hover: tuple[int, int] | None = None

        tick_font = cjk_font(8)
        small_font = cjk_font(7)
        self._view = _HeatmapView(self)
        self._view.setBackground(BACKGROUND)
        self._view.ci.layout.setContentsMargins(2, 2, 2, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)

        self._left = _LabelAxis("left", tick_font)
        self._top = _LabelAxis("top", tick_font)
        # The view box without its context menu (PlotItem would build one, and the panel then removes it).
        plot = pg.PlotItem(viewBox=pg.ViewBox(enableMenu=False), axisItems={"left": self._left, "top": self._top})
        self._plot = plot
        self._view.addItem(plot)
        plot.showAxes((True, True, False, False), showValues=(True, True, False, False), size=None)
        for side in ("right", "bottom"):  # PlotItem makes these itself, hidden; the panel never shows them
            plot.getAxis(side).unlinkFromView()  # else every resize rewrites its hidden label as HTML
        for side in ("left", "top"):
            axis = plot.getAxis(side)
            axis.setPen(FOREGROUND)
            axis.setTextPen(FOREGROUND)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.invertY(True)
        plot.setDefaultPadding(0.0)
        box = plot.getViewBox()
        box.setAspectLocked(False)
        box.disableAutoRange()
        # The frame's right and bottom edges: the view box's own rectangle item, drawn by Qt (it was
        # two more AxisItems, painted in Python and laid out again at every resize).
        frame_pen = QPen(FOREGROUND)
        frame_pen.setCosmetic(True)
        box.borderRect.setPen(frame_pen)
        self._box = box
        # The title: our own one-line item in pyqtgraph's title cell (see _Title).
        plot.titleLabel.setVisible(False)
        plot.layout.removeItem(plot.titleLabel)
        self._title_item = _Title(cjk_font(9))
        plot.layout.addItem(self._title_item, 0, 1)
        plot.layout.setRowFixedHeight(0, _Title.HEIGHT)

        self._backdrop = _Backdrop()
        self._backdrop.setZValue(-10)
        box.addItem(self._backdrop, ignoreBounds=True)
        self._image = _Heatmap(axisOrder="row-major")
        self._image.setZValue(0)
        box.addItem(self._image, ignoreBounds=True)
        self._texts = _CellTexts(cjk_font(8))
        self._texts.setZValue(10)
        box.addItem(self._texts, ignoreBounds=True)
        self._outlines = _Outlines(small_font)
        self._outlines.setZValue(20)
        box.addItem(self._outlines, ignoreBounds=True)

        self._bar = _ColourBar(small_font)
        plot.layout.addItem(self._bar, 2, 5)  # beside the view box, the same height
        plot.layout.setColumnFixedWidth(4, 4)

        self._luts, self._luminances = _colour_tables()

        self._view.settle = self._settle
        # The panel asks for its own repaints. Left to QGraphicsView, every panel's scene, when it
        # processes its changed items, sends the window's pending update request at once: a step
        # with twelve panels synced and painted the window twelve times per update, and panels that
        # had just been resized were painted twice. Every change goes through this class's methods,
        # which call _repaint() (an ordinary widget update, merged into the window's one repaint);
        # zooming and panning change the view box's range, which does too.
        self._view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.NoViewportUpdate)
        box.sigRangeChanged.connect(self._repaint)
        scene = self._view.scene()
        scene.sigMouseMoved.connect(self._mouse_moved)
        scene.sigMouseClicked.connect(self._mouse_clicked)
        self.setMouseTracking(True)

    # --- showing a matrix -------------------------------------------------------
    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Re-translate the colour legend tooltip when the app's language changes."""
        if event.type() == QEvent.Type.LanguageChange and self._kind in TOOLTIPS:
            self.setToolTip(QCoreApplication.translate("MatrixPanel", TOOLTIPS[self._kind]))
        super().changeEvent(event)

    def set_matrix(self, matrix: np.ndarray, row_labels: list[str], column_labels: list[str], title: str,
                   kind: str = "signed", show_values: bool | None = None) -> None:
        """Show ``matrix`` (rows × columns) with its labels and title.

        kind "signed": diverging colours centred on 0, levels ±max|finite value|
        (±1 when all are zero); "probability": sequential colours, levels 0…1.
        −inf cells (masked) show as hatched grey. ``show_values``: None writes
        the values in the cells when there are at most MAX_TEXT_CELLS cells,
        False never, True always.

        Block outlines are kept while the shape and title stay the same and
        cleared otherwise; the highlighted row is kept while it exists.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        original = np.asarray(matrix)
        if original.ndim != 2:
            raise ValueError(f"a panel shows a 2-D matrix, not shape {original.shape}")
        rows, cols = original.shape
        if len(row_labels) != rows or len(column_labels) != cols:
            raise ValueError(f"{len(row_labels)} row and {len(column_labels)} column labels "
                             f"for a {rows}×{cols} matrix")
        if (kind == self._kind and title == self._title and show_values == self._show_values_asked
                and row_labels == self._left.labels() and column_labels == self._top.labels()
                and original is not self._matrix  # the same array may have been changed in place
                and np.array_equal(original, self._matrix)):  # (False for another shape)
            # The same numbers again (a heads change gives the other heads' panels the same
            # matrices): nothing to redraw. Hold the new array, not the old trace's.
            self._matrix = original
            return
        self._show_values_asked = show_values
        display = np.array(original, dtype=np.float32, order="C", copy=True)
        masked = None
        finite = True
        if rows and cols:
            if kind == "signed":
                peak = max(float(display.max()), -float(display.min()))  # no temporary array: matrices can be big
            else:  # the levels are 0…1 whatever the values: one pass only asks whether all are finite
                peak = float(display.sum())
            finite = math.isfinite(peak)
            if not finite:  # masked cells (or NaN): ignore them for the levels
                masked = np.isneginf(display)
                display[masked] = np.nan
                finite_values = display[np.isfinite(display)]
                peak = float(np.abs(finite_values).max()) if finite_values.size else 0.0
                if not masked.any():
                    masked = None
        else:
            peak = 0.0
        if kind == "signed":
            bound = peak if peak > 0 else 1.0
            levels = (-bound, bound)
        else:
            levels = (0.0, 1.0)
        lut = self._luts[kind]

        shape_changed = (rows, cols) != self._shape
        if (shape_changed or title != self._title) and self._outlines.blocks:
            self._outlines.blocks = []
            self._outlines.update()
        self._matrix = original
        self._display = display
        self._levels = levels

        if kind != self._kind:
            self._kind = kind
            self._image.setLookupTable(lut, update=False)
            self._bar.set_colours(lut)
            self.setToolTip(QCoreApplication.translate("MatrixPanel", TOOLTIPS[kind]))
        if rows and cols:
            self._image.has_gaps = not finite
            self._image.setImage(display, levels=levels, autoLevels=False)
        else:
            self._image.clear()
        self._bar.set_levels(levels)

        if shape_changed:
            self._shape = (rows, cols)
            if rows and cols:
                self._image.setRect(-0.5, -0.5, cols, rows)
            self._reset_view()
        if masked is not None or self._backdrop.has_cells():
            self._backdrop.set_cells(masked, rows, cols)
        self._outlines.set_shape(rows, cols)
        if self._outlines.row is not None and self._outlines.row >= rows:
            self._outlines.row = None

        self._left.set_labels(row_labels)
        self._top.set_labels(column_labels)
        if title != self._title:
            self._title = title
            self._title_item.set_text(title)

        if show_values is None:
            show_values = rows * cols <= MAX_TEXT_CELLS
        self._show_values = bool(show_values) and rows * cols > 0
        if self._show_values or self._texts.count():
            self._texts.set_values(original if self._show_values else None, levels, self._luminances[kind])
        self._texts.setVisible(self._show_values)
        self._last_hover = None
        self._settle()
        self._repaint()

    def flush_scene(self) -> None:
        """Let the scene handle its changed items now (a panel just shown), not after the next paint."""
        QCoreApplication.sendPostedEvents(self._view.scene(), QEvent.Type.MetaCall)

    def _repaint(self, *_signal_args) -> None:
        """Ask for one repaint of the whole panel (see the viewport update mode in __init__)."""
        self._view.viewport().update()

    def _settle(self) -> None:
        """Lay the plot out now and move the view box's contents to match, so the next paint is the only one.

        Left to the event loop, a panel whose axes, title or size had changed was painted, then
        laid out (and its view transform updated while painting) and painted again, up to three times.
        """
        self._view.ci.layout.activate()
        self._plot.layout.activate()
        self._box.prepareForPaint()

    def _reset_view(self) -> None:
        rows, cols = self._shape
        if not (rows and cols):
            return
        self._box.setLimits(xMin=-0.5, xMax=cols - 0.5, yMin=-0.5, yMax=rows - 0.5,
                            minXRange=min(1.0, cols), minYRange=min(1.0, rows))
        self._box.setRange(xRange=(-0.5, cols - 0.5), yRange=(-0.5, rows - 0.5), padding=0)

    # --- what is shown (for the window and tests) -------------------------------
    def image_data(self) -> np.ndarray:
        """The float32 array shown (rows × columns, row-major; NaN where the matrix is −inf)."""
        return self._display

    def matrix(self) -> np.ndarray:
        """The matrix as given to set_matrix (not copied)."""
        return self._matrix

    def row_labels(self) -> list[str]:
        return list(self._left.labels())

    def column_labels(self) -> list[str]:
        return list(self._top.labels())

    def title(self) -> str:
        return self._title

    def shown_title(self) -> str:
        """The title as last painted: shortened with "…" when the panel is too narrow for all of it."""
        return self._title_item.shown()

    def kind(self) -> str | None:
        return self._kind

    def levels(self) -> tuple[float, float]:
        return self._levels

    def value_text_count(self) -> int:
        """How many cells have their value written in them now."""
        return self._texts.count() if self._show_values else 0

    def cell_text(self, row: int, col: int) -> str | None:
        """The text written in that cell, or None when values are not shown."""
        if not self._show_values:
            return None
        return self._texts.text(row, col)

    def colour_bar(self) -> tuple[tuple[float, float], list[tuple[float, str]]]:
        """The colour bar's levels and its (value, label) ticks."""
        return self._bar.levels(), self._bar.ticks()

    def highlighted_row(self) -> int | None:
        return self._outlines.row

    def block_outlines(self) -> list[tuple[int, int, str]]:
        return list(self._outlines.blocks)

    def graphics_item_count(self) -> int:
        """How many graphics items the panel's scene holds (stays constant across updates)."""
        return len(self._view.scene().items())

    # --- hover and click ----------------------------------------------------------
    def name(self) -> str:
        """The matrix's name for hover text: the title up to its first space ("scores₁ = …" → "scores₁")."""
        return self._title.split(" ", 1)[0] if self._title else ""

    def hover_text(self, row: int, col: int) -> str:
        rows, cols = self._shape
        if not (0 <= row < rows and 0 <= col < cols):
            return ""
        value = float(self._matrix[row, col])
        row_label = self._left.labels()[row]
        col_label = self._top.labels()[col]
        position = self.tr("(row {0}, column {1})").format(row + 1, col + 1)
        return f"{self.name()}[{row_label}, {col_label}] = {format_hover_value(value)}  {position}"

    def hover_cell(self, row: int, col: int) -> str:
        """Emit (and return) the hover text of a cell; "" for a position outside the matrix."""
        text = self.hover_text(row, col)
        self._last_hover = (row, col) if text else None
        self.hovered.emit(text)
        return text

    def _label_at(self, scene_pos) -> tuple[str, int] | None:
        """Which row label (left axis) or column label (top axis) is under a scene position, if any."""
        rows, cols = self._shape
        point = self._box.mapSceneToView(scene_pos)
        if self._left.sceneBoundingRect().contains(scene_pos) and rows:
            row = int(round(point.y()))
            return ("row", row) if 0 <= row < rows else None
        if self._top.sceneBoundingRect().contains(scene_pos) and cols:
            col = int(round(point.x()))
            return ("column", col) if 0 <= col < cols else None
        return None

    def _cell_at(self, scene_pos) -> tuple[int, int] | None:
        rows, cols = self._shape
        if not (rows and cols) or not self._box.sceneBoundingRect().contains(scene_pos):
            return None
        point = self._box.mapSceneToView(scene_pos)
        row, col = int(round(point.y())), int(round(point.x()))
        if 0 <= row < rows and 0 <= col < cols:
            return row, col
        return None

    def _mouse_moved(self, scene_pos) -> None:
        cell = self._cell_at(scene_pos)
        if cell is None:
            self._leave()
        elif cell != self._last_hover:
            self.hover_cell(*cell)

    def _leave(self) -> None:
        if self._last_hover is not None:
            self._last_hover = None
            self.hovered.emit("")

    def leaveEvent(self, event):  # noqa: N802
        self._leave()
        super().leaveEvent(event)

    def _mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if event.double():
            cell = self._cell_at(event.scenePos())
            if self._editable and cell is not None:
                self.cellDoubleClicked.emit(*cell)
            else:
                self._reset_view()
            return
        cell = self._cell_at(event.scenePos())
        if cell is not None:
            self.cellClicked.emit(*cell)
            return
        label = self._label_at(event.scenePos())
        if label is not None:
            self.labelClicked.emit(*label)

    # --- editing ------------------------------------------------------------------
    def set_editable(self, editable: bool) -> None:
        """Let a double-click on a cell ask for a new value (X and the W matrices) instead of resetting the view."""
        self._editable = editable

    def editable(self) -> bool:
        return self._editable

    def set_marked_cells(self, cells: list[tuple[int, int]]) -> None:
        """Mark edited cells with an orange corner; [] clears."""
        rows, cols = self._shape
        kept = [(int(r), int(c)) for r, c in cells if 0 <= r < rows and 0 <= c < cols]
        if kept != self._outlines.marked:
            self._outlines.marked = kept
            self._outlines.update()
            self._repaint()

    def marked_cells(self) -> list[tuple[int, int]]:
        return list(self._outlines.marked)

    # --- outlines -----------------------------------------------------------------
    def highlight_row(self, row: int | None) -> None:
        """Outline one row (e.g. to follow a token); None clears it."""
        if row is not None and not (0 <= row < self._shape[0]):
            row = None
        if row != self._outlines.row:
            self._outlines.row = row
            self._outlines.update()
            self._repaint()

    def set_block_outlines(self, blocks: list[tuple[int, int, str]]) -> None:
        """Outline and label column blocks (first column, width, label), e.g. the heads inside concat; [] clears."""
        cols = self._shape[1]
        kept = []
        for first, width, label in blocks:
            first, width = int(first), int(width)
            if width <= 0 or first < 0 or first >= cols:
                continue
            kept.append((first, min(width, cols - first), str(label)))
        if kept != self._outlines.blocks:
            self._outlines.blocks = kept
            self._outlines.update()
            self._repaint()

    # --- export -------------------------------------------------------------------
    def grab_png(self, path: str | os.PathLike) -> None:
        """Save the panel as a PNG picture, atomically (a temporary file renamed into place)."""
        from attention_stepper.core.files import atomic_write

        image = self.grab().toImage()
        target = Path(path)

        def write(temporary: Path) -> None:
            if not image.save(str(temporary), "PNG"):
                raise OSError(f"could not encode or write {target}")

        atomic_write(target, write)

    def copy_text(self) -> str:
        """The matrix as tab-separated text with labels, every value at full precision."""
        from attention_stepper.core.export import table_text

        return table_text(self._matrix, self.row_labels(), self.column_labels(), "\t")
