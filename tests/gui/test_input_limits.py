"""The window states the input limits instead of cutting or accepting silently.

The sentence box cut a pasted text at QLineEdit's 32,767 characters without a
word; now an over-long text reaches the model, which refuses it with the
reason shown under the box. A session holding such a sentence is refused
when opened. The spin boxes take ASCII digits only.
"""

from __future__ import annotations

import json
import unicodedata

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication

from attention_stepper.core.edits import Edits
from attention_stepper.core.limits import MAX_SENTENCE_CHARACTERS
from attention_stepper.core import Parameters
from attention_stepper.core.session import JSON_NAME, session_json
from attention_stepper.core.weights import init_weights

from panel_checks import assert_panels_show_core, wait_for_computation


def paste(editor, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    editor.selectAll()
    editor.paste()


def test_a_pasted_over_long_sentence_is_refused_with_the_reason_not_cut(window):
    editor = window.controls.sentence.editor
    before = window.model.computation
    paste(editor, "a" * 100_000)
    label = window.controls.sentence.error_label
    assert label.isVisible()
    assert f"the sentence has more than {MAX_SENTENCE_CHARACTERS} characters" in label.text()
    assert len(editor.text()) == MAX_SENTENCE_CHARACTERS + 1, "the box keeps what it took, to be corrected"
    window.controls.sentence.submit()
    assert f"the sentence has more than {MAX_SENTENCE_CHARACTERS} characters" in label.text()
    assert window.model.computation is before
    assert_panels_show_core(window, Parameters())


def test_a_cut_that_leaves_an_allowed_sentence_is_said(window):
    """Typed decomposed (e + combining acute), a text is cut at the box's maximum yet short enough composed."""
    sentence = unicodedata.normalize("NFD", " ".join(["é" * 99] * 400))  # 79,999 characters, 39,999 composed
    editor = window.controls.sentence.editor
    paste(editor, sentence)
    assert editor.text() == sentence[:MAX_SENTENCE_CHARACTERS + 1]
    label = window.controls.sentence.error_label
    assert label.isVisible()
    assert f"holds at most {MAX_SENTENCE_CHARACTERS + 1} characters; the rest was not taken" in label.text()


def test_a_decomposed_sentence_within_the_box_is_taken_whole(window, qtbot):
    """NFD doubles "é": 50,999 characters typed, 25,499 once composed."""
    sentence = unicodedata.normalize("NFD", " ".join(["é" * 99] * 255))
    assert len(sentence) <= MAX_SENTENCE_CHARACTERS + 1
    editor = window.controls.sentence.editor
    paste(editor, sentence)
    window.controls.sentence.submit()
    wait_for_computation(qtbot, window.model)  # 255 tokens: computed on the worker
    assert editor.text() == sentence
    assert not window.controls.sentence.error_label.isVisible()
    assert list(window.model.computation.tokens) == ["é" * 99] * 255


def test_a_long_sentence_within_the_limit_is_not_cut(window, qtbot):
    sentence = " ".join(["w" * 99] * 400)  # 39,999 characters: more than QLineEdit's default 32,767
    editor = window.controls.sentence.editor
    editor.setText(sentence)
    window.controls.sentence.submit()
    wait_for_computation(qtbot, window.model)  # 400 tokens: computed on the worker
    assert not window.controls.sentence.error_label.isVisible()
    assert window.model.parameters.sentence == sentence
    assert len(window.model.computation.tokens) == 400


def test_a_session_with_an_over_long_sentence_is_refused_when_opened(window, tmp_path):
    data = json.loads(session_json(Parameters(), Edits()))
    data["parameters"]["sentence"] = "b" * 100_000
    path = tmp_path / "long.attn.npz"
    np.savez(path, **{JSON_NAME: np.array(json.dumps(data))})
    before = window.model.computation
    assert not window.sessions.open(path)
    assert "long.attn.npz" in window.sessions.last_message
    assert f"more than {MAX_SENTENCE_CHARACTERS} characters" in window.sessions.last_message
    assert window.model.computation is before
    assert window.controls.sentence.editor.text() == Parameters().sentence


def type_characters(widget, text: str) -> None:
    """Key presses carrying ``text`` (QTest.keyClicks asserts on characters outside Latin-1)."""
    for character in text:
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown,
                                                 Qt.KeyboardModifier.NoModifier, character))


def test_the_heads_box_takes_no_full_width_or_other_digits(window):
    spin = window.controls.heads.editor
    for text in ("３", "٣", "１２"):
        spin.lineEdit().selectAll()
        type_characters(spin.lineEdit(), text)
        spin.interpretText()
        assert spin.value() == 2, text
        commit = QInputMethodEvent()
        commit.setCommitString(text)  # how a Chinese input method enters full-width digits
        spin.lineEdit().selectAll()
        QApplication.sendEvent(spin.lineEdit(), commit)
        spin.interpretText()
        assert spin.value() == 2, text
    assert window.model.parameters.heads == 2
    spin.lineEdit().selectAll()
    type_characters(spin.lineEdit(), "3")
    spin.interpretText()
    assert window.model.parameters.heads == 3


def test_huge_weights_are_refused_by_the_window_instead_of_showing_nan(window, tmp_path):
    arrays = {name: np.array(array) for name, array in init_weights(8, 2, 4).arrays().items()}
    arrays["w_q"][0, 0, 0] = 1e308
    path = tmp_path / "huge.npz"
    np.savez(path, **arrays)
    before = window.model.computation
    assert not window.exporter.open_weights(path)
    assert "huge.npz" in window.exporter.last_message
    assert "w_q holds 1e+308; every weight must be from -1000000 to 1000000" in window.exporter.last_message
    assert window.model.computation is before
    session = tmp_path / "huge.attn.npz"
    np.savez(session, **{JSON_NAME: np.array(session_json(Parameters(), Edits()))}, **arrays)
    assert not window.sessions.open(session)
    assert "w_q holds 1e+308" in window.sessions.last_message
    assert window.model.computation is before
