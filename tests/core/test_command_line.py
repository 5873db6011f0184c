"""The export command through the real program: good runs, and every bad input as one clear line with status 2."""

import json
import subprocess
import sys

import numpy as np
import pytest

from attention_stepper.core import Parameters, compute
from attention_stepper.core.weights import init_weights, save_weights


def run(*args, stdin: str | None = None):
    return subprocess.run([sys.executable, "-m", "attention_stepper.gui.cli", *map(str, args)],
                          capture_output=True, text=True, input=stdin, timeout=120)


def assert_refused(result, *phrases):
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def test_export_with_defaults_writes_the_seed_sentence(tmp_path):
    result = run("export", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tokens"] == ["我", "爱", "机器", "学习"]
    assert (manifest["heads"], manifest["d_model"], manifest["d_k"], manifest["d_v"], manifest["seed"]) == (2, 8, 4, 4, 0)
    assert manifest["causal"] is False and manifest["positional_encoding"] is False


def test_export_with_every_option(tmp_path):
    result = run("export", "--sentence", "猫吃鱼", "--heads", 3, "--d-model", 6, "--d-k", 5, "--d-v", 2, "--seed", 7,
                 "--causal", "--positions", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    expected = compute(Parameters(sentence="猫吃鱼", heads=3, d_model=6, d_k=5, d_v=2, seed=7, causal=True,
                                  positional_encoding=True))
    assert manifest["tokens"] == ["猫", "吃", "鱼"]
    with np.load(tmp_path / "out" / "weights.npz") as archive:
        np.testing.assert_array_equal(archive["w_o"], expected.weights.w_o)


def test_sentence_from_a_file_and_from_standard_input(tmp_path):
    (tmp_path / "s.txt").write_text("\ufeffthe cat sat\n", encoding="utf-8")
    assert run("export", "--sentence-file", tmp_path / "s.txt", "--out", tmp_path / "a").returncode == 0
    assert json.loads((tmp_path / "a" / "manifest.json").read_text())["tokens"] == ["the", "cat", "sat"]
    assert run("export", "--sentence-file", "-", "--out", tmp_path / "b", stdin="猫 吃 鱼").returncode == 0
    assert json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))["tokens"] == ["猫", "吃", "鱼"]


def test_weights_file_sets_the_sizes(tmp_path):
    weights = init_weights(d_model=5, heads=3, d_k=2, d_v=4, seed=1)
    save_weights(weights, tmp_path / "w.npz")
    assert run("export", "--weights", tmp_path / "w.npz", "--out", tmp_path / "out").returncode == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert (manifest["heads"], manifest["d_model"], manifest["d_k"], manifest["d_v"]) == (3, 5, 2, 4)
    assert_refused(run("export", "--weights", tmp_path / "w.npz", "--heads", 2, "--out", tmp_path / "x"),
                   "--heads 2", "the file has 3")


@pytest.mark.parametrize("args, phrases", [
    (["--sentence", ""], ["no tokens"]),
    (["--sentence", "  \t "], ["no tokens"]),
    (["--heads", "0"], ["heads", "from 1 to 64"]),
    (["--heads", "two"], ["heads", "whole number", "'two'"]),
    (["--d-k", "-3"], ["d_k", "from 1 to 1024"]),
    (["--d-model", "5000"], ["d_model", "from 1 to 4096"]),
    (["--d-v", "1.5"], ["d_v", "whole number"]),
    (["--seed", "-1"], ["seed"]),
    (["--heads", "64", "--d-model", "4096", "--d-k", "1024"], ["GiB", "lower heads"]),
    (["--sentence", " ".join(["w"] * 600)], ["512"]),
    (["--sentence-file", "/nonexistent/words.txt"], ["cannot read", "/nonexistent/words.txt"]),
    (["--frobnicate"], ["unrecognized arguments"]),
])
def test_bad_input_is_one_line_and_status_2(tmp_path, args, phrases):
    result = run("export", *args, "--out", tmp_path / "out")
    assert_refused(result, *phrases)
    assert not (tmp_path / "out").exists()


def test_missing_out_is_refused():
    assert_refused(run("export"), "--out")


def test_an_existing_folder_is_refused_without_force(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    assert_refused(run("export", "--out", tmp_path / "out"), "not empty", "--force")
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"
    # --force replaces only an earlier export: a folder of the person's files is refused too (issue 13).
    assert_refused(run("export", "--out", tmp_path / "out", "--force"), "not an earlier export", "'keep.txt'")
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"
    (tmp_path / "out" / "keep.txt").unlink()
    assert run("export", "--out", tmp_path / "out").returncode == 0
    assert run("export", "--out", tmp_path / "out", "--force").returncode == 0
    assert (tmp_path / "out" / "manifest.json").exists()


def test_an_unwritable_place_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    assert_refused(run("export", "--out", tmp_path / "file" / "out"), "cannot write")
    assert_refused(run("export", "--out", tmp_path / "no" / "such" / "out"), "does not exist")


def test_non_utf8_sentence_file_is_refused(tmp_path):
    (tmp_path / "s.txt").write_bytes("猫吃鱼".encode("gb18030"))
    assert_refused(run("export", "--sentence-file", tmp_path / "s.txt", "--out", tmp_path / "out"), "UTF-8")


@pytest.mark.parametrize("make, phrases", [
    (lambda p: None, ["no such file"]),
    (lambda p: p.write_bytes(b""), ["empty"]),
    (lambda p: p.write_text("hello"), ["not an .npz"]),
    (lambda p: p.write_bytes(open_npz_bytes()[:40]), ["not a readable"]),
    (lambda p: save_pickled(p), ["pickled"]),
    (lambda p: np.savez(p, w_q=np.zeros((1, 2, 2))), ["missing", "w_k"]),
    (lambda p: save_nan(p), ["NaN or infinite"]),
    (lambda p: save_wrong_shape(p), ["w_o must have shape"]),
])
def test_bad_weights_files_are_refused_naming_the_file(tmp_path, make, phrases):
    path = tmp_path / "w.npz"
    make(path)
    result = run("export", "--weights", path, "--out", tmp_path / "out")
    assert_refused(result, "w.npz", *phrases)


def open_npz_bytes() -> bytes:
    import io

    buffer = io.BytesIO()
    weights = init_weights(4, 2, 2)
    np.savez(buffer, **weights.arrays())
    return buffer.getvalue()


def save_pickled(path):
    """All four names, but w_q an object array: loading it would run pickle."""
    arrays = dict(init_weights(4, 2, 2).arrays())
    arrays["w_q"] = np.array([{"__reduce__": "anything"}], dtype=object)
    np.savez(path, **arrays)


def save_nan(path):
    arrays = {name: array.copy() for name, array in init_weights(4, 2, 2).arrays().items()}
    arrays["w_k"][0, 0, 0] = np.nan
    np.savez(path, **arrays)


def save_wrong_shape(path):
    arrays = dict(init_weights(4, 2, 2).arrays())
    arrays["w_o"] = np.zeros((3, 4))
    np.savez(path, **arrays)


def test_export_never_imports_qt(tmp_path):
    code = ("import sys; from attention_stepper.gui.cli import main; "
            f"status = main(['export', '--out', {str(tmp_path / 'out')!r}]); "
            "assert status == 0; "
            "qt = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'shiboken'))]; "
            "assert not qt, qt")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_version_and_help():
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("attention-stepper ")
    help_text = run("export", "--help").stdout
    for flag in ("--sentence", "--sentence-file", "--heads", "--d-model", "--d-k", "--d-v", "--seed", "--causal",
                 "--positions", "--weights", "--out", "--force"):
        assert flag in help_text
