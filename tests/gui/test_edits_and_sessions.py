"""Editing cells of X and W in the window, and saving and opening sessions."""

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QInputDialog

from attention_stepper.core.edits import Edits
from attention_stepper.core import Parameters, compute

from panel_checks import assert_panels_show_core, displayed, is_editable, marked_cells, shown_image


def expected_with(**cells):
    """A fresh core computation with the given edits: {(key, head, row, col): value}."""
    edits = Edits({key: value for key, value in cells["cells"].items()})
    return compute(Parameters(), edits=edits)


def test_double_clicking_a_cell_of_x_edits_it_and_everything_downstream(window, monkeypatch):
    window.model.go_to("embed")
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *args, **kwargs: (2.5, True))
    panel = window.step_view.panel("embed")
    assert is_editable(panel)
    panel.cellDoubleClicked.emit(1, 3)  # what a double-click on 爱, d4 emits
    expected = expected_with(cells={("embed", None, 1, 3): 2.5})
    np.testing.assert_array_equal(shown_image(panel), displayed(expected.trace["embed"]))
    assert marked_cells(panel) == [(1, 3)]
    window.model.go_to("output")
    np.testing.assert_array_equal(shown_image(window.step_view.panel("output")), displayed(expected.trace["output"]))
    window.reset_edits_action.trigger()
    assert_panels_show_core(window, Parameters())
    window.model.go_to("embed")
    assert marked_cells(window.step_view.panel("embed")) == []


def test_editing_a_weight_of_one_head(window):
    window.step_bar.head_selector.setCurrentIndex(2)  # head 2 large, with its W matrices
    window.model.go_to("project")
    assert window.edit_cell("w_k", 1, 0, 2, -3.0)
    expected = expected_with(cells={("w_k", 1, 0, 2): -3.0})
    np.testing.assert_array_equal(shown_image(window.step_view.panel("w_k", 1)), displayed(expected.weights.w_k[1]))
    np.testing.assert_array_equal(shown_image(window.step_view.panel("k", 1)), displayed(expected.trace["k"][1]))
    assert marked_cells(window.step_view.panel("w_k", 1)) == [(0, 2)]
    np.testing.assert_array_equal(window.model.computation.trace["k"][0], compute(Parameters()).trace["k"][0])


def test_a_refused_value_is_explained_and_changes_nothing(window):
    before = window.model.computation
    assert not window.edit_cell("embed", -1, 0, 0, 1e9)
    assert window.model.computation is before
    assert "1e6" in window.statusBar().currentMessage() or "1000000" in window.statusBar().currentMessage()


def test_outputs_are_not_editable(window):
    window.model.go_to("softmax")
    assert not is_editable(window.step_view.panel("weights", 0))


def test_a_real_double_click_on_a_cell_asks_for_a_value(window, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *args, **kwargs: asked.append(args) or (0.0, False))
    panel = window.step_view.panel("embed")
    qtbot.wait(20)  # let the panel lay out, so view coordinates are final
    view = panel._view
    centre = view.mapFromScene(panel._box.mapViewToScene(QPointF(2, 1)))  # column 2, row 1
    # What a person's double-click sends: press, release, then the double-click press and its release.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.wait(5)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # QTest leaves this one out
    assert asked, "the dialog was asked for"
    assert "爱" in asked[0][2], "the question names the cell's token"
    assert window.model.edits == Edits(), "cancelled: nothing changed"


def test_save_and_open_a_session_restores_everything(window, tmp_path):
    window.controls.sentence.editor.setText("猫吃鱼")
    window.controls.sentence.submit()
    window.controls.heads.editor.setValue(3)
    window.controls.causal.editor.setChecked(True)
    window.edit_cell("w_o", -1, 1, 1, 0.75)
    window.model.go_to("mask")
    window.model.set_head(2)
    saved = window.sessions.save(tmp_path / "lesson.attn.npz")
    assert saved.exists()
    expected = window.model.computation

    window.controls.sentence.editor.setText("the cat")
    window.controls.sentence.submit()
    window.controls.heads.editor.setValue(1)
    window.reset_edits_action.trigger()

    assert window.sessions.open(saved)
    assert window.model.parameters == expected.parameters
    assert window.model.step.key == "mask" and window.model.head == 2
    assert window.controls.sentence.editor.text() == "猫吃鱼" and window.controls.heads.editor.value() == 3
    np.testing.assert_array_equal(window.model.computation.trace["output"], expected.trace["output"])
    assert window.sessions.recent()[0] == str(saved)
    window.recent_menu.aboutToShow.emit()
    assert [action.text() for action in window.recent_menu.actions()] == [str(saved)]


def test_a_bad_session_file_is_refused_and_changes_nothing(window, tmp_path):
    (tmp_path / "broken.attn.npz").write_bytes(b"PK\x03\x04 not really")
    before = window.model.computation
    assert not window.sessions.open(tmp_path / "broken.attn.npz")
    assert "broken.attn.npz" in window.sessions.last_message
    assert window.model.computation is before
