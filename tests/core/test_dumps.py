"""Reading dumps: every format and layout people write, converted to ours; every bad dump one DumpError line."""

from __future__ import annotations

import json
import pickle
import zipfile

import numpy as np
import pytest

from attention_stepper.core.dump_layout import fit_dump, parameters_for
from attention_stepper.core.dumps import DumpError, read_dump
from attention_stepper.core.mistakes import reference
from attention_stepper.core.parameters import Parameters
from attention_stepper.core.torch_layout import to_torch_state
from attention_stepper.core.weights import init_weights

RNG = np.random.default_rng(7)


def ours(heads=2, d_model=8, d_k=4, kv_heads=None, bias=False, n=5):
    weights = init_weights(d_model, heads, d_k, kv_heads=kv_heads, bias=bias, seed=3)
    x = RNG.normal(size=(n, d_model))
    return x, weights


def fitted(dump, **given):
    raw = read_dump(dump)
    layout = given.pop("layout", None)
    return fit_dump(raw, parameters_for(raw, None, given), layout)


def test_npz_in_our_layout_round_trips(tmp_path):
    x, weights = ours(bias=True)
    trace = reference(x, weights, Parameters(heads=2, d_model=8, d_k=4, bias=True).validated())
    np.savez(tmp_path / "dump.npz", x=x, **weights.arrays(), scores=trace["scores"], output=trace["output"])
    dump = fitted(tmp_path / "dump.npz")
    np.testing.assert_array_equal(dump.x, x)
    assert dump.weights == weights and dump.weights_layout == "ours"
    assert list(dump.steps) == ["scores", "output"]
    np.testing.assert_array_equal(dump.steps["scores"], trace["scores"])


def test_float32_and_float16_arrays_are_widened(tmp_path):
    x, weights = ours()
    np.savez(tmp_path / "dump.npz", x=x.astype(np.float32), **{k: v.astype(np.float16) for k, v in
                                                                weights.arrays().items()})
    dump = fitted(tmp_path / "dump.npz")
    assert dump.x.dtype == np.float64 and dump.weights.w_q.dtype == np.float64
    np.testing.assert_array_equal(dump.x, x.astype(np.float32))


def test_bshd_and_batch_axis_are_turned_into_heads_first():
    x, weights = ours(heads=2, n=5)
    trace = reference(x, weights, Parameters(heads=2, d_model=8, d_k=4).validated())
    dump = fitted({"x": x[None], **weights.arrays(), "q": trace["q"].transpose(1, 0, 2)[None],
                   "scores": trace["scores"][None], "concat": trace["concat"][None]})
    assert dump.layouts == {"q": "bshd", "scores": "bhsd"}
    np.testing.assert_array_equal(dump.steps["q"], trace["q"])
    np.testing.assert_array_equal(dump.steps["concat"], trace["concat"])


def test_packed_projection_and_averaged_weights_and_repeated_keys():
    x, weights = ours(heads=4, kv_heads=2, d_model=8, d_k=2, n=5)
    trace = reference(x, weights, Parameters(heads=4, kv_heads=2, d_model=8, d_k=2).validated())
    packed_q = trace["q"].transpose(1, 0, 2).reshape(5, 8)
    dump = fitted({"x": x, **weights.arrays(), "q": packed_q, "k": trace["k_shared"],
                   "weights": trace["weights"].mean(axis=0)})
    assert dump.layouts == {"q": "packed", "k": "bhsd", "weights": "one"}
    np.testing.assert_array_equal(dump.steps["q"], trace["q"])
    assert dump.steps["k"].shape == (4, 5, 2) and dump.steps["weights"].shape == (1, 5, 5)


def test_ambiguous_shape_follows_the_others_or_needs_the_layout():
    x, weights = ours(heads=4, d_model=8, d_k=2, n=4)  # heads = n: (4, 4, 2) fits both layouts
    trace = reference(x, weights, Parameters(heads=4, d_model=8, d_k=2).validated())
    q_bshd = trace["q"].transpose(1, 0, 2)
    with pytest.raises(DumpError, match="give --layout"):
        fitted({"x": x, **weights.arrays(), "q": q_bshd})
    dump = fitted({"x": x, **weights.arrays(), "q": q_bshd}, layout="bshd")
    np.testing.assert_array_equal(dump.steps["q"], trace["q"])
    x6, w6 = ours(heads=4, d_model=8, d_k=2, n=4)
    memory = RNG.normal(size=(6, 8))  # k is (6, 4, 2) in bshd: unambiguous, and q follows it
    p = Parameters(heads=4, d_model=8, d_k=2, memory="").validated()
    t6 = reference(x6, w6, p, memory)
    dump = fitted({"x": x6, "memory": memory, **w6.arrays(), "q": t6["q"].transpose(1, 0, 2),
                   "k": t6["k"].transpose(1, 0, 2)})
    assert dump.layouts == {"q": "bshd", "k": "bshd"}
    np.testing.assert_array_equal(dump.steps["q"], t6["q"])


def test_pytorch_multihead_attention_layout_is_converted():
    x, weights = ours(heads=2, d_model=8, d_k=4, bias=True)
    dump = fitted({"x": x, **to_torch_state(weights)}, heads=2)
    assert dump.weights == weights and dump.weights_layout == "torch"
    with pytest.raises(DumpError, match="do not record the number of heads"):
        fitted({"x": x, **to_torch_state(weights)})


def test_hf_linear_names_are_converted_with_missing_biases_zero():
    x, weights = ours(heads=4, kv_heads=2, d_model=8, d_k=2, bias=True)
    hf = {"q_proj.weight": weights.packed("w_q").T, "k_proj.weight": weights.packed("w_k").T,
          "v_proj.weight": weights.packed("w_v").T, "o_proj.weight": weights.w_o.T,
          "q_proj.bias": weights.packed("b_q"), "k_proj.bias": weights.packed("b_k"),
          "v_proj.bias": weights.packed("b_v")}  # Qwen2: no bias on o_proj
    dump = fitted({"x": x, **hf}, heads=4)
    assert dump.weights.kv_heads == 2 and dump.weights_layout == "hf"
    np.testing.assert_array_equal(dump.weights.w_k, weights.w_k)
    np.testing.assert_array_equal(dump.weights.b_v, weights.b_v)
    np.testing.assert_array_equal(dump.weights.b_o, np.zeros(8))


def test_torch_tensors_in_a_mapping_are_read_without_grad():
    torch = pytest.importorskip("torch")
    x, weights = ours()
    mapping = {"x": torch.tensor(x, requires_grad=True), **{k: torch.tensor(v) for k, v in weights.arrays().items()},
               "q": torch.tensor(np.zeros((2, 5, 4))).to(torch.bfloat16)}
    dump = fitted(mapping)
    np.testing.assert_array_equal(dump.x, x)
    assert dump.steps["q"].dtype == np.float64


def test_safetensors_with_config_metadata_and_bfloat16(tmp_path):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    torch = pytest.importorskip("torch")
    x, weights = ours()
    tensors = {"x": torch.tensor(x), **{k: torch.tensor(v) for k, v in weights.arrays().items()},
               "output": torch.tensor(np.ones((5, 8))).to(torch.bfloat16)}
    path = tmp_path / "dump.safetensors"
    safetensors_torch.save_file(tensors, str(path), metadata={"config.json": json.dumps({"causal": True})})
    raw = read_dump(path)
    assert raw.config == {"causal": True}
    np.testing.assert_array_equal(raw.arrays["output"], np.ones((5, 8)))
    assert parameters_for(raw).causal


def test_config_json_as_a_raw_zip_member_or_an_array(tmp_path):
    x, weights = ours()
    np.savez(tmp_path / "a.npz", x=x, **weights.arrays(), **{"config.json": json.dumps({"window": 2})})
    assert parameters_for(read_dump(tmp_path / "a.npz")).window == 2
    np.savez(tmp_path / "b.npz", x=x, **weights.arrays())
    with zipfile.ZipFile(tmp_path / "b.npz", "a") as archive:
        archive.writestr("config.json", json.dumps({"rope": "half", "rope_base": 500}))
    p = parameters_for(read_dump(tmp_path / "b.npz"))
    assert (p.rope, p.rope_base) == ("half", 500.0)


def test_sizes_come_from_the_weights_and_a_contradiction_is_refused():
    x, weights = ours(heads=4, d_model=8, d_k=2)
    raw = read_dump({"x": x, **weights.arrays()})
    assert parameters_for(raw, Parameters(heads=2, causal=True)).heads == 4  # the controls' sizes give way
    with pytest.raises(DumpError, match="heads 2 was given .* have heads 4"):
        parameters_for(raw, None, {"heads": 2})
    with pytest.raises(DumpError, match="heads must be a whole number"):
        parameters_for(raw, None, {"heads": "4"})


BAD = {
    "unknown array": ({"x": np.ones((2, 8)), "w_q": np.ones((2, 8, 4)), "attn": np.ones(3)}, "unknown array 'attn'"),
    "no x": ({"scores": np.ones((2, 3, 3))}, "no x"),
    "NaN in x": (None, "x holds NaN"),
    "NaN in the weights": (None, "NaN or infinite"),
    "shape fits no layout": (None, "fits neither"),
    "a batch of two": (None, "fits neither"),
    "text for numbers": ({"x": np.array(["a", "b"])}, "dtype <U1"),
    "unknown config field": (None, "unknown configuration field 'colour'"),
    "weights in two layouts": (None, "two layouts"),
}


def _bad(kind):
    x, weights = ours(heads=2, d_model=8, d_k=4, n=3)
    arrays = {"x": x, **weights.arrays()}
    if kind == "NaN in x":
        arrays["x"] = np.where(np.eye(3, 8) > 0, np.nan, x)
    elif kind == "NaN in the weights":
        arrays["w_o"] = np.full((8, 8), np.nan)
    elif kind == "shape fits no layout":
        arrays["scores"] = np.ones((3, 2, 4))
    elif kind == "a batch of two":
        arrays["scores"] = np.ones((2, 2, 3, 3))
    elif kind == "unknown config field":
        arrays["config.json"] = json.dumps({"colour": "red"})
    elif kind == "weights in two layouts":
        arrays.update(to_torch_state(weights))
    return arrays


@pytest.mark.parametrize("kind", BAD)
def test_bad_dumps_are_one_line_dump_errors(kind):
    mapping, expected = BAD[kind]
    with pytest.raises(DumpError, match=expected) as caught:
        fitted(mapping if mapping is not None else _bad(kind))
    assert "\n" not in str(caught.value)


UNPICKLED = []


def _unpickled(*arguments):
    UNPICKLED.append(arguments)


class Evil:
    """Unpickling this calls _unpickled: a loaded pickle would show in UNPICKLED."""

    def __reduce__(self):
        return (_unpickled, ("unpickled!",))


def test_pickles_are_never_loaded(tmp_path):
    np.savez(tmp_path / "objects.npz", x=np.ones((2, 8)), w_q=np.array([Evil()], dtype=object))
    (tmp_path / "plain.pkl").write_bytes(pickle.dumps({"x": Evil()}))
    torch = pytest.importorskip("torch")
    torch.save({"x": torch.ones(2, 8)}, tmp_path / "saved.pt")
    for name, expected in (("objects.npz", "pickle"), ("plain.pkl", "pickle"), ("saved.pt", "pickle")):
        with pytest.raises(DumpError, match=expected):
            read_dump(tmp_path / name)
    assert not UNPICKLED


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"), (b"hello, world", "not an .npz"), (b"PK\x03\x04garbage", "not a readable .npz"),
    (b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all", "not a .safetensors file")])
def test_files_that_are_not_dumps(tmp_path, content, expected):
    path = tmp_path / "dump.safetensors" if content.startswith(b"\x10") else tmp_path / "dump.npz"
    path.write_bytes(content)
    with pytest.raises(DumpError, match=expected):
        read_dump(path)
    with pytest.raises(DumpError, match="no such file"):
        read_dump(tmp_path / "missing.npz")
    with pytest.raises(DumpError, match="folder"):
        read_dump(tmp_path)


def test_a_member_declaring_more_data_than_it_holds_is_refused_before_reading(tmp_path):
    """A .npy header may claim any shape; the declared size is checked against the member before allocating."""
    header = {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)}
    buffer = bytearray(b"\x93NUMPY\x01\x00")
    text = repr(header).encode() + b" " * 10
    text += b" " * (-(len(text) + 10 + 1) % 64) + b"\n"
    buffer += len(text).to_bytes(2, "little") + text + b"\0" * 64
    with zipfile.ZipFile(tmp_path / "bomb.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("x.npy", bytes(buffer))
    with pytest.raises(DumpError, match="declares 8000000000000 bytes"):
        read_dump(tmp_path / "bomb.npz")


def test_a_dump_whose_reference_would_not_fit_the_memory_budget_is_refused():
    """Small weights can still ask for a huge trace: 64 heads of d_v 1024 over 512 tokens is 1.5 GiB of matrices."""
    h, n = 64, 512
    arrays = {"x": np.ones((n, 1)), "w_q": np.ones((h, 1, 1)), "w_k": np.ones((h, 1, 1)),
              "w_v": np.ones((h, 1, 1024)), "w_o": np.ones((h * 1024, 1))}
    with pytest.raises(DumpError, match="GiB of matrices"):
        fitted(arrays)


def test_more_numbers_than_a_dump_may_hold_are_refused_before_widening():
    with pytest.raises(DumpError, match="a dump may take at most"):
        read_dump({"x": np.ones((1, 1)), **{name: np.broadcast_to(np.float16(0), (2**26,)) for name in "qkv"}})
