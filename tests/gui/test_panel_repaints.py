"""What is on the screen follows every change: panels ask for their own repaints.

The panels turn off QGraphicsView's automatic viewport updates (each scene would
otherwise repaint the whole window on its own, once per panel), so a change
that forgot to ask for a repaint would leave stale pixels on the screen while
every test of the panel's data passed. These tests compare the window's backing
store, as the screen shows it, with a fresh rendering of the same panel.
"""

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage

from panel_checks import view_box


#: The colour bars' gradients come out up to 2 levels apart between a window repaint and a
#: fresh rendering (seen before and after the panels took over their repaints); stale content
#: differs by far more (new colours, text, outlines).
GRADIENT_TOLERANCE = 2


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3].astype(int)


def _on_screen(widget) -> np.ndarray:
    """The widget's pixels as last painted into the window (not a new rendering)."""
    window = widget.window()
    corner = widget.mapTo(window, QPoint(0, 0))
    shot = widget.screen().grabWindow(window.winId(), corner.x(), corner.y(), widget.width(), widget.height())
    return _pixels(shot.toImage())


def _fresh(widget) -> np.ndarray:
    return _pixels(widget.grab().toImage())


def _same(one: np.ndarray, other: np.ndarray) -> bool:
    return one.shape == other.shape and int(np.abs(one - other).max()) <= GRADIENT_TOLERANCE


def assert_screen_is_fresh(qtbot, widget, what: str) -> None:
    qtbot.wait(10)  # the event loop delivers the repaint
    assert _same(_on_screen(widget), _fresh(widget)), f"stale pixels on screen after {what}"


@pytest.fixture
def panel(panel, qtbot):
    """The shared shown panel (conftest), already showing a matrix."""
    panel.set_matrix(np.zeros((3, 3)), ["我", "爱", "你"], ["我", "爱", "你"], "A", kind="probability")
    qtbot.wait(10)
    return panel


def test_the_check_itself_sees_stale_pixels(qtbot, panel, monkeypatch):
    """Without the panel's own repaint request a new matrix stays off the screen: the check can fail."""
    monkeypatch.setattr(type(panel), "_repaint", lambda self, *args: None)
    before = _on_screen(panel)
    panel.set_matrix(np.eye(3), ["我", "爱", "你"], ["我", "爱", "你"], "A", kind="probability")
    qtbot.wait(10)
    assert _same(_on_screen(panel), before)
    assert not _same(_on_screen(panel), _fresh(panel))


def test_new_values_labels_and_titles_reach_the_screen(qtbot, panel):
    before = _on_screen(panel)
    panel.set_matrix(np.eye(3), ["我", "爱", "你"], ["我", "爱", "你"], "A", kind="probability")
    assert_screen_is_fresh(qtbot, panel, "new values")
    assert not _same(_on_screen(panel), before)
    panel.set_matrix(np.eye(3), ["猫", "吃", "鱼"], ["猫", "吃", "鱼"], "A", kind="probability")
    assert_screen_is_fresh(qtbot, panel, "new labels")
    panel.set_matrix(-np.eye(4), list("abcd"), list("efgh"), "scores₁", kind="signed")
    assert_screen_is_fresh(qtbot, panel, "a new shape, kind and title")


def test_outlines_marks_and_zoom_reach_the_screen(qtbot, panel):
    panel.highlight_row(1)
    assert_screen_is_fresh(qtbot, panel, "outlining a row")
    panel.highlight_row(None)
    assert_screen_is_fresh(qtbot, panel, "clearing the outline")
    panel.set_marked_cells([(0, 2)])
    assert_screen_is_fresh(qtbot, panel, "marking an edited cell")
    panel.set_block_outlines([(0, 2, "head 1")])
    assert_screen_is_fresh(qtbot, panel, "outlining a block")
    view_box(panel).setRange(xRange=(-0.5, 1.5), yRange=(-0.5, 1.5), padding=0)  # as Ctrl + wheel zooms
    assert_screen_is_fresh(qtbot, panel, "zooming in")
    panel.resize(420, 330)
    assert_screen_is_fresh(qtbot, panel, "resizing")


def test_the_step_view_on_screen_follows_the_controls(qtbot, window):
    window.model.go_to("softmax")
    area = window.panels_scroll.viewport()
    assert_screen_is_fresh(qtbot, area, "going to a step")
    window.controls.heads.editor.setValue(3)
    assert_screen_is_fresh(qtbot, area, "changing the heads")
    window.controls.d_k.editor.setValue(7)
    assert_screen_is_fresh(qtbot, area, "changing d_k")
    window.controls.sentence.editor.setText("猫吃鱼")
    window.controls.sentence.submit()
    assert_screen_is_fresh(qtbot, area, "a new sentence")


@pytest.mark.parametrize("wider_controls", [-60, 13, 76])
def test_the_step_view_on_screen_is_fresh_at_other_widths(qtbot, window, wider_controls):
    """Outlines drawn at fractional pixels once rounded by the panel's place in the window: fresh at one width only."""
    sizes = window.splitter.sizes()
    window.splitter.setSizes([sizes[0] + wider_controls, sizes[1] - wider_controls, *sizes[2:]])
    window.model.go_to("softmax")
    area = window.panels_scroll.viewport()
    assert_screen_is_fresh(qtbot, area, "going to a step")
    window.controls.sentence.editor.setText("猫吃鱼")
    window.controls.sentence.submit()
    assert_screen_is_fresh(qtbot, area, "a new sentence")


def test_the_step_view_on_screen_is_fresh_in_the_apps_own_font(qtbot, model):
    """The app's CJK font moves the colour bar's ticks to other fractional rows: drawn at whole pixels, still fresh."""
    from PySide6.QtWidgets import QApplication

    from attention_stepper.gui.fonts import apply_app_font
    from attention_stepper.gui.main_window import MainWindow

    app = QApplication.instance()
    before = app.font()
    apply_app_font(app)
    try:
        window = MainWindow(model)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.model.go_to("softmax")
        area = window.panels_scroll.viewport()
        assert_screen_is_fresh(qtbot, area, "going to a step")
        window.controls.sentence.editor.setText("猫吃鱼")
        window.controls.sentence.submit()
        assert_screen_is_fresh(qtbot, area, "a new sentence")
    finally:
        app.setFont(before)
