"""The export folder: every CSV reads back to the exact doubles, the manifest matches, failures leave nothing."""

import csv
import json

import numpy as np
import pandas as pd
import pytest

from attention_stepper.core import export as export_module
from attention_stepper.core.export import export_computation
from attention_stepper.core import Parameters, compute

MANIFEST_KEYS = {"tokens", "heads", "d_model", "d_k", "d_v", "seed", "causal", "positional_encoding", "version",
                 "matrices"}


@pytest.fixture
def computation():
    return compute(Parameters(sentence="the cat saw the other cat .", heads=3, d_model=6, d_k=5, d_v=2, causal=True,
                              positional_encoding=True, seed=9))


def test_every_csv_reads_back_to_the_trace_exactly(computation, tmp_path):
    folder = export_computation(computation, tmp_path / "out")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert MANIFEST_KEYS <= set(manifest)
    assert manifest["tokens"] == list(computation.tokens)
    assert (manifest["heads"], manifest["d_model"], manifest["d_k"], manifest["d_v"], manifest["seed"]) == (3, 6, 5, 2, 9)
    assert manifest["causal"] is True and manifest["positional_encoding"] is True
    listed = {entry["file"] for entry in manifest["matrices"]}
    assert listed == {path.name for path in folder.glob("*.csv")}
    for entry in manifest["matrices"]:
        key, head = entry["step"], entry["head"]
        expected = computation.trace[key] if head is None else computation.trace[key][head - 1]
        frame = pd.read_csv(folder / entry["file"], index_col=0, encoding="utf-8-sig")
        assert list(frame.shape) == entry["shape"] == list(expected.shape)
        assert np.array_equal(frame.to_numpy(dtype=np.float64), expected), entry["file"]
        rows, columns = computation.labels(key)
        assert list(frame.index) == rows and list(frame.columns) == columns
    per_head = {entry["step"] for entry in manifest["matrices"] if entry["head"] is not None}
    assert per_head == {"q", "k", "v", "scores", "scaled", "masked", "weights", "head_output"}


def test_csv_format_is_utf8_with_bom_and_masked_cells_are_minus_inf(computation, tmp_path):
    folder = export_computation(computation, tmp_path / "out")
    raw = (folder / "masked_head1.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf,")  # byte-order mark, then the empty corner cell
    with open(folder / "masked_head1.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0][0] == "" and rows[0][1:] == ["the", "cat", "saw", "the#2", "other", "cat#2", "."]
    assert [row[0] for row in rows[1:]] == rows[0][1:], "repeated tokens get unique labels"
    assert rows[1][2] == "-inf"
    assert float(rows[2][1]) == computation.trace["masked"][0, 1, 0]


def test_weights_npz_holds_the_weights(computation, tmp_path):
    folder = export_computation(computation, tmp_path / "out")
    with np.load(folder / "weights.npz", allow_pickle=False) as archive:
        for name in ("w_q", "w_k", "w_v", "w_o"):
            np.testing.assert_array_equal(archive[name], getattr(computation.weights, name))


def test_a_failed_export_leaves_no_folder_and_no_temporary_files(computation, tmp_path, monkeypatch):
    calls = []

    def failing(path, computation, key, head=None):
        calls.append(key)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        return original(path, computation, key, head)

    original = export_module.write_matrix_csv
    monkeypatch.setattr(export_module, "write_matrix_csv", failing)
    with pytest.raises(OSError):
        export_computation(computation, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_refused_unless_forced_and_kept_when_the_replacement_fails(computation, tmp_path,
                                                                                       monkeypatch):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("keep")
    with pytest.raises(FileExistsError):
        export_computation(computation, tmp_path / "out")
    with pytest.raises(FileExistsError):  # --force replaces only an earlier export (issue 13)
        export_computation(computation, tmp_path / "out", force=True)
    assert (tmp_path / "out" / "mine.txt").read_text() == "keep"
    (tmp_path / "out" / "mine.txt").unlink()
    export_computation(compute(Parameters(sentence="an earlier one")), tmp_path / "out")
    before = (tmp_path / "out" / "manifest.json").read_bytes()
    monkeypatch.setattr(export_module, "write_matrix_csv", lambda *args, **kwargs: (_ for _ in ()).throw(OSError("disk")))
    with pytest.raises(OSError):
        export_computation(computation, tmp_path / "out", force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert (tmp_path / "out" / "manifest.json").read_bytes() == before
    monkeypatch.undo()
    export_computation(computation, tmp_path / "out", force=True)
    assert not (tmp_path / "out" / "mine.txt").exists() and (tmp_path / "out" / "manifest.json").exists()
    assert (tmp_path / "out" / "manifest.json").read_bytes() != before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_an_empty_existing_folder_is_used(computation, tmp_path):
    (tmp_path / "out").mkdir()
    export_computation(computation, tmp_path / "out")
    assert (tmp_path / "out" / "manifest.json").exists()
