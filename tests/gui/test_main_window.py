"""The main window driven as a person drives it: typing, spin boxes, buttons and keys."""

import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage

from attention_stepper.core.export import table_text
from attention_stepper.core import STEP_KEYS, Parameters, compute

from panel_checks import assert_panels_show_core, block_outlines, shown_image, type_text, wait_for_computation


def test_opens_on_the_seed_sentence_with_its_tokens_on_the_axes(window):
    assert window.controls.sentence.editor.text() == "我 爱 机器 学习"
    assert window.model.step.key == "embed"
    assert_panels_show_core(window, Parameters())
    x_panel = window.step_view.panel("embed")
    assert x_panel.row_labels() == ["我", "爱", "机器", "学习"]


def test_typing_a_sentence_recomputes_after_the_pause(window, qtbot):
    editor = window.controls.sentence.editor
    window.model.go_to("scores")
    editor.selectAll()
    with qtbot.waitSignal(window.model.changed, timeout=3000):
        type_text(qtbot, editor, "猫吃鱼")
    assert window.model.step.key == "scores", "the current step is kept"
    assert_panels_show_core(window, Parameters(sentence="猫吃鱼"))
    assert window.step_view.panel("scores", 0).row_labels() == ["猫", "吃", "鱼"]


def test_changing_heads_and_d_k_repaints_every_panel(window):
    window.model.go_to("softmax")
    window.controls.heads.editor.setValue(3)
    assert_panels_show_core(window, Parameters(heads=3))
    assert sorted(head for key, head, _ in window.step_view.panels() if key == "weights") == [0, 1, 2]
    window.controls.d_k.editor.setValue(6)
    assert_panels_show_core(window, Parameters(heads=3, d_k=6))
    window.controls.d_model.editor.setValue(12)
    window.controls.seed.editor.setValue(7)
    assert_panels_show_core(window, Parameters(heads=3, d_k=6, d_model=12, seed=7))
    assert window.model.step.key == "softmax"


def test_d_v_follows_d_k_until_unlinked(window):
    control = window.controls.d_v
    assert control.linked.isChecked() and not control.editor.isEnabled()
    window.controls.d_k.editor.setValue(5)
    assert control.editor.value() == 5
    control.linked.setChecked(False)
    control.editor.setValue(3)
    window.model.go_to("weighted_sum")
    assert_panels_show_core(window, Parameters(d_k=5, d_v=3))


def test_next_previous_buttons_and_keys_walk_the_pipeline(window, qtbot):
    navigator = window.step_bar.navigator
    navigator.next_button.click()
    assert window.model.step.key == "project"
    assert_panels_show_core(window)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.model.step.key == "scores"
    assert_panels_show_core(window)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    navigator.previous_button.click()
    assert window.model.step.key == "embed"
    qtbot.keyClick(window, Qt.Key.Key_End)
    assert window.model.step.key == "output"
    assert not navigator.next_button.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Home)
    assert window.model.step.key == "embed"
    assert not navigator.previous_button.isEnabled()


def test_every_step_can_be_reached_and_shows_its_matrices(window):
    window.controls.causal.editor.setChecked(True)
    for key in STEP_KEYS:
        window.step_bar.stages.buttons[key].click()
        assert window.model.step.key == key
        assert window.step_bar.stages.buttons[key].isChecked()
        assert_panels_show_core(window, Parameters(causal=True))
        shown = {panel_key for panel_key, _, _ in window.step_view.panels()}
        step = window.model.step
        expected = (set(step.inputs) | set(step.outputs)) - {"w_q", "w_k", "w_v"}
        if key == "project":
            expected |= {"packed_q", "packed_k", "packed_v"}
        assert shown == expected
        assert step.title in window.explanation.plain_text()


def test_one_head_shows_it_large_with_its_weight_matrices(window):
    window.step_bar.head_selector.setCurrentIndex(2)  # "Head 2"
    assert window.model.head == 1
    window.model.go_to("project")
    panels = window.step_view.panels()
    assert {key for key, _, _ in panels} == {"embed", "w_q", "w_k", "w_v", "q", "k", "v"}
    assert {head for _, head, _ in panels} == {None, 1}
    assert_panels_show_core(window)
    assert "Q₂ = X W_Q₂ : 4×4 = (4×8)(8×4)" in window.explanation.plain_text()


def test_the_explanation_stays_where_it_was_read_until_its_text_changes(window, qtbot):
    """A heads change leaves the scores step's text as it is: the pane keeps its scroll position."""
    pane = window.explanation
    window.model.go_to("scores")
    pane.resize(200, 120)  # short enough to scroll
    qtbot.waitUntil(lambda: pane.verticalScrollBar().maximum() > 0)
    bar = pane.verticalScrollBar()
    bar.setValue(bar.maximum())
    window.controls.heads.editor.setValue(3)
    assert bar.value() == bar.maximum() > 0
    window.controls.d_k.editor.setValue(5)
    assert "4×5" in pane.plain_text()


def test_the_mask_step_comes_and_goes_with_its_check_box(window):
    stages = window.step_bar.stages
    assert "mask" not in stages.visible_keys()
    window.controls.causal.editor.setChecked(True)
    assert "mask" in stages.visible_keys()
    stages.buttons["mask"].click()
    assert_panels_show_core(window, Parameters(causal=True))
    masked = shown_image(window.step_view.panel("masked", 0))
    assert np.isnan(masked[0, 1]) and not np.isnan(masked[1, 0])
    window.controls.causal.editor.setChecked(False)
    assert "mask" not in stages.visible_keys()
    assert window.model.step.key == "softmax"
    assert_panels_show_core(window, Parameters())


def test_an_empty_sentence_is_explained_and_the_panels_stay(window, qtbot):
    before = {(key, head): shown_image(panel).copy() for key, head, panel in window.step_view.panels()}
    editor = window.controls.sentence.editor
    editor.clear()
    window.controls.sentence.submit()
    label = window.controls.sentence.error_label
    assert label.isVisible()
    assert "no tokens" in label.text()
    assert editor.text() == ""
    for key, head, panel in window.step_view.panels():
        np.testing.assert_array_equal(shown_image(panel), before[(key, head)])
    type_text(qtbot, editor, "猫吃鱼")
    window.controls.sentence.submit()
    assert not label.isVisible()
    assert_panels_show_core(window, Parameters(sentence="猫吃鱼"))


def test_sizes_too_large_for_memory_are_refused_next_to_the_control(window, qtbot):
    window.controls.d_model.editor.setValue(4096)
    window.controls.d_k.editor.setValue(1024)
    window.controls.heads.editor.setValue(64)
    label = window.controls.heads.error_label
    assert label.isVisible() and "GiB" in label.text()
    assert window.controls.heads.editor.value() == 64, "the person's value stays to be corrected"
    assert window.model.parameters.heads == 2
    wait_for_computation(qtbot, window.model)  # d_model 4096, d_k 1024: computed on the worker
    assert_panels_show_core(window, Parameters(d_model=4096, d_k=1024))
    window.controls.heads.editor.setValue(1)
    assert not label.isVisible()


def test_export_from_the_app_writes_what_the_command_writes(window, tmp_path):
    from attention_stepper.gui.cli import main as cli_main

    window.controls.causal.editor.setChecked(True)
    window.controls.heads.editor.setValue(3)
    app_folder = window.exporter.export_all(tmp_path / "app")
    assert app_folder == tmp_path / "app"
    assert cli_main(["export", "--heads", "3", "--causal", "--out", str(tmp_path / "cli")]) == 0
    app_files = sorted(p.name for p in (tmp_path / "app").iterdir())
    assert app_files == sorted(p.name for p in (tmp_path / "cli").iterdir())
    for name in app_files:
        if name.endswith((".csv", ".json")):
            assert (tmp_path / "app" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    with np.load(tmp_path / "app" / "weights.npz") as ours, np.load(tmp_path / "cli" / "weights.npz") as theirs:
        for name in ("w_q", "w_k", "w_v", "w_o"):
            np.testing.assert_array_equal(ours[name], theirs[name])


def test_export_this_step_writes_its_matrices(window, tmp_path):
    window.model.go_to("scores")
    folder = window.exporter.export_step(tmp_path / "step")
    names = sorted(p.name for p in folder.glob("*.csv"))
    assert names == ["k_head1.csv", "k_head2.csv", "q_head1.csv", "q_head2.csv", "scores_head1.csv", "scores_head2.csv"]


def test_export_into_a_non_empty_folder_without_asking_writes_nothing(window, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "mine.txt").write_text("keep me")
    assert window.exporter.export_all(tmp_path / "taken") is None
    assert "not empty" in window.exporter.last_message
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["mine.txt"]


def test_copy_puts_tab_separated_text_on_the_clipboard(window):
    window.model.go_to("softmax")
    window.copy_action.trigger()
    text = QGuiApplication.clipboard().text()
    computation = compute(Parameters())
    rows, columns = computation.labels("weights")
    assert text == table_text(computation.matrix("weights", 0), rows, columns, "\t")
    first_row = text.splitlines()[1].split("\t")
    assert first_row[0] == "我" and float(first_row[1]) == computation.trace["weights"][0, 0, 0]


def test_hovering_a_cell_shows_its_value_in_the_status_bar(window):
    window.model.go_to("softmax")
    panel = window.step_view.panel("weights", 0)
    panel.hover_cell(1, 2)
    text = window.hover_label.text()
    assert "爱" in text and "机器" in text
    assert f"{compute(Parameters()).trace['weights'][0, 1, 2]:.4f}" in text


def test_settings_are_remembered(qtbot, tmp_path):
    from attention_stepper.gui.main_window import MainWindow
    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.settings import load_parameters, restore_view
    from attention_stepper.gui.settings_store import SettingsStore

    settings = SettingsStore(tmp_path / "s.json")
    window = MainWindow(AttentionModel(load_parameters(settings)), settings)
    qtbot.addWidget(window)
    window.controls.sentence.editor.setText("猫吃鱼")
    window.controls.sentence.submit()
    window.controls.heads.editor.setValue(4)
    window.controls.causal.editor.setChecked(True)
    window.model.go_to("mask")
    window.close()
    again = SettingsStore(tmp_path / "s.json")
    parameters = load_parameters(again)
    assert parameters == Parameters(sentence="猫吃鱼", heads=4, causal=True)
    model = AttentionModel(parameters)
    restore_view(again, model)
    assert model.step.key == "mask"


def test_damaged_settings_fall_back_to_defaults(tmp_path):
    from attention_stepper.gui.settings import load_parameters
    from attention_stepper.gui.settings_store import SettingsStore

    settings = SettingsStore(tmp_path / "s.json")
    settings.set("parameters/heads", "many")
    settings.set("parameters/d_k", 99999)
    settings.set("parameters/sentence", "  ")
    assert load_parameters(settings) == Parameters()


def test_every_control_has_a_tooltip(window):
    controls = window.controls
    for control in (controls.sentence, controls.heads, controls.d_model, controls.d_k, controls.d_v,
                    controls.seed, controls.causal, controls.positional_encoding):
        assert control.editor.toolTip()
    assert "1 to 64" in controls.heads.editor.toolTip()


@pytest.mark.parametrize("step", ["scores", "mask"])
def test_screenshot_command_writes_a_png_of_the_asked_size(tmp_path, step):
    out = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "attention_stepper.gui.cli", "screenshot", "--step", step, "--causal",
         "--size", "900x600", "--out", str(out)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out}")
    assert result.stderr == "", "a picture written without trouble needs no warning"
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    colours = {image.pixel(x, y) for x in range(0, 900, 15) for y in range(0, 600, 15)}
    assert len(colours) > 20, "the picture is blank"


def test_screenshot_drops_only_the_offscreen_size_hints_warning(qtlog):
    from PySide6.QtCore import qInstallMessageHandler, qWarning

    from attention_stepper.gui.screenshot import OFFSCREEN_SIZE_HINTS_WARNING, quiet_offscreen_size_hints

    previous = quiet_offscreen_size_hints()
    try:
        qWarning(OFFSCREEN_SIZE_HINTS_WARNING)
        qWarning("something else went wrong")
    finally:
        qInstallMessageHandler(previous)
    messages = [record.message for record in qtlog.records]
    assert "something else went wrong" in messages
    assert OFFSCREEN_SIZE_HINTS_WARNING not in messages


def test_screenshot_passes_other_warnings_to_stderr_as_qt_would():
    """Without another handler installed (as in the command), other messages still reach stderr."""
    script = ("from PySide6.QtCore import qWarning\n"
              "from attention_stepper.gui.screenshot import OFFSCREEN_SIZE_HINTS_WARNING, quiet_offscreen_size_hints\n"
              "quiet_offscreen_size_hints()\n"
              "qWarning(OFFSCREEN_SIZE_HINTS_WARNING)\n"
              "qWarning('something else went wrong')\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "something else went wrong\n"


def test_screenshot_of_the_mask_without_causal_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "attention_stepper.gui.cli", "screenshot", "--step", "mask",
         "--out", str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--causal" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_project_shows_the_packed_product_split_into_head_blocks(window):
    """One matmul computes every head's Q; the split into Q₁, Q₂ is only a choice of columns."""
    window.controls.heads.editor.setValue(3)
    window.model.go_to("project")
    computation = compute(Parameters(heads=3))
    packed = window.step_view.panel("packed_q")
    assert shown_image(packed).shape == (4, 12)
    assert [(first, width) for first, width, _ in block_outlines(packed)] == [(0, 4), (4, 4), (8, 4)]
    assert [label for _, _, label in block_outlines(packed)] == ["head 1", "head 2", "head 3"]
    for head in range(3):
        block = shown_image(packed)[:, 4 * head:4 * head + 4]
        np.testing.assert_array_equal(block, shown_image(window.step_view.panel("q", head)))
        np.testing.assert_array_equal(block, computation.trace["q"][head].astype(np.float32))


def test_concat_outlines_each_heads_columns(window):
    window.model.go_to("concat")
    assert [(first, width) for first, width, _ in block_outlines(window.step_view.panel("concat"))] == [(0, 4), (4, 4)]
    window.model.go_to("embed")
    assert block_outlines(window.step_view.panel("embed")) == []


def test_head_selector_lists_every_head_as_the_count_changes(window):
    """Items are added and removed at the end (not refilled); the chosen head stays chosen."""
    selector = window.step_bar.head_selector

    def items():
        return [selector.itemText(i) for i in range(selector.count())]

    assert items() == ["All heads", "Head 1", "Head 2"]
    window.controls.heads.editor.setValue(5)
    assert items() == ["All heads"] + [f"Head {i}" for i in range(1, 6)]
    selector.setCurrentIndex(3)
    assert window.model.head == 2
    window.controls.heads.editor.setValue(4)
    assert items() == ["All heads"] + [f"Head {i}" for i in range(1, 5)]
    assert selector.currentIndex() == 3 and window.model.head == 2
    window.controls.heads.editor.setValue(1)
    assert items() == ["All heads", "Head 1"]
    assert selector.currentIndex() == window.model.head + 1
