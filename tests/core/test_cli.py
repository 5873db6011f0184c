"""The real ``attention-stepper export`` command, run as a person runs it: in a subprocess.

Every mistake must end with exit status 2 and exactly one line on stderr that
says what is wrong and what is accepted; never a traceback, never a half
written folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from attention_stepper.core import (
    Parameters,
    compute,
    init_weights,
    load_weights,
    save_weights,
)

SCRIPT = Path(sys.executable).with_name("attention-stepper")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "attention_stepper.gui.cli"]
PREFIX = "attention-stepper: error: "


def run(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([*COMMAND, *args], check=False, cwd=cwd, input=stdin, capture_output=True,
                          timeout=60, env=env)


def assert_refused(result: subprocess.CompletedProcess, *phrases: str) -> str:
    """Exit status 2, one stderr line naming the problem, no traceback, nothing on stdout."""
    stderr = result.stderr.decode("utf-8")
    assert "Traceback" not in stderr, stderr
    assert result.returncode == 2, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert stderr.endswith("\n")
    line = lines[0]
    assert line.startswith(PREFIX), line
    for phrase in phrases:
        assert phrase in line, line
    assert result.stdout == b""
    return line


# --------------------------------------------------------------------------
# Exports that work
# --------------------------------------------------------------------------

def read_csv(folder: Path, name: str) -> np.ndarray:
    return pd.read_csv(folder / name, index_col=0).to_numpy()


def test_export_writes_exactly_what_compute_gives(tmp_path):
    result = run("export", "--sentence", "the cat saw the cat", "--heads", "3", "--d-model", "7", "--d-k", "3",
                 "--d-v", "5", "--seed", "12", "--causal", "--positions", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    assert "wrote" in result.stdout.decode()
    folder = tmp_path / "out"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tokens"] == ["the", "cat", "saw", "the", "cat"]
    assert (manifest["heads"], manifest["d_model"], manifest["d_k"], manifest["d_v"], manifest["seed"]) == (
        3, 7, 3, 5, 12)
    assert manifest["causal"] is True and manifest["positional_encoding"] is True
    expected = compute(Parameters(sentence="the cat saw the cat", heads=3, d_model=7, d_k=3, d_v=5, seed=12,
                                  causal=True, positional_encoding=True))
    for entry in manifest["matrices"]:
        array = expected.trace[entry["step"]]
        if entry["head"] is not None:
            array = array[entry["head"] - 1]
        assert np.array_equal(read_csv(folder, entry["file"]), array), entry["file"]
        assert entry["shape"] == list(array.shape)
    assert load_weights(folder / "weights.npz") == expected.weights
    assert pd.read_csv(folder / "output.csv", index_col=0).index.tolist() == [
        "the", "cat", "saw", "the#2", "cat#2"]


def test_default_sizes_when_none_are_given(tmp_path):
    assert run("export", "--sentence", "猫吃鱼", "--out", "out", cwd=tmp_path).returncode == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    defaults = Parameters()
    assert manifest["tokens"] == ["猫", "吃", "鱼"]
    assert (manifest["heads"], manifest["d_model"], manifest["d_k"], manifest["d_v"], manifest["seed"]) == (
        defaults.heads, defaults.d_model, defaults.d_k, defaults.d_k, 0)
    assert manifest["causal"] is False and manifest["positional_encoding"] is False


def test_sentence_from_a_file(tmp_path):
    (tmp_path / "sentence.txt").write_bytes("\ufeff猫吃鱼\n".encode("utf-8"))  # BOM and newline as editors save
    result = run("export", "--sentence-file", "sentence.txt", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["tokens"] == ["猫", "吃", "鱼"]


def test_sentence_from_standard_input(tmp_path):
    result = run("export", "--sentence-file", "-", "--out", "out", cwd=tmp_path,
                 stdin="我 爱 机器 学习\n".encode())
    assert result.returncode == 0, result.stderr.decode()
    tokens = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["tokens"]
    assert tokens == ["我", "爱", "机器", "学习"]


def test_weights_file_gives_the_sizes_and_the_numbers(tmp_path):
    weights = init_weights(6, 3, 5, 2, seed=99)
    save_weights(weights, tmp_path / "w.npz")
    result = run("export", "--sentence", "a b c", "--weights", "w.npz", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    folder = tmp_path / "out"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert (manifest["heads"], manifest["d_model"], manifest["d_k"], manifest["d_v"]) == (3, 6, 5, 2)
    assert load_weights(folder / "weights.npz") == weights
    expected = compute(Parameters(sentence="a b c", heads=3, d_model=6, d_k=5, d_v=2), weights)
    assert np.array_equal(read_csv(folder, "output.csv"), expected.trace["output"])


def test_force_replaces_an_existing_export(tmp_path):
    """--force replaces an earlier export whole; a file of the person's inside it makes --force refuse (issue 13)."""
    assert run("export", "--sentence", "a b", "--causal", "--out", "out", cwd=tmp_path).returncode == 0
    (tmp_path / "out" / "mine.txt").write_text("keep?")
    assert_refused(run("export", "--sentence", "x y z", "--out", "out", "--force", cwd=tmp_path),
                   "out is not an earlier export", "'mine.txt'")
    assert (tmp_path / "out" / "mine.txt").read_text() == "keep?"
    (tmp_path / "out" / "mine.txt").unlink()
    result = run("export", "--sentence", "x y z", "--out", "out", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    folder = tmp_path / "out"
    assert not (folder / "mine.txt").exists()
    assert not list(folder.glob("masked*"))
    assert json.loads((folder / "manifest.json").read_text("utf-8"))["tokens"] == ["x", "y", "z"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_export_never_imports_qt(tmp_path):
    """``export`` must work on a machine without a display or without Qt at all."""
    code = (
        "import sys\n"
        "from attention_stepper.gui.cli import main\n"
        f"status = main(['export', '--sentence', '猫吃鱼', '--causal', '--out', {str(tmp_path / 'out')!r}])\n"
        "qt = sorted(name for name in sys.modules if name.startswith(('PySide6', 'shiboken6', 'PyQt')))\n"
        "print(status, qt)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60,
                            encoding="utf-8", env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"
    assert (tmp_path / "out" / "manifest.json").is_file()


def test_version():
    from attention_stepper.core import __version__

    result = run("--version", cwd=Path.cwd())
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"attention-stepper {__version__}"


# --------------------------------------------------------------------------
# Mistakes: exit status 2, one line, no traceback
# --------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, phrases", [
    (["--sentence", ""], ["the sentence has no tokens", "type at least one word"]),
    (["--sentence", "  \t "], ["the sentence has no tokens"]),
    (["--sentence", "w " * 600], ["more than 512 tokens", "at most 512 are allowed"]),
    (["--heads", "0"], ["--heads", "heads must be a whole number from 1 to 64; got 0"]),
    (["--heads", "65"], ["heads must be a whole number from 1 to 64; got 65"]),
    (["--d-k", "-3"], ["--d-k", "d_k must be a whole number from 1 to 1024; got -3"]),
    (["--d-k=-3"], ["d_k must be a whole number from 1 to 1024; got -3"]),
    (["--d-v", "0"], ["d_v must be a whole number from 1 to 1024; got 0"]),
    (["--d-model", "4097"], ["d_model must be a whole number from 1 to 4096; got 4097"]),
    (["--seed", "-1"], ["seed must be a whole number from 0 to 2147483647; got -1"]),
    (["--heads", "two"], ["heads must be a whole number from 1 to 64, not 'two'"]),
    (["--d-model", "8.5"], ["d_model must be a whole number from 1 to 4096, not '8.5'"]),
    (["--seed", "abc"], ["seed must be a whole number", "not 'abc'"]),
    (["--heads", "64", "--d-model", "4096", "--d-k", "1024"], ["GiB", "lower heads, d_model, d_k or d_v"]),
    (["--tokenizer", "words"], ["--tokenizer", "whitespace", "characters", "jieba"]),
    (["--colour", "red"], ["unrecognized arguments: --colour red"]),
    (["--sentence", "a", "--sentence-file", "s.txt"], ["--sentence-file", "not allowed with argument --sentence"]),
    (["--sentence-file", "absent.txt"], ["cannot read the sentence file absent.txt"]),
])
def test_bad_values_are_refused_in_one_line(tmp_path, arguments, phrases):
    result = run("export", *arguments, "--out", "out", cwd=tmp_path)
    assert_refused(result, *phrases)
    assert not (tmp_path / "out").exists()


def test_missing_out_is_refused(tmp_path):
    assert_refused(run("export", "--sentence", "a", cwd=tmp_path), "the following arguments are required: --out")


def test_unknown_command_is_refused(tmp_path):
    assert_refused(run("exprot", cwd=tmp_path), "invalid choice: 'exprot'")


def test_sentence_file_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "latin1.txt").write_bytes("caf\u00e9 cr\u00e8me".encode("latin-1"))
    assert_refused(run("export", "--sentence-file", "latin1.txt", "--out", "out", cwd=tmp_path),
                   "latin1.txt is not UTF-8 text; save the sentence as UTF-8")


def test_empty_standard_input_is_refused(tmp_path):
    assert_refused(run("export", "--sentence-file", "-", "--out", "out", cwd=tmp_path, stdin=b""),
                   "the sentence has no tokens")


def test_existing_non_empty_folder_is_refused_without_force(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    assert_refused(run("export", "--sentence", "a b", "--out", "out", cwd=tmp_path),
                   "exists and is not empty", "--force")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_file_where_the_folder_should_be_is_refused(tmp_path):
    (tmp_path / "out").write_text("a file")
    assert_refused(run("export", "--out", "out", "--force", cwd=tmp_path), "out exists and is not a folder")


def test_folder_inside_a_file_is_refused(tmp_path):
    """An unwritable place (its parent is a file) is a message, not a NotADirectoryError traceback."""
    (tmp_path / "file.txt").write_text("x")
    line = assert_refused(run("export", "--out", "file.txt/out", cwd=tmp_path),
                          "cannot write file.txt/out", "file.txt is a file, not a folder")
    assert "does not exist" not in line  # it does exist; saying otherwise would mislead


def test_folder_in_a_missing_parent_is_refused(tmp_path):
    assert_refused(run("export", "--out", "absent/out", cwd=tmp_path), "absent", "does not exist")
    assert not (tmp_path / "absent").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_parent_is_refused(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        assert_refused(run("export", "--out", "locked/out", cwd=tmp_path), "cannot write locked/out")
        assert list(parent.iterdir()) == []
    finally:
        parent.chmod(0o755)


# --------------------------------------------------------------------------
# Bad weights files
# --------------------------------------------------------------------------

def _good_arrays() -> dict[str, np.ndarray]:
    return {name: np.array(array) for name, array in init_weights(4, 2, 3).arrays().items()}


def _pickled(path: Path) -> None:
    arrays = _good_arrays()
    arrays["w_q"] = np.array([object(), {"a": 1}], dtype=object)
    np.savez(path, **arrays)


def _nan(path: Path) -> None:
    arrays = _good_arrays()
    arrays["w_v"][0, 1, 2] = np.nan
    np.savez(path, **arrays)


def _truncated(path: Path) -> None:
    save_weights(init_weights(4, 2, 3), path)
    path.write_bytes(path.read_bytes()[:300])


def _wrong_names(path: Path) -> None:
    arrays = _good_arrays()
    np.savez(path, W_Q=arrays["w_q"], W_K=arrays["w_k"], W_V=arrays["w_v"], W_O=arrays["w_o"])


def _wrong_shape(path: Path) -> None:
    arrays = _good_arrays()
    arrays["w_k"] = np.ones((2, 4, 2))
    np.savez(path, **arrays)


BAD_WEIGHTS = {
    "zero-byte": (lambda path: path.write_bytes(b""), ["the file is empty", "w_q, w_k, w_v, w_o"]),
    "truncated": (_truncated, ["not a readable .npz weights file"]),
    "corrupt": (lambda path: path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4), ["not a readable .npz"]),
    "text": (lambda path: path.write_text("not weights"), ["not an .npz archive", "numpy.savez"]),
    "pickled": (_pickled, ["holds pickled objects, which are never loaded"]),
    "nan": (_nan, ["w_v holds NaN or infinite values", "finite"]),
    "wrong names": (_wrong_names, ["missing w_q, w_k, w_v, w_o", "it has W_Q"]),
    "wrong shape": (_wrong_shape, ["w_k must have the shape of w_q"]),
}


@pytest.mark.parametrize("kind", BAD_WEIGHTS)
def test_bad_weights_files_are_refused_naming_the_file(tmp_path, kind):
    write, phrases = BAD_WEIGHTS[kind]
    write(tmp_path / "weights.npz")
    result = run("export", "--sentence", "a b", "--weights", "weights.npz", "--out", "out", cwd=tmp_path)
    line = assert_refused(result, "weights.npz", *phrases)
    assert line.startswith(PREFIX + "weights.npz: ")
    assert not (tmp_path / "out").exists()


def test_missing_weights_file_is_refused(tmp_path):
    assert_refused(run("export", "--weights", "absent.npz", "--out", "out", cwd=tmp_path),
                   "absent.npz: no such file")


def test_weights_that_contradict_the_given_sizes_are_refused(tmp_path):
    save_weights(init_weights(6, 3, 5), tmp_path / "w.npz")
    assert_refused(run("export", "--weights", "w.npz", "--heads", "2", "--out", "out", cwd=tmp_path),
                   "does not fit --heads 2 (the file has 3)", "leave those out")


def test_refusals_leave_no_temporary_folders(tmp_path):
    """After a weights failure and a folder refusal the working folder holds only what was there."""
    (tmp_path / "bad.npz").write_bytes(b"")
    run("export", "--weights", "bad.npz", "--out", "out", cwd=tmp_path)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("x")
    run("export", "--out", "taken", cwd=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.npz", "taken"]
