"""Presets: the variants a well-known model uses, set in one change.

The table is plain data (:data:`PRESETS`): each preset names the
parameters it sets and their values, nothing else; its tooltip is its
description followed by that list, written from the same data, so what a
person reads is what happens. Sizes (d_model, d_k…), the sentence, the seed
and the precision stay the person's; the Llama and Mistral presets set the
heads, since grouped-query attention needs a number of heads the key/value
heads divide.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from attention_stepper.core.computation import check_inputs
from attention_stepper.core.parameters import Parameters

from .i18n import Retranslating
from .model import AttentionModel
from .weights_guard import keeps_loaded_weights

#: What every preset sets, so that choosing one never keeps another's leftovers.
_PLAIN = dict(causal=False, positional_encoding=False, bias=False, kv_heads=None, rope=None, alibi=False,
              window=None, memory=None, scale=None, skip_scaling=False)


@dataclass(frozen=True)
class Preset:
    """A model's variants: ``key`` names it, ``values`` are the parameters it sets (a read-only mapping)."""

    key: str
    values: Mapping[str, object]

    def __post_init__(self) -> None:
        unknown = set(self.values) - {field.name for field in dataclasses.fields(Parameters)}
        if unknown:
            raise ValueError(f"preset {self.key!r} sets no such parameter: {', '.join(sorted(unknown))}")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def applied_to(self, parameters: Parameters) -> Parameters:
        return dataclasses.replace(parameters, **self.values)

    def matches(self, parameters: Parameters) -> bool:
        """Whether ``parameters`` are this preset's (whatever their sizes, sentence and seed)."""
        return all(getattr(parameters, name) == value for name, value in self.values.items())


def _preset(key: str, **values) -> Preset:
    return Preset(key, {**_PLAIN, **values})


PRESETS: tuple[Preset, ...] = (
    _preset("transformer_2017", positional_encoding=True),
    _preset("gpt2", causal=True, positional_encoding=True, bias=True),
    _preset("bert", positional_encoding=True, bias=True),
    _preset("llama", heads=4, kv_heads=2, rope="half", rope_base=10000.0, causal=True),
    _preset("mistral", heads=4, kv_heads=2, rope="half", rope_base=10000.0, causal=True, window=3),
    _preset("bloom", causal=True, bias=True, alibi=True),
    _preset("t5_cross", memory="I love machine learning", skip_scaling=True),
)
_BY_KEY = {preset.key: preset for preset in PRESETS}


def preset(key: str) -> Preset:
    return _BY_KEY[key]


def matching_preset(parameters: Parameters) -> Preset | None:
    """The preset whose every value ``parameters`` have, if one does."""
    return next((candidate for candidate in PRESETS if candidate.matches(parameters)), None)


def preset_name(key: str) -> str:
    names = {
        "transformer_2017": QCoreApplication.translate("Presets", "Transformer (2017)"),
        "gpt2": QCoreApplication.translate("Presets", "GPT-2"),
        "bert": QCoreApplication.translate("Presets", "BERT"),
        "llama": QCoreApplication.translate("Presets", "Llama / Qwen (GQA + RoPE)"),
        "mistral": QCoreApplication.translate("Presets", "Mistral (sliding window)"),
        "bloom": QCoreApplication.translate("Presets", "BLOOM (ALiBi)"),
        "t5_cross": QCoreApplication.translate("Presets", "T5-style cross-attention"),
    }
    return names[key]


def preset_description(key: str) -> str:
    descriptions = {
        "transformer_2017": QCoreApplication.translate("Presets",
            "The attention of “Attention Is All You Need”: the sinusoidal positions added to X, no mask "
            "(the encoder's self-attention), the scores divided by √d_k."),
        "gpt2": QCoreApplication.translate("Presets",
            "A decoder: the causal mask, biases on every projection (GPT-2's c_attn and c_proj) and absolute "
            "positions (learned in GPT-2, the sinusoidal ones here)."),
        "bert": QCoreApplication.translate("Presets",
            "An encoder: every token sees every other, biases on every projection, absolute positions "
            "(learned in BERT, the sinusoidal ones here). Type [PAD] in the sentence to see padding masked."),
        "llama": QCoreApplication.translate("Presets",
            "Grouped-query attention (two query heads share each key/value head) and rotary positions with "
            "the half-split pairs of HF's rotate_half, the causal mask, no biases (Qwen2 adds biases to Q, K "
            "and V). RoPE needs an even d_k."),
        "mistral": QCoreApplication.translate("Presets",
            "Llama's attention with a sliding window: each token sees only the 3 latest tokens, itself "
            "included (Mistral 7B: 4096). RoPE needs an even d_k."),
        "bloom": QCoreApplication.translate("Presets",
            "No position is added to the vectors: ALiBi subtracts a penalty that grows with the distance, "
            "with a slope of its own for each head; the causal mask and biases."),
        "t5_cross": QCoreApplication.translate("Presets",
            "Cross-attention: the queries from the sentence, the keys and values from a memory sentence, as "
            "a T5 decoder reads its encoder's output; no biases, and no ÷√d_k (T5 folds it into the "
            "initialisation of its weights)."),
    }
    return descriptions[key]


def setting_text(name: str, value: object) -> str:
    """How a preset's tooltip lists one parameter it sets, e.g. "causal mask: on"."""
    translate = QCoreApplication.translate
    state = translate("Presets", "on") if value else translate("Presets", "off")
    missing = translate("Presets", "off")
    texts = {
        "causal": lambda: translate("Presets", "causal mask: {0}").format(state),
        "positional_encoding": lambda: translate("Presets", "positional encoding: {0}").format(state),
        "bias": lambda: translate("Presets", "biases: {0}").format(state),
        "alibi": lambda: translate("Presets", "ALiBi: {0}").format(state),
        "skip_scaling": lambda: translate("Presets", "skip the ÷√d_k scaling: {0}").format(state),
        "heads": lambda: translate("Presets", "heads: {0}").format(value),
        "kv_heads": lambda: translate("Presets", "key/value heads: {0}").format(
            translate("Presets", "as many as heads") if value is None else value),
        "rope": lambda: translate("Presets", "RoPE: {0}").format(missing if value is None else {
            "half": translate("Presets", "half-split"), "interleaved": translate("Presets", "interleaved")}[value]),
        "rope_base": lambda: translate("Presets", "RoPE base: {0}").format(f"{value:g}"),
        "window": lambda: translate("Presets", "window: {0}").format(missing if value is None else value),
        "memory": lambda: translate("Presets", "memory: {0}").format(missing if value is None else f"“{value}”"),
        "scale": lambda: translate("Presets", "scale: {0}").format("1/√d_k" if value is None else f"{value:g}"),
    }
    return texts[name]() if name in texts else f"{name}: {value}"


def preset_tooltip(key: str) -> str:
    """The description, then every parameter the preset sets with its value (from the same data)."""
    settings = "\n".join(f"• {setting_text(name, value)}" for name, value in preset(key).values.items())
    heading = QCoreApplication.translate("Presets", "Sets:")
    return f"{preset_description(key)}\n{heading}\n{settings}"


def apply_preset(model: AttentionModel, key: str, parent: QWidget | None = None) -> str:
    """Set the preset's parameters in one change of the model; "" on success, else why it is refused.

    The change is checked before it reaches the model, so a refusal (RoPE
    with an odd d_k) changes nothing and is reported once, not under every
    control the preset touches. A preset that would replace loaded weights
    asks first (``parent`` owns the question); Cancel applies nothing.
    """
    chosen = preset(key)
    try:
        check_inputs(chosen.applied_to(model.parameters), fit_edits=True)
    except ValueError as error:
        return str(error)
    if keeps_loaded_weights(parent, model, chosen.values):
        return QCoreApplication.translate("Presets", "not applied: the loaded weights are kept")
    if model.set_parameters(**chosen.values):
        return ""
    return next((message for name, message in model.errors.items() if name in chosen.values and message),
                QCoreApplication.translate("Presets", "the preset could not be applied"))


class PresetMenu(Retranslating, QMenu):
    """View → Presets: one entry per preset, its tooltip saying what it sets."""

    #: A preset was refused: the reason.
    refused = Signal(str)

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.setToolTipsVisible(True)
        self.preset_actions: dict[str, QAction] = {}
        for chosen in PRESETS:
            action = self.addAction("")
            action.triggered.connect(lambda _checked=False, key=chosen.key: self.choose(key))
            self.preset_actions[chosen.key] = action
        self.retranslate()

    def choose(self, key: str) -> None:
        message = apply_preset(self.model, key, self.parentWidget())
        if message:
            self.refused.emit(QCoreApplication.translate("Presets", "{0} refused: {1}").format(
                preset_name(key), message))

    def retranslate(self) -> None:
        self.setTitle(self.tr("&Presets"))
        for key, action in self.preset_actions.items():
            action.setText(preset_name(key))
            action.setToolTip(preset_tooltip(key))
            action.setStatusTip(preset_description(key))
