"""A token's journey: on a hand-built example whose numbers can be checked on paper, and read from seeded traces.

X has three tokens a, b, c = (1, 0), (0, 1), (1, 1) and every W is the
identity, so Q = K = V = X. Token c's query (1, 1) has dot products 1, 1, 2
with the keys, scaled by √2; its output is the softmax-weighted mix of the rows of X.
For seeded sizes the journey is checked against the trace and against the
arithmetic done directly. (test_token_trace.py was merged into this file.)
"""

import numpy as np
import pytest

from attention_stepper.core.attention import forward
from attention_stepper.core import Computation, Parameters, compute
from attention_stepper.core.token_trace import arithmetic_lines, token_journey
from attention_stepper.core.weights import Weights

X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
IDENTITY = np.eye(2)


def hand_built(causal: bool = False) -> Computation:
    weights = Weights(IDENTITY[None], IDENTITY[None], IDENTITY[None], IDENTITY)
    return Computation(Parameters(sentence="a b c", heads=1, d_model=2, d_k=2, causal=causal),
                       ("a", "b", "c"), weights, forward(X, weights, causal=causal))


def test_hand_built_journey_is_the_arithmetic_on_paper():
    journey = token_journey(hand_built(), head=0, token=2)
    assert journey.label == "c"
    np.testing.assert_array_equal(journey.query, [1.0, 1.0])
    np.testing.assert_array_equal(journey.keys, X)
    np.testing.assert_array_equal(journey.dot, [1.0, 1.0, 2.0])
    np.testing.assert_array_equal(journey.dot, [np.dot(journey.query, key) for key in X])
    np.testing.assert_allclose(journey.scaled, np.array([1.0, 1.0, 2.0]) / np.sqrt(2), rtol=0, atol=1e-15)
    e = np.exp(np.array([1.0, 1.0, 2.0]) / np.sqrt(2))
    np.testing.assert_allclose(journey.weights, e / e.sum(), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(journey.values, X)
    np.testing.assert_array_equal(journey.weighted_values, journey.weights[:, None] * X)
    np.testing.assert_allclose(journey.output, journey.weighted_values.sum(axis=0), rtol=0, atol=1e-15)
    np.testing.assert_allclose(journey.output, (e / e.sum()) @ X, rtol=0, atol=1e-15)
    assert not journey.masked.any()


@pytest.mark.parametrize("parameters", [Parameters(heads=3, d_k=5, d_v=3), Parameters()], ids=["3 heads", "defaults"])
def test_dot_products_are_read_from_the_trace_and_equal_the_explicit_ones(parameters):
    """Seeded sizes too: the journey's numbers are the trace's rows, bit for bit, for every head and token,
    and they are the arithmetic of that row done directly: q·k, divided by √d_k, softmax, the weighted sum of v."""
    computation = compute(parameters)
    trace = computation.trace
    d_v = parameters.value_dim
    for head in range(parameters.heads):
        q, k, v = (trace[key][head] for key in ("q", "k", "v"))
        for token in range(len(computation.tokens)):
            journey = token_journey(computation, head, token)
            np.testing.assert_array_equal(journey.dot, trace["scores"][head, token])
            np.testing.assert_array_equal(journey.scaled, trace["scaled"][head, token])
            np.testing.assert_array_equal(journey.weights, trace["weights"][head, token])
            np.testing.assert_array_equal(journey.output, trace["head_output"][head, token])
            explicit = np.array([journey.query @ key for key in trace["k"][head]])
            np.testing.assert_allclose(journey.dot, explicit, rtol=0, atol=1e-12)
            direct = [np.dot(q[token], k[s]) for s in range(len(computation.tokens))]
            np.testing.assert_allclose(journey.dot, direct, rtol=0, atol=1e-12)
            np.testing.assert_allclose(journey.scaled, journey.dot / np.sqrt(parameters.d_k), rtol=0, atol=1e-12)
            expected = np.exp(journey.scaled) / np.exp(journey.scaled).sum()
            np.testing.assert_allclose(journey.weights, expected, rtol=0, atol=1e-12)
            np.testing.assert_allclose(journey.weighted_values.sum(axis=0), journey.output, rtol=0, atol=1e-12)
            np.testing.assert_allclose(journey.output, expected @ v, rtol=0, atol=1e-12)
            assert journey.label == computation.tokens[token] and journey.visible.all()
            assert journey.values.shape == (4, d_v) and journey.weighted_values.shape == (4, d_v)
    assert token_journey(computation, head=1, token=1).label == "爱"


def test_causal_journey_flags_the_later_tokens_as_masked():
    first = token_journey(hand_built(causal=True), head=0, token=0)
    assert list(first.masked) == [False, True, True]
    np.testing.assert_array_equal(first.weights, [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(first.output, X[0])
    middle = token_journey(hand_built(causal=True), head=0, token=1)
    assert list(middle.masked) == [False, False, True]
    np.testing.assert_array_equal(middle.dot, [0.0, 1.0, 1.0]), "dot products are taken before the mask"
    last = token_journey(hand_built(causal=True), head=0, token=2)
    assert not last.masked.any()
    seeded = token_journey(compute(Parameters(causal=True)), head=0, token=1)
    assert list(seeded.visible) == [True, True, False, False]
    assert seeded.weights[2] == seeded.weights[3] == 0.0


def test_arithmetic_for_three_tokens_is_written_out_in_full():
    lines = arithmetic_lines(token_journey(hand_built(), head=0, token=2))
    assert lines[:3] == [
        "q(c)·k(a) = (1.000)(1.000) + (1.000)(0.000) = 1.000",
        "q(c)·k(b) = (1.000)(0.000) + (1.000)(1.000) = 1.000",
        "q(c)·k(c) = (1.000)(1.000) + (1.000)(1.000) = 2.000",
    ]
    # e^(1/√2) = e^0.707, e^(2/√2) = e^1.414; weights 0.248, 0.248, 0.503 (0.5035).
    assert lines[3] == "softmax → a: e^0.707 / (e^0.707 + e^0.707 + e^1.414) = 0.248"
    assert lines[5] == "softmax → c: e^1.414 / (e^0.707 + e^0.707 + e^1.414) = 0.503"
    assert lines[6] == "head₁[c] = 0.248·v(a) + 0.248·v(b) + 0.503·v(c) = [0.752, 0.752]"
    assert not any("more" in line for line in lines)
    seeded = arithmetic_lines(token_journey(compute(Parameters(sentence="猫吃鱼")), 0, 1))  # Chinese labels, d_k 4
    assert seeded[0].startswith("q(吃)·k(猫) = (") and seeded[0].count(")(") == 4  # d_k = 4 products
    assert any(line.startswith("softmax → 鱼: e^") for line in seeded)
    assert seeded[-1].startswith("head₁[吃] = ")


def test_arithmetic_names_the_masked_tokens():
    lines = arithmetic_lines(token_journey(hand_built(causal=True), head=0, token=0))
    assert "softmax → b, c: e^−∞ = 0 (masked)" in lines
    assert lines[-1] == "head₁[a] = 1.000·v(a) = [1.000, 0.000]"


def test_arithmetic_for_forty_tokens_is_abbreviated():
    computation = compute(Parameters(sentence=" ".join(f"w{i}" for i in range(40)), d_k=12, d_v=10))
    lines = arithmetic_lines(token_journey(computation, 0, 5), max_terms=8)
    assert "… 4 more terms" in lines[0] and lines[0].count(")(") == 8, "d_k 12: 8 products shown, 4 left out"
    assert any(line == "… and 32 more weights" for line in lines)
    softmax = [line for line in lines if line.startswith("softmax → ")]
    assert len(softmax) == 8 and all("… 32 more terms" in line for line in softmax)
    assert "… 32 more terms" in lines[-1] and lines[-1].endswith(", … 2 more]"), "d_v 10: 8 numbers shown"
    assert max(map(len, lines)) < 400, "no line lists all 40 tokens"
    lines = arithmetic_lines(token_journey(compute(Parameters(sentence=" ".join(f"w{i}" for i in range(40)),
                                                              d_k=20)), 0, 3), max_terms=6)
    assert "… 14 more terms" in lines[0]
    assert "… 34 more terms" in lines[-1]
    assert len(lines) == 40 + 6 + 1 + 1
