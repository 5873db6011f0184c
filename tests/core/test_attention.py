"""The attention arithmetic: a worked example, an independent implementation, and invariants.

The worked example is computed by hand in the test itself, so a reader can
check every number with pencil and paper. The independent implementation
is deliberately written in another style (Python loops, math.exp, concat
built by hand) so a shared mistake with core/attention.py is unlikely.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from attention_stepper.core import (
    Parameters,
    Weights,
    compute,
    forward,
    init_weights,
    softmax,
)
from attention_stepper.core.attention import TRACE_KEYS

E = math.e


# --------------------------------------------------------------------------
# 1. A 3-token, one-head example worked out by hand (猫 吃 鱼)
# --------------------------------------------------------------------------

# X: one row per token, d_model = 2.
HAND_X = np.array([
    [1.0, 0.0],  # 猫
    [0.0, 1.0],  # 吃
    [1.0, 1.0],  # 鱼
])
# One head, d_k = 4 (so √d_k = 2 keeps the scaled scores whole), d_v = 2.
HAND_W_Q = [[[1, 0, 1, 0],
             [0, 2, 0, 0]]]
HAND_W_K = [[[2, 0, 0, 0],
             [0, 2, 2, 0]]]
HAND_W_V = [[[1, 2],
             [3, 4]]]
HAND_W_O = [[1, 0],
            [1, -1]]


def hand_weights() -> Weights:
    return Weights(w_q=HAND_W_Q, w_k=HAND_W_K, w_v=HAND_W_V, w_o=HAND_W_O)


def _softmax_rows_by_hand() -> np.ndarray:
    # scaled = [[1, 1, 2], [0, 2, 2], [1, 3, 4]]
    row1 = [E**1 / (E**1 + E**1 + E**2), E**1 / (E**1 + E**1 + E**2), E**2 / (E**1 + E**1 + E**2)]
    row2 = [E**0 / (E**0 + E**2 + E**2), E**2 / (E**0 + E**2 + E**2), E**2 / (E**0 + E**2 + E**2)]
    row3 = [E**1 / (E**1 + E**3 + E**4), E**3 / (E**1 + E**3 + E**4), E**4 / (E**1 + E**3 + E**4)]
    return np.array([row1, row2, row3])


def test_hand_worked_example_every_matrix():
    """Every intermediate of a tiny example equals the numbers worked out by hand."""
    trace = forward(HAND_X, hand_weights())

    # Q = X W_Q: 猫 = row 1 of W_Q, 吃 = row 2, 鱼 = their sum.
    expected_q = [[1, 0, 1, 0],
                  [0, 2, 0, 0],
                  [1, 2, 1, 0]]
    expected_k = [[2, 0, 0, 0],
                  [0, 2, 2, 0],
                  [2, 2, 2, 0]]
    expected_v = [[1, 2],
                  [3, 4],
                  [4, 6]]
    # scores[t, s] = q_t · k_s
    #   q1=[1,0,1,0]: k1 -> 2, k2 -> 2, k3 -> 2+2 = 4
    #   q2=[0,2,0,0]: k1 -> 0, k2 -> 4, k3 -> 4
    #   q3=[1,2,1,0]: k1 -> 2, k2 -> 4+2 = 6, k3 -> 2+4+2 = 8
    expected_scores = [[2, 2, 4],
                       [0, 4, 4],
                       [2, 6, 8]]
    expected_scaled = [[1, 1, 2],  # scores / √4
                       [0, 2, 2],
                       [1, 3, 4]]
    a = _softmax_rows_by_hand()
    v1, v2, v3 = np.array(expected_v, dtype=float)
    expected_head = np.array([a[t, 0] * v1 + a[t, 1] * v2 + a[t, 2] * v3 for t in range(3)])
    # One head: concat is that head's output; W_O = [[1, 0], [1, -1]] gives [c1 + c2, -c2].
    expected_concat = expected_head
    expected_output = np.array([[c1 + c2, -c2] for c1, c2 in expected_concat])

    assert list(trace) == [key for key in TRACE_KEYS if key != "masked"]
    np.testing.assert_array_equal(trace["embed"], HAND_X)
    np.testing.assert_array_equal(trace["q"], [expected_q])
    np.testing.assert_array_equal(trace["k"], [expected_k])
    np.testing.assert_array_equal(trace["v"], [expected_v])
    np.testing.assert_array_equal(trace["scores"], [expected_scores])
    np.testing.assert_array_equal(trace["scaled"], [expected_scaled])
    np.testing.assert_allclose(trace["weights"], [a], rtol=1e-14, atol=0)
    np.testing.assert_allclose(trace["head_output"], [expected_head], rtol=1e-14, atol=0)
    np.testing.assert_allclose(trace["concat"], expected_concat, rtol=1e-14, atol=0)
    np.testing.assert_allclose(trace["output"], expected_output, rtol=1e-14, atol=1e-15)


def test_hand_worked_example_causal():
    """With the mask, 猫 sees only itself and 吃 sees 猫 and 吃; 鱼's row is unchanged."""
    trace = forward(HAND_X, hand_weights(), causal=True)
    inf = np.inf
    np.testing.assert_array_equal(trace["masked"], [[[1, -inf, -inf],
                                                     [0, 2, -inf],
                                                     [1, 3, 4]]])
    expected_weights = [[1.0, 0.0, 0.0],
                        [1 / (1 + E**2), E**2 / (1 + E**2), 0.0],
                        list(_softmax_rows_by_hand()[2])]
    np.testing.assert_allclose(trace["weights"], [expected_weights], rtol=1e-14, atol=0)
    # Masked weights are exactly zero, not merely tiny.
    assert trace["weights"][0, 0, 1] == 0.0 and trace["weights"][0, 0, 2] == 0.0
    assert trace["weights"][0, 1, 2] == 0.0
    # 猫 copies its own value exactly: head row 1 = v1 = [1, 2]; output = [1 + 2, -2].
    np.testing.assert_array_equal(trace["head_output"][0, 0], [1, 2])
    np.testing.assert_array_equal(trace["output"][0], [3, -2])


# --------------------------------------------------------------------------
# 2. An independent implementation
# --------------------------------------------------------------------------

def reference_attention(x, w_q, w_k, w_v, w_o, causal):
    """Multi-head self-attention with plain Python loops over heads, rows and columns."""
    x = [[float(value) for value in row] for row in np.asarray(x)]
    n = len(x)
    heads = len(w_q)

    def matmul(a, b):
        return [[math.fsum(a[i][t] * b[t][j] for t in range(len(b))) for j in range(len(b[0]))]
                for i in range(len(a))]

    head_outputs = []
    all_weights = []
    for head in range(heads):
        q = matmul(x, np.asarray(w_q[head]).tolist())
        k = matmul(x, np.asarray(w_k[head]).tolist())
        v = matmul(x, np.asarray(w_v[head]).tolist())
        d_k = len(q[0])
        weights = []
        for t in range(n):
            visible = range(t + 1) if causal else range(n)
            logits = {s: math.fsum(q[t][c] * k[s][c] for c in range(d_k)) / math.sqrt(d_k) for s in visible}
            top = max(logits.values())
            exps = {s: math.exp(value - top) for s, value in logits.items()}
            total = math.fsum(exps.values())
            weights.append([exps[s] / total if s in exps else 0.0 for s in range(n)])
        all_weights.append(weights)
        head_outputs.append(matmul(weights, v))
    concat = []
    for t in range(n):
        row = []
        for head in range(heads):
            row.extend(head_outputs[head][t])
        concat.append(row)
    output = matmul(concat, np.asarray(w_o).tolist())
    return np.array(all_weights), np.array(head_outputs), np.array(concat), np.array(output)


SIZES = [
    # (n, d_model, heads, d_k, d_v)
    (1, 1, 1, 1, 1),
    (3, 8, 2, 4, 4),      # d_k = d_model / h
    (5, 6, 3, 5, 2),      # d_k != d_model / h, d_v != d_k
    (7, 12, 4, 7, 9),     # d_v > d_k
    (4, 3, 5, 2, 6),      # more heads than d_model
]


def _random_weights(rng, d_model, heads, d_k, d_v) -> Weights:
    return Weights(
        w_q=rng.standard_normal((heads, d_model, d_k)),
        w_k=rng.standard_normal((heads, d_model, d_k)),
        w_v=rng.standard_normal((heads, d_model, d_v)),
        w_o=rng.standard_normal((heads * d_v, d_model)),
    )


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("n, d_model, heads, d_k, d_v", SIZES)
def test_agrees_with_independent_implementation(n, d_model, heads, d_k, d_v, causal):
    rng = np.random.default_rng([n, d_model, heads, d_k, d_v])
    x = rng.standard_normal((n, d_model))
    weights = _random_weights(rng, d_model, heads, d_k, d_v)
    trace = forward(x, weights, causal=causal)
    ref_weights, ref_heads, ref_concat, ref_output = reference_attention(
        x, weights.w_q, weights.w_k, weights.w_v, weights.w_o, causal)
    for key, w in (("q", weights.w_q), ("k", weights.w_k), ("v", weights.w_v)):  # one fused product in forward
        for head in range(heads):
            np.testing.assert_allclose(trace[key][head], x @ w[head], rtol=1e-12, atol=1e-12, err_msg=key)
    np.testing.assert_allclose(trace["weights"], ref_weights, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(trace["head_output"], ref_heads, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(trace["concat"], ref_concat, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(trace["output"], ref_output, rtol=1e-12, atol=1e-12)
    assert trace["output"].dtype == np.float64


@pytest.mark.parametrize("causal", [False, True])
def test_agrees_with_independent_implementation_on_seeded_computation(causal):
    """The path the app uses (tokenize, embed, seeded weights) agrees too."""
    computation = compute(Parameters(sentence="the cat sat on the mat .", heads=3, d_model=10, d_k=6, d_v=3,
                                     seed=7, causal=causal, positional_encoding=True))
    w = computation.weights
    _, _, _, ref_output = reference_attention(computation.trace["embed"], w.w_q, w.w_k, w.w_v, w.w_o, causal)
    np.testing.assert_allclose(computation.trace["output"], ref_output, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("n, d_model, heads, d_k, d_v", SIZES)
def test_agrees_with_torch_scaled_dot_product_attention(n, d_model, heads, d_k, d_v, causal):
    torch = pytest.importorskip("torch")
    functional = pytest.importorskip("torch.nn.functional")
    rng = np.random.default_rng([99, n, d_model, heads, d_k, d_v])
    x = rng.standard_normal((n, d_model))
    weights = _random_weights(rng, d_model, heads, d_k, d_v)
    trace = forward(x, weights, causal=causal)
    for head in range(heads):
        q = torch.tensor(trace["q"][head], dtype=torch.float64)[None]
        k = torch.tensor(trace["k"][head], dtype=torch.float64)[None]
        v = torch.tensor(trace["v"][head], dtype=torch.float64)[None]
        expected = functional.scaled_dot_product_attention(q, k, v, is_causal=causal)[0].numpy()
        np.testing.assert_allclose(trace["head_output"][head], expected, rtol=1e-12, atol=1e-12)


def test_multi_head_is_single_heads_side_by_side():
    """Each head computes alone: running one head's weights alone gives that head's block of concat."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 6))
    weights = _random_weights(rng, 6, 3, 5, 2)
    trace = forward(x, weights)
    for head in range(3):
        block = slice(head * 2, head * 2 + 2)
        alone = forward(x, Weights(weights.w_q[head:head + 1], weights.w_k[head:head + 1],
                                   weights.w_v[head:head + 1], weights.w_o[block]))
        np.testing.assert_array_equal(alone["head_output"][0], trace["head_output"][head])
        np.testing.assert_array_equal(trace["concat"][:, block], trace["head_output"][head])


# --------------------------------------------------------------------------
# The trace itself
# --------------------------------------------------------------------------

@pytest.mark.parametrize("causal", [False, True])
def test_trace_keys_and_shapes(causal):
    n, d_model, heads, d_k, d_v = 5, 6, 3, 7, 2
    x = np.random.default_rng(0).standard_normal((n, d_model))
    trace = forward(x, init_weights(d_model, heads, d_k, d_v), causal=causal)
    expected = {
        "embed": (n, d_model), "q": (heads, n, d_k), "k": (heads, n, d_k), "v": (heads, n, d_v),
        "scores": (heads, n, n), "scaled": (heads, n, n), "weights": (heads, n, n),
        "head_output": (heads, n, d_v), "concat": (n, heads * d_v), "output": (n, d_model),
    }
    if causal:
        expected["masked"] = (heads, n, n)
    assert list(trace) == [key for key in TRACE_KEYS if key in expected]
    assert {key: trace[key].shape for key in trace} == expected
    assert all(trace[key].dtype == np.float64 for key in trace)


def test_scaled_is_scores_over_sqrt_d_k():
    x = np.random.default_rng(1).standard_normal((4, 8))
    trace = forward(x, init_weights(8, 2, 9))
    np.testing.assert_allclose(trace["scaled"], trace["scores"] / 3.0, rtol=1e-15)
    np.testing.assert_allclose(trace["scores"], trace["q"] @ trace["k"].transpose(0, 2, 1), rtol=1e-13)


def test_trace_is_read_only():
    """A person (or a GUI bug) cannot change a matrix and make the trace disagree with itself."""
    trace = forward(np.ones((2, 4)), init_weights(4, 2, 2), causal=True)
    with pytest.raises(TypeError):
        trace["output"] = np.zeros((2, 4))  # a Mapping, not a dict
    for key in trace:
        with pytest.raises(ValueError):
            trace[key][...] = 0.0


def test_forward_does_not_keep_a_reference_to_the_input():
    x = np.ones((2, 4))
    trace = forward(x, init_weights(4, 1, 2))
    x[0, 0] = 5.0
    assert trace["embed"][0, 0] == 1.0


def test_forward_refuses_x_of_wrong_width():
    with pytest.raises(ValueError, match="d_model=4"):
        forward(np.ones((3, 5)), init_weights(4, 1, 2))


# --------------------------------------------------------------------------
# 3. Invariants
# --------------------------------------------------------------------------

@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("n, d_model, heads, d_k, d_v", SIZES)
def test_softmax_rows_sum_to_one(n, d_model, heads, d_k, d_v, causal):
    x = np.random.default_rng(n).standard_normal((n, d_model)) * 3
    weights = forward(x, init_weights(d_model, heads, d_k, d_v, seed=5), causal=causal)["weights"]
    np.testing.assert_allclose(weights.sum(axis=-1), np.ones((heads, n)), rtol=0, atol=1e-14)
    assert (weights >= 0).all()


def test_one_head_with_d_k_equal_d_model_is_the_single_head_formula():
    """softmax(Q Kᵀ / √d) V W_O, written in one line, is what one head computes."""
    d = 6
    rng = np.random.default_rng(11)
    x = rng.standard_normal((5, d))
    w = _random_weights(rng, d, 1, d, d)
    q, k, v = x @ w.w_q[0], x @ w.w_k[0], x @ w.w_v[0]
    logits = q @ k.T / np.sqrt(d)
    a = np.exp(logits - logits.max(axis=1, keepdims=True))
    a = a / a.sum(axis=1, keepdims=True)
    expected = a @ v @ w.w_o
    np.testing.assert_allclose(forward(x, w)["output"], expected, rtol=1e-12, atol=1e-13)


def test_without_positions_permuting_tokens_permutes_every_output_row():
    """Attention alone is a bag of words: shuffled tokens give the same rows, shuffled."""
    words = ["the", "cat", "sat", "on", "a", "warm", "mat"]
    order = [4, 2, 6, 0, 5, 1, 3]
    base = compute(Parameters(sentence=" ".join(words), heads=3, d_model=8, d_k=5, d_v=3))
    shuffled = compute(Parameters(sentence=" ".join(words[i] for i in order), heads=3, d_model=8, d_k=5, d_v=3))
    for key in ("embed", "concat", "output"):
        np.testing.assert_allclose(shuffled.trace[key], base.trace[key][order], rtol=1e-12, atol=1e-13)
    for key in ("q", "k", "v", "head_output"):
        np.testing.assert_allclose(shuffled.trace[key], base.trace[key][:, order], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(shuffled.trace["weights"], base.trace["weights"][:, order][:, :, order],
                               rtol=1e-12, atol=1e-13)


def test_with_positions_permuting_tokens_changes_the_result():
    """The counterpart of the bag-of-words test: positions make order count (so that test can fail)."""
    base = compute(Parameters(sentence="the cat sat", positional_encoding=True))
    shuffled = compute(Parameters(sentence="sat the cat", positional_encoding=True))
    order = [2, 0, 1]
    assert not np.allclose(shuffled.trace["output"], base.trace["output"][order])


def test_causal_rows_put_zero_weight_on_later_tokens():
    computation = compute(Parameters(sentence="one two three four five six", heads=4, causal=True))
    weights = computation.trace["weights"]
    later = np.triu(np.ones((6, 6), dtype=bool), k=1)
    assert (weights[:, later] == 0.0).all()
    assert (weights[:, ~later] > 0.0).all()
    np.testing.assert_array_equal(weights[:, 0, 0], np.ones(4))  # the first token sees only itself
    masked = computation.trace["masked"]
    assert np.isneginf(masked[:, later]).all()
    np.testing.assert_array_equal(masked[:, ~later], computation.trace["scaled"][:, ~later])


def test_causal_first_rows_do_not_depend_on_later_tokens():
    a = compute(Parameters(sentence="a b c d", causal=True)).trace["output"]
    b = compute(Parameters(sentence="a b x y", causal=True)).trace["output"]
    np.testing.assert_array_equal(a[:2], b[:2])
    assert not np.allclose(a[2:], b[2:])


def test_huge_scores_give_finite_weights():
    """Scores near 1e6 would overflow a naive exp; the stable softmax picks the largest cleanly."""
    x = np.array([[1000.0, 0.0], [0.0, 1000.0], [1000.0, 1000.0]])
    eye = np.eye(2)[None]
    weights = Weights(w_q=eye, w_k=eye, w_v=eye, w_o=np.eye(2))
    trace = forward(x, weights, scale=False)
    assert trace["scores"].max() == 2e6
    assert np.isfinite(trace["weights"]).all() and np.isfinite(trace["output"]).all()
    # Row 3 (score 2e6 with itself, 1e6 with the others) puts all its weight on itself.
    np.testing.assert_array_equal(trace["weights"][0, 2], [0.0, 0.0, 1.0])
    # Row 1 ties between token 1 and token 3 (1e6 each): exactly half each.
    np.testing.assert_array_equal(trace["weights"][0, 0], [0.5, 0.0, 0.5])


def test_softmax_function_is_stable_and_handles_minus_infinity():
    logits = np.array([[1e6, 0.0, -1e6], [-1e6, -1e6, -1e6], [0.0, -np.inf, np.log(3.0)]])
    result = softmax(logits)
    assert np.isfinite(result).all()
    np.testing.assert_array_equal(result[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(result[1], [1 / 3] * 3, rtol=1e-15)
    np.testing.assert_allclose(result[2], [0.25, 0.0, 0.75], rtol=1e-15)


def test_softmax_of_many_rows_is_the_one_shot_formula_bit_for_bit():
    """Many rows of several heads, with masked entries: exactly the formula, row by row."""
    rng = np.random.default_rng(7)
    logits = rng.normal(scale=4.0, size=(3, 261, 40))
    logits[:, :, -3:] = -np.inf
    one_shot = logits - logits.max(axis=-1, keepdims=True)
    np.exp(one_shot, out=one_shot)
    one_shot /= one_shot.sum(axis=-1, keepdims=True)
    blocked = softmax(logits)
    assert blocked.shape == logits.shape and blocked.dtype == np.float64
    np.testing.assert_array_equal(blocked, one_shot)
    np.testing.assert_array_equal(softmax(logits[0, 0]), one_shot[0, 0])  # a single row


def test_default_softmax_is_neither_uniform_nor_one_hot():
    """The seeded weights are scaled so a learner sees attention that actually prefers some tokens."""
    weights = compute(Parameters()).trace["weights"]
    n = weights.shape[-1]
    assert weights.max() < 0.95
    assert np.abs(weights - 1 / n).max() > 0.05


def _held_inputs(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(96, 32))


def test_matrices_still_held_are_never_written_over_by_later_passes():
    weights = init_weights(32, 4, 8, seed=3)
    first = forward(_held_inputs(1), weights, causal=True)
    held = {key: first[key] for key in first}  # as panels, exports and variables hold them
    copies = {key: np.array(array) for key, array in held.items()}
    one_head, query_row = first["weights"][2], first["q"][0, 5]  # views into the trace's arrays
    expected_head, expected_row = one_head.copy(), query_row.copy()
    del first
    for seed in (2, 3, 4):
        later = forward(_held_inputs(seed), weights, causal=True)
        for key, array in held.items():
            np.testing.assert_array_equal(array, copies[key], err_msg=key)
            assert not any(np.shares_memory(array, other) for other in later.values()), key
    np.testing.assert_array_equal(one_head, expected_head)
    np.testing.assert_array_equal(query_row, expected_row)


def test_a_trace_cannot_be_written_to_not_even_through_the_projection_q_k_v_are_views_of():
    trace = forward(_held_inputs(2), init_weights(32, 4, 8, seed=3))
    for key, array in trace.items():
        assert not array.flags.writeable, key
        with pytest.raises(ValueError):
            array[(0,) * array.ndim] = 1.0
        base = array.base
        while isinstance(base, np.ndarray):
            assert not base.flags.writeable, key
            base = base.base
