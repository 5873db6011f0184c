"""Comparing what the panels hold with a fresh computation of the core, and reading what a panel shows.

A MatrixPanel's own accessors are the few the app needs (matrix, labels,
title). What it draws is read here, from its scene items' public state (found
by their class in the panel's scene, as any Qt program can find them), from
its pixels, or by using it as a person would.
"""

import numpy as np

from attention_stepper.core import Parameters, compute
from attention_stepper.core.matrices import keys_from


def displayed(matrix: np.ndarray) -> np.ndarray:
    """What a panel should hold for a core matrix: float32, masked cells (−inf) as NaN (and float16's +inf)."""
    shown = np.asarray(matrix, dtype=np.float32).copy()
    shown[np.isinf(shown)] = np.nan
    return shown


def assert_panels_show_core(window, parameters: Parameters | None = None) -> None:
    """Every panel on screen holds exactly the core's matrix for its step and head, with token labels
    (transposed, labels swapped, on a panel that shows it transposed: Kᵀ at the scores step).

    The expected numbers come from a fresh core computation of the parameters,
    not from the window's model, so a model that forgot an edit fails too.
    """
    model = window.model
    parameters = parameters or model.parameters
    assert model.parameters == parameters
    expected = compute(parameters)
    step = model.step
    keys = list(step.inputs) + list(step.outputs)
    if step.key == "project" and model.head is None:
        keys += list(keys_from("packed"))  # all heads' projections side by side, before the split
    if step.key == "rope":
        keys.append("rope_angles")  # the angle table, beside the q and k it turns
    panels = window.step_view.panels()
    assert panels, "no panel is shown"
    for key, head, panel in panels:
        assert key in keys
        assert head is None or 0 <= head < parameters.heads
        matrix, (rows, columns) = expected.matrix(key, head), expected.labels(key)
        if window.step_view.is_transposed(key, head):  # Kᵀ at the scores step: exactly the transposed matrix
            matrix, rows, columns = matrix.T, columns, rows
        np.testing.assert_array_equal(shown_image(panel), displayed(matrix))
        assert panel.row_labels() == rows
        assert panel.column_labels() == columns


def wait_for_computation(qtbot, model, timeout: int = 20_000) -> None:
    """Wait until the model's newest computation (on the worker at larger sizes) is shown."""
    qtbot.waitUntil(lambda: not model.busy, timeout=timeout)


def type_text(qtbot, widget, text: str) -> None:
    """Type text into a widget as a person would.

    Latin text goes key by key; other scripts are committed through an input
    method event, which is how a Chinese IME delivers 猫吃鱼 (QTest's key
    clicks only know Latin-1).
    """
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    if all(ord(char) < 128 for char in text):
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


# --- reading a panel --------------------------------------------------------------
def graphics_view(panel):
    """The panel's QGraphicsView (its only one)."""
    from PySide6.QtWidgets import QGraphicsView

    return panel.findChild(QGraphicsView)


def graphics_item_count(panel) -> int:
    """How many graphics items the panel's scene holds (constant across updates)."""
    return len(graphics_view(panel).scene().items())


def part(panel, kind):
    """The one item of class ``kind`` in the panel's scene."""
    (item,) = [item for item in graphics_view(panel).scene().items() if isinstance(item, kind)]
    return item


def view_box(panel):
    import pyqtgraph as pg

    return part(panel, pg.ViewBox)


def label_axis(panel, orientation: str):
    """The token axis on the "left" (row labels) or on the "top" (column labels)."""
    from attention_stepper.gui.heatmap.axis import TokenAxis

    (axis,) = [item for item in graphics_view(panel).scene().items()
               if isinstance(item, TokenAxis) and item.orientation == orientation]
    return axis


def shown_image(panel) -> np.ndarray:
    """The float32 array the panel draws (rows × columns, row-major; NaN where the matrix is −inf)."""
    from attention_stepper.gui.heatmap.cells import HeatmapImage

    return part(panel, HeatmapImage).values()


def shown_levels(panel) -> tuple[float, float]:
    """The values drawn in the first and last colours of the panel's colour map."""
    from attention_stepper.gui.heatmap.cells import HeatmapImage

    return part(panel, HeatmapImage).levels()


def colour_bar(panel):
    """The colour bar's levels and its (value, label) ticks."""
    from attention_stepper.gui.heatmap.colour_bar import ColourBar

    bar = part(panel, ColourBar)
    return bar.levels(), bar.ticks()


def value_text_count(panel) -> int:
    """How many cells have their value written in them now."""
    from attention_stepper.gui.heatmap.cells import CellValues

    item = part(panel, CellValues)
    return item.count() if item.isVisible() else 0


def cell_text(panel, row: int, col: int) -> str | None:
    """The text written in that cell, or None when values are not shown."""
    from attention_stepper.gui.heatmap.cells import CellValues

    item = part(panel, CellValues)
    rows, cols = panel.matrix().shape
    if not item.isVisible() or not (0 <= row < rows and 0 <= col < cols):
        return None
    return item.texts()[row * cols + col]


def _marks(panel):
    from attention_stepper.gui.heatmap.cells import CellOverlay

    return part(panel, CellOverlay).marks()


def highlighted_row(panel) -> int | None:
    return _marks(panel).row


def block_outlines(panel) -> list[tuple[int, int, str]]:
    return list(_marks(panel).blocks)


def marked_cells(panel) -> list[tuple[int, int]]:
    return list(_marks(panel).edited)


def outlined_rectangles(panel) -> list[tuple[int, int, int, int]]:
    """The outlined rectangles of cells (first row, first column, rows, columns): the current tile."""
    return list(_marks(panel).outlined)


def skipped_rectangles(panel) -> list[tuple[int, int, int, int]]:
    """The rectangles crossed out as never computed."""
    return list(_marks(panel).skipped)


def shown_title(panel) -> str:
    """The title as painted at the panel's width: shortened with "…" when too long for it."""
    from attention_stepper.gui.heatmap.title import Title

    return part(panel, Title).shown()


def widget_point(panel, x: float, y: float):
    """Where view coordinates (x = column, y = row) are on the panel's view widget."""
    from PySide6.QtCore import QPointF

    return graphics_view(panel).mapFromScene(view_box(panel).mapViewToScene(QPointF(x, y)))


def painted_colour(panel, x: float, y: float):
    """The colour painted at view coordinates (x, y), from a grab of the panel."""
    from PySide6.QtGui import QColor

    image = panel.grab().toImage()
    at = graphics_view(panel).mapTo(panel, widget_point(panel, x, y))
    ratio = image.devicePixelRatio()
    return QColor(image.pixel(int(at.x() * ratio), int(at.y() * ratio)))


def double_click(panel, row: int, col: int) -> None:
    """What a person's double-click on a cell sends: press, release, then the double-click press and release."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    viewport = graphics_view(panel).viewport()
    at = widget_point(panel, col, row)
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=at)
    QTest.qWait(5)
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=at)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=at)  # QTest leaves this one out


def is_editable(panel) -> bool:
    """Whether a double-click on a cell asks to edit it, found out as a person would: by double-clicking one.

    A panel that is not editable shows its whole matrix again; an editable one
    reports the cell instead and keeps its zoom. The panel's signals are
    blocked meanwhile, so nothing listening (the window's edit dialog) reacts.
    """
    from PySide6.QtCore import QSignalBlocker

    box = view_box(panel)
    whole = box.viewRange()
    box.setRange(xRange=(-0.5, 0.5), yRange=(-0.5, 0.5), padding=0)  # zoomed in on cell (0, 0)
    zoomed = box.viewRange()
    assert zoomed != whole, "a one-cell matrix cannot tell"
    blocker = QSignalBlocker(panel)
    try:
        double_click(panel, 0, 0)
    finally:
        blocker.unblock()
    kept = box.viewRange() == zoomed
    box.setRange(xRange=whole[0], yRange=whole[1], padding=0)
    return kept
