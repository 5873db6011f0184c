"""The controls of the modern variants: one small class per option, as in controls.py.

Each control pushes what the person chose to the model in one change and
echoes the model's state back with its own signals blocked (no feedback
loops). A refused value shows its reason in red under the control; the
panels keep the last valid computation meanwhile. Every control hears the
model in one place (``_connect_model``), so a change in how the model
notifies is one line here.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QSignalBlocker, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from attention_stepper.core import limits
from attention_stepper.core.computation import check_inputs
from attention_stepper.core.parameters import PRECISIONS
from attention_stepper.core.variants import ROPE_STYLES

from .controls import TYPING_DEBOUNCE_MS, ErrorLabel
from .i18n import Retranslating
from .model import AttentionModel, Change
from .weights_guard import keeps_loaded_weights


def typed_number(text: str) -> float | str:
    """A typed number as a float; anything else as the text itself, for the core to refuse with its reason."""
    try:
        return float(text.strip().replace("−", "-"))
    except ValueError:
        return text.strip()


class VariantControl(Retranslating, QWidget):
    """Base: a control bound to some of the model's parameters (``names``), with its error label below."""

    names: tuple[str, ...] = ()

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.error_label = ErrorLabel(self)
        self._own_error = ""  # a change of several parameters refused before it reached the model
        self._connect_model()

    def _connect_model(self) -> None:
        """The one place the model's notifications arrive."""
        self.model.changed.connect(self._model_changed)
        self.model.errorChanged.connect(self._on_error)

    def _model_changed(self, change: Change) -> None:
        if change.parameters:  # the controls show parameters only
            self._refresh()

    def _layout(self, *editors: QWidget) -> None:
        for editor in editors:
            if isinstance(editor, QComboBox):  # long entries must not widen the left panel
                editor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                editor.setMinimumContentsLength(6)
            if isinstance(editor, QLineEdit):
                editor.setMinimumWidth(40)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if len(editors) == 1:
            layout.addWidget(editors[0])
        else:
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            for editor in editors:
                row.addWidget(editor, 1 if isinstance(editor, (QLineEdit, QComboBox, QSpinBox)) else 0)
            layout.addLayout(row)
        layout.addWidget(self.error_label)

    def push(self, **changes) -> bool:
        """Hand the person's choice to the model as one change.

        A change of one parameter that the core refuses is reported by the
        model under that parameter. A change of several is checked first, so
        that a refusal shows here alone and not under every control it touches.
        """
        if len(changes) > 1:
            try:
                check_inputs(dataclasses.replace(self.model.parameters, **changes), fit_edits=True)
            except ValueError as error:
                self._own_error = str(error)
                self._show_error()
                return False
        self._own_error = ""
        if keeps_loaded_weights(self, self.model, changes):  # Cancel: the loaded weights and the old value stay
            self._refresh()
            return False
        accepted = self.model.set_parameters(**changes)
        self._show_error()
        return accepted

    def error(self) -> str:
        """What is refused now, for one of this control's parameters ("" when nothing is)."""
        errors = self.model.errors
        return self._own_error or next((errors[name] for name in self.names if errors.get(name)), "")

    def has_error(self) -> bool:
        return bool(self.error())

    def _on_error(self, name: str, _message: str) -> None:
        if name in self.names:
            self._show_error()

    def _show_error(self) -> None:
        self.error_label.show_message(self.error())

    def _refresh(self) -> None:
        """The model changed: show its values (the signals of this control's widgets blocked meanwhile)."""
        blockers = [QSignalBlocker(widget) for widget in self.findChildren(QWidget)]
        try:
            self.echo()
        finally:
            for blocker in blockers:
                blocker.unblock()

    def echo(self) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        """Set every text again in the current language (called at start and on LanguageChange)."""


class KvHeadsChoice(VariantControl):
    """How many key/value heads: as many as heads, or a divisor of heads (grouped-query; 1 is multi-query)."""

    names = ("kv_heads",)

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(model, parent)
        self.editor = QComboBox(self)
        self.editor.currentIndexChanged.connect(lambda index: self.push(kv_heads=self.editor.itemData(index)))
        self._layout(self.editor)
        self.retranslate()

    def retranslate(self) -> None:
        self.editor.setToolTip(self.tr(
            "Fewer key/value heads than query heads: neighbouring query heads share one K and V "
            "(grouped-query attention, as Llama 2 70B, Llama 3, Qwen, Mistral); 1 is multi-query attention. "
            "It must divide the number of heads."))
        self._fill(force=True)
        self._refresh()

    def _fill(self, force: bool = False) -> None:
        """One item per choice for the current number of heads: "= h", then each divisor below h."""
        heads = self.model.parameters.heads
        choices = [None] + [count for count in range(heads - 1, 0, -1) if heads % count == 0]
        if not force and [self.editor.itemData(i) for i in range(self.editor.count())] == choices:
            return
        blocker = QSignalBlocker(self.editor)
        self.editor.clear()
        for count in choices:
            if count is None:
                text = self.tr("{0} (= heads)").format(heads)
            elif count == 1:
                text = self.tr("1 (multi-query)")
            else:
                text = self.tr("{0} (grouped, {1} query heads each)").format(count, heads // count)
            self.editor.addItem(text, count)
        blocker.unblock()

    def echo(self) -> None:
        self._fill()
        parameters = self.model.parameters
        shown = None if parameters.kv_head_count == parameters.heads else parameters.kv_heads
        index = self.editor.findData(shown)
        if index >= 0:
            self.editor.setCurrentIndex(index)


class FlagChoice(VariantControl):
    """A yes/no variant (biases, ALiBi)."""

    def __init__(self, model: AttentionModel, name: str, parent=None):
        self.names = (name,)
        super().__init__(model, parent)
        self.name = name
        self.editor = QCheckBox(self)
        self.editor.toggled.connect(lambda checked: self.push(**{self.name: checked}))
        self._layout(self.editor)
        self._refresh()

    def echo(self) -> None:
        self.editor.setChecked(bool(getattr(self.model.parameters, self.name)))


class RopeChoice(VariantControl):
    """Rotary positions: off, half-split or interleaved pairs, and the base B of the angles."""

    names = ("rope", "rope_base")

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(model, parent)
        self.editor = QComboBox(self)
        for style in (None, *ROPE_STYLES):
            self.editor.addItem("", style)
        self.base = QLineEdit(self)
        self.base.setMaximumWidth(70)
        self.editor.currentIndexChanged.connect(lambda index: self.push(rope=self.editor.itemData(index)))
        self.base.editingFinished.connect(self._base_typed)
        self._layout(self.editor, self.base)
        self.retranslate()

    def retranslate(self) -> None:
        names = {None: self.tr("off"), "half": self.tr("half-split (Llama, Qwen, GPT-NeoX)"),
                 "interleaved": self.tr("interleaved (GPT-J, RoFormer)")}
        for index in range(self.editor.count()):
            self.editor.setItemText(index, names[self.editor.itemData(index)])
        self.editor.setToolTip(self.tr(
            "Rotary position embedding: turn each pair of entries of every query and key by an angle that grows "
            "with the token's position. \"half\" pairs entry j with j + d_k/2, \"interleaved\" pairs 2j with 2j+1. "
            "d_k must be even."))
        self.base.setToolTip(self.tr(
            "The base B of the angles t · B^(−2j/d_k): 10000 in most models (Llama 3: 500000). "
            "A number above {0:g} up to {1:g}.").format(limits.MIN_ROPE_BASE, limits.MAX_ROPE_BASE))
        self.base.setPlaceholderText(self.tr("base"))
        self._refresh()

    def _base_typed(self) -> None:
        value = typed_number(self.base.text())
        if value != self.model.parameters.rope_base or self.has_error():
            self.push(rope_base=value)

    def echo(self) -> None:
        parameters = self.model.parameters
        self.editor.setCurrentIndex(self.editor.findData(parameters.rope))
        self.base.setEnabled(parameters.rope is not None)
        if "rope_base" not in self.model.errors:  # keep a refused text for the person to fix
            self.base.setText(f"{parameters.rope_base:g}")


class WindowChoice(VariantControl):
    """The sliding window: off, or how many keys each query sees (W)."""

    names = ("window",)

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(model, parent)
        low, high = limits.RANGES["window"]
        self.editor = QSpinBox(self)
        self.editor.setRange(low - 1, high)  # one below the smallest window: off
        self.editor.setKeyboardTracking(False)  # typing 12 asks for 12, not 1 and then 12
        self.editor.valueChanged.connect(lambda value: self.push(window=None if value < low else value))
        self._layout(self.editor)
        self.retranslate()

    def retranslate(self) -> None:
        low, high = limits.RANGES["window"]
        self.editor.setSpecialValueText(self.tr("off"))
        self.editor.setToolTip(self.tr(
            "Sliding window W: with the causal mask each token sees the W latest tokens, itself included "
            "(Mistral); without it, the tokens less than W positions away. From {0} to {1}, or off.").format(low, high))
        self._refresh()

    def echo(self) -> None:
        window = self.model.parameters.window
        if "window" not in self.model.errors:
            self.editor.setValue(self.editor.minimum() if window is None else window)


class MemoryEdit(VariantControl):
    """The memory sentence of cross-attention (empty: self-attention); recomputes once typing pauses."""

    names = ("memory",)

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(model, parent)
        self.editor = QLineEdit(self)
        self.editor.setMaxLength(limits.MAX_SENTENCE_CHARACTERS + 1)  # the core refuses longer, with the reason
        self.editor.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_DEBOUNCE_MS)
        self._timer.timeout.connect(self.submit)
        self.editor.textEdited.connect(lambda _text: self._timer.start())
        self.editor.returnPressed.connect(self.submit)
        self._layout(self.editor)
        self.retranslate()

    def retranslate(self) -> None:
        self.editor.setPlaceholderText(self.tr("Another sentence: K and V come from it"))
        self.editor.setToolTip(self.tr(
            "Cross-attention (as a translation model's decoder reads its encoder): the queries come from the "
            "sentence, the keys and values from this memory sentence. Leave it empty for self-attention. "
            "The causal mask, RoPE, ALiBi and a window compare positions, so they are refused with a memory."))
        self._refresh()

    def submit(self) -> None:
        self._timer.stop()
        text = self.editor.text()
        self.push(memory=text if text.strip() else None)

    def echo(self) -> None:
        if self._timer.isActive() or "memory" in self.model.errors:
            return  # the person is typing or fixing a refused text: don't overwrite it
        memory = self.model.parameters.memory or ""
        if self.editor.text() != memory:
            self.editor.setText(memory)


class ScaleChoice(VariantControl):
    """A scale S of one's own (scaled = scores × S) instead of 1/√d_k; choosing one stops skipping the scaling."""

    names = ("scale", "skip_scaling")

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(model, parent)
        self.own = QCheckBox(self)
        self.value = QLineEdit(self)
        self.own.toggled.connect(self._own_toggled)
        self.value.editingFinished.connect(self._value_typed)
        self._layout(self.own, self.value)
        self.retranslate()

    def retranslate(self) -> None:
        self.own.setText(self.tr("own S ="))
        self.own.setToolTip(self.tr(
            "Multiply the scores by a scale S of your own instead of dividing them by √d_k (T5, for one, "
            "uses S = 1). Choosing a scale un-ticks “Skip the ÷√d_k scaling”: the two are one choice."))
        self.value.setToolTip(self.tr("The scale S: a number above 0 up to {0:g}.").format(limits.MAX_SCALE))
        self._refresh()

    def _own_toggled(self, own: bool) -> None:
        if not own:
            self.push(scale=None)
            return
        value = typed_number(self.value.text()) if self.value.text().strip() else self.model.parameters.scale_factor
        self._choose(value)

    def _value_typed(self) -> None:
        value = typed_number(self.value.text())
        if self.own.isChecked() and (value != self.model.parameters.scale or self.has_error()):
            self._choose(value)

    def _choose(self, value) -> None:
        changes = {"scale": value}
        if self.model.parameters.skip_scaling:
            changes["skip_scaling"] = False  # a scale of one's own and skipping the scaling exclude each other
        self.push(**changes)

    def echo(self) -> None:
        parameters = self.model.parameters
        refused = self.has_error()
        if not refused:
            self.own.setChecked(parameters.scale is not None)
            if parameters.scale is not None:
                self.value.setText(f"{parameters.scale:g}")
        self.value.setEnabled(self.own.isChecked())
        self.value.setPlaceholderText(f"{parameters.scale_factor:.4g}")


class PrecisionChoice(VariantControl):
    """The precision of the whole pass: float64 (the reference), float32 or float16."""

    names = ("precision",)

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(model, parent)
        self.editor = QComboBox(self)
        for precision in PRECISIONS:
            self.editor.addItem(precision, precision)
        self.editor.currentIndexChanged.connect(lambda index: self.push(precision=self.editor.itemData(index)))
        self._layout(self.editor)
        self.retranslate()

    def retranslate(self) -> None:
        names = {"float64": self.tr("float64 (reference)"), "float32": self.tr("float32 (about 7 digits)"),
                 "float16": self.tr("float16 (about 3 digits, ±65504)")}
        for index in range(self.editor.count()):
            self.editor.setItemText(index, names[self.editor.itemData(index)])
        self.editor.setToolTip(self.tr(
            "Compute every step in this precision. float16 rounds to about 3 digits and overflows past 65504: "
            "unscaled or large scores become ±∞ and softmax then gives NaN, drawn hatched in the panels."))
        self._refresh()

    def echo(self) -> None:
        self.editor.setCurrentIndex(self.editor.findData(self.model.parameters.precision))
