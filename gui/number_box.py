"""A spin box for a whole-number parameter that leaves judging the number to the core.

A plain QSpinBox clamps to its range and reverts what it cannot take, so a
person's refused value vanished without a reason; this one keeps it, for the
model to refuse with the reason under the box (see gui/controls.py).
"""

from __future__ import annotations

import re

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QSpinBox

_C_INT = (-2**31, 2**31 - 1)
_WHOLE_NUMBER = re.compile(r"\s*[+-]?[0-9]+\s*")  # ASCII digits only: \d would take ３ and ٣


class WholeNumberEditor(QSpinBox):
    """A spin box that takes any whole number typed and leaves judging it to the core (core/limits.py).

    A plain QSpinBox clamps to its range and reverts what it cannot take: 0
    typed into heads went back to the old value, and 5000 into d_model
    became 500 (the last key was refused). Here the box's own range is that
    of a C int; the arrow keys, Page Up/Down and the wheel stay within the
    parameter's allowed range; a typed number outside it is committed like
    any other and refused by the model, with the reason under the box, where
    the number stays to be corrected. Only ASCII digits are taken. Keyboard
    tracking is off: typing commits nothing until Enter, the focus leaves,
    or :meth:`commit_typed` (the control's typing pause).
    """

    def __init__(self, allowed: tuple[int, int], parent=None):
        super().__init__(parent)
        self.allowed = allowed
        self.setRange(*_C_INT)
        self.setKeyboardTracking(False)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)

    def validate(self, text: str, position: int):  # noqa: D102 (Qt's)
        if not _WHOLE_NUMBER.fullmatch(text):
            return QValidator.State.Intermediate if text.strip() in ("", "-", "+") else QValidator.State.Invalid
        return QValidator.State.Acceptable if _C_INT[0] <= int(text) <= _C_INT[1] else QValidator.State.Invalid

    def fixup(self, text: str) -> str:  # noqa: D102 (Qt's): nothing is corrected behind the person's back
        return text

    def shown_number(self) -> int:
        """The number in the box: the typed one, even before it is committed, else the value."""
        text = self.lineEdit().text()
        return int(text) if self.validate(text, 0) == QValidator.State.Acceptable else self.value()

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt's name)
        """One step from the number shown, kept within the allowed range; one ``valueChanged``."""
        low, high = self.allowed
        self.setValue(min(max(self.shown_number() + steps, low), high))
        self.selectAll()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:  # noqa: N802 (Qt's name)
        low, high = self.allowed
        number = self.shown_number()
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if number < high:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if number > low:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags

    def commit_typed(self) -> None:
        """Hand over a typed number (emits ``valueChanged`` if it differs); half-typed text is left alone."""
        if self.validate(self.lineEdit().text(), 0) == QValidator.State.Acceptable:
            self.interpretText()
