"""Ask before a parameter change throws away the weights a person loaded.

The core keeps loaded weights while only the sentence, the mask or the
positions change, and replaces them with seeded ones when a size or the seed
does (core/stepper.py, ``SHAPE_PARAMETERS``): the file's sizes no longer fit.
That used to happen without a word; a control now asks first
(:func:`keeps_loaded_weights`), and on Cancel puts its value back.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

# The core's own list of what replaces given weights: asking and replacing follow one rule.
from attention_stepper.core.stepper import SHAPE_PARAMETERS as REPLACING_PARAMETERS

from .model import AttentionModel


def replaces_loaded_weights(model: AttentionModel, changes: Mapping[str, object]) -> bool:
    """Whether ``changes`` would make the core drop the loaded weights in use (None in use: never)."""
    if model.custom_weights is None:
        return False
    requested = model.requested_parameters
    return any(name in REPLACING_PARAMETERS and value != getattr(requested, name) for name, value in changes.items())


def keeps_loaded_weights(parent: QWidget, model: AttentionModel, changes: Mapping[str, object]) -> bool:
    """True when the person chose to keep the loaded weights (Cancel): the change must not be made.

    Asks only when the change would replace them; otherwise False at once.
    """
    if not replaces_loaded_weights(model, changes):
        return False
    names = ", ".join(changes)
    title = QCoreApplication.translate("WeightsGuard", "Replace the loaded weights?")
    text = QCoreApplication.translate(
        "WeightsGuard", "Changing {0} replaces the weights you loaded with seeded random weights. Replace them? "
                        "(Cancel keeps the loaded weights and the value as it was.)").format(names)
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
    answer = QMessageBox.question(parent, title, text, buttons, QMessageBox.StandardButton.Cancel)
    return answer != QMessageBox.StandardButton.Yes
