"""main(): QApplication, settings, model and window, in that order.

Ctrl-C in the terminal that started the app (SIGINT) closes the window as
File → Quit does, so the settings are saved, and the app exits with status
130 (128 + SIGINT, what a shell reports for an interrupted command), with
no traceback.
"""

from __future__ import annotations

import signal
import socket
import sys
from collections.abc import Callable

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication, QWidget

from .errors import install_excepthook
from .fonts import apply_app_font
from .i18n import install_language, system_language
from .main_window import MainWindow
from .model import AttentionModel
from .settings import load_parameters, restore_view, tour_due
from .settings_store import APPLICATION, ORGANIZATION, SettingsStore, refuse_pickled_values

#: The exit status after Ctrl-C.
INTERRUPTED = 128 + signal.SIGINT


def quit_on_interrupt(app: QApplication, window: QWidget) -> Callable[[], None]:
    """Make SIGINT close ``window`` and end the event loop with :data:`INTERRUPTED`.

    Python runs a signal handler only between bytecodes, and none run while
    Qt's event loop waits. ``signal.set_wakeup_fd`` makes the signal also
    write a byte to a socket; Qt watches that socket and calls back into
    Python, and the handler runs then. Returns a function that undoes it all.
    """
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    interrupted = []

    def note(signum, frame) -> None:  # may run inside any Python code: only take note
        interrupted.append(signum)

    def wake() -> None:
        try:
            while reader.recv(64):
                pass
        except BlockingIOError:
            pass
        if interrupted:
            interrupted.clear()
            window.close()
            app.exit(INTERRUPTED)

    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(wake)
    previous_handler = signal.signal(signal.SIGINT, note)
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)

    def undo() -> None:
        signal.set_wakeup_fd(previous_fd)
        signal.signal(signal.SIGINT, previous_handler)
        notifier.setEnabled(False)
        notifier.deleteLater()
        reader.close()
        writer.close()

    return undo


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    refuse_pickled_values()  # before any file dialog reads Qt's own settings
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
    undo = quit_on_interrupt(app, window)
    window.show()
    if tour_due(settings):  # the first run: offer the guided tour (a card over the window, never modal)
        window.start_tour(offer=True)
    try:
        return app.exec()
    finally:
        undo()
