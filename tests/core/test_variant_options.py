"""The variants as a person chooses them: Parameters, the lesson's steps, edits, export, weights files, sessions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from attention_stepper.core import Parameters, Stepper, compute, export_computation, load_weights, save_weights
from attention_stepper.core.edits import Edits
from attention_stepper.core.formulas import shape_lines
from attention_stepper.core.session import load_session, save_session
from attention_stepper.core.torch_layout import from_torch_state, to_torch_state
from attention_stepper.core.weights import init_weights


@pytest.mark.parametrize("change, phrase", [
    (dict(kv_heads=3), "kv_heads must divide heads"),
    (dict(kv_heads=0), "kv_heads must be a whole number from 1 to 64"),
    (dict(kv_heads=4), "kv_heads must divide heads"),
    (dict(rope="half", d_k=3), "d_k must be even"),
    (dict(rope="sideways"), "rope must be one of half, interleaved"),
    (dict(rope_base=1.0), "rope_base must be a number above 1"),
    (dict(window=0), "window must be a whole number from 1 to 512"),
    (dict(memory="猫 吃 鱼", causal=True), "the causal mask compares the positions"),
    (dict(memory="猫 吃 鱼", rope="half"), "RoPE compares the positions"),
    (dict(memory="猫 吃 鱼", alibi=True), "ALiBi compares the positions"),
    (dict(memory="   "), "the memory sentence: the sentence has no tokens"),
    (dict(memory=" ".join(["w"] * 513)), "the memory sentence: the sentence has more than 512 tokens"),
    (dict(scale=0.0), "scale must be a number above 0"),
    (dict(scale=float("nan")), "scale must be a number above 0"),
    (dict(scale=0.5, skip_scaling=True), "either a scale or skip the scaling"),
    (dict(precision="float8"), "precision must be one of float64, float32, float16"),
    (dict(sentence="<pad> [PAD]"), "every token attended to is padding"),
])
def test_a_variant_out_of_range_is_refused_with_a_message(change, phrase):
    with pytest.raises(ValueError, match=phrase):
        compute(Parameters(**change))


@pytest.mark.parametrize("change, steps", [
    (dict(), ["embed", "project", "scores", "scale", "softmax", "weighted_sum", "concat", "output"]),
    (dict(rope="half"), ["embed", "project", "rope", "scores", "scale", "softmax", "weighted_sum", "concat",
                         "output"]),
    (dict(kv_heads=1), ["embed", "project", "repeat_kv", "scores", "scale", "softmax", "weighted_sum", "concat",
                        "output"]),
    (dict(alibi=True, window=2), ["embed", "project", "scores", "scale", "position_bias", "mask", "softmax",
                                  "weighted_sum", "concat", "output"]),
    (dict(sentence="我 爱 <pad>"), ["embed", "project", "scores", "scale", "mask", "softmax", "weighted_sum",
                                   "concat", "output"]),
])
def test_each_step_appears_only_when_it_applies_and_reads_what_there_is(change, steps):
    computation = compute(Parameters(**change))
    assert [step.key for step in computation.steps] == steps
    produced = set(computation.weights.arrays()) | {"embed"}
    for step in computation.steps:
        assert set(step.inputs) <= produced | set(computation.trace), step.key
        produced |= set(step.outputs)
    softmax = {step.key: step for step in computation.steps}["softmax"]
    assert softmax.inputs == (("masked",) if "masked" in computation.trace else
                              ("biased",) if "biased" in computation.trace else ("scaled",))


def test_a_step_that_does_not_apply_is_refused_with_the_option_it_needs():
    stepper = Stepper()
    for step, phrase in (("rope", "only with RoPE"), ("repeat_kv", "fewer key/value heads"),
                         ("position_bias", "only with ALiBi")):
        with pytest.raises(ValueError, match=phrase):
            stepper.go_to(step)
    stepper.set(rope="interleaved")
    stepper.go_to("rope")
    stepper.set(rope=None)
    assert stepper.step.key == "softmax"  # the step went away: the nearest one showing the same scores


def test_cross_attention_labels_rows_with_the_sentence_and_columns_with_the_memory():
    computation = compute(Parameters(sentence="猫 吃 鱼", memory="the cat eats fish", heads=2))
    assert computation.trace["scores"].shape == (2, 3, 4)
    rows, columns = computation.labels("weights")
    assert rows == ["猫", "吃", "鱼"] and columns == ["the", "cat", "eats", "fish"]
    assert computation.labels("k")[0] == columns and computation.labels("memory")[0] == columns
    assert computation.trace["memory"].shape == (4, 8)


def test_the_formulas_say_the_live_sizes_of_each_variant():
    computation = compute(Parameters(heads=4, kv_heads=2, rope="half", bias=True, alibi=True, causal=True,
                                     window=2, d_k=4))
    assert shape_lines(computation, "project", head=2)[:2] == [
        "Q₃ = X W_Q₃ + b_Q₃ : 4×4 = (4×8)(8×4)", "K_kv₂ = X W_K₂ + b_K₂ : 4×4 = (4×8)(8×4)"]
    assert shape_lines(computation, "repeat_kv", head=3) == ["K₄ = K_kv₂, V₄ = V_kv₂ : 4×4, 4×4",
                                                             "query heads 3–4 share key/value head 2"]
    assert shape_lines(computation, "rope")[1] == "pairs (j, j + 2), angle t · 10000^(−2j/4)"
    assert shape_lines(computation, "mask") == ["masked₁ = biased₁ : 4×4", "−∞ where s > t", "−∞ where t − s ≥ 2"]
    assert shape_lines(computation, "softmax") == ["A₁ = softmax(masked₁) : 4×4, each row sums to 1"]
    assert shape_lines(computation, "position_bias", head=1) == ["biased₂ = scaled₂ − m₂·|t − s| : 4×4",
                                                                 "slope m₂ = 0.0625"]
    half = compute(Parameters(precision="float16"))
    assert shape_lines(half, "scores")[-1] == "every step computed in float16: about 3 significant digits"
    scaled = compute(Parameters(scale=0.125))
    assert shape_lines(scaled, "scale") == ["scaled₁ = scores₁ × 0.125 : 4×4"]


def test_bias_cells_are_editable_like_the_w_matrices_and_refused_without_biases():
    stepper = Stepper(Parameters(bias=True, heads=2))
    stepper.set_cell("b_q", 1, 0, 2, 3.5)
    assert stepper.weights.b_q[1, 2] == 3.5
    assert stepper.computation.edited_cells("b_q", 1) == [(0, 2)]
    np.testing.assert_allclose(stepper.trace["q"][1, :, 2],
                               stepper.trace["embed"] @ stepper.weights.w_q[1, :, 2] + 3.5, rtol=1e-14)
    stepper.set_cell("b_o", None, 0, 0, -1.0)
    assert stepper.weights.b_o[0] == -1.0
    plain = Stepper()
    with pytest.raises(ValueError, match="there is no b_Q here"):
        plain.set_cell("b_q", 0, 0, 0, 1.0)


def test_grouped_heads_edit_their_own_kv_head():
    stepper = Stepper(Parameters(heads=4, kv_heads=2))
    stepper.set_cell("w_k", 1, 0, 0, 2.0)
    assert stepper.weights.w_k.shape == (2, 8, 4) and stepper.weights.w_k[1, 0, 0] == 2.0
    with pytest.raises(ValueError, match="there is no head 2"):
        stepper.set_cell("w_k", 2, 0, 0, 2.0)


def test_export_writes_the_variant_keys_and_per_kv_head_files(tmp_path):
    computation = compute(Parameters(heads=4, kv_heads=2, bias=True, rope="interleaved", alibi=True,
                                     window=3, precision="float32"))
    folder = export_computation(computation, tmp_path / "out")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {key: manifest[key] for key in ("kv_heads", "bias", "rope", "rope_base", "alibi", "window",
                                           "memory_tokens", "scale", "precision")} == {
        "kv_heads": 2, "bias": True, "rope": "interleaved", "rope_base": 10000.0, "alibi": True, "window": 3,
        "memory_tokens": None, "scale": 0.5, "precision": "float32"}
    files = {entry["file"] for entry in manifest["matrices"]}
    assert {"k_head1.csv", "k_head2.csv", "k_repeated_head4.csv", "position_bias_head4.csv"} <= files
    assert "k_head3.csv" not in files
    with np.load(folder / "weights.npz") as stored:
        assert sorted(stored.files) == ["b_k", "b_o", "b_q", "b_v", "w_k", "w_o", "w_q", "w_v"]
    cross = compute(Parameters(sentence="猫 吃 鱼", memory="the cat", heads=2, skip_scaling=True))
    manifest = json.loads((export_computation(cross, tmp_path / "cross") / "manifest.json").read_text("utf-8"))
    assert manifest["memory_tokens"] == ["the", "cat"] and manifest["scale"] == 1.0


def test_weights_files_hold_kv_heads_and_biases_and_old_files_still_load(tmp_path):
    weights = init_weights(8, 4, 2, 3, seed=1, kv_heads=2, bias=True)
    assert load_weights(save_weights(weights, tmp_path / "w.npz")) == weights
    old = init_weights(8, 2, 4)
    np.savez(tmp_path / "old.npz", **old.arrays())
    assert load_weights(tmp_path / "old.npz") == old and not load_weights(tmp_path / "old.npz").has_bias
    arrays = dict(weights.arrays())
    del arrays["b_o"]
    np.savez(tmp_path / "some.npz", **arrays)
    with pytest.raises(ValueError, match="biases come all four or none"):
        load_weights(tmp_path / "some.npz")


def test_torch_layout_round_trips_biases():
    weights = init_weights(8, 2, 4, seed=3, bias=True)
    state = to_torch_state(weights)
    assert state["in_proj_bias"].shape == (24,) and state["out_proj.bias"].shape == (8,)
    assert from_torch_state(state, 2) == weights
    with pytest.raises(ValueError, match="kv_heads = heads"):
        to_torch_state(init_weights(8, 2, 4, kv_heads=1))


def test_a_session_keeps_every_variant_and_grouped_biased_weights(tmp_path):
    parameters = Parameters(sentence="猫 吃 鱼 <pad>", heads=4, kv_heads=2, bias=True, rope="half",
                            rope_base=500.0, alibi=True, window=2, scale=0.3, precision="float32")
    weights = init_weights(8, 4, 4, seed=9, kv_heads=2, bias=True)
    edits = Edits({("b_k", 1, 0, 3): 0.25})
    path = save_session(tmp_path / "s.attn.npz", parameters, weights, edits, "position_bias", 3)
    session = load_session(path)
    assert session.parameters == parameters.validated()
    assert session.weights == weights and session.edits == edits
    assert (session.step, session.head) == ("position_bias", 3)
    with pytest.raises(ValueError, match="appears only with RoPE"):
        save_session(tmp_path / "t.attn.npz", Parameters(), None, None, "rope")
