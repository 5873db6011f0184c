"""File → Compare with my implementation…: the Compare tab, its heatmaps, the red step and the diagnosis (EN/中文)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFileDialog

from attention_stepper.core.compare import compare
from attention_stepper.core.mistakes import explanation
from attention_stepper.gui import i18n

from user_attention import Setup, user_attention  # tests/user_attention.py, beside tests/conftest.py


@pytest.fixture
def english_afterwards():
    yield
    i18n.install_language("en")


def dump_file(tmp_path, mistake=None, name="dump.npz", config=True, **setup) -> Path:
    chosen = Setup(**setup)
    arrays = user_attention(chosen, mistake)
    if config:
        arrays["config.json"] = chosen.config()
    np.savez(tmp_path / name, **arrays)
    return tmp_path / name


def red_pixels(widget) -> int:
    image = widget.grab().toImage()
    count = 0
    for x in range(0, image.width(), 2):
        for y in range(0, image.height(), 2):
            colour = QColor(image.pixel(x, y))
            count += colour.red() > 150 and colour.green() < 90 and colour.blue() < 90
    return count


def test_the_file_menu_opens_a_dump_into_the_compare_tab(window, tmp_path, monkeypatch):
    path = dump_file(tmp_path, "softmax-axis", causal=True)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    assert window.compare_action in window.file_menu.actions()
    window.compare_action.trigger()
    view = window.compare_view
    assert window.tabs.currentWidget() is view and view.error == ""
    assert view.report.diagnosis == "softmax-axis" and view.report.first_divergence == "weights"
    assert view.report.parameters.causal  # from the dump's config.json, not the controls (causal is off)
    assert not window.model.parameters.causal
    what, fix = explanation("softmax-axis")
    assert "softmax-axis" in view.diagnosis.text() and what in view.diagnosis.text() and fix in view.diagnosis.text()
    assert "weights" in view.verdict.text()
    assert [view.step_box.itemText(i) for i in range(view.step_box.count())] == [
        "q", "k", "v", "scores", "scaled", "weights", "head_output", "concat", "output"]
    assert view.table.rowCount() == 9 and view.table.item(5, 4).text().startswith("✗ ")
    assert view.table.item(0, 4).text() == "✓"


def test_the_heatmaps_show_yours_ours_and_the_difference_of_the_current_step(window, tmp_path):
    path = dump_file(tmp_path, "scale-missing", causal=True, heads=2)
    assert window.compare_with_dump(str(path))
    view = window.compare_view
    assert view.current_step() == "scaled"  # the first divergence is shown first
    report = compare(path)
    window.model.go_to("softmax")
    assert view.current_step() == "weights"
    view.head_box.setValue(2)
    shown = view.shown()
    np.testing.assert_array_equal(shown["yours"][0], report.yours["weights"][1])
    np.testing.assert_array_equal(shown["ours"][0], report.ours["weights"][1])
    np.testing.assert_array_equal(shown["difference"][0], report.yours["weights"][1] - report.ours["weights"][1])
    assert shown["yours"][1] == shown["ours"][1] == [f"t{i}" for i in range(1, 6)]
    assert shown["difference"][3] == "yours − ours" and shown["ours"][3] == "ours: weights₂"
    window.model.go_to("output")
    assert view.current_step() == "output" and not view.head_box.isVisible()
    assert view.shown()["yours"][0].shape == (5, 8)
    view.step_box.setCurrentIndex(0)
    assert view.shown()["ours"][3] == "ours: q₂"


def test_the_first_diverging_step_is_red_on_the_step_bar(window, tmp_path, qtbot):
    stages = window.step_bar.stages
    before = red_pixels(stages.buttons["scale"])
    assert window.compare_with_dump(str(dump_file(tmp_path, "scale-d-model", causal=True)))
    window.tabs.setCurrentIndex(0)
    assert stages.diverging_step() == "scale"
    button = stages.buttons["scale"]
    assert button.property("diverges") is True and "#c62828" in button.styleSheet()
    assert not stages.buttons["softmax"].property("diverges")
    assert "first diverges here" in button.toolTip()
    qtbot.wait(20)
    assert red_pixels(button) > before + 20 and red_pixels(stages.buttons["softmax"]) == 0
    window.model.go_to("scale")  # the current step stays red too (white on red)
    qtbot.wait(20)
    assert red_pixels(button) > 20
    assert window.compare_with_dump(str(dump_file(tmp_path, None, name="good.npz", causal=True)))
    assert stages.diverging_step() is None and not button.property("diverges")
    assert "first diverges here" not in button.toolTip()
    assert window.compare_view.report.diagnosis == "none"
    assert window.compare_view.verdict.text() == "All steps match."


def test_without_config_json_the_current_controls_give_the_configuration(window, tmp_path):
    path = dump_file(tmp_path, None, config=False, causal=True, rope="half", heads=2)
    window.model.set_parameters(causal=True, rope="half")
    assert window.compare_with_dump(str(path))
    report = window.compare_view.report
    assert report.matches and report.parameters.rope == "half"
    window.model.set_parameters(rope="interleaved")
    assert window.compare_with_dump(str(path))
    assert window.compare_view.report.diagnosis == "rope-style"
    assert window.step_bar.stages.diverging_step() == "rope"


def test_a_bad_dump_says_why_and_keeps_the_last_report(window, tmp_path):
    good = dump_file(tmp_path, "concat-order")
    assert window.compare_with_dump(str(good))
    (tmp_path / "bad.npz").write_bytes(good.read_bytes()[:200])
    assert not window.compare_with_dump(str(tmp_path / "bad.npz"))
    view = window.compare_view
    assert "not a readable .npz" in view.error and "not a readable .npz" in view.summary.text()
    assert "not a readable .npz" in window.statusBar().currentMessage()
    assert view.report.diagnosis == "concat-order" and window.step_bar.stages.diverging_step() == "concat"
    np.savez(tmp_path / "pickle.npz", x=np.array([object()], dtype=object))
    assert not window.compare_with_dump(str(tmp_path / "pickle.npz"))
    assert "pickle" in view.error


def test_the_open_button_and_a_cancelled_dialog(window, monkeypatch):
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: asked.append(args) or ("", ""))
    window.compare_view.open_button.click()
    assert len(asked) == 1 and window.compare_view.report is None
    assert "numpy.savez" in window.compare_view.summary.text()


def test_the_compare_tab_in_chinese(window, tmp_path, qtbot, english_afterwards):
    assert window.compare_with_dump(str(dump_file(tmp_path, "gqa-order", heads=4, kv_heads=2, d_model=8, d_k=2)))
    window.language_actions["zh_CN"].trigger()
    qtbot.wait(50)
    view = window.compare_view
    assert window.tabs.tabText(4) == "比较"
    assert "键/值头被平铺而不是重复" in view.diagnosis.text() and "gqa-order" in view.diagnosis.text()
    assert view.verdict.text().startswith("第一处差异：scores")
    assert "头数 4" in view.summary.text() and "键/值头数 2" in view.summary.text()
    assert view.open_button.text() == "打开转储文件…"
    texts = [view.summary.text(), view.verdict.text(), re.sub("<[^>]+>", " ", view.diagnosis.text()),
             *(view.table.horizontalHeaderItem(i).text() for i in range(view.table.columnCount())),
             *(view.table.item(row, 3).text() for row in range(view.table.rowCount()))]
    english = [text for text in texts if re.search(r"\b[A-Za-z]{3,}\s+[A-Za-z]{3,}\b", text)]
    assert not english, english
    assert "第一处差异" not in window.step_bar.stages.buttons["scores"].toolTip()
    assert "你的实现从这一步开始" in window.step_bar.stages.buttons["scores"].toolTip()
    window.language_actions["en"].trigger()
    qtbot.wait(50)
    assert "Key/value heads tiled" in view.diagnosis.text()


def test_the_json_config_member_may_name_the_sentence_for_labels(window, tmp_path):
    arrays = user_attention(Setup(n=3), "heads-reshape")
    arrays["config.json"] = json.dumps({"heads": 2, "sentence": "猫 吃 鱼"})
    np.savez(tmp_path / "dump.npz", **arrays)
    assert window.compare_with_dump(str(tmp_path / "dump.npz"))
    window.model.go_to("scores")
    assert window.compare_view.shown()["ours"][1] == ["猫", "吃", "鱼"]
