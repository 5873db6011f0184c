"""File → Export all matrices… / Export this step never replace a folder of the person's own files (issue 13).

The real menu actions run with the file dialog answered by the test; the
"Replace?" question is offered only for a folder holding an earlier export,
and a folder made read-only mid-way is never reported as "Nothing was
written" while a temporary folder stays behind.
"""

import json
import os
import shutil
import subprocess

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from attention_stepper.core import export as export_module


def snapshot(folder):
    return {str(path.relative_to(folder)): None if path.is_dir() else path.read_bytes()
            for path in sorted(folder.rglob("*"))}


@pytest.fixture
def dialogs(monkeypatch):
    """Answer the save dialog with ``dialogs.path`` and the Replace? question with ``dialogs.answer``; record both."""

    class Dialogs:
        path = ""
        answer = QMessageBox.StandardButton.Yes
        questions: list = []
        warnings: list = []

    def question(parent, title, text, *args, **kwargs):
        Dialogs.questions.append(text)
        return Dialogs.answer

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(Dialogs.path), ""))
    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *args: Dialogs.warnings.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    Dialogs.questions, Dialogs.warnings = [], []
    return Dialogs


@pytest.mark.parametrize("action", ["export_all_action", "export_step_action"])
def test_a_folder_of_the_persons_files_is_refused_without_asking_to_replace_it(window, tmp_path, dialogs, action):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "thesis.docx").write_text("precious")
    (folder / "figures").mkdir()
    before = snapshot(tmp_path)
    dialogs.path = folder
    getattr(window, action).trigger()
    assert dialogs.questions == [], "no Replace? question for someone's own files"
    assert len(dialogs.warnings) == 1
    message = window.exporter.last_message
    assert dialogs.warnings == [message]
    assert "not empty" in message and "not an earlier export" in message and "'figures'" in message
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("answer, replaced", [(QMessageBox.StandardButton.Yes, True),
                                              (QMessageBox.StandardButton.No, False)])
def test_an_earlier_export_is_replaced_only_after_the_question(window, tmp_path, dialogs, answer, replaced):
    folder = window.exporter.export_all(tmp_path / "out")
    window.controls.heads.editor.setValue(1)
    before = snapshot(tmp_path)
    dialogs.path, dialogs.answer = folder, answer
    window.export_all_action.trigger()
    assert len(dialogs.questions) == 1 and str(folder) in dialogs.questions[0]
    assert "earlier export" in dialogs.questions[0]
    heads = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["heads"]
    assert heads == (1 if replaced else 2)
    assert (snapshot(tmp_path) != before) is replaced
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_force_from_code_refuses_someones_files_too(window, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    assert window.exporter.export_all(folder, force=True) is None
    assert window.exporter.export_step(folder, force=True) is None
    assert "'notes.txt'" in window.exporter.last_message and "Nothing was written" in window.exporter.last_message
    assert snapshot(tmp_path) == {"mine": None, "mine/notes.txt": b"keep me"}


def test_a_folder_made_read_only_during_the_export_is_reported_truthfully(window, tmp_path, monkeypatch):
    """The temporary folder cannot be removed from a read-only folder: the message says so and names it."""
    place = tmp_path / "place"
    place.mkdir()
    undo = []
    real = export_module.write_matrix_csv

    def write(*args, **kwargs):
        if not undo:
            if os.geteuid() != 0:
                place.chmod(0o555)
                undo.append(lambda: place.chmod(0o755))
            elif shutil.which("chattr") and subprocess.run(["chattr", "+i", str(place)]).returncode == 0:
                undo.append(lambda: subprocess.run(["chattr", "-i", str(place)], check=True))
            else:
                undo.append(None)
        return real(*args, **kwargs)

    monkeypatch.setattr(export_module, "write_matrix_csv", write)
    try:
        result = window.exporter.export_all(place / "out")
    finally:
        if undo and undo[0] is not None:
            undo[0]()
    if undo == [None]:
        pytest.skip("this machine cannot make a folder read-only for root (no chattr)")
    assert result is None
    message = window.exporter.last_message
    left = [name for name in os.listdir(place) if name.endswith(".part")]
    if left:
        assert "Nothing was written" not in message
        assert all(name in message for name in left) and "could not be removed" in message, (left, message)
    assert "out" not in os.listdir(place)
