"""Remembering the last sentence, parameters and view between runs.

What is remembered of :class:`Parameters` comes from the dataclass itself:
every field whose annotation is a plain type (``int``, ``bool``, ``float``,
``str``, or one of them ``| None``) is stored under ``parameters/NAME``, so
a field added later is remembered without touching this file. Values read
back are checked like any input: a damaged, wrongly typed or out-of-range
setting falls back to its default instead of stopping the app from starting.
"""

from __future__ import annotations

import dataclasses
import types
import typing

from attention_stepper.core.computation import compute
from attention_stepper.core.parameters import Parameters

from .model import AttentionModel
from .settings_store import SettingsStore

_PLAIN = (int, bool, float, str)


def field_kinds(cls: type) -> dict[str, tuple[type, ...]]:
    """Each field of dataclass ``cls`` that can be remembered, with the types its value may have."""
    hints = typing.get_type_hints(cls)
    kinds = {}
    for field in dataclasses.fields(cls):
        annotation = hints[field.name]
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            allowed = typing.get_args(annotation)
        else:
            allowed = (annotation,)
        if allowed and all(kind in _PLAIN or kind is type(None) for kind in allowed):
            kinds[field.name] = allowed
    return kinds


def remembered_fields(cls: type = Parameters) -> set[str]:
    return set(field_kinds(cls))


def save_fields(store: SettingsStore, prefix: str, instance) -> None:
    for name in field_kinds(type(instance)):
        store.set(f"{prefix}/{name}", getattr(instance, name))


def load_fields(store: SettingsStore, prefix: str, cls: type) -> dict:
    """The stored values of ``cls``'s fields that have the field's type (missing or wrong ones left out)."""
    values = {}
    for name, kinds in field_kinds(cls).items():
        key = f"{prefix}/{name}"
        missing = object()
        value = store.value(key, kinds, missing)
        if value is not missing:
            values[name] = value
    return values


def load_parameters(store: SettingsStore) -> Parameters:
    """The remembered parameters; each missing or wrongly typed value is replaced by its default.

    If the remembered values together are refused by the core (too large, a
    sentence of spaces), the app starts from the defaults.
    """
    defaults = Parameters()
    parameters = dataclasses.replace(defaults, **load_fields(store, "parameters", Parameters))
    try:
        compute(parameters)
    except (ValueError, MemoryError):
        return defaults
    return parameters


def save_parameters(store: SettingsStore, model: AttentionModel) -> None:
    save_fields(store, "parameters", model.parameters)
    store.set("view/step", model.step.key)
    store.set("view/head", -1 if model.head is None else model.head)


def restore_view(store: SettingsStore, model: AttentionModel) -> None:
    """Go back to the remembered step and head, where they still exist."""
    step = store.text("view/step", "")
    if step in [s.key for s in model.steps]:
        model.go_to(step)
    head = store.integer("view/head", -1)
    if 0 <= head < model.parameters.heads:
        model.set_head(head)


#: Set once the guided tour was offered or taken: the first run (no such key) offers it.
TOUR_SEEN = "tour/seen"


def tour_due(store: SettingsStore) -> bool:
    """Whether this is the first run: the settings say nothing of the guided tour yet."""
    return not store.flag(TOUR_SEEN, False)


def mark_tour_seen(store: SettingsStore) -> None:
    """Remember that the tour was offered; written with the other settings (when the window closes)."""
    store.set(TOUR_SEEN, True)
