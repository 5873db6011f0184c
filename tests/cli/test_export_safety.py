"""``export --force`` never deletes what is not an earlier export, nor writes through a link (issue 13).

Items 1, 10 and the ``--out ""`` half of 16, through the real command
(``attention_stepper.gui.cli.main([...])``); a hook acts in the middle of an
export where the folder must change while it runs. Races, signals and kills
are in test_export_races.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from export_checks import SMALL, during_the_export, earlier_export, refused_line, snapshot, temporaries, tokens

from attention_stepper.core import Parameters, compute, export_computation
from attention_stepper.gui.cli import main

# --- item 1: --force replaces only an earlier export, and nothing else ----------------------------------------


def test_force_refuses_a_folder_of_the_persons_files_and_deletes_nothing(tmp_path, capsys):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "thesis.docx").write_text("precious")
    before = snapshot(tmp_path)
    line = refused_line(capsys, main(["export", *SMALL, "--out", str(folder), "--force"]), "'thesis.docx'",
                        "not an earlier export", "--force replaces only an earlier export")
    assert "nothing was written" in line
    assert snapshot(tmp_path) == before


def test_force_on_the_current_folder_spelled_with_a_dot_deletes_nothing(tmp_path, capsys, monkeypatch):
    """``--out "$PWD/." --force`` emptied the current folder."""
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"\xff\xd8 a cat")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    for out in (f"{tmp_path}/.", ".", f"{tmp_path}/photos/.."):
        refused_line(capsys, main(["export", *SMALL, "--out", out, "--force"]), "not an earlier export",
                     "'notes.txt'")
        assert snapshot(tmp_path) == before, out


def _add_file(folder: Path) -> str:
    (folder / "notes.txt").write_text("mine")
    return "'notes.txt'"


def _add_unlisted_csv(folder: Path) -> str:
    (folder / "budget.csv").write_text("rent,100\n")
    return "'budget.csv', which its manifest.json does not list"


def _add_subfolder(folder: Path) -> str:
    (folder / "drafts").mkdir()
    return "'drafts', a folder"


def _add_empty_subfolder_named_like_ours(folder: Path) -> str:
    (folder / "weights_torch.npz").unlink(missing_ok=True)
    (folder / "weights_torch.npz").mkdir()
    return "'weights_torch.npz', a folder"


def _add_link(folder: Path) -> str:
    (folder / "link.csv").symlink_to(folder.parent / "elsewhere.txt")
    return "'link.csv', a symbolic link"


def _add_hidden_file(folder: Path) -> str:
    (folder / ".DS_Store").write_bytes(b"\x00")
    return "'.DS_Store'"


def _break_manifest(folder: Path) -> str:
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    return "manifest.json is not the manifest of an export"


def _foreign_manifest(folder: Path) -> str:
    (folder / "manifest.json").write_text('{"name": "my web app", "version": "2.0"}', encoding="utf-8")
    return "manifest.json is not the manifest of an export"


def _no_manifest(folder: Path) -> str:
    (folder / "manifest.json").unlink()
    return "it has no manifest.json"


@pytest.mark.parametrize("change", [_add_file, _add_unlisted_csv, _add_subfolder, _add_empty_subfolder_named_like_ours,
                                    _add_link, _add_hidden_file, _break_manifest, _foreign_manifest, _no_manifest])
def test_force_refuses_an_earlier_export_holding_anything_else(tmp_path, capsys, change):
    (tmp_path / "elsewhere.txt").write_text("the link's target")
    folder = tmp_path / "out"
    earlier_export(folder)
    phrase = change(folder)
    before = snapshot(tmp_path)
    refused_line(capsys, main(["export", *SMALL, "--out", str(folder), "--force"]), phrase, "not an earlier export")
    assert snapshot(tmp_path) == before


def test_force_replaces_an_earlier_export_and_an_earlier_step_export(tmp_path, capsys):
    folder = tmp_path / "out"
    earlier_export(folder)
    assert main(["export", *SMALL, "--out", str(folder), "--force"]) == 0
    assert tokens(folder) == ["a", "b"]
    export_computation(compute(Parameters(sentence="x y z")), folder, force=True, keys=["q", "k", "scores"])
    assert main(["export", "--sentence", "one more", "--out", str(folder), "--force"]) == 0
    assert tokens(folder) == ["one", "more"]
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_the_recognition_lives_in_one_function_with_one_list_of_names(tmp_path):
    from attention_stepper.core.export import EXPORT_FILES, export_problem

    assert EXPORT_FILES == {"manifest.json", "matrices.npz", "weights.npz", "weights_torch.npz", "tiles.json",
                            "decode.json", "decode.npz"}
    folder = tmp_path / "out"
    earlier_export(folder)
    assert export_problem(folder) == ""
    (folder / "notes.txt").write_text("x")
    (folder / "a.txt").write_text("x")
    assert export_problem(folder) == "it holds 'a.txt', which an export does not write"  # the first, sorted
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["export", *SMALL, "--out", str(empty)]) == 0  # an empty folder is written without --force


# --- item 10: read-only folder, symbolic links ---------------------------------------------------------------


def _read_only(folder: Path):
    """Make ``folder`` really refuse new and removed entries; return the undo, or None when this machine cannot."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    chattr = shutil.which("chattr")
    if chattr and subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode == 0:
        return lambda: subprocess.run([chattr, "-i", str(folder)], check=True)
    return None


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_made_read_only_during_the_export_is_not_called_nothing_written(tmp_path, capsys, monkeypatch):
    parent = tmp_path / "place"
    parent.mkdir()
    undo = []

    def lock():
        undo.append(_read_only(parent))

    during_the_export(monkeypatch, lock)
    try:
        code = main(["export", *SMALL, "--out", str(parent / "out")])
    finally:
        if undo and undo[0] is not None:
            undo[0]()
    if not undo or undo[0] is None:
        pytest.skip("this machine cannot make a folder read-only for root (no chattr)")
    line = refused_line(capsys, code, f"cannot write {parent / 'out'}")
    left = temporaries(parent)
    assert left == [] or (all(name in line for name in left) and "could not be removed" in line), (left, line)
    assert "out" not in os.listdir(parent)


def test_a_refused_last_rename_whose_temporary_cannot_be_removed_says_what_is_left(tmp_path, capsys, monkeypatch):
    """The same, simulated (the folder's permissions change at the last moment): the message names the leftover."""
    parent = tmp_path / "place"
    parent.mkdir()
    real_rmdir = os.rmdir
    refused = PermissionError(13, "Permission denied")

    def rmdir(path, *args, **kwargs):
        if kwargs.get("dir_fd") is None and Path(path).parent == parent:
            raise refused
        return real_rmdir(path, *args, **kwargs)

    def rename(*args, **kwargs):
        raise refused

    try:
        from attention_stepper.core import folders

        monkeypatch.setattr(folders, "_renameat2", None)
    except ImportError:
        pass
    monkeypatch.setattr(os, "rmdir", rmdir)
    monkeypatch.setattr(os, "replace", rename)
    monkeypatch.setattr(os, "rename", rename)
    code = main(["export", *SMALL, "--out", str(parent / "out")])
    monkeypatch.undo()
    left = temporaries(parent)
    assert len(left) == 1 and os.listdir(parent / left[0]) == [], "emptied, but the folder itself stays"
    refused_line(capsys, code, "Permission denied", left[0], "could not be removed", "delete it yourself")


def test_force_onto_a_symbolic_link_is_refused_and_leaves_the_link(tmp_path, capsys):
    earlier_export(tmp_path / "real")
    (tmp_path / "link").symlink_to("real")
    before = snapshot(tmp_path)
    for force in ([], ["--force"]):
        refused_line(capsys, main(["export", *SMALL, "--out", str(tmp_path / "link"), *force]),
                     "is a symbolic link", "left as it is")
        assert snapshot(tmp_path) == before, "no .link.*.old, the link and its folder unchanged"


# --- item 16: an empty --out is not the current folder ---------------------------------------------------------


def test_an_empty_out_is_refused(tmp_path, capsys, monkeypatch):
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.chdir(tmp_path)
    for force in ([], ["--force"]):
        refused_line(capsys, main(["export", *SMALL, "--out", "", *force]), "--out is empty",
                     "not the current folder")
    assert snapshot(tmp_path) == {"notes.txt": b"mine"}
