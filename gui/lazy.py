"""Views that are built and redrawn only when someone can see them.

The journey, head-statistics and scaling-lab tabs each redo real work for every change of the
model (core calls, bar charts, tables). While their tab is hidden that work would only slow down
the panels the person is looking at, so they mark themselves stale and catch up when shown.
Their plots and panels are made when first shown, too: at start-up only the steps tab is seen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


class RefreshWhenShown:
    """Mixin for a widget: ``redraw()`` runs when the widget is visible, or as soon as it is shown.

    Put it before the Qt class (``class View(RefreshWhenShown, QWidget)``). Connect the model's
    signals to ``mark_stale``. An accessor that must answer for the current model even while the
    view is hidden calls ``ensure_fresh()`` first (the journey's, which the window reads); one that
    reports what is drawn does not. Widgets only the drawing needs are made in ``build()``, which
    runs once, before the first redraw: they exist from then on.
    """

    _stale = True
    _built = False

    def mark_stale(self, *_signal_args) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh_visible()

    def refresh_visible(self) -> None:
        """What to do when a change arrives while the view is shown: redraw now (a view may wait)."""
        self.refresh()

    def refresh(self) -> None:
        self._stale = False
        if not self._built:
            self.build()
            self._built = True  # after: a build that failed is tried again at the next refresh
            self._show_built_widgets()
        self.redraw()

    def _show_built_widgets(self) -> None:
        """Show what build() added to a visible view now: Qt shows a widget added to a visible
        parent's layout only later, by a queued call, so the tab's first paint would be empty."""
        if not self.isVisible():
            return
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isHidden() and not child.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                child.show()

    def is_built(self) -> bool:
        """Whether ``build()`` has run (the view has been drawn at least once)."""
        return self._built

    def is_stale(self) -> bool:
        """Whether a change arrived that the view has not drawn yet."""
        return self._stale

    def ensure_fresh(self) -> None:
        if self._stale:
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.ensure_fresh()

    def build(self) -> None:
        """Make the plots and panels the drawing needs (a view that has none leaves this as it is).

        Made at start-up, the journey's and the scaling lab's plots were most of the window's
        construction time, for tabs most sessions open late or never (benchmarks/README.md).
        """

    def redraw(self) -> None:
        raise NotImplementedError
