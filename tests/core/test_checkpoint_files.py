"""Bad model folders are refused whole with one sentence: never a traceback, never half loaded.

The safetensors reader is fuzzed with truncated and damaged files: every
outcome is a CheckpointError or the tensors exactly as written.
"""

from __future__ import annotations

import json
import random
import shutil

import numpy as np
import pytest

from attention_stepper.core import Parameters, Stepper, compute
from attention_stepper.core.checkpoints import CheckpointError, HF_MISSING, open_checkpoint
from attention_stepper.core.checkpoints.config import parse_config
from attention_stepper.core.checkpoints.safetensors_file import TensorFile, widen

safetensors_numpy = pytest.importorskip("safetensors.numpy")
pytest.importorskip("tokenizers")


@pytest.fixture
def bert(tiny_checkpoints, tmp_path):
    """A copy of the tiny BERT to damage."""
    return shutil.copytree(tiny_checkpoints["bert"], tmp_path / "bert")


def _refused(folder, match, **parameters):
    with pytest.raises(CheckpointError, match=match) as caught:
        compute(Parameters(sentence=parameters.pop("sentence", "the cat"), checkpoint=str(folder), **parameters))
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_a_folder_that_is_not_there_or_has_no_config(tmp_path):
    _refused(tmp_path / "nowhere", "does not exist")
    _refused(tmp_path, "has no config.json")


def test_an_unknown_model_type_names_the_supported_ones(bert):
    (bert / "config.json").write_text(json.dumps({"model_type": "t5"}))
    message = _refused(bert, "model_type 't5'")
    assert all(kind in message for kind in ("bert", "roberta", "gpt2", "llama", "qwen2", "mistral"))
    (bert / "config.json").write_text("{not json")
    _refused(bert, "not valid JSON")


def test_a_missing_tensor_is_named_with_what_it_is_for(bert):
    tensors = safetensors_numpy.load_file(bert / "model.safetensors")
    del tensors["encoder.layer.1.attention.self.key.weight"]
    safetensors_numpy.save_file(tensors, bert / "model.safetensors")
    _refused(bert, r"no tensor encoder\.layer\.1\.attention\.self\.key\.weight \(layer 1's W_K\)")


def test_a_tensor_of_the_wrong_shape_is_refused(bert):
    tensors = safetensors_numpy.load_file(bert / "model.safetensors")
    tensors["encoder.layer.0.attention.self.query.weight"] = np.zeros((16, 8), dtype=np.float32)
    safetensors_numpy.save_file(tensors, bert / "model.safetensors")
    _refused(bert, r"has shape \[16, 8\], but config.json implies \[16, 16\]")


def test_non_finite_weights_are_refused(bert):
    tensors = safetensors_numpy.load_file(bert / "model.safetensors")
    tensors["encoder.layer.0.attention.self.query.weight"][0, 0] = np.nan
    safetensors_numpy.save_file(tensors, bert / "model.safetensors")
    _refused(bert, "holds NaN or infinite values")


@pytest.mark.parametrize("keep", [0, 5, 8, 100, -1])
def test_a_truncated_safetensors_file_is_refused(bert, keep):
    path = bert / "model.safetensors"
    data = path.read_bytes()
    path.write_bytes(data[:keep] if keep >= 0 else data[:-7])
    _refused(bert, "damaged or truncated")


def test_a_tokenizer_json_that_does_not_parse(bert):
    (bert / "tokenizer.json").write_text('{"version": "1.0", "model": 3}')
    _refused(bert, "is not a tokenizer.json the tokenizers package reads")
    (bert / "tokenizer.json").unlink()
    _refused(bert, "has no tokenizer.json")


def test_a_layer_out_of_range_and_a_sentence_longer_than_the_positions(tiny_checkpoints):
    _refused(tiny_checkpoints["bert"], r"from 0 to 2 \(tiny-bert has 3 layers", layer=3)
    message = _refused(tiny_checkpoints["bert"], "positions for 24", sentence="cat " * 30)
    assert "32 tokens" in message


def test_without_the_hf_extra_the_message_says_what_to_install(tiny_checkpoints, monkeypatch):
    from attention_stepper.core.checkpoints import checkpoint, errors

    monkeypatch.setattr(errors, "hf_available", lambda: False)
    checkpoint.forget_checkpoints()
    with pytest.raises(CheckpointError) as caught:
        compute(Parameters(sentence="the cat", checkpoint=str(tiny_checkpoints["gpt2"])))
    assert str(caught.value) == HF_MISSING and "pip install attention-stepper[hf]" in HF_MISSING


def test_only_a_pickle_is_never_loaded(bert):
    (bert / "model.safetensors").rename(bert / "pytorch_model.bin")
    _refused(bert, "pytorch_model.bin is a pickle and is never loaded")


def test_a_shard_index_may_not_point_outside_its_folder(tiny_checkpoints, tmp_path):
    folder = shutil.copytree(tiny_checkpoints["llama"], tmp_path / "llama")
    index = json.loads((folder / "model.safetensors.index.json").read_text())
    first = next(iter(index["weight_map"]))
    index["weight_map"][first] = "../elsewhere.safetensors"
    (folder / "model.safetensors.index.json").write_text(json.dumps(index))
    _refused(folder, "a shard must be a .safetensors file beside the index")
    index["weight_map"][first] = "model-00099-of-00099.safetensors"
    (folder / "model.safetensors.index.json").write_text(json.dumps(index))
    _refused(folder, "the download is incomplete")


@pytest.mark.parametrize("change, match", [
    ({"rope_parameters": {"rope_type": "llama3", "rope_theta": 5e5, "factor": 8.0}}, "scaled RoPE"),
    ({"hidden_size": 8192, "num_attention_heads": 64}, "hidden size 8192 is beyond"),
    ({"num_key_value_heads": 3}, "do not divide"),
    ({"num_hidden_layers": "three"}, "num_hidden_layers must be a whole number"),
])
def test_configs_the_program_cannot_follow_are_refused(tiny_checkpoints, tmp_path, change, match):
    folder = shutil.copytree(tiny_checkpoints["llama"], tmp_path / "llama")
    config = json.loads((folder / "config.json").read_text())
    config.update(change)
    (folder / "config.json").write_text(json.dumps(config))
    _refused(folder, match)


def test_a_failed_open_leaves_the_stepper_as_it_was(tiny_checkpoints, tmp_path):
    stepper = Stepper(Parameters(sentence="the cat", checkpoint=str(tiny_checkpoints["gpt2"]), layer=1))
    before = stepper.computation
    for bad in ({"layer": 7}, {"checkpoint": str(tmp_path)}, {"sentence": "cat " * 40}):
        with pytest.raises(ValueError):
            stepper.set(**bad)
        assert stepper.computation is before


def test_an_opened_checkpoint_is_kept_until_its_files_change(tiny_checkpoints, tmp_path):
    folder = shutil.copytree(tiny_checkpoints["gpt2"], tmp_path / "gpt2")
    first = open_checkpoint(folder)
    compute(Parameters(sentence="the dog", checkpoint=str(folder), layer=2))
    assert open_checkpoint(folder) is first
    config = json.loads((folder / "config.json").read_text())
    config["n_layer"] = 2
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    assert open_checkpoint(folder).layers == 2


def test_config_spellings_old_and_new():
    """rope_theta (transformers 4) and rope_parameters (5); Qwen2's windows from max_window_layers."""
    base = {"model_type": "qwen2", "hidden_size": 32, "num_attention_heads": 4, "num_hidden_layers": 4,
            "intermediate_size": 8, "vocab_size": 10, "num_key_value_heads": 2}
    old = parse_config({**base, "rope_theta": 1e6, "use_sliding_window": True, "sliding_window": 6,
                        "max_window_layers": 2})
    assert old.rope_base == 1e6 and old.windows == (None, None, 6, 6) and old.attention_bias
    new = parse_config({**base, "rope_parameters": {"rope_type": "default", "rope_theta": 3e5}})
    assert new.rope_base == 3e5 and new.windows == (None,) * 4
    gpt2 = parse_config({"model_type": "gpt2", "n_embd": 8, "n_head": 2, "n_layer": 3, "vocab_size": 5,
                         "n_positions": 9, "scale_attn_by_inverse_layer_idx": True})
    assert gpt2.scale(2) == pytest.approx(1 / 2 / 3) and gpt2.causal and gpt2.activation == "gelu_new"


def test_bfloat16_widening_is_exact_for_every_bit_pattern():
    torch = pytest.importorskip("torch")
    bits = np.arange(2 ** 16, dtype=np.uint16)
    expected = torch.from_numpy(bits.view(np.int16).copy()).view(torch.bfloat16).to(torch.float64).numpy()
    widened = widen(bits, "BF16")
    finite = np.isfinite(expected)
    np.testing.assert_array_equal(widened[finite], expected[finite])
    assert (np.isnan(widened) == np.isnan(expected)).all()


def _small_file(path):
    rng = np.random.default_rng(0)
    tensors = {"a": rng.standard_normal((3, 4)).astype(np.float32), "b": rng.standard_normal(5).astype(np.float16),
               "c": rng.standard_normal((2, 2))}
    safetensors_numpy.save_file(tensors, path)
    return {name: array.astype(np.float64) for name, array in tensors.items()}


def test_fuzzed_safetensors_files_give_the_tensors_or_one_clear_error(tmp_path):
    """Cut at every length and bytes flipped at random: a CheckpointError or exactly what was written."""
    original = tmp_path / "good.safetensors"
    written = _small_file(original)
    data = original.read_bytes()
    header_end = 8 + int.from_bytes(data[:8], "little")
    cases = [data[:cut] for cut in range(0, len(data))]
    generator = random.Random(0)
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(generator.randint(1, 4)):
            where = generator.randrange(header_end if generator.random() < 0.8 else len(data))
            damaged[where] = generator.randrange(256)
        cases.append(bytes(damaged))
    cases.append(data + b"extra")
    outcomes = {"refused": 0, "read": 0}
    for index, case in enumerate(cases):
        path = tmp_path / f"case{index}.safetensors"
        path.write_bytes(case)
        try:
            file = TensorFile(path)
            arrays = {name: file.read(name) for name in file.names()}
        except CheckpointError as error:
            assert str(error) and "\n" not in str(error)
            outcomes["refused"] += 1
            continue
        outcomes["read"] += 1
        for name, array in arrays.items():
            if name in written and case[header_end:] == data[header_end:]:
                np.testing.assert_array_equal(array, written[name])
    assert outcomes["refused"] > len(data) and outcomes["read"] > 0
