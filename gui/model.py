"""The app's model: a QObject around the core's Stepper.

Widgets read from it and listen to ONE signal, ``changed(Change)``, emitted
once per user action after all state has settled, saying what changed; user
edits come back through its setters. It does no arithmetic: every number
comes from the core. A setter given an invalid value reports the reason for
that parameter (``errorChanged``) and keeps the last valid computation, so
the panels never go blank while a person is halfway through typing.

Where the computing happens: a change is planned (checked) here, on the GUI
thread, at once, so a refusal is immediate. A plan the core estimates to
compute within :data:`IMMEDIATE_SECONDS` (the default sizes and anything
near them, far below one frame) is computed right away as well, so small
changes show in the same event as the key press. Anything larger, which a
person can make as slow as they like, goes to the worker thread
(gui/worker.py); the panels keep the last result until the newest change's
arrives, and a change made meanwhile supersedes the one being computed,
whose result is dropped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal

from attention_stepper.core.computation import Computation
from attention_stepper.core.lesson import Step
from attention_stepper.core.parameters import Parameters
from attention_stepper.core.stepper import Plan, Stepper
from attention_stepper.core.weights import Weights

from .worker import ComputeWorker

#: Plans estimated (``Plan.estimated_seconds``) to compute within this many seconds are computed on the
#: GUI thread: the thread hand-over would cost more than they do, and they show in the same event.
IMMEDIATE_SECONDS = 0.002

#: The message for a computation that ran out of memory (the core's limits make it rare).
_NO_MEMORY = "not enough memory for these sizes"


@dataclass(frozen=True)
class Change:
    """What one notification says changed; a view redraws only what depends on it.

    ``parameters``: a parameter's value (what the controls show).
    ``computation``: the computation: its matrices, tokens, steps (a parameter, weights, a typed cell).
    ``step``: the current step (another one, or the same at another place in the steps).
    ``head``: the head shown large (or all heads).
    """

    parameters: bool = False
    computation: bool = False
    step: bool = False
    head: bool = False

    def __bool__(self) -> bool:
        return self.parameters or self.computation or self.step or self.head


#: Every part at once (a view's first drawing, or a test's).
EVERYTHING = Change(parameters=True, computation=True, step=True, head=True)

_KEEP = object()  # "keep the head as it is" (a session gives one)


@dataclass(frozen=True)
class _Pending:
    """The newest change, on the worker: its ticket, plan, the names to report a failure under, the head after."""

    ticket: int
    plan: Plan
    names: tuple[str, ...]
    head: object = _KEEP


class AttentionModel(QObject):
    #: Something changed (a :class:`Change` says what), once per user action, after all state settled.
    changed = Signal(object)
    #: A parameter's value was refused (name, message) or accepted again (name, ""); also "cell", "weights".
    errorChanged = Signal(str, str)
    #: A computation started (True) or ended (False) on the worker; the step bar shows when one takes long.
    busyChanged = Signal(bool)

    def __init__(self, parameters: Parameters | None = None, weights: Weights | None = None, parent=None):
        super().__init__(parent)
        self._stepper = Stepper(parameters, weights)
        self._head: int | None = None  # None: all heads
        self._errors: dict[str, str] = {}
        self._pending: _Pending | None = None
        #: The seam: what turns a plan into its computation, on either thread (tests inject a slow one).
        self.compute_plan: Callable[[Plan], Computation] = Plan.compute
        #: Plans estimated within this many seconds are computed at once (see the module docstring).
        self.immediate_seconds: float = IMMEDIATE_SECONDS
        self.worker = ComputeWorker(self)
        self.worker.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self.worker.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)

    # --- reading ---------------------------------------------------------------
    @property
    def computation(self) -> Computation:
        """The computation shown (the newest change's once its result has arrived)."""
        return self._stepper.computation

    @property
    def parameters(self) -> Parameters:
        """The parameters of the computation shown."""
        return self._stepper.parameters

    @property
    def requested_parameters(self) -> Parameters:
        """The parameters asked for last: those of the computation on the worker, else the shown ones."""
        return self.parameters if self._pending is None else self._pending.plan.parameters

    @property
    def busy(self) -> bool:
        """Whether a computation is running on the worker whose result will be shown."""
        return self._pending is not None

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
        """Change parameters; False (and the reason under each control) if refused.

        True means accepted: shown already, or computing on the worker.
        """
        requested = self.requested_parameters
        if all(getattr(requested, name) == value for name, value in changes.items()):
            self._clear_errors(changes)
            return True
        try:
            plan = self._stepper.plan(self._after(), **changes)
        except (ValueError, MemoryError) as error:
            self._report(tuple(changes), _message(error))
            return False
        self._clear_errors(changes)
        self._start(plan, tuple(changes))
        return True

    def set_weights(self, weights: Weights | None) -> None:
        """Use these weights (None: back to the seeded ones); ValueError if they cannot be used."""
        self._start(self._stepper.plan_weights(weights, self._after()), ("weights",))

    def set_cell(self, key: str, head: int | None, row: int, column: int, value) -> bool:
        """Type ``value`` into a cell of X (``"embed"``) or a W matrix (see ``Stepper.set_cell``).

        A refused cell or value is reported as ``errorChanged("cell", message)``
        and changes nothing; the next accepted one clears it.
        """
        try:
            plan = self._stepper.plan_cell(key, head, row, column, value, self._after())
        except ValueError as error:
            self._report(("cell",), str(error))
            return False
        self._clear_errors(("cell",))
        self._start(plan, ("cell",))
        return True

    def restore_session(self, session) -> None:
        """Take everything from an opened session (core.session.Session): parameters, weights, edits, step, head.

        ValueError (from the core) leaves the model as it was.
        """
        plan = self._stepper.plan_restore(session.parameters, session.weights, session.edits, session.step)
        for name in list(self._errors):
            self._clear_errors((name,))
        head = session.head if session.head is not None and session.head < plan.parameters.heads else None
        self._start(plan, ("session",), head)

    def reset_edits(self) -> None:
        """Return every typed-over cell to its seeded (or loaded) value."""
        plan = self._stepper.plan_reset_edits(self._after())
        self._clear_errors(("cell",))
        if plan is not None:
            self._start(plan, ("cell",))

    def estimated_seconds(self, **changes) -> float:
        """The core's estimate for computing the requested state with ``changes``; ValueError if refused.

        Views that compute more from the same sizes (the scaling lab) use it to
        decide between computing at once and on their own worker.
        """
        return self._stepper.plan(self._after(), **changes).estimated_seconds()

    def computes_at_once(self, seconds: float) -> bool:
        """Whether work estimated at ``seconds`` is done on the GUI thread (see the module docstring)."""
        return seconds <= self.immediate_seconds or self.worker.closed

    def close(self) -> None:
        """Drop the computation in progress and take no more to the worker (the window is closing).

        Returns at once; the running computation ends on its own and its result
        is dropped. Changes after this are computed on the caller's thread.
        """
        busy = self.busy
        self._pending = None
        self.worker.close()
        if busy:
            self.busyChanged.emit(False)

    # --- computing: here, or on the worker -----------------------------------------
    def _after(self) -> Plan | None:
        """The plan a new change builds on: the one still computing, if any."""
        return None if self._pending is None else self._pending.plan

    def _start(self, plan: Plan, names: tuple[str, ...], head=_KEEP) -> None:
        previous = self._pending
        if previous is not None:  # the new plan includes the earlier one's changes: keep reporting under them
            names = tuple(dict.fromkeys(previous.names + names))
            head = previous.head if head is _KEEP else head
        if self.computes_at_once(plan.estimated_seconds()):
            self.worker.supersede()
            self._pending = None
            try:
                computation = self.compute_plan(plan)
            except (ValueError, MemoryError) as error:
                self._report(names, _message(error))
            else:
                self._accept(plan, computation, head)
            if previous is not None:
                self.busyChanged.emit(False)
            return
        self._pending = _Pending(self.worker.submit(functools.partial(self.compute_plan, plan)), plan, names, head)
        if previous is None:
            self.busyChanged.emit(True)

    def _finished(self, ticket: int, computation: Computation) -> None:
        pending = self._pending
        if pending is None or ticket != pending.ticket:
            return  # superseded: a newer change's result is coming (or came) instead
        self._pending = None
        self._accept(pending.plan, computation, pending.head)
        self.busyChanged.emit(False)

    def _failed(self, ticket: int, error: BaseException) -> None:
        pending = self._pending
        if pending is None or ticket != pending.ticket:
            return
        self._pending = None
        self.busyChanged.emit(False)
        if not isinstance(error, (ValueError, MemoryError)):
            raise error  # a bug: to the application's exception hook, as on the GUI thread
        self._report(pending.names, _message(error))

    def _accept(self, plan: Plan, computation: Computation, head) -> None:
        """Show the computed plan, then tell every view once what changed."""
        parameters, step, index, shown_head = self.parameters, self.step.key, self.step_index, self._head
        self._stepper.accept(computation, plan)
        if head is not _KEEP:
            self._head = head
        elif self._head is not None and self._head >= self.parameters.heads:
            self._head = self.parameters.heads - 1
        self.changed.emit(Change(parameters=self.parameters != parameters, computation=True,
                                 step=(self.step.key, self.step_index) != (step, index),
                                 head=self._head != shown_head))

    def _report(self, names, message: str) -> None:
        for name in names:
            self._errors[name] = message
            self.errorChanged.emit(name, message)

    def _clear_errors(self, names) -> None:
        for name in names:
            if self._errors.pop(name, None) is not None:
                self.errorChanged.emit(name, "")

    # --- moving ------------------------------------------------------------------
    def _moved(self, moved: bool = True) -> bool:
        if moved:
            self.changed.emit(Change(step=True))
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
            self.changed.emit(Change(head=True))


def _message(error: BaseException) -> str:
    return str(error) if isinstance(error, ValueError) else _NO_MEMORY
