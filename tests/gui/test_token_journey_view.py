"""The journey view on its own, bound to a model: it shows the core's rows exactly and follows the model."""

import numpy as np
import pytest

from attention_stepper.core import Parameters, compute
from attention_stepper.core.token_trace import arithmetic_lines, token_journey

from panel_checks import highlighted_row


@pytest.fixture
def view(qtbot, model):
    from attention_stepper.gui.journey_view import TokenJourneyView

    view = TokenJourneyView(model)
    qtbot.addWidget(view)
    view.resize(1000, 750)
    view.show()
    qtbot.waitExposed(view)
    return view


def _drawn_heights(view, name):
    return np.asarray(view.charts[name].bars.opts["height"])


def test_picking_ai_in_the_chooser_shows_its_rows_exactly(view, qtbot):
    view.set_token(0)
    with qtbot.waitSignal(view.tokenChanged) as picked:
        view.chooser.setCurrentIndex(view.chooser.findText("爱"))
    assert picked.args == [1] and view.token() == 1
    assert [view.chooser.itemText(i) for i in range(view.chooser.count())] == ["我", "爱", "机器", "学习"]
    trace = compute(Parameters()).trace
    for name, key in (("dot", "scores"), ("scaled", "scaled"), ("weights", "weights")):
        assert view.bar_heights(name).dtype == np.float64
        np.testing.assert_array_equal(view.bar_heights(name), trace[key][0, 1])
        np.testing.assert_array_equal(_drawn_heights(view, name), trace[key][0, 1])
    assert view.charts["weights"].value_texts() == [f"{w:.2f}" for w in trace["weights"][0, 1]]
    assert view.head_shown() == 0, "all heads shown: the journey uses head 1"
    assert "head 1" in view.head_label.text()


def test_vectors_and_weighted_sum_are_the_cores(view, model):
    journey = token_journey(model.computation, 0, 1)
    np.testing.assert_array_equal(view.query_panel.matrix(), journey.query[None, :])
    np.testing.assert_array_equal(view.sum_panel.matrix()[:-1], journey.weighted_values)
    np.testing.assert_array_equal(view.sum_panel.matrix()[-1], model.computation.trace["head_output"][0, 1])
    rows = view.sum_panel.row_labels()
    assert rows[0] == f"{journey.weights[0]:.2f}·v(我)" and rows[-1] == "= head₁(爱)"
    assert highlighted_row(view.sum_panel) == 4, "the sum row is outlined"
    assert view.arithmetic_text().splitlines() == arithmetic_lines(journey)
    assert "q(爱)·k(我) = (" in view.arithmetic_text()


def test_the_view_follows_the_models_head(view, model, qtbot):
    model.set_head(1)
    assert view.head_shown() == 1 and "head 2" in view.head_label.text()
    trace = model.computation.trace
    np.testing.assert_array_equal(view.bar_heights("dot"), trace["scores"][1, 1])
    np.testing.assert_array_equal(view.bar_heights("weights"), trace["weights"][1, 1])
    assert "head₂[爱]" in view.arithmetic_text()
    model.set_parameter("heads", 1)  # the model clamps its head to the last one
    assert view.head_shown() == 0
    np.testing.assert_array_equal(view.bar_heights("weights"), model.computation.trace["weights"][0, 1])
    model.set_parameter("heads", 3)
    model.set_head(2)
    np.testing.assert_array_equal(view.bar_heights("scaled"), model.computation.trace["scaled"][2, 1])
    model.set_head(None)
    assert view.head_shown() == 0


def test_the_chosen_token_is_kept_and_clamped_when_the_sentence_changes(view, model, qtbot):
    view.set_token(3)
    model.set_parameter("sentence", "猫 吃 鱼 了 吗")
    assert view.token() == 3 and view.chooser.currentText() == "了"
    np.testing.assert_array_equal(view.bar_heights("weights"), model.computation.trace["weights"][0, 3])
    with qtbot.waitSignal(view.tokenChanged) as clamped:
        model.set_parameter("sentence", "猫 吃")
    assert clamped.args == [1], "the panels' outlined row must follow the clamp"
    assert view.token() == 1 and [view.chooser.itemText(i) for i in range(view.chooser.count())] == ["猫", "吃"]
    np.testing.assert_array_equal(view.bar_heights("dot"), model.computation.trace["scores"][0, 1])
    with qtbot.assertNotEmitted(view.tokenChanged):
        model.set_parameter("sentence", "猫 吃 鱼")  # growing keeps the token
    assert view.token() == 1


def test_causal_mask_greys_the_hidden_tokens(view, model):
    model.set_parameter("causal", True)
    trace = model.computation.trace
    np.testing.assert_array_equal(view.bar_heights("dot"), trace["scores"][0, 1])
    scaled = view.bar_heights("scaled")
    np.testing.assert_array_equal(scaled[:2], trace["masked"][0, 1, :2])
    assert np.isnan(scaled[2:]).all(), "masked scores have no bar"
    np.testing.assert_array_equal(_drawn_heights(view, "scaled")[2:], [0.0, 0.0])
    assert view.charts["scaled"].value_texts()[2:] == ["−∞", "−∞"]
    np.testing.assert_array_equal(view.bar_heights("weights"), trace["weights"][0, 1])
    assert "softmax → 机器, 学习: e^−∞ = 0 (masked)" in view.arithmetic_text()


def test_long_sentences_drop_the_numbers_on_the_bars(view, model):
    model.set_parameter("sentence", " ".join(f"w{i}" for i in range(20)))
    assert view.charts["dot"].value_texts() == []
    np.testing.assert_array_equal(view.bar_heights("dot"), model.computation.trace["scores"][0, 1])


def test_the_view_renders(view, tmp_path):
    picture = view.grab()
    assert not picture.isNull() and picture.width() >= 900
    assert picture.save(str(tmp_path / "journey.png"))


def test_a_shorter_sentence_and_fewer_heads_at_once_while_shown(view, model, qtbot):
    """The model announces the clamped head before the new sentence: the shown view must not fail."""
    model.set_parameters(sentence="a b c d e f", heads=4)
    model.set_head(3)
    view.set_token(5)
    with qtbot.waitSignal(view.tokenChanged) as clamped:
        model.set_parameters(sentence="a b", heads=2)
    assert clamped.args == [1] and view.token() == 1
    np.testing.assert_array_equal(view.bar_heights("weights"), model.computation.trace["weights"][1, 1])
