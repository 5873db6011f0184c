"""Shared test setup: Qt offscreen, and settings kept away from the user's."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Point QSettings at a temporary folder so tests never read or write the user's settings."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # the core tests need no Qt
        yield
        return
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    # The app's own settings file (gui/settings_store.py) follows XDG_CONFIG_HOME on Linux only.
    from attention_stepper.gui import settings_store

    config = tmp_path / "config" / settings_store.ORGANIZATION / f"{settings_store.APPLICATION}.json"
    monkeypatch.setattr(settings_store, "default_path", lambda: config)
    yield
