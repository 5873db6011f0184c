"""An unexpected error in a slot becomes one dialog, and the app goes on.

Qt calls Python slots from its event loop; an exception there would
otherwise print a traceback to a console the person may not have. The hook
shows the message with a "Copy details" button (the traceback, for a bug
report) and never stacks a second dialog on top of an open one.
"""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

_showing = False


def error_dialog(parent: QWidget | None, error: BaseException, details: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("ErrorDialog", "Something went wrong"))
    box.setText(QCoreApplication.translate("ErrorDialog", "{0}\n\nYour work is still open; you can go on.").format(
        str(error) or type(error).__name__))
    box.setDetailedText(details)
    copy = box.addButton(QCoreApplication.translate("ErrorDialog", "Copy details"), QMessageBox.ButtonRole.ActionRole)
    copy.clicked.disconnect()  # keep the box open after copying
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
    box.addButton(QMessageBox.StandardButton.Ok)
    return box


def install_excepthook(parent: QWidget | None) -> None:
    def hook(kind, error, trace) -> None:
        global _showing
        details = "".join(traceback.format_exception(kind, error, trace))
        sys.stderr.write(details)
        if issubclass(kind, KeyboardInterrupt) or _showing:
            return
        _showing = True
        try:
            error_dialog(parent, error, details).exec()
        finally:
            _showing = False

    sys.excepthook = hook
