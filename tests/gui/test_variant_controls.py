"""The Variants controls and the presets, used as a person uses them: the panels, the step bar and the
explanation follow; a refused value shows its reason under its control and the panels keep."""

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt

from attention_stepper.core import Parameters, compute
from attention_stepper.gui.presets import PRESETS, preset_name, preset_tooltip, setting_text

from panel_checks import assert_panels_show_core, double_click, marked_cells, type_text


# --- how a person uses the controls ---------------------------------------------------
def open_variants(qtbot, window):
    group = window.controls.variants
    if not group.is_expanded():
        qtbot.mouseClick(group.header, Qt.MouseButton.LeftButton)
    assert group.is_expanded()
    return group


def pick(qtbot, combo, text: str, stays: bool = True) -> None:
    """Open the combo box's list and click the entry ``text``, as a person does (``stays``: and it stays chosen)."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    rect = view.visualRect(view.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())
    assert combo.currentIndex() == index or not stays


def type_into(qtbot, line_edit, text: str) -> None:
    """Select what the box holds, type ``text`` over it and press Enter."""
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Delete)
    type_text(qtbot, line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def visible_steps(window) -> list[str]:
    return window.step_bar.stages.visible_keys()


def explanation(window) -> str:
    return window.explanation.plain_text()


def panel_snapshot(window) -> list[tuple[str, int | None, np.ndarray]]:
    return [(key, head, panel.matrix().copy()) for key, head, panel in window.step_view.panels()]


def same_panels(window, before) -> bool:
    after = panel_snapshot(window)
    return len(after) == len(before) and all(
        a[:2] == b[:2] and np.array_equal(a[2], b[2], equal_nan=True) for a, b in zip(after, before))


# --- the group ------------------------------------------------------------------------
def test_the_variants_are_collapsed_until_a_click_opens_them(window, qtbot):
    group = window.controls.variants
    assert not group.is_expanded() and group.body.isHidden()
    assert group.header.text() == "Variants"
    qtbot.mouseClick(group.header, Qt.MouseButton.LeftButton)
    assert group.is_expanded() and group.kv_heads.isVisible() and group.precision.isVisible()
    qtbot.mouseClick(group.header, Qt.MouseButton.LeftButton)
    assert not group.is_expanded()


def test_opening_the_variants_does_not_widen_the_left_panel(window, qtbot):
    closed = window.controls.minimumSizeHint().width()
    group = open_variants(qtbot, window)
    window.model.set_parameters(rope="half", memory="a long memory sentence to attend to")
    assert window.controls.minimumSizeHint().width() <= closed
    assert group.minimumSizeHint().width() < closed


# --- each control ---------------------------------------------------------------------
def test_kv_heads_offers_the_divisors_and_the_shared_heads_show(window, qtbot):
    group = open_variants(qtbot, window)
    window.model.set_parameter("heads", 4)
    combo = group.kv_heads.editor
    assert [combo.itemData(i) for i in range(combo.count())] == [None, 2, 1]
    assert combo.currentText() == "4 (= heads)"
    assert "repeat_kv" not in visible_steps(window)
    pick(qtbot, combo, "1 (multi-query)")
    assert window.model.parameters.kv_heads == 1
    assert "repeat_kv" in visible_steps(window)
    window.model.go_to("repeat_kv")
    assert_panels_show_core(window, Parameters(heads=4, kv_heads=1))
    assert "query heads 1–4 share key/value head 1" in explanation(window)
    assert window.step_view.panel("k", 0).title().startswith("K_kv₁ (heads 1–4)")
    assert window.step_view.panel("k_repeated", 3).title().startswith("K₄ = K_kv₁")
    window.model.set_parameter("heads", 6)  # the choices follow the heads
    assert [combo.itemData(i) for i in range(combo.count())] == [None, 3, 2, 1]
    assert combo.currentData() == 1


def test_biases_sit_under_their_weights_and_their_cells_edit_like_w(window, qtbot, monkeypatch):
    group = open_variants(qtbot, window)
    qtbot.mouseClick(group.bias.editor, Qt.MouseButton.LeftButton)
    assert window.model.parameters.bias
    window.model.go_to("project")
    assert "biases as well" in window.step_view.note.text(), "all heads: the note says where the biases are"
    window.model.set_head(1)
    assert_panels_show_core(window, Parameters(bias=True))
    view = window.step_view
    grid = view.grid

    def place(key, head):
        return grid.getItemPosition(grid.indexOf(view.panel(key, head)))[:2]

    for name in "qkv":
        w_row, column = place(f"w_{name}", 1)
        assert place(f"b_{name}", 1) == (w_row + 1, column), f"b_{name} right under W_{name}"
        assert place(name, 1) == (w_row + 2, column), f"{name} under its bias"
    assert "Q₂ = X W_Q₂ + b_Q₂" in explanation(window)
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getDouble", lambda *args, **kwargs: (2.5, True))
    panel = view.panel("b_q", 1)
    double_click(panel, 0, 2)
    assert window.model.computation.weights.b_q[1, 2] == 2.5
    assert marked_cells(view.panel("b_q", 1)) == [(0, 2)]
    window.model.go_to("output")
    w_row, column = place("w_o", None)
    assert place("b_o", None) == (w_row + 1, column)
    assert view.panel("output", None).title().startswith("output = concat · W_O + b_O")


def test_rope_turns_q_and_k_and_its_base_is_typed(window, qtbot):
    group = open_variants(qtbot, window)
    assert not group.rope.base.isEnabled(), "no base to choose while RoPE is off"
    pick(qtbot, group.rope.editor, "half-split (Llama, Qwen, GPT-NeoX)")
    assert window.model.parameters.rope == "half" and "rope" in visible_steps(window)
    window.model.go_to("rope")
    assert_panels_show_core(window, Parameters(rope="half"))
    assert "rope_angles" in [key for key, _, _ in window.step_view.panels()]
    type_into(qtbot, group.rope.base, "500")
    assert window.model.parameters.rope_base == 500.0
    assert "pairs (j, j + 2), angle t · 500^(−2j/4)" in explanation(window)
    before = panel_snapshot(window)
    type_into(qtbot, group.rope.base, "abc")
    assert "rope_base must be a number" in group.rope.error_label.text() and group.rope.error_label.isVisible()
    assert window.model.parameters.rope_base == 500.0 and same_panels(window, before)
    type_into(qtbot, group.rope.base, "10000")
    assert not group.rope.error_label.isVisible() and window.model.parameters.rope_base == 10000.0
    pick(qtbot, group.rope.editor, "interleaved (GPT-J, RoFormer)")
    assert_panels_show_core(window, Parameters(rope="interleaved"))
    assert "pairs (2j, 2j + 1)" in explanation(window)


def test_rope_with_an_odd_d_k_is_refused_under_its_control_and_the_panels_keep(window, qtbot):
    window.model.set_parameter("d_k", 5)
    window.model.go_to("scores")
    before = panel_snapshot(window)
    group = window.controls.variants
    group.set_expanded(True)
    pick(qtbot, group.rope.editor, "half-split (Llama, Qwen, GPT-NeoX)")
    assert "d_k must be even; it is 5" in group.rope.error_label.text()
    assert group.rope.error_label.isVisible()
    assert window.model.parameters.rope is None and same_panels(window, before)
    assert_panels_show_core(window, Parameters(d_k=5))
    pick(qtbot, group.rope.editor, "off")
    assert not group.rope.error_label.isVisible()


def test_a_refusal_opens_the_closed_group_to_show_its_reason(window):
    group = window.controls.variants
    assert not group.is_expanded()
    window.model.set_parameter("window", 0)
    assert group.is_expanded() and "window must be a whole number" in group.window.error_label.text()


def test_alibi_and_the_window_show_their_steps_slopes_and_masks(window, qtbot):
    group = open_variants(qtbot, window)
    window.controls.causal.editor.click()
    qtbot.mouseClick(group.alibi.editor, Qt.MouseButton.LeftButton)
    assert window.model.parameters.alibi and "position_bias" in visible_steps(window)
    window.model.go_to("position_bias")
    assert_panels_show_core(window, Parameters(causal=True, alibi=True))
    assert window.step_view.panel("position_bias", 0).title().startswith("ALiBi₁ = −0.0625·|t−s|")
    assert window.step_view.panel("position_bias", 1).title().startswith("ALiBi₂ = −0.003906·|t−s|")
    assert "slope m₁ = 0.0625" in explanation(window)
    spin = group.window.editor
    assert spin.text() == "off"
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "2")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.model.parameters.window == 2
    window.model.go_to("mask")
    parameters = Parameters(causal=True, alibi=True, window=2)
    assert_panels_show_core(window, parameters)
    legend = window.step_view.legend
    assert legend.isVisible()
    assert legend.entries() == ["causal mask: a later token (s > t)",
                                "outside the window: 2 or more tokens back (t − s ≥ 2)"]
    masked = window.step_view.panel("masked", 0)
    assert masked.hover_cell(0, 1).startswith("masked₁[我, 爱] = −∞ (masked)  ")
    assert masked.hover_cell(3, 0).startswith("masked₁[学习, 我] = −∞ (masked: outside the window)  ")
    assert "−∞ where t − s ≥ 2" in explanation(window)
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClick(spin, Qt.Key.Key_Down)
    qtbot.keyClick(spin, Qt.Key.Key_Down)
    assert spin.text() == "off" and window.model.parameters.window is None


def test_a_memory_sentence_makes_cross_attention_and_refuses_the_causal_mask(window, qtbot):
    group = open_variants(qtbot, window)
    type_into(qtbot, group.memory.editor, "the cat eats fish")
    assert window.model.parameters.memory == "the cat eats fish"
    window.model.go_to("scores")
    assert_panels_show_core(window, Parameters(memory="the cat eats fish"))
    panel = window.step_view.panel("scores", 0)
    assert panel.row_labels() == ["我", "爱", "机器", "学习"] and panel.column_labels() == ["the", "cat", "eats", "fish"]
    before = panel_snapshot(window)
    window.controls.causal.editor.click()
    assert "the causal mask compares the positions" in window.controls.causal.error_label.text()
    assert not window.model.parameters.causal and same_panels(window, before)
    window.controls.causal.editor.click()  # unticked again: accepted, the reason goes
    assert not window.controls.causal.error_label.isVisible()
    type_into(qtbot, group.memory.editor, "")
    assert window.model.parameters.memory is None


def test_an_own_scale_and_skipping_the_scaling_are_one_choice(window, qtbot):
    group = open_variants(qtbot, window)
    window.controls.skip_scaling.editor.click()
    assert window.model.parameters.skip_scaling
    qtbot.mouseClick(group.scale.own, Qt.MouseButton.LeftButton)
    assert window.model.parameters.scale == 1.0 and not window.model.parameters.skip_scaling
    assert not window.controls.skip_scaling.editor.isChecked(), "the skip box follows in the same change"
    type_into(qtbot, group.scale.value, "0.3")
    assert window.model.parameters.scale == 0.3
    window.model.go_to("scale")
    assert "scaled₁ = scores₁ × 0.3" in explanation(window)
    assert_panels_show_core(window, Parameters(scale=0.3))
    before = panel_snapshot(window)
    type_into(qtbot, group.scale.value, "0")
    assert "scale must be a number above 0" in group.scale.error_label.text()
    assert window.model.parameters.scale == 0.3 and same_panels(window, before)
    type_into(qtbot, group.scale.value, "0.25")
    assert window.model.parameters.scale == 0.25 and not group.scale.error_label.isVisible()
    qtbot.mouseClick(group.scale.own, Qt.MouseButton.LeftButton)
    assert window.model.parameters.scale is None


def test_float16_changes_the_explanation_and_the_panels_follow(window, qtbot):
    group = open_variants(qtbot, window)
    pick(qtbot, group.precision.editor, "float16 (about 3 digits, ±65504)")
    assert window.model.parameters.precision == "float16"
    window.model.go_to("softmax")
    assert "every step computed in float16: about 3 significant digits" in explanation(window)
    assert_panels_show_core(window, Parameters(precision="float16"))


def test_the_controls_echo_a_change_made_elsewhere_without_pushing_it_back(window, qtbot, monkeypatch):
    group = window.controls.variants
    pushed = []
    real = window.model.set_parameters
    monkeypatch.setattr(window.model, "set_parameters", lambda **changes: pushed.append(changes) or real(**changes))
    real(heads=4, kv_heads=2, bias=True, rope="interleaved", rope_base=500.0, window=3, causal=True, alibi=True,
         scale=0.5, precision="float32")
    assert pushed == [], "echoing the model's state pushed nothing back"
    assert group.kv_heads.editor.currentData() == 2
    assert group.bias.editor.isChecked() and group.alibi.editor.isChecked()
    assert group.rope.editor.currentData() == "interleaved" and group.rope.base.text() == "500"
    assert group.window.editor.value() == 3
    assert group.scale.own.isChecked() and group.scale.value.text() == "0.5"
    assert group.precision.editor.currentData() == "float32"


# --- presets ----------------------------------------------------------------------------
def tooltip_settings(tooltip: str) -> list[str]:
    return [line.removeprefix("• ") for line in tooltip.splitlines() if line.startswith("• ")]


@pytest.mark.parametrize("preset", PRESETS, ids=lambda preset: preset.key)
def test_each_preset_sets_in_one_change_exactly_what_its_tooltip_says(window, qtbot, preset):
    # Start from choices every preset must undo (or keep: sizes, seed and precision are the person's).
    start = dict(sentence="我 爱 机器 学习 !", d_model=12, d_k=6, seed=3, precision="float32", heads=2,
                 positional_encoding=True, skip_scaling=True)
    window.model.set_parameters(**start)
    before = window.model.parameters
    group = open_variants(qtbot, window)
    combo = group.preset.editor
    index = combo.findData(preset.key)
    tooltip = combo.itemData(index, Qt.ItemDataRole.ToolTipRole)
    assert tooltip == preset_tooltip(preset.key)
    listed = tooltip_settings(tooltip)
    assert listed == [setting_text(name, value) for name, value in preset.values.items()]
    changes = []
    window.model.changed.connect(lambda _change: changes.append(1))
    pick(qtbot, combo, preset_name(preset.key))
    assert len(changes) == 1, "one model change"
    after = window.model.parameters
    assert after == dataclasses.replace(before, **preset.values), "what the tooltip lists, nothing else"
    assert tooltip_settings(preset_tooltip(preset.key)) == [setting_text(name, getattr(after, name))
                                                           for name in preset.values]
    assert combo.currentData() == preset.key, "the list shows the preset the options now match"
    assert not any(control.error_label.isVisible() for control in group.controls())
    for step in window.model.steps:
        window.model.go_to(step.key)
        assert_panels_show_core(window, after)
    assert [step.key for step in window.model.steps] == visible_steps(window)


def test_a_preset_the_core_refuses_says_why_once_and_changes_nothing(window, qtbot):
    window.model.set_parameter("d_k", 5)
    before = window.model.parameters
    group = open_variants(qtbot, window)
    pick(qtbot, group.preset.editor, "Llama / Qwen (GQA + RoPE)", stays=False)
    assert "d_k must be even; it is 5" in group.preset.error_label.text()
    assert window.model.parameters == before and window.model.errors == {}
    assert not any(control.error_label.isVisible() for control in group.controls()), "not under every control"
    assert group.preset.editor.currentText() == "(your own settings)"
    pick(qtbot, group.preset.editor, "GPT-2")
    assert not group.preset.error_label.isVisible() and window.model.parameters.causal


def test_the_presets_menu_applies_a_preset_and_reports_a_refusal(window):
    menu = window.presets_menu
    assert menu.title() == "&Presets" and menu in [action.menu() for action in window.view_menu.actions()]
    assert [action.text() for action in menu.actions()] == [preset_name(preset.key) for preset in PRESETS]
    menu.preset_actions["bloom"].trigger()
    parameters = window.model.parameters
    assert parameters.alibi and parameters.causal and parameters.bias and parameters.rope is None
    assert window.controls.variants.preset.editor.currentData() == "bloom"
    window.model.set_parameter("d_k", 5)
    menu.preset_actions["mistral"].trigger()
    assert "Mistral (sliding window) refused:" in window.statusBar().currentMessage()
    assert "d_k must be even" in window.statusBar().currentMessage()
    assert window.model.parameters.window is None


# --- languages and settings -----------------------------------------------------------
def test_the_variants_speak_chinese(window, qtbot):
    group = open_variants(qtbot, window)
    try:
        window.language_actions["zh_CN"].trigger()
        qtbot.wait(50)
        assert group.header.text() == "变体"
        assert group.kv_heads.editor.itemText(0) == "2（= 头数）"
        assert group.preset.editor.itemText(0) == "（自己的设置）"
        assert group.preset.editor.findText("T5 式交叉注意力") > 0
        assert window.presets_menu.title() == "预设(&P)"
        assert group.window.editor.specialValueText() == "关"
        assert "因果掩码：开" in preset_tooltip("gpt2")
    finally:
        window.language_actions["en"].trigger()
        qtbot.wait(50)
    assert group.header.text() == "Variants"


VARIANTS = Parameters(heads=4, kv_heads=2, bias=True, rope="interleaved", rope_base=500.0, alibi=True, window=3,
                      causal=True, scale=0.5, precision="float32", d_k=6)


def test_the_variants_survive_a_restart(tmp_path):
    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.settings import load_parameters, save_parameters
    from attention_stepper.gui.settings_store import SettingsStore

    memory = dataclasses.replace(VARIANTS, memory="the cat", causal=False, rope=None, alibi=False, window=None)
    for number, parameters in enumerate((VARIANTS, memory)):
        compute(parameters)
        path = tmp_path / f"settings{number}.json"
        store = SettingsStore(path)
        save_parameters(store, AttentionModel(parameters))
        store.sync()
        assert load_parameters(SettingsStore(path)) == parameters, "a restart reads back every variant"
