"""Weights in torch.nn.MultiheadAttention's state-dict layout: round trips, files, and PyTorch itself.

``export --weights`` with such a file is checked in tests/cli/test_torch_weights_flag.py.
"""

import json

import numpy as np
import pytest

from attention_stepper.core.export import export_computation
from attention_stepper.core import Parameters, compute
from attention_stepper.core.torch_layout import (
    from_torch_state,
    has_torch_layout,
    is_torch_weights_file,
    load_torch_weights,
    save_torch_weights,
    to_torch_state,
)
from attention_stepper.core.weights import Weights, WeightsFileError, init_weights, save_weights


SHAPES = [(8, 2), (8, 1), (8, 8), (12, 3), (16, 4), (6, 2)]


@pytest.mark.parametrize("d_model, heads", SHAPES)
def test_round_trip(d_model, heads):
    weights = init_weights(d_model, heads, d_model // heads, seed=d_model + heads)
    state = to_torch_state(weights)
    assert state["in_proj_weight"].shape == (3 * d_model, d_model)
    assert state["out_proj.weight"].shape == (d_model, d_model)
    assert all(array.dtype == np.float64 for array in state.values())
    assert from_torch_state(state, heads) == weights


def test_the_layout_entry_by_entry():
    weights = init_weights(12, 3, 4, seed=5)
    state = to_torch_state(weights)
    in_proj, e, d_k = state["in_proj_weight"], 12, 4
    for block, w in enumerate((weights.w_q, weights.w_k, weights.w_v)):
        for head in range(3):
            rows = in_proj[block * e:(block + 1) * e][head * d_k:(head + 1) * d_k]
            np.testing.assert_array_equal(rows, w[head].T)
    np.testing.assert_array_equal(state["out_proj.weight"], weights.w_o.T)
    # the Linear (out, in) convention: x @ W.T gives every head's q side by side
    x = np.random.default_rng(0).standard_normal((5, 12))
    q_all = x @ in_proj[:e].T
    for head in range(3):
        np.testing.assert_allclose(q_all[:, head * d_k:(head + 1) * d_k], x @ weights.w_q[head], rtol=1e-13)


def test_round_trip_from_state_is_exact():
    rng = np.random.default_rng(1)
    state = {"in_proj_weight": rng.standard_normal((24, 8)), "out_proj.weight": rng.standard_normal((8, 8))}
    for heads in (1, 2, 4, 8):
        back = to_torch_state(from_torch_state(state, heads))
        for key in state:
            np.testing.assert_array_equal(back[key], state[key])


@pytest.mark.parametrize("d_model, heads, d_k, d_v", [(8, 2, 3, 3), (8, 2, 4, 2), (8, 3, 4, 4), (8, 2, 8, 8)])
def test_only_d_k_equal_d_model_over_heads_has_a_torch_layout(d_model, heads, d_k, d_v):
    weights = init_weights(d_model, heads, d_k, d_v)
    assert not has_torch_layout(weights)
    with pytest.raises(ValueError, match=r"d_k = d_v = d_model / heads"):
        to_torch_state(weights)


def test_from_state_errors():
    good = to_torch_state(init_weights(8, 2, 4))
    with pytest.raises(ValueError, match="missing out_proj.weight"):
        from_torch_state({"in_proj_weight": good["in_proj_weight"]}, 2)
    with pytest.raises(ValueError, match="does not divide"):
        from_torch_state(good, 3)
    with pytest.raises(ValueError, match=r"\(3E, E\)"):
        from_torch_state({**good, "in_proj_weight": good["in_proj_weight"][:20]}, 2)
    with pytest.raises(ValueError, match=r"\(E, E\)"):
        from_torch_state({**good, "out_proj.weight": good["out_proj.weight"][:4]}, 2)
    with pytest.raises(ValueError, match="NaN"):
        from_torch_state({**good, "out_proj.weight": np.full((8, 8), np.nan)}, 2)
    with pytest.raises(ValueError, match="in_proj_bias is not zero"):
        from_torch_state({**good, "in_proj_bias": np.ones(24)}, 2)
    with pytest.raises(ValueError, match="heads must be a whole number"):
        from_torch_state(good, 0)
    with pytest.raises(ValueError, match="real numbers"):
        from_torch_state({**good, "out_proj.weight": np.full((8, 8), "x")}, 2)
    # zero biases (a bias=True module never trained) are fine
    state = {**good, "in_proj_bias": np.zeros(24), "out_proj.bias": np.zeros(8)}
    assert from_torch_state(state, 2) == from_torch_state(good, 2)


def test_float32_state_is_read_as_float64():
    good = to_torch_state(init_weights(8, 2, 4))
    weights = from_torch_state({key: value.astype(np.float32) for key, value in good.items()}, 2)
    assert weights.w_q.dtype == np.float64


# --- files ---------------------------------------------------------------------------
def test_file_round_trip(tmp_path):
    weights = init_weights(8, 2, 4, seed=9)
    path = save_torch_weights(weights, tmp_path / "w.npz")
    assert sorted(np.load(path).files) == ["in_proj_weight", "out_proj.weight"]
    assert is_torch_weights_file(path)
    assert load_torch_weights(path, 2) == weights
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]  # no temporary left behind


def test_save_refuses_without_layout_and_leaves_nothing(tmp_path):
    with pytest.raises(ValueError, match="d_model / heads"):
        save_torch_weights(init_weights(8, 2, 3), tmp_path / "w.npz")
    assert list(tmp_path.iterdir()) == []


def test_load_errors_name_the_file(tmp_path):
    weights = init_weights(8, 2, 4)
    save_weights(weights, tmp_path / "app.npz")
    assert not is_torch_weights_file(tmp_path / "app.npz")
    with pytest.raises(WeightsFileError, match=r"app\.npz: missing in_proj_weight, out_proj.weight"):
        load_torch_weights(tmp_path / "app.npz", 2)
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(WeightsFileError, match=r"text\.npz: not an \.npz archive"):
        load_torch_weights(tmp_path / "text.npz", 2)
    with pytest.raises(WeightsFileError, match=r"nothing\.npz: no such file"):
        load_torch_weights(tmp_path / "nothing.npz", 2)
    state = to_torch_state(weights)
    np.savez(tmp_path / "pickled.npz", in_proj_weight=np.array([object()] * 3, dtype=object),
             **{"out_proj.weight": state["out_proj.weight"]})
    with pytest.raises(WeightsFileError, match=r"pickled\.npz: holds pickled objects"):
        load_torch_weights(tmp_path / "pickled.npz", 2)
    np.savez(tmp_path / "nan.npz", **{**state, "out_proj.weight": np.full((8, 8), np.inf)})
    with pytest.raises(WeightsFileError, match=r"nan\.npz: out_proj.weight holds NaN or infinite"):
        load_torch_weights(tmp_path / "nan.npz", 2)
    save_torch_weights(weights, tmp_path / "good.npz")
    with pytest.raises(WeightsFileError, match=r"good\.npz: heads 3 does not divide"):
        load_torch_weights(tmp_path / "good.npz", 3)


# --- export and the command line -----------------------------------------------------
def test_export_writes_torch_weights_only_when_they_have_the_layout(tmp_path):
    computation = compute(Parameters(heads=2, d_model=8, d_k=4))
    folder = export_computation(computation, tmp_path / "yes")
    assert load_torch_weights(folder / "weights_torch.npz", 2) == computation.weights
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert all(entry["file"].endswith(".csv") for entry in manifest["matrices"])
    folder = export_computation(compute(Parameters(heads=2, d_model=8, d_k=3)), tmp_path / "no")
    assert not (folder / "weights_torch.npz").exists()
    assert (folder / "weights.npz").exists()


# --- PyTorch itself ------------------------------------------------------------------
@pytest.mark.parametrize("d_model, heads", [(8, 2), (12, 3), (16, 1), (16, 16)])
@pytest.mark.parametrize("causal", [False, True])
def test_torch_reproduces_the_core(d_model, heads, causal):
    torch = pytest.importorskip("torch")
    computation = compute(Parameters(sentence="the cat sat on the mat .", heads=heads, d_model=d_model,
                                      d_k=d_model // heads, seed=11, causal=causal, positional_encoding=True))
    state = to_torch_state(computation.weights)
    mha = torch.nn.MultiheadAttention(d_model, heads, bias=False, batch_first=True, dtype=torch.float64)
    mha.load_state_dict({key: torch.from_numpy(value) for key, value in state.items()})
    x = torch.from_numpy(np.array(computation.trace["embed"]))[None]
    n = x.shape[1]
    mask = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1) if causal else None
    with torch.no_grad():
        output, weights = mha(x, x, x, attn_mask=mask, need_weights=True, average_attn_weights=False)
    np.testing.assert_allclose(output[0].numpy(), computation.trace["output"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(weights[0].numpy(), computation.trace["weights"], rtol=0, atol=1e-12)


def test_weights_from_a_torch_module():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    mha = torch.nn.MultiheadAttention(8, 2, bias=False, batch_first=True, dtype=torch.float64)
    weights = from_torch_state(mha.state_dict(), 2)  # tensors are accepted as they are
    computation = compute(Parameters(sentence="我 爱 机器 学习", heads=2, d_model=8, d_k=4), weights)
    x = torch.from_numpy(np.array(computation.trace["embed"]))[None]
    with torch.no_grad():
        output, attention = mha(x, x, x, average_attn_weights=False)
    np.testing.assert_allclose(output[0].numpy(), computation.trace["output"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(attention[0].numpy(), computation.trace["weights"], rtol=0, atol=1e-12)


def test_an_unequal_state_is_refused_by_torch_too():
    """Sanity check of the layout claim: our state has exactly the keys and shapes torch expects."""
    torch = pytest.importorskip("torch")
    mha = torch.nn.MultiheadAttention(12, 3, bias=False)
    expected = {key: tuple(value.shape) for key, value in mha.state_dict().items()}
    ours = {key: value.shape for key, value in to_torch_state(init_weights(12, 3, 4)).items()}
    assert ours == expected


def test_weights_are_plain_weights():
    assert isinstance(from_torch_state(to_torch_state(init_weights(4, 2, 2)), 2), Weights)
