"""View → Zoom in / Zoom out / Actual size: every text of the window, remembered across restarts."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from attention_stepper.core import Parameters
from attention_stepper.gui.heatmap import MatrixPanel
from attention_stepper.gui.heatmap.style import PanelFonts
from attention_stepper.gui.zoom import ZOOM_STEPS, nearest_step, step_in, step_out

from app_start import start_app  # noqa: F401 (a fixture)
from panel_checks import label_axis

CTRL = Qt.KeyboardModifier.ControlModifier


def base_size() -> float:
    return QApplication.instance().font().pointSizeF()


def widget_texts(window):
    """A label of the controls, a spin box, the explanation, the tab bar and the step bar's buttons;
    a stage button and the Variants header have style sheets (Qt then stops passing fonts on to them)."""
    return {"label": window.controls.labels["heads"], "spin box": window.controls.heads.editor,
            "explanation": window.explanation, "tabs": window.tabs.tabBar(),
            "step bar": window.step_bar.navigator.next_button, "stage": window.step_bar.stages.buttons["softmax"],
            "variants": window.controls.variants.header, "status": window.sizes_label}


def assert_zoomed(window, factor: float) -> None:
    panels = window.findChildren(MatrixPanel)
    assert panels
    for panel in panels:
        assert panel.zoom() == factor
        assert panel.fonts() == PanelFonts().scaled(factor)
    for name, widget in widget_texts(window).items():
        assert widget.font().pointSizeF() == pytest.approx(base_size() * factor), name


def test_the_steps_go_from_80_to_300_percent():
    assert ZOOM_STEPS[0] == 0.8 and ZOOM_STEPS[-1] == 3.0 and 1.0 in ZOOM_STEPS
    assert step_in(1.0) == 1.1 and step_out(1.0) == 0.9
    assert step_in(3.0) == 3.0 and step_out(0.8) == 0.8
    assert nearest_step(7) == 3.0 and nearest_step(1.02) == 1.0 and nearest_step("big") == 1.0


def test_zoom_in_scales_the_panels_numbers_and_labels_and_every_widget_s_text(window, qtbot):
    window.model.go_to("scores")
    panel = window.step_view.panel("scores", 0)
    panel.grab()
    left = label_axis(panel, "left")
    before = {"label": left.label_font().pointSizeF(),
              "painted": max(rect.height() for _, _, rect in left.shown_labels()),
              "pixels": window.controls.labels["heads"].fontInfo().pixelSize()}
    qtbot.keyClick(window, Qt.Key.Key_Equal, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_Plus, CTRL)
    assert window.view_actions.zoom.factor() == 1.25
    assert_zoomed(window, 1.25)
    panel.grab()
    assert left.label_font().pointSizeF() == pytest.approx(1.25 * before["label"])
    assert max(rect.height() for _, _, rect in left.shown_labels()) > before["painted"], "drawn larger"
    assert window.controls.labels["heads"].fontInfo().pixelSize() > before["pixels"], "drawn larger"
    assert window.view_actions.zoom_label.text() == "Zoom 125%"

    qtbot.keyClick(window, Qt.Key.Key_Minus, CTRL)
    assert window.view_actions.zoom.factor() == 1.1
    assert_zoomed(window, 1.1)
    qtbot.keyClick(window, Qt.Key.Key_0, CTRL)
    assert window.view_actions.zoom.factor() == 1.0
    assert window.model.head is None, "Ctrl+0 is actual size, not all heads"
    for panel in window.findChildren(MatrixPanel):
        assert panel.zoom() == 1.0
    for name, widget in widget_texts(window).items():
        assert widget.font().pointSizeF() == base_size(), name  # the application's font again
    assert window.view_actions.zoom_label.text() == "Zoom 100%"


def test_zoom_stops_at_300_and_80_percent(window):
    zoom = window.view_actions.zoom
    for _ in range(20):
        window.view_actions.zoom_in_action.trigger()
    assert zoom.factor() == 3.0 and not window.view_actions.zoom_in_action.isEnabled()
    for _ in range(20):
        window.view_actions.zoom_out_action.trigger()
    assert zoom.factor() == 0.8 and not window.view_actions.zoom_out_action.isEnabled()
    assert window.view_actions.zoom_in_action.isEnabled()


def test_panels_made_later_take_the_zoom_in_every_tab(window, qtbot):
    window.view_actions.zoom.set_factor(1.5)
    window.controls.heads.editor.setValue(4)  # four panels per per-head matrix, made now
    window.model.go_to("softmax")
    window.model.set_head(3)
    for _key, _head, panel in window.step_view.panels():
        assert panel.zoom() == 1.5
    window.tabs.setCurrentWidget(window.head_statistics)  # made when first shown
    assert len(window.head_statistics.overview_panels()) == 4
    window.tabs.setCurrentWidget(window.journey)
    window.tabs.setCurrentWidget(window.tiles_view)
    window.tabs.setCurrentWidget(window.decode_view)
    assert_zoomed(window, 1.5)
    window.controls.heads.editor.setValue(6)  # the statistics make two more panels while not shown
    window.tabs.setCurrentWidget(window.head_statistics)
    assert len(window.head_statistics.overview_panels()) == 6
    assert_zoomed(window, 1.5)


def test_a_panel_made_some_other_way_takes_the_zoom_soon(window, qtbot):
    window.view_actions.zoom.set_factor(2.0)
    panel = MatrixPanel(window.step_view)
    qtbot.waitUntil(lambda: panel.zoom() == 2.0)


def test_the_zoom_survives_a_restart(start_app):
    first = start_app()
    for _ in range(2):
        first.view_actions.zoom_in_action.trigger()
    assert first.view_actions.zoom.factor() == 1.25
    first.close()
    again = start_app()
    assert again.view_actions.zoom.factor() == 1.25
    assert_zoomed(again, 1.25)
    assert again.view_actions.zoom_label.text() == "Zoom 125%"


def test_a_damaged_zoom_setting_starts_at_actual_size(tmp_path, qtbot):
    from attention_stepper.gui.main_window import MainWindow
    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.settings_store import SettingsStore

    for stored, expected in (("huge", 1.0), (float("nan"), 1.0), (True, 1.0), (12, 3.0), (1.3, 1.25)):
        settings = SettingsStore(tmp_path / "s.json")
        settings._values["view/zoom"] = stored  # as if read from a hand-edited file
        window = MainWindow(AttentionModel(Parameters()), settings)
        qtbot.addWidget(window)
        assert window.view_actions.zoom.factor() == expected, stored


def test_the_explanation_s_formula_grows_with_the_rest(window, qtbot):
    """Its size is relative to the pane's font (it was 15 pixels, whatever the zoom)."""
    window.model.go_to("softmax")
    formula = " ".join(window.model.step.formula.split())  # HTML shows runs of spaces as one

    def formula_height() -> float:
        document = window.explanation.document()
        block = document.begin()
        while block.isValid() and formula not in block.text():
            block = block.next()
        assert block.isValid()
        return document.documentLayout().blockBoundingRect(block).height()

    before = formula_height()
    window.view_actions.zoom.set_factor(2.0)
    assert formula_height() > 1.6 * before


def test_the_step_bar_s_row_of_stages_grows_with_its_buttons(window, qtbot):
    stages = window.step_bar.stages
    area = stages.parentWidget().parentWidget()  # the one-row scroll area around the stage buttons
    room = area.height() - stages.sizeHint().height()
    for factor in (2.0, 3.0, 1.0):
        window.view_actions.zoom.set_factor(factor)
        qtbot.wait(1)
        assert area.height() == stages.sizeHint().height() + room, factor
        assert stages.buttons["softmax"].height() <= area.viewport().height(), "the buttons are not cut"
