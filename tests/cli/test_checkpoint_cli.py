"""``attention-stepper export/screenshot --checkpoint DIR --layer L``: a real layer, or one line and exit 2."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from command_line import assert_refused, refused_line, run_cli

from attention_stepper.core.checkpoints import open_checkpoint
from attention_stepper.gui.cli import main

pytest.importorskip("safetensors")
pytest.importorskip("tokenizers")


def refused(capsys, *args: str) -> str:
    """Exit status 2 and one line on stderr, in-process (the subprocess test below shows the real command)."""
    return refused_line(capsys, main(list(args)))


def test_export_writes_the_real_layer(tiny_checkpoints, tmp_path):
    folder = tiny_checkpoints["llama"]
    result = run_cli("export", "--checkpoint", str(folder), "--layer", "2", "--sentence", "the cat sat",
                     "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["checkpoint"], manifest["model_type"], manifest["layer"]) == ("tiny-llama", "llama", 2)
    assert manifest["tokens"][0] == "<s>" and manifest["kv_heads"] == 2 and manifest["rope"] == "half"
    checkpoint = open_checkpoint(folder)
    encoding = checkpoint.tokens("the cat sat")
    arrays = np.load(tmp_path / "out" / "matrices.npz")
    np.testing.assert_array_equal(arrays["embed"], checkpoint.attention_input(encoding.ids, 2))


def test_a_bad_folder_is_one_line_and_exit_2_from_the_real_command(tmp_path):
    result = run_cli("export", "--checkpoint", str(tmp_path), "--sentence", "x", "--out", str(tmp_path / "o"),
                     cwd=tmp_path)
    assert_refused(result, "has no config.json")
    assert not (tmp_path / "o").exists()


def test_every_kind_of_bad_input_is_one_line(tiny_checkpoints, tmp_path, capsys, monkeypatch):
    good = str(tiny_checkpoints["bert"])
    out = str(tmp_path / "out")
    assert "from 0 to 2" in refused(capsys, "export", "--checkpoint", good, "--layer", "3", "--out", out)
    assert "whole number from 0" in refused(capsys, "export", "--checkpoint", good, "--layer", "-1", "--out", out)
    assert "positions for 24" in refused(capsys, "export", "--checkpoint", good, "--sentence", "cat " * 40,
                                         "--out", out)
    assert "--layer needs --checkpoint" in refused(capsys, "export", "--layer", "1", "--out", out)
    for flag in (["--heads", "2"], ["--causal"], ["--rope", "half"], ["--memory", "a b"], ["--weights", "w.npz"]):
        assert f"{flag[0]} comes from the model's config.json" in refused(
            capsys, "export", "--checkpoint", good, *flag, "--out", out)
    damaged = shutil.copytree(good, tmp_path / "damaged")
    data = (damaged / "model.safetensors").read_bytes()
    (damaged / "model.safetensors").write_bytes(data[: len(data) // 2])
    assert "damaged or truncated" in refused(capsys, "export", "--checkpoint", str(damaged), "--out", out)
    (damaged / "config.json").write_text('{"model_type": "bloom"}')
    assert "this program reads bert, roberta" in refused(capsys, "export", "--checkpoint", str(damaged),
                                                         "--out", out)
    broken = shutil.copytree(good, tmp_path / "broken")
    (broken / "tokenizer.json").write_text("[1, 2")
    assert "tokenizer.json" in refused(capsys, "export", "--checkpoint", str(broken), "--out", out)
    missing = shutil.copytree(good, tmp_path / "missing")
    from safetensors.numpy import load_file, save_file

    tensors = load_file(missing / "model.safetensors")
    del tensors["encoder.layer.2.output.dense.weight"]
    save_file(tensors, missing / "model.safetensors")
    assert "layer 2's MLP" in refused(capsys, "export", "--checkpoint", str(missing), "--out", out)
    from attention_stepper.core.checkpoints import errors, forget_checkpoints

    monkeypatch.setattr(errors, "hf_available", lambda: False)
    forget_checkpoints()
    assert "pip install attention-stepper[hf]" in refused(capsys, "export", "--checkpoint", good, "--out", out)
    assert not (tmp_path / "out").exists()


def test_screenshot_of_a_real_layer_and_a_step_it_has_not(tiny_checkpoints, tmp_path, capsys):
    pytest.importorskip("PySide6")
    folder = str(tiny_checkpoints["bert"])
    picture = tmp_path / "bert.png"
    assert main(["screenshot", "--checkpoint", folder, "--layer", "1", "--step", "softmax", "--head", "2",
                 "--sentence", "the cat sat", "--out", str(picture)]) == 0
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    capsys.readouterr()
    message = refused(capsys, "screenshot", "--checkpoint", folder, "--step", "rope", "--out", str(picture))
    assert "layer 0 of" in message and "has no rope step" in message
