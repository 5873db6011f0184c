"""The main window: controls on the left, the step bar and panels in the middle,
the explanation on the right; menus, shortcuts and remembered settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from attention_stepper.core import __version__

from .compare_view import CompareView
from .controls import ControlsPanel
from .decode_view import DecodeView
from .explanation import ExplanationPane
from .exporting import Exporter
from .head_stats import HeadStatisticsView
from .help_window import HowToReadWindow
from .journey_view import TokenJourneyView
from .i18n import LANGUAGES, Retranslating, current_language, install_language
from .model import AttentionModel
from .model_actions import ModelActions
from .presets import PresetMenu
from .scaling_lab import ScalingLab
from .sessions import SessionActions
from .settings_store import SettingsStore
from .step_animation import StepAnimation
from .step_bar import StepBar
from .step_view import StepView, follows_tokens, matrix_title
from .tiles_view import TilesView
from .view_actions import ViewActions
from .window_geometry import ControlsScroll, fit_to_screen
from .weights_indicator import WeightsIndicator
from .worker import ComputeWorker


class MainWindow(Retranslating, QMainWindow):
    def __init__(self, model: AttentionModel, settings: SettingsStore | None = None, parent=None):
        super().__init__(parent)
        self.model = model
        self.settings = settings
        if settings is not None:
            settings.saveFailed.connect(self._settings_not_saved)

        self.controls = ControlsPanel(model)
        self.step_bar = StepBar(model)
        self.step_view = StepView(model)
        # "Show me" and Play fill each step's result in (Esc shows it all).
        self.animation = StepAnimation(model, self.step_view, self.step_bar.navigator.speed.value, self)
        self.step_bar.navigator.set_animation(self.animation)
        self.explanation = ExplanationPane(model)
        self.exporter = Exporter(model, self.step_view, self, settings)
        self.sessions = SessionActions(model, self, settings)
        self.step_view.editRequested.connect(self.edit_cell)
        model.errorChanged.connect(self._cell_refused)

        panels_scroll = QScrollArea()
        panels_scroll.setWidgetResizable(True)
        panels_scroll.setWidget(self.step_view)
        self.panels_scroll = panels_scroll
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.step_bar)
        centre_layout.addWidget(panels_scroll, 1)
        controls_scroll = ControlsScroll(self.controls)  # as wide as the controls need, in every language
        self.controls_scroll = controls_scroll

        self.scaling_lab = ScalingLab(model)
        self.head_statistics = HeadStatisticsView(model)
        self.journey = TokenJourneyView(model)
        self.step_view.cellClicked.connect(self._follow_clicked_token)
        self.step_view.tokenClicked.connect(self.journey.set_token)
        self.journey.tokenChanged.connect(self.step_view.follow_token)
        self.step_view.follow_token(self.journey.token())
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(centre, "")
        self.tabs.addTab(self.journey, "")
        self.tabs.addTab(self.head_statistics, "")
        self.tabs.addTab(self.scaling_lab, "")
        self.compare_view = CompareView(model)
        self.tabs.addTab(self.compare_view, "")
        self.compare_view.divergenceChanged.connect(self.step_bar.stages.mark_divergence)
        self.compare_view.openRequested.connect(self.compare_with_dump)
        self.tiles_view = TilesView(model)
        self.decode_view = DecodeView(model)
        self.tabs.addTab(self.tiles_view, "")
        self.tabs.addTab(self.decode_view, "")
        #: Each tab's page by the name the screenshot command's --tab gives it (cli.SCREENSHOT_TABS).
        self.tab_pages = {"steps": centre, "journey": self.journey, "heads": self.head_statistics,
                          "scaling": self.scaling_lab, "compare": self.compare_view, "tiles": self.tiles_view,
                          "generate": self.decode_view}

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(controls_scroll)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.explanation)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 760, 280])
        self.setCentralWidget(self.splitter)

        self.hover_label = QLabel()
        self.sizes_label = QLabel()
        self.statusBar().addWidget(self.hover_label, 1)
        self.statusBar().addPermanentWidget(self.sizes_label)
        self.weights_indicator = WeightsIndicator(model)  # seeded, the loaded file's name, a real model; edits
        self.exporter.weightsOpened.connect(self.weights_indicator.remember)
        self.statusBar().addPermanentWidget(self.weights_indicator)
        self.step_view.hovered.connect(self.hover_label.setText)
        model.changed.connect(self._model_changed)
        self._show_sizes()

        self._create_actions()
        self._create_menus()
        self.model_actions = ModelActions(self)  # File → Open model…, the layer spin box and the badge
        self.view_actions = ViewActions(self)  # View → zoom, colour scale, full screen, presentation
        self.retranslate()
        self.resize(1280, 800)

    # --- actions and menus --------------------------------------------------------
    def _action(self, slot, shortcut=None) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        return action

    def _create_actions(self) -> None:
        navigator = self.step_bar.navigator
        self.export_all_action = self._action(self.exporter.export_all, "Ctrl+E")
        self.export_step_action = self._action(self.exporter.export_step)
        self.save_png_action = self._action(self.exporter.save_panel_picture, "Ctrl+Shift+S")
        self.save_step_picture_action = self._action(self.exporter.save_step_picture)
        self.copy_action = self._action(self.copy_matrix, "Ctrl+Shift+C")
        self.open_weights_action = self._action(self.exporter.open_weights, "Ctrl+Shift+O")
        self.open_session_action = self._action(self.sessions.open, "Ctrl+O")
        self.save_session_action = self._action(self.sessions.save, "Ctrl+S")
        self.reset_edits_action = self._action(self.model.reset_edits)
        self.save_weights_action = self._action(self.exporter.save_weights)
        self.reset_weights_action = self._action(lambda: self.model.set_weights(None))
        self.compare_action = self._action(self.compare_with_dump)
        self.quit_action = self._action(self.close, "Ctrl+Q")
        self.next_action = self._action(self.model.next, Qt.Key.Key_Right)
        self.previous_action = self._action(self.model.previous, Qt.Key.Key_Left)
        self.first_action = self._action(self.model.first, Qt.Key.Key_Home)
        self.last_action = self._action(self.model.last, Qt.Key.Key_End)
        self.play_action = self._action(navigator.toggle_play, Qt.Key.Key_Space)
        self.all_heads_action = self._action(lambda: self.model.set_head(None), "Ctrl+Shift+A")  # Ctrl+0: actual size
        self.how_to_action = self._action(self.show_how_to_read, "F1")
        self.tour_action = self._action(self.start_tour)
        self.tour = None  # the guided tour (gui/tour.py), made when first started
        self.about_action = self._action(self.show_about)
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            action = QAction(name, self)  # each language is named in itself, whatever the current language
            action.setCheckable(True)
            action.setChecked(code == current_language())
            action.triggered.connect(lambda _checked=False, code=code: self.set_language(code))
            self.language_group.addAction(action)
            self.language_actions[code] = action

    def _create_menus(self) -> None:
        menus = self.menuBar()
        self.file_menu = menus.addMenu("")
        self.file_menu.addAction(self.open_session_action)
        self.recent_menu = self.file_menu.addMenu("")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.sessions.recentChanged.connect(self._fill_recent_menu)
        self.file_menu.addAction(self.save_session_action)
        self.file_menu.addSeparator()
        for action in (self.export_all_action, self.export_step_action, self.save_png_action,
                       self.save_step_picture_action):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.open_weights_action)
        self.file_menu.addAction(self.save_weights_action)
        self.file_menu.addAction(self.reset_weights_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.compare_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = menus.addMenu("")
        self.edit_menu.addAction(self.copy_action)
        self.edit_menu.addAction(self.reset_edits_action)
        self.step_menu = menus.addMenu("")
        for action in (self.first_action, self.previous_action, self.next_action, self.last_action):
            self.step_menu.addAction(action)
        self.step_menu.addSeparator()
        self.step_menu.addAction(self.play_action)
        self.view_menu = menus.addMenu("")
        self.view_menu.addAction(self.all_heads_action)
        self.presets_menu = PresetMenu(self.model, self)
        self.presets_menu.refused.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.view_menu.addMenu(self.presets_menu)
        self.language_menu = self.view_menu.addMenu("")
        for action in self.language_actions.values():
            self.language_menu.addAction(action)
        self.help_menu = menus.addMenu("")
        self.help_menu.addAction(self.how_to_action)
        self.help_menu.addAction(self.tour_action)
        self.help_menu.addAction(self.about_action)

    def retranslate(self) -> None:
        """Set every text of the window itself again (the widgets inside do their own)."""
        self.setWindowTitle(self.tr("Attention Stepper"))
        texts = {
            self.export_all_action: (self.tr("&Export all matrices…"),
                                     self.tr("Write every matrix as CSV, with manifest.json and weights.npz")),
            self.export_step_action: (self.tr("Export this &step as CSV…"),
                                      self.tr("Write the matrices of the current step as CSV files")),
            self.save_png_action: (self.tr("Save panel as &picture (PNG, SVG)…"),
                                   self.tr("Save the selected panel (click a cell to select it) as PNG or SVG")),
            self.save_step_picture_action: (self.tr("Save step &view as picture (PNG, SVG)…"),
                                            self.tr("Save all panels of the current step as PNG or SVG")),
            self.copy_action: (self.tr("&Copy matrix"),
                               self.tr("Copy the selected matrix as tab-separated text for a spreadsheet")),
            self.quit_action: (self.tr("&Quit"), self.tr("Quit Attention Stepper")),
            self.open_weights_action: (self.tr("&Open weights…"), self.tr(
                "Use W_Q, W_K, W_V and W_O from an .npz file (ours, or PyTorch's MultiheadAttention layout)")),
            self.save_weights_action: (self.tr("Save &weights…"), self.tr(
                "Save the current weights as .npz, in our layout or PyTorch's (needs d_k = d_v = d_model / h)")),
            self.reset_weights_action: (self.tr("&Reset to random weights"), self.tr(
                "Go back to the seeded random weights (from a real model: of the same sizes)")),
            self.open_session_action: (self.tr("&Open session…"), self.tr(
                "Open a saved session: sentence, parameters, weights and edited cells")),
            self.save_session_action: (self.tr("&Save session…"), self.tr(
                "Save the sentence, every parameter, the weights and edited cells in one file")),
            self.compare_action: (self.tr("&Compare with my implementation…"), self.tr(
                "Open a dump of your own attention code's x, weights and intermediates and see where it differs")),
            self.reset_edits_action: (self.tr("&Reset edited cells"), self.tr(
                "Return every cell you typed over (outlined in orange) to its value")),
            self.next_action: (self.tr("&Next step"), ""),
            self.previous_action: (self.tr("&Previous step"), ""),
            self.first_action: (self.tr("&First step"), ""),
            self.last_action: (self.tr("&Last step"), ""),
            self.play_action: (self.tr("Play / &pause"), ""),
            self.all_heads_action: (self.tr("&All heads"), self.tr("Show every head side by side")),
            self.how_to_action: (self.tr("&How to read this"), ""),
            self.tour_action: (self.tr("&Guided tour"), self.tr(
                "Follow the word 爱 through every step, with the panel and the control each step is about")),
            self.about_action: (self.tr("&About Attention Stepper"), ""),
        }
        for action, (text, tip) in texts.items():
            action.setText(text)
            action.setStatusTip(tip)
            action.setToolTip(tip or text.replace("&", ""))
        self.tabs.setTabText(0, self.tr("Steps"))
        self.tabs.setTabText(1, self.tr("A token's journey"))
        self.tabs.setTabText(2, self.tr("Head statistics"))
        self.tabs.setTabText(3, self.tr("Scaling lab: why √d_k"))
        self.tabs.setTabText(4, self.tr("Compare"))
        self.tabs.setTabToolTip(0, self.tr("Walk through the computation one step at a time"))
        self.tabs.setTabToolTip(1, self.tr("One token through one head: dot products, softmax, weighted sum"))
        self.tabs.setTabToolTip(2, self.tr("Compare all heads: their attention, entropy and distance"))
        self.tabs.setTabToolTip(3, self.tr("Entropy and largest weight against d_k, with and without scaling"))
        self.tabs.setTabToolTip(4, self.tr("Your own implementation's matrices next to ours, and what went wrong"))
        for page, title, tip in (
                (self.tiles_view, self.tr("Online softmax (FlashAttention)"), self.tr(
                    "One head computed tile by tile with a running max and sum: the same numbers without ever "
                    "holding the n × n scores")),
                (self.decode_view, self.tr("Generate (KV cache)"), self.tr(
                    "The sentence generated one token at a time: keys and values cached, one new row of attention "
                    "per step"))):
            self.tabs.setTabText(self.tabs.indexOf(page), title)
            self.tabs.setTabToolTip(self.tabs.indexOf(page), tip)
        self.file_menu.setTitle(self.tr("&File"))
        self.recent_menu.setTitle(self.tr("Recent &sessions"))
        self._fill_recent_menu()
        self.edit_menu.setTitle(self.tr("&Edit"))
        self.step_menu.setTitle(self.tr("&Step"))
        self.view_menu.setTitle(self.tr("&View"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.help_menu.setTitle(self.tr("&Help"))
        self._show_sizes()
        if hasattr(self, "model_actions"):  # after the title: a real model's name goes in it
            self.model_actions.retranslate()
        if hasattr(self, "view_actions"):
            self.view_actions.retranslate()

    def set_language(self, code: str) -> None:
        """Switch the whole app to another language at once, keeping every setting and step."""
        if install_language(code):
            self.language_actions[code].setChecked(True)
            if self.settings is not None:
                self.settings.set("view/language", code)
                self.settings.sync()

    # --- slots ----------------------------------------------------------------------
    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.sessions.recent()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _checked=False, path=path: self.sessions.open(path))
        if not recent:
            self.recent_menu.addAction(self.tr("(none yet)")).setEnabled(False)

    def edit_cell(self, key: str, head: int, row: int, column: int, value: float | None = None) -> bool:
        """Type a new value into a cell of X or a W matrix (asks for it when ``value`` is None)."""
        head = None if head < 0 else head
        computation = self.model.computation
        if value is None:
            matrix = computation.matrix(key, head)
            rows, columns = computation.labels(key)
            name = matrix_title(key, head, matrix.shape).split("  ")[0]
            value, accepted = QInputDialog.getDouble(
                self, self.tr("Edit a cell"),
                self.tr("New value for {0}[{1}, {2}] (every later matrix is recomputed):").format(
                    name, rows[row], columns[column]),
                float(matrix[row, column]), -1e6, 1e6, 6)
            if not accepted:
                return False
        return self.model.set_cell(key, head, row, column, value)

    def compare_with_dump(self, path: str | None = None) -> bool:
        """File → Compare with my implementation…: open a dump (asking for it when ``path`` is None)."""
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, self.tr("Compare with my implementation"), "",
                self.tr("Dumps (*.npz *.safetensors);;All files (*)"))
            if not path:
                return False
        self.tabs.setCurrentWidget(self.compare_view)
        opened = self.compare_view.open_dump(path)
        if not opened:
            self.statusBar().showMessage(self.compare_view.error, 8000)
        return opened

    def _follow_clicked_token(self, key: str, head: int, row: int, column: int) -> None:
        """Clicking a cell in a matrix whose rows are tokens follows that row's token."""
        if follows_tokens(self.model.computation, key):  # not the memory's rows in cross-attention
            self.journey.set_token(row)

    def _cell_refused(self, name: str, message: str) -> None:
        """Refusals no control shows: a typed cell, or weights and sessions whose computation failed."""
        if name in ("cell", "weights", "session") and message:
            self.statusBar().showMessage(message, 8000)

    def _settings_not_saved(self, reason: str) -> None:
        """Said once; the store stays quiet about later failures until a save succeeds again."""
        self.statusBar().showMessage(self.tr("Could not save the settings to {0}: {1}. "
                                             "Changes will be forgotten when the app closes.").format(
            self.settings.path, reason))


    def copy_matrix(self) -> None:
        self.exporter.copy_matrix()
        self.statusBar().showMessage(self.exporter.last_message, 3000)

    def _model_changed(self, change) -> None:
        if change.computation:
            self._show_sizes()

    def _show_sizes(self) -> None:
        p = self.model.parameters
        self.sizes_label.setText(self.tr("{0} tokens · {1} heads · d_model {2} · d_k {3} · d_v {4}").format(
            len(self.model.computation.tokens), p.heads, p.d_model, p.d_k, p.value_dim))

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About Attention Stepper"), self.tr(
            "<h3>Attention Stepper {0}</h3>"
            "<p>Watch multi-head self-attention being computed one step at a time: "
            "embed, project, QKᵀ, scale, mask, softmax, A·V, concat and W_O, with every "
            "matrix on screen and exportable as CSV.</p>"
            "<p>The numbers come from a NumPy reference implementation with random, seeded "
            "word vectors and weights: it shows how attention computes, not what a trained model has learnt.</p>"
        ).format(__version__))

    def start_tour(self, offer: bool = False) -> "Tour":  # noqa: F821 (imported when first needed)
        """Help → Guided tour: walk through the steps from the first; ``offer``: first ask (the first run's)."""
        from .tour import Tour

        if self.tour is None:
            self.tour = Tour(self)
        self.tour.start(offer=offer)
        return self.tour

    def show_how_to_read(self) -> None:
        """One How-to-read window (gui/help_window.py), made once and shown again: it follows the language."""
        if getattr(self, "how_to_dialog", None) is None:
            self.how_to_dialog = HowToReadWindow(self)
        self.how_to_dialog.show()
        self.how_to_dialog.raise_()
        self.how_to_dialog.activateWindow()

    # --- settings -------------------------------------------------------------------
    def restore_geometry(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.data("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            fit_to_screen(self)  # the first start: the whole window on the screen it opens on
        state = self.settings.data("window/splitter")
        if state is not None:
            self.splitter.restoreState(state)
        self.step_bar.navigator.speed.setValue(self.settings.number("view/speed", 1.5))

    def save_settings(self) -> None:
        if self.settings is None:
            return
        from .settings import save_parameters

        save_parameters(self.settings, self.model)
        self.settings.set_data("window/geometry", self.saveGeometry())
        self.settings.set_data("window/splitter", self.splitter.saveState())
        self.settings.set("view/speed", self.step_bar.navigator.speed.value())
        self.settings.sync()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.step_bar.navigator.pause()
        # Computations still running are dropped (they run to their end; nothing of theirs is shown).
        self.model.close()
        for worker in self.findChildren(ComputeWorker):
            worker.close()
        self.save_settings()
        super().closeEvent(event)
