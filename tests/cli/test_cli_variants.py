"""The modern variants on the command line: each flag reaches the computation and the manifest; bad values
end with exit status 2 and one line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from attention_stepper.core import Parameters, compute
from command_line import refused_line

from attention_stepper.gui.cli import main


def export(tmp_path, *arguments: str) -> dict:
    folder = tmp_path / "out"
    assert main(["export", *arguments, "--out", str(folder)]) == 0
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_every_variant_flag_reaches_the_computation(tmp_path):
    manifest = export(tmp_path, "--heads", "4", "--kv-heads", "2", "--bias", "--rope", "interleaved",
                      "--rope-base", "500", "--alibi", "--window", "2", "--causal", "--scale", "0.25",
                      "--precision", "float32")
    assert {key: manifest[key] for key in ("kv_heads", "bias", "rope", "rope_base", "alibi", "window", "scale",
                                           "precision", "causal")} == {
        "kv_heads": 2, "bias": True, "rope": "interleaved", "rope_base": 500.0, "alibi": True, "window": 2,
        "scale": 0.25, "precision": "float32", "causal": True}
    expected = compute(Parameters(heads=4, kv_heads=2, bias=True, rope="interleaved", rope_base=500.0, alibi=True,
                                  window=2, causal=True, scale=0.25, precision="float32"))
    with np.load(tmp_path / "out" / "matrices.npz") as stored:
        np.testing.assert_array_equal(stored["output"], expected.trace["output"])
        np.testing.assert_array_equal(stored["k_rotated_head2"], expected.trace["k_rotated"][1])


def test_memory_makes_cross_attention(tmp_path):
    manifest = export(tmp_path, "--sentence", "猫吃鱼", "--memory", "the cat eats fish")
    assert manifest["memory_tokens"] == ["the", "cat", "eats", "fish"]
    weights = [entry for entry in manifest["matrices"] if entry["step"] == "weights"]
    assert weights[0]["shape"] == [3, 4]


@pytest.mark.parametrize("arguments, phrase", [
    (["--heads", "4", "--kv-heads", "3"], "kv_heads must divide heads"),
    (["--rope", "half", "--d-k", "3"], "d_k must be even"),
    (["--window", "0"], "window must be a whole number from 1 to 512"),
    (["--scale", "-1"], "scale must be a number above 0"),
    (["--scale", "１"], "scale must be a number above 0"),
    (["--rope-base", "1e999"], "rope_base must be a number above 0"),
    (["--memory", "the cat", "--causal"], "the causal mask compares the positions"),
    (["--scale", "0.5", "--skip-scaling"], "either a scale or skip the scaling"),
    (["--precision", "float8"], "invalid choice: 'float8'"),
])
def test_a_bad_variant_value_is_one_line_and_exit_2(tmp_path, capsys, arguments, phrase):
    refused_line(capsys, main(["export", *arguments, "--out", str(tmp_path / "out")]), phrase)
    assert not (tmp_path / "out").exists()
