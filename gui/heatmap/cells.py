"""The scene items drawn in a heatmap's view box, one cell per unit, cell (row, column) centred on (column, row).

From the bottom up: the hatched backdrop of masked cells, the heatmap picture
(transparent where masked), the numbers, and the overlay of marks. Each item
is made once per panel and given new data, never replaced, so an update
creates nothing; each draws all of its cells itself, in one paint.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPaintEngine, QPen

from .levels import colour_pixels, dark_cells, format_cell, value_font_pixels
from .marks import CellMarks
from .style import (BLOCK_PEN, CELL_TEXTS, EDITED_BACKING, EDITED_COLOUR, GAP_LOOKS, HIGHLIGHT_PEN, LIT_BACKING,
                    LIT_COLOUR, LIT_FILL, SELECTED_INNER, SELECTED_OUTER, SKIPPED_PEN, TILE_PEN)

#: Paint engines that write a document (a vector picture) rather than pixels.
_VECTOR_ENGINES = frozenset({QPaintEngine.Type.SVG, QPaintEngine.Type.Pdf})
#: How far each cell's rectangle overlaps its right and lower neighbours in a vector picture, in cells:
#: renderers antialias every edge, and two rectangles that only touch show a pale seam between them.
_SEAM_OVERLAP = 0.02


def _cells_rect(rows: int, cols: int) -> QRectF:
    return QRectF(-0.5, -0.5, cols, rows)


def draws_a_document(painter: QPainter) -> bool:
    """Whether ``painter`` writes a vector document (SVG, PDF) rather than pixels."""
    engine = painter.paintEngine()
    return engine is not None and engine.type() in _VECTOR_ENGINES


class HeatmapImage(pg.GraphicsObject):
    """The matrix as a picture, one pixel per cell, stretched over the cells: premultiplied ARGB.

    Drawn here rather than by pyqtgraph's ImageItem, which renders a matrix
    with a lookup table as an 8-bit indexed image (building its colour table
    in Python each time) that QPainter converts again at every scaled paint.
    The pixels come straight from the colour table's words
    (levels.colour_pixels), when first painted after a change.
    """

    def __init__(self):
        super().__init__()
        self._values: np.ndarray | None = None
        self._levels = (0.0, 1.0)
        self._has_gaps = True
        self._words: np.ndarray | None = None
        self._rect = QRectF()
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None  # the picture's memory, kept alive for the QImage

    def set_colours(self, words: np.ndarray) -> None:
        """``words``: the colour table as 0xAARRGGBB words (style.ColourTable.argb)."""
        self._words = words
        self._image = None
        self.update()

    def set_values(self, values: np.ndarray | None, levels: tuple[float, float], has_gaps: bool = True) -> None:
        """Show ``values`` (rows × columns float32, NaN transparent; None: nothing) between ``levels``."""
        rect = QRectF() if values is None or values.size == 0 else _cells_rect(*values.shape)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self._values = values
        self._levels = levels
        self._has_gaps = has_gaps
        self._image = None
        self.update()

    def values(self) -> np.ndarray | None:
        """The float32 array drawn (not a copy)."""
        return self._values

    def levels(self) -> tuple[float, float]:
        """The values drawn in the first and the last colour of the table."""
        return self._levels

    def boundingRect(self):  # noqa: N802 (Qt's name)
        return QRectF(self._rect)

    def paint(self, painter, option, widget=None):
        values = self.values()
        if values is None or values.size == 0 or self._words is None:
            return
        if self._image is None:
            pixels = colour_pixels(values, self.levels(), self._words, self._has_gaps)
            rows, cols = pixels.shape
            self._pixels = pixels
            self._image = QImage(pixels.data, cols, rows, cols * 4, QImage.Format.Format_ARGB32_Premultiplied)
        if draws_a_document(painter):
            self._paint_rectangles(painter)
        else:
            painter.drawImage(self._rect, self._image)

    def _paint_rectangles(self, painter) -> None:
        """The cells as filled rectangles, one per run of equal colour along a row: an SVG or PDF picture
        stays sharp at any size (an image would be an embedded bitmap, blurred or blocky when enlarged)."""
        pixels = self._pixels
        painter.save()
        painter.setClipRect(self._rect)
        painter.setPen(Qt.PenStyle.NoPen)
        for row, line in enumerate(pixels):
            edges = np.flatnonzero(np.diff(line)) + 1
            starts = np.concatenate(([0], edges))
            stops = np.concatenate((edges, [len(line)]))
            for start, stop in zip(starts.tolist(), stops.tolist()):
                word = int(line[start])
                if word == 0:  # masked: the hatched backdrop shows through
                    continue
                colour = QColor.fromRgb(word & 0xFFFFFF)
                painter.fillRect(QRectF(start - 0.5, row - 0.5, stop - start + _SEAM_OVERLAP, 1 + _SEAM_OVERLAP),
                                 colour)
        painter.restore()


class MaskedBackdrop(pg.GraphicsObject):
    """Hatched grey under the masked cells; the picture is transparent there, so it shows through.

    Only the masked cells are filled (as runs along each row), and the item is
    hidden when nothing is masked, so unmasked matrices cost nothing. Each
    cell may have a look of its own (``styles``: an index into levels.GAPS,
    drawn as style.GAP_LOOKS says), so the causal mask, a window, padding and
    float16's overflow are told apart.
    """

    def __init__(self):
        super().__init__()
        self._rect = QRectF()
        self._runs: list[tuple[QRectF, QColor, QBrush]] = []
        self._looks = [(fill, QBrush(hatch, pattern)) for fill, hatch, pattern in GAP_LOOKS.values()]

    def set_cells(self, masked: np.ndarray | None, rows: int, cols: int, styles: np.ndarray | None = None) -> None:
        """``masked``: boolean rows × cols array of cells to hatch (None: none); ``styles``: each one's look."""
        rect = _cells_rect(rows, cols)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        runs = []
        if masked is not None:
            coded = masked.astype(np.int8) if styles is None else np.where(masked, styles.astype(np.int8) + 1, 0)
            for row, line in enumerate(coded):
                # Start and end of each run of one look in the row (0: no backdrop).
                edges = np.flatnonzero(np.diff(np.concatenate(([0], line, [0]))))
                for start, stop in zip(edges[:-1], edges[1:]):
                    if line[start]:
                        fill, hatch = self._looks[line[start] - 1]
                        runs.append((QRectF(start - 0.5, row - 0.5, stop - start, 1), fill, hatch))
        self._runs = runs
        self.setVisible(bool(runs))
        self.update()

    def has_cells(self) -> bool:
        return bool(self._runs)

    def boundingRect(self):  # noqa: N802 (Qt's name)
        return QRectF(self._rect)

    def paint(self, painter, option, widget=None):
        if not self._runs:
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()  # hatch in screen pixels, whatever the zoom
        for run, fill, hatch in self._runs:
            device = transform.mapRect(run)
            painter.fillRect(device, fill)
            painter.fillRect(device, hatch)
        painter.restore()


class CellValues(pg.GraphicsObject):
    """All the numbers written in the cells, drawn by one item.

    One item instead of a TextItem per cell: nothing is created or destroyed
    when the matrix changes, and the texts are only formatted when first
    needed. The font size follows the cell size on screen; when cells are too
    small for readable text, nothing is drawn.
    """

    MAX_PIXEL_SIZE = 13.0

    def __init__(self, font: QFont):
        super().__init__()
        self._largest = self.MAX_PIXEL_SIZE
        self._base_font = QFont(font)
        self._fonts: dict[int, tuple[QFont, QFontMetricsF]] = {}
        self._matrix: np.ndarray | None = None
        self._colours: np.ndarray | None = None
        self._levels = (0.0, 1.0)
        self._luminance: list[float] = [0.0]
        self._rows = 0
        self._cols = 0
        self._texts: list[str] | None = None
        self._dark: list[bool] = []
        self._widest_at_10px = 1.0
        self._width_by_length: dict[int, float] = {}
        self._light_pen = QPen(QColor("#ffffff"))
        self._dark_pen = QPen(QColor("#000000"))

    def set_values(self, matrix: np.ndarray | None, levels: tuple[float, float], luminance: list[float],
                   colours: np.ndarray | None = None) -> None:
        """Write ``matrix``'s values (None: none). ``luminance``: of each colour-table entry, for the text colour.

        ``colours``: the values the cells are coloured by, between ``levels``
        (another scale's, e.g. each row divided by its largest); the matrix's
        own values when None.
        """
        rows, cols = (0, 0) if matrix is None else matrix.shape
        if (rows, cols) != (self._rows, self._cols):
            self.prepareGeometryChange()
            self._rows, self._cols = rows, cols
        self._matrix = matrix
        self._colours = colours
        self._levels = levels
        self._luminance = luminance
        self._texts = None
        self.update()

    def set_font(self, font: QFont, largest: float) -> None:
        """Write in ``font``'s family, at most ``largest`` pixels high (the panel's zoom scales both)."""
        self._base_font = QFont(font)
        self._largest = largest
        self._fonts.clear()
        self._width_by_length.clear()
        self._texts = None
        self.update()

    def largest_pixel_size(self) -> float:
        """The largest size the numbers are written at, in pixels (when the cells are big enough)."""
        return self._largest

    def count(self) -> int:
        """How many cells have a number."""
        return 0 if self._matrix is None else self._rows * self._cols

    def texts(self) -> list[str]:
        """The numbers as written, row after row (formatted now if not yet painted)."""
        if self._texts is None:
            if self._matrix is None:
                return []
            values = np.asarray(self._matrix, dtype=np.float64).ravel().tolist()
            self._texts = [format_cell(value) for value in values]
            colours = values if self._colours is None else np.asarray(self._colours, np.float64).ravel().tolist()
            self._dark = dark_cells(colours, self._levels, self._luminance)
            # The longest text's width at 10 px, estimated as a minus sign and zeros (digits share one
            # width in most fonts; "." is narrower): a safe upper bound, remembered by length.
            longest = max(map(len, self._texts))
            widest = self._width_by_length.get(longest)
            if widest is None:
                metrics = self._font(10)[1]
                widest = self._width_by_length[longest] = metrics.horizontalAdvance("−" + "0" * (longest - 1))
            self._widest_at_10px = widest
        return self._texts

    def _font(self, pixels: int) -> tuple[QFont, QFontMetricsF]:
        found = self._fonts.get(pixels)
        if found is None:
            font = QFont(self._base_font)
            font.setPixelSize(pixels)
            found = self._fonts[pixels] = (font, QFontMetricsF(font))
        return found

    def boundingRect(self):  # noqa: N802 (Qt's name)
        return _cells_rect(self._rows, self._cols)

    def paint(self, painter, option, widget=None):
        if self._matrix is None or self._rows == 0 or self._cols == 0:
            return
        texts = self.texts()
        transform = painter.transform()
        cell = transform.mapRect(QRectF(0, 0, 1, 1))
        pixels = value_font_pixels(cell.width(), cell.height(), self._widest_at_10px, self._largest)
        if pixels is None:
            return
        size = int(pixels)
        font, metrics = self._font(size)
        painter.save()
        painter.resetTransform()
        painter.setFont(font)
        origin = transform.map(QPointF(0, 0))
        step_x = transform.map(QPointF(1, 0)) - origin
        step_y = transform.map(QPointF(0, 1)) - origin
        # The baseline that centres digits vertically in the cell.
        x0 = origin.x()
        y0 = origin.y() + (metrics.ascent() - metrics.descent()) / 2
        top_offset = metrics.ascent()  # a static text is placed by its top-left corner
        cols = self._cols
        light, dark = self._light_pen, self._dark_pen
        current = None
        font_key = font.key()
        for index, text in enumerate(texts):
            row, col = divmod(index, cols)
            pen = light if self._dark[index] else dark
            if pen is not current:
                painter.setPen(pen)
                current = pen
            static = CELL_TEXTS.get((text, font_key), text, font)  # laid out once, then drawn many times
            x = x0 + col * step_x.x() + row * step_y.x() - static.size().width() / 2
            y = y0 + col * step_x.y() + row * step_y.y() - top_offset
            painter.drawStaticText(QPointF(x, y), static)
        painter.restore()


class CellOverlay(pg.GraphicsObject):
    """The marks over the cells (marks.CellMarks): column blocks, lit cells, edited cells, skipped and outlined
    rectangles, the row, the selection.

    Each mark is drawn in screen pixels whatever the zoom, as an outline of
    two colours (a light one on a dark one) so that it shows on every colour
    of both colour maps; lit cells also get a translucent fill.
    """

    def __init__(self, font: QFont):
        super().__init__()
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self._rows = 0
        self._cols = 0
        self._marks = CellMarks()
        self._edited_pen = QPen(EDITED_COLOUR, 2)
        self._edited_pen.setDashPattern([2.0, 1.5])  # in pen widths: 4 px of orange, 3 px of black

    def marks(self) -> CellMarks:
        """What is drawn now."""
        return self._marks

    def set_marks(self, marks: CellMarks) -> bool:
        """Draw ``marks``; returns whether they differ from those drawn (only then is anything redrawn)."""
        if marks == self._marks:
            return False
        self._marks = marks
        self.update()
        return True

    def set_font(self, font: QFont) -> None:
        """The blocks' labels' font (the panel's zoom scales it)."""
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self.update()

    def set_shape(self, rows: int, cols: int) -> None:
        if (rows, cols) != (self._rows, self._cols):
            self.prepareGeometryChange()
            self._rows, self._cols = rows, cols
            self.update()

    def boundingRect(self):  # noqa: N802 (Qt's name)
        return _cells_rect(max(self._rows, 0), max(self._cols, 0)).adjusted(-0.1, -0.1, 0.1, 0.1)

    def paint(self, painter, option, widget=None):
        marks = self.marks()
        if self._rows == 0 or self._cols == 0 or marks.is_empty():
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()  # pens and marks in screen pixels, whatever the zoom
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

        def on_screen(row: float, column: float, rows: float, columns: float) -> QRectF:
            # Whole pixels: unantialiased lines at fractional places round by where the widget sits in its
            # window, so the same panel drew its outlines a pixel apart on screen and in a picture of it.
            return QRectF(transform.mapRect(QRectF(column - 0.5, row - 0.5, columns, rows)).toRect())

        for first, width, label in marks.blocks:
            rect = on_screen(0, first, self._rows, width).adjusted(1, 1, -1, -1)
            painter.setPen(QPen(BLOCK_PEN, 2))
            painter.drawRect(rect)
            if label:
                painter.setFont(self._font)
                box = QRectF(rect.left() + 2, rect.top() + 2,
                             self._metrics.horizontalAdvance(label) + 6, self._metrics.height() + 2)
                if box.width() <= rect.width() + 1:
                    painter.fillRect(box, QColor(255, 255, 255, 210))
                    painter.setPen(QPen(BLOCK_PEN))
                    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), label)
        for row, col, rows, cols in marks.skipped:  # washed out and crossed: never computed
            rect = on_screen(row, col, rows, cols).adjusted(1, 1, -1, -1)
            painter.fillRect(rect, QColor(255, 255, 255, 120))
            painter.setPen(QPen(SKIPPED_PEN, 1.5, Qt.PenStyle.DashLine))
            painter.drawRect(rect)
            painter.drawLine(rect.topLeft(), rect.bottomRight())
            painter.drawLine(rect.topRight(), rect.bottomLeft())
        for row, col, rows, cols in marks.outlined:
            rect = on_screen(row, col, rows, cols).adjusted(1, 1, -1, -1)
            painter.setPen(QPen(TILE_PEN, 3))
            painter.drawRect(rect)
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.drawRect(rect.adjusted(2.5, 2.5, -2.5, -2.5))
        lit = [on_screen(*rect) for rect in marks.lit]
        for rect in lit:  # a translucent magenta over the cells' own colours
            painter.fillRect(rect, LIT_FILL)
        for pen in (QPen(LIT_BACKING, 4), QPen(LIT_COLOUR, 2)):  # magenta on black: shows on light and dark
            painter.setPen(pen)
            for rect in lit:
                painter.drawRect(rect.adjusted(1, 1, -1, -1))
        if marks.edited:  # orange dashes on a wider black line, around each edited cell
            edited = [on_screen(row, col, 1, 1).adjusted(2, 2, -2, -2) for row, col in marks.edited]
            for pen in (QPen(EDITED_BACKING, 4), self._edited_pen):
                painter.setPen(pen)
                for rect in edited:
                    painter.drawRect(rect)
        if marks.row is not None:
            rect = on_screen(marks.row, 0, 1, self._cols).adjusted(1, 1, -1, -1)
            painter.setPen(QPen(HIGHLIGHT_PEN, 2.5))
            painter.drawRect(rect)
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.drawRect(rect.adjusted(2, 2, -2, -2))
        if marks.selected is not None:
            rect = on_screen(*marks.selected, 1, 1)
            painter.setPen(QPen(SELECTED_OUTER, 3))
            painter.drawRect(rect.adjusted(-1, -1, 1, 1))
            painter.setPen(QPen(SELECTED_INNER, 1.5))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.restore()
