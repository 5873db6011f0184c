"""main(): QApplication, settings, model and window, in that order."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from .errors import install_excepthook
from .fonts import apply_app_font
from .i18n import install_language, system_language
from .main_window import MainWindow
from .model import AttentionModel
from .settings import load_parameters, restore_view
from .settings_store import APPLICATION, ORGANIZATION, SettingsStore

def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    apply_app_font(app)
    settings = SettingsStore()
    install_language(settings.text("view/language", system_language()))
    model = AttentionModel(load_parameters(settings))
    restore_view(settings, model)
    window = MainWindow(model, settings)
    window.restore_geometry()
    install_excepthook(window)
    window.show()
    return app.exec()
