"""First / previous / play / next / last over the positions of a view of its own (tiles, generated tokens).

The step bar's navigator moves the model's step; the inference views walk
their own sequence (FlashAttention's tiles, the tokens generated one by one)
and keep the model's step where it is. This widget holds only the position
and the play timer; the view that owns it draws the position and sets the
tooltips (in its own words: "Next tile", "Next token").
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QTimer, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QStyle, QToolButton, QWidget


class Walker(QWidget):
    #: The position changed (0-based), by a button, by playing or by ``go_to``.
    moved = Signal(int)

    def __init__(self, parent=None, seconds: float = 1.0):
        super().__init__(parent)
        self._count = 1
        self._position = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)

        def tool(icon: QStyle.StandardPixmap, slot) -> QToolButton:
            button = QToolButton(self)
            button.setIcon(self.style().standardIcon(icon))
            button.clicked.connect(lambda _checked=False: slot())
            layout.addWidget(button)
            return button

        pixmap = QStyle.StandardPixmap
        self.first_button = tool(pixmap.SP_MediaSkipBackward, self.first)
        self.previous_button = tool(pixmap.SP_MediaSeekBackward, self.previous)
        self.play_button = tool(pixmap.SP_MediaPlay, self.toggle_play)
        self.play_button.setCheckable(True)
        self.next_button = tool(pixmap.SP_MediaSeekForward, self.next)
        self.last_button = tool(pixmap.SP_MediaSkipForward, self.last)
        self.speed = QDoubleSpinBox(self)
        self.speed.setRange(0.1, 10.0)
        self.speed.setSingleStep(0.1)
        self.speed.setValue(seconds)
        layout.addWidget(self.speed)
        self._icon_playing: bool | None = None  # the state the play button's icon shows
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._advance)
        self.speed.valueChanged.connect(lambda value: self.timer.setInterval(int(value * 1000)))
        self._sync()

    # --- reading -----------------------------------------------------------------------
    def count(self) -> int:
        return self._count

    def position(self) -> int:
        return self._position

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    # --- moving ------------------------------------------------------------------------
    def set_count(self, count: int) -> None:
        """There are ``count`` positions now (at least 1); the position is kept within them, silently:
        the owner sets the count while drawing, and draws the clamped position itself."""
        self._count = max(1, count)
        self._position = min(self._position, self._count - 1)
        self._sync()

    def go_to(self, position: int) -> bool:
        """Go to ``position`` (clamped); False when it is the current one already."""
        position = max(0, min(position, self._count - 1))
        if position == self._position:
            return False
        self._position = position
        self._sync()
        self.moved.emit(position)
        return True

    def first(self) -> bool:
        return self.go_to(0)

    def previous(self) -> bool:
        return self.go_to(self._position - 1)

    def next(self) -> bool:
        return self.go_to(self._position + 1)

    def last(self) -> bool:
        return self.go_to(self._count - 1)

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self._position == self._count - 1:
            self.first()  # playing from the end starts over
        self.timer.start(int(self.speed.value() * 1000))
        self._sync()

    def pause(self) -> None:
        self.timer.stop()
        self._sync()

    def _advance(self) -> None:
        if not self.next() or self._position == self._count - 1:
            self.pause()

    def set_tooltips(self, first: str, previous: str, play: str, next_: str, last: str, speed: str,
                     suffix: str) -> None:
        """The owner's words for its buttons and speed ("Next tile", " s/tile")."""
        for button, text in ((self.first_button, first), (self.previous_button, previous),
                             (self.play_button, play), (self.next_button, next_), (self.last_button, last)):
            button.setToolTip(text)
        self.speed.setToolTip(speed)
        self.speed.setSuffix(suffix)

    def _sync(self) -> None:
        at_start, at_end = self._position == 0, self._position == self._count - 1
        self.first_button.setEnabled(not at_start)
        self.previous_button.setEnabled(not at_start)
        self.next_button.setEnabled(not at_end)
        self.last_button.setEnabled(not at_end)
        with QSignalBlocker(self.play_button):
            self.play_button.setChecked(self.playing)  # a click has checked it already; playing decides
        if self._icon_playing != self.playing:  # a new icon asks for a layout: only when play/pause flips
            self.play_button.setIcon(self.style().standardIcon(
                QStyle.StandardPixmap.SP_MediaPause if self.playing else QStyle.StandardPixmap.SP_MediaPlay))
            self._icon_playing = self.playing


class WalkedView:
    """Mixin for a view that owns a :class:`Walker` (``self.walker``), an explanation
    (``self.explanation``, a QTextBrowser) and a check line (``self.check``): moving and reading,
    for the window, the screenshot command and tests. Put it before ``RefreshWhenShown``.
    Moving first brings the view up to date: the number of positions is known once drawn.
    """

    def position(self) -> int:
        """The current position (0-based): the tile, or the token just fed."""
        return self.walker.position()

    def go_to(self, position: int) -> bool:
        self.ensure_fresh()
        return self.walker.go_to(position)

    def next(self) -> bool:
        self.ensure_fresh()
        return self.walker.next()

    def previous(self) -> bool:
        return self.walker.previous()

    def first(self) -> bool:
        return self.walker.first()

    def last(self) -> bool:
        self.ensure_fresh()
        return self.walker.last()

    def explanation_text(self) -> str:
        self.ensure_fresh()
        return self.explanation.toPlainText()

    def check_text(self) -> str:
        self.ensure_fresh()
        return self.check.text()
