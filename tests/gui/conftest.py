"""Fixtures for driving the real main window offscreen."""

import pytest

from attention_stepper.core import Parameters


@pytest.fixture
def model():
    from attention_stepper.gui.model import AttentionModel

    return AttentionModel(Parameters())


@pytest.fixture
def window(qtbot, model):
    from attention_stepper.gui.main_window import MainWindow

    window = MainWindow(model)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


@pytest.fixture
def panel(qtbot):
    """One matrix panel on its own, shown (offscreen) at a size where cell values are written."""
    from attention_stepper.gui.heatmap import MatrixPanel

    panel = MatrixPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 320)
    panel.show()
    qtbot.waitExposed(panel)
    return panel
