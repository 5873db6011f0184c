"""The window's size at first start, and a left panel as wide as its controls need.

At first start (nothing remembered) the window takes its preferred size,
made smaller where the screen it opens on is smaller (a 1366×768 laptop),
and is centred there, frame and title bar included, so nothing is off
screen. The frame's size is only known once a window manager has drawn it;
until then a usual title bar and border are assumed.

The controls scroll up and down, not sideways: their scroll area takes
from the splitter the controls' own minimum width plus a vertical scroll
bar, in whatever language and zoom the texts are, so every spin box shows
whole (see ControlsScroll).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, QTimer
from PySide6.QtWidgets import QScrollArea, QSplitter, QWidget

#: The window's size where the screen has room for it.
PREFERRED_SIZE = QSize(1280, 800)
#: The frame assumed before the window manager has drawn one: border and title bar.
ASSUMED_FRAME = QMargins(8, 36, 8, 8)


def fitted_geometry(available: QRect, preferred: QSize = PREFERRED_SIZE,
                    frame: QMargins = ASSUMED_FRAME) -> QRect:
    """The window's geometry (inside its frame) so that the frame lies within ``available``, centred."""
    inner_width = available.width() - frame.left() - frame.right()
    inner_height = available.height() - frame.top() - frame.bottom()
    size = preferred.boundedTo(QSize(inner_width, inner_height))
    x = available.x() + frame.left() + (inner_width - size.width()) // 2
    y = available.y() + frame.top() + (inner_height - size.height()) // 2
    return QRect(QPoint(x, y), size)


def frame_margins(window: QWidget) -> QMargins:
    """The window's frame where it is known and larger, else the assumed one, side by side."""
    outer, inner = window.frameGeometry(), window.geometry()
    known = QMargins(inner.left() - outer.left(), inner.top() - outer.top(),
                     outer.right() - inner.right(), outer.bottom() - inner.bottom())
    return QMargins(max(known.left(), ASSUMED_FRAME.left()), max(known.top(), ASSUMED_FRAME.top()),
                    max(known.right(), ASSUMED_FRAME.right()), max(known.bottom(), ASSUMED_FRAME.bottom()))


def fit_to_screen(window: QWidget, available: QRect | None = None) -> QRect:
    """Give ``window`` its first-start geometry on its screen (or within ``available``); returns it."""
    if available is None:
        available = window.screen().availableGeometry()
    geometry = fitted_geometry(available, PREFERRED_SIZE, frame_margins(window))
    window.setGeometry(geometry)
    return geometry


class ControlsScroll(QScrollArea):
    """A vertical scroll area around ``controls`` that widens itself to the controls' width when it can.

    Not a hard minimum: the window would then be wider than a small screen (or a
    900-pixel screenshot) at large zooms. Instead, whenever the controls' texts
    change (language, zoom) and at each showing, the scroll area takes the width
    it lacks from the widest other pane of its splitter; a person who then drags it
    narrower gets a horizontal scroll bar until the texts change again.
    """

    #: The narrowest a person can drag it.
    MINIMUM_WIDTH = 200

    def __init__(self, controls: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setWidget(controls)
        self.setMinimumWidth(self.MINIMUM_WIDTH)
        self._widen_soon = QTimer(self)
        self._widen_soon.setSingleShot(True)
        self._widen_soon.setInterval(0)
        self._widen_soon.timeout.connect(self._widen_now)
        controls.installEventFilter(self)

    def needed_width(self) -> int:
        """The width at which the controls show whole, with a vertical scroll bar beside them."""
        widget = self.widget()
        return (widget.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
                + 2 * self.frameWidth())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.needed_width()), hint.height())

    def widen(self) -> None:
        """Take the width the controls lack from the widest other pane of the splitter (if there is room)."""
        splitter = self.parentWidget()
        if not isinstance(splitter, QSplitter) or self.isHidden():
            return
        sizes = splitter.sizes()
        index = splitter.indexOf(self)
        lacking = self.needed_width() - sizes[index]
        others = [i for i in range(len(sizes)) if i != index]
        if lacking <= 0 or not others:
            return
        widest = max(others, key=lambda i: sizes[i])
        room = sizes[widest] - splitter.widget(widest).minimumSizeHint().width()
        taken = max(0, min(lacking, room))
        if taken:
            sizes[index] += taken
            sizes[widest] -= taken
            splitter.setSizes(sizes)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.widen()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.widget() and event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange):
            # New texts (a language, a zoom) may need more width: measured once they are laid out.
            # Not at every LayoutRequest: an error label or a typed sentence would resize the
            # panels in the middle of their own update, leaving stale pixels on screen.
            self._widen_soon.start()
        return super().eventFilter(watched, event)

    def _widen_now(self) -> None:
        self.updateGeometry()
        self.widen()
