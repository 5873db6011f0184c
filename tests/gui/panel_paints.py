"""Counting how often a panel's view is painted, to check that a change repaints once and a non-change not at all."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

from panel_checks import graphics_view


class _PaintCounter(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def paints(panel, qtbot, change) -> int:
    """How many times the panel's view is painted for ``change()`` (pending paints are let through first)."""
    qtbot.wait(20)
    counter = _PaintCounter()
    viewport = graphics_view(panel).viewport()
    viewport.installEventFilter(counter)
    try:
        change()
        qtbot.wait(20)
    finally:
        viewport.removeEventFilter(counter)
    return counter.count
