"""First / previous / play / next / last over the positions of a view of its own (tiles, generated tokens).

The step bar's navigator moves the model's step; the inference views walk
their own sequence (FlashAttention's tiles, the tokens generated one by one)
and keep the model's step where it is. This widget holds only the position
and the play timer; the view that owns it draws the position and sets the
tooltips (in its own words: "Next tile", "Next token").
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, QTimer, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QStyle, QToolButton, QWidget



def add_media_buttons(owner: QWidget, slots: tuple[Callable[[], object], ...], seconds: float,
                      step: float) -> QHBoxLayout:
    """⏮ ◀ ▶ ▶ ⏭ and a seconds-per-position box in a row on ``owner`` (the Walker, the step bar's navigator).

    ``slots`` are first, previous, play/pause, next, last. Sets ``owner.first_button``,
    ``previous_button``, ``play_button`` (checkable), ``next_button``, ``last_button`` and
    ``speed`` (from ``step`` to 10 s, in steps of ``step``); returns the row's layout.
    """
    layout = QHBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    pixmap = QStyle.StandardPixmap
    icons = (pixmap.SP_MediaSkipBackward, pixmap.SP_MediaSeekBackward, pixmap.SP_MediaPlay,
             pixmap.SP_MediaSeekForward, pixmap.SP_MediaSkipForward)
    names = ("first_button", "previous_button", "play_button", "next_button", "last_button")
    for name, icon, slot in zip(names, icons, slots):
        button = QToolButton(owner)
        button.setIcon(owner.style().standardIcon(icon))
        button.clicked.connect(lambda _checked=False, slot=slot: slot())
        layout.addWidget(button)
        setattr(owner, name, button)
    owner.play_button.setCheckable(True)
    owner.speed = QDoubleSpinBox(owner)
    owner.speed.setRange(step, 10.0)
    owner.speed.setSingleStep(step)
    owner.speed.setValue(seconds)
    layout.addWidget(owner.speed)
    return layout


class Walker(QWidget):
    #: The position changed (0-based), by a button, by playing or by ``go_to``.
    moved = Signal(int)

    def __init__(self, parent=None, seconds: float = 1.0):
        super().__init__(parent)
        self._count = 1
        self._position = 0
        add_media_buttons(self, (self.first, self.previous, self.toggle_play, self.next, self.last),
                          seconds, step=0.1)
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


#: The green line under an inference view that says its result equals the full pass.
CHECK_STYLE = "QLabel { background: #e8f5e9; border: 1px solid #a5d6a7; padding: 4px; }"


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
