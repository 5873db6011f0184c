"""The core against arithmetic done by hand and against an independent implementation."""

import math

import numpy as np
import pytest

from attention_stepper.core import Weights, compute, embed, forward, init_weights, tokenize
from attention_stepper.core.attention import softmax
from attention_stepper.core import Parameters


def cat_eats_fish():
    """猫吃鱼 as X (3 tokens, d_model 4), one head, d_k = d_v = 4, small integer weights.

    √d_k = 2 keeps every scaled score exact.
    """
    x = np.array([[1, 0, 1, 0],   # 猫
                  [0, 2, 0, 1],   # 吃
                  [1, 1, 0, 0]])  # 鱼
    w_q = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])  # identity: Q = X
    w_k = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 2]])  # swaps dims 2 and 3, doubles dim 4
    w_v = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]])  # drops dim 3
    w_o = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]) * 2  # doubles
    return x, Weights(w_q[None], w_k[None], w_v[None], w_o)


def test_every_matrix_of_cat_eats_fish_by_hand():
    x, weights = cat_eats_fish()
    trace = forward(x, weights)
    q = [[1, 0, 1, 0], [0, 2, 0, 1], [1, 1, 0, 0]]                    # X·I
    k = [[1, 1, 0, 0], [0, 0, 2, 2], [1, 0, 1, 0]]                    # columns 2, 3 swapped; column 4 doubled
    v = [[1, 0, 0, 0], [0, 2, 0, 1], [1, 1, 0, 0]]                    # column 3 zeroed
    # scores[t, s] = q_t · k_s; e.g. 猫·吃 = (1,0,1,0)·(0,0,2,2) = 2, 吃·鱼 = (0,2,0,1)·(1,0,1,0) = 0
    scores = [[1, 2, 2],
              [2, 2, 0],
              [2, 0, 1]]
    scaled = [[0.5, 1, 1], [1, 1, 0], [1, 0, 0.5]]                   # ÷ √4 = ÷ 2
    e = math.exp
    a = [[e(0.5) / (e(0.5) + 2 * e(1)), e(1) / (e(0.5) + 2 * e(1)), e(1) / (e(0.5) + 2 * e(1))],
         [e(1) / (2 * e(1) + 1), e(1) / (2 * e(1) + 1), 1 / (2 * e(1) + 1)],
         [e(1) / (e(1) + 1 + e(0.5)), 1 / (e(1) + 1 + e(0.5)), e(0.5) / (e(1) + 1 + e(0.5))]]
    # head_output[t] = Σ_s a[t, s] v_s, with v_猫 = (1,0,0,0), v_吃 = (0,2,0,1), v_鱼 = (1,1,0,0)
    head = [[row[0] + row[2], 2 * row[1] + row[2], 0, row[1]] for row in a]
    output = [[2 * value for value in row] for row in head]           # concat (one head) · 2I

    np.testing.assert_array_equal(trace["embed"], x)
    np.testing.assert_array_equal(trace["q"][0], q)
    np.testing.assert_array_equal(trace["k"][0], k)
    np.testing.assert_array_equal(trace["v"][0], v)
    np.testing.assert_array_equal(trace["scores"][0], scores)
    np.testing.assert_array_equal(trace["scaled"][0], scaled)
    np.testing.assert_allclose(trace["weights"][0], a, rtol=0, atol=1e-15)
    np.testing.assert_allclose(trace["head_output"][0], head, rtol=0, atol=1e-15)
    np.testing.assert_allclose(trace["concat"], head, rtol=0, atol=1e-15)
    np.testing.assert_allclose(trace["output"], output, rtol=0, atol=1e-15)
    assert "masked" not in trace


def test_causal_cat_eats_fish_by_hand():
    x, weights = cat_eats_fish()
    trace = forward(x, weights, causal=True)
    masked = trace["masked"][0]
    assert masked[0, 1] == masked[0, 2] == masked[1, 2] == -np.inf
    np.testing.assert_array_equal(masked[np.tril_indices(3)], np.array([[0.5, 1, 1], [1, 1, 0], [1, 0, 0.5]])[np.tril_indices(3)])
    e = math.exp
    expected = [[1, 0, 0], [0.5, 0.5, 0], [e(1) / (e(1) + 1 + e(0.5)), 1 / (e(1) + 1 + e(0.5)), e(0.5) / (e(1) + 1 + e(0.5))]]
    np.testing.assert_allclose(trace["weights"][0], expected, rtol=0, atol=1e-15)


def independent_multi_head_attention(x, w_q, w_k, w_v, w_o, causal=False):
    """Multi-head attention written differently on purpose: loops per head and row, math.exp, no NumPy softmax."""
    heads, n = w_q.shape[0], x.shape[0]
    d_k = w_q.shape[2]
    pieces = []
    for h in range(heads):
        q, k, v = x @ w_q[h], x @ w_k[h], x @ w_v[h]
        out = np.zeros((n, v.shape[1]))
        for t in range(n):
            visible = range(t + 1) if causal else range(n)
            logits = [float(np.dot(q[t], k[s])) / math.sqrt(d_k) for s in visible]
            top = max(logits)
            exps = [math.exp(value - top) for value in logits]
            total = math.fsum(exps)
            for s, weight in zip(visible, exps):
                out[t] += (weight / total) * v[s]
        pieces.append(out)
    concat = np.hstack(pieces)
    return concat @ w_o


@pytest.mark.parametrize("n, heads, d_model, d_k, d_v, causal", [
    (4, 2, 8, 4, None, False),
    (7, 3, 10, 5, 2, True),     # d_k is not d_model / h, d_v differs from d_k
    (1, 1, 3, 7, None, False),  # one token, d_k > d_model
    (12, 4, 16, 3, 9, True),
])
def test_agrees_with_an_independent_implementation_to_1e_12(n, heads, d_model, d_k, d_v, causal):
    rng = np.random.default_rng(n * 100 + heads)
    x = rng.standard_normal((n, d_model))
    weights = init_weights(d_model, heads, d_k, d_v, seed=n)
    trace = forward(x, weights, causal=causal)
    expected = independent_multi_head_attention(x, weights.w_q, weights.w_k, weights.w_v, weights.w_o, causal)
    np.testing.assert_allclose(trace["output"], expected, rtol=0, atol=1e-12)


def test_agrees_with_torch_scaled_dot_product_attention():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).standard_normal((9, 12))
    weights = init_weights(12, 3, 5, 4, seed=3)
    for causal in (False, True):
        trace = forward(x, weights, causal=causal)
        q, k, v = (torch.from_numpy(trace[key].copy()) for key in ("q", "k", "v"))  # the trace is read-only
        reference = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal)
        np.testing.assert_allclose(trace["head_output"], reference.numpy(), rtol=0, atol=1e-12)


def test_softmax_rows_sum_to_one_and_stay_finite_for_huge_scores():
    trace = compute(Parameters(sentence="the cat sat on the mat", heads=3, d_model=16, d_k=8)).trace
    np.testing.assert_allclose(trace["weights"].sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    huge = np.array([[1e6, 0.0, -1e6], [1e300, 1e300, -np.inf]])
    weights = softmax(huge)
    assert np.isfinite(weights).all()
    np.testing.assert_array_equal(weights, [[1, 0, 0], [0.5, 0.5, 0]])


def test_one_head_with_d_k_equal_to_d_model_is_the_single_head_formula():
    x = np.random.default_rng(5).standard_normal((5, 6))
    weights = init_weights(6, 1, 6, seed=2)
    trace = forward(x, weights)
    q, k, v = x @ weights.w_q[0], x @ weights.w_k[0], x @ weights.w_v[0]
    logits = q @ k.T / np.sqrt(6)
    a = np.exp(logits - logits.max(axis=1, keepdims=True))
    a /= a.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(trace["output"], a @ v @ weights.w_o, rtol=0, atol=1e-12)


def test_permuting_tokens_permutes_every_output_row():
    tokens = tokenize("我 爱 机器 学习")
    weights = init_weights(8, 2, 4, seed=0)
    order = [2, 0, 3, 1]
    original = forward(embed(tokens, 8), weights)
    permuted = forward(embed([tokens[i] for i in order], 8), weights)
    for key in ("q", "k", "v", "head_output"):
        np.testing.assert_allclose(permuted[key], original[key][:, order], rtol=0, atol=1e-12)
    np.testing.assert_allclose(permuted["weights"], original["weights"][:, order][:, :, order], rtol=0, atol=1e-12)
    np.testing.assert_allclose(permuted["output"], original["output"][order], rtol=0, atol=1e-12)


def test_positions_break_the_permutation_symmetry():
    tokens = tokenize("我 爱 机器 学习")
    weights = init_weights(8, 2, 4, seed=0)
    original = forward(embed(tokens, 8, positional_encoding=True), weights)
    swapped = forward(embed([tokens[1], tokens[0], *tokens[2:]], 8, positional_encoding=True), weights)
    assert not np.allclose(swapped["output"][[1, 0, 2, 3]], original["output"])


def test_causal_rows_put_no_weight_on_later_tokens():
    trace = compute(Parameters(sentence="a b c d e f g", heads=2, causal=True)).trace
    upper = np.triu(np.ones((7, 7), dtype=bool), k=1)
    assert (trace["weights"][:, upper] == 0).all()
    assert (trace["masked"][:, upper] == -np.inf).all()
    np.testing.assert_allclose(trace["weights"].sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert trace["weights"][0, 0, 0] == 1.0


def test_trace_is_read_only_with_the_documented_shapes():
    computation = compute(Parameters(sentence="猫吃鱼", heads=3, d_model=10, d_k=6, d_v=5, causal=True))
    trace = computation.trace
    shapes = {"embed": (3, 10), "q": (3, 3, 6), "k": (3, 3, 6), "v": (3, 3, 5), "scores": (3, 3, 3),
              "scaled": (3, 3, 3), "masked": (3, 3, 3), "weights": (3, 3, 3), "head_output": (3, 3, 5),
              "concat": (3, 15), "output": (3, 10)}
    assert {key: trace[key].shape for key in trace} == shapes
    assert all(trace[key].dtype == np.float64 for key in trace)
    with pytest.raises(ValueError):
        trace["weights"][0, 0, 0] = 1.0
    with pytest.raises(TypeError):
        trace["weights"] = None


def test_default_softmax_is_neither_uniform_nor_one_hot():
    weights = compute(Parameters()).trace["weights"]
    assert weights.max() < 0.95, "not one-hot"
    assert weights.std() > 0.03, "not uniform"
