"""The "Variants" section of the left panel: a preset, then one control per option; collapsed by default.

It opens by itself when one of its controls has a refused value to show,
so the reason is never hidden in a closed section.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from .controls import ErrorLabel
from .i18n import Retranslating
from .model import AttentionModel, Change
from .presets import PRESETS, apply_preset, matching_preset, preset_name, preset_tooltip
from .variant_controls import (
    FlagChoice,
    KvHeadsChoice,
    MemoryEdit,
    PrecisionChoice,
    RopeChoice,
    ScaleChoice,
    VariantControl,
    WindowChoice,
)


class PresetChoice(Retranslating, QWidget):
    """A combo box of the presets; it shows the one the parameters match ("your own settings" otherwise)."""

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.editor = QComboBox(self)
        self.editor.addItem("", None)
        for preset in PRESETS:
            self.editor.addItem("", preset.key)
        self.editor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.editor.setMinimumContentsLength(8)
        self.error_label = ErrorLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.editor)
        layout.addWidget(self.error_label)
        self.editor.activated.connect(self._chosen)
        self._connect_model()
        self.retranslate()

    def _connect_model(self) -> None:
        """The one place the model's notifications arrive."""
        self.model.changed.connect(self._model_changed)

    def _model_changed(self, change: Change) -> None:
        if change.parameters:
            self._refresh()

    def _chosen(self, index: int) -> None:
        key = self.editor.itemData(index)
        if key is None:
            self._refresh()
            return
        message = apply_preset(self.model, key, self)
        self.error_label.show_message(message)
        if message:
            self._refresh()  # back to what the parameters are

    def _refresh(self) -> None:
        found = matching_preset(self.model.parameters)
        with QSignalBlocker(self.editor):
            self.editor.setCurrentIndex(self.editor.findData(None if found is None else found.key))

    def retranslate(self) -> None:
        self.editor.setItemText(0, self.tr("(your own settings)"))
        self.editor.setItemData(0, self.tr("The options as you set them: no preset has exactly these."),
                                Qt.ItemDataRole.ToolTipRole)
        for index in range(1, self.editor.count()):
            key = self.editor.itemData(index)
            self.editor.setItemText(index, preset_name(key))
            self.editor.setItemData(index, preset_tooltip(key), Qt.ItemDataRole.ToolTipRole)
        self.editor.setToolTip(self.tr(
            "Set the options a well-known model uses, all at once; the list shows which one the options match. "
            "Hover an entry to see what it sets."))


class VariantsGroup(Retranslating, QWidget):
    """A header button that opens and closes the section, and the form of the variant controls below it."""

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.header = QToolButton(self)
        self.header.setCheckable(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.header.setStyleSheet("QToolButton { border: none; font-weight: bold; text-align: left; }")
        self.header.toggled.connect(self.set_expanded)
        self.body = QWidget(self)
        self.preset = PresetChoice(model, self.body)
        self.kv_heads = KvHeadsChoice(model, self.body)
        self.bias = FlagChoice(model, "bias", self.body)
        self.rope = RopeChoice(model, self.body)
        self.alibi = FlagChoice(model, "alibi", self.body)
        self.window = WindowChoice(model, self.body)
        self.memory = MemoryEdit(model, self.body)
        self.scale = ScaleChoice(model, self.body)
        self.precision = PrecisionChoice(model, self.body)
        form = QFormLayout(self.body)
        form.setContentsMargins(8, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels: dict[str, QLabel] = {}
        for name in ("preset", "kv_heads", "bias", "rope", "alibi", "window", "memory", "scale", "precision"):
            control = getattr(self, name)
            if name in ("bias", "alibi"):
                form.addRow(control)  # across both columns: the check box's text is its label
                continue
            label = QLabel(self.body)
            label.setBuddy(control.editor if hasattr(control, "editor") else control.own)
            self.labels[name] = label
            form.addRow(label, control)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.body)
        model.errorChanged.connect(self._open_on_error)
        self.set_expanded(False)
        self.retranslate()

    def controls(self) -> list[VariantControl]:
        return [control for control in self.body.findChildren(VariantControl)]

    def is_expanded(self) -> bool:
        return not self.body.isHidden()

    def set_expanded(self, expanded: bool) -> None:
        with QSignalBlocker(self.header):
            self.header.setChecked(expanded)
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)

    def _open_on_error(self, name: str, message: str) -> None:
        if message and any(name in control.names for control in self.controls()):
            self.set_expanded(True)

    def retranslate(self) -> None:
        self.header.setText(self.tr("Variants"))
        self.header.setToolTip(self.tr(
            "What modern models add to the 2017 attention: shared key/value heads, biases, rotary positions, "
            "ALiBi, a sliding window, cross-attention, the scale and the precision."))
        self.labels["preset"].setText(self.tr("&Preset"))
        self.labels["kv_heads"].setText(self.tr("K/V heads"))
        self.labels["rope"].setText("RoPE")
        self.labels["window"].setText(self.tr("&Window"))
        self.labels["memory"].setText(self.tr("Mem&ory"))
        self.labels["scale"].setText(self.tr("Scale"))
        self.labels["precision"].setText(self.tr("P&recision"))
        self.bias.editor.setText(self.tr("Biases b_Q, b_K, b_V, b_O"))
        self.bias.editor.setToolTip(self.tr(
            "Add a bias to each projection: Q = X W_Q + b_Q, …, output = concat · W_O + b_O (GPT-2, BERT, "
            "BLOOM). Choose one head to see and edit them."))
        self.alibi.editor.setText(self.tr("ALiBi distance penalty"))
        self.alibi.editor.setToolTip(self.tr(
            "Subtract m·|t − s| from each head's scores, a slope m of its own per head (BLOOM, MPT): "
            "no position is added to the vectors."))
        for control in self.controls():
            control.retranslate()
        self.preset.retranslate()
        for name, label in self.labels.items():
            control = getattr(self, name)
            editor = control.editor if hasattr(control, "editor") else control.own
            label.setToolTip(editor.toolTip())
