"""Presentation: one head large, with big numbers, for a projector; leaving it gives back what was there.

Entering shows the Steps tab with the head being looked at (head 1 when
all heads were side by side), every text at a larger zoom, and gives the
panels the room of the controls (hidden meanwhile). Leaving brings back
the head, the zoom, the tab and the controls as they were. What changes
meanwhile (the step, another head, zooming further) is the person's.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from .zoom import ZOOM_STEPS, step_in

#: The smallest zoom of a presentation.
PRESENTATION_ZOOM = 2.0


def presentation_factor(factor: float) -> float:
    """Larger than ``factor`` (up to the largest step), and at least PRESENTATION_ZOOM."""
    return max(PRESENTATION_ZOOM, step_in(factor)) if factor < ZOOM_STEPS[-1] else factor


@dataclass(frozen=True)
class _Before:
    head: int | None
    zoom: float
    tab: int
    controls_shown: bool


class Presentation(QObject):
    """``set_active(True)`` enters, ``set_active(False)`` leaves; ``is_active()``."""

    #: Entered (True) or left (False).
    toggled = Signal(bool)

    def __init__(self, window, zoom):
        super().__init__(window)
        self.window = window
        self.zoom = zoom
        self._before: _Before | None = None

    def is_active(self) -> bool:
        return self._before is not None

    def normal_zoom(self) -> float:
        """The zoom outside the presentation (what is remembered)."""
        return self._before.zoom if self._before is not None else self.zoom.factor()

    def set_active(self, active: bool) -> None:
        if active == self.is_active():
            return
        window, model = self.window, self.window.model
        if active:
            self._before = _Before(model.head, self.zoom.factor(), window.tabs.currentIndex(),
                                   not window.controls_scroll.isHidden())
            window.tabs.setCurrentWidget(window.tab_pages["steps"])
            window.controls_scroll.hide()
            self.zoom.set_factor(presentation_factor(self.zoom.factor()))
            model.set_head(0 if model.head is None else model.head)
        else:
            before, self._before = self._before, None
            head = before.head
            if head is not None and head >= model.parameters.heads:
                head = None  # the head count went down meanwhile
            model.set_head(head)
            self.zoom.set_factor(before.zoom)
            window.controls_scroll.setVisible(before.controls_shown)
            window.tabs.setCurrentIndex(before.tab)
        self.toggled.emit(active)
