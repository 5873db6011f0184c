"""The status bar says which weights are in use, and a size change asks before it replaces loaded ones."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from attention_stepper.core.session import save_session
from attention_stepper.core.weights import init_weights, save_weights


def _answer(monkeypatch, button):
    """Answer every QMessageBox.question with ``button``, without showing it; returns the questions asked."""
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append((title, text))
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


@pytest.fixture
def loaded(window, tmp_path):
    """The window using weights opened from my_layer.npz (3 heads, d_model 6, d_k 5, d_v 2)."""
    save_weights(init_weights(d_model=6, heads=3, d_k=5, d_v=2, seed=42), tmp_path / "my_layer.npz")
    assert window.exporter.open_weights(tmp_path / "my_layer.npz")
    return window


def test_seeded_weights_say_their_seed_and_it_follows_the_seed_box(window):
    label = window.weights_indicator
    assert label.text() == "Weights: seeded (seed 0)"
    assert label.isVisible() and label in window.statusBar().findChildren(type(label))
    window.controls.seed.editor.setValue(7)
    assert label.text() == "Weights: seeded (seed 7)"


def test_loaded_weights_say_the_file_name_until_reset(loaded):
    label = loaded.weights_indicator
    assert label.text() == "Weights: my_layer.npz"
    loaded.model.set_parameter("sentence", "a b c")  # the sentence keeps loaded weights
    assert label.text() == "Weights: my_layer.npz"
    loaded.reset_weights_action.trigger()
    assert label.text() == "Weights: seeded (seed 0)"


def test_edited_weight_cells_are_counted_x_cells_are_not(loaded):
    label = loaded.weights_indicator
    assert loaded.edit_cell("w_q", 0, 0, 0, 1.5) and loaded.edit_cell("w_o", -1, 1, 1, -2.0)
    assert loaded.edit_cell("embed", -1, 0, 0, 3.0)
    assert label.text() == "Weights: my_layer.npz + 2 edited cells"
    assert "typed over" in label.toolTip()
    loaded.model.reset_edits()
    assert label.text() == "Weights: my_layer.npz"


def test_weights_from_a_session_are_said_to_be_loaded(window, tmp_path):
    model = window.model
    weights = init_weights(d_model=8, heads=2, d_k=4, seed=5)
    model.set_weights(weights)
    save_session(tmp_path / "s.attn.npz", model.parameters, weights, model.edits, model.step.key, None)
    model.set_weights(None)
    assert window.sessions.open(tmp_path / "s.attn.npz")
    assert window.weights_indicator.text() == "Weights: loaded"


def test_a_real_model_is_named_with_its_layer(window, tiny_checkpoints):
    pytest.importorskip("safetensors")
    assert window.model_actions.open_model(tiny_checkpoints["gpt2"], "the cat sat")
    assert window.weights_indicator.text() == "Weights: tiny-gpt2, layer 0"
    window.model_actions.layer.setValue(1)
    assert window.weights_indicator.text() == "Weights: tiny-gpt2, layer 1"


def test_the_label_speaks_chinese(window, qtbot, english_afterwards):
    from attention_stepper.gui import i18n

    assert i18n.install_language("zh_CN")
    qtbot.wait(50)  # Qt posts LanguageChange to the windows
    assert window.weights_indicator.text() == "权重：随机（种子 0）"


@pytest.fixture
def english_afterwards():
    from attention_stepper.gui import i18n

    yield
    i18n.install_language("en")


def test_changing_heads_with_loaded_weights_asks_and_cancel_keeps_everything(loaded, monkeypatch):
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    weights = loaded.model.custom_weights
    loaded.controls.heads.editor.setValue(4)
    assert len(asked) == 1 and "replaces the weights you loaded" in asked[0][1] and "heads" in asked[0][1]
    assert loaded.model.custom_weights is weights and loaded.model.parameters.heads == 3
    assert loaded.controls.heads.editor.value() == 3, "the box shows the model's value again"
    assert loaded.weights_indicator.text() == "Weights: my_layer.npz"


def test_changing_heads_with_loaded_weights_and_yes_replaces_them(loaded, monkeypatch):
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    loaded.controls.heads.editor.setValue(4)
    assert len(asked) == 1
    assert loaded.model.custom_weights is None and loaded.model.parameters.heads == 4
    assert loaded.controls.heads.editor.value() == 4
    assert loaded.weights_indicator.text() == "Weights: seeded (seed 0)"


def test_d_v_and_its_link_ask_too_and_cancel_puts_both_back(loaded, monkeypatch):
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    d_v = loaded.controls.d_v
    assert not d_v.linked.isChecked() and d_v.editor.value() == 2
    d_v.linked.setChecked(True)
    assert len(asked) == 1 and not d_v.linked.isChecked() and d_v.editor.isEnabled()
    d_v.editor.setValue(3)
    assert len(asked) == 2 and d_v.editor.value() == 2 and loaded.model.parameters.value_dim == 2
    assert loaded.model.custom_weights is not None


def test_no_question_without_loaded_weights_or_for_a_change_that_keeps_them(window, loaded, monkeypatch):
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    loaded.controls.causal.editor.setChecked(True)  # the mask keeps loaded weights
    loaded.controls.heads.editor.setValue(3)  # the value it has
    assert asked == [] and loaded.model.parameters.causal and loaded.model.custom_weights is not None
    loaded.reset_weights_action.trigger()
    loaded.controls.heads.editor.setValue(5)
    assert asked == [] and loaded.model.parameters.heads == 5


def test_a_long_file_name_is_shortened_and_never_widens_the_window(window, tmp_path, qtbot):
    name = "a_very_long_name_for_the_weights_of_my_first_trained_attention_layer.npz"
    save_weights(init_weights(d_model=8, heads=2, d_k=4, seed=3), tmp_path / name)
    qtbot.wait(20)  # the status bar lays itself out
    window_width, bar_width = window.minimumSizeHint().width(), window.statusBar().minimumSizeHint().width()
    assert window.exporter.open_weights(tmp_path / name)
    label = window.weights_indicator
    assert label.text() == "Weights: a_very_long_name_for_the_weights_of_my_…" and name in label.toolTip()
    assert window.edit_cell("w_q", 0, 0, 0, 1.5) and label.text().endswith("+ 1 edited cells")
    qtbot.wait(20)
    assert window.minimumSizeHint().width() <= window_width
    assert window.statusBar().minimumSizeHint().width() <= bar_width


def test_the_variant_controls_and_presets_ask_too(loaded, qtbot, monkeypatch):
    """kv_heads, bias and a preset replace loaded weights as a size does: each asks, and Cancel keeps all."""
    from PySide6.QtCore import Qt

    asked = _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    group = loaded.controls.variants
    group.header.setChecked(True)
    kv = group.kv_heads.editor
    kv.setCurrentIndex(kv.findData(1))
    kv.activated.emit(kv.currentIndex())
    assert len(asked) == 1 and loaded.model.custom_weights is not None
    assert loaded.model.parameters.kv_heads is None and kv.currentData() is None, "the box shows the model again"
    qtbot.mouseClick(group.bias.editor, Qt.MouseButton.LeftButton)
    assert len(asked) == 2 and not loaded.model.parameters.bias and not group.bias.editor.isChecked()
    presets = group.preset.editor
    presets.setCurrentIndex(presets.findData("gpt2"))  # biases: new weights
    presets.activated.emit(presets.currentIndex())
    assert len(asked) == 3 and loaded.model.custom_weights is not None
    assert not loaded.model.parameters.causal and presets.currentData() is None
    assert "loaded weights are kept" in group.preset.error_label.text()
