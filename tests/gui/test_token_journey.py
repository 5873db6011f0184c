"""Following one token: the journey tab's bars are the core's numbers, and its row is outlined everywhere."""

import numpy as np

from attention_stepper.core import Parameters, compute

from panel_checks import highlighted_row


def test_journey_bars_are_the_core_rows(window):
    view = window.journey
    assert view.token() == 1, "the seed article follows 爱"
    trace = compute(Parameters()).trace
    np.testing.assert_array_equal(view.bar_heights("dot"), trace["scores"][0, 1])
    np.testing.assert_array_equal(view.bar_heights("weights"), trace["weights"][0, 1])
    assert "q(爱)·k(我)" in view.arithmetic_text()
    view.chooser.setCurrentIndex(3)
    np.testing.assert_array_equal(view.bar_heights("weights"), trace["weights"][0, 3])


def test_the_journey_follows_the_chosen_head_and_new_sentences(window):
    window.model.set_head(1)
    assert window.journey.head_shown() == 1
    np.testing.assert_array_equal(window.journey.bar_heights("dot"), compute(Parameters()).trace["scores"][1, 1])
    window.controls.sentence.editor.setText("猫吃鱼")
    window.controls.sentence.submit()
    assert [window.journey.chooser.itemText(i) for i in range(3)] == ["猫", "吃", "鱼"]
    np.testing.assert_array_equal(window.journey.bar_heights("weights"),
                                  compute(Parameters(sentence="猫吃鱼")).trace["weights"][1, 1])


def test_clicking_a_row_follows_its_token_in_every_panel(window):
    window.model.go_to("softmax")
    window.step_view.panel("weights", 0).cellClicked.emit(3, 0)  # a click on 学习's row
    assert window.journey.token() == 3
    for key, head, panel in window.step_view.panels():
        assert highlighted_row(panel) == 3, key
    window.model.go_to("project")
    window.model.set_head(0)
    assert highlighted_row(window.step_view.panel("w_q", 0)) is None, "W's rows are dimensions, not tokens"
    assert highlighted_row(window.step_view.panel("q", 0)) == 3


def test_clicking_a_token_on_an_axis_follows_it(window, qtbot):
    """A real click on the label 机器 on the left axis, then on 学习 on the top axis of a score matrix."""
    from PySide6.QtCore import QPointF, Qt

    window.model.go_to("scores")
    panel = window.step_view.panel("scores", 0)
    qtbot.wait(20)
    view = panel._view
    on_left = panel._left.sceneBoundingRect().center()
    row_y = panel._box.mapViewToScene(QPointF(0, 2)).y()  # row 2: 机器
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.mapFromScene(QPointF(on_left.x(), row_y)))
    assert window.journey.token() == 2
    assert highlighted_row(panel) == 2
    on_top = panel._top.sceneBoundingRect().center()
    column_x = panel._box.mapViewToScene(QPointF(3, 0)).x()  # column 3: 学习
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.mapFromScene(QPointF(column_x, on_top.y())))
    assert window.journey.token() == 3


def test_the_hidden_journey_waits_and_catches_up_when_shown(window, monkeypatch):
    """Its bars cost a core call per change: while another tab is shown it only marks itself stale."""
    import attention_stepper.gui.journey_view as journey_view

    calls = []
    real = journey_view.token_journey
    monkeypatch.setattr(journey_view, "token_journey", lambda *args: calls.append(args) or real(*args))
    window.tabs.setCurrentIndex(0)
    window.controls.heads.editor.setValue(3)
    window.controls.d_k.editor.setValue(6)
    window.model.set_head(2)
    assert calls == [] and window.journey.is_stale()
    window.tabs.setCurrentWidget(window.journey)
    assert len(calls) == 1 and not window.journey.is_stale()
    expected = compute(Parameters(heads=3, d_k=6)).trace
    np.testing.assert_array_equal(window.journey.charts["weights"].heights, expected["weights"][2, 1])
    assert window.journey.head_label.text().startswith("head 3")
    window.controls.d_k.editor.setValue(5)  # shown: it follows at once
    assert len(calls) == 2
    np.testing.assert_array_equal(window.journey.charts["dot"].heights,
                                  compute(Parameters(heads=3, d_k=5)).trace["scores"][2, 1])
