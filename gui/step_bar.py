"""The pipeline drawn as clickable stages, with navigation and play/pause.

embed → project → QKᵀ → ÷√d_k → (mask) → softmax → A·V → concat → ·W_O
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from attention_stepper.core.lesson import LESSON

from .i18n import Retranslating, core_text
from .model import AttentionModel, Change
from .walker import add_media_buttons

#: A computation that runs longer than this shows the busy indicator (a shorter one would only flicker).
BUSY_DELAY_MS = 150

_CURRENT_STYLE = (
    "QToolButton:checked { background: #1565c0; color: white; font-weight: bold; border-radius: 4px; }"
    "QToolButton { padding: 3px 8px; }"
)
#: The step where someone's own implementation first diverges (the Compare tab): red, also when current.
_DIVERGED_STYLE = (
    "QToolButton { color: #c62828; border: 2px solid #c62828; border-radius: 4px; padding: 1px 6px; }"
    "QToolButton:checked { background: #c62828; color: white; font-weight: bold; }"
)


class StageButtons(Retranslating, QWidget):
    """One checkable button per step; the current one is highlighted. Clicking goes there."""

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QToolButton] = {}
        self._arrows: dict[str, QLabel] = {}
        self._diverging: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for index, step in enumerate(LESSON):
            if index:
                arrow = QLabel("→", self)
                layout.addWidget(arrow)
                self._arrows[step.key] = arrow
            button = QToolButton(self)
            button.setCheckable(True)
            button.setStyleSheet(_CURRENT_STYLE)
            button.clicked.connect(lambda _checked=False, key=step.key: self.model.go_to(key))
            self.group.addButton(button)
            layout.addWidget(button)
            self.buttons[step.key] = button
        layout.addStretch(1)
        model.changed.connect(self._model_changed)
        self._sync()
        self.retranslate()

    def stage_labels(self) -> dict[str, str]:
        """Short stage names as drawn on the bar (formulas stay formulas in every language)."""
        return {
            "embed": self.tr("embed"),
            "project": self.tr("project"),
            "rope": "RoPE",
            "repeat_kv": self.tr("share K, V"),
            "scores": "QKᵀ",
            "scale": "÷√d_k",
            "position_bias": "+ALiBi",
            "mask": self.tr("mask"),
            "softmax": "softmax",
            "weighted_sum": "A·V",
            "concat": self.tr("concat"),
            "output": "·W_O",
        }

    def retranslate(self) -> None:
        labels = self.stage_labels()
        for step in LESSON:
            self.buttons[step.key].setText(labels[step.key])
            tip = f"{core_text(step.title)}\n{core_text(step.formula)}"
            if step.key == self._diverging:
                tip += "\n" + self.tr("Your implementation first diverges here (see the Compare tab)")
            self.buttons[step.key].setToolTip(tip)

    def mark_divergence(self, key: str | None) -> None:
        """Draw step ``key`` in red as the first step where a compared dump diverges; None (or "") clears it."""
        self._diverging = key or None
        for step_key, button in self.buttons.items():
            marked = step_key == self._diverging
            button.setStyleSheet(_CURRENT_STYLE + (_DIVERGED_STYLE if marked else ""))
            button.setProperty("diverges", marked)
        self.retranslate()

    def diverging_step(self) -> str | None:
        """The step marked in red, if any."""
        return self._diverging

    def _model_changed(self, change: Change) -> None:
        if change.computation or change.step:  # the steps there are, and the current one
            self._sync()

    def _sync(self) -> None:
        shown = {step.key for step in self.model.steps}
        for key, button in self.buttons.items():
            button.setVisible(key in shown)
            if key in self._arrows:
                self._arrows[key].setVisible(key in shown)
        self.buttons[self.model.step.key].setChecked(True)

    def visible_keys(self) -> list[str]:
        return [key for key, button in self.buttons.items() if not button.isHidden()]


class Navigator(Retranslating, QWidget):
    """First / Previous / Play-Pause / Next / Last and the play speed."""

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        layout = add_media_buttons(self, (model.first, model.previous, self.toggle_play, model.next, model.last),
                                   seconds=1.5, step=0.2)
        # Fills the current step's result in (gui/step_animation.py); shown once an animation is attached.
        self.show_me_button = QToolButton(self)
        self.show_me_button.hide()
        layout.addWidget(self.show_me_button)
        self.animation = None
        self._playing = False
        self.retranslate()
        self._icon_playing: bool | None = None  # the state the play button's icon shows
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._advance)
        self.speed.valueChanged.connect(lambda seconds: self.timer.setInterval(int(seconds * 1000)))
        model.changed.connect(self._model_changed)
        self._sync()

    def _model_changed(self, change: Change) -> None:
        if change.computation or change.step:  # the number of steps, and the current one
            self._sync()

    def retranslate(self) -> None:
        self.first_button.setToolTip(self.tr("First step (Home)"))
        self.previous_button.setToolTip(self.tr("Previous step (←)"))
        self.play_button.setToolTip(self.tr("Play / pause (Space): step forward automatically"))
        self.next_button.setToolTip(self.tr("Next step (→)"))
        self.last_button.setToolTip(self.tr("Last step (End)"))
        self.speed.setSuffix(self.tr(" s/step"))
        self.speed.setToolTip(self.tr("Seconds per step while playing"))
        self.show_me_button.setText(self.tr("Show me"))
        self.show_me_button.setToolTip(self.tr(
            "Fill this step's result in cell by cell, lighting the cells each number comes from (Esc shows it all)"))

    def set_animation(self, animation) -> None:
        """Animate each step while playing, and show the "Show me" button (a StepAnimation).

        Playing then fills the current step in, shows the whole result for
        the seconds per step, moves on and fills the next one; the last step
        is filled and playing stops.
        """
        self.animation = animation
        animation.finished.connect(self._fill_ended)
        self.show_me_button.clicked.connect(lambda _checked=False: animation.start())
        self.show_me_button.show()

    @property
    def playing(self) -> bool:
        return self._playing

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self.model.step_index == len(self.model.steps) - 1:
            self.model.first()  # playing from the end starts over
        self._playing = True
        if self.animation is None or not self.animation.start():
            self.timer.start(int(self.speed.value() * 1000))
        self._sync()

    def pause(self) -> None:
        self._playing = False
        self.timer.stop()
        if self.animation is not None:
            self.animation.stop()
        self._sync()

    def _advance(self) -> None:
        if self.animation is not None:
            moved = self.model.next()  # a step change ends the fill still running (and _fill_ended restarts me)
            self.timer.stop()
            if not moved:
                self.pause()
            elif not self.animation.start():
                self._fill_ended()
            return
        if not self.model.next():
            self.pause()
        elif self.model.step_index == len(self.model.steps) - 1:
            self.pause()

    def _fill_ended(self) -> None:
        """A step's fill ended while playing: show its whole result for a step's time, then move on."""
        if not self._playing:
            return
        if self.model.step_index == len(self.model.steps) - 1:
            self.pause()
        else:
            self.timer.start(int(self.speed.value() * 1000))

    def _sync(self) -> None:
        index, count = self.model.step_index, len(self.model.steps)
        self.first_button.setEnabled(index > 0)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)
        self.last_button.setEnabled(index < count - 1)
        if self._icon_playing != self.playing:
            # Only when play/pause flips: a new icon asks for a layout, and that repaints the whole window.
            with QSignalBlocker(self.play_button):
                self.play_button.setChecked(self.playing)
                self.play_button.setIcon(self.style().standardIcon(
                    QStyle.StandardPixmap.SP_MediaPause if self.playing else QStyle.StandardPixmap.SP_MediaPlay))
            self._icon_playing = self.playing


class HeadSelector(Retranslating, QComboBox):
    """All heads side by side, or one head large."""

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.currentIndexChanged.connect(self._chosen)
        model.changed.connect(self._model_changed)
        self.retranslate()

    def _model_changed(self, change: Change) -> None:
        if change.parameters or change.head:  # the number of heads, and the one shown
            self._sync()

    def _chosen(self, index: int) -> None:
        self.model.set_head(None if index <= 0 else index - 1)

    def retranslate(self) -> None:
        self.setToolTip(self.tr("Show all heads side by side, or one head large"))
        self._sync(relabel=True)

    def _sync(self, relabel: bool = False) -> None:
        with QSignalBlocker(self):
            heads = self.model.parameters.heads
            if relabel:
                self.clear()
            # Add or remove items at the end only: a cleared combo box re-measures itself and asks the
            # whole window for a new layout, and the window then repaints far beyond the selector.
            if self.count() == 0:
                self.addItem(self.tr("All heads"))
            while self.count() > heads + 1:
                self.removeItem(self.count() - 1)
            while self.count() < heads + 1:
                self.addItem(self.tr("Head {0}").format(self.count()))
            self.setCurrentIndex(0 if self.model.head is None else self.model.head + 1)


class BusyIndicator(Retranslating, QProgressBar):
    """A small moving bar shown while the model computes for longer than BUSY_DELAY_MS.

    Its place in the row is kept while hidden, so showing it lays nothing out again.
    """

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.setRange(0, 0)  # no known end: Qt draws a moving bar
        self.setTextVisible(False)
        self.setFixedSize(72, 10)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(BUSY_DELAY_MS)
        self._delay.timeout.connect(self.show)
        model.busyChanged.connect(self._busy)
        self.retranslate()

    def retranslate(self) -> None:
        self.setToolTip(self.tr("Computing… the panels show the last result until the new one is ready"))

    def _busy(self, busy: bool) -> None:
        if busy:
            self._delay.start()
        else:
            self._delay.stop()
            self.hide()


class StepBar(QWidget):
    """The stages on one row (scrolling sideways in a narrow window); the head selector, busy indicator
    and navigator below."""

    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.stages = StageButtons(model, self)
        self.navigator = Navigator(model, self)
        self.head_selector = HeadSelector(model, self)
        self.busy = BusyIndicator(model, self)
        stages_scroll = QScrollArea(self)
        stages_scroll.setWidget(self.stages)
        stages_scroll.setWidgetResizable(True)
        stages_scroll.setFrameShape(QFrame.Shape.NoFrame)
        stages_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        stages_scroll.setFixedHeight(self.stages.sizeHint().height() + 16)
        controls_row = QHBoxLayout()
        controls_row.addWidget(self.head_selector)
        controls_row.addStretch(1)
        controls_row.addWidget(self.busy)
        controls_row.addWidget(self.navigator)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(2)
        layout.addWidget(stages_scroll)
        layout.addLayout(controls_row)
