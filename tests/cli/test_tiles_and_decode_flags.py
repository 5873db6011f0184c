"""``export --tiles BR,BC`` and ``export --decode``: tiles.json, decode.json and decode.npz, through the real command.

(Split from tests/core/test_inference.py, which checks that tiles and decoding compute the ordinary pass.)
"""

from __future__ import annotations

import json

import numpy as np
from command_line import refused_line

from attention_stepper.core import Parameters, compute
from attention_stepper.core.tiles import tiled_attention, tiles_record
from attention_stepper.gui.cli import main

TOLERANCE = dict(rtol=0, atol=1e-12)


def test_export_tiles_and_decode_write_their_files_and_force_replaces_them(tmp_path):
    out = tmp_path / "out"
    assert main(["export", "--causal", "--heads", "2", "--kv-heads", "1", "--tiles", "2,3", "--decode",
                 "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tiles"] == "tiles.json" and manifest["decode"] == "decode.json"
    tiles = json.loads((out / "tiles.json").read_text(encoding="utf-8"))
    computation = compute(Parameters(causal=True, heads=2, kv_heads=1))
    expected = tiles_record(tiled_attention(computation, 1, 2, 3))
    assert tiles["block_rows"] == 2 and tiles["block_columns"] == 3 and tiles["heads"][1] == json.loads(
        json.dumps(expected))
    summary = json.loads((out / "decode.json").read_text(encoding="utf-8"))
    assert [step["cache_tokens"] for step in summary["steps"]] == [1, 2, 3, 4]
    assert summary["steps"][3]["cache_bytes"] == 4 * 1 * (4 + 4) * 8
    assert max(step["max_difference_from_full_pass"] for step in summary["steps"]) < 1e-12
    with np.load(out / "decode.npz") as stored:
        np.testing.assert_allclose(stored["step4_weights"], computation.trace["weights"][:, 3], **TOLERANCE)
        assert stored["step2_k_cache"].shape == (1, 2, 4)
    assert main(["export", "--out", str(out), "--force"]) == 0  # an export with these files is still ours
    assert not (out / "tiles.json").exists()


def test_export_refuses_tiles_larger_than_the_sentence(tmp_path, capsys):
    refused_line(capsys, main(["export", "--tiles", "9,2", "--out", str(tmp_path / "out")]),
                 "B_r must be a whole number from 1 to 4")
    assert not (tmp_path / "out").exists()
