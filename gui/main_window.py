"""The main window: controls on the left, the step bar and panels in the middle,
the explanation on the right; menus, shortcuts and remembered settings."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from attention_stepper.core import __version__

from .controls import ControlsPanel
from .explanation import ExplanationPane
from .exporting import Exporter
from .model import AttentionModel
from .step_bar import StepBar
from .step_view import StepView

APP_NAME = "Attention Stepper"


class MainWindow(QMainWindow):
    def __init__(self, model: AttentionModel, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.model = model
        self.settings = settings
        self.setWindowTitle(APP_NAME)

        self.controls = ControlsPanel(model)
        self.step_bar = StepBar(model)
        self.step_view = StepView(model)
        self.explanation = ExplanationPane(model)
        self.exporter = Exporter(model, self.step_view, self, settings)

        panels_scroll = QScrollArea()
        panels_scroll.setWidgetResizable(True)
        panels_scroll.setWidget(self.step_view)
        self.panels_scroll = panels_scroll
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.step_bar)
        centre_layout.addWidget(panels_scroll, 1)
        controls_scroll = QScrollArea()
        controls_scroll.setWidgetResizable(True)
        controls_scroll.setWidget(self.controls)
        controls_scroll.setMinimumWidth(200)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(controls_scroll)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.explanation)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 760, 280])
        self.setCentralWidget(self.splitter)

        self.hover_label = QLabel()
        self.sizes_label = QLabel()
        self.statusBar().addWidget(self.hover_label, 1)
        self.statusBar().addPermanentWidget(self.sizes_label)
        self.step_view.hovered.connect(self.hover_label.setText)
        model.changed.connect(self._show_sizes)
        self._show_sizes()

        self._create_actions()
        self._create_menus()
        self.resize(1280, 800)

    # --- actions and menus --------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        return action

    def _create_actions(self) -> None:
        tr = self.tr
        navigator = self.step_bar.navigator
        self.export_all_action = self._action(tr("&Export all matrices…"), self.exporter.export_all, "Ctrl+E",
                                              tr("Write every matrix as CSV, with manifest.json and weights.npz"))
        self.export_step_action = self._action(tr("Export this &step as CSV…"), self.exporter.export_step, None,
                                               tr("Write the matrices of the current step as CSV files"))
        self.save_png_action = self._action(tr("Save panel as &picture (PNG, SVG)…"), self.exporter.save_panel_picture,
                                            "Ctrl+Shift+S",
                                            tr("Save the selected panel (click a cell to select) as PNG or SVG"))
        self.save_step_picture_action = self._action(tr("Save step &view as picture (PNG, SVG)…"),
                                                     self.exporter.save_step_picture, None,
                                                     tr("Save all panels of the current step as PNG or SVG"))
        self.copy_action = self._action(tr("&Copy matrix"), self.copy_matrix, "Ctrl+Shift+C",
                                        tr("Copy the selected matrix as tab-separated text for a spreadsheet"))
        self.quit_action = self._action(tr("&Quit"), self.close, "Ctrl+Q", tr("Quit Attention Stepper"))
        self.next_action = self._action(tr("&Next step"), self.model.next, Qt.Key.Key_Right)
        self.previous_action = self._action(tr("&Previous step"), self.model.previous, Qt.Key.Key_Left)
        self.first_action = self._action(tr("&First step"), self.model.first, Qt.Key.Key_Home)
        self.last_action = self._action(tr("&Last step"), self.model.last, Qt.Key.Key_End)
        self.play_action = self._action(tr("Play / &pause"), navigator.toggle_play, Qt.Key.Key_Space)
        self.all_heads_action = self._action(tr("&All heads"), lambda: self.model.set_head(None), "Ctrl+0")
        self.how_to_action = self._action(tr("&How to read this"), self.show_how_to_read, "F1")
        self.about_action = self._action(tr("&About Attention Stepper"), self.show_about)

    def _create_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu(self.tr("&File"))
        for action in (self.export_all_action, self.export_step_action, self.save_png_action,
                       self.save_step_picture_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menus.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.copy_action)
        step_menu = menus.addMenu(self.tr("&Step"))
        for action in (self.first_action, self.previous_action, self.next_action, self.last_action):
            step_menu.addAction(action)
        step_menu.addSeparator()
        step_menu.addAction(self.play_action)
        view_menu = menus.addMenu(self.tr("&View"))
        view_menu.addAction(self.all_heads_action)
        help_menu = menus.addMenu(self.tr("&Help"))
        help_menu.addAction(self.how_to_action)
        help_menu.addAction(self.about_action)

    # --- slots ----------------------------------------------------------------------
    def copy_matrix(self) -> None:
        self.exporter.copy_matrix()
        self.statusBar().showMessage(self.exporter.last_message, 3000)

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

    def show_how_to_read(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("How to read this"))
        browser = QTextBrowser(dialog)
        browser.setHtml(resources.files("attention_stepper.resources").joinpath("how_to_read.html")
                        .read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        dialog.resize(620, 560)
        self.how_to_dialog = dialog
        dialog.show()

    # --- settings -------------------------------------------------------------------
    def restore_geometry(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window/splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)
        try:
            self.step_bar.navigator.speed.setValue(float(self.settings.value("view/speed", 1.5)))
        except (TypeError, ValueError):
            pass  # a damaged value: keep the default speed

    def save_settings(self) -> None:
        if self.settings is None:
            return
        from .settings import save_parameters

        save_parameters(self.settings, self.model)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("view/speed", self.step_bar.navigator.speed.value())
        self.settings.sync()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.step_bar.navigator.pause()
        self.save_settings()
        super().closeEvent(event)
