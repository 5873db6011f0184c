"""Waiting for the model's newest result as the app does: asleep in the event loop, not spinning.

A loop of ``processEvents()`` calls would take a core and the GIL from the
worker thread (its computations then took half as long again as alone), and
connecting a new QEventLoop's ``quit`` for every wait leaks about 50 bytes a
time inside PySide (5,000 soak changes: +9 MiB): one loop and one connection
per model serve every wait.
"""

from __future__ import annotations

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication


class ResultWaiter:
    """``waiter()`` returns once the model's newest computation is shown and the events are processed."""

    def __init__(self, model):
        self.model = model
        self.loop = QEventLoop()
        model.busyChanged.connect(self._busy)

    def _busy(self, busy: bool) -> None:
        if not busy:
            self.loop.quit()

    def __call__(self) -> None:
        if self.model.busy:
            self.loop.exec()
        QApplication.processEvents()
