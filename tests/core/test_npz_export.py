"""matrices.npz: every exported matrix for NumPy, keyed as the manifest's CSV files."""

import json

import numpy as np
import pytest

from attention_stepper.core.export import export_computation, manifest
from attention_stepper.core import Parameters, compute


def read(folder):
    contents = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return contents, np.load(folder / contents["npz"], allow_pickle=False)


@pytest.mark.parametrize("causal", [False, True])
def test_npz_holds_every_csv_matrix(tmp_path, causal):
    computation = compute(Parameters(sentence="猫吃鱼", heads=3, d_model=6, d_k=2, d_v=5, causal=causal))
    contents, arrays = read(export_computation(computation, tmp_path / "out"))
    assert contents["npz"] == "matrices.npz"
    stems = [entry["file"].removesuffix(".csv") for entry in contents["matrices"]]
    assert sorted(arrays.files) == sorted(stems)
    assert sorted(p.stem for p in (tmp_path / "out").glob("*.csv")) == sorted(stems)
    for entry in contents["matrices"]:
        array = arrays[entry["file"].removesuffix(".csv")]
        assert list(array.shape) == entry["shape"]
        assert array.dtype == np.float64
        expected = computation.trace[entry["step"]]
        if entry["head"] is not None:
            expected = expected[entry["head"] - 1]
        np.testing.assert_array_equal(array, expected)
    assert ("masked_head1" in arrays.files) == causal
    np.testing.assert_array_equal(arrays["q_head2"], computation.trace["q"][1])
    np.testing.assert_array_equal(arrays["embed"], computation.trace["embed"])


def test_npz_of_one_step(tmp_path):
    computation = compute(Parameters())
    contents, arrays = read(export_computation(computation, tmp_path / "step", keys=("q", "k", "v", "w_q")))
    assert sorted(arrays.files) == sorted(
        ["q_head1", "q_head2", "k_head1", "k_head2", "v_head1", "v_head2", "w_q_head1", "w_q_head2"])
    np.testing.assert_array_equal(arrays["w_q_head2"], computation.weights.w_q[1])


def test_manifest_new_keys_and_old_ones():
    contents = manifest(compute(Parameters(tokenizer="characters", skip_scaling=True)))
    for key in ("tokens", "heads", "d_model", "d_k", "d_v", "seed", "causal", "positional_encoding",
                "version", "matrices"):
        assert key in contents
    assert contents["skip_scaling"] is True
    assert contents["tokenizer"] == "characters"
    assert contents["npz"] == "matrices.npz"


def test_export_stays_atomic_when_the_npz_fails(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", fail)
    with pytest.raises(OSError, match="disk full"):
        export_computation(compute(Parameters()), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []
