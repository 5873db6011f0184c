"""The window's zoom: one factor for every text, from the controls to the numbers in the cells.

The widgets' texts follow the window's font (Qt passes a font on to every
child that has not set its own size), so the window's font is the
application's at ``factor`` times its point size. The heatmap panels draw
their own texts at their own sizes and are zoomed with ``set_zoom``, every
one of them, the ones made later too (see PanelWatch).

A widget with a style sheet is the exception: Qt's style sheets fix its
font when first polished, and it no longer follows its parent's. Those are
given the zoomed size themselves (a style sheet's bold stays bold). And a
scroll area made one row high (the step bar's stages) is made as high as
its row at the new size, keeping the room it had around the row.

The steps go from 80 % to 300 %, as a browser's do; a remembered factor that
is not a step (an older or hand-edited settings file) is taken to the
nearest one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from .heatmap import MatrixPanel

#: The zoom factors View → Zoom in / Zoom out step through; 1.0 is actual size.
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
ACTUAL_SIZE = 1.0


def nearest_step(factor: float) -> float:
    """The step nearest to ``factor`` (anything that is not a finite number: actual size)."""
    try:
        return min(ZOOM_STEPS, key=lambda step: abs(step - float(factor)))
    except (TypeError, ValueError):
        return ACTUAL_SIZE


def step_in(factor: float) -> float:
    """The next larger step (the largest stays)."""
    return next((step for step in ZOOM_STEPS if step > factor + 1e-9), ZOOM_STEPS[-1])


def step_out(factor: float) -> float:
    """The next smaller step (the smallest stays)."""
    return next((step for step in reversed(ZOOM_STEPS) if step < factor - 1e-9), ZOOM_STEPS[0])


def percent(factor: float) -> int:
    return round(factor * 100)


class Zoom(QObject):
    """The zoom of one window: ``set_factor``, ``zoom_in``, ``zoom_out``, ``actual_size``; ``factor()``."""

    #: The factor changed (to the new factor).
    changed = Signal(float)

    def __init__(self, window: QWidget, watch):
        super().__init__(window)
        self.window = window
        app = QApplication.instance()
        #: The point size of the application's font at actual size (Qt's default where it gives pixels).
        self.base_point_size = app.font().pointSizeF() if app.font().pointSizeF() > 0 else 9.0
        self._factor = ACTUAL_SIZE
        self._styled_size: float | None = None  # the size the styled widgets were last given
        #: Each scroll area of a fixed height, with the room it leaves around its row at actual size.
        self._rows = [(area, area.maximumHeight() - area.widget().sizeHint().height())
                      for area in window.findChildren(QScrollArea)
                      if area.widget() is not None and area.minimumHeight() == area.maximumHeight()]
        watch.add(self._apply_to_panel)
        watch.add_hook(self._apply_to_styled_widgets)
        self._watch = watch

    def factor(self) -> float:
        return self._factor

    def set_factor(self, factor: float) -> None:
        """Show every text at ``factor`` (a step of ZOOM_STEPS, or the nearest one)."""
        factor = nearest_step(factor)
        if factor == self._factor:
            return
        self._factor = factor
        font = QFont()  # sets nothing: the window follows the application's font again
        if factor != ACTUAL_SIZE:
            font.setPointSizeF(self.base_point_size * factor)  # only the size: the family stays the app's
        self.window.setFont(font)
        self._watch.refresh()
        for area, room in self._rows:
            area.setFixedHeight(area.widget().sizeHint().height() + room)
        self.changed.emit(factor)

    def zoom_in(self) -> None:
        self.set_factor(step_in(self._factor))

    def zoom_out(self) -> None:
        self.set_factor(step_out(self._factor))

    def actual_size(self) -> None:
        self.set_factor(ACTUAL_SIZE)

    def point_size(self) -> float:
        """The point size of the widgets' text at this zoom."""
        return self.base_point_size * self._factor

    def _apply_to_panel(self, panel: MatrixPanel) -> None:
        panel.set_zoom(self._factor)

    def _apply_to_styled_widgets(self) -> None:
        """Give the widgets with a style sheet the zoomed size (at actual size once, after a zoom)."""
        size = self.point_size()
        if self._factor == ACTUAL_SIZE and self._styled_size in (None, size):
            return  # never zoomed: they follow the application's font as they are
        self._styled_size = size
        for widget in self.window.findChildren(QWidget):
            if widget.styleSheet() and widget.font().pointSizeF() != size:
                font = QFont()
                font.setPointSizeF(size)
                widget.setFont(font)
