"""The core's computations on a worker thread, newest first.

The GUI thread only plans (checks a change, core/stepper.py) and paints; the
matrix arithmetic runs here, on one thread of a private ``QThreadPool`` per
worker. The pure-NumPy core releases the GIL inside its matrix products and
ufuncs, so the event loop keeps answering key presses meanwhile.

Latest wins: every submission gets a higher ticket; a job whose ticket is no
longer the newest when it would start is skipped, and the result of one that
finishes after a newer submission is dropped. A job calls a pure function and
touches no widget and no model: its result goes to one relay object made in
the GUI thread, by a signal Qt queues to that thread, and the relay hands it
to the worker it belongs to (if that worker is still open). A job never
holds its worker, so a worker can be closed and deleted while a job runs:
:meth:`ComputeWorker.close` returns at once, and the job's result is dropped.

Once a worker has had a job, the BLAS library (OpenBLAS) NumPy calls into
uses one core fewer than the machine has: its threads spin on every core for a while
after each matrix product, and the GUI thread, which paints, needs one. On
two shared cores a 256-token update took 420 ms with two BLAS threads and
66 ms with one (benchmarks/README.md).
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot


class _Mailbox:
    """What a worker (GUI thread) and its jobs (pool thread) share: plain Python, under a lock."""

    def __init__(self, number: int):
        self.number = number
        self.lock = threading.Lock()
        self.newest = 0
        self.closed = False

    def wanted(self, ticket: int) -> bool:
        return not self.closed and ticket == self.newest


class _Relay(QObject):
    """Lives in the GUI thread; receives every job's result by a queued signal and forwards it."""

    arrived = Signal(int, int, bool, object)  # worker number, ticket, succeeded, result or exception

    def __init__(self):
        super().__init__()
        self.workers: weakref.WeakValueDictionary[int, ComputeWorker] = weakref.WeakValueDictionary()
        self.arrived.connect(self._forward)  # auto connection: queued when emitted from a job

    @Slot(int, int, bool, object)
    def _forward(self, number: int, ticket: int, succeeded: bool, result: object) -> None:
        worker = self.workers.get(number)
        if worker is not None and shiboken6.isValid(worker):
            worker._deliver(ticket, succeeded, result)


_relay: _Relay | None = None
_numbers = itertools.count(1)
_blas_limit = None  # threadpoolctl's limit, kept for the life of the process


def gui_cores() -> int:
    """The cores the BLAS library may use in the GUI: all but one (kept for the GUI thread), at least one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


def _leave_a_core_to_the_gui() -> None:
    global _blas_limit
    if _blas_limit is None:
        from threadpoolctl import threadpool_limits

        _blas_limit = threadpool_limits(limits=gui_cores(), user_api="blas")


def _the_relay() -> _Relay:
    """The one relay, made on first use in the GUI thread (where workers are made)."""
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        _relay = _Relay()
        app = QCoreApplication.instance()
        if app is not None:
            _relay.moveToThread(app.thread())
    return _relay


def _run_job(mailbox: _Mailbox, relay: _Relay, ticket: int, function: Callable[[], object]) -> None:
    """On the pool's thread: run ``function`` unless superseded, and send its result to the relay.

    A plain function handed to ``QThreadPool.start``, not a QRunnable subclass: PySide kept every
    subclassed runnable's Python object (and the plan it held) alive after it ran, about 600 bytes
    a computation (benchmarks/soak.py --worker).
    """
    with mailbox.lock:
        if not mailbox.wanted(ticket):
            return  # superseded before it started
    try:
        result, succeeded = function(), True
    except Exception as error:  # noqa: BLE001 (the GUI thread reports it: a refusal, or a bug to show)
        result, succeeded = error, False
    with mailbox.lock:  # close() takes the lock too: once it has returned, nothing more is sent
        if mailbox.wanted(ticket):
            relay.arrived.emit(mailbox.number, ticket, succeeded, result)


class ComputeWorker(QObject):
    """Runs functions on one background thread; only the newest submission's result is delivered."""

    #: The newest job finished: (ticket, result). Emitted in the GUI thread.
    finished = Signal(int, object)
    #: The newest job raised: (ticket, the exception), for the receiver to report or re-raise.
    failed = Signal(int, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        # Not a child: Qt would delete it with this object, and its destructor waits for a running job.
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(1)  # one computation at a time: two would only share the same cores
        self._relay = _the_relay()
        self._mailbox = _Mailbox(next(_numbers))
        self._relay.workers[self._mailbox.number] = self

    def submit(self, function: Callable[[], object]) -> int:
        """Run ``function()`` on the worker thread (after the running job, if any); returns its ticket.

        Jobs still waiting to start are dropped: only the newest can be wanted.
        A closed worker runs nothing (see ``closed``).
        """
        with self._mailbox.lock:
            self._mailbox.newest += 1
            ticket = self._mailbox.newest
            closed = self._mailbox.closed
        self._pool.clear()
        if not closed:
            _leave_a_core_to_the_gui()  # here, not at start-up: small computations never come here
            self._pool.start(functools.partial(_run_job, self._mailbox, self._relay, ticket, function))
        return ticket

    def supersede(self) -> None:
        """Drop every submitted job's result (one computed elsewhere is newer)."""
        with self._mailbox.lock:
            self._mailbox.newest += 1
        self._pool.clear()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called: the worker takes no more jobs."""
        return self._mailbox.closed

    def is_running(self) -> bool:
        """Whether a job is running (its result may be dropped)."""
        return self._pool.activeThreadCount() > 0

    def close(self) -> None:
        """Take no more jobs and drop every result still to come; returns at once.

        A computation inside NumPy cannot be interrupted: it runs to its end
        and its result is thrown away (the process waits for it on exit).
        """
        with self._mailbox.lock:
            self._mailbox.closed = True
        self._pool.clear()

    def wait(self, milliseconds: int = -1) -> bool:
        """Wait until no job runs (for tests and benchmarks; the GUI never waits). False on timeout."""
        return self._pool.waitForDone(milliseconds)

    def _deliver(self, ticket: int, succeeded: bool, result: object) -> None:
        """In the GUI thread, from the relay: pass on the newest job's result."""
        with self._mailbox.lock:
            if not self._mailbox.wanted(ticket):
                return
        (self.finished if succeeded else self.failed).emit(ticket, result)
