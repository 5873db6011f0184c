"""The parameter controls: one small class per control.

Each control pushes the person's edits to the model and echoes the model's
state back under a QSignalBlocker (no feedback loops). A refused value
stays in the box, in red, with its reason under the control; the panels
keep the last valid computation meanwhile.

When an edit is handed to the model (commits): a spin box on Enter, when
the focus leaves it, at once for the arrow keys, Page Up/Down and the wheel,
and after a pause in typing (typing 4096 computes 4096, not 4, 40 and 409
first); the sentence after a pause in typing, on Enter or when the focus
leaves it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from attention_stepper.core import limits
from attention_stepper.core.parameters import Parameters
from attention_stepper.core.tokenize import TOKENIZERS, jieba_available

from .i18n import Retranslating
from .model import AttentionModel, Change
from .number_box import WholeNumberEditor
from .weights_guard import keeps_loaded_weights

#: How long typing must pause before the sentence is recomputed.
TYPING_DEBOUNCE_MS = 250
#: How long typing in a number box must pause before the number is committed (Enter commits at once).
NUMBER_PAUSE_MS = 600
#: The text colour of a value the model refused.
REFUSED_STYLE = "color: #c62828;"


class ErrorLabel(QLabel):
    """A red, word-wrapped message under a control; hidden when there is nothing to say."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("color: #c62828;")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))


class _ParameterControl(Retranslating, QWidget):
    """Base: a control bound to one model parameter, with its error label below."""

    name = ""

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.error_label = ErrorLabel(self)
        model.changed.connect(self._model_changed)
        model.errorChanged.connect(self._on_error)

    def _layout(self, editor: QWidget) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        layout.addWidget(self.error_label)

    def _model_changed(self, change: Change) -> None:
        if change.parameters:
            self._echo()

    def _on_error(self, name: str, message: str) -> None:
        if name == self.name:
            self.error_label.show_message(message)
            self._mark_refused(bool(message))

    def _mark_refused(self, refused: bool) -> None:
        """Show the editor's value in red while the model refuses it (controls with typed text do)."""

    def retranslate(self) -> None:
        """Set every text again in the current language (called at start and on LanguageChange)."""

    def _echo(self) -> None:
        raise NotImplementedError


class SentenceEdit(_ParameterControl):
    """The sentence; recomputes once typing pauses, at once on Enter, or when the focus leaves the box."""

    name = "sentence"
    #: Emitted when the debounced text has been handed to the model.
    submitted = Signal()

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(model, parent)
        self.editor = QLineEdit(model.parameters.sentence, self)
        # QLineEdit would cut a longer text at 32,767 characters without a word. One character past the
        # core's limit lets an over-long text through to the model, which refuses it with the reason
        # under the box; a paste the box cuts is reported (_on_input_rejected). A larger maximum would
        # not do: Qt takes time quadratic in it to cut a paste (7 s at 200,000 characters).
        self.editor.setMaxLength(limits.MAX_SENTENCE_CHARACTERS + 1)
        self.editor.inputRejected.connect(self._on_input_rejected)
        self.editor.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_DEBOUNCE_MS)
        self._timer.timeout.connect(self.submit)
        self.editor.textEdited.connect(lambda _text: self._timer.start())
        self.editor.returnPressed.connect(self.submit)
        self.editor.editingFinished.connect(self._focus_left)
        self._layout(self.editor)
        self.retranslate()

    def retranslate(self) -> None:
        self.editor.setPlaceholderText(self.tr("Type a sentence, e.g. 我 爱 机器 学习 or 猫吃鱼"))
        self.editor.setToolTip(self.tr(
            "The text to attend over. Words are split at spaces; Chinese typed without any spaces "
            "is split into single characters. At most {0} tokens.").format(limits.MAX_TOKENS))

    def submit(self) -> None:
        self._timer.stop()
        self.model.set_parameter("sentence", self.editor.text())
        self.submitted.emit()

    def _focus_left(self) -> None:
        """Leaving the box (or Enter, already handled) commits what is still waiting for the pause."""
        if self._timer.isActive():
            self.submit()

    def _on_input_rejected(self) -> None:
        """The box took only its maximum of a paste (or refused a key there): never cut silently.

        The model then refuses the text as too long. Only a text typed
        decomposed (e + ◌́) can be cut and still be short enough once
        composed; then the label says what was left out.
        """
        self.submit()
        if self.name not in self.model.errors:
            self.error_label.show_message(self.tr(
                "The sentence box holds at most {0} characters; the rest was not taken.").format(
                self.editor.maxLength()))

    def _mark_refused(self, refused: bool) -> None:
        self.editor.setStyleSheet(REFUSED_STYLE if refused else "")

    def _echo(self) -> None:
        if self._timer.isActive() or self.name in self.model.errors:
            return  # the person is typing or fixing a refused text: don't overwrite it
        if self.editor.text() != self.model.parameters.sentence:
            with QSignalBlocker(self.editor):
                self.editor.setText(self.model.parameters.sentence)


class NumberSpinBox(_ParameterControl):
    """A whole-number parameter (heads, d_model, d_k, seed); the core decides what is allowed."""

    def __init__(self, model: AttentionModel, name: str, parent=None):
        super().__init__(model, parent)
        self.name = name
        self.editor = WholeNumberEditor(limits.RANGES[name], self)
        self.editor.setAccelerated(True)
        self.editor.setValue(getattr(model.parameters, name))
        self._pause = _typing_pause(self, self.editor)
        self.editor.valueChanged.connect(self._commit)
        self._layout(self.editor)

    def set_description(self, description: str) -> None:
        """The tooltip: what the number means, then its allowed range (from core/limits.py)."""
        low, high = limits.RANGES[self.name]
        self.editor.setToolTip(f"{description}\n" + self.tr("Allowed: {0} to {1}.").format(low, high))

    def _commit(self, value: int) -> None:
        self._pause.stop()
        if keeps_loaded_weights(self, self.model, {self.name: value}):  # asked, and Cancel: the model's value back
            with QSignalBlocker(self.editor):
                self.editor.setValue(getattr(self.model.parameters, self.name))
            return
        self.model.set_parameter(self.name, value)

    def _mark_refused(self, refused: bool) -> None:
        self.editor.lineEdit().setStyleSheet(REFUSED_STYLE if refused else "")

    def _echo(self) -> None:
        value = getattr(self.model.parameters, self.name)
        if self.editor.value() != value and self.name not in self.model.errors and not self._pause.isActive():
            with QSignalBlocker(self.editor):
                self.editor.setValue(value)


def _typing_pause(control: _ParameterControl, editor: WholeNumberEditor) -> QTimer:
    """A timer that commits what was typed into ``editor`` once typing pauses for NUMBER_PAUSE_MS."""
    timer = QTimer(control)
    timer.setSingleShot(True)
    timer.setInterval(NUMBER_PAUSE_MS)
    timer.timeout.connect(editor.commit_typed)

    def typed(_text: str) -> None:
        timer.start()
        control.error_label.show_message(control.model.errors.get(control.name, ""))  # a key was taken

    editor.lineEdit().textEdited.connect(typed)
    editor.lineEdit().inputRejected.connect(lambda: control.error_label.show_message(QCoreApplication.translate(
        "NumberSpinBox", "{0} takes whole numbers from {1} to {2} (digits 0–9); that key was not taken.").format(
        control.name, *editor.allowed)))
    return timer


class ValueDimControl(_ParameterControl):
    """d_v: follows d_k while "= d_k" is ticked, its own value otherwise."""

    name = "d_v"

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(model, parent)
        self.editor = WholeNumberEditor(limits.RANGES["d_v"], self)
        self.linked = QCheckBox("= d_k", self)
        row = QWidget(self)
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.editor, 1)
        row_layout.addWidget(self.linked)
        self._layout(row)
        self._pause = _typing_pause(self, self.editor)
        self._echo()
        self.retranslate()
        self.editor.valueChanged.connect(self._value_changed)
        self.linked.toggled.connect(self._link_toggled)

    def retranslate(self) -> None:
        low, high = limits.RANGES["d_v"]
        self.editor.setToolTip(self.tr("Width of the value vectors (and of each head's output).") + "\n"
                               + self.tr("Allowed: {0} to {1}.").format(low, high))
        self.linked.setToolTip(self.tr("Keep d_v equal to d_k, as in most Transformers"))

    def _value_changed(self, value: int) -> None:
        self._pause.stop()
        if not self.linked.isChecked():
            self._hand_over(value)

    def _link_toggled(self, linked: bool) -> None:
        self.editor.setEnabled(not linked)
        self._hand_over(None if linked else self.editor.value())

    def _hand_over(self, d_v: int | None) -> None:
        if keeps_loaded_weights(self, self.model, {"d_v": d_v}):  # asked, and Cancel: the model's value back
            with QSignalBlocker(self.editor), QSignalBlocker(self.linked):
                self.linked.setChecked(self.model.parameters.d_v is None)
                self.editor.setEnabled(self.model.parameters.d_v is not None)
                self.editor.setValue(self.model.parameters.value_dim)
            return
        self.model.set_parameter("d_v", d_v)

    def _mark_refused(self, refused: bool) -> None:
        self.editor.lineEdit().setStyleSheet(REFUSED_STYLE if refused else "")

    def _echo(self) -> None:
        parameters = self.model.parameters
        with QSignalBlocker(self.editor), QSignalBlocker(self.linked):
            self.linked.setChecked(parameters.d_v is None)
            self.editor.setEnabled(parameters.d_v is not None)
            if "d_v" not in self.model.errors and not self._pause.isActive():
                self.editor.setValue(parameters.value_dim)


class FlagCheckBox(_ParameterControl):
    """A yes/no parameter (causal mask, positional encoding)."""

    def __init__(self, model: AttentionModel, name: str, parent=None):
        super().__init__(model, parent)
        self.name = name
        self.editor = QCheckBox(self)
        self.editor.setChecked(getattr(model.parameters, name))
        self.editor.toggled.connect(lambda checked: self.model.set_parameter(self.name, checked))
        self._layout(self.editor)

    def _echo(self) -> None:
        value = getattr(self.model.parameters, self.name)
        if self.editor.isChecked() != value:
            with QSignalBlocker(self.editor):
                self.editor.setChecked(value)


class TokenizerChoice(_ParameterControl):
    """How the sentence is split: at white space, into characters, or by jieba word segmentation.

    jieba is optional; without it its entry is shown disabled with the install hint.
    """

    name = "tokenizer"

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(model, parent)
        self.editor = QComboBox(self)
        # The entries are long ("Characters (one per CJK character)"): the list opens wide, the box stays narrow.
        self.editor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.editor.setMinimumContentsLength(14)
        for mode in TOKENIZERS:
            self.editor.addItem(mode, mode)
        self.jieba_installed = jieba_available()
        if not self.jieba_installed:
            self.editor.model().item(TOKENIZERS.index("jieba")).setEnabled(False)
        self.editor.currentIndexChanged.connect(
            lambda index: self.model.set_parameter("tokenizer", self.editor.itemData(index)))
        self._layout(self.editor)
        self._echo()
        self.retranslate()

    def retranslate(self) -> None:
        names = {
            "whitespace": self.tr("White space (default)"),
            "characters": self.tr("Characters (one per CJK character)"),
            "jieba": self.tr("Chinese words (jieba)"),
        }
        hint = self.tr("Install the optional package: pip install attention-stepper[zh]")
        for index, mode in enumerate(TOKENIZERS):
            text = names[mode]
            if mode == "jieba" and not self.jieba_installed:
                text = self.tr("{0} (not installed)").format(text)
                self.editor.setItemData(index, hint, Qt.ItemDataRole.ToolTipRole)
            self.editor.setItemText(index, text)
        self.editor.view().setMinimumWidth(self.editor.view().sizeHintForColumn(0) + 8)  # the open list: whole
        tip = self.tr("How the sentence is split into tokens. jieba segments Chinese into words, so 我爱机器学习 "
                      "becomes 我 / 爱 / 机器 / 学习 without typing spaces.")
        if not self.jieba_installed:
            tip += "\n" + hint
        self.editor.setToolTip(tip)

    def _echo(self) -> None:
        index = self.editor.findData(self.model.parameters.tokenizer)
        if index != self.editor.currentIndex() and self.name not in self.model.errors:
            with QSignalBlocker(self.editor):
                self.editor.setCurrentIndex(index)


class ControlsPanel(Retranslating, QWidget):
    """All parameter controls in a form, top to bottom in the order the computation uses them."""

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.sentence = SentenceEdit(model, self)
        self.tokenizer = TokenizerChoice(model, self)
        self.heads = NumberSpinBox(model, "heads", self)
        self.d_model = NumberSpinBox(model, "d_model", self)
        self.d_k = NumberSpinBox(model, "d_k", self)
        self.d_v = ValueDimControl(model, self)
        self.seed = NumberSpinBox(model, "seed", self)
        self.causal = FlagCheckBox(model, "causal", self)
        self.positional_encoding = FlagCheckBox(model, "positional_encoding", self)
        self.skip_scaling = FlagCheckBox(model, "skip_scaling", self)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels: dict[str, QLabel] = {}
        for name in ("sentence", "tokenizer", "heads", "d_model", "d_k", "d_v", "seed"):
            control = getattr(self, name)
            label = QLabel(self)
            label.setBuddy(control.editor)
            self.labels[name] = label
            form.addRow(label, control)
        form.addRow("", self.causal)
        form.addRow("", self.positional_encoding)
        form.addRow("", self.skip_scaling)
        from .variants_group import VariantsGroup  # it builds on this module's ErrorLabel

        self.variants = VariantsGroup(model, self)
        form.addRow(self.variants)
        self.retranslate()

    def retranslate(self) -> None:
        defaults = Parameters()
        self.labels["sentence"].setText(self.tr("&Sentence"))
        self.labels["tokenizer"].setText(self.tr("&Tokens"))
        self.labels["heads"].setText(self.tr("&Heads h"))
        self.labels["d_model"].setText("d_&model")
        self.labels["d_k"].setText("d_&k")
        self.labels["d_v"].setText("d_&v")
        self.labels["seed"].setText(self.tr("S&eed"))
        self.heads.set_description(self.tr(
            "Number of attention heads h. Each head has its own W_Q, W_K and W_V (default {0}).").format(defaults.heads))
        self.d_model.set_description(self.tr(
            "Width of each word vector: the columns of X and of the output (default {0}).").format(defaults.d_model))
        self.d_k.set_description(self.tr(
            "Width of queries and keys; the scores are divided by √d_k (default {0}). "
            "Free: not tied to d_model / h.").format(defaults.d_k))
        self.seed.set_description(self.tr("Seed of the random word vectors and weights: same seed, same numbers."))
        self.causal.editor.setText(self.tr("Causal mask"))
        self.causal.editor.setToolTip(self.tr(
            "Hide later tokens: each token attends only to itself and earlier tokens (as in GPT)."))
        self.positional_encoding.editor.setText(self.tr("Positional encoding"))
        self.positional_encoding.editor.setToolTip(self.tr(
            "Add the sinusoidal position pattern to X, so that word order matters."))
        self.skip_scaling.editor.setText(self.tr("Skip the ÷√d_k scaling"))
        self.skip_scaling.editor.setToolTip(self.tr(
            "An experiment: leave the scores unscaled and watch softmax saturate as d_k grows "
            "(see the scaling lab). Export records it in the manifest."))
        # Qt tells this panel of a language change before its children, so bring the
        # controls' own tooltips up to date before the labels copy them.
        self.sentence.retranslate()
        self.tokenizer.retranslate()
        self.d_v.retranslate()
        for name, label in self.labels.items():
            label.setToolTip(getattr(self, name).editor.toolTip())
