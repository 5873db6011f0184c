"""The export folder: CSVs that read back to the same doubles, the manifest, and atomicity."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from attention_stepper.core import Parameters, __version__, compute, load_weights
from attention_stepper.core import export as export_module
from attention_stepper.core.export import export_computation, table_text

PER_HEAD = {"q", "k", "v", "scores", "scaled", "masked", "weights", "head_output"}
BOM = b"\xef\xbb\xbf"


@pytest.fixture
def parent(tmp_path) -> Path:
    """An empty folder to export into, so leftovers are easy to see."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def expected_matrix(computation, entry) -> np.ndarray:
    array = computation.trace[entry["step"]]
    return array if entry["head"] is None else array[entry["head"] - 1]


def read_manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("causal", [False, True])
def test_every_csv_reads_back_with_pandas_to_exactly_the_trace(parent, causal):
    computation = compute(Parameters(sentence="猫吃鱼，鱼吃虾。", heads=3, d_model=7, d_k=5, d_v=2, seed=4,
                                     causal=causal))
    folder = export_computation(computation, parent / "out")
    manifest = read_manifest(folder)
    assert manifest["matrices"]
    for entry in manifest["matrices"]:
        frame = pd.read_csv(folder / entry["file"], index_col=0)
        expected = expected_matrix(computation, entry)
        assert frame.to_numpy().dtype == np.float64
        assert np.array_equal(frame.to_numpy(), expected), entry["file"]  # bit for bit, -inf included
        rows, columns = computation.labels(entry["step"])
        assert list(frame.index) == rows
        assert list(frame.columns) == columns
    if causal:
        masked = pd.read_csv(folder / "masked_head2.csv", index_col=0).to_numpy()
        assert np.isneginf(masked[np.triu_indices(masked.shape[0], k=1)]).all()


def test_every_csv_reads_with_the_csv_module_and_starts_with_a_bom(parent):
    computation = compute(Parameters(sentence="我 爱 机器 学习", causal=True))
    folder = export_computation(computation, parent / "out")
    for entry in read_manifest(folder)["matrices"]:
        path = folder / entry["file"]
        raw = path.read_bytes()
        assert raw.startswith(BOM) and not raw[3:].startswith(BOM)
        with open(path, encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream))
        header, body = rows[0], rows[1:]
        row_labels, column_labels = computation.labels(entry["step"])
        assert header == ["", *column_labels]  # empty corner cell, then column labels
        assert [row[0] for row in body] == row_labels
        values = np.array([[float(cell) for cell in row[1:]] for row in body])
        assert np.array_equal(values, expected_matrix(computation, entry)), entry["file"]


def test_csv_keeps_full_precision_and_writes_minus_inf():
    """repr of a float is the shortest text that reads back as the same double."""
    matrix = np.array([[0.1 + 0.2, 1 / 3, -np.inf], [5e-324, 1.7976931348623157e308, -0.0]])
    text = table_text(matrix, ["a", "b"], ["x", "y", "z"], delimiter=",")
    lines = text.splitlines()
    assert lines[0] == ",x,y,z"
    assert lines[1] == "a,0.30000000000000004,0.3333333333333333,-inf"
    back = np.array([[float(cell) for cell in line.split(",")[1:]] for line in lines[1:]])
    assert np.array_equal(back, matrix)
    assert np.signbit(back[1, 2])


def test_manifest_describes_the_computation_and_matches_the_files(parent):
    parameters = Parameters(sentence="the cat saw the cat .", heads=2, d_model=6, d_k=3, d_v=5, seed=11,
                            causal=True, positional_encoding=True)
    computation = compute(parameters)
    folder = export_computation(computation, parent / "out")
    manifest = read_manifest(folder)
    assert manifest["tokens"] == ["the", "cat", "saw", "the", "cat", "."]
    assert {key: manifest[key] for key in ("heads", "d_model", "d_k", "d_v", "seed", "causal",
                                           "positional_encoding", "version")} == {
        "heads": 2, "d_model": 6, "d_k": 3, "d_v": 5, "seed": 11, "causal": True,
        "positional_encoding": True, "version": __version__}

    entries = manifest["matrices"]
    for entry in entries:
        assert set(entry) >= {"step", "head", "file", "shape"}
        if entry["step"] in PER_HEAD:
            assert entry["head"] in (1, 2)
            assert entry["file"] == f"{entry['step']}_head{entry['head']}.csv"
        else:
            assert entry["head"] is None
            assert entry["file"] == f"{entry['step']}.csv"
        frame = pd.read_csv(folder / entry["file"], index_col=0)
        assert list(frame.shape) == entry["shape"] == list(expected_matrix(computation, entry).shape)

    # Every trace matrix is there once per head, and nothing else is.
    expected = {(key, head) for key in computation.trace
                for head in ((1, 2) if key in PER_HEAD else (None,))}
    assert {(e["step"], e["head"]) for e in entries} == expected
    assert len(entries) == len(expected)
    assert {e["file"] for e in entries} == {p.name for p in folder.glob("*.csv")}
    shapes = {(e["step"], e["head"]): e["shape"] for e in entries}
    assert shapes[("embed", None)] == [6, 6]
    assert shapes[("v", 1)] == [6, 5]
    assert shapes[("masked", 2)] == [6, 6]
    assert shapes[("concat", None)] == [6, 10]
    assert shapes[("output", None)] == [6, 6]


def test_manifest_without_causal_lists_no_mask(parent):
    folder = export_computation(compute(Parameters()), parent / "out")
    manifest = read_manifest(folder)
    assert manifest["causal"] is False and manifest["positional_encoding"] is False
    assert "masked" not in {e["step"] for e in manifest["matrices"]}
    assert not list(folder.glob("masked*"))


def test_manifest_is_utf8_with_readable_chinese(parent):
    folder = export_computation(compute(Parameters(sentence="猫吃鱼")), parent / "out")
    assert '"猫"' in (folder / "manifest.json").read_text(encoding="utf-8")


def test_weights_npz_reloads_to_the_same_weights(parent):
    computation = compute(Parameters(heads=3, d_model=5, d_k=7, d_v=2, seed=8))
    folder = export_computation(computation, parent / "out")
    with np.load(folder / "weights.npz", allow_pickle=False) as archive:
        assert set(archive.files) >= {"w_q", "w_k", "w_v", "w_o"}
    assert load_weights(folder / "weights.npz") == computation.weights
    # The exported weights reproduce the exported trace.
    again = compute(computation.parameters, load_weights(folder / "weights.npz"))
    np.testing.assert_array_equal(again.trace["output"], computation.trace["output"])


def test_repeated_tokens_get_unique_row_labels(parent):
    computation = compute(Parameters(sentence="the cat saw the cat"))
    folder = export_computation(computation, parent / "out")
    for name in ("embed.csv", "weights_head1.csv", "output.csv"):
        frame = pd.read_csv(folder / name, index_col=0)
        assert list(frame.index) == ["the", "cat", "saw", "the#2", "cat#2"]
        assert frame.index.is_unique
    weights = pd.read_csv(folder / "weights_head1.csv", index_col=0)
    assert list(weights.columns) == ["the", "cat", "saw", "the#2", "cat#2"]
    # Same token, same embedding row: the labels differ, the numbers do not.
    embed = pd.read_csv(folder / "embed.csv", index_col=0)
    assert np.array_equal(embed.loc["the"].to_numpy(), embed.loc["the#2"].to_numpy())


# --------------------------------------------------------------------------
# The folder appears whole or not at all
# --------------------------------------------------------------------------

def _fail_on_third_csv(monkeypatch, error: BaseException):
    real = export_module.write_matrix_csv
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(export_module, "write_matrix_csv", failing)
    return calls


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_export_leaves_no_folder_and_no_temporary(parent, monkeypatch, error):
    calls = _fail_on_third_csv(monkeypatch, error)
    with pytest.raises(type(error)):
        export_computation(compute(Parameters()), parent / "out")
    assert len(calls) == 3  # it really failed midway, after writing two files
    assert list(parent.iterdir()) == []


def test_failed_forced_export_keeps_the_old_folder(parent, monkeypatch):
    folder = export_computation(compute(Parameters(sentence="old words")), parent / "out")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    _fail_on_third_csv(monkeypatch, OSError(28, "No space left on device"))
    with pytest.raises(OSError):
        export_computation(compute(Parameters(sentence="new words here")), folder, force=True)
    assert [p.name for p in parent.iterdir()] == ["out"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_non_empty_folder_is_refused_without_force(parent):
    folder = parent / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty.*--force"):
        export_computation(compute(Parameters()), folder)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert [p.name for p in parent.iterdir()] == ["out"]


def test_force_replaces_the_folder_whole(parent):
    folder = parent / "out"
    export_computation(compute(Parameters(causal=True)), folder)
    (folder / "notes.txt").write_text("stale")
    with pytest.raises(FileExistsError, match="not an earlier export.*'notes.txt'"):  # not ours: kept (issue 13)
        export_computation(compute(Parameters(sentence="猫吃鱼")), folder, force=True)
    assert (folder / "notes.txt").read_text() == "stale"
    (folder / "notes.txt").unlink()
    export_computation(compute(Parameters(sentence="猫吃鱼")), folder, force=True)
    assert not (folder / "notes.txt").exists()
    assert not list(folder.glob("masked*"))  # nothing left over from the causal export
    assert read_manifest(folder)["tokens"] == ["猫", "吃", "鱼"]
    assert [p.name for p in parent.iterdir()] == ["out"]  # the old copy is gone too


def test_empty_existing_folder_is_filled_without_force(parent):
    folder = parent / "out"
    folder.mkdir()
    export_computation(compute(Parameters()), folder)
    assert (folder / "manifest.json").is_file()


def test_a_file_in_the_way_is_refused_even_with_force(parent):
    path = parent / "out"
    path.write_text("a file")
    with pytest.raises(FileExistsError, match="not a folder"):
        export_computation(compute(Parameters()), path, force=True)
    assert path.read_text() == "a file"


def test_missing_parent_folder_is_refused(parent):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        export_computation(compute(Parameters()), parent / "absent" / "out")
    assert list(parent.iterdir()) == []


def test_labels_with_commas_and_quotes_survive_the_csv(parent):
    """Punctuation tokens are labels too; the CSV must quote them, not split on them."""
    computation = compute(Parameters(sentence='he said , "hi" , "bye"'))
    folder = export_computation(computation, parent / "out")
    labels = ["he", "said", ",", '"', "hi", '"#2', ",#2", '"#3', "bye", '"#4']
    frame = pd.read_csv(folder / "scores_head1.csv", index_col=0)
    assert list(frame.index) == list(frame.columns) == labels
    assert np.array_equal(frame.to_numpy(), computation.trace["scores"][0])
    with open(folder / "output.csv", encoding="utf-8-sig", newline="") as stream:
        assert [row[0] for row in csv.reader(stream)][1:] == labels


def test_parent_that_is_a_file_is_refused_as_such(parent):
    (parent / "file.txt").write_text("x")
    with pytest.raises(NotADirectoryError, match="file.txt is a file, not a folder"):
        export_computation(compute(Parameters()), parent / "file.txt" / "out")
    assert [p.name for p in parent.iterdir()] == ["file.txt"]
