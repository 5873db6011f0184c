"""Unantialiased lines at whole device pixels.

A one-pixel line that falls half-way between two pixel rows lands in one or
the other by rounding error, and the error depends on where the item sits in
the window: the same panel drew its ticks a row apart on screen and in a
picture of it (tests/gui/test_panel_repaints.py compares the two). Snapping
each end to a whole device pixel makes the drawing the same wherever it is.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainter


def on_whole_pixels(painter: QPainter, point: QPointF) -> QPointF:
    """``point`` (in the painter's coordinates) moved to the nearest whole device pixel."""
    device = painter.transform()
    snapped = device.map(QPointF(point))
    inverse, _invertible = device.inverted()
    return inverse.map(QPointF(round(snapped.x()), round(snapped.y())))
