"""The labelled heatmap panel under the mouse: hover text, clicks, double-clicks and the wheel."""

from __future__ import annotations

import numpy as np

from panel_checks import double_click, graphics_view, is_editable, view_box

TOKENS = ["我", "爱", "机器", "学习"]


def dims(count: int) -> list[str]:
    return [f"d{i + 1}" for i in range(count)]


def causal_scores(seed: int = 0) -> np.ndarray:
    scores = np.random.default_rng(seed).normal(size=(4, 4))
    scores[np.triu_indices(4, 1)] = -np.inf
    return scores


def test_hover_names_the_cell_and_emits_it(panel, qtbot):
    scores = np.random.default_rng(3).normal(size=(4, 4))
    panel.set_matrix(scores, TOKENS, TOKENS, "scores₁ = Q₁K₁ᵀ  (4×4)")
    with qtbot.waitSignal(panel.hovered, timeout=1000) as blocker:
        text = panel.hover_cell(1, 2)
    assert blocker.args == [text]
    assert text == f"scores₁[爱, 机器] = {scores[1, 2]:.4f}  (row 2, column 3)"


def test_hover_over_a_masked_cell_says_so(panel, qtbot):
    panel.set_matrix(causal_scores(), TOKENS, TOKENS, "masked₁  (4×4)")
    text = panel.hover_cell(0, 3)
    assert "[我, 学习]" in text and "−∞" in text


def test_moving_the_mouse_over_a_cell_hovers_it_and_leaving_clears(panel, qtbot):
    scores = np.random.default_rng(4).normal(size=(4, 4))
    panel.set_matrix(scores, TOKENS, TOKENS, "scores₁  (4×4)")
    qtbot.wait(10)
    box = view_box(panel)
    scene_pos = box.mapViewToScene(pg_point(3, 0))
    with qtbot.waitSignal(panel.hovered, timeout=1000) as blocker:
        graphics_view(panel).scene().sigMouseMoved.emit(scene_pos)
    assert blocker.args[0].startswith("scores₁[我, 学习]")
    with qtbot.waitSignal(panel.hovered, timeout=1000) as blocker:
        graphics_view(panel).scene().sigMouseMoved.emit(box.mapViewToScene(pg_point(-5, -5)))
    assert blocker.args == [""]


def test_clicking_a_cell_reports_its_row_and_column(panel, qtbot):
    from PySide6.QtCore import QPoint, Qt

    panel.set_matrix(np.zeros((4, 4)), TOKENS, TOKENS, "M")
    qtbot.wait(10)
    box = view_box(panel)
    view = graphics_view(panel)
    scene_pos = box.mapViewToScene(pg_point(2, 1))
    widget_pos = view.mapFromScene(scene_pos)
    with qtbot.waitSignal(panel.cellClicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(widget_pos.x(), widget_pos.y()))
    assert blocker.args == [1, 2]


def test_a_double_click_edits_an_editable_panel_and_shows_the_whole_matrix_otherwise(panel, qtbot):
    panel.set_matrix(np.zeros((4, 4)), TOKENS, TOKENS, "M")
    qtbot.wait(10)
    asked = []
    panel.cellDoubleClicked.connect(lambda row, col: asked.append((row, col)))
    assert not is_editable(panel)
    view_box(panel).setRange(xRange=(0.5, 2.5), yRange=(0.5, 2.5), padding=0)
    double_click(panel, 2, 1)
    assert asked == [] and view_box(panel).viewRange() == [[-0.5, 3.5], [-0.5, 3.5]]
    panel.set_editable(True)
    assert is_editable(panel)
    double_click(panel, 2, 1)
    assert asked == [(2, 1)]


def pg_point(x: float, y: float):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)


def test_chinese_labels_are_kept_and_used_in_hover(panel):
    sentence = ["猫", "吃", "鱼"]
    panel.set_matrix(np.eye(3), sentence, sentence, "A₁ = softmax  (3×3)", kind="probability")
    assert panel.row_labels() == sentence and panel.column_labels() == sentence
    assert "[吃, 鱼]" in panel.hover_cell(1, 2)


def test_hovering_outside_the_matrix_gives_empty_text(panel):
    panel.set_matrix(np.zeros((2, 2)), ["a", "b"], ["c", "d"], "M")
    assert panel.hover_cell(2, 0) == "" and panel.hover_cell(0, -1) == ""


def send_wheel(panel, modifiers):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    viewport = graphics_view(panel).viewport()
    centre = QPointF(graphics_view(panel).mapFromScene(view_box(panel).sceneBoundingRect().center()))
    event = QWheelEvent(centre, QPointF(viewport.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)
    return event


def test_plain_wheel_scrolls_the_page_and_ctrl_wheel_zooms(panel):
    from PySide6.QtCore import Qt

    panel.set_matrix(np.zeros((8, 8)), dims(8), dims(8), "M")
    whole = view_box(panel).viewRange()
    # Left unaccepted, a real wheel event goes on to the parent widgets (the page's scroll area).
    # (Qt does not pass on synthesized wheel events, so the scrolling itself cannot be tested here.)
    assert not send_wheel(panel, Qt.KeyboardModifier.NoModifier).isAccepted()
    assert view_box(panel).viewRange() == whole
    send_wheel(panel, Qt.KeyboardModifier.ControlModifier)
    (x0, x1), _ = view_box(panel).viewRange()
    assert x1 - x0 < whole[0][1] - whole[0][0], "Ctrl+wheel zooms in"
