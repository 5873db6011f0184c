"""Real layers against transformers itself: tokens, every layer's X, every head's attention, the module's output.

Tiny random checkpoints of each family (tests/checkpoint_models.py) and the
real all-MiniLM-L6-v2 are opened by the program in NumPy and by transformers
in float64 with eager attention; they must agree to 1e-9.
"""

from __future__ import annotations

import numpy as np
import pytest

from attention_stepper.core import Parameters, compute
from attention_stepper.core.checkpoints import open_checkpoint

transformers = pytest.importorskip("transformers")
checkpoint_models = pytest.importorskip("checkpoint_models")

TOLERANCE = 1e-9


def _assert_layers_agree(folder, kind, sentence, tolerance=TOLERANCE, exact=True):
    checkpoint = open_checkpoint(folder)
    encoding = checkpoint.tokens(sentence)
    expected = checkpoint_models.reference(folder, kind, list(encoding.ids), list(encoding.type_ids), exact=exact)
    assert len(expected["inputs"]) == checkpoint.layers
    for layer in range(checkpoint.layers):
        computation = compute(Parameters(sentence=sentence, checkpoint=str(folder), layer=layer))
        trace = computation.trace
        np.testing.assert_allclose(trace["embed"], expected["inputs"][layer], rtol=0, atol=tolerance,
                                   err_msg=f"{kind} layer {layer}: X")
        np.testing.assert_allclose(trace["weights"], expected["attentions"][layer], rtol=0, atol=tolerance,
                                   err_msg=f"{kind} layer {layer}: attention probabilities")
        np.testing.assert_allclose(trace["output"], expected["outputs"][layer], rtol=0, atol=tolerance,
                                   err_msg=f"{kind} layer {layer}: attention output")
    return checkpoint, encoding


@pytest.mark.parametrize("kind", checkpoint_models.KINDS)
def test_every_layer_is_transformers_own_to_1e_9(tiny_checkpoints, kind):
    _assert_layers_agree(tiny_checkpoints[kind], kind, checkpoint_models.SENTENCE)


@pytest.mark.parametrize("kind", checkpoint_models.KINDS)
def test_tokens_are_the_tokenizers_own_with_special_tokens(tiny_checkpoints, kind):
    fast = transformers.PreTrainedTokenizerFast(tokenizer_file=str(tiny_checkpoints[kind] / "tokenizer.json"))
    ids = fast(checkpoint_models.SENTENCE)["input_ids"]
    computation = compute(Parameters(sentence=checkpoint_models.SENTENCE, checkpoint=str(tiny_checkpoints[kind])))
    assert list(computation.encoding.ids) == ids
    assert list(computation.tokens) == fast.convert_ids_to_tokens(ids)
    if kind == "bert":
        assert computation.tokens[0] == "[CLS]" and computation.tokens[-1] == "[SEP]"


def test_the_configs_make_the_variants_the_tests_mean(tiny_checkpoints):
    """GQA, q/k/v biases with W_O's bias zero, a window shorter than the sentence, causal decoders only."""
    sentence = checkpoint_models.SENTENCE
    llama = compute(Parameters(sentence=sentence, checkpoint=str(tiny_checkpoints["llama"])))
    assert (llama.parameters.heads, llama.parameters.kv_heads, llama.parameters.rope) == (4, 2, "half")
    assert llama.parameters.rope_base == 500.0 and llama.parameters.causal
    qwen = compute(Parameters(sentence=sentence, checkpoint=str(tiny_checkpoints["qwen2"]), layer=2))
    assert qwen.parameters.bias and qwen.parameters.window == 5
    assert np.abs(qwen.weights.b_q).max() > 0 and not qwen.weights.b_o.any()
    assert compute(Parameters(sentence=sentence, checkpoint=str(tiny_checkpoints["qwen2"]))).parameters.window is None
    mistral = compute(Parameters(sentence=sentence, checkpoint=str(tiny_checkpoints["mistral"])))
    assert mistral.parameters.window == 4 < len(mistral.tokens)
    assert (mistral.trace["weights"][:, -1, :-4] == 0).all() and (mistral.trace["weights"][:, -1, -4:] > 0).all()
    bert = compute(Parameters(sentence=sentence, checkpoint=str(tiny_checkpoints["bert"])))
    assert not bert.parameters.causal and bert.parameters.bias and bert.parameters.rope is None
    assert "mask" not in [step.key for step in bert.steps]


def test_unpatched_transformers_agrees_only_to_float32s_precision(tiny_checkpoints):
    """Why the reference is patched: HF's RMSNorm, RoPE angles and softmax run in float32 in a float64 model."""
    folder = tiny_checkpoints["llama"]
    _assert_layers_agree(folder, "llama", checkpoint_models.SENTENCE, tolerance=1e-3, exact=False)
    with pytest.raises(AssertionError):
        _assert_layers_agree(folder, "llama", checkpoint_models.SENTENCE, tolerance=TOLERANCE, exact=False)


def test_bfloat16_and_float16_weights_are_widened_exactly(tiny_checkpoints):
    """qwen2 is saved in bfloat16 and mistral in float16: our weights are transformers' .double() of them."""
    import torch

    for kind, dtype in (("qwen2", "BF16"), ("mistral", "F16")):
        folder = tiny_checkpoints[kind]
        from safetensors import safe_open

        with safe_open(str(folder / "model.safetensors"), framework="pt") as handle:
            name = "model.layers.0.self_attn.q_proj.weight"
            assert handle.get_slice(name).get_dtype() == dtype
            expected = handle.get_tensor(name).to(torch.float64).numpy()
        weights = open_checkpoint(folder).layer_weights(0)
        np.testing.assert_array_equal(weights.w_q.transpose(1, 0, 2).reshape(expected.shape[1], -1), expected.T)


def test_sharded_checkpoints_are_read_through_their_index(tiny_checkpoints):
    folder = tiny_checkpoints["llama"]
    assert (folder / "model.safetensors.index.json").exists() and not (folder / "model.safetensors").exists()
    assert len(list(folder.glob("model-*-of-*.safetensors"))) > 1


def test_the_real_minilm_attends_as_transformers_says(minilm_folder):
    """sentence-transformers' all-MiniLM-L6-v2 (6 layers, 12 heads, d_model 384), every layer to 1e-9."""
    checkpoint, encoding = _assert_layers_agree(minilm_folder, "bert", "The cat sat on the mat because it was warm.")
    assert checkpoint.layers == 6 and encoding.tokens[0] == "[CLS]" and encoding.tokens[-1] == "[SEP]"
    assert len(encoding.tokens) == 13  # no padding to the 128 tokens its tokenizer.json asks for


def test_minilm_has_heads_with_a_job(minilm_folder):
    """What a learner should see in a real model (the README's screenshot shows layer 0, head 3).

    Layer 0's head 3 looks at the previous token, layer 1's head 9 at the
    next one, and in layer 1 and above some heads park almost all attention on [CLS].
    """
    sentence = "The cat sat on the mat because it was warm."

    def weights(layer):
        return compute(Parameters(sentence=sentence, checkpoint=str(minilm_folder), layer=layer)).trace["weights"]

    rows = np.arange(2, 12)  # the words, without [CLS], the first word and [SEP]
    assert weights(0)[2, rows, rows - 1].mean() > 0.95
    assert weights(1)[8, rows - 1, rows].mean() > 0.5
    assert max(weights(layer)[:, 1:-1, 0].mean(axis=1).max() for layer in range(1, 5)) > 0.8
