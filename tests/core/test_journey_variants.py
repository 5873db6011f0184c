"""The journey, the head statistics and the scaling curves with every variant: what the head really uses."""

import dataclasses
import math

import numpy as np
import pytest

from attention_stepper.core import Parameters, compute
from attention_stepper.core.experiments import head_statistics, scaling_curves
from attention_stepper.core.matrices import axis_labels, matrix_info
from attention_stepper.core.token_trace import arithmetic_lines, token_journey
from attention_stepper.core.variants import MASK_REASONS, alibi_slopes, mask_reasons, rope_angles

#: Combinations a person can choose (cross-attention refuses the positional ones).
COMBINATIONS = [
    dict(),
    dict(heads=4, kv_heads=2),
    dict(heads=4, kv_heads=1, rope="half", causal=True),
    dict(rope="interleaved", bias=True),
    dict(heads=4, alibi=True, causal=True, window=2),
    dict(sentence="the cat sat <pad> <pad>", window=2),
    dict(memory="the cat eats fish", bias=True, heads=4, kv_heads=2),
    dict(scale=0.3, alibi=True),
    dict(skip_scaling=True, precision="float32"),
]


def _softmax(logits):
    peak = logits.max()
    if peak == -np.inf:
        return np.zeros_like(logits)
    e = np.exp(logits - peak)
    return e / e.sum()


@pytest.mark.parametrize("change", COMBINATIONS)
def test_the_journey_reads_what_the_head_uses(change):
    computation = compute(Parameters(**change))
    trace, p = computation.trace, computation.parameters
    n, m = computation.sizes.tokens, computation.sizes.key_count
    for head in range(p.heads):
        kv = head // (p.heads // p.kv_head_count)
        for token in range(n):
            journey = token_journey(computation, head, token)
            assert journey.kv_head == kv
            assert journey.labels == computation.token_labels and journey.key_labels == computation.key_labels
            assert len(journey.key_labels) == m
            queries = trace["q_rotated"] if p.rope else trace["q"]
            keys = trace["k_rotated"] if p.rope else trace["k"]
            np.testing.assert_array_equal(journey.query, queries[head, token])
            np.testing.assert_array_equal(journey.keys, keys[kv])
            np.testing.assert_array_equal(journey.values, trace["v"][kv])
            # The scores row is the query against the keys it uses, as the panels show it.
            np.testing.assert_allclose(journey.dot, journey.query @ journey.keys.T, rtol=1e-5, atol=1e-6)
            np.testing.assert_array_equal(journey.dot, trace["scores"][head, token])
            assert journey.scale == p.scale_factor
            expected_logits = trace["biased" if p.alibi else "scaled"][head, token]
            np.testing.assert_array_equal(journey.logits, expected_logits)
            if p.alibi:
                assert journey.slope == alibi_slopes(p.heads)[head]
                np.testing.assert_array_equal(journey.position_bias, trace["position_bias"][head, token])
            else:
                assert journey.position_bias is None and journey.slope is None
            if "masked" in trace:
                np.testing.assert_array_equal(journey.visible, np.isfinite(trace["masked"][head, token]))
            else:
                assert journey.visible.all()
            np.testing.assert_allclose(journey.weights, _softmax(np.where(journey.visible, journey.logits, -np.inf)),
                                       rtol=1e-5, atol=1e-7)
            np.testing.assert_array_equal(journey.output, trace["head_output"][head, token])


def test_the_arithmetic_names_the_turned_vectors_the_memory_and_each_mask():
    rope = arithmetic_lines(token_journey(compute(Parameters(rope="half")), 0, 1))
    assert rope[0].startswith("q′(爱)·k′(我) = ")
    cross = arithmetic_lines(token_journey(compute(Parameters(memory="the cat eats fish")), 0, 1))
    assert cross[0].startswith("q(爱)·k(the) = ") and "softmax → fish: " in cross[7]
    masks = arithmetic_lines(token_journey(compute(Parameters(sentence="a b c d <pad>", causal=True, window=2)), 0, 3))
    assert "softmax → <pad>: e^−∞ = 0 (masked: padding)" in masks
    assert "softmax → a, b: e^−∞ = 0 (masked: outside the window)" in masks
    alibi = arithmetic_lines(token_journey(compute(Parameters(heads=4, alibi=True)), 1, 0))
    assert any(line.startswith("÷ √4, − 0.0625·|t − s| → 我 ") for line in alibi)
    scale = arithmetic_lines(token_journey(compute(Parameters(scale=0.3)), 0, 0))
    assert scale[4].startswith("× 0.3 → 我 ")


def test_a_query_that_may_see_nothing_says_so():
    lines = arithmetic_lines(token_journey(compute(Parameters(sentence="<pad> a b", causal=True)), 0, 0))
    assert "softmax: <pad> may see no key, so every weight is 0" in lines
    assert lines[-1].startswith("head₁[<pad>] = 0 = [")


def test_float16_overflow_is_written_not_hidden():
    from attention_stepper.core.edits import Edits

    edits = Edits({("embed", None, 1, 0): 1000.0, ("w_q", 0, 0, 0): 300.0, ("w_k", 0, 0, 0): 300.0})
    computation = compute(Parameters(precision="float16", skip_scaling=True), edits=edits)
    journey = token_journey(computation, 0, 1)
    assert journey.visible.all(), "an overflowed score is not a masked one"
    text = "\n".join(arithmetic_lines(journey))
    assert "= ∞" in text and "NaN" in text


# --- the mask's reasons and RoPE's angles --------------------------------------------
def test_mask_reasons_tell_the_three_masks_apart():
    padding = np.array([False, False, False, True])
    reasons = mask_reasons(4, 4, causal=True, window=2, padding=padding)
    code = {reason: 1 + index for index, reason in enumerate(MASK_REASONS)}
    assert reasons.tolist() == [
        [0, code["causal"], code["causal"], code["padding"]],
        [0, 0, code["causal"], code["padding"]],
        [code["window"], 0, 0, code["padding"]],
        [code["window"], code["window"], 0, code["padding"]],
    ]
    computation = compute(Parameters(sentence="a b c <pad>", causal=True, window=2))
    np.testing.assert_array_equal(computation.mask_reasons(), reasons)
    np.testing.assert_array_equal(computation.mask_reasons() == 0, np.isfinite(computation.trace["masked"][0]))
    assert not compute(Parameters()).mask_reasons().any()


def test_rope_angles_are_a_matrix_of_the_registry():
    computation = compute(Parameters(rope="interleaved", d_k=6, rope_base=100.0))
    assert "rope_angles" in computation.available and "rope_angles" not in computation.trace
    angles = computation.matrix("rope_angles")
    np.testing.assert_array_equal(angles, rope_angles(4, 6, 100.0))
    assert angles.shape == computation.sizes.shape("rope_angles") == (4, 3)
    assert angles[2, 1] == pytest.approx(2 * 100.0 ** (-2 / 6), rel=1e-15)
    assert computation.labels("rope_angles") == (["我", "爱", "机器", "学习"], ["j0", "j1", "j2"])
    assert matrix_info("rope_angles").source == "derived"
    assert axis_labels("pairs", computation.sizes, []) == ["j0", "j1", "j2"]
    plain = compute(Parameters())
    assert "rope_angles" not in plain.available
    with pytest.raises(KeyError):
        plain.matrix("rope_angles")


# --- head statistics -------------------------------------------------------------------
def test_cross_attention_statistics_have_no_distance():
    computation = compute(Parameters(memory="the cat eats fish and milk", heads=4, kv_heads=2))
    stats = head_statistics(computation)
    assert stats.entropy.shape == stats.argmax.shape == (4, 4)
    assert np.isnan(stats.distance).all() and np.isnan(stats.mean_distance).all()
    np.testing.assert_array_equal(stats.argmax, computation.trace["weights"].argmax(axis=-1))
    assert (stats.entropy <= math.log(6) + 1e-12).all()


def test_nan_weights_give_nan_entropy_not_zero():
    from attention_stepper.core.edits import Edits

    edits = Edits({("embed", None, 1, 0): 1000.0, ("w_q", 0, 0, 0): 300.0, ("w_k", 0, 0, 0): 300.0})
    stats = head_statistics(compute(Parameters(precision="float16", skip_scaling=True), edits=edits))
    assert np.isnan(stats.entropy[0]).all()


# --- the scaling lab's curves ------------------------------------------------------------
@pytest.mark.parametrize("change", [c for c in COMBINATIONS if "precision" not in c and "skip_scaling" not in c])
def test_curves_follow_the_variants_as_the_panels_compute_them(change):
    base = Parameters(**change)
    curves = scaling_curves(base, [2, 8])
    for index, d_k in enumerate((2, 8)):
        runs = [(dict(scale=None, skip_scaling=False), curves.entropy_scaled, curves.max_weight_scaled),
                (dict(scale=None, skip_scaling=True), curves.entropy_unscaled, curves.max_weight_unscaled)]
        if base.scale is not None:
            runs.append((dict(scale=base.scale), curves.entropy_custom, curves.max_weight_custom))
        else:
            assert curves.entropy_custom is None and curves.custom_scale is None
        for changes, entropies, maxima in runs:
            weights = compute(dataclasses.replace(base, d_k=d_k, **changes)).trace["weights"]
            a = np.asarray(weights)
            terms = np.where(a > 0, a * np.log(np.where(a > 0, a, 1)), 0.0)
            assert entropies[index] == pytest.approx(-terms.sum(axis=-1).mean(), rel=1e-12, abs=1e-12)
            assert maxima[index] == pytest.approx(a.max(axis=-1).mean(), rel=1e-12, abs=1e-12)


def test_rope_leaves_the_odd_d_k_out():
    curves = scaling_curves(Parameters(rope="half"))
    assert curves.skipped_d_k == (1,)
    np.testing.assert_array_equal(curves.d_k, [2, 4, 8, 16, 32, 64, 128, 256, 512])
    assert scaling_curves(Parameters()).skipped_d_k == ()
    with pytest.raises(ValueError, match="d_k must be even"):
        scaling_curves(Parameters(rope="half"), [1, 3])


def test_uniform_entropy_counts_the_keys_each_query_may_see():
    padded = scaling_curves(Parameters(sentence="a b c <pad>"), [4])
    assert padded.uniform_entropy == pytest.approx(math.log(3))
    window = scaling_curves(Parameters(sentence="a b c d", causal=True, window=2), [4])
    assert window.uniform_entropy == pytest.approx(np.mean(np.log([1, 2, 2, 2])))
    cross = scaling_curves(Parameters(memory="one two three four five"), [4])
    assert cross.uniform_entropy == pytest.approx(math.log(5))


def test_the_lab_computes_in_float64_whatever_the_panels_precision():
    half = scaling_curves(Parameters(precision="float16"), [4, 512])
    full = scaling_curves(Parameters(), [4, 512])
    np.testing.assert_array_equal(half.entropy_unscaled, full.entropy_unscaled)
    assert np.isfinite(half.entropy_unscaled).all()
