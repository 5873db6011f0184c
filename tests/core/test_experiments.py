"""The scaling lab's curves and the head statistics, against direct and hand computation."""

import math

import numpy as np
import pytest

from attention_stepper.core.attention import Trace
from attention_stepper.core.embedding import embed
from attention_stepper.core.experiments import (
    DEFAULT_D_K_VALUES,
    attention_statistics,
    head_statistics,
    scaling_curves,
)
from attention_stepper.core import Computation, Parameters, compute
from attention_stepper.core.tokenize import tokenize
from attention_stepper.core.weights import Weights, init_weights


def entropy(rows: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.nansum(np.where(rows > 0, rows * np.log(rows), 0.0), axis=-1)


# --- scaling curves ----------------------------------------------------------------
def test_default_d_k_values_are_powers_of_two_to_512():
    assert DEFAULT_D_K_VALUES == (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
    curves = scaling_curves(Parameters())
    np.testing.assert_array_equal(curves.d_k, DEFAULT_D_K_VALUES)
    for name in ("entropy_scaled", "entropy_unscaled", "max_weight_scaled", "max_weight_unscaled"):
        assert getattr(curves, name).shape == (10,)
    assert curves.current_d_k == 4
    assert curves.uniform_entropy == pytest.approx(math.log(4))


@pytest.mark.parametrize("d_k", [1, 8, 64, 300])
@pytest.mark.parametrize("causal", [False, True])
def test_curves_match_the_pipeline(d_k, causal):
    """At each d_k the curves are the mean entropy and max weight of the computation the panels show."""
    base = Parameters(sentence="the cat sat on the mat", heads=3, d_model=12, d_k=5, seed=7, causal=causal)
    curves = scaling_curves(base, [2, d_k])
    for skip, entropies, maxima in ((False, curves.entropy_scaled, curves.max_weight_scaled),
                                    (True, curves.entropy_unscaled, curves.max_weight_unscaled)):
        weights = compute(Parameters(**{**base.__dict__, "d_k": d_k, "skip_scaling": skip})).trace["weights"]
        assert entropies[1] == pytest.approx(entropy(weights).mean(), rel=1e-12, abs=1e-12)
        assert maxima[1] == pytest.approx(weights.max(axis=-1).mean(), rel=1e-12)
    assert curves.current_d_k == 5


@pytest.mark.parametrize("d_k", [2, 16, 128])
def test_curves_match_plain_numpy(d_k):
    """The same numbers written out with nothing but NumPy and the textbook formula."""
    parameters = Parameters(sentence="我 爱 机器 学习 !", heads=2, d_model=8, d_k=4, seed=3)
    curves = scaling_curves(parameters, [d_k])
    x = embed(tokenize(parameters.sentence), 8, 3)
    weights = init_weights(8, 2, d_k, seed=3)
    entropies, maxima = [], []
    for divisor in (math.sqrt(d_k), 1.0):
        head_entropy, head_max = [], []
        for head in range(2):
            logits = (x @ weights.w_q[head]) @ (x @ weights.w_k[head]).T / divisor
            a = np.exp(logits - logits.max(axis=1, keepdims=True))
            a /= a.sum(axis=1, keepdims=True)
            head_entropy.append(-(a * np.log(a)).sum(axis=1))
            head_max.append(a.max(axis=1))
        entropies.append(np.mean(head_entropy))
        maxima.append(np.mean(head_max))
    assert curves.entropy_scaled[0] == pytest.approx(entropies[0], rel=1e-10)
    assert curves.entropy_unscaled[0] == pytest.approx(entropies[1], rel=1e-10)
    assert curves.max_weight_scaled[0] == pytest.approx(maxima[0], rel=1e-10)
    assert curves.max_weight_unscaled[0] == pytest.approx(maxima[1], rel=1e-10)


def test_at_d_k_1_scaling_changes_nothing():
    curves = scaling_curves(Parameters(), [1])
    assert curves.entropy_scaled[0] == curves.entropy_unscaled[0]
    assert curves.max_weight_scaled[0] == curves.max_weight_unscaled[0]


def test_without_scaling_the_softmax_saturates():
    # no repeated word: two identical keys would share the top weight however sharp the softmax
    curves = scaling_curves(Parameters(sentence="the quick brown fox jumps over a lazy dog", heads=4, d_model=16))
    assert curves.max_weight_unscaled[-1] > 0.9
    assert curves.entropy_unscaled[-1] < 0.25 * curves.uniform_entropy
    assert curves.entropy_scaled[-1] > curves.entropy_unscaled[-1]
    assert curves.max_weight_scaled[-1] < curves.max_weight_unscaled[-1]
    for values in (curves.entropy_scaled, curves.entropy_unscaled):
        assert (values >= 0).all() and (values <= curves.uniform_entropy + 1e-12).all()


def test_causal_uniform_entropy():
    curves = scaling_curves(Parameters(sentence="a b c d", causal=True), [4])
    assert curves.uniform_entropy == pytest.approx(np.mean(np.log([1, 2, 3, 4])))


def test_curves_do_not_depend_on_d_v_or_skip_scaling():
    base = scaling_curves(Parameters(), [4, 32])
    other = scaling_curves(Parameters(d_v=7, skip_scaling=True), [4, 32])
    np.testing.assert_array_equal(base.entropy_scaled, other.entropy_scaled)
    np.testing.assert_array_equal(base.max_weight_unscaled, other.max_weight_unscaled)


def test_bad_d_k_values_are_refused():
    with pytest.raises(ValueError, match="d_k must be a whole number"):
        scaling_curves(Parameters(), [0, 4])
    with pytest.raises(ValueError, match="d_k must be a whole number"):
        scaling_curves(Parameters(), [2.5])
    with pytest.raises(ValueError, match="at least one"):
        scaling_curves(Parameters(), [])
    with pytest.raises(ValueError, match="heads"):
        scaling_curves(Parameters(heads=0))


# --- head statistics ---------------------------------------------------------------
def hand_computation(attention: np.ndarray) -> Computation:
    """A Computation whose trace holds only these attention weights (h, n, n)."""
    heads, n, _ = attention.shape
    parameters = Parameters(sentence=" ".join(f"t{i}" for i in range(n)), heads=heads, d_model=2, d_k=1)
    zeros = np.zeros((heads, 2, 1))
    weights = Weights(zeros, zeros, zeros, np.zeros((heads, 2)))
    return Computation(parameters, tuple(f"t{i}" for i in range(n)), weights,
                       Trace({"weights": np.array(attention, dtype=np.float64)}))


def test_statistics_of_hand_made_heads():
    third = 1 / 3
    attention = np.array([
        [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [third, third, third]],   # causal-looking head
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],         # each token looks at itself
        [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.25, 0.75]],       # everybody looks at the last
    ])
    stats = head_statistics(hand_computation(attention))
    np.testing.assert_allclose(stats.entropy, [
        [0.0, math.log(2), math.log(3)],
        [0.0, 0.0, 0.0],
        [0.0, 0.0, -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))],
    ], atol=1e-15)
    np.testing.assert_allclose(stats.distance, [
        [0.0, 0.5, (2 + 1 + 0) / 3],   # |2-0|, |2-1|, |2-2| weighted by a third each
        [0.0, 0.0, 0.0],
        [2.0, 1.0, 0.25],
    ], atol=1e-15)
    np.testing.assert_allclose(stats.mean_distance, [(0 + 0.5 + 1) / 3, 0.0, 3.25 / 3], atol=1e-15)
    np.testing.assert_array_equal(stats.argmax, [[0, 0, 0], [0, 1, 2], [2, 2, 2]])  # ties: first token
    assert stats.argmax.dtype.kind == "i"
    np.testing.assert_allclose(stats.max_weight, [[1, 0.5, third], [1, 1, 1], [1, 1, 0.75]])
    np.testing.assert_allclose(stats.mean_entropy, stats.entropy.mean(axis=1))


def test_zero_queries_weights_give_uniform_attention():
    """W_Q = 0 makes every score 0, so every query spreads evenly: entropy ln n, distance by formula."""
    tokens = "a b c d"
    weights = init_weights(6, 2, 3, seed=1)
    weights = Weights(np.zeros_like(weights.w_q), weights.w_k, weights.w_v, weights.w_o)
    stats = head_statistics(compute(Parameters(sentence=tokens, heads=2, d_model=6, d_k=3, seed=1), weights))
    np.testing.assert_allclose(stats.entropy, np.full((2, 4), math.log(4)), rtol=1e-14)
    expected = [(0 + 1 + 2 + 3) / 4, (1 + 0 + 1 + 2) / 4, (2 + 1 + 0 + 1) / 4, (3 + 2 + 1 + 0) / 4]
    np.testing.assert_allclose(stats.distance, [expected, expected], rtol=1e-14)
    np.testing.assert_allclose(stats.mean_distance, [1.25, 1.25], rtol=1e-14)
    np.testing.assert_array_equal(stats.argmax, np.zeros((2, 4)))


def test_causal_first_query_attends_to_itself():
    stats = head_statistics(compute(Parameters(sentence="one two three", causal=True)))
    np.testing.assert_allclose(stats.entropy[:, 0], 0.0, atol=1e-15)
    np.testing.assert_array_equal(stats.argmax[:, 0], 0)
    assert (stats.argmax <= np.arange(3)).all()  # never a later token


def test_statistics_agree_with_the_trace():
    computation = compute(Parameters(sentence="the cat sat on the mat", heads=4, d_model=16, d_k=4, seed=2))
    a = computation.trace["weights"]
    stats = head_statistics(computation)
    assert stats.entropy.shape == stats.distance.shape == stats.argmax.shape == (4, 6)
    assert stats.mean_distance.shape == (4,)
    np.testing.assert_allclose(stats.entropy, entropy(a), rtol=1e-13)
    np.testing.assert_array_equal(stats.argmax, a.argmax(axis=-1))
    t, s = np.indices((6, 6))
    np.testing.assert_allclose(stats.distance, (a * abs(t - s)).sum(axis=-1), rtol=1e-13)
    assert (stats.entropy >= 0).all() and (stats.entropy <= math.log(6) + 1e-12).all()


def test_attention_statistics_refuses_bad_shapes():
    with pytest.raises(ValueError, match=r"\(h, n, n\)"):
        attention_statistics(np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"\(h, n, n\)"):
        attention_statistics(np.ones((1, 2, 3)))
