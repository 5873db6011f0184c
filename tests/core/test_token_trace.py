"""A token's journey read from the trace, checked against the arithmetic done directly."""

import numpy as np

from attention_stepper.core import Parameters, compute
from attention_stepper.core.token_trace import arithmetic_lines, token_journey


def test_journey_of_ai_is_the_arithmetic_of_its_row():
    computation = compute(Parameters())
    journey = token_journey(computation, head=1, token=1)  # 爱 in head 2
    q, k, v = (computation.trace[key][1] for key in ("q", "k", "v"))
    np.testing.assert_allclose(journey.dot, [np.dot(q[1], k[s]) for s in range(4)], rtol=0, atol=1e-12)
    np.testing.assert_allclose(journey.scaled, journey.dot / 2, rtol=0, atol=1e-12)
    expected = np.exp(journey.scaled) / np.exp(journey.scaled).sum()
    np.testing.assert_allclose(journey.weights, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(journey.weighted_values.sum(axis=0), journey.output, rtol=0, atol=1e-12)
    np.testing.assert_allclose(journey.output, expected @ v, rtol=0, atol=1e-12)
    assert journey.label == "爱" and journey.visible.all()


def test_causal_journey_hides_later_tokens():
    journey = token_journey(compute(Parameters(causal=True)), head=0, token=1)
    assert list(journey.visible) == [True, True, False, False]
    assert journey.weights[2] == journey.weights[3] == 0.0


def test_arithmetic_is_written_out_for_small_sizes_and_shortened_for_long_ones():
    small = arithmetic_lines(token_journey(compute(Parameters(sentence="猫吃鱼")), 0, 1))
    assert small[0].startswith("q(吃)·k(猫) = (") and small[0].count(")(") == 4  # d_k = 4 products
    assert any(line.startswith("softmax → 鱼: e^") for line in small)
    assert small[-1].startswith("head₁[吃] = ")
    long = arithmetic_lines(token_journey(compute(Parameters(sentence=" ".join(f"w{i}" for i in range(40)),
                                                             d_k=20)), 0, 3), max_terms=6)
    assert "… 14 more terms" in long[0]
    assert "… 34 more terms" in long[-1]
    assert len(long) == 40 + 6 + 1 + 1
