"""Remembering the last sentence, parameters and view between runs (QSettings).

Values read back are checked like any input: a damaged or out-of-range
setting falls back to its default instead of stopping the app from starting.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QSettings

from attention_stepper.core.computation import compute
from attention_stepper.core.parameters import Parameters

from .model import AttentionModel

_FIELDS = ("sentence", "heads", "d_model", "d_k", "d_v", "seed", "causal", "positional_encoding")


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def load_parameters(settings: QSettings) -> Parameters:
    """The remembered parameters; each bad or missing value is replaced by its default."""
    defaults = Parameters()
    values = {}
    for name in _FIELDS:
        stored = settings.value(f"parameters/{name}")
        if stored is None or stored == "":
            continue
        try:
            if name == "sentence":
                values[name] = str(stored)
            elif name in ("causal", "positional_encoding"):
                values[name] = _as_bool(stored)
            elif name == "d_v":
                values[name] = None if str(stored) == "none" else int(stored)
            else:
                values[name] = int(stored)
        except (TypeError, ValueError):
            continue
    parameters = dataclasses.replace(defaults, **values)
    try:
        compute(parameters)
    except (ValueError, MemoryError):
        return defaults
    return parameters


def save_parameters(settings: QSettings, model: AttentionModel) -> None:
    parameters = model.parameters
    for name in _FIELDS:
        value = getattr(parameters, name)
        settings.setValue(f"parameters/{name}", "none" if value is None else value)
    settings.setValue("view/step", model.step.key)
    settings.setValue("view/head", -1 if model.head is None else model.head)


def restore_view(settings: QSettings, model: AttentionModel) -> None:
    """Go back to the remembered step and head, where they still exist."""
    step = settings.value("view/step")
    if isinstance(step, str) and step in [s.key for s in model.steps]:
        model.go_to(step)
    try:
        head = int(settings.value("view/head", -1))
    except (TypeError, ValueError):
        head = -1
    if 0 <= head < model.parameters.heads:
        model.set_head(head)
