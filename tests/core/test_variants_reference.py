"""The modern variants against independent references, to 1e-12 in float64.

RoPE against HF transformers' ``apply_rotary_pos_emb`` (half) and GPT-J's
rotation (interleaved), grouped key/value heads against HF ``repeat_kv`` and
SDPA's ``enable_gqa``, ALiBi's slopes against BLOOM's ``build_alibi_tensor``,
and whole passes with every option against a PyTorch implementation built in
this file from ``scaled_dot_product_attention`` (a float mask carrying ALiBi,
the window, causality and padding; ``scale=``), and cross-attention with
biases against ``nn.MultiheadAttention``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from attention_stepper.core import Parameters, compute
from attention_stepper.core.attention import forward
from attention_stepper.core.torch_layout import to_torch_state
from attention_stepper.core.variants import alibi_slopes, repeat_kv, rope_angles, rotate, visible_keys
from attention_stepper.core.weights import init_weights

torch = pytest.importorskip("torch")
F = torch.nn.functional
TOLERANCE = dict(rtol=0, atol=1e-12)


def _t(array: np.ndarray):
    return torch.from_numpy(np.array(array, dtype=np.float64))


def _cos_sin_half(n: int, d: int, base: float):
    """cos and sin as LlamaRotaryEmbedding lays them out, (n, d), computed in float64."""
    angles = rope_angles(n, d, base)
    doubled = np.concatenate([angles, angles], axis=-1)
    return _t(np.cos(doubled)), _t(np.sin(doubled))


@pytest.mark.parametrize("n, d, base", [(5, 8, 10000.0), (7, 4, 500.0), (3, 16, 1e6)])
def test_rope_half_is_hf_apply_rotary_pos_emb(n, d, base):
    llama = pytest.importorskip("transformers.models.llama.modeling_llama")
    rng = np.random.default_rng(n)
    q, k = rng.normal(size=(3, n, d)), rng.normal(size=(2, n, d))
    cos, sin = _cos_sin_half(n, d, base)
    q_hf, k_hf = llama.apply_rotary_pos_emb(_t(q)[None], _t(k)[None], cos[None], sin[None])
    angles = rope_angles(n, d, base)
    np.testing.assert_allclose(rotate(q, angles, "half"), q_hf[0].numpy(), **TOLERANCE)
    np.testing.assert_allclose(rotate(k, angles, "half"), k_hf[0].numpy(), **TOLERANCE)


def test_rope_angles_are_llamas_rotary_embedding():
    """HF computes its frequencies in float32; the angles agree to float32 precision."""
    transformers = pytest.importorskip("transformers")
    llama = pytest.importorskip("transformers.models.llama.modeling_llama")
    config = transformers.LlamaConfig(hidden_size=32, num_attention_heads=4, head_dim=8,
                                      rope_parameters={"rope_type": "default", "rope_theta": 500.0})
    rotary = llama.LlamaRotaryEmbedding(config)
    x = torch.zeros(1, 6, 8, dtype=torch.float64)
    cos, sin = rotary(x, torch.arange(6)[None])
    expected_cos, expected_sin = _cos_sin_half(6, 8, 500.0)
    np.testing.assert_allclose(cos[0].numpy(), expected_cos.numpy(), rtol=0, atol=2e-6)
    np.testing.assert_allclose(sin[0].numpy(), expected_sin.numpy(), rtol=0, atol=2e-6)


@pytest.mark.parametrize("n, d, base", [(5, 8, 10000.0), (6, 6, 77.0)])
def test_rope_interleaved_is_gptj_rotate_every_two(n, d, base):
    gptj = pytest.importorskip("transformers.models.gptj.modeling_gptj")
    rng = np.random.default_rng(d)
    x = rng.normal(size=(2, n, d))  # (heads, n, d)
    angles = rope_angles(n, d, base)
    sin, cos = _t(np.sin(angles))[None], _t(np.cos(angles))[None]  # (batch, n, d/2)
    expected = gptj.apply_rotary_pos_emb(_t(x).permute(1, 0, 2)[None], sin, cos)  # GPT-J: (b, n, heads, d)
    np.testing.assert_allclose(rotate(x, angles, "interleaved"), expected[0].permute(1, 0, 2).numpy(), **TOLERANCE)


def test_repeat_kv_is_hf_repeat_kv_and_repeat_interleave():
    llama = pytest.importorskip("transformers.models.llama.modeling_llama")
    kv = np.random.default_rng(1).normal(size=(2, 5, 3))
    np.testing.assert_array_equal(repeat_kv(kv, 6), llama.repeat_kv(_t(kv)[None], 3)[0].numpy())
    np.testing.assert_array_equal(repeat_kv(kv, 6), torch.repeat_interleave(_t(kv), 3, dim=0).numpy())


@pytest.mark.parametrize("heads", [4, 6, 8, 12])
def test_alibi_slopes_are_blooms(heads):
    """BLOOM raises a float32 base to each power; they agree to a few float32 units in the last place."""
    bloom = pytest.importorskip("transformers.models.bloom.modeling_bloom")
    alibi = bloom.build_alibi_tensor(torch.ones(1, 3, dtype=torch.long), heads, torch.float64)
    np.testing.assert_allclose(alibi_slopes(heads), alibi[:, 0, 1].numpy(), rtol=5e-7, atol=0)


@pytest.mark.parametrize("heads", [1, 2, 4, 8, 16])
def test_alibi_slopes_of_a_power_of_two_are_the_papers(heads):
    np.testing.assert_array_equal(alibi_slopes(heads), [2.0 ** (-8.0 * i / heads) for i in range(1, heads + 1)])


def _torch_attention(x, weights, *, causal=False, scale=None, rope=None, rope_base=10000.0, alibi=False,
                     window=None, padding=None, memory=None):
    """Attention written from PyTorch's pieces, independently of the core's forward."""
    w = {name: _t(array) for name, array in weights.arrays().items()}
    h, kv, d_k = weights.heads, weights.kv_heads, weights.d_k
    xs = _t(x)
    source = xs if memory is None else _t(memory)
    n, m = xs.shape[0], source.shape[0]
    q = torch.einsum("nd,hde->hne", xs, w["w_q"])
    k = torch.einsum("nd,hde->hne", source, w["w_k"])
    v = torch.einsum("nd,hde->hne", source, w["w_v"])
    if weights.has_bias:
        q, k, v = q + w["b_q"][:, None, :], k + w["b_k"][:, None, :], v + w["b_v"][:, None, :]
    out = {"q": q, "k": k, "v": v}
    if rope == "half":
        llama = pytest.importorskip("transformers.models.llama.modeling_llama")
        cos, sin = _cos_sin_half(n, d_k, rope_base)
        q, k = llama.apply_rotary_pos_emb(q[None], k[None], cos[None], sin[None])
        q, k = q[0], k[0]
    elif rope == "interleaved":
        gptj = pytest.importorskip("transformers.models.gptj.modeling_gptj")
        angles = rope_angles(n, d_k, rope_base)
        sin, cos = _t(np.sin(angles))[None], _t(np.cos(angles))[None]
        q = gptj.apply_rotary_pos_emb(q.permute(1, 0, 2)[None], sin, cos)[0].permute(1, 0, 2)
        k = gptj.apply_rotary_pos_emb(k.permute(1, 0, 2)[None], sin, cos)[0].permute(1, 0, 2)
    if rope:
        out["q_rotated"], out["k_rotated"] = q, k
    bias = torch.zeros(h, n, m, dtype=torch.float64)
    if alibi:
        t, s = torch.arange(n)[:, None], torch.arange(m)[None, :]
        bias = bias - _t(alibi_slopes(h))[:, None, None] * (t - s).abs()
    hidden = torch.zeros(n, m, dtype=torch.bool)
    if causal:
        hidden |= torch.ones(n, m, dtype=torch.bool).triu(1)
    if window is not None:
        t, s = torch.arange(n)[:, None], torch.arange(m)[None, :]
        hidden |= (t - s >= window) if causal else ((t - s).abs() >= window)
    if padding is not None:
        hidden |= torch.from_numpy(np.asarray(padding, dtype=bool))[None, :]
    mask = bias.masked_fill(hidden, float("-inf"))
    head_output = F.scaled_dot_product_attention(q[None], k[None], v[None], attn_mask=mask[None], scale=scale,
                                                 enable_gqa=kv < h)[0]
    keys = torch.repeat_interleave(k, h // kv, dim=0)
    factor = 1 / np.sqrt(d_k) if scale is None else scale
    out["weights"] = torch.softmax(q @ keys.transpose(1, 2) * factor + mask, dim=-1)
    out["head_output"] = head_output
    out["concat"] = head_output.permute(1, 0, 2).reshape(n, -1)
    out["output"] = out["concat"] @ w["w_o"] + (w["b_o"] if weights.has_bias else 0)
    return {key: value.numpy() for key, value in out.items()}


OPTIONS = [
    dict(),
    dict(causal=True),
    dict(rope="half"),
    dict(rope="interleaved", causal=True),
    dict(alibi=True),
    dict(alibi=True, causal=True, window=3),
    dict(window=2),
    dict(causal=True, window=1),
    dict(scale=0.05),
    dict(padding=[False, True, False, False, True, False]),
    dict(rope="half", alibi=True, causal=True, window=4, scale=0.3, padding=[False, False, True, False, False, True]),
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda options: ",".join(options) or "plain")
@pytest.mark.parametrize("heads, kv_heads, bias", [(4, 4, False), (4, 2, True), (6, 1, False), (6, 3, True)])
def test_every_option_and_combination_is_pytorchs(options, heads, kv_heads, bias):
    n, d_model, d_k, d_v = 6, 12, 4, 3
    rng = np.random.default_rng(heads * 10 + kv_heads)
    x = rng.normal(size=(n, d_model))
    weights = init_weights(d_model, heads, d_k, d_v, seed=heads, kv_heads=kv_heads, bias=bias)
    core_options = dict(options)
    if "scale" in core_options:
        core_options["scale"] = float(core_options["scale"])
    trace = forward(x, weights, **core_options)
    expected = _torch_attention(x, weights, **options)
    for key, value in expected.items():
        np.testing.assert_allclose(trace[key], value, **TOLERANCE, err_msg=key)
    if kv_heads < heads:
        assert trace["k_repeated"].shape == (heads, n, d_k) and trace["v"].shape == (kv_heads, n, d_v)


@pytest.mark.parametrize("bias", [False, True])
def test_cross_attention_with_biases_is_multihead_attentions(bias):
    """Q from the sentence, K and V from the memory: nn.MultiheadAttention(query=x, key=value=memory)."""
    n, m, heads, d_model = 4, 6, 2, 8
    rng = np.random.default_rng(5)
    x, memory = rng.normal(size=(n, d_model)), rng.normal(size=(m, d_model))
    weights = init_weights(d_model, heads, d_model // heads, seed=2, bias=bias)
    mha = torch.nn.MultiheadAttention(d_model, heads, bias=bias, batch_first=True, dtype=torch.float64)
    mha.load_state_dict({key: _t(value) for key, value in to_torch_state(weights).items()})
    output, attention = mha(_t(x)[None], _t(memory)[None], _t(memory)[None], average_attn_weights=False)
    trace = forward(x, weights, memory=memory)
    assert trace["scores"].shape == (heads, n, m)
    np.testing.assert_allclose(trace["output"], output[0].detach().numpy(), **TOLERANCE)
    np.testing.assert_allclose(trace["weights"], attention[0].detach().numpy(), **TOLERANCE)


def test_padding_tokens_in_the_sentence_are_masked_as_keys_and_their_rows_still_computed():
    computation = compute(Parameters(sentence="the cat <pad> sat [PAD]", heads=2))
    weights = computation.trace["weights"]
    assert computation.tokens == ("the", "cat", "<pad>", "sat", "[PAD]")
    np.testing.assert_array_equal(weights[..., [2, 4]], 0.0)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=0, atol=1e-15)  # padding rows too
    assert np.isneginf(computation.trace["masked"][..., [2, 4]]).all()


def test_a_query_that_may_see_nothing_gets_zero_weights_as_sdpa_gives():
    """Causal with the padding first: the first query sees only padding."""
    x = np.random.default_rng(0).normal(size=(3, 4))
    weights = init_weights(4, 1, 4, seed=0)
    trace = forward(x, weights, causal=True, padding=np.array([True, False, False]))
    np.testing.assert_array_equal(trace["weights"][0, 0], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(trace["head_output"][0, 0], [0.0] * 4)
    expected = _torch_attention(x, weights, causal=True, padding=[True, False, False])
    np.testing.assert_allclose(trace["head_output"], expected["head_output"], **TOLERANCE)


def test_visible_keys_window_rule_is_mistrals_and_symmetric_without_causal():
    causal = visible_keys(5, 5, causal=True, window=2)
    assert [list(np.flatnonzero(row)) for row in causal] == [[0], [0, 1], [1, 2], [2, 3], [3, 4]]
    both_ways = visible_keys(5, 5, window=2)
    assert [list(np.flatnonzero(row)) for row in both_ways] == [[0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4]]


@pytest.mark.parametrize("precision, tolerance", [("float32", 1e-5), ("float16", 5e-2)])
def test_lower_precision_stays_near_float64_within_its_documented_tolerance(precision, tolerance):
    reference = compute(Parameters(heads=2, d_model=8, d_k=4)).trace
    lower = compute(Parameters(heads=2, d_model=8, d_k=4, precision=precision)).trace
    for key in reference:
        assert lower[key].dtype == np.dtype(precision), key
        np.testing.assert_allclose(lower[key].astype(np.float64), reference[key], rtol=0, atol=tolerance, err_msg=key)


def test_float16_scores_overflow_where_float64_does_not():
    """Large d_model and unscaled scores: float16's largest number (65504) is passed, and softmax breaks."""
    words = " ".join(f"w{i}" for i in range(4))
    parameters = Parameters(sentence=words, heads=1, d_model=64, d_k=64, skip_scaling=True)
    big = compute(parameters).trace["embed"] * 100
    weights = init_weights(64, 1, 64, seed=0)
    with np.errstate(over="ignore", invalid="ignore"):
        half = forward(big, weights, scale=False, dtype=np.float16)
    assert np.isinf(half["scores"]).any() and np.isnan(half["weights"]).any()
    assert np.isfinite(forward(big, weights, scale=False)["weights"]).all()


@pytest.mark.parametrize("rope", ["half", "interleaved"])
def test_rope_keeps_lengths_and_its_dot_products_depend_only_on_distance(rope):
    rng = np.random.default_rng(3)
    q, k = rng.normal(size=8), rng.normal(size=8)
    n = 12
    angles = rope_angles(n, 8, 100.0)
    turned_q = rotate(np.tile(q, (n, 1))[None], angles, rope)[0]
    turned_k = rotate(np.tile(k, (n, 1))[None], angles, rope)[0]
    np.testing.assert_allclose(np.linalg.norm(turned_q, axis=-1), np.linalg.norm(q), rtol=1e-13)
    dots = turned_q @ turned_k.T  # dots[t, s]: q at position t with k at position s
    for distance in range(-3, 4):
        pairs = [dots[t, t - distance] for t in range(n) if 0 <= t - distance < n]
        np.testing.assert_allclose(pairs, pairs[0], rtol=0, atol=1e-12)


def test_as_many_kv_heads_as_heads_is_todays_result_bit_for_bit():
    for options in itertools.product([False, True], repeat=2):
        causal, positions = options
        plain = compute(Parameters(heads=4, causal=causal, positional_encoding=positions))
        grouped = compute(Parameters(heads=4, kv_heads=4, causal=causal, positional_encoding=positions))
        assert list(plain.trace) == list(grouped.trace)
        for key in plain.trace:
            np.testing.assert_array_equal(plain.trace[key], grouped.trace[key], err_msg=key)


@pytest.mark.parametrize("causal", [False, True])
def test_a_window_as_long_as_the_sentence_is_no_window(causal):
    plain = compute(Parameters(heads=2, causal=causal))
    windowed = compute(Parameters(heads=2, causal=causal, window=len(plain.tokens)))
    for key in ("weights", "head_output", "output"):
        np.testing.assert_array_equal(plain.trace[key], windowed.trace[key], err_msg=key)
