"""Remembered settings are data, never code: a crafted settings file cannot run anything.

PySide6's QSettings turns a ``@Variant(…PySide::PyObjectWrapper…)`` value
back into a Python object with ``pickle.loads`` as soon as any key of its
section is read (``value(key, type=str)`` included) and whenever anything
is written (``sync`` parses every section first). So the app keeps its own
settings in JSON (gui/settings_store.py), and disarms PySide's unpickling for
what Qt still reads through QSettings (a file dialog's QtProject.conf).
"""

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from attention_stepper.core import Parameters

from app_start import start_app  # noqa: F401 (a fixture)

SECTIONS_AND_KEYS = ("view/speed", "view/language", "view/step", "view/head", "parameters/heads",
                     "parameters/sentence", "window/geometry", "window/splitter", "sessions/recent", "export/folder")


class Planted:
    """Pickles to a call of ``open(marker, "w")``."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


PLANT = """
import sys
from PySide6.QtCore import QSettings

class Planted:
    def __reduce__(self):  # unpickling it calls open(marker, "w"): the marker file appears
        return open, (sys.argv[1], "w")

for path in sys.argv[2:-1]:
    planted = QSettings(path, QSettings.Format.IniFormat)  # a new file: written without reading anything back
    for key in sys.argv[-1].split(","):
        planted.setValue(key, Planted())
    planted.sync()
"""


def qsettings_file(organization="AttentionStepper", application="attention-stepper") -> str:
    """Where ``QSettings()`` in the app reads and writes (the tests' isolated folder)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, organization, application).fileName()


def json_settings_file() -> Path:
    """Where the app keeps its settings (isolated by tests/conftest.py)."""
    from attention_stepper.gui.settings_store import default_path

    return default_path()


def plant(marker: Path, *paths: str) -> str:
    """Write settings files whose every key holds a pickled call; return the first one's text.

    Written by another process: in this one Qt would keep the written
    values cached and hand them back without ever unpickling them.
    """
    for path in paths:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", PLANT, str(marker), *paths, ",".join(SECTIONS_AND_KEYS)], check=True,
                   timeout=120)
    text = Path(paths[0]).read_text(encoding="utf-8")
    assert "PyObjectWrapper" in text and not marker.exists()
    return text


READ_WITH_QSETTINGS = """
import sys
from PySide6.QtCore import QSettings
QSettings(sys.argv[1], QSettings.Format.IniFormat).value("view/language", "en", type=str)
"""

OPEN_A_FILE_DIALOG_IN_THE_APP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog
from attention_stepper.gui import app as app_module

if sys.argv[1] == "undefended":
    app_module.refuse_pickled_values = lambda: False
app = QApplication(sys.argv)

def open_a_file_dialog():
    QFileDialog().deleteLater()  # Qt's own dialog reads Qt's own settings: QtProject.conf
    for window in app.topLevelWidgets():
        window.close()
    app.quit()

QTimer.singleShot(0, open_a_file_dialog)
sys.exit(app_module.main())
"""


def test_a_pickled_value_really_runs_code_through_qsettings(tmp_path):
    """The hazard itself (in a fresh process), so that the tests below cannot pass for want of a working payload."""
    marker = tmp_path / "ran"
    path = str(tmp_path / "probe.ini")
    plant(marker, path)
    subprocess.run([sys.executable, "-c", READ_WITH_QSETTINGS, path], check=True, timeout=120)
    if not marker.exists():
        pytest.skip("this PySide6 no longer unpickles arbitrary objects from settings")


@pytest.mark.parametrize("defence", ["undefended", "as shipped"])
def test_qt_s_own_settings_cannot_run_code_through_a_file_dialog(tmp_path, defence):
    """Qt's file dialogs read ~/.config/QtProject.conf through QSettings: the app disarms PySide's unpickling."""
    config = tmp_path / "config"
    marker = tmp_path / "ran"
    qt_own = str(config / "QtProject.conf")
    plant(marker, qt_own)
    text = Path(qt_own).read_text(encoding="utf-8")
    Path(qt_own).write_text(text.replace("[view]", "[FileDialog]"), encoding="utf-8")  # where the dialog reads
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config))
    result = subprocess.run([sys.executable, "-c", OPEN_A_FILE_DIALOG_IN_THE_APP, defence], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    if defence == "undefended":  # the hole the defence closes; skipped if this PySide closed it itself
        if not marker.exists():
            pytest.skip("this PySide6 no longer unpickles arbitrary objects from settings")
    else:
        assert not marker.exists(), "a pickled value in Qt's own settings was loaded"


def test_pickled_values_read_back_as_none_once_refused():
    from PySide6.QtCore import QByteArray, QDataStream, QIODevice

    from attention_stepper.gui.settings_store import refuse_pickled_values

    data = QByteArray()
    QDataStream(data, QIODevice.OpenModeFlag.WriteOnly).writeQVariant(Planted(Path("/nonexistent/never")))
    refuse_pickled_values()  # True with PySide6 6.11; a PySide that restricts unpickling itself also reads None
    assert QDataStream(data, QIODevice.OpenModeFlag.ReadOnly).readQVariant() is None
    assert pickle.loads(pickle.dumps([1, "two"])) == [1, "two"]  # pickle itself is left as it was


def test_a_planted_pickle_in_the_settings_never_runs_and_the_app_starts_with_defaults(tmp_path, start_app):
    marker = tmp_path / "ran"
    text = plant(marker, qsettings_file(), str(Path(qsettings_file()).with_suffix(".conf")))  # the native name too
    # The same @Variant text, as strings, in every key of the app's own file.
    variant = next(line.split("=", 1)[1] for line in text.splitlines() if line.startswith("speed="))
    json_settings_file().parent.mkdir(parents=True, exist_ok=True)
    json_settings_file().write_text(json.dumps({key: variant for key in SECTIONS_AND_KEYS}), encoding="utf-8")

    window = start_app()
    assert not marker.exists(), "a pickled settings value was loaded"
    # Texts stay texts: the sentence is the @Variant(…) text itself, as a person could have typed it.
    assert window.model.parameters == Parameters(sentence=variant)
    assert window.model.step_index == 0 and window.model.head is None
    assert window.step_bar.navigator.speed.value() == 1.5
    assert window.sessions.recent() == []
    window.close()  # saving the settings must not unpickle either
    assert not marker.exists(), "saving the settings loaded a pickled value"


def test_values_of_the_wrong_type_fall_back_to_their_defaults(start_app):
    json_settings_file().parent.mkdir(parents=True, exist_ok=True)
    json_settings_file().write_text(json.dumps({
        "parameters/heads": "3", "parameters/d_k": True, "parameters/causal": 1, "parameters/d_model": 8.5,
        "parameters/sentence": ["猫吃鱼"], "parameters/seed": 1e400, "view/speed": "2", "view/head": "1",
        "view/step": 3, "view/language": ["zh_CN"], "window/geometry": 5, "window/splitter": "not base64 !",
        "sessions/recent": [1, None, {"a": 1}], "export/folder": 0,
    }), encoding="utf-8")
    window = start_app()
    assert window.model.parameters == Parameters()
    assert window.model.step_index == 0 and window.model.head is None
    assert window.step_bar.navigator.speed.value() == 1.5
    assert window.sessions.recent() == []
    assert window.exporter._start_folder() == str(Path.home())


def test_a_damaged_or_hostile_settings_file_starts_with_defaults(start_app):
    json_settings_file().parent.mkdir(parents=True, exist_ok=True)
    for content in (b"", b"\xff\xfe not text", b"[1, 2, 3]", b"{" * 100_000, b'{"parameters/heads": 1' + b"0" * 5000 + b"}",
                    b'{"parameters/heads": NaN}', b"null"):
        json_settings_file().write_bytes(content)
        window = start_app()
        assert window.model.parameters == Parameters(), content[:40]
        window.close()
