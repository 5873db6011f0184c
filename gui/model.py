"""The app's model: a QObject around the core's Stepper.

Widgets read from it and listen to its signals; user edits come back
through its setters. It does no arithmetic: every number comes from the
core. A setter given an invalid value reports the reason for that
parameter (``errorChanged``) and keeps the last valid computation, so the
panels never go blank while a person is halfway through typing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from attention_stepper.core.computation import Computation
from attention_stepper.core.lesson import Step
from attention_stepper.core.parameters import Parameters
from attention_stepper.core.stepper import Stepper
from attention_stepper.core.weights import Weights


class AttentionModel(QObject):
    #: The computation changed (a parameter or the weights).
    changed = Signal()
    #: The current step changed (also emitted after ``changed`` if the step index moved).
    stepChanged = Signal()
    #: The shown head changed: 0-based index, or -1 for all heads side by side.
    headChanged = Signal(int)
    #: A parameter's value was refused (name, message) or accepted again (name, "").
    errorChanged = Signal(str, str)

    def __init__(self, parameters: Parameters | None = None, weights: Weights | None = None, parent=None):
        super().__init__(parent)
        self._stepper = Stepper(parameters, weights)
        self._head: int | None = None  # None: all heads
        self._errors: dict[str, str] = {}

    # --- reading ---------------------------------------------------------------
    @property
    def computation(self) -> Computation:
        return self._stepper.computation

    @property
    def parameters(self) -> Parameters:
        return self._stepper.parameters

    @property
    def steps(self) -> tuple[Step, ...]:
        return self._stepper.steps

    @property
    def step(self) -> Step:
        return self._stepper.step

    @property
    def step_index(self) -> int:
        return self._stepper.index

    @property
    def head(self) -> int | None:
        """The head shown large (0-based), or None when all heads are shown."""
        return self._head

    @property
    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    @property
    def has_custom_weights(self) -> bool:
        return self._stepper.has_custom_weights

    @property
    def custom_weights(self):
        """Loaded weights before edits (core Weights), or None when they are the seeded ones."""
        return self._stepper.custom_weights

    @property
    def edits(self):
        """The typed-over cells (core Edits)."""
        return self._stepper.edits

    # --- changing the computation ------------------------------------------------
    def set_parameter(self, name: str, value) -> bool:
        """Set one parameter; on a bad value report it via ``errorChanged`` and keep the old state."""
        return self.set_parameters(**{name: value})

    def set_parameters(self, **changes) -> bool:
        if all(getattr(self.parameters, name) == value for name, value in changes.items()):
            self._clear_errors(changes)
            return True
        index = self._stepper.index
        try:
            self._stepper.set(**changes)
        except (ValueError, MemoryError) as error:
            message = str(error) if isinstance(error, ValueError) else "not enough memory for these sizes"
            for name in changes:
                self._errors[name] = message
                self.errorChanged.emit(name, message)
            return False
        self._clear_errors(changes)
        if self._head is not None and self._head >= self.parameters.heads:
            self._head = self.parameters.heads - 1
            self.headChanged.emit(self._head)
        self.changed.emit()
        if self._stepper.index != index:
            self.stepChanged.emit()
        return True

    def set_weights(self, weights: Weights | None) -> None:
        """Use these weights (None: back to the seeded ones)."""
        self._stepper.set_weights(weights)
        self.changed.emit()

    def set_cell(self, key: str, head: int | None, row: int, column: int, value) -> bool:
        """Type ``value`` into a cell of X (``"embed"``) or a W matrix (see ``Stepper.set_cell``).

        A refused cell or value is reported as ``errorChanged("cell", message)``
        and changes nothing; the next accepted one clears it.
        """
        try:
            self._stepper.set_cell(key, head, row, column, value)
        except ValueError as error:
            self._errors["cell"] = str(error)
            self.errorChanged.emit("cell", str(error))
            return False
        self._clear_errors(("cell",))
        self.changed.emit()
        return True

    def restore_session(self, session) -> None:
        """Take everything from an opened session (core.session.Session): parameters, weights, edits, step, head.

        ValueError (from the core) leaves the model as it was.
        """
        self._stepper.restore(session.parameters, session.weights, session.edits, session.step)
        for name in list(self._errors):
            self._clear_errors((name,))
        self._head = session.head if session.head is not None and session.head < self.parameters.heads else None
        self.changed.emit()
        self.stepChanged.emit()
        self.headChanged.emit(-1 if self._head is None else self._head)

    def reset_edits(self) -> None:
        """Return every typed-over cell to its seeded (or loaded) value."""
        had_edits = bool(self._stepper.edits)
        self._stepper.reset_edits()
        self._clear_errors(("cell",))
        if had_edits:
            self.changed.emit()

    def _clear_errors(self, names) -> None:
        for name in names:
            if self._errors.pop(name, None) is not None:
                self.errorChanged.emit(name, "")

    # --- moving ------------------------------------------------------------------
    def _moved(self, moved: bool = True) -> bool:
        if moved:
            self.stepChanged.emit()
        return moved

    def next(self) -> bool:
        return self._moved(self._stepper.next())

    def previous(self) -> bool:
        return self._moved(self._stepper.previous())

    def first(self) -> bool:
        return self.go_to(0)

    def last(self) -> bool:
        return self.go_to(len(self.steps) - 1)

    def go_to(self, step: str | int) -> bool:
        """Go to a step by key or index; False if it is the current one already."""
        index = self._stepper.index
        self._stepper.go_to(step)
        return self._moved(self._stepper.index != index)

    def set_head(self, head: int | None) -> None:
        """Show one head (0-based) large, or all heads (None)."""
        if head is not None and not 0 <= head < self.parameters.heads:
            raise ValueError(f"head must be from 1 to {self.parameters.heads}; got {head + 1}")
        if head != self._head:
            self._head = head
            self.headChanged.emit(-1 if head is None else head)
