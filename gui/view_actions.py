"""The View menu's reading aids: zoom, the attention heatmaps' colour scale, full screen and presentation.

- Zoom in / Zoom out / Actual size (Ctrl+= or Ctrl++, Ctrl+−, Ctrl+0) scale every text (gui/zoom.py);
  the zoom is shown in the status bar and remembered.
- Colour scale: Linear (0–1), Per row or Logarithmic for the attention weights of the Steps,
  journey and head-statistics tabs; remembered.
- Full screen (F11) and Presentation (gui/presentation.py) toggle; neither is remembered.

Settings are written as soon as they change (as the language is), under ``view/zoom`` and
``view/colour_scale``; a damaged value falls back to actual size / linear.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel

from .heatmap import SCALES, MatrixPanel
from .panel_watch import PanelWatch
from .presentation import Presentation
from .zoom import ACTUAL_SIZE, ZOOM_STEPS, Zoom, nearest_step, percent

ZOOM_KEY = "view/zoom"
SCALE_KEY = "view/colour_scale"
# The tabs whose attention heatmaps follow View → Colour scale (by their names in MainWindow.tab_pages).
SCALED_TABS = ("steps", "heads", "journey")


class ViewActions(QObject):
    """The actions, their menu entries and the zoom's status-bar label, for one main window."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.settings = window.settings
        self.watch = PanelWatch(window, window.tabs, self._shown_panels)
        self.zoom = Zoom(window, self.watch)
        self.presentation = Presentation(window, self.zoom)

        self.zoom_in_action = self._action(self.zoom.zoom_in, ("Ctrl+=", "Ctrl++"))
        self.zoom_out_action = self._action(self.zoom.zoom_out, ("Ctrl+-",))
        self.actual_size_action = self._action(self.zoom.actual_size, ("Ctrl+0",))
        self.full_screen_action = self._action(self.set_full_screen, ("F11",), checkable=True)
        self.presentation_action = self._action(self.presentation.set_active, (), checkable=True)
        self.presentation.toggled.connect(self._presentation_toggled)

        self.scale_group = QActionGroup(self)
        self.scale_actions: dict[str, QAction] = {}
        for scale in SCALES:
            action = QAction(self)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, scale=scale: self.set_scale(scale))
            self.scale_group.addAction(action)
            self.scale_actions[scale] = action
        self._scale = "linear"
        self.scale_actions["linear"].setChecked(True)

        menu = window.view_menu
        menu.addSeparator()
        for action in (self.zoom_in_action, self.zoom_out_action, self.actual_size_action):
            menu.addAction(action)
        self.scale_menu = menu.addMenu("")
        self.scale_menu.setToolTipsVisible(True)
        for action in self.scale_actions.values():
            self.scale_menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.full_screen_action)
        menu.addAction(self.presentation_action)

        self.zoom_label = QLabel()
        self.zoom_label.setContentsMargins(12, 0, 4, 0)  # apart from the sizes beside it
        window.statusBar().addPermanentWidget(self.zoom_label)
        window.installEventFilter(self)  # the full-screen entry follows the window's state

        self.watch.add(self._apply_scale, self._scaled_roots)
        if self.settings is not None:  # what was remembered, without writing it back
            scale = self.settings.text(SCALE_KEY, "linear")
            self.set_scale(scale if scale in SCALES else "linear", remember=False)
            self.zoom.set_factor(nearest_step(self.settings.number(ZOOM_KEY, ACTUAL_SIZE)))
        self._enable_zoom_actions()
        self.zoom.changed.connect(self._zoom_changed)
        self.retranslate()

    def _action(self, slot, shortcuts, checkable: bool = False) -> QAction:
        action = QAction(self.window)
        action.setShortcuts([QKeySequence(shortcut) for shortcut in shortcuts])
        action.setCheckable(checkable)
        if checkable:
            action.triggered.connect(lambda checked: slot(checked))
        else:
            action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)  # shortcuts work even while the menu bar is hidden (full screen)
        return action

    def _shown_panels(self) -> list[MatrixPanel]:
        """The panels a change of the model may have made: the current tab's."""
        page = self.window.tabs.currentWidget()
        if page is self.window.tab_pages["steps"]:
            return [panel for _key, _head, panel in self.window.step_view.panels()]
        return page.findChildren(MatrixPanel) if page is not None else []

    # --- colour scale --------------------------------------------------------------------
    def scale(self) -> str:
        return self._scale

    def set_scale(self, scale: str, remember: bool = True) -> None:
        """Colour the attention weights "linear" (0–1), per "row" or "log" (see MatrixPanel.set_scale)."""
        if scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
        self._scale = scale
        self.scale_actions[scale].setChecked(True)
        self.watch.refresh()
        if remember:
            self._remember(SCALE_KEY, scale)

    def _scaled_roots(self) -> list:
        return [self.window.tab_pages[name] for name in SCALED_TABS]

    def _apply_scale(self, panel: MatrixPanel) -> None:
        panel.set_scale(self._scale)

    # --- zoom, full screen, presentation ---------------------------------------------------
    def _zoom_changed(self, factor: float) -> None:
        self._show_zoom()
        if not self.presentation.is_active():  # a presentation's zoom is not the one to come back to
            self._remember(ZOOM_KEY, factor)
        self._enable_zoom_actions()

    def _enable_zoom_actions(self) -> None:
        factor = self.zoom.factor()
        self.zoom_in_action.setEnabled(factor < ZOOM_STEPS[-1])
        self.zoom_out_action.setEnabled(factor > ZOOM_STEPS[0])

    def _show_zoom(self) -> None:
        self.zoom_label.setText(self.tr("Zoom {0}%").format(percent(self.zoom.factor())))

    def set_full_screen(self, full: bool) -> None:
        state = self.window.windowState()
        if full:
            self.window.setWindowState(state | Qt.WindowState.WindowFullScreen)
        else:
            self.window.setWindowState(state & ~Qt.WindowState.WindowFullScreen)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() == QEvent.Type.WindowStateChange:
            self.full_screen_action.setChecked(self.window.isFullScreen())
        return False

    def _presentation_toggled(self, active: bool) -> None:
        self.presentation_action.setChecked(active)

    def _remember(self, key: str, value) -> None:
        if self.settings is not None:
            self.settings.set(key, value)
            self.settings.sync()

    # --- texts -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        texts = {
            self.zoom_in_action: (self.tr("Zoom &in"), self.tr("Make every text larger: numbers, labels, "
                                                               "explanation and controls (Ctrl+=)")),
            self.zoom_out_action: (self.tr("Zoom &out"), self.tr("Make every text smaller (Ctrl+−)")),
            self.actual_size_action: (self.tr("Actual si&ze"), self.tr("Every text at its usual size (Ctrl+0)")),
            self.full_screen_action: (self.tr("F&ull screen"), self.tr("Use the whole screen (F11)")),
            self.presentation_action: (self.tr("Pr&esentation"), self.tr(
                "For a projector: one head large with big numbers, the controls out of the way; "
                "choose it again to go back")),
            self.scale_actions["linear"]: (self.tr("&Linear (0–1)"), self.tr(
                "Dark is 0 and yellow is 1, the same for every row")),
            self.scale_actions["row"]: (self.tr("Per &row"), self.tr(
                "Each row scaled to its own maximum, so 200 tokens are not a solid block")),
            self.scale_actions["log"]: (self.tr("Lo&garithmic"), self.tr(
                "Colours by powers of ten from 0.0001 to 1: small weights are told apart too")),
        }
        for action, (text, tip) in texts.items():
            action.setText(text)
            action.setStatusTip(tip)
            action.setToolTip(tip)
        self.scale_menu.setTitle(self.tr("&Colour scale"))
        self.scale_menu.setToolTip(self.tr("How the attention weights are coloured (Steps, journey and head "
                                           "statistics)"))
        self.zoom_label.setToolTip(self.tr("The size of every text: View → Zoom in (Ctrl+=), Zoom out (Ctrl+−), "
                                           "Actual size (Ctrl+0)"))
        self._show_zoom()
