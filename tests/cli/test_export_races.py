"""Races, signals and kills during an export: the final rename replaces only what was checked (issue 13).

Items 2 and 9. Where a folder must change mid-way, a hook in this process
runs the real ``main``; where the process itself must be raced, signalled or
killed, the program runs in a subprocess as :data:`HOOKED`, which wraps the
export's own functions to stop at an exact point and then calls the real
``main``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from export_checks import (
    PREFIX,
    SMALL,
    assert_whole_export,
    during_the_export,
    earlier_export,
    refused_line,
    snapshot,
    temporaries,
    tokens,
)

from attention_stepper.core import export as export_module
from attention_stepper.gui.cli import main


@pytest.fixture(params=["atomic exchange", "two renames"])
def rename_kind(request, monkeypatch):
    """Both ways of putting a folder in place: renameat2 where Linux has it, plain renames elsewhere."""
    if request.param == "two renames":
        folders = pytest.importorskip("attention_stepper.core.folders")
        monkeypatch.setattr(folders, "_renameat2", None)
    return request.param


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_that_appears_during_the_export_is_left_alone(tmp_path, capsys, monkeypatch, rename_kind, force):
    target = tmp_path / "race"

    def appear():
        target.mkdir()
        (target / "notes.txt").write_text("mine")

    calls = during_the_export(monkeypatch, appear)
    code = main(["export", *SMALL, "--out", str(target), *(["--force"] if force else [])])
    assert len(calls) > 2
    refused_line(capsys, code, str(target), "appeared while exporting", "nothing was written")
    assert snapshot(tmp_path) == {"race": None, "race/notes.txt": b"mine"}


def test_a_file_added_to_the_earlier_export_during_a_forced_export_is_kept(tmp_path, capsys, monkeypatch,
                                                                            rename_kind):
    target = tmp_path / "out"
    earlier_export(target)
    during_the_export(monkeypatch, lambda: (target / "notes.txt").write_text("mine"))
    before_the_export_ends = {**snapshot(tmp_path), "out/notes.txt": b"mine"}
    refused_line(capsys, main(["export", *SMALL, "--out", str(target), "--force"]), "changed while exporting",
                 "'notes.txt'", "left as it is")
    assert snapshot(tmp_path) == before_the_export_ends


def test_an_earlier_export_swapped_for_another_during_a_forced_export_is_kept(tmp_path, capsys, monkeypatch,
                                                                               rename_kind):
    """Only the very folder that was checked may be replaced, not another one put under its name meanwhile."""
    target = tmp_path / "out"
    earlier_export(target)

    def swap():
        shutil.rmtree(target)
        earlier_export(target, "someone else wrote this")

    during_the_export(monkeypatch, swap)
    refused_line(capsys, main(["export", *SMALL, "--out", str(target), "--force"]), "changed while exporting")
    assert tokens(target) == ["someone", "else", "wrote", "this"]
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_an_earlier_export_removed_during_a_forced_export_is_simply_written_anew(tmp_path, monkeypatch, rename_kind):
    target = tmp_path / "out"
    earlier_export(target)
    during_the_export(monkeypatch, lambda: shutil.rmtree(target))
    assert main(["export", *SMALL, "--out", str(target), "--force"]) == 0
    assert tokens(target) == ["a", "b"]
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_an_interrupt_after_the_swap_puts_the_earlier_export_back(tmp_path, capsys, monkeypatch, rename_kind):
    """Ctrl-C while the old folder is checked again, after the new one took its name: the old one comes back."""
    target = tmp_path / "out"
    earlier_export(target)
    before = snapshot(tmp_path)
    real = export_module.export_problem
    calls = []

    def interrupted_on_the_second_check(folder, *args, **kwargs):
        calls.append(folder)
        if len(calls) == 2:
            assert (target / "manifest.json").exists() and tokens(target) == ["a", "b"], "the new one is in place"
            raise KeyboardInterrupt
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(export_module, "export_problem", interrupted_on_the_second_check)
    assert main(["export", *SMALL, "--out", str(target), "--force"]) == 130
    assert len(calls) == 2
    assert snapshot(tmp_path) == before


def test_a_refused_swap_leaves_the_earlier_export(tmp_path, capsys, monkeypatch):
    folders = pytest.importorskip("attention_stepper.core.folders")
    if folders._renameat2 is None:
        pytest.skip("no renameat2 here")
    target = tmp_path / "out"
    earlier_export(target)
    before = snapshot(tmp_path)

    def refused(*args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(folders, "_rename2", refused)
    refused_line(capsys, main(["export", *SMALL, "--out", str(target), "--force"]), "cannot write",
                 "Invalid cross-device link")
    assert snapshot(tmp_path) == before


def test_an_earlier_export_that_cannot_be_put_back_is_named_never_deleted(tmp_path, capsys, monkeypatch):
    """The folder turns read-only right after the swap, while the old export is found changed: say where it is."""
    folders = pytest.importorskip("attention_stepper.core.folders")
    if folders._renameat2 is None:
        pytest.skip("no renameat2 here")
    target = tmp_path / "out"
    earlier_export(target)
    real = folders._rename2
    swaps = []

    def read_only_after_the_first_swap(source, destination, flags):
        swaps.append(flags)
        if len(swaps) > 1:
            raise PermissionError(13, "Permission denied")
        return real(source, destination, flags)

    monkeypatch.setattr(folders, "_rename2", read_only_after_the_first_swap)
    during_the_export(monkeypatch, lambda: (target / "notes.txt").write_text("mine"))
    line = refused_line(capsys, main(["export", *SMALL, "--out", str(target), "--force"]), "Permission denied",
                        "the earlier folder is now", "the new export took its name")
    (stranded,) = temporaries(tmp_path)
    assert str(tmp_path / stranded) in line
    assert (tmp_path / stranded / "notes.txt").read_text() == "mine", "the old folder, whole, with the new file"
    assert tokens(tmp_path / stranded) == ["the", "earlier", "one"]
    assert tokens(target) == ["a", "b"]


#: Run in a subprocess: wrap the export's own functions as the environment asks, then run the real command.
HOOKED = r"""
import os, signal, sys, time
from attention_stepper.core import export as export_module
from attention_stepper.gui.cli import main

real_csv = export_module.write_matrix_csv
csvs = []

def write_matrix_csv(*args, **kwargs):
    csvs.append(args)
    if len(csvs) == 1 and os.environ.get("SYNC_DIR"):  # a barrier: every racer has checked the target
        open(os.path.join(os.environ["SYNC_DIR"], str(os.getpid())), "w").close()
        deadline = time.monotonic() + 60
        while len(os.listdir(os.environ["SYNC_DIR"])) < int(os.environ["SYNC_COUNT"]) and time.monotonic() < deadline:
            time.sleep(0.01)
    if len(csvs) == int(os.environ.get("KILL_AT_CSV", "0")):
        os.kill(os.getpid(), signal.SIGKILL)
    if len(csvs) == int(os.environ.get("SLEEP_AT_CSV", "0")):
        open(os.environ["READY_FILE"], "w").close()
        time.sleep(60)
    return real_csv(*args, **kwargs)

export_module.write_matrix_csv = write_matrix_csv

kill_at = int(os.environ.get("KILL_AT_CALL", "0"))
calls = []

def killing(module, name):
    real = getattr(module, name)
    def call(*args, **kwargs):
        calls.append(name)
        if len(calls) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    setattr(module, name, call)

if kill_at:
    for name in ("replace", "rename", "rmdir", "unlink"):
        killing(os, name)
    try:
        from attention_stepper.core import folders
        killing(folders, "_rename2")
    except ImportError:
        pass

code = main(sys.argv[1:])
print("calls", len(calls), file=sys.stderr)
sys.exit(code)
"""


def hooked(cwd: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HOOKED, "export", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **env})


def finish(process: subprocess.Popen) -> tuple[int, str, list[str]]:
    out, err = process.communicate(timeout=120)
    lines = [line for line in err.splitlines() if not line.startswith("calls ")]
    return process.returncode, out, lines


@pytest.mark.parametrize("earlier", [False, True], ids=["new folder", "over an earlier export"])
def test_four_racing_exports_to_one_folder_give_one_success_and_three_clear_refusals(tmp_path, earlier):
    work = tmp_path / "work"
    work.mkdir()
    if earlier:
        earlier_export(work / "race")
    sync = tmp_path / "sync"
    sync.mkdir()
    racers = [hooked(work, "--sentence", f"racer {index}", "--heads", "1", "--d-model", "2", "--d-k", "2",
                     "--out", "race", "--force", SYNC_DIR=str(sync), SYNC_COUNT="4") for index in range(4)]
    results = [finish(process) for process in racers]
    winners = [index for index, (code, _, _) in enumerate(results) if code == 0]
    assert len(winners) == 1, results
    for index, (code, out, lines) in enumerate(results):
        if index in winners:
            assert out.startswith("wrote ") and lines == [], results
            continue
        assert code == 2 and out == "", results
        assert len(lines) == 1 and lines[0].startswith(PREFIX), lines
        assert "race" in lines[0] and ("appeared while exporting" in lines[0] or "changed while exporting" in lines[0])
    assert os.listdir(work) == ["race"], "one folder, no temporaries"
    assert tokens(work / "race") == ["racer", str(winners[0])]
    assert_whole_export(work / "race")


# --- item 9: SIGTERM and SIGHUP clean up like Ctrl-C; SIGKILL leaves the old or the new export ---------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["TERM", "HUP", "INT"])
@pytest.mark.parametrize("earlier", [False, True], ids=["new folder", "over an earlier export"])
def test_a_signal_during_an_export_removes_the_temporary_folder(tmp_path, signum, earlier):
    work = tmp_path / "work"
    work.mkdir()
    before = {}
    if earlier:
        earlier_export(work / "big")
        before = snapshot(work)
    ready = tmp_path / "ready"
    process = hooked(work, "--out", "big", "--force", SLEEP_AT_CSV="3", READY_FILE=str(ready))
    deadline = time.monotonic() + 60
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ready.exists(), finish(process)
    assert temporaries(work), "the export is half way, in its temporary folder"
    process.send_signal(signum)
    code, out, lines = finish(process)
    assert code == 128 + signum, (code, lines)
    assert snapshot(work) == before, "no .big.*.part left, the earlier export untouched"


def test_a_sigkill_at_any_point_of_a_forced_export_leaves_the_old_or_the_new_export(tmp_path, capsys):
    """Kill the process at each rename, unlink and rmdir (and mid-way through the CSVs) in turn.

    Afterwards the target always holds a whole export, the earlier or the
    new one; the rerun removes what the killed process left and leaves no
    temporaries.
    """
    work = tmp_path / "work"
    work.mkdir()
    outcomes = []
    points = [{"KILL_AT_CSV": "3"}] + [{"KILL_AT_CALL": str(call)} for call in range(1, 60)]
    for point in points:
        shutil.rmtree(work / "out", ignore_errors=True)
        earlier_export(work / "out", "the earlier one")
        code, _, lines = finish(hooked(work, *SMALL, "--out", "out", "--force", **point))
        assert code in (0, -signal.SIGKILL), (point, code, lines)
        assert (work / "out").is_dir(), (point, os.listdir(work))
        assert_whole_export(work / "out")
        assert tokens(work / "out") in (["the", "earlier", "one"], ["a", "b"]), point
        outcomes.append(tokens(work / "out"))
        assert main(["export", "--sentence", "the rerun", "--out", str(work / "out"), "--force"]) == 0, (
            point, capsys.readouterr().err)
        assert os.listdir(work) == ["out"], (point, "the rerun removed the leftovers")
        if code == 0:
            break
    else:
        pytest.fail("the export never got to its end")
    assert ["the", "earlier", "one"] in outcomes and ["a", "b"] in outcomes


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_rerun_removes_only_leftovers_of_dead_exports_that_hold_only_export_files(tmp_path, capsys):
    dead = _dead_pid()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        def leftover(name: str, *files: str) -> Path:
            folder = tmp_path / name
            folder.mkdir()
            for file in files:
                (folder / file).write_text("x")
            return folder

        removed = [leftover(f".out.{dead}.abcd1234.part", "q_head1.csv", "manifest.json"),  # killed mid-way
                   leftover(f".out.{dead}.efgh5678.old", "weights.npz", "output.csv"),
                   leftover(f".out.{dead}.ijkl9012.part")]
        kept = [leftover(f".out.{sleeper.pid}.mnop3456.part", "q_head1.csv"),  # a live export's
                leftover(f".out.{dead}.qrst7890.part", "q_head1.csv", "notes.txt"),  # holds someone's file
                leftover(f".other.{dead}.uvwx1234.part", "q_head1.csv"),  # another target's
                leftover(f".out.abc.{dead}.yzab5678.part", "q_head1.csv")]  # not our pattern
        assert main(["export", *SMALL, "--out", str(tmp_path / "out")]) == 0
        for folder in removed:
            assert not folder.exists(), folder
        for folder in kept:
            assert folder.is_dir(), folder
    finally:
        sleeper.kill()
        sleeper.wait()
