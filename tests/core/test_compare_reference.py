"""Correct implementations pass: PyTorch written here (SDPA, independent of ours), nn.MultiheadAttention, HF's
LlamaAttention; float32 round-off within the tolerance passes; and the mistakes' pass is forward itself."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attention_stepper.core.attention import forward
from attention_stepper.core.mistakes import REFERENCE, reference, run
from attention_stepper.core.parameters import Parameters
from attention_stepper.core.weights import init_weights
from attention_stepper.gui.cli import main

from user_attention import Setup, bloom_slopes, linear_weights, user_attention

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _interleaved(t, cos, sin):
    """GPT-J's rotate_every_two on (b, h, n, d) with cos, sin (n, d/2)."""
    a, b = t[..., 0::2], t[..., 1::2]
    return torch.stack([a * cos - b * sin, b * cos + a * sin], dim=-1).flatten(-2)


def torch_attention(setup: Setup, dtype=torch.float64) -> dict[str, np.ndarray]:
    """A correct attention in PyTorch: F.linear, view + transpose, RoPE, SDPA with a float mask and enable_gqa."""
    generator = torch.Generator().manual_seed(5)
    h, kv, d, e, n = setup.heads, setup.kv, setup.d_k, setup.d_model, setup.n
    weights = {name: torch.tensor(value, dtype=dtype) for name, value in linear_weights(setup, seed=9).items()}
    x = torch.randn(1, n, e, generator=generator, dtype=dtype)
    source = x if setup.m is None else torch.randn(1, setup.m, e, generator=generator, dtype=dtype)
    m = source.shape[1]

    def linear(t, name):
        return F.linear(t, weights[f"{name}.weight"], weights.get(f"{name}.bias"))

    q = linear(x, "q_proj").view(1, n, h, d).transpose(1, 2)
    k = linear(source, "k_proj").view(1, m, kv, d).transpose(1, 2)
    v = linear(source, "v_proj").view(1, m, kv, d).transpose(1, 2)
    dump = {"q": q, "k": k, "v": v}
    if setup.rope:
        inverse = 1.0 / (10000.0 ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
        angles = torch.outer(torch.arange(max(n, m), dtype=torch.float64), inverse).to(dtype)
        if setup.rope == "half":
            llama = pytest.importorskip("transformers.models.llama.modeling_llama")
            emb = torch.cat([angles, angles], dim=-1)
            q, _ = llama.apply_rotary_pos_emb(q, q, emb.cos()[None, :n], emb.sin()[None, :n])
            k, _ = llama.apply_rotary_pos_emb(k, k, emb.cos()[None, :m], emb.sin()[None, :m])
        else:
            q = _interleaved(q, angles.cos()[:n], angles.sin()[:n])
            k = _interleaved(k, angles.cos()[:m], angles.sin()[:m])
        dump.update(q_rotated=q, k_rotated=k)
    t, s = torch.arange(n)[:, None], torch.arange(m)[None, :]
    keep = torch.ones(n, m, dtype=torch.bool)
    if setup.causal:
        keep &= s <= t
    if setup.window is not None:
        keep &= (t - s < setup.window) if setup.causal else ((t - s).abs() < setup.window)
    mask = torch.zeros(n, m, dtype=dtype).masked_fill(~keep, float("-inf"))
    if setup.alibi:
        mask = mask - torch.tensor(bloom_slopes(h), dtype=dtype)[:, None, None] * (t - s).abs().to(dtype)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=kv < h)
    keys = k.repeat_interleave(h // kv, dim=1)
    scores = q @ keys.transpose(-1, -2)
    attention = torch.softmax(scores / math.sqrt(d) + mask, dim=-1)
    concat = out.transpose(1, 2).reshape(1, n, h * d)
    dump.update(scores=scores, scaled=scores / math.sqrt(d), weights=attention, head_output=out, concat=concat,
                output=linear(concat, "o_proj"))
    arrays = {"x": x, **weights, **dump}
    if setup.m is not None:
        arrays["memory"] = source
    return {name: value.numpy() for name, value in arrays.items()}


SETUPS = [Setup(), Setup(causal=True, bias=True), Setup(rope="half", causal=True, heads=4, kv_heads=2, d_model=16),
          Setup(rope="interleaved", window=2, heads=4, kv_heads=1, d_model=16), Setup(m=7, heads=2, bias=True),
          Setup(alibi=True, causal=True, heads=6, d_model=12, d_k=2, window=3)]


@pytest.mark.parametrize("setup", SETUPS)
def test_a_correct_torch_implementation_matches(tmp_path, capsys, setup):
    np.savez(tmp_path / "dump.npz", **torch_attention(setup))
    status = main(["compare", str(tmp_path / "dump.npz"), *setup.flags()])
    out = capsys.readouterr().out
    assert status == 0, out
    assert out.endswith("all steps match\ndiagnosis: none\n  Every step in the dump matches the reference within "
                        "the tolerance.\n")


def test_float32_round_off_passes_within_the_tolerance_and_not_without(tmp_path, capsys):
    setup = Setup(rope="half", causal=True, heads=4, kv_heads=2, d_model=16, bias=True)
    np.savez(tmp_path / "dump.npz", **torch_attention(setup, torch.float32))
    path = str(tmp_path / "dump.npz")
    assert main(["compare", path, *setup.flags()]) == 0, capsys.readouterr().out
    capsys.readouterr()
    assert main(["compare", path, *setup.flags(), "--atol", "1e-12", "--rtol", "0"]) == 1
    out = capsys.readouterr().out
    assert "DIFFERS" in out and "\ndiagnosis: unknown\n" in out


def test_float32_numpy_near_misses_pass_and_float32_mistakes_are_still_named(tmp_path, capsys):
    setup = Setup(causal=True, window=3, rope="interleaved", heads=4, kv_heads=2, d_model=16)
    for mistake, status in ((None, 0), ("rope-offset", 1), ("softmax-axis", 1)):
        np.savez(tmp_path / "dump.npz", **user_attention(setup, mistake, dtype=np.float32))
        assert main(["compare", str(tmp_path / "dump.npz"), *setup.flags(), "--atol", "1e-5"]) == status
        assert f"diagnosis: {mistake or 'none'}\n" in capsys.readouterr().out


def _mha(heads=2, e=8, seed=0):
    torch.manual_seed(seed)
    mha = torch.nn.MultiheadAttention(e, heads, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_bias.normal_()
        mha.out_proj.bias.normal_()
    return mha, torch.randn(1, 5, e, dtype=torch.float64)


def test_nn_multihead_attention_in_its_own_layout(tmp_path, capsys):
    mha, x = _mha()
    causal = torch.ones(5, 5, dtype=torch.bool).triu(1)
    output, weights = mha(x, x, x, attn_mask=causal, need_weights=True, average_attn_weights=False)
    state = {name: value.detach().numpy() for name, value in mha.state_dict().items()}
    np.savez(tmp_path / "dump.npz", x=x.numpy(), **state, weights=weights.detach().numpy(),
             output=output.detach().numpy())
    assert main(["compare", str(tmp_path / "dump.npz"), "--heads", "2", "--causal"]) == 0
    assert "diagnosis: none" in capsys.readouterr().out


def test_nn_multihead_attention_default_weights_are_heads_averaged(tmp_path, capsys):
    mha, x = _mha(heads=4, e=8)
    output, weights = mha(x, x, x)  # need_weights=True, average_attn_weights=True: (1, n, n)
    state = {name: value.detach().numpy() for name, value in mha.state_dict().items()}
    np.savez(tmp_path / "dump.npz", x=x.numpy(), **state, weights=weights.detach().numpy(),
             output=output.detach().numpy())
    assert main(["compare", str(tmp_path / "dump.npz"), "--heads", "4"]) == 1
    out = capsys.readouterr().out
    assert "first divergence: weights\ndiagnosis: heads-averaged\n" in out, out


def test_hf_llama_attention_with_gqa_and_rope(tmp_path, capsys):
    transformers = pytest.importorskip("transformers")
    llama = pytest.importorskip("transformers.models.llama.modeling_llama")
    config = transformers.LlamaConfig(hidden_size=16, num_attention_heads=4, num_key_value_heads=2, head_dim=4,
                                      attn_implementation="eager")
    torch.manual_seed(1)
    attention = llama.LlamaAttention(config, layer_idx=0).double()
    x = torch.randn(1, 6, 16, dtype=torch.float64)
    cos, sin = llama.LlamaRotaryEmbedding(config)(x, torch.arange(6)[None])
    mask = torch.full((6, 6), float("-inf"), dtype=torch.float64).triu(1)[None, None]
    output, weights = attention(x, position_embeddings=(cos.double(), sin.double()), attention_mask=mask)
    state = {name: value.detach().numpy() for name, value in attention.state_dict().items()}
    np.savez(tmp_path / "dump.npz", x=x.numpy(), **state, weights=weights.detach().numpy(),
             output=output.detach().numpy())
    path = str(tmp_path / "dump.npz")
    assert main(["compare", path, "--heads", "4", "--causal", "--rope", "half"]) == 0, capsys.readouterr().out
    capsys.readouterr()
    assert main(["compare", path, "--heads", "4", "--causal", "--rope", "interleaved"]) == 1
    assert "diagnosis: rope-style" in capsys.readouterr().out


CONFIGURATIONS = st.fixed_dictionaries({
    "heads_kv": st.sampled_from([(1, 1), (2, 2), (4, 2), (4, 1), (6, 3)]),
    "d_k": st.sampled_from([2, 4]),
    "n": st.integers(1, 6),
    "causal": st.booleans(),
    "window": st.none() | st.integers(1, 4),
    "rope": st.sampled_from([None, "half", "interleaved"]),
    "alibi": st.booleans(),
    "bias": st.booleans(),
    "scale": st.sampled_from([None, 0.3, "skip"]),
    "precision": st.sampled_from(["float64", "float32", "float16"]),
})


@settings(max_examples=60, deadline=None)
@given(CONFIGURATIONS)
def test_the_mistakes_pass_without_a_mistake_is_forward_bit_for_bit(c):
    heads, kv = c["heads_kv"]
    p = Parameters(heads=heads, kv_heads=kv, d_model=8, d_k=c["d_k"], causal=c["causal"], window=c["window"],
                   rope=c["rope"], alibi=c["alibi"], bias=c["bias"], scale=c["scale"] if c["scale"] != "skip" else None,
                   skip_scaling=c["scale"] == "skip", precision=c["precision"]).validated()
    weights = init_weights(8, heads, c["d_k"], kv_heads=kv, bias=c["bias"], seed=c["n"])
    x = np.random.default_rng(c["n"]).normal(size=(c["n"], 8))
    ours, theirs = reference(x, weights, p), run(x, weights, p, None, REFERENCE)
    assert ours.keys() == theirs.keys()
    for key in ours:
        np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)
    trace = forward(x, weights, causal=p.causal, window=p.window, rope=p.rope, alibi=p.alibi, dtype=p.dtype,
                    scale=False if p.skip_scaling else (True if p.scale is None else p.scale))
    np.testing.assert_array_equal(theirs["output"], trace["output"])
