"""MatrixPanel: one labelled heatmap, a matrix with token / dimension labels, a colour bar and values.

Laid out as pyqtgraph's MatrixDisplayExample: the cells centred on integer
coordinates, an inverted Y axis so row 0 is at the top, label axes on the
left and top, and the colour scale to the right. The panel only *displays*
what it is given: it holds the float64 matrix (hover text at full precision)
and draws a float32 copy in which masked cells (−inf) are NaN, over a
hatched backdrop that stands out from every colour of the map.

Every graphics item is made once, in ``__init__``, and reused by
``set_matrix``; a panel given the same numbers again draws nothing new; and
the panel asks for its own repaints (see HeatmapView), once per change.

What the rest of the app reads back is the matrix, its labels and its title;
everything else shows on screen (and in the scene items' own state).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from .axis import TokenAxis
from .cells import CellOverlay, CellValues, HeatmapImage, MaskedBackdrop
from .colour_bar import ColourBar
from .levels import GAPS, KINDS, MAX_TEXT_CELLS, Shown, format_hover_value, gap_styles, shown_values
from .marks import CellMarks
from ..fonts import cjk_font
from .style import BACKGROUND, FOREGROUND, PanelFonts, colour_table
from .title import Title
from .view import HeatmapView

TOOLTIPS = {
    "signed": ("Blue is negative, red positive, pale grey near zero; the colour bar gives the scale "
               "(symmetric around 0). Hatched grey cells are masked (−∞).\n"
               "Hover a cell for its value; click to select this matrix; drag to pan, Ctrl+wheel to zoom, "
               "double-click to show the whole matrix again."),
    "probability": ("Dark purple is 0, yellow is 1 (each row sums to 1). Hatched grey cells are masked.\n"
                    "Hover a cell for its value; click to select this matrix; drag to pan, Ctrl+wheel to zoom, "
                    "double-click to show the whole matrix again."),
}


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

    def __init__(self, parent=None, fonts: PanelFonts = PanelFonts()):
        super().__init__(parent)
        self._editable = False
        self._matrix = np.zeros((0, 0))
        self._title = ""
        self._kind: str | None = None
        self._shape = (0, 0)
        self._show_values_asked: bool | None = None
        self._last_hover: tuple[int, int] | None = None
        self._shown: Shown | None = None
        self._gap_reasons: np.ndarray | None = None

        self._view = HeatmapView(self)
        self._view.setBackground(BACKGROUND)
        self._view.ci.layout.setContentsMargins(2, 2, 2, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)

        self._left = TokenAxis("left", cjk_font(fonts.ticks), FOREGROUND)
        self._top = TokenAxis("top", cjk_font(fonts.ticks), FOREGROUND)
        # The view box without its context menu (PlotItem would build one, and the panel then removes it).
        plot = pg.PlotItem(viewBox=pg.ViewBox(enableMenu=False), axisItems={"left": self._left, "top": self._top})
        self._plot = plot
        self._view.addItem(plot)
        plot.showAxes((True, True, False, False), showValues=(True, True, False, False), size=None)
        for side in ("right", "bottom"):  # PlotItem makes these itself, hidden; the panel never shows them
            plot.getAxis(side).unlinkFromView()  # else every resize rewrites its hidden label as HTML
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.invertY(True)
        plot.setDefaultPadding(0.0)
        box = plot.getViewBox()
        box.setAspectLocked(False)
        box.disableAutoRange()
        # The frame's right and bottom edges: the view box's own rectangle item, drawn by Qt (two more
        # AxisItems would be painted in Python and laid out again at every resize). Not setBorder():
        # that also has the view box draw the same frame again in Python at every paint.
        frame_pen = QPen(FOREGROUND)
        frame_pen.setCosmetic(True)
        box.borderRect.setPen(frame_pen)
        self._box = box
        # The title: a one-line item of our own in the title's cell of the plot's layout (see Title).
        plot.setTitle(None)
        plot.layout.removeItem(plot.titleLabel)
        self._title_item = Title(cjk_font(fonts.title))
        plot.layout.addItem(self._title_item, 0, 0, 1, 6)  # over the labels and the colour bar too: room to read
        plot.layout.setRowFixedHeight(0, Title.HEIGHT)

        self._backdrop = MaskedBackdrop()
        self._image = HeatmapImage()
        self._values = CellValues(cjk_font(fonts.values))
        self._overlay = CellOverlay(cjk_font(fonts.small))
        for depth, item in ((-10, self._backdrop), (0, self._image), (10, self._values), (20, self._overlay)):
            item.setZValue(depth)
            box.addItem(item, ignoreBounds=True)

        self._bar = ColourBar(cjk_font(fonts.small))
        plot.layout.addItem(self._bar, 2, 5)  # beside the view box, the same height
        plot.layout.setColumnFixedWidth(4, 4)

        self._view.settle = self._settle
        # The view repaints only when asked (see HeatmapView): every change goes through this class's
        # methods, which call _repaint(); zooming and panning change the view box's range, which does too.
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

        Block outlines and rectangles are kept while the shape and title stay
        the same and cleared otherwise; the highlighted row is kept while it exists.
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
        shown = shown_values(original, kind)
        table = colour_table(kind)

        shape_changed = (rows, cols) != self._shape
        same_matrix = not shape_changed and title == self._title  # new numbers for the same matrix
        self._set_marks(self._overlay.marks().for_new_matrix(rows, same_matrix), repaint=False)
        self._matrix = original
        if kind != self._kind:
            self._kind = kind
            self._image.set_colours(table.argb)
            self._bar.set_colours(table.rgb)
            self.setToolTip(QCoreApplication.translate("MatrixPanel", TOOLTIPS[kind]))
        self._image.set_values(shown.values if rows and cols else None, shown.levels, shown.has_gaps)
        self._bar.set_levels(shown.levels)

        if shape_changed:
            self._shape = (rows, cols)
            self._gap_reasons = None
            self._reset_view()
        self._shown = shown
        self._draw_backdrop()
        self._overlay.set_shape(rows, cols)

        self._left.set_labels(row_labels)
        self._top.set_labels(column_labels)
        if title != self._title:
            self._title = title
            self._title_item.set_text(title)

        if show_values is None:
            show_values = rows * cols <= MAX_TEXT_CELLS
        write_values = bool(show_values) and rows * cols > 0
        if write_values or self._values.count():
            self._values.set_values(original if write_values else None, shown.levels, table.luminance)
        self._values.setVisible(write_values)
        self._last_hover = None
        self._settle()
        self._repaint()

    def set_gap_reasons(self, reasons: np.ndarray | None) -> None:
        """Say why each −∞ cell is −∞: a rows × cols array of indices into levels.GAPS (None: all "masked").

        Each reason has its own hatch (style.GAP_LOOKS) and hover note; NaN cells are always "nan".
        Kept until the matrix changes shape.
        """
        if reasons is not None and np.shape(reasons) != self._shape:
            raise ValueError(f"reasons of shape {np.shape(reasons)} for a {self._shape[0]}×{self._shape[1]} matrix")
        if reasons is None and self._gap_reasons is None:
            return
        if (reasons is not None and self._gap_reasons is not None
                and np.array_equal(reasons, self._gap_reasons)):
            return
        self._gap_reasons = None if reasons is None else np.array(reasons, dtype=np.int8)
        self._draw_backdrop()
        self._repaint()

    def _draw_backdrop(self) -> None:
        rows, cols = self._shape
        cells, styles = (None, None) if self._shown is None else gap_styles(self._shown, self._gap_reasons)
        if cells is not None or self._backdrop.has_cells():
            self._backdrop.set_cells(cells, rows, cols, styles)

    def flush_scene(self) -> None:
        """Let the scene handle its changed items now (a panel just shown), not after the next paint."""
        QCoreApplication.sendPostedEvents(self._view.scene(), QEvent.Type.MetaCall)

    def _repaint(self, *_signal_args) -> None:
        """Ask for one repaint of the whole panel (see HeatmapView)."""
        self._view.repaint_all()

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

    # --- what is shown ------------------------------------------------------------
    def matrix(self) -> np.ndarray:
        """The matrix as given to set_matrix (not copied): what hover text and copying read, at full precision."""
        return self._matrix

    def row_labels(self) -> list[str]:
        return list(self._left.labels())

    def column_labels(self) -> list[str]:
        return list(self._top.labels())

    def title(self) -> str:
        return self._title

    # --- hover and click ----------------------------------------------------------
    def hover_cell(self, row: int, col: int) -> str:
        """Emit (and return) the hover text of a cell; "" for a position outside the matrix."""
        text = self._hover_text(row, col)
        self._last_hover = (row, col) if text else None
        self.hovered.emit(text)
        return text

    def _hover_text(self, row: int, col: int) -> str:
        rows, cols = self._shape
        if not (0 <= row < rows and 0 <= col < cols):
            return ""
        value = format_hover_value(float(self._matrix[row, col]), self._gap_note(row, col))
        # The matrix's name: the title up to its first space ("scores₁ = …" → "scores₁").
        name = self._title.split(" ", 1)[0] if self._title else ""
        position = self.tr("(row {0}, column {1})").format(row + 1, col + 1)
        return f"{name}[{self._left.labels()[row]}, {self._top.labels()[col]}] = {value}  {position}"

    def _gap_note(self, row: int, col: int) -> str:
        """What a −∞ cell's hover text adds: why it is −∞ (see set_gap_reasons)."""
        reason = "masked" if self._gap_reasons is None else GAPS[self._gap_reasons[row, col]]
        notes = {"padding": self.tr("(masked: padding)"), "window": self.tr("(masked: outside the window)"),
                 "overflow": self.tr("(overflow)")}  # the causal mask is the mask of the 2017 lesson: "(masked)"
        return notes.get(reason, self.tr("(masked)"))

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

    def leaveEvent(self, event):  # noqa: N802 (Qt's name)
        self._leave()
        super().leaveEvent(event)

    def _mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        cell = self._cell_at(event.scenePos())
        if event.double():
            if self._editable and cell is not None:
                self.cellDoubleClicked.emit(*cell)
            else:
                self._reset_view()
            return
        if cell is not None:
            self.cellClicked.emit(*cell)
            return
        label = self._label_at(event.scenePos())
        if label is not None:
            self.labelClicked.emit(*label)

    # --- editing and marks --------------------------------------------------------
    def set_editable(self, editable: bool) -> None:
        """Let a double-click on a cell ask for a new value (X and the W matrices) instead of resetting the view."""
        self._editable = editable

    def set_marked_cells(self, cells: list[tuple[int, int]]) -> None:
        """Mark edited cells with an orange corner; [] clears."""
        self._set_marks(self._overlay.marks().with_edited(cells, *self._shape))

    def highlight_row(self, row: int | None) -> None:
        """Outline one row (e.g. to follow a token); None clears it."""
        self._set_marks(self._overlay.marks().with_row(row, self._shape[0]))

    def set_block_outlines(self, blocks: list[tuple[int, int, str]]) -> None:
        """Outline and label column blocks (first column, width, label), e.g. the heads inside concat; [] clears."""
        self._set_marks(self._overlay.marks().with_blocks(blocks, self._shape[1]))

    def set_rectangles(self, outlined: list[tuple[int, int, int, int]],
                       skipped: list[tuple[int, int, int, int]] = ()) -> None:
        """Outline rectangles of cells (first row, first column, rows, columns), e.g. a tile, and cross out
        ``skipped`` ones (never computed); [] clears. Kept like block outlines (see set_matrix)."""
        self._set_marks(self._overlay.marks().with_rectangles(outlined, skipped, *self._shape))

    def _set_marks(self, marks: CellMarks, repaint: bool = True) -> None:
        """Every change of the marks goes through here, to the overlay that holds and draws them."""
        if self._overlay.set_marks(marks) and repaint:
            self._repaint()
