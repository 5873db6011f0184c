"""Spin boxes and the sentence commit sensibly, and keep what the core refuses, with its reason.

Typing 4096 into d_model used to compute d_model 4, 40, 409 and 4096 in
turn; 0 typed into heads was silently reverted and 5000 into d_model became
500 (QSpinBox refused the last key).
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtCore import QEvent, QPoint, QPointF
from PySide6.QtGui import QFocusEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from attention_stepper.core import Parameters

from panel_checks import assert_panels_show_core, shown_image


class Counter:
    """A compute_plan that counts the computations, by their parameters."""

    def __init__(self):
        self.parameters = []

    def __call__(self, plan):
        self.parameters.append(plan.parameters)
        return plan.compute()


@pytest.fixture
def counted(window):
    counter = Counter()
    window.model.compute_plan = counter
    return counter


def type_into(qtbot, spin, text: str) -> None:
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, text)


def test_typing_4096_into_d_model_computes_once_on_enter(window, qtbot, counted):
    spin = window.controls.d_model.editor
    type_into(qtbot, spin, "4096")
    assert counted.parameters == [], "no prefix (4, 40, 409) is computed"
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.model.busy)
    assert [p.d_model for p in counted.parameters] == [4096]
    assert_panels_show_core(window, Parameters(d_model=4096))


def test_typing_4096_into_d_model_computes_once_after_the_pause(window, qtbot, counted):
    spin = window.controls.d_model.editor
    type_into(qtbot, spin, "4096")
    qtbot.waitUntil(lambda: window.model.requested_parameters.d_model == 4096, timeout=5000)
    qtbot.waitUntil(lambda: not window.model.busy)
    assert [p.d_model for p in counted.parameters] == [4096]
    assert spin.lineEdit().text() == "4096"


def test_leaving_the_box_commits_what_was_typed(window, qtbot, counted):
    spin = window.controls.d_k.editor
    type_into(qtbot, spin, "12")
    QApplication.sendEvent(spin, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))
    assert [p.d_k for p in counted.parameters] == [12]


def test_arrow_keys_and_the_wheel_commit_at_once_within_the_allowed_range(window, qtbot, counted):
    spin = window.controls.heads.editor
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert window.model.parameters.heads == 3, "an arrow key is immediate"
    qtbot.keyClick(spin, Qt.Key.Key_Down)
    qtbot.keyClick(spin, Qt.Key.Key_Down)
    assert window.model.parameters.heads == 1
    qtbot.keyClick(spin, Qt.Key.Key_Down)
    assert spin.value() == 1, "the arrows stay within 1 to 64"
    wheel = QWheelEvent(QPointF(5, 5), QPointF(spin.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(spin, wheel)
    assert window.model.parameters.heads == 2, "the wheel is immediate"
    assert [p.heads for p in counted.parameters] == [3, 2, 1, 2]


def test_an_out_of_range_value_stays_in_the_box_in_red_with_its_reason_and_the_panels_stay(window, qtbot):
    window.model.go_to("scores")
    before = {(key, head): shown_image(panel).copy() for key, head, panel in window.step_view.panels()}
    computation = window.model.computation
    control = window.controls.heads
    type_into(qtbot, control.editor, "0")
    qtbot.keyClick(control.editor, Qt.Key.Key_Return)
    assert control.editor.lineEdit().text() == "0", "never silently reverted"
    assert control.error_label.isVisible()
    assert control.error_label.text() == "heads must be a whole number from 1 to 64; got 0"
    assert "c62828" in control.editor.lineEdit().styleSheet()
    assert window.model.computation is computation
    for key, head, panel in window.step_view.panels():
        assert (shown_image(panel) == before[(key, head)]).all()
    type_into(qtbot, control.editor, "3")
    qtbot.keyClick(control.editor, Qt.Key.Key_Return)
    assert not control.error_label.isVisible()
    assert control.editor.lineEdit().styleSheet() == ""
    assert_panels_show_core(window, Parameters(heads=3))


def test_5000_typed_into_d_model_is_neither_cut_nor_clamped(window, qtbot):
    control = window.controls.d_model
    type_into(qtbot, control.editor, "5000")
    qtbot.keyClick(control.editor, Qt.Key.Key_Return)
    assert control.editor.lineEdit().text() == "5000"
    assert control.error_label.text() == "d_model must be a whole number from 1 to 4096; got 5000"
    assert window.model.parameters.d_model == 8
    assert_panels_show_core(window, Parameters())


def test_a_refused_value_is_not_overwritten_by_another_change(window, qtbot):
    heads = window.controls.heads
    type_into(qtbot, heads.editor, "65")
    qtbot.keyClick(heads.editor, Qt.Key.Key_Return)
    window.controls.d_k.editor.setValue(6)
    assert heads.editor.lineEdit().text() == "65"
    assert "got 65" in heads.error_label.text()
    assert_panels_show_core(window, Parameters(d_k=6))


def test_a_key_the_box_cannot_take_is_said(window, qtbot):
    control = window.controls.d_k
    type_into(qtbot, control.editor, "x")
    assert control.error_label.isVisible()
    assert "whole numbers from 1 to 1024" in control.error_label.text()
    assert window.model.parameters.d_k == 4


def test_d_v_commits_like_the_others(window, qtbot, counted):
    control = window.controls.d_v
    control.linked.setChecked(False)
    counted.parameters.clear()
    type_into(qtbot, control.editor, "2000")
    assert counted.parameters == []
    qtbot.keyClick(control.editor, Qt.Key.Key_Return)
    assert control.editor.lineEdit().text() == "2000"
    assert "d_v must be a whole number from 1 to 1024; got 2000" == control.error_label.text()


def test_the_sentence_commits_when_the_focus_leaves_it(window, qtbot, counted):
    editor = window.controls.sentence.editor
    editor.selectAll()
    qtbot.keyClicks(editor, "the cat")
    assert counted.parameters == [], "typing waits for the pause"
    QApplication.sendEvent(editor, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))
    assert [p.sentence for p in counted.parameters] == ["the cat"]
    assert window.model.parameters.sentence == "the cat"


def test_the_note_about_a_key_not_taken_goes_with_the_next_key_taken(window, qtbot):
    control = window.controls.d_k
    type_into(qtbot, control.editor, "x")
    assert control.error_label.isVisible()
    qtbot.keyClicks(control.editor, "7")
    assert not control.error_label.isVisible()
    qtbot.keyClick(control.editor, Qt.Key.Key_Return)
    assert window.model.parameters.d_k == 7
