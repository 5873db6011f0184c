"""Following one token: the journey tab's bars are the core's numbers, and its row is outlined everywhere."""

import numpy as np

from attention_stepper.core.pipeline import Parameters, compute


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
        assert panel.highlighted_row() == 3, key
    window.model.go_to("project")
    window.model.set_head(0)
    assert window.step_view.panel("w_q", 0).highlighted_row() is None, "W's rows are dimensions, not tokens"
    assert window.step_view.panel("q", 0).highlighted_row() == 3
