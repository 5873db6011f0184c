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

What the rest of the app reads back is the matrix, its labels and its title
(and the marks it was given); everything else shows on screen (and in the
scene items' own state).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from .axis import TokenAxis
from .cells import CellOverlay, CellValues, HeatmapImage, MaskedBackdrop
from .colour_bar import ColourBar
from .levels import KINDS, MAX_TEXT_CELLS, SCALES, Shown, gap_styles, shown_values
from .marks import Cell, CellMarks
from .pointing import Pointing
from .reveal import Revealing
from ..fonts import cjk_font
from .style import BACKGROUND, FOREGROUND, PanelFonts, colour_table
from .title import Title
from .view import HeatmapView

#: The zoom factors set_zoom accepts.
ZOOM_RANGE = (0.5, 4.0)

TOOLTIPS = {
    "signed": ("Blue is negative, red positive, pale grey near zero; the colour bar gives the scale "
               "(symmetric around 0). Hatched grey cells are masked (−∞).\n"
               "Hover a cell for its value; click to select this matrix; drag to pan, Ctrl+wheel to zoom, "
               "double-click to show the whole matrix again."),
    "probability": ("Dark purple is 0, yellow is 1 (each row sums to 1). Hatched grey cells are masked.\n"
                    "Hover a cell for its value; click to select this matrix; drag to pan, Ctrl+wheel to zoom, "
                    "double-click to show the whole matrix again."),
}


class MatrixPanel(Revealing, Pointing, QWidget):
    """A labelled heatmap of one matrix, with a colour bar, hover text and optional cell values.

    Showing: ``set_matrix`` (the matrix, its labels, title and kind); read back
    with ``matrix``, ``row_labels``, ``column_labels``, ``title``.

    Marks over the cells, each set and cleared through its own call, each
    visible on every colour of both colour maps:

    - ``highlight_row(row)``: the followed token's row (None clears);
    - ``set_block_outlines(blocks)``: labelled column blocks (the heads inside concat);
    - ``set_marked_cells(cells)``: edited cells, outlined in orange dashes;
    - ``set_lit_cells(groups)``: lit cells — where a pointed-at number comes from, or what it feeds —
      as (row indices, column indices) groups, each lighting rows × columns: a cell, a row, a column,
      a rectangle, a RoPE pair; drawn as a translucent magenta fill with a magenta-on-black outline.
      ``clear_lit_cells()`` clears them, ``lit_cells()`` gives every lit (row, column).

    Pointing: ``currentCellChanged(row, column)`` follows the cell pointed at — the one under the
    mouse, else the keyboard's selected one; (−1, −1) for none. ``hovered`` gives the hover text.
    A click selects a cell (``select_cell``, ``selected_cell``; ``current_cell`` is what the signal
    last said). With the panel focused, the arrow keys move the selection, Enter on an editable
    panel asks to edit the selected cell (``cellDoubleClicked``, as a double-click does) and Esc
    clears the selection (then the arrow keys are the window's again). Tabbing into the panel
    selects its first cell.

    Colours: ``set_scale("linear" | "row" | "log")`` colours a probability matrix 0…1, each row to
    its own largest weight, or logarithmically (10⁻⁴…1); the colour bar's caption says which.
    Signed matrices are always centred on 0. ``scale()`` reads it back.

    Filling in: ``set_revealed(count, by="cell" | "row")`` draws all but the first cells or rows blank
    (the step animation's; reveal.py), ``set_revealed(None)`` shows all.

    Size: ``set_zoom(factor)`` scales every text of the panel (axis labels, title, numbers in the
    cells, colour bar, block labels); ``zoom()`` and ``fonts()`` read it back.

    The colour legend (``TOOLTIPS``) is the panel's tool tip, shown only over the colour bar, never
    over the cells, where it would cover the neighbouring panels.
    """

    #: Text for the cell under the mouse, e.g. "scores₁[爱, 机器] = 0.4187  (row 2, column 3)"; "" on leaving.
    hovered = Signal(str)
    #: The cell pointed at changed (row, column): the one under the mouse, else the selected one; (−1, −1): none.
    currentCellChanged = Signal(int, int)
    #: Row and column (0-based) of a clicked cell.
    cellClicked = Signal(int, int)
    #: A cell of an editable panel was double-clicked, or Enter pressed on it (row, column): the person
    #: wants to type a value.
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
        self._last_hover: tuple[int, int] | None = None  # the cell whose hover text was last sent
        self._hovered: Cell | None = None  # the cell under the mouse
        self._current: Cell | None = None  # what currentCellChanged last said
        self._scale = "linear"
        self._base_fonts = fonts
        self._zoom = 1.0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the arrow keys move the selected cell
        self._shown: Shown | None = None
        self._gap_reasons: np.ndarray | None = None

        self._view = HeatmapView(self)
        self._view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click focuses the panel, which takes the keys
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
        self._init_reveal()  # set_revealed: the cells still to come drawn blank (reveal.py)

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
        """Re-translate the colour legend tooltip and the colour bar's caption when the app's language changes."""
        if event.type() == QEvent.Type.LanguageChange and self._kind in TOOLTIPS:
            self.setToolTip(QCoreApplication.translate("MatrixPanel", TOOLTIPS[self._kind]))
            if self._caption():
                self._bar.set_scale(self._shown_scale(), self._caption())
                self._repaint()
        super().changeEvent(event)

    def set_matrix(self, matrix: np.ndarray, row_labels: list[str], column_labels: list[str], title: str,
                   kind: str = "signed", show_values: bool | None = None) -> None:
        """Show ``matrix`` (rows × columns) with its labels and title.

        kind "signed": diverging colours centred on 0, levels ±max|finite value|
        (±1 when all are zero); "probability": sequential colours, levels 0…1
        (or the scale chosen with set_scale). −inf cells (masked) show as
        hatched grey. ``show_values``: None writes the values in the cells
        when there are at most MAX_TEXT_CELLS cells, False never, True always.

        Block outlines, rectangles and lit cells are kept while the shape and
        title stay the same and cleared otherwise; the highlighted row and the
        selected cell are kept while they exist.
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
        shape_changed = (rows, cols) != self._shape
        same_matrix = not shape_changed and title == self._title  # new numbers for the same matrix
        self._set_marks(self._overlay.marks().for_new_matrix(rows, same_matrix, cols), repaint=False)
        self._matrix = original
        if kind != self._kind:
            self._kind = kind
            table = colour_table(kind)
            self._image.set_colours(table.argb)
            self._bar.set_colours(table.rgb)
            self.setToolTip(QCoreApplication.translate("MatrixPanel", TOOLTIPS[kind]))

        if shape_changed:
            self._shape = (rows, cols)
            self._gap_reasons = None
            self._reset_view()
            self._sync_veil()
        self._overlay.set_shape(rows, cols)
        self._left.set_labels(row_labels)
        self._top.set_labels(column_labels)
        if title != self._title:
            self._title = title
            self._title_item.set_text(title)
        self._colour_cells()
        self._last_hover = None
        if self._hovered is not None and not (self._hovered[0] < rows and self._hovered[1] < cols):
            self._hovered = None
        self._update_current()
        self._settle()
        self._repaint()

    def _colour_cells(self) -> None:
        """Draw the matrix held in its kind's colours, at the scale chosen, and write its numbers (if shown)."""
        original, kind = self._matrix, self._kind
        rows, cols = self._shape
        scale = self._shown_scale()
        shown = shown_values(original, kind, scale)
        table = colour_table(kind)
        self._image.set_values(shown.values if rows and cols else None, shown.levels, shown.has_gaps)
        self._bar.set_levels(shown.levels)
        self._bar.set_scale(scale, self._caption())
        self._shown = shown
        self._draw_backdrop()
        show_values = self._show_values_asked
        if show_values is None:
            show_values = rows * cols <= MAX_TEXT_CELLS
        write_values = bool(show_values) and rows * cols > 0
        if write_values or self._values.count():
            self._values.set_values(original if write_values else None, shown.levels, table.luminance,
                                    shown.values if scale != "linear" and write_values else None)
        self._values.setVisible(write_values)

    # --- colour scale and zoom ------------------------------------------------------
    def set_scale(self, scale: str) -> None:
        """Colour probability matrices "linear" (0…1), per "row" (each to its largest) or "log" (10⁻⁴…1).

        Signed matrices keep their colours centred on 0 whatever the scale;
        the scale stays for the matrices shown later. ValueError for another name.
        """
        if scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
        if scale == self._scale:
            return
        self._scale = scale
        if self._kind == "probability":
            self._colour_cells()
            self._settle()  # the colour bar may have grown by its caption
            self._repaint()

    def scale(self) -> str:
        """The scale chosen with set_scale (used for probability matrices)."""
        return self._scale

    def _shown_scale(self) -> str:
        return self._scale if self._kind == "probability" else "linear"

    def _caption(self) -> str:
        """The colour bar's caption: which scale the colours follow ("" for the plain 0…1)."""
        scale = self._shown_scale()
        if scale == "row":
            return self.tr("each row ÷ its largest")
        return self.tr("logarithmic") if scale == "log" else ""

    def set_zoom(self, factor: float) -> None:
        """Scale every text of the panel by ``factor`` (1 is actual size); ValueError outside ZOOM_RANGE."""
        factor = float(factor)
        if not ZOOM_RANGE[0] <= factor <= ZOOM_RANGE[1]:
            raise ValueError(f"the zoom must be from {ZOOM_RANGE[0]:g} to {ZOOM_RANGE[1]:g}, not {factor:g}")
        if factor == self._zoom:
            return
        self._zoom = factor
        fonts = self.fonts()
        self._left.set_font(cjk_font(fonts.ticks))
        self._top.set_font(cjk_font(fonts.ticks))
        height = round(Title.HEIGHT * factor)
        self._title_item.set_font(cjk_font(fonts.title), height)
        self._plot.layout.setRowFixedHeight(0, height)
        self._values.set_font(cjk_font(fonts.values), CellValues.MAX_PIXEL_SIZE * factor)
        self._overlay.set_font(cjk_font(fonts.small))
        self._bar.set_font(cjk_font(fonts.small))
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

    def zoom(self) -> float:
        return self._zoom

    def fonts(self) -> PanelFonts:
        """The point sizes of the panel's texts at its zoom."""
        return self._base_fonts.scaled(self._zoom)

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

    def event(self, event) -> bool:
        """The colour legend shows over the colour bar only: over the cells it would cover the neighbouring panels."""
        if event.type() == QEvent.Type.ToolTip:
            scene_pos = self._view.mapToScene(self._view.mapFrom(self, event.pos()))
            if self.toolTip() and self._bar.sceneBoundingRect().contains(QPointF(scene_pos)):
                QToolTip.showText(event.globalPos(), self.toolTip(), self)
            else:  # the hover text goes to the status bar instead
                QToolTip.hideText()
            return True
        return super().event(event)

    # --- editing and marks --------------------------------------------------------
    def set_editable(self, editable: bool) -> None:
        """Let a double-click (or Enter) on a cell ask for a new value (X and the W matrices) instead of
        resetting the view."""
        self._editable = editable

    def set_marked_cells(self, cells: list[tuple[int, int]]) -> None:
        """Outline edited cells (orange dashes on black); [] clears."""
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

    def set_lit_cells(self, groups: Iterable[tuple[Sequence[int], Sequence[int]]]) -> None:
        """Light cells: each group (row indices, column indices) lights those rows × columns; [] clears.

        E.g. ``[([1], range(4))]`` lights row 1 of a 4-column matrix, ``[([1], [0, 2])]`` two cells.
        Indices outside the matrix are left out. The step view lights with it where a hovered
        number comes from (core.provenance.lit_by gives the groups, as Cells with rows and columns).
        """
        self._set_marks(self._overlay.marks().with_lit(groups, *self._shape))

    def clear_lit_cells(self) -> None:
        self._set_marks(self._overlay.marks().with_lit((), *self._shape))

    def lit_cells(self) -> frozenset[Cell]:
        """Every lit (row, column)."""
        return self._overlay.marks().lit_cells()

    def _set_marks(self, marks: CellMarks, repaint: bool = True) -> None:
        """Every change of the marks goes through here, to the overlay that holds and draws them."""
        if self._overlay.set_marks(marks) and repaint:
            self._repaint()
