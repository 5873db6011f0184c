"""What is remembered, by whom, and what happens when it cannot be written."""

import dataclasses
import errno
import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from attention_stepper.core import Parameters

from app_start import start_app  # noqa: F401 (a fixture)
from test_settings_safety import json_settings_file, qsettings_file

#: A value for every Parameters field that differs from its default (together they need not be a valid
#: computation: mutually exclusive variants may all be set here).
DIFFERENT = dict(sentence="猫 吃 鱼 了", heads=3, d_model=6, d_k=5, d_v=3, seed=7, causal=True,
                 positional_encoding=True, skip_scaling=True, tokenizer="characters", kv_heads=2, bias=True,
                 rope="half", rope_base=20000.0, alibi=True, window=2, memory="狗 叫", scale=0.5, precision="float32",
                 checkpoint="models/bert-tiny", layer=1)
#: Different from the defaults and accepted by the core, for the round trip through the app.
ACCEPTED = Parameters(sentence="猫 吃 鱼 了", heads=3, d_model=6, d_k=5, d_v=3, seed=7, causal=True,
                      positional_encoding=True, skip_scaling=True, tokenizer="characters")


@dataclasses.dataclass(frozen=True)
class Future:
    """The kinds of fields the next parameters will have."""

    count: int = 1
    on: bool = False
    window: int | None = None
    theta: float = 10000.0
    scale: float | None = None
    name: str | None = None
    label: str = "x"


def test_every_parameters_field_is_remembered(tmp_path):
    from attention_stepper.gui.settings import load_fields, remembered_fields, save_fields
    from attention_stepper.gui.settings_store import SettingsStore

    names = {field.name for field in dataclasses.fields(Parameters)}
    assert set(DIFFERENT) == names, "give DIFFERENT a non-default value for each new Parameters field"
    parameters = Parameters(**DIFFERENT)
    for field in dataclasses.fields(Parameters):
        assert getattr(parameters, field.name) != field.default, field.name
    assert remembered_fields() == names
    store = SettingsStore(tmp_path / "s.json")
    save_fields(store, "parameters", parameters)
    assert store.sync()
    assert load_fields(SettingsStore(tmp_path / "s.json"), "parameters", Parameters) == dataclasses.asdict(parameters)


def test_the_tokenizer_and_skipped_scaling_come_back_at_the_next_start(start_app):
    window = start_app()
    window.model.set_parameters(**dataclasses.asdict(ACCEPTED))
    assert window.model.parameters == ACCEPTED
    window.close()
    assert start_app().model.parameters == ACCEPTED


def test_the_field_kinds_to_come_are_remembered_and_checked(tmp_path):
    from attention_stepper.gui.settings import load_fields, remembered_fields, save_fields
    from attention_stepper.gui.settings_store import SettingsStore

    assert remembered_fields(Future) == {field.name for field in dataclasses.fields(Future)}
    for chosen in (Future(2, True, 16, 500000.0, 0.125, "rope", "y"), Future(name=None, window=None), Future()):
        store = SettingsStore(tmp_path / "f.json")
        save_fields(store, "future", chosen)
        assert store.sync()
        assert Future(**load_fields(SettingsStore(tmp_path / "f.json"), "future", Future)) == chosen
    (tmp_path / "f.json").write_text(json.dumps({
        "future/count": True, "future/on": 1, "future/window": 2.5, "future/theta": "1e4", "future/scale": float("inf"),
        "future/name": 3, "future/label": None}).replace("Infinity", "1e999"), encoding="utf-8")
    assert load_fields(SettingsStore(tmp_path / "f.json"), "future", Future) == {}
    (tmp_path / "f.json").write_text(json.dumps({"future/theta": 5, "future/window": None}), encoding="utf-8")
    assert load_fields(SettingsStore(tmp_path / "f.json"), "future", Future) == {"theta": 5.0, "window": None}


def test_geometry_and_plain_values_survive_a_restart(tmp_path, qtbot):
    from attention_stepper.gui.settings_store import SettingsStore

    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(345, 234)
    store = SettingsStore(tmp_path / "s.json")
    store.set_data("window/geometry", widget.saveGeometry())
    store.set("a", "文字")
    store.set("b", ["x", "y"])
    store.set("c", 2.5)
    with pytest.raises(TypeError):
        store.set("d", {"not": "plain"})
    assert store.sync()
    again = SettingsStore(tmp_path / "s.json")
    assert again.data("window/geometry") == widget.saveGeometry()
    assert (again.text("a", ""), again.texts("b"), again.number("c", 0.0)) == ("文字", ["x", "y"], 2.5)
    assert again.integer("c", 7) == 7 and again.flag("a", False) is False


def test_two_instances_keep_each_other_s_recent_sessions(tmp_path, qtbot):
    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.sessions import SessionActions
    from attention_stepper.gui.settings_store import SettingsStore

    def instance():
        owner = QWidget()
        qtbot.addWidget(owner)
        return SessionActions(AttentionModel(Parameters()), owner, SettingsStore(tmp_path / "shared.json"))

    first, second = instance(), instance()
    a = first.save(tmp_path / "a.attn.npz")
    b = second.save(tmp_path / "b.attn.npz")
    c = first.save(tmp_path / "c.attn.npz")
    assert a and b and c
    expected = [str(c), str(b), str(a)]
    assert first.recent() == expected and second.recent() == expected
    assert SessionActions(AttentionModel(Parameters()), QWidget(), SettingsStore(tmp_path / "shared.json")).recent() \
        == expected
    # Closing either window (which saves its own settings) keeps the shared list.
    first.settings.set("view/step", "embed")
    assert first.settings.sync() and second.settings.sync()
    assert SettingsStore(tmp_path / "shared.json").texts("sessions/recent") == expected
    # A session gone from disk is forgotten by every instance.
    b.unlink()
    assert not second.open(b)
    assert first.recent() == [str(c), str(a)]


def _settings_cannot_be_written() -> None:
    """Make every settings file the app could write a folder: no write can succeed, even as root."""
    for path in (Path(qsettings_file()), Path(qsettings_file()).with_suffix(".conf"), json_settings_file()):
        path.mkdir(parents=True, exist_ok=True)


def test_a_failed_settings_save_is_said_once_in_the_status_bar(start_app):
    _settings_cannot_be_written()
    window = start_app()
    assert window.statusBar().currentMessage() == ""
    window.set_language("zh_CN")
    window.set_language("en")
    message = window.statusBar().currentMessage()
    assert str(json_settings_file()) in message and "directory" in message.lower(), message
    window.statusBar().clearMessage()
    window.set_language("zh_CN")
    window.set_language("en")
    window.close()
    assert window.statusBar().currentMessage() == "", "said again before a save succeeded"


def test_after_a_save_succeeds_the_next_failure_is_said_again(tmp_path, qtbot, monkeypatch):
    from attention_stepper.gui.main_window import MainWindow
    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.settings_store import SettingsStore

    store = SettingsStore(tmp_path / "s.json")
    window = MainWindow(AttentionModel(Parameters()), store)
    qtbot.addWidget(window)
    real_replace = __import__("os").replace

    def full_disk(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.replace", full_disk)
    window.set_language("en")
    assert "No space left on device" in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    window.set_language("en")
    assert window.statusBar().currentMessage() == ""
    monkeypatch.setattr("os.replace", real_replace)
    window.set_language("en")
    assert window.statusBar().currentMessage() == "" and store.save_error == ""
    assert SettingsStore(tmp_path / "s.json").text("view/language", "") == "en"
    monkeypatch.setattr("os.replace", full_disk)
    window.set_language("en")
    assert "No space left on device" in window.statusBar().currentMessage()
    assert not list(tmp_path.glob(".s.json.*.part")), "a failed save left a temporary file"


OTHER_INSTANCE = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
from attention_stepper.core import Parameters
from attention_stepper.gui.model import AttentionModel
from attention_stepper.gui.sessions import SessionActions
from attention_stepper.gui.settings_store import SettingsStore
app = QApplication([])
owner = QWidget()
assert SessionActions(AttentionModel(Parameters()), owner, SettingsStore(sys.argv[1])).save(sys.argv[2])
"""


def test_another_running_process_keeps_its_recent_session(tmp_path, qtbot):
    import subprocess
    import sys

    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.sessions import SessionActions
    from attention_stepper.gui.settings_store import SettingsStore

    owner = QWidget()
    qtbot.addWidget(owner)
    here = SessionActions(AttentionModel(Parameters()), owner, SettingsStore(tmp_path / "shared.json"))
    a = here.save(tmp_path / "a.attn.npz")
    subprocess.run([sys.executable, "-c", OTHER_INSTANCE, str(tmp_path / "shared.json"), str(tmp_path / "b.attn.npz")],
                   check=True, timeout=120)
    c = here.save(tmp_path / "c.attn.npz")
    here.settings.set("view/step", "embed")  # closing this window afterwards saves its own settings
    assert here.settings.sync()
    assert SettingsStore(tmp_path / "shared.json").texts("sessions/recent") == [str(c), str(tmp_path / "b.attn.npz"),
                                                                                str(a)]
