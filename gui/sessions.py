"""File → Save session, Open session and Recent sessions.

A session is one ``.attn.npz`` file (core.session): the sentence, every
parameter, loaded weights and typed-over cells, the step and the head.
It is read back without pickle; a bad file is refused with a message and
changes nothing.

The Recent sessions list is shared by every running instance: each change
re-reads the stored list just before writing and merges into it, so two
windows open at once keep each other's entries.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from attention_stepper.core.session import SESSION_SUFFIX, SessionFileError, load_session, save_session

from .model import AttentionModel
from .settings_store import SettingsStore, as_texts

MAX_RECENT = 8


class SessionActions(QObject):
    #: The list of recent sessions changed (the menu rebuilds itself).
    recentChanged = Signal()

    def __init__(self, model: AttentionModel, owner: QWidget, settings: SettingsStore | None = None):
        super().__init__(owner)
        self.model = model
        self.owner = owner
        self.settings = settings
        self.last_message = ""
        self._recent_here: list[str] = []  # the list when there are no settings

    # --- recent sessions -----------------------------------------------------------
    def recent(self) -> list[str]:
        """The most recent first, as any running instance last stored it."""
        if self.settings is None:
            return list(self._recent_here)
        self.settings.reload()
        return self.settings.texts("sessions/recent")[:MAX_RECENT]

    def _change_recent(self, change) -> None:
        """Apply ``change`` (a function of the list) to the list as stored right now, and store it."""
        if self.settings is None:
            self._recent_here = change(self._recent_here)[:MAX_RECENT]
        else:
            self.settings.sync({"sessions/recent": lambda stored: change(as_texts(stored))[:MAX_RECENT]})
        self.recentChanged.emit()

    def _remember(self, path: Path) -> None:
        self._change_recent(lambda paths: [str(path)] + [p for p in paths if p != str(path)])

    def _forget(self, path: Path) -> None:
        self._change_recent(lambda paths: [p for p in paths if p != str(path)])

    def _report(self, message: str, interactive: bool) -> None:
        self.last_message = message
        if interactive:
            QMessageBox.warning(self.owner, self.tr("Session"), message)

    # --- actions -------------------------------------------------------------------
    def save(self, path: str | Path | None = None) -> Path | None:
        interactive = path is None
        if path is None:
            start = self.recent()[0] if self.recent() else str(Path.home() / f"session{SESSION_SUFFIX}")
            path = QFileDialog.getSaveFileName(self.owner, self.tr("Save session"), start,
                                               self.tr("Attention Stepper sessions (*{0})").format(SESSION_SUFFIX))[0]
            if not path:
                return None
            if not path.endswith(SESSION_SUFFIX):
                path += SESSION_SUFFIX
        path = Path(path)
        model = self.model
        try:
            save_session(path, model.parameters, model.custom_weights, model.edits, model.step.key, model.head)
        except (OSError, ValueError) as error:
            self._report(self.tr("Could not save {0}: {1}. Nothing was written.").format(
                path, getattr(error, "strerror", None) or error), interactive)
            return None
        self._remember(path)
        self.last_message = self.tr("Saved {0}").format(path.name)
        return path

    def open(self, path: str | Path | None = None) -> bool:
        interactive = path is None
        if path is None:
            start = str(Path(self.recent()[0]).parent) if self.recent() else str(Path.home())
            path = QFileDialog.getOpenFileName(self.owner, self.tr("Open session"), start,
                                               self.tr("Attention Stepper sessions (*{0});;All files (*)").format(
                                                   SESSION_SUFFIX))[0]
            if not path:
                return False
        path = Path(path)
        try:
            session = load_session(path)
            self.model.restore_session(session)
        except (SessionFileError, ValueError, OSError) as error:
            if isinstance(error, FileNotFoundError) or not path.exists():
                self._forget(path)
            self._report(self.tr("Could not open {0}: {1}").format(path.name, error), interactive)
            return False
        self._remember(path)
        self.last_message = self.tr("Opened {0}").format(path.name)
        return True
