"""The app's model passes cell edits to the core: changed on success, errorChanged("cell", …) when refused."""

import numpy as np

from attention_stepper.core import Parameters, compute


def test_set_cell_emits_changed_and_marks_the_cell(qtbot, model):
    with qtbot.waitSignal(model.changed, timeout=1000):
        assert model.set_cell("w_q", 1, 2, 3, 1.5) is True
    assert model.computation.weights.w_q[1, 2, 3] == 1.5
    assert model.computation.edited_cells("w_q", 1) == [(2, 3)]
    assert "cell" not in model.errors


def test_a_bad_cell_or_value_emits_error_changed_and_keeps_the_computation(qtbot, model):
    before = model.computation
    with qtbot.assertNotEmitted(model.changed):
        with qtbot.waitSignal(model.errorChanged, timeout=1000) as blocker:
            assert model.set_cell("embed", None, 0, 0, float("nan")) is False
    name, message = blocker.args
    assert name == "cell" and "finite" in message
    assert model.errors["cell"] == message
    with qtbot.waitSignal(model.errorChanged, timeout=1000) as blocker:
        assert model.set_cell("embed", None, 99, 0, 1.0) is False
    assert blocker.args[0] == "cell" and "no row 99" in blocker.args[1]
    with qtbot.waitSignal(model.errorChanged, timeout=1000) as blocker:
        assert model.set_cell("scores", 0, 0, 0, 1.0) is False
    assert blocker.args[0] == "cell"
    assert model.computation is before

    seen = []
    model.errorChanged.connect(lambda *args: seen.append(args))
    with qtbot.waitSignal(model.changed, timeout=1000):
        assert model.set_cell("embed", None, 0, 0, 2.0)
    assert seen == [("cell", "")], "an accepted value clears the error"
    assert "cell" not in model.errors


def test_reset_edits_returns_to_the_seeded_trace(qtbot, model):
    model.set_cell("w_o", None, 0, 0, 4.0)
    model.set_cell("embed", None, 1, 1, -4.0)
    with qtbot.waitSignal(model.changed, timeout=1000):
        model.reset_edits()
    seeded = compute(Parameters())
    for key, array in seeded.trace.items():
        assert np.array_equal(model.computation.trace[key], array), key
    assert model.computation.edited_cells("w_o") == []
    with qtbot.assertNotEmitted(model.changed):
        model.reset_edits()  # nothing to reset
