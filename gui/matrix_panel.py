"""One labelled heatmap: a matrix with token / dimension labels, a colour bar and values.

Built on pyqtgraph's MatrixDisplayExample: a row-major ImageItem whose cells
are centred on integer coordinates (``setRect(-0.5, -0.5, cols, rows)``),
an inverted Y axis so row 0 is at the top, text ticks on the left and top
axes, and a colour bar to the right.

The panel only *displays* what it is given. It keeps a reference to the
float64 matrix for hover text and copying (full precision) and shows a
float32 copy in which masked cells (−inf) are NaN; the ImageItem draws NaN
transparent, and a hatched grey backdrop behind it makes those cells stand
out from any colour of the map.

Speed: every graphics item is created once, in ``__init__``, and reused by
``set_matrix``; the image is set with explicit levels and a lookup table (no
min/max search inside pyqtgraph); axis ticks are only invalidated when the
labels change; the numbers written in the cells are formatted lazily, when
they are first painted or asked for, by one item that draws all of them.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from .fonts import cjk_font

#: Values are written in the cells only up to this many cells (automatic mode).
MAX_TEXT_CELLS = 144
#: At most this many tick labels along an axis in view; more are thinned to every k-th.
MAX_TICK_LABELS = 40
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
               "Hover a cell for its value; click to select this matrix; drag to pan, wheel to zoom, "
               "double-click to show the whole matrix again."),
    "probability": ("Dark purple is 0, yellow is 1 (each row sums to 1). Hatched grey cells are masked.\n"
                    "Hover a cell for its value; click to select this matrix; drag to pan, wheel to zoom, "
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
        return "−∞ (masked)" if value < 0 else "∞"
    return f"{value:.4f}"


class _LabelAxis(pg.AxisItem):
    """An axis whose ticks are the matrix's row or column labels, thinned to every k-th when crowded.

    The stride is worked out at draw time from the axis length in pixels and
    the widest (top axis) or tallest (left axis) label, so labels never
    overlap, whatever the panel's size or zoom; and at most
    MAX_TICK_LABELS labels are shown along the visible range.
    """

    def __init__(self, orientation: str, font: QFont):
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)
        self.setStyle(tickFont=font, tickLength=-3, tickTextOffset=3)
        self._font = font
        self._labels: list[str] = []
        self._shown: list[str] = []
        self._extent = 0.0

    def labels(self) -> list[str]:
        return self._labels

    def set_labels(self, labels: list[str]) -> bool:
        """Use new labels; returns False (and does nothing) when they are the ones already shown."""
        if labels == self._labels:
            return False
        self._labels = list(labels)
        self._shown = [_elide(label) for label in self._labels]
        metrics = QFontMetricsF(self._font)
        if self.orientation in ("top", "bottom"):
            # The longest few (by characters) are enough to find the widest.
            longest = sorted(set(self._shown), key=len)[-64:]
            self._extent = max((metrics.horizontalAdvance(text) for text in longest), default=0.0)
            # Let the first and last labels stick out past the axis ends by half their width
            # (pyqtgraph hides labels that leave the axis's rectangle by more than this).
            self.setStyle(hideOverlappingLabels=int(self._extent / 2) + 2)
        else:
            self._extent = metrics.height() * 0.8
        self.picture = None
        self.update()
        return True

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

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        count = len(self._shown)
        strings = []
        for value in values:
            index = int(round(value))
            strings.append(self._shown[index] if 0 <= index < count else "")
        return strings


class _Backdrop(pg.GraphicsObject):
    """Hatched grey behind the image: shows through where the image is NaN (masked cells)."""

    def __init__(self):
        super().__init__()
        self._rect = QRectF()
        self._hatch = QBrush(MASKED_HATCH, Qt.BrushStyle.BDiagPattern)

    def set_shape(self, rows: int, cols: int) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(-0.5, -0.5, cols, rows)
        self.update()

    def boundingRect(self):  # noqa: N802
        return QRectF(self._rect)

    def paint(self, painter, option, widget=None):
        if self._rect.isEmpty():
            return
        device = painter.transform().mapRect(self._rect)
        painter.save()
        painter.resetTransform()  # hatch in screen pixels, whatever the zoom
        painter.fillRect(device, MASKED_FILL)
        painter.fillRect(device, self._hatch)
        painter.restore()


class _CellTexts(pg.GraphicsObject):
    """All the numbers written in the cells, drawn by one item.

    One item instead of a TextItem per cell: nothing is created or destroyed
    when the matrix changes, and the strings are only formatted when first
    needed. Font size follows the cell size on screen; when the cells are
    too small for readable text, nothing is drawn there.
    """

    MIN_PIXEL_SIZE = 6.0
    MAX_PIXEL_SIZE = 13.0

    def __init__(self, font: QFont):
        super().__init__()
        self._font = QFont(font)
        self._matrix: np.ndarray | None = None
        self._levels = (0.0, 1.0)
        self._lut: np.ndarray | None = None
        self._rows = 0
        self._cols = 0
        self._texts: list[str] | None = None
        self._dark: list[bool] | None = None
        self._widest_at_10px = 0.0
        self.setFlag(self.GraphicsItemFlag.ItemUsesExtendedStyleOption, False)

    def set_values(self, matrix: np.ndarray | None, levels: tuple[float, float], lut: np.ndarray) -> None:
        """Show ``matrix``'s values (None: show none). Formatting waits until they are needed."""
        rows, cols = (0, 0) if matrix is None else matrix.shape
        if (rows, cols) != (self._rows, self._cols):
            self.prepareGeometryChange()
            self._rows, self._cols = rows, cols
        self._matrix = matrix
        self._levels = levels
        self._lut = lut
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
        matrix = np.asarray(self._matrix, dtype=np.float64)
        values = matrix.ravel().tolist()
        self._texts = [format_cell(value) for value in values]
        # Text colour: white on dark cells, black on light ones (relative luminance of the cell's colour).
        low, high = self._levels
        lut = self._lut
        finite = np.nan_to_num(matrix, nan=low, posinf=high, neginf=low)
        index = np.clip(((finite - low) / (high - low) * len(lut)).astype(np.int64), 0, len(lut) - 1).ravel()
        rgb = lut[index, :3].astype(np.float64) / 255.0
        luminance = rgb @ np.array([0.2126, 0.7152, 0.0722])
        masked = ~np.isfinite(matrix.ravel())
        self._dark = ((luminance < 0.45) | masked).tolist()  # masked cells sit on the dark hatch
        metrics = QFontMetricsF(self._sized_font(10.0))
        longest = sorted(set(self._texts), key=len)[-8:]
        self._widest_at_10px = max((metrics.horizontalAdvance(text) for text in longest), default=1.0)

    def _sized_font(self, pixels: float) -> QFont:
        font = QFont(self._font)
        font.setPixelSize(max(1, int(pixels)))
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
        pixels = min(height * 0.5, 10.0 * (width - 3) / max(self._widest_at_10px, 1.0), self.MAX_PIXEL_SIZE)
        if pixels < self.MIN_PIXEL_SIZE:
            return
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setFont(self._sized_font(pixels))
        light, dark = QPen(QColor("#ffffff")), QPen(QColor("#000000"))
        flags = int(Qt.AlignmentFlag.AlignCenter)
        cols = self._cols
        for index, (text, is_dark) in enumerate(zip(self._texts, self._dark)):
            row, col = divmod(index, cols)
            centre = transform.map(QPointF(col, row))
            painter.setPen(light if is_dark else dark)
            painter.drawText(QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height), flags, text)
        painter.restore()


class _Outlines(pg.GraphicsObject):
    """The followed row's outline and labelled column blocks (e.g. heads inside concat)."""

    def __init__(self, font: QFont):
        super().__init__()
        self._font = QFont(font)
        self._rows = 0
        self._cols = 0
        self.row: int | None = None
        self.blocks: list[tuple[int, int, str]] = []

    def set_shape(self, rows: int, cols: int) -> None:
        if (rows, cols) != (self._rows, self._cols):
            self.prepareGeometryChange()
            self._rows, self._cols = rows, cols
        self.update()

    def boundingRect(self):  # noqa: N802
        return QRectF(-0.5, -0.5, max(self._cols, 0), max(self._rows, 0)).adjusted(-0.1, -0.1, 0.1, 0.1)

    def paint(self, painter, option, widget=None):
        if self._rows == 0 or self._cols == 0 or (self.row is None and not self.blocks):
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
                box = QRectF(rect.left() + 2, rect.top() + 2, metrics.horizontalAdvance(label) + 6, metrics.height() + 2)
                if box.width() <= rect.width() + 1:
                    painter.fillRect(box, QColor(255, 255, 255, 210))
                    painter.setPen(QPen(BLOCK_PEN))
                    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), label)
        if self.row is not None:
            rect = transform.mapRect(QRectF(-0.5, self.row - 0.5, self._cols, 1)).adjusted(1, 1, -1, -1)
            painter.setPen(QPen(HIGHLIGHT_PEN, 2.5))
            painter.drawRect(rect)
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.drawRect(rect.adjusted(2, 2, -2, -2))
        painter.restore()


class MatrixPanel(QWidget):
    """A labelled heatmap of one matrix, with a colour bar, hover text and optional cell values."""

    #: Text for the cell under the mouse, e.g. "scores₁[爱, 机器] = 0.4187  (row 2, column 3)"; "" on leaving.
    hovered = Signal(str)
    #: Row and column (0-based) of a clicked cell.
    cellClicked = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._matrix = np.zeros((0, 0))
        self._display = np.zeros((0, 0), dtype=np.float32)
        self._title = ""
        self._kind: str | None = None
        self._levels = (-1.0, 1.0)
        self._shape = (0, 0)
        self._show_values = False
        self._last_hover: tuple[int, int] | None = None

        tick_font = cjk_font(8)
        small_font = cjk_font(7)
        self._view = pg.GraphicsLayoutWidget(self)
        self._view.setBackground(BACKGROUND)
        self._view.ci.layout.setContentsMargins(2, 2, 2, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)

        self._left = _LabelAxis("left", tick_font)
        self._top = _LabelAxis("top", tick_font)
        plot = pg.PlotItem(axisItems={"left": self._left, "top": self._top})
        self._plot = plot
        self._view.addItem(plot)
        plot.showAxes(True, showValues=(True, True, False, False), size=None)
        for side in ("left", "top", "right", "bottom"):
            axis = plot.getAxis(side)
            axis.setPen(FOREGROUND)
            axis.setTextPen(FOREGROUND)
        for side in ("right", "bottom"):
            plot.getAxis(side).setStyle(tickLength=0)
            plot.getAxis(side).setTicks([[], []])
        plot.getAxis("right").setWidth(1)
        plot.getAxis("bottom").setHeight(1)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.invertY(True)
        plot.setDefaultPadding(0.0)
        box = plot.getViewBox()
        box.setAspectLocked(False)
        box.disableAutoRange()
        self._box = box
        self._title_font = cjk_font(9)
        plot.titleLabel.item.setFont(self._title_font)
        plot.setTitle("", color=FOREGROUND.name(), size="9pt")
        plot.layout.setRowFixedHeight(0, 16)

        self._backdrop = _Backdrop()
        self._backdrop.setZValue(-10)
        box.addItem(self._backdrop, ignoreBounds=True)
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setZValue(0)
        box.addItem(self._image, ignoreBounds=True)
        self._texts = _CellTexts(cjk_font(8))
        self._texts.setZValue(10)
        box.addItem(self._texts, ignoreBounds=True)
        self._outlines = _Outlines(small_font)
        self._outlines.setZValue(20)
        box.addItem(self._outlines, ignoreBounds=True)

        self._bar = pg.ColorBarItem(values=(-1.0, 1.0), colorMap=SIGNED_MAP, width=8, interactive=False,
                                    colorMapMenu=False)
        for side in ("left", "top", "right", "bottom"):
            axis = self._bar.getAxis(side)
            axis.setPen(FOREGROUND)
            axis.setTextPen(FOREGROUND)
        self._bar.axis.setStyle(tickFont=small_font, tickTextOffset=2, tickLength=-3)
        self._bar.axis.setWidth(30)
        plot.layout.addItem(self._bar, 2, 5)
        plot.layout.setColumnFixedWidth(4, 4)

        self._luts = {
            "signed": pg.colormap.get(SIGNED_MAP).getLookupTable(nPts=256, alpha=False),
            "probability": pg.colormap.get(PROBABILITY_MAP).getLookupTable(nPts=256, alpha=False),
        }

        scene = self._view.scene()
        scene.sigMouseMoved.connect(self._mouse_moved)
        scene.sigMouseClicked.connect(self._mouse_clicked)
        self.setMouseTracking(True)

    # --- showing a matrix -------------------------------------------------------
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
        display = np.array(original, dtype=np.float32, order="C", copy=True)
        if rows and cols:
            peak = float(np.abs(display).max())
            if not math.isfinite(peak):  # masked cells (or NaN): ignore them for the levels
                display[np.isneginf(display)] = np.nan
                finite = display[np.isfinite(display)]
                peak = float(np.abs(finite).max()) if finite.size else 0.0
        else:
            peak = 0.0
        if kind == "signed":
            bound = peak if peak > 0 else 1.0
            levels = (-bound, bound)
        else:
            levels = (0.0, 1.0)
        lut = self._luts[kind]

        shape_changed = (rows, cols) != self._shape
        if shape_changed or title != self._title:
            self._outlines.blocks = []
        self._matrix = original
        self._display = display
        self._levels = levels

        if kind != self._kind:
            self._kind = kind
            self._image.setLookupTable(lut, update=False)
            self._bar.setColorMap(SIGNED_MAP if kind == "signed" else PROBABILITY_MAP)
            self.setToolTip(TOOLTIPS[kind])
        if rows and cols:
            self._image.setImage(display, levels=levels, autoLevels=False)
        else:
            self._image.clear()
        if levels != tuple(self._bar.levels()):
            self._bar.setLevels(levels, update_items=False)

        if shape_changed:
            self._shape = (rows, cols)
            if rows and cols:
                self._image.setRect(-0.5, -0.5, cols, rows)
            self._backdrop.set_shape(rows, cols)
            self._reset_view()
        self._outlines.set_shape(rows, cols)
        if self._outlines.row is not None and self._outlines.row >= rows:
            self._outlines.row = None

        self._left.set_labels(row_labels)
        self._top.set_labels(column_labels)
        if title != self._title:
            self._title = title
            self._plot.setTitle(html.escape(title), color=FOREGROUND.name(), size="9pt")
            self._plot.layout.setRowFixedHeight(0, 16)

        if show_values is None:
            show_values = rows * cols <= MAX_TEXT_CELLS
        self._show_values = bool(show_values) and rows * cols > 0
        self._texts.set_values(original if self._show_values else None, levels, lut)
        self._texts.setVisible(self._show_values)
        self._last_hover = None

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
        return (f"{self.name()}[{row_label}, {col_label}] = {format_hover_value(value)}"
                f"  (row {row + 1}, column {col + 1})")

    def hover_cell(self, row: int, col: int) -> str:
        """Emit (and return) the hover text of a cell; "" for a position outside the matrix."""
        text = self.hover_text(row, col)
        self._last_hover = (row, col) if text else None
        self.hovered.emit(text)
        return text

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
            self._reset_view()
            return
        cell = self._cell_at(event.scenePos())
        if cell is not None:
            self.cellClicked.emit(*cell)

    # --- outlines -----------------------------------------------------------------
    def highlight_row(self, row: int | None) -> None:
        """Outline one row (e.g. to follow a token); None clears it."""
        if row is not None and not (0 <= row < self._shape[0]):
            row = None
        if row != self._outlines.row:
            self._outlines.row = row
            self._outlines.update()

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
