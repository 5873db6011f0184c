"""Which weights the window computes with, said once and always in the status bar.

A teacher who opened a file of weights, then changed a spin box, could not
tell whether the numbers on screen still came from that file. This label
says it: "Weights: seeded (seed 0)", "Weights: my_layer.npz", "Weights:
tiny-qwen2, layer 1", with "+ 3 edited cells" when W cells were typed over.

The name of a loaded file is the GUI's to know, not the core's: whoever
loads weights (gui/exporting.py's File → Open weights…) calls
:meth:`WeightsIndicator.remember` with the Weights object and the file
name. The label names that file while the model's loaded weights are that
very object; loaded weights it was not told about (a session's) are said to
be "loaded".
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from attention_stepper.core.edits import WEIGHT_EDIT_KEYS
from attention_stepper.core.weights import Weights

from .i18n import Retranslating
from .model import AttentionModel, Change


#: File and model names longer than this many characters are shortened with "…" in the label.
MAX_NAME_CHARACTERS = 40
#: The least room the label asks of the status bar, in pixels.
MINIMUM_WIDTH = 120


def _shortened(name: str) -> str:
    return name if len(name) <= MAX_NAME_CHARACTERS else name[: MAX_NAME_CHARACTERS - 1] + "…"


class WeightsIndicator(Retranslating, QLabel):
    """A status-bar label naming the weights in use (seeded, a loaded file, a real model) and their edits."""

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._remembered: tuple[Weights, str] | None = None  # the last loaded weights and their file's name
        # A long file name must not widen the window (a label's minimum is its whole text): it is
        # shortened in the label (whole in the tooltip), and the label may be cut in a narrow window.
        self.setMinimumWidth(MINIMUM_WIDTH)
        model.changed.connect(self._model_changed)
        self.retranslate()

    def remember(self, weights: Weights, name: str) -> None:
        """``weights`` were loaded from a file called ``name``: say so while they are the ones in use."""
        self._remembered = (weights, name)
        self._show()

    def loaded_name(self) -> str | None:
        """The file name of the loaded weights in use, if they came from a file this label was told of."""
        custom = self.model.custom_weights
        if custom is not None and self._remembered is not None and self._remembered[0] is custom:
            return self._remembered[1]
        return None

    def _model_changed(self, change: Change) -> None:
        if change.computation or change.parameters:
            self._show()

    def retranslate(self) -> None:
        self._show()

    def _show(self) -> None:
        parameters = self.model.parameters
        name = self.loaded_name()
        if parameters.checkpoint is not None:
            source = self.tr("{0}, layer {1}").format(_shortened(Path(parameters.checkpoint).name), parameters.layer)
            tip = parameters.checkpoint + "\n" + self.tr(
                "The weights of a real model's layer (File → Reset to random weights goes back)")
        elif self.model.custom_weights is not None:
            source = _shortened(name) if name is not None else self.tr("loaded")
            tip = ("" if name is None else name + "\n") + self.tr(
                "Weights you loaded; changing a size or the seed replaces them with seeded ones (you are asked first)")
        else:
            source = self.tr("seeded (seed {0})").format(parameters.seed)
            tip = self.tr("Random weights drawn from the seed: same seed and sizes, same numbers")
        text = self.tr("Weights: {0}").format(source)
        edited = sum(1 for key, _, _, _ in self.model.edits.cells if key in WEIGHT_EDIT_KEYS)
        if edited:
            text += " " + self.tr("+ {0} edited cells").format(edited)
            tip += "\n" + self.tr("Cells of W matrices you typed over (Edit → Reset edited cells returns them)")
        self.setText(text)
        self.setToolTip(tip)
