"""Lit provenance cells, edited-cell outlines and the cell pointed at (mouse and keyboard) on a MatrixPanel.

Lit cells and edited cells must show on every colour of both colour maps: the
tests paint a cell at the two ends and the middle of each map and compare the
pixels with and without the mark. The last test wires three panels to
core.provenance as the step view will (hover a scores cell, the q row and
the k row light up).
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent

from panel_checks import graphics_view, view_box, widget_point
from panel_paints import paints

TOKENS = ["我", "爱", "机器", "学习"]


def _image(panel):
    return panel.grab().toImage()


def _pixel(panel, image, x: float, y: float, dx: int = 0) -> QColor:
    """The colour at view coordinates (x, y), ``dx`` device pixels to the right."""
    at = graphics_view(panel).mapTo(panel, widget_point(panel, x, y))
    ratio = image.devicePixelRatio()
    return QColor(image.pixel(int(at.x() * ratio) + dx, int(at.y() * ratio)))


def _difference(one: QColor, other: QColor) -> int:
    return max(abs(one.red() - other.red()), abs(one.green() - other.green()), abs(one.blue() - other.blue()))


def _colour_cases():
    """A 3×3 matrix per kind whose centre cell takes the low end, the middle and the high end of the map."""
    for kind, values in (("signed", (-1.0, 0.0, 1.0)), ("probability", (0.0, 0.5, 1.0))):
        for value in values:
            matrix = np.full((3, 3), value)
            matrix[0, 0], matrix[2, 2] = (-1.0, 1.0) if kind == "signed" else (0.0, 1.0)  # fixed levels
            yield kind, value, matrix


@pytest.mark.parametrize("mark", ["lit", "edited"])
def test_lit_and_edited_cells_show_on_every_colour_of_both_maps(panel, mark):
    for kind, value, matrix in _colour_cases():
        panel.set_matrix(matrix, TOKENS[:3], TOKENS[:3], f"M {kind} {value}", kind=kind, show_values=False)
        panel.clear_lit_cells()
        panel.set_marked_cells([])
        plain = _image(panel)
        if mark == "lit":
            panel.set_lit_cells([([1], [1])])
        else:
            panel.set_marked_cells([(1, 1)])
        marked = _image(panel)
        cell = _pixel(panel, plain, 1, 1)
        left_edge = 0.5  # the cell's left edge, in view coordinates
        outline = max(_difference(_pixel(panel, marked, left_edge, 1, dx), cell) for dx in range(1, 5))
        assert outline >= 100, f"{mark} outline on {kind} {value}: {cell.name()}"
        if mark == "lit":
            assert _difference(_pixel(panel, marked, 1, 1), cell) >= 40, f"lit fill on {kind} {value}"
        else:
            assert _pixel(panel, marked, 1, 1) == cell, "an edited cell keeps its colour inside the outline"
        assert _pixel(panel, marked, 0, 0) == _pixel(panel, plain, 0, 0), "other cells are untouched"


def test_lit_cells_are_set_read_cleared_and_kept_for_new_numbers_of_the_same_matrix(panel):
    panel.set_matrix(np.zeros((4, 4)), TOKENS, TOKENS, "scores₁  (4×4)")
    panel.set_lit_cells([([1], range(4)), (range(4), [2]), ([9], [9])])
    assert panel.lit_cells() == {(1, c) for c in range(4)} | {(r, 2) for r in range(4)}
    panel.set_matrix(np.ones((4, 4)), TOKENS, TOKENS, "scores₁  (4×4)")
    assert len(panel.lit_cells()) == 7, "new numbers for the same matrix: still lit"
    panel.set_matrix(np.ones((4, 4)), TOKENS, TOKENS, "scores₂  (4×4)")
    assert panel.lit_cells() == frozenset(), "another matrix: nothing lit"
    panel.set_lit_cells([([0], [0, 3])])
    assert panel.lit_cells() == {(0, 0), (0, 3)}
    panel.clear_lit_cells()
    assert panel.lit_cells() == frozenset()


def test_lighting_cells_repaints_once_and_the_same_cells_again_not_at_all(panel, qtbot):
    panel.set_matrix(np.zeros((4, 4)), TOKENS, TOKENS, "A₁", kind="probability")
    assert paints(panel, qtbot, lambda: panel.set_lit_cells([([1], range(4))])) == 1
    assert paints(panel, qtbot, lambda: panel.set_lit_cells([([1], [0, 1, 2, 3])])) == 0
    assert paints(panel, qtbot, lambda: panel.select_cell(2, 2)) == 1
    assert paints(panel, qtbot, panel.clear_lit_cells) == 1


def test_hovering_and_leaving_report_the_current_cell(panel, qtbot):
    panel.set_matrix(np.zeros((4, 4)), TOKENS, TOKENS, "scores₁  (4×4)")
    reported = []
    panel.currentCellChanged.connect(lambda row, column: reported.append((row, column)))
    panel.hover_cell(1, 2)
    panel.hover_cell(1, 2)
    assert reported == [(1, 2)] and panel.current_cell() == (1, 2), "once per change"
    scene = graphics_view(panel).scene()
    scene.sigMouseMoved.emit(view_box(panel).mapViewToScene(QPointF(3, 0)))
    scene.sigMouseMoved.emit(view_box(panel).mapViewToScene(QPointF(-5, -5)))
    assert reported == [(1, 2), (0, 3), (-1, -1)] and panel.current_cell() is None
    panel.select_cell(3, 3)
    panel.hover_cell(0, 0)
    scene.sigMouseMoved.emit(view_box(panel).mapViewToScene(QPointF(-5, -5)))
    assert reported[-3:] == [(3, 3), (0, 0), (3, 3)], "with the mouse gone, the selected cell is pointed at"


def test_a_click_selects_a_cell_and_the_keys_move_edit_and_clear_it(panel, qtbot):
    panel.set_matrix(np.zeros((4, 4)), TOKENS, TOKENS, "X")
    qtbot.wait(10)
    view = graphics_view(panel)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=widget_point(panel, 1, 2))
    assert panel.selected_cell() == (2, 1)
    reported, edits = [], []
    panel.currentCellChanged.connect(lambda row, column: reported.append((row, column)))
    panel.cellDoubleClicked.connect(lambda row, column: edits.append((row, column)))
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
        qtbot.keyClick(panel, key)
    assert panel.selected_cell() == (2, 3) and reported == [(2, 2), (2, 3), (1, 3), (2, 3)], "kept inside"
    qtbot.keyClick(panel, Qt.Key.Key_Return)
    assert edits == [], "a panel that cannot be edited"
    panel.set_editable(True)
    qtbot.keyClick(panel, Qt.Key.Key_Return)
    qtbot.keyClick(panel, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert edits == [(2, 3), (2, 3)]
    qtbot.keyClick(panel, Qt.Key.Key_Escape)
    assert panel.selected_cell() is None and reported[-1] == (-1, -1)


def test_tabbing_into_a_panel_selects_its_first_cell(panel, qtbot):
    from PySide6.QtGui import QFocusEvent

    panel.set_matrix(np.zeros((2, 2)), ["a", "b"], ["c", "d"], "M")
    panel.event(QFocusEvent(QEvent.Type.FocusIn, Qt.FocusReason.MouseFocusReason))
    assert panel.selected_cell() is None, "a click selects the cell clicked, not the first"
    panel.event(QFocusEvent(QEvent.Type.FocusIn, Qt.FocusReason.TabFocusReason))
    assert panel.selected_cell() == (0, 0)


def test_the_window_keeps_its_arrow_keys_until_a_cell_is_selected(window, qtbot):
    window.model.go_to("scores")
    panel = window.step_view.panel("scores", 0)
    panel.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(panel.hasFocus)
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    assert window.model.step.key == "scale", "nothing selected: the arrow is the window's"
    window.model.go_to("scores")
    panel = window.step_view.panel("scores", 0)
    panel.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(panel.hasFocus)
    panel.select_cell(1, 1)
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    assert window.model.step.key == "scores" and panel.selected_cell() == (1, 2)
    qtbot.keyClick(panel, Qt.Key.Key_Escape)
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    assert window.model.step.key == "scale", "Esc gave the arrows back"


def test_the_legend_shows_over_the_colour_bar_and_not_over_the_cells(panel, monkeypatch):
    from attention_stepper.gui.heatmap import colour_bar, panel as panel_module

    shown = []

    class ToolTip:
        @staticmethod
        def showText(position, text, widget=None):  # noqa: N802 (Qt's name)
            shown.append(text)

        @staticmethod
        def hideText():  # noqa: N802 (Qt's name)
            shown.append(None)

    monkeypatch.setattr(panel_module, "QToolTip", ToolTip)
    panel.set_matrix(np.zeros((4, 4)), TOKENS, TOKENS, "scores₁")
    panel.grab()
    view = graphics_view(panel)

    def help_at(point: QPoint) -> None:
        at = view.mapTo(panel, point)
        panel.event(QHelpEvent(QEvent.Type.ToolTip, at, panel.mapToGlobal(at)))

    help_at(widget_point(panel, 1, 1))
    assert shown == [None], "over a cell: no legend covering the neighbouring panels"
    (bar,) = [item for item in view.scene().items() if isinstance(item, colour_bar.ColourBar)]
    help_at(view.mapFromScene(bar.sceneBoundingRect().center()))
    assert shown[-1] == panel.toolTip() and "negative" in shown[-1]


def test_three_panels_light_the_sources_of_a_hovered_scores_cell(qtbot):
    """The wiring the step view does: each panel's currentCellChanged → core.provenance.lit_by → set_lit_cells."""
    from attention_stepper.core import Parameters, compute
    from attention_stepper.core.provenance import lit_by
    from attention_stepper.gui.heatmap import MatrixPanel

    computation = compute(Parameters())
    shown = {(key, 0): MatrixPanel() for key in ("q", "k", "scores")}
    for (key, head), panel in shown.items():
        qtbot.addWidget(panel)
        rows, columns = computation.labels(key)
        panel.set_matrix(computation.matrix(key, head), rows, columns, key)

    def light(key: str, head: int, row: int, column: int) -> None:
        groups = lit_by(computation, "scores", key, head, row, column) if row >= 0 else ()
        for (other, other_head), other_panel in shown.items():
            other_panel.set_lit_cells([(group.rows, group.columns) for group in groups
                                       if (group.key, group.head) == (other, other_head)])

    for (key, head), panel in shown.items():
        panel.currentCellChanged.connect(lambda row, column, k=key, h=head: light(k, h, row, column))
    shown[("scores", 0)].hover_cell(1, 2)  # scores₁[爱, 机器]
    assert shown[("q", 0)].lit_cells() == {(1, c) for c in range(4)}, "q₁(爱)"
    assert shown[("k", 0)].lit_cells() == {(2, c) for c in range(4)}, "k₁(机器)"
    assert shown[("scores", 0)].lit_cells() == frozenset()
    shown[("scores", 0)].hover_cell(9, 9)
    assert all(not panel.lit_cells() for panel in shown.values())
    shown[("k", 0)].hover_cell(3, 0)  # a key lights the column of scores it feeds
    assert shown[("scores", 0)].lit_cells() == {(r, 3) for r in range(4)}


def test_the_pointing_module_reads_no_private_attribute_of_pyqtgraph():
    """As test_matrix_panel checks for the other modules of the package: pyqtgraph's private names may change."""
    import inspect
    import re

    from attention_stepper.gui.heatmap import pointing

    assert re.findall(r"(?<!\bself)\._[a-z]\w*", inspect.getsource(pointing)) == []


def test_the_arithmetic_reads_in_chinese_through_the_app_s_translations(qapp):
    from attention_stepper.core import Parameters, compute
    from attention_stepper.core.cell_arithmetic import cell_arithmetic
    from attention_stepper.gui import i18n

    computation = compute(Parameters(causal=True))
    try:
        assert i18n.install_language("zh_CN")
        lines = cell_arithmetic(computation, "masked", 0, 1, 2, translate=i18n.core_text)
        assert lines == ["masked₁[爱, 机器] = −∞", "被因果掩码遮住：机器 在 爱 之后"]
        softmax = cell_arithmetic(computation, "weights", 0, 1, 0, translate=i18n.core_text)
        assert softmax[1].startswith("减去这一行最大的得分 ") and "，" in softmax[1]
    finally:
        i18n.install_language("en")
