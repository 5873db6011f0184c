"""View → Full screen (F11), Presentation and Colour scale."""

import pytest
from PySide6.QtCore import Qt

from attention_stepper.core import Parameters
from attention_stepper.gui.heatmap import MatrixPanel


def test_f11_toggles_full_screen_and_the_menu_entry_follows(window, qtbot):
    action = window.view_actions.full_screen_action
    assert not window.isFullScreen() and not action.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    assert action.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert not action.isChecked()
    window.showFullScreen()  # from elsewhere (a window manager's button): the entry follows
    qtbot.waitUntil(lambda: action.isChecked())
    assert action in window.view_menu.actions()


def test_presentation_shows_head_1_large_with_big_numbers_and_leaving_gives_everything_back(window, qtbot):
    window.model.go_to("softmax")
    window.tabs.setCurrentWidget(window.journey)
    assert window.model.head is None
    window.view_actions.presentation_action.trigger()
    assert window.view_actions.presentation.is_active() and window.view_actions.presentation_action.isChecked()
    assert window.model.head == 0
    assert window.tabs.currentWidget() is window.tab_pages["steps"]
    assert window.controls_scroll.isHidden()
    assert {head for _key, head, _panel in window.step_view.panels()} <= {0, None}
    zoom = window.view_actions.zoom.factor()
    assert zoom >= 2.0
    for _key, _head, panel in window.step_view.panels():
        assert panel.zoom() == zoom
    window.view_actions.presentation_action.trigger()
    assert not window.view_actions.presentation.is_active()
    assert window.model.head is None and window.view_actions.zoom.factor() == 1.0
    assert window.tabs.currentWidget() is window.journey
    assert not window.controls_scroll.isHidden()
    for panel in window.findChildren(MatrixPanel):
        assert panel.zoom() == 1.0


def test_presentation_keeps_the_head_being_looked_at_and_a_larger_zoom(window):
    window.model.set_head(1)
    window.view_actions.zoom.set_factor(2.5)
    window.view_actions.presentation.set_active(True)
    assert window.model.head == 1 and window.view_actions.zoom.factor() == 3.0
    window.view_actions.presentation.set_active(False)
    assert window.model.head == 1 and window.view_actions.zoom.factor() == 2.5


def test_a_presentation_s_zoom_is_not_remembered(tmp_path, qtbot):
    from attention_stepper.gui.main_window import MainWindow
    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.settings_store import SettingsStore

    window = MainWindow(AttentionModel(Parameters()), SettingsStore(tmp_path / "s.json"))
    qtbot.addWidget(window)
    window.view_actions.zoom.set_factor(1.1)
    window.view_actions.presentation.set_active(True)
    window.view_actions.zoom_in_action.trigger()
    window.close()
    assert SettingsStore(tmp_path / "s.json").number("view/zoom", 0) == 1.1


def scaled_panels(window) -> list[MatrixPanel]:
    return [panel for name in ("steps", "heads", "journey")
            for panel in window.tab_pages[name].findChildren(MatrixPanel)]


def test_the_colour_scale_applies_to_the_attention_heatmaps_of_three_tabs(window):
    window.model.go_to("softmax")
    for name in ("heads", "journey", "steps"):
        window.tabs.setCurrentWidget(window.tab_pages[name])  # their panels made
    actions = window.view_actions.scale_actions
    assert actions["linear"].isChecked()
    actions["row"].trigger()
    assert window.view_actions.scale() == "row"
    weights = window.step_view.panel("weights", 0)
    assert weights.scale() == "row"
    assert window.head_statistics.overview_panels()
    for panel in scaled_panels(window):
        assert panel.scale() == "row"
    for panel in window.tiles_view.findChildren(MatrixPanel):  # the tiles' own P is not a softmax row
        assert panel.scale() == "linear"
    window.controls.heads.editor.setValue(4)  # new panels take the scale too
    window.model.set_head(3)
    assert window.step_view.panel("weights", 3).scale() == "row"
    actions["log"].trigger()
    assert all(panel.scale() == "log" for panel in scaled_panels(window))
    assert actions["log"].isChecked() and not actions["row"].isChecked()


def test_the_colour_scale_entries_explain_themselves(window):
    actions = window.view_actions.scale_actions
    assert "own maximum" in actions["row"].toolTip() and "200 tokens" in actions["row"].toolTip()
    assert "0.0001" in actions["log"].toolTip()
    assert "0" in actions["linear"].toolTip() and "1" in actions["linear"].toolTip()
    assert window.view_actions.scale_menu.toolTipsVisible()
    assert window.view_actions.scale_menu.menuAction() in window.view_menu.actions()


def test_the_colour_scale_is_remembered(tmp_path, qtbot):
    from attention_stepper.gui.main_window import MainWindow
    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.settings_store import SettingsStore

    window = MainWindow(AttentionModel(Parameters()), SettingsStore(tmp_path / "s.json"))
    qtbot.addWidget(window)
    window.view_actions.scale_actions["log"].trigger()
    window.close()
    again = MainWindow(AttentionModel(Parameters()), SettingsStore(tmp_path / "s.json"))
    qtbot.addWidget(again)
    assert again.view_actions.scale() == "log" and again.view_actions.scale_actions["log"].isChecked()
    again.model.go_to("softmax")
    assert again.step_view.panel("weights", 0).scale() == "log"
    damaged = SettingsStore(tmp_path / "s.json")
    damaged.set("view/colour_scale", "rainbow")
    third = MainWindow(AttentionModel(Parameters()), damaged)
    qtbot.addWidget(third)
    assert third.view_actions.scale() == "linear"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_scaling_lab_s_tab_shows_d_k_with_its_underscore(window, language):
    """QTabBar takes only "&" as a mnemonic marker and draws "_" as it is: the title must hold "d_k"
    once, with no "&" that would underline (and hide) the letter after it, nor a doubled "__"."""
    from attention_stepper.gui import i18n

    try:
        i18n.install_language(language)
        bar = window.tabs.tabBar()
        text = bar.tabText(window.tabs.indexOf(window.scaling_lab))
        assert "√d_k" in text and "d__k" not in text
        assert "&" not in text.replace("&&", "")
    finally:
        i18n.install_language("en")
