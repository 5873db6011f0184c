"""Keep a view setting (zoom, colour scale) on every heatmap panel, the ones made later included.

The views make their MatrixPanels when they need them: the steps tab for a
new step or head count, the journey and the head statistics when their tab
is first shown, the statistics also when a background result arrives. The
views are not told about the window's view settings; instead a PanelWatch
gives each panel found under its roots to the settings' ``apply`` functions:

- at once, after every change of the model (the panels on screen), a change
  of tab and a background worker's result (all panels; connected after the
  views, so it runs after they have made their panels and before anything is
  painted);
- soon (from the event loop) after a widget is added to a widget that holds
  panels, for panels made some other way.

Each ``apply`` must be cheap when there is nothing to do (``set_zoom`` and
``set_scale`` return at once for the value they already have).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QTabWidget, QWidget

from .heatmap import MatrixPanel
from .worker import ComputeWorker

#: A function given each panel, and the widgets under which its panels are.
Applier = tuple[Callable[[MatrixPanel], None], Callable[[], list[QWidget]]]


class PanelWatch(QObject):
    """Gives every MatrixPanel under the roots of each registered setting to its ``apply``.

    ``shown_panels`` gives the panels on screen now (the steps tab's, through
    StepView.panels()): after a change of the model only those are looked at,
    which is cheap; everything else is looked at after a change of tab, a
    background result or a widget added, by one walk of the window.
    """

    def __init__(self, window, tabs: QTabWidget, shown_panels: Callable[[], list[MatrixPanel]]):
        super().__init__(window)
        self.window = window
        self._shown_panels = shown_panels
        self._appliers: list[Applier] = []
        self._hooks: list[Callable[[], None]] = []
        self._watched: set[int] = set()  # ids of the widgets whose ChildAdded is watched
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.refresh)
        window.model.changed.connect(self._model_changed)
        tabs.currentChanged.connect(self.refresh)
        for worker in window.findChildren(ComputeWorker):
            worker.finished.connect(self._worker_finished)
        for index in range(tabs.count()):
            self._watch(tabs.widget(index))

    def add(self, apply: Callable[[MatrixPanel], None], roots: Callable[[], list[QWidget]] | None = None) -> None:
        """Give ``apply`` every panel under ``roots()`` (the whole window by default), now and from now on."""
        self._appliers.append((apply, roots))
        self.refresh()

    def add_hook(self, hook: Callable[[], None]) -> None:
        """Call ``hook()`` at each full refresh too (for other widgets that may have been made)."""
        self._hooks.append(hook)

    def refresh(self, *_signal_args) -> None:
        """Give every panel of the window to each setting's ``apply``."""
        for hook in self._hooks:
            hook()
        panels = self.window.findChildren(MatrixPanel)
        self._give(panels)
        for panel in panels:
            self._watch(panel.parentWidget())

    def _give(self, panels: list[MatrixPanel]) -> None:
        for apply, roots in self._appliers:
            under = None if roots is None else roots()
            for panel in panels:
                if under is None or any(root is panel or root.isAncestorOf(panel) for root in under):
                    apply(panel)

    def _model_changed(self, _change) -> None:
        self._give(self._shown_panels())

    def _worker_finished(self, _ticket: int, _result: object) -> None:
        self.refresh()

    def _watch(self, widget: QWidget | None) -> None:
        if widget is not None and id(widget) not in self._watched:
            self._watched.add(id(widget))
            widget.installEventFilter(self)
            widget.destroyed.connect(lambda _object=None, key=id(widget): self._watched.discard(key))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ChildAdded and event.child().isWidgetType():
            self._soon.start()  # the child is still being made: look once it is done
        return False
