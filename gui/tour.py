"""The guided tour: the word 爱 of "我 爱 机器 学习" followed through the eight steps of attention.

Each stop goes to a step, outlines the panel to look at and the control to
try, and puts a card beside the panel with what happens there and Back /
Next / Skip. It is an overlay of child widgets of the main window, not a
dialog: it takes no focus and no mouse clicks outside its card, so the
window keeps working underneath (and a test that builds a window never
meets a modal box). The first run offers it (app.main, when the settings
have no ``tour/seen``); Help → Guided tour starts it again at any time.
Leaving it puts back the sentence, step and followed token the person had.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from attention_stepper.core.parameters import DEFAULT_SENTENCE

from .i18n import Retranslating
from .settings import mark_tour_seen

# The tour's example: the seed article's sentence, and the word it follows (its second token).
EXAMPLE_SENTENCE = DEFAULT_SENTENCE
EXAMPLE_TOKEN = 1
OUTLINE = QColor("#ff6f00")
CARD_WIDTH = 340
GAP = 12


@dataclass(frozen=True)
class Stop:
    """One stop of the tour: the step, the matrix whose panel it points at, and the control it points at."""

    step: str
    panel: str
    control: Callable[[object], QWidget]


STOPS: tuple[Stop, ...] = (
    Stop("embed", "embed", lambda window: window.controls.sentence.editor),
    Stop("project", "q", lambda window: window.controls.d_k.editor),
    Stop("scores", "scores", lambda window: window.step_bar.stages.buttons["scores"]),
    Stop("scale", "scaled", lambda window: window.controls.skip_scaling.editor),
    Stop("softmax", "weights", lambda window: window.step_bar.head_selector),
    Stop("weighted_sum", "head_output", lambda window: window.step_bar.navigator.show_me_button),
    Stop("concat", "concat", lambda window: window.controls.heads.editor),
    Stop("output", "output", lambda window: window.step_bar.navigator.play_button),
)


def visible_rect(widget: QWidget, window: QWidget) -> QRect:
    """The part of ``widget`` one sees, in ``window``'s coordinates (cut by every scroll area around it)."""
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        rect = rect.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget()
    return rect


def scroll_into_view(widget: QWidget) -> None:
    """Scroll every scroll area around ``widget`` so that it is in sight."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and hasattr(parent, "ensureWidgetVisible"):
            parent.ensureWidgetVisible(widget, 8, 8)
        parent = parent.parentWidget()


class Outline(QWidget):
    """A thick orange frame drawn over a widget; clicks go through it to what is underneath."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None
        self.hide()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(0, 0, 0, 150), 6))
        painter.drawRoundedRect(self.rect().adjusted(3, 3, -3, -3), 6, 6)
        painter.setPen(QPen(OUTLINE, 3))
        painter.drawRoundedRect(self.rect().adjusted(3, 3, -3, -3), 6, 6)


class Card(Retranslating, QFrame):
    """The tour's callout: a title, what to look at, the stop's number and Back / Next / Skip."""

    def __init__(self, tour: Tour, parent: QWidget):
        super().__init__(parent)
        self.tour = tour
        self.setObjectName("tourCard")
        self.setStyleSheet("#tourCard { background: #fff8e1; border: 2px solid #ff6f00; border-radius: 8px; }")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFixedWidth(CARD_WIDTH)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.body = QLabel(self)
        self.body.setWordWrap(True)
        self.count = QLabel(self)
        self.count.setStyleSheet("color: #6d4c41;")
        self.back_button = QPushButton(self)
        self.next_button = QPushButton(self)
        self.skip_button = QPushButton(self)
        for button in (self.back_button, self.next_button, self.skip_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the tour never takes the keyboard
        self.next_button.setDefault(True)
        self.back_button.clicked.connect(tour.back)
        self.next_button.clicked.connect(tour.next)
        self.skip_button.clicked.connect(tour.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addLayout(buttons)
        self.hide()

    def retranslate(self) -> None:
        self.tour.show_texts()


class Tour(QObject):
    """The guided tour over one main window (see the module docstring)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.panel_outline = Outline(window)
        self.control_outline = Outline(window)
        self.card = Card(self, window)
        # -1: the first run's offer; 0 … len(STOPS) − 1: a stop; None: not shown.
        self.index: int | None = None
        self._before: tuple[str, str, int] | None = None  # sentence, step and token to put back
        self._place_soon = QTimer(self)
        self._place_soon.setSingleShot(True)
        self._place_soon.timeout.connect(self.place)
        window.installEventFilter(self)
        for scroll in (window.panels_scroll, window.controls.parentWidget()):
            if scroll is not None:
                scroll.installEventFilter(self)
        window.panels_scroll.verticalScrollBar().valueChanged.connect(self._place_soon.start)
        window.panels_scroll.horizontalScrollBar().valueChanged.connect(self._place_soon.start)
        window.model.changed.connect(self._model_changed)

    # --- reading ---------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.index is not None

    def stop(self) -> Stop | None:
        return STOPS[self.index] if self.index is not None and self.index >= 0 else None

    def pointed(self) -> tuple[QWidget | None, QWidget | None]:
        """The panel and the control outlined now (None, None at the offer)."""
        return self.panel_outline.target, self.control_outline.target

    # --- walking ------------------------------------------------------------------------
    def start(self, offer: bool = False) -> None:
        """From the first stop; ``offer``: first a card asking whether to take the tour (the first run's)."""
        if self.window.settings is not None:
            mark_tour_seen(self.window.settings)
        if offer:
            self._go(-1)
        else:
            self._go(0)

    def next(self) -> None:
        if self.index is None:
            return
        if self.index + 1 >= len(STOPS):
            self.close()
        else:
            self._go(self.index + 1)

    def back(self) -> None:
        if self.index is not None and self.index > 0:
            self._go(self.index - 1)

    def close(self) -> None:
        """Skip / Finish: take the overlay away and put back what the person had before the tour."""
        if self.index is None:
            return
        self.index = None
        for widget in (self.card, self.panel_outline, self.control_outline):
            widget.hide()
        self.panel_outline.target = self.control_outline.target = None
        before, self._before = self._before, None
        if before is not None:
            sentence, step, token = before
            model = self.window.model
            if sentence != model.parameters.sentence and model.parameters.sentence == EXAMPLE_SENTENCE:
                model.set_parameter("sentence", sentence)
            if step in [s.key for s in model.steps]:
                model.go_to(step)
            self.window.journey.set_token(token)

    def _go(self, index: int) -> None:
        window, model = self.window, self.window.model
        if index >= 0:
            if self._before is None:
                self._before = (model.parameters.sentence, model.step.key, window.journey.token())
            if model.requested_parameters.sentence != EXAMPLE_SENTENCE:
                model.set_parameter("sentence", EXAMPLE_SENTENCE)
            window.tabs.setCurrentIndex(window.tabs.indexOf(window.tab_pages["steps"]))
            model.go_to(STOPS[index].step)
            window.journey.set_token(EXAMPLE_TOKEN)
        self.index = index
        self.show_texts()
        self.card.show()
        self.place()

    # --- showing ------------------------------------------------------------------------
    def texts(self) -> list[tuple[str, str]]:
        """(title, text) of the offer and of every stop, in the current language."""
        return [
            (self.tr("Take the guided tour?"), self.tr(
                "In a few clicks, follow the word 爱 of the sentence “我 爱 机器 学习” (I love machine learning) "
                "through the eight steps of multi-head self-attention, from its word vector to the layer's output. "
                "Each stop outlines the panel to look at and the control to try. Help → Guided tour brings it "
                "back at any time.")),
            (self.tr("1 · Embed: each word becomes a row"), self.tr(
                "The sentence is cut into four tokens, and each one is looked up as a row of numbers, its word "
                "vector. Stacked, the rows are the matrix X; 爱 is the second row, outlined in every panel. "
                "Type another sentence here and X changes with it.")),
            (self.tr("2 · Project: a query, a key and a value"), self.tr(
                "Three matrix products turn every row of X into three new vectors per head: a query (what 爱 is "
                "looking for), a key (what the other words can find it by) and a value (what it hands on). "
                "d_k sets how long queries and keys are.")),
            (self.tr("3 · Scores: every query against every key"), self.tr(
                "Row 爱 of QKᵀ holds the dot product of 爱's query with each word's key: the larger it is, the "
                "better they match. K is transposed so that one matrix product pairs every query with every key. "
                "Point at any cell to light the row and the column it is made of.")),
            (self.tr("4 · Scale: divide by √d_k"), self.tr(
                "Dot products of long vectors grow large, and the next step would then give almost all of 爱's "
                "attention to a single word. Dividing by √d_k keeps the numbers moderate. Tick this box to "
                "leave the division out and watch the weights harden.")),
            (self.tr("5 · Softmax: scores become shares"), self.tr(
                "Softmax turns each row into positive weights that add up to 1: how 爱 shares its attention "
                "among 我, 爱, 机器 and 学习. Every head has weights of its own; choose one head here to see it "
                "large.")),
            (self.tr("6 · Weighted sum: mix the values"), self.tr(
                "爱's new vector is a blend of every word's value, each in proportion to the weight 爱 gives it. "
                "Press Show me to watch the result being filled in, with the weights and values behind each "
                "number lit.")),
            (self.tr("7 · Concat: the heads side by side"), self.tr(
                "Each head read the sentence in its own way. Their results for 爱 (and every other token) are "
                "simply placed next to each other, head 1 first; nothing is computed here. The number of heads "
                "is set here.")),
            (self.tr("8 · Output: back to the model's width"), self.tr(
                "W_O blends what the heads found into one vector per token, as wide as the word vectors were: "
                "爱 now carries what it learnt from its neighbours. Press Play to watch the whole computation "
                "again, step by step.")),
        ]

    def show_texts(self) -> None:
        if self.index is None:
            return
        title, body = self.texts()[self.index + 1]
        card = self.card
        card.title.setText(title)
        card.body.setText(body)
        offer = self.index < 0
        card.count.setText("" if offer else self.tr("{0} of {1}").format(self.index + 1, len(STOPS)))
        card.back_button.setVisible(not offer)
        card.back_button.setEnabled(not offer and self.index > 0)
        card.back_button.setText(self.tr("Back"))
        card.skip_button.setText(self.tr("Not now") if offer else self.tr("Skip tour"))
        if offer:
            card.next_button.setText(self.tr("Start the tour"))
        else:
            card.next_button.setText(self.tr("Finish") if self.index == len(STOPS) - 1 else self.tr("Next"))
        card.adjustSize()
        self._place_soon.start()

    def place(self) -> None:
        """Outline the stop's panel and control and put the card beside the panel (again after any move)."""
        if self.index is None:
            return
        window, stop = self.window, self.stop()
        panel = control = None
        if stop is not None:
            panel = next((p for key, _, p in window.step_view.panels() if key == stop.panel), None)
            control = stop.control(window)
            for widget in (panel, control):
                if widget is not None and widget.isVisible():
                    scroll_into_view(widget)
        self._outline(self.panel_outline, panel)
        self._outline(self.control_outline, control)
        self.card.adjustSize()
        self.card.move(self._card_place(None if panel is None else visible_rect(panel, window)))
        self.card.raise_()

    def _outline(self, outline: Outline, target: QWidget | None) -> None:
        outline.target = target
        rect = QRect() if target is None or not target.isVisible() else visible_rect(target, self.window)
        if rect.isEmpty():
            outline.hide()
            return
        outline.setGeometry(rect.adjusted(-4, -4, 4, 4))
        outline.show()
        outline.raise_()

    def _card_place(self, beside: QRect | None) -> QPoint:
        """Right of the panel if there is room, else below, above or left of it, else over its corner.

        Always inside the window, below the menu bar.
        """
        area = self.window.rect().adjusted(GAP, window_top(self.window), -GAP, -GAP)
        size = self.card.size()
        if beside is None or beside.isEmpty():  # the offer: the top right of the panels
            panels = visible_rect(self.window.panels_scroll, self.window)
            point = QPoint(panels.right() - size.width() - GAP, panels.top() + GAP)
        elif beside.right() + GAP + size.width() <= area.right():
            point = QPoint(beside.right() + GAP, beside.top())
        elif beside.bottom() + GAP + size.height() <= area.bottom():  # below: the inputs on the left stay seen
            point = QPoint(beside.right() - size.width(), beside.bottom() + GAP)
        elif beside.top() - GAP - size.height() >= area.top():
            point = QPoint(beside.right() - size.width(), beside.top() - GAP - size.height())
        elif beside.left() - GAP - size.width() >= area.left():
            point = QPoint(beside.left() - GAP - size.width(), beside.top())
        else:
            point = QPoint(beside.right() - size.width(), beside.bottom() - size.height())
        x = min(max(point.x(), area.left()), max(area.left(), area.right() - size.width()))
        y = min(max(point.y(), area.top()), max(area.top(), area.bottom() - size.height()))
        return QPoint(x, y)

    # --- following the window -----------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if self.index is not None and event.type() in (QEvent.Type.Resize, QEvent.Type.Move,
                                                       QEvent.Type.LayoutRequest):
            self._place_soon.start()
        return False

    def _model_changed(self, change) -> None:
        if self.index is not None and change:
            self._place_soon.start()  # the panels may have moved (another step, other heads)


def window_top(window) -> int:
    """Below the menu bar: the card never covers the menus."""
    bar = window.menuBar()
    return (bar.geometry().bottom() + GAP) if bar is not None and bar.isVisible() else GAP
