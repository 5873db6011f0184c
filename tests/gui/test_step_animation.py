"""The step animated: "Show me" and Play fill the result in, lighting where each number comes from (issue 18).

The ticks are driven by hand (``animation.advance()``) so nothing depends on
timing; one test lets the real timer run to the end.
"""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from attention_stepper.core import Parameters
from attention_stepper.core.provenance import lit_by

from panel_checks import assert_panels_show_core


def lit_expected(window, step_key, key, head, cells):
    """Per (key, head) on screen: the cells core.provenance.lit_by names for ``cells`` of the result."""
    expected = {}
    for row, column in cells:
        for group in lit_by(window.model.computation, step_key, key, head, row, column):
            expected.setdefault((group.key, group.head), set()).update(group)
    shown = {(k, h) for k, h, _ in window.step_view.panels()}
    # A transposed panel (Kᵀ at the scores step) lights the matrix's (row, column) at its (column, row).
    return {place: {(c, r) for r, c in cells} if window.step_view.is_transposed(*place) else cells
            for place, cells in expected.items() if place in shown}


def lit_now(window, result_key):
    return {(key, head): set(panel.lit_cells()) for key, head, panel in window.step_view.panels()
            if key != result_key and panel.lit_cells()}


@pytest.mark.parametrize("step", ["project", "scores", "scale", "softmax", "weighted_sum", "concat", "output"])
def test_show_me_fills_the_result_cell_by_cell_lighting_the_cores_sources(window, step):
    window.model.go_to(step)
    animation = window.animation
    window.step_bar.navigator.show_me_button.click()
    assert animation.running and animation.unit == "cell"
    filling = animation.result_panels()
    key = filling[0][0]
    assert key == window.model.step.outputs[0]
    rows, cols = filling[0][2].matrix().shape
    assert animation.units == rows * cols
    for _, _, panel in filling:
        assert panel.revealed() == (0, "cell")
        assert len(panel.hidden_cells()) == rows * cols
    for index in range(rows * cols):
        animation.advance()
        cell = divmod(index, cols)
        for result_key, head, panel in filling:
            assert panel.revealed() == (index + 1, "cell")
            assert len(panel.hidden_cells()) == rows * cols - index - 1
            assert cell not in panel.hidden_cells()
            assert set(panel.lit_cells()) == {cell}, "the cell being filled in is lit in the result"
        expected = {}
        for result_key, head, _ in filling:
            for place, cells in lit_expected(window, step, result_key, head, [cell]).items():
                expected.setdefault(place, set()).update(cells)
        assert expected, "some input panel is lit"
        assert lit_now(window, key) == expected
    animation.advance()  # past the last cell: the whole result, the lights out
    assert not animation.running
    for _, _, panel in window.step_view.panels():
        assert panel.revealed() == (None, "cell") and not panel.hidden_cells()
        assert not panel.lit_cells()
    assert_panels_show_core(window)


def test_a_large_result_fills_row_by_row(window, qtbot):
    sentence = " ".join(f"w{i}" for i in range(20))  # 20 × 20 scores: 400 cells
    window.model.set_parameter("sentence", sentence)
    qtbot.waitUntil(lambda: not window.model.busy)
    window.model.go_to("scores")
    animation = window.animation
    assert animation.start()
    assert animation.unit == "row" and animation.units == 20
    animation.advance()
    animation.advance()
    _, head, panel = animation.result_panels()[0]
    assert panel.revealed() == (2, "row")
    assert panel.hidden_cells() == {(row, col) for row in range(2, 20) for col in range(20)}
    assert set(panel.lit_cells()) == {(1, col) for col in range(20)}
    expected = lit_expected(window, "scores", "scores", head, [(1, col) for col in range(20)])
    assert {place: cells for place, cells in lit_now(window, "scores").items() if place[1] == head} == expected


def test_esc_shows_the_whole_result_at_once(window, qtbot):
    window.model.go_to("softmax")
    animation = window.animation
    assert animation.start()
    animation.advance()
    with qtbot.waitSignal(animation.finished, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not animation.running
    assert all(panel.revealed()[0] is None and not panel.lit_cells() for _, _, panel in window.step_view.panels())
    assert window.model.step.key == "softmax"
    assert_panels_show_core(window)


@pytest.mark.parametrize("change", ["parameter", "step", "head"])
def test_a_change_of_the_model_stops_it_and_shows_the_full_result(window, change):
    window.model.go_to("scores")
    animation = window.animation
    assert animation.start()
    animation.advance()
    touched = [panel for _, _, panel in animation.result_panels()]
    if change == "parameter":
        window.controls.d_k.editor.setValue(3)
    elif change == "step":
        window.step_bar.navigator.next_button.click()
    else:
        window.model.set_head(1)
    assert not animation.running
    for panel in touched + [panel for _, _, panel in window.step_view.panels()]:
        assert panel.revealed() == (None, "cell") and not panel.hidden_cells()
        assert not panel.lit_cells()
    assert_panels_show_core(window)


def test_the_timer_runs_the_fill_to_the_final_matrix_without_blocking(window, qtbot):
    window.step_bar.navigator.speed.setValue(0.2)
    window.model.go_to("scores")
    animation = window.animation
    assert animation.start()
    assert animation.running  # start() returned at once: the event loop runs the ticks
    with qtbot.waitSignal(animation.finished, timeout=10_000):
        pass
    for key, head, panel in window.step_view.panels():
        assert panel.revealed() == (None, "cell")
    np.testing.assert_array_equal(window.step_view.panel("scores", 0).matrix(),
                                  window.model.computation.matrix("scores", 0))


def test_play_fills_each_step_then_moves_on(window, qtbot):
    navigator = window.step_bar.navigator
    window.model.go_to("concat")
    navigator.play_button.click()
    animation = window.animation
    assert navigator.playing and animation.running
    assert navigator.play_button.isChecked()
    while animation.running:
        animation.advance()
    assert navigator.playing and window.model.step.key == "concat", "the whole result is shown before moving on"
    navigator._advance()  # the step's time is up
    assert window.model.step.key == "output" and animation.running
    while animation.running:
        animation.advance()
    assert not navigator.playing, "the last step filled: playing stops"
    assert not navigator.play_button.isChecked()


def test_pause_stops_the_fill(window):
    navigator = window.step_bar.navigator
    window.model.go_to("scores")
    navigator.play()
    window.animation.advance()
    navigator.pause()
    assert not window.animation.running and not navigator.timer.isActive()
    assert all(panel.revealed()[0] is None for _, _, panel in window.step_view.panels())


def test_set_revealed_refuses_nonsense(panel):
    panel.set_matrix(np.ones((2, 3)), ["a", "b"], ["x", "y", "z"], "m")
    with pytest.raises(ValueError):
        panel.set_revealed(1, by="column")
    with pytest.raises(ValueError):
        panel.set_revealed(-1)
    panel.set_revealed(4)
    assert panel.hidden_cells() == {(1, 1), (1, 2)}
    panel.set_revealed(1, by="row")
    assert panel.hidden_cells() == {(1, 0), (1, 1), (1, 2)}
    panel.set_revealed(None)
    assert not panel.hidden_cells()


def test_cells_still_to_come_are_painted_blank_and_shown_again_after(panel, qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor

    from attention_stepper.gui.heatmap.reveal import VEIL_FILL
    from panel_checks import graphics_view, view_box

    panel.set_matrix(np.array([[-2.0, 2.0], [2.0, -2.0]]), ["a", "b"], ["x", "y"], "m", show_values=False)
    view, box = graphics_view(panel), view_box(panel)

    def colour_at(row, col):
        qtbot.wait(1)
        image = view.grab().toImage()
        # A point near a cell's corner, away from the numbers and the grid lines.
        point = view.mapFromScene(box.mapViewToScene(QPointF(col - 0.3, row - 0.3)))
        return QColor(image.pixel(point.x(), point.y()))

    before = [colour_at(row, col) for row, col in ((0, 0), (1, 1))]
    panel.set_revealed(1)
    assert colour_at(0, 0) == before[0], "the revealed cell keeps its colour"
    assert colour_at(1, 1) == VEIL_FILL, "a cell still to come is blank"
    panel.set_revealed(None)
    assert colour_at(1, 1) == before[1]
