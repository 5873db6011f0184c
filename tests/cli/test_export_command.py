"""The real ``attention-stepper export`` command, run as a person runs it: in a subprocess.

Every mistake must end with exit status 2 and exactly one line on stderr that
says what is wrong and what is accepted; never a traceback, never a half
written folder. (test_command_line.py, which checked the same command, was
merged into this file.)
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
from command_line import COMMAND, MODULE_COMMAND, PREFIX, assert_refused, run_cli

from attention_stepper.core import (
    Parameters,
    compute,
    init_weights,
    load_weights,
    save_weights,
)


# --------------------------------------------------------------------------
# Exports that work
# --------------------------------------------------------------------------

def read_csv(folder: Path, name: str) -> np.ndarray:
    return pd.read_csv(folder / name, index_col=0).to_numpy()


@pytest.mark.parametrize("sentence, sizes, tokens, labels", [
    ("the cat saw the cat", (3, 7, 3, 5, 12), ["the", "cat", "saw", "the", "cat"],
     ["the", "cat", "saw", "the#2", "cat#2"]),
    ("猫吃鱼", (3, 6, 5, 2, 7), ["猫", "吃", "鱼"], ["猫", "吃", "鱼"]),  # Chinese on the command line, split
], ids=["english", "chinese"])
def test_export_writes_exactly_what_compute_gives(tmp_path, sentence, sizes, tokens, labels):
    heads, d_model, d_k, d_v, seed = sizes
    result = run_cli("export", "--sentence", sentence, "--heads", heads, "--d-model", d_model, "--d-k", d_k,
                     "--d-v", d_v, "--seed", seed, "--causal", "--positions", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "wrote" in result.stdout
    folder = tmp_path / "out"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tokens"] == tokens
    assert (manifest["heads"], manifest["d_model"], manifest["d_k"], manifest["d_v"], manifest["seed"]) == sizes
    assert manifest["causal"] is True and manifest["positional_encoding"] is True
    expected = compute(Parameters(sentence=sentence, heads=heads, d_model=d_model, d_k=d_k, d_v=d_v, seed=seed,
                                  causal=True, positional_encoding=True))
    for entry in manifest["matrices"]:
        array = expected.trace[entry["step"]]
        if entry["head"] is not None:
            array = array[entry["head"] - 1]
        assert np.array_equal(read_csv(folder, entry["file"]), array), entry["file"]
        assert entry["shape"] == list(array.shape)
    assert load_weights(folder / "weights.npz") == expected.weights
    with np.load(folder / "weights.npz") as archive:
        np.testing.assert_array_equal(archive["w_o"], expected.weights.w_o)
    assert pd.read_csv(folder / "output.csv", index_col=0).index.tolist() == labels


def test_default_sentence_and_sizes_when_none_are_given(tmp_path):
    result = run_cli("export", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    defaults = Parameters()
    assert manifest["tokens"] == ["我", "爱", "机器", "学习"]  # the seed sentence
    assert (manifest["heads"], manifest["d_model"], manifest["d_k"], manifest["d_v"], manifest["seed"]) == (
        defaults.heads, defaults.d_model, defaults.d_k, defaults.d_k, 0) == (2, 8, 4, 4, 0)
    assert manifest["causal"] is False and manifest["positional_encoding"] is False


def test_sentence_from_a_file(tmp_path):
    (tmp_path / "sentence.txt").write_bytes("\ufeff猫吃鱼\n".encode("utf-8"))  # BOM and newline as editors save
    result = run_cli("export", "--sentence-file", "sentence.txt", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["tokens"] == ["猫", "吃", "鱼"]


def test_sentence_from_standard_input(tmp_path):
    result = run_cli("export", "--sentence-file", "-", "--out", "out", cwd=tmp_path, input="我 爱 机器 学习\n")
    assert result.returncode == 0, result.stderr
    tokens = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["tokens"]
    assert tokens == ["我", "爱", "机器", "学习"]


def test_weights_file_gives_the_sizes_and_the_numbers(tmp_path):
    weights = init_weights(6, 3, 5, 2, seed=99)
    save_weights(weights, tmp_path / "w.npz")
    result = run_cli("export", "--sentence", "a b c", "--weights", "w.npz", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "out"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert (manifest["heads"], manifest["d_model"], manifest["d_k"], manifest["d_v"]) == (3, 6, 5, 2)
    assert load_weights(folder / "weights.npz") == weights
    expected = compute(Parameters(sentence="a b c", heads=3, d_model=6, d_k=5, d_v=2), weights)
    assert np.array_equal(read_csv(folder, "output.csv"), expected.trace["output"])


def test_force_replaces_an_existing_export(tmp_path):
    """--force replaces an earlier export whole; a file of the person's inside it makes --force refuse (issue 13)."""
    assert run_cli("export", "--sentence", "a b", "--causal", "--out", "out", cwd=tmp_path).returncode == 0
    (tmp_path / "out" / "mine.txt").write_text("keep?")
    assert_refused(run_cli("export", "--sentence", "x y z", "--out", "out", "--force", cwd=tmp_path),
                   "out is not an earlier export", "'mine.txt'")
    assert (tmp_path / "out" / "mine.txt").read_text() == "keep?"
    (tmp_path / "out" / "mine.txt").unlink()
    result = run_cli("export", "--sentence", "x y z", "--out", "out", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
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
        "qt = sorted(name for name in sys.modules if name.startswith(('PySide6', 'shiboken', 'PyQt', 'pyqtgraph')))\n"
        "print(status, qt)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60,
                            encoding="utf-8", env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"
    assert (tmp_path / "out" / "manifest.json").is_file()


@pytest.mark.parametrize("command", [COMMAND, MODULE_COMMAND], ids=["console script", "python -m"])
def test_version_and_help(command):
    from attention_stepper.core import __version__

    result = run_cli("--version", cwd=Path.cwd(), command=command)
    assert result.returncode == 0
    assert result.stdout.strip() == f"attention-stepper {__version__}"
    help_text = run_cli("export", "--help", command=command).stdout
    for flag in ("--sentence", "--sentence-file", "--heads", "--d-model", "--d-k", "--d-v", "--seed", "--causal",
                 "--positions", "--weights", "--out", "--force"):
        assert flag in help_text


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
    (["--d-v", "1.5"], ["--d-v", "d_v must be a whole number from 1 to 1024, not '1.5'"]),
])
def test_bad_values_are_refused_in_one_line(tmp_path, arguments, phrases):
    result = run_cli("export", *arguments, "--out", "out", cwd=tmp_path)
    assert_refused(result, *phrases)
    assert not (tmp_path / "out").exists()


def test_missing_out_is_refused(tmp_path):
    assert_refused(run_cli("export", "--sentence", "a", cwd=tmp_path), "the following arguments are required: --out")


def test_unknown_command_is_refused(tmp_path):
    assert_refused(run_cli("exprot", cwd=tmp_path), "invalid choice: 'exprot'")


@pytest.mark.parametrize("name, data", [("latin1.txt", "caf\u00e9 cr\u00e8me".encode("latin-1")),
                                        ("gb18030.txt", "猫吃鱼".encode("gb18030"))], ids=["latin-1", "gb18030"])
def test_sentence_file_that_is_not_utf8_is_refused(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    assert_refused(run_cli("export", "--sentence-file", name, "--out", "out", cwd=tmp_path),
                   f"{name} is not UTF-8 text; save the sentence as UTF-8")
    assert not (tmp_path / "out").exists()


def test_empty_standard_input_is_refused(tmp_path):
    assert_refused(run_cli("export", "--sentence-file", "-", "--out", "out", cwd=tmp_path, input=b""),
                   "the sentence has no tokens")


def test_existing_non_empty_folder_is_refused_without_force(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    assert_refused(run_cli("export", "--sentence", "a b", "--out", "out", cwd=tmp_path),
                   "exists and is not empty", "--force")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    (folder / "notes.txt").unlink()  # an empty folder needs no --force
    result = run_cli("export", "--sentence", "a b", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (folder / "manifest.json").is_file()


def test_file_where_the_folder_should_be_is_refused(tmp_path):
    (tmp_path / "out").write_text("a file")
    assert_refused(run_cli("export", "--out", "out", "--force", cwd=tmp_path), "out exists and is not a folder")


def test_folder_inside_a_file_is_refused(tmp_path):
    """An unwritable place (its parent is a file) is a message, not a NotADirectoryError traceback."""
    (tmp_path / "file.txt").write_text("x")
    line = assert_refused(run_cli("export", "--out", "file.txt/out", cwd=tmp_path),
                          "cannot write file.txt/out", "file.txt is a file, not a folder")
    assert "does not exist" not in line  # it does exist; saying otherwise would mislead


def test_folder_in_a_missing_parent_is_refused(tmp_path):
    assert_refused(run_cli("export", "--out", "absent/out", cwd=tmp_path), "absent", "does not exist")
    assert not (tmp_path / "absent").exists()
    assert_refused(run_cli("export", "--out", "no/such/out", cwd=tmp_path), "the folder no/such does not exist")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_parent_is_refused(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        assert_refused(run_cli("export", "--out", "locked/out", cwd=tmp_path), "cannot write locked/out")
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


def _wrong_output_shape(path: Path) -> None:
    arrays = _good_arrays()
    arrays["w_o"] = np.zeros((3, 4))
    np.savez(path, **arrays)


BAD_WEIGHTS = {
    "zero-byte": (lambda path: path.write_bytes(b""), ["the file is empty", "w_q, w_k, w_v, w_o"]),
    "truncated": (_truncated, ["not a readable .npz weights file"]),
    "corrupt": (lambda path: path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4), ["not a readable .npz"]),
    "text": (lambda path: path.write_text("not weights"), ["not an .npz archive", "numpy.savez"]),
    "pickled": (_pickled, ["holds pickled objects, which are never loaded"]),
    "nan": (_nan, ["w_v holds NaN or infinite values", "finite"]),
    "wrong names": (_wrong_names, ["missing w_q, w_k, w_v, w_o", "it has W_Q"]),
    "some names": (lambda path: np.savez(path, w_q=np.zeros((1, 2, 2))), ["missing w_k, w_v, w_o", "it has w_q"]),
    "wrong shape": (_wrong_shape, ["w_k must have the shape of w_q"]),
    "wrong output shape": (_wrong_output_shape, ["w_o must have shape (h*d_v, d_model)", "it has (3, 4)"]),
}


@pytest.mark.parametrize("kind", BAD_WEIGHTS)
def test_bad_weights_files_are_refused_naming_the_file(tmp_path, kind):
    write, phrases = BAD_WEIGHTS[kind]
    write(tmp_path / "weights.npz")
    result = run_cli("export", "--sentence", "a b", "--weights", "weights.npz", "--out", "out", cwd=tmp_path)
    line = assert_refused(result, "weights.npz", *phrases)
    assert line.startswith(PREFIX + "weights.npz: ")
    assert not (tmp_path / "out").exists()


def test_missing_weights_file_is_refused(tmp_path):
    assert_refused(run_cli("export", "--weights", "absent.npz", "--out", "out", cwd=tmp_path),
                   "absent.npz: no such file")


def test_weights_that_contradict_the_given_sizes_are_refused(tmp_path):
    save_weights(init_weights(6, 3, 5), tmp_path / "w.npz")
    assert_refused(run_cli("export", "--weights", "w.npz", "--heads", "2", "--out", "out", cwd=tmp_path),
                   "does not fit --heads 2 (the file has 3)", "leave those out")


def test_refusals_leave_no_temporary_folders(tmp_path):
    """After a weights failure and a folder refusal the working folder holds only what was there."""
    (tmp_path / "bad.npz").write_bytes(b"")
    run_cli("export", "--weights", "bad.npz", "--out", "out", cwd=tmp_path)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("x")
    run_cli("export", "--out", "taken", cwd=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.npz", "taken"]
