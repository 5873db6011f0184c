"""Start the real app (``attention_stepper.gui.app.main``) inside a test, without blocking.

``main()`` ends in ``app.exec()``; here exec returns at once, after keeping
the window ``main()`` built (otherwise it would be deleted when ``main``
returns). Whatever ``main()`` changes application-wide (names, font,
excepthook, language) is put back afterwards.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture
def start_app(qapp, monkeypatch):
    """Call ``start_app()`` to run ``main()``; it returns the MainWindow main() showed."""
    from attention_stepper.gui import app as app_module
    from attention_stepper.gui import i18n
    from attention_stepper.gui.main_window import MainWindow

    windows = []
    names = (qapp.organizationName(), qapp.applicationName())
    font = qapp.font()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)

    def exec_once() -> int:
        windows.extend(w for w in QApplication.topLevelWidgets()
                       if isinstance(w, MainWindow) and w.isVisible() and w not in windows)
        return 0

    monkeypatch.setattr(QApplication, "exec", lambda *args: exec_once())

    def start():
        before = len(windows)
        assert app_module.main() == 0
        assert len(windows) == before + 1, windows
        return windows[-1]

    yield start
    for window in windows:
        window.close()
        window.deleteLater()
    i18n.install_language("en")
    qapp.setOrganizationName(names[0])
    qapp.setApplicationName(names[1])
    qapp.setFont(font)
