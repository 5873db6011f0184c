"""Comparing what the panels hold with a fresh computation of the core."""

import numpy as np

from attention_stepper.core import Parameters, compute
from attention_stepper.core.matrices import keys_from


def displayed(matrix: np.ndarray) -> np.ndarray:
    """What a panel should hold for a core matrix: float32, masked cells (−inf) as NaN."""
    shown = np.asarray(matrix, dtype=np.float32).copy()
    shown[np.isneginf(shown)] = np.nan
    return shown


def assert_panels_show_core(window, parameters: Parameters | None = None) -> None:
    """Every panel on screen holds exactly the core's matrix for its step and head, with token labels.

    The expected numbers come from a fresh core computation of the parameters,
    not from the window's model, so a model that forgot an edit fails too.
    """
    model = window.model
    parameters = parameters or model.parameters
    assert model.parameters == parameters
    expected = compute(parameters)
    step = model.step
    keys = list(step.inputs) + list(step.outputs)
    if step.key == "project" and model.head is None:
        keys += list(keys_from("packed"))  # all heads' projections side by side, before the split
    panels = window.step_view.panels()
    assert panels, "no panel is shown"
    for key, head, panel in panels:
        assert key in keys
        assert head is None or 0 <= head < parameters.heads
        np.testing.assert_array_equal(panel.image_data(), displayed(expected.matrix(key, head)))
        rows, columns = expected.labels(key)
        assert panel.row_labels() == rows
        assert panel.column_labels() == columns


def type_text(qtbot, widget, text: str) -> None:
    """Type text into a widget as a person would.

    Latin text goes key by key; other scripts are committed through an input
    method event, which is how a Chinese IME delivers 猫吃鱼 (QTest's key
    clicks only know Latin-1).
    """
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    if all(ord(char) < 128 for char in text):
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
