"""The core's computations on a worker thread, newest first.

The GUI thread only plans (checks a change, core/stepper.py) and paints; the
matrix arithmetic of a plan runs here, on one thread of a private
``QThreadPool``. The pure-NumPy core releases the GIL inside its matrix
products and ufuncs, so the event loop keeps answering key presses meanwhile.

Latest wins: every submission gets a higher ticket; a job whose ticket is no
longer the newest when it would start is skipped, and one that finishes
after a newer submission is still delivered with its old ticket, which the
receiver drops. Nothing here touches a widget or the model: the job calls a
pure function and hands its result back by a signal that the receiver (the
model, in the GUI thread) gets through a queued connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from attention_stepper.core.computation import Computation
from attention_stepper.core.stepper import Plan

#: What a job runs: a plan to its computation. ``Plan.compute`` unless a test injects another.
Compute = Callable[[Plan], Computation]


class _Job(QRunnable):
    def __init__(self, worker: ComputeWorker, ticket: int, plan: Plan, compute: Compute):
        super().__init__()
        self._worker, self._ticket, self._plan, self._compute = worker, ticket, plan, compute

    def run(self) -> None:
        self._worker._run(self._ticket, self._plan, self._compute)


class ComputeWorker(QObject):
    """Runs ``compute(plan)`` on one background thread; the newest submission wins."""

    #: A job finished: (ticket, Computation). Emitted from the worker thread; connect with a queued connection.
    finished = Signal(int, object)
    #: A job raised: (ticket, the exception), for the receiver to report or re-raise. Same rules as ``finished``.
    failed = Signal(int, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one computation at a time: two would only share the same cores
        self._pool.setExpiryTimeout(-1)  # keep the thread: starting one per change costs more than it saves
        self._lock = threading.Lock()
        self._newest = 0
        self._closed = False

    def submit(self, plan: Plan, compute: Compute) -> int:
        """Start computing ``plan`` (after the running job, if any); returns its ticket.

        Jobs still waiting to start are dropped: only the newest can be wanted.
        A closed worker starts nothing (the caller computes itself, see ``closed``).
        """
        with self._lock:
            self._newest += 1
            ticket = self._newest
        self._pool.clear()
        if not self._closed:
            self._pool.start(_Job(self, ticket, plan, compute))
        return ticket

    def supersede(self) -> None:
        """Make every submitted job stale (a result computed elsewhere is newer)."""
        with self._lock:
            self._newest += 1
        self._pool.clear()

    def is_newest(self, ticket: int) -> bool:
        with self._lock:
            return ticket == self._newest

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called: the worker takes no more jobs."""
        return self._closed

    def is_running(self) -> bool:
        """Whether a job is running or waiting (a result may still arrive)."""
        return self._pool.activeThreadCount() > 0

    def close(self) -> None:
        """Drop waiting jobs, wait for the running one and take no more (the window is closing).

        The running computation cannot be interrupted (it is inside NumPy); at
        the largest sizes this waits for up to about a second.
        """
        self._closed = True
        self.supersede()
        self._pool.waitForDone()

    def wait(self, milliseconds: int = -1) -> bool:
        """Wait until no job runs (for benchmarks and tools; the GUI never waits). False on timeout."""
        return self._pool.waitForDone(milliseconds)

    # --- on the worker thread ------------------------------------------------------
    def _run(self, ticket: int, plan: Plan, compute: Compute) -> None:
        if not self.is_newest(ticket):
            return  # superseded before it started
        try:
            computation = compute(plan)
        except Exception as error:  # noqa: BLE001 (the GUI thread reports it: a refusal, or a bug to show)
            self.failed.emit(ticket, error)
        else:
            self.finished.emit(ticket, computation)
