"""A real layer goes through everything a seeded one does: export, sessions, edits, experiments."""

from __future__ import annotations

import csv
import json
import shutil

import numpy as np
import pytest

from attention_stepper.core import Parameters, Stepper, compute, export_computation, load_session, save_session
from attention_stepper.core.checkpoints import open_checkpoint
from attention_stepper.core.experiments import head_statistics
from attention_stepper.core.session import SessionFileError

pytest.importorskip("safetensors")
pytest.importorskip("tokenizers")

SENTENCE = "the cat sat on the mat 我爱猫"


def test_export_names_the_model_and_layer_and_keeps_the_tokenizers_strings(tiny_checkpoints, tmp_path):
    folder = tiny_checkpoints["gpt2"]
    computation = compute(Parameters(sentence=SENTENCE, checkpoint=str(folder), layer=2))
    out = export_computation(computation, tmp_path / "out")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    encoding = open_checkpoint(folder).tokens(SENTENCE)
    assert manifest["checkpoint"] == "tiny-gpt2" and manifest["model_type"] == "gpt2" and manifest["layer"] == 2
    assert manifest["tokens"] == list(encoding.tokens)
    assert "Ġcat" in manifest["tokens"] and "·cat" in manifest["token_labels"]
    assert manifest["token_labels"] == computation.token_labels
    assert (manifest["heads"], manifest["d_model"], manifest["causal"], manifest["bias"]) == (4, 16, True, True)
    with open(out / "weights_head1.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert [row[0] for row in rows[1:]] == computation.token_labels
    assert rows[0][1:] == computation.token_labels
    arrays = np.load(out / "matrices.npz")
    np.testing.assert_array_equal(arrays["embed"], computation.trace["embed"])
    np.testing.assert_array_equal(arrays["output"], computation.trace["output"])


def test_a_seeded_export_says_it_shows_no_model(tmp_path):
    manifest = json.loads((export_computation(compute(Parameters()), tmp_path / "o") / "manifest.json").read_text())
    assert (manifest["checkpoint"], manifest["model_type"], manifest["layer"]) == (None, None, None)
    assert manifest["token_labels"] == manifest["tokens"]


def test_a_session_remembers_the_folder_and_layer_and_refuses_when_it_is_gone(tiny_checkpoints, tmp_path):
    folder = shutil.copytree(tiny_checkpoints["llama"], tmp_path / "my-llama")
    stepper = Stepper(Parameters(sentence=SENTENCE, checkpoint=str(folder), layer=1))
    stepper.set_cell("w_k", 1, 2, 3, 0.5)
    stepper.go_to("rope")
    path = save_session(tmp_path / "s.attn.npz", stepper.parameters, stepper.custom_weights, stepper.edits,
                        stepper.step.key, 1)
    session = load_session(path)
    assert (session.parameters.checkpoint, session.parameters.layer, session.step) == (str(folder), 1, "rope")
    assert session.weights is None  # read from the folder again, never copied into the session
    restored = Stepper()
    restored.restore(session.parameters, session.weights, session.edits, session.step)
    np.testing.assert_array_equal(restored.computation.trace["weights"], stepper.computation.trace["weights"])
    assert restored.weights.w_k[1, 2, 3] == 0.5
    shutil.rmtree(folder)
    with pytest.raises(SessionFileError, match=r"this session shows the model in .*my-llama, which cannot be opened"):
        load_session(path)


def test_edits_on_a_real_layer_change_what_follows(tiny_checkpoints):
    stepper = Stepper(Parameters(sentence=SENTENCE, checkpoint=str(tiny_checkpoints["qwen2"])))
    before = stepper.computation.trace["weights"].copy()
    stepper.set_cell("embed", None, 1, 0, 3.0)
    assert stepper.computation.trace["embed"][1, 0] == 3.0
    assert not np.array_equal(stepper.computation.trace["weights"], before)
    stepper.set_cell("b_q", 0, 0, 1, -2.0)
    assert stepper.weights.b_q[0, 1] == -2.0
    stepper.reset_edits()
    np.testing.assert_array_equal(stepper.computation.trace["weights"], before)


def test_the_layer_changes_the_input_and_weights_and_reset_weights_leaves_the_model(tiny_checkpoints):
    stepper = Stepper(Parameters(sentence=SENTENCE, checkpoint=str(tiny_checkpoints["bert"])))
    first = stepper.computation
    stepper.set(layer=2)
    assert not np.array_equal(stepper.computation.trace["embed"], first.trace["embed"])
    assert not np.array_equal(stepper.weights.w_q, first.weights.w_q)
    stepper.set_weights(None)  # "Reset to random weights": seeded weights of the same sizes, no model
    assert stepper.parameters.checkpoint is None and stepper.parameters.layer == 0
    assert (stepper.parameters.heads, stepper.parameters.d_model) == (4, 16)
    assert stepper.computation.encoding is None


def test_a_checkpoints_layer_refuses_its_own_weights_and_a_memory(tiny_checkpoints):
    folder = str(tiny_checkpoints["gpt2"])
    real = compute(Parameters(sentence=SENTENCE, checkpoint=folder))
    with pytest.raises(ValueError, match="brings its own weights"):
        compute(Parameters(sentence=SENTENCE, checkpoint=folder), real.weights)
    with pytest.raises(ValueError, match="leave out the memory"):
        compute(Parameters(sentence=SENTENCE, checkpoint=folder, memory="a dog"))
    with pytest.raises(ValueError, match="a layer is chosen only with a checkpoint"):
        compute(Parameters(layer=1))


def test_the_sizes_come_from_the_model_whatever_the_parameters_say(tiny_checkpoints):
    folder = str(tiny_checkpoints["mistral"])
    odd = compute(Parameters(sentence=SENTENCE, checkpoint=folder, heads=7, d_model=3, causal=False, alibi=True,
                             positional_encoding=True))
    plain = compute(Parameters(sentence=SENTENCE, checkpoint=folder))
    assert odd.parameters == plain.parameters
    np.testing.assert_array_equal(odd.trace["weights"], plain.trace["weights"])


def test_the_experiments_stay_a_persons_own(tiny_checkpoints):
    folder = str(tiny_checkpoints["bert"])
    real = compute(Parameters(sentence=SENTENCE, checkpoint=folder))
    unscaled = compute(Parameters(sentence=SENTENCE, checkpoint=folder, skip_scaling=True))
    np.testing.assert_allclose(unscaled.trace["scaled"], real.trace["scores"])
    half = compute(Parameters(sentence=SENTENCE, checkpoint=folder, precision="float16"))
    assert half.trace["weights"].dtype == np.float16
    statistics = head_statistics(real)
    assert len(statistics.entropy) == 4


def test_the_labels_of_a_real_sentence_are_readable(tiny_checkpoints):
    computation = compute(Parameters(sentence="the cat 我爱猫", checkpoint=str(tiny_checkpoints["qwen2"])))
    assert computation.tokens[:2] == ("the", "Ġcat")
    assert computation.token_labels[:2] == ["the", "·cat"]
    assert any("我" in label for label in computation.token_labels)
    assert all("æ" not in label for label in computation.token_labels)
