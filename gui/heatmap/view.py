"""The graphics view under a panel: it repaints when asked, and leaves the plain mouse wheel to the page."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsView


class HeatmapView(pg.GraphicsLayoutWidget):
    """A GraphicsLayoutWidget whose owner asks for every repaint, that scrolls the page, and settles on resize.

    Repaints: left to QGraphicsView, every panel's scene, when it processes its
    changed items, sends the window's pending update request at once: a step
    with twelve panels synced and painted the window twelve times per update,
    and panels that had just been resized were painted twice. So the view
    never updates itself; its owner calls ``repaint_all`` (an ordinary widget
    update, merged into the window's one repaint) after every change.

    Background: drawn as it is (a plain colour), not cached in a pixmap as
    pyqtgraph's view does, so that an SVG of the panel holds no bitmap.

    Wheel: Ctrl + wheel zooms the heatmap; without Ctrl the event is ignored,
    so Qt passes it on to the parent widgets and the page scrolls, instead of
    every panel under the pointer zooming while the person scrolls past.
    """

    #: Called after every resize, to lay the scene out at once rather than at the next paint (set by the owner
    #: once the scene is built).
    settle: Callable[[], None] | None = None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.NoViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)

    def repaint_all(self, *_signal_args) -> None:
        """Ask for one repaint of the whole view (with any signal's arguments, which say nothing more)."""
        self.viewport().update()

    def wheelEvent(self, event):  # noqa: N802 (Qt's name)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(event)
        else:
            event.ignore()

    def resizeEvent(self, event):  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.settle is not None:
            self.settle()
