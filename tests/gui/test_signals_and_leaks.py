"""Long sessions and the terminal: language switches keep nothing, Ctrl-C quits cleanly."""

import gc
import json
import os
import signal
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

from attention_stepper.gui import i18n

START_AND_SAY_READY = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
QTimer.singleShot(0, lambda: print("ready", flush=True))
from attention_stepper.gui.cli import main
sys.exit(main([]))
"""


@pytest.fixture
def english_afterwards():
    yield
    i18n.install_language("en")


def test_switching_languages_many_times_keeps_no_old_translator(qapp, english_afterwards):
    def translators() -> int:
        gc.collect()
        return len(qapp.findChildren(QTranslator)) + sum(type(o) is QTranslator for o in gc.get_objects())

    assert i18n.install_language("zh_CN")
    assert i18n.install_language("en")
    before = translators()
    for _ in range(50):
        assert i18n.install_language("zh_CN")
        first = [weakref.ref(translator) for translator in i18n._installed]
        assert i18n.install_language("zh_CN")  # the same language again replaces, not adds
        assert i18n.install_language("en")
        gc.collect()
        assert all(ref() is None for ref in first), "a replaced translator is still alive"
    assert translators() == before
    assert i18n.install_language("zh_CN")
    assert len(i18n._installed) <= 2 and translators() <= before + 2
    assert i18n.core_text("Divide by √d_k") != "Divide by √d_k"  # the Chinese translator still works


def test_a_missing_translation_changes_nothing(qapp, english_afterwards, monkeypatch):
    assert i18n.install_language("zh_CN")
    translated = i18n.core_text("Divide by √d_k")
    monkeypatch.setattr(i18n, "_translation_file", lambda code: "/nonexistent/attention_stepper.qm")
    assert not i18n.install_language("zh_CN")
    assert i18n.current_language() == "zh_CN" and i18n.core_text("Divide by √d_k") == translated


def test_ctrl_c_in_the_terminal_quits_the_app_cleanly_and_saves_its_settings(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    app = subprocess.Popen([sys.executable, "-c", START_AND_SAY_READY], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=env, cwd=tmp_path)
    try:
        assert app.stdout.readline().strip() == "ready"
        app.send_signal(signal.SIGINT)
        _, stderr = app.communicate(timeout=60)
    finally:
        app.kill()
    assert app.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    saved = json.loads((Path(env["XDG_CONFIG_HOME"]) / "AttentionStepper" / "attention-stepper.json").read_text("utf-8"))
    assert saved["parameters/heads"] == 2 and "window/geometry" in saved
