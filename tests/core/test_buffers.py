"""Reused memory for forward passes: it is reused, it never changes a matrix anyone still holds,
and it changes no number."""

import weakref

import numpy as np
import pytest

from attention_stepper.core import buffers
from attention_stepper.core.attention import forward
from attention_stepper.core.weights import init_weights

N, HEADS, D_MODEL = 96, 4, 32  # each head's 96 × 96 scores: 295 KB, above buffers.MIN_BYTES


@pytest.fixture(autouse=True)
def empty_memory():
    buffers.forget()
    yield
    buffers.forget()


def _inputs(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(N, D_MODEL))


@pytest.fixture(scope="module")
def weights():
    return init_weights(D_MODEL, HEADS, D_MODEL // HEADS, seed=3)


def test_the_sizes_here_are_large_enough_to_be_remembered():
    assert HEADS * N * N * 8 >= buffers.MIN_BYTES


@pytest.mark.parametrize("heads", [HEADS, 8])  # 8 heads × 96 rows: softmax takes more than one block
def test_a_pass_reuses_the_arrays_of_a_trace_nobody_holds(heads):
    weights = init_weights(D_MODEL, heads, D_MODEL // heads, seed=3)
    first = forward(_inputs(1), weights)
    old = [weakref.ref(array) for array in first.values()]  # (the C allocator may reuse addresses anyway)
    del first
    second = forward(_inputs(2), weights)
    reused = [key for key, array in second.items() if any(ref() is array for ref in old)]
    assert {"scores", "scaled", "weights"} <= set(reused), reused  # the rest is below MIN_BYTES here


def test_matrices_still_held_are_never_written_over(weights):
    first = forward(_inputs(1), weights, causal=True)
    held = {key: first[key] for key in first}  # as panels, exports and variables hold them
    copies = {key: np.array(array) for key, array in held.items()}
    del first
    for seed in (2, 3, 4):
        later = forward(_inputs(seed), weights, causal=True)
        for key, array in held.items():
            np.testing.assert_array_equal(array, copies[key], err_msg=key)
            assert not any(np.shares_memory(array, other) for other in later.values()), key


def test_a_view_keeps_the_whole_matrix_it_looks_into(weights):
    first = forward(_inputs(1), weights)
    one_head = first["weights"][2]  # a view: its base is the whole weights array
    query_row = first["q"][0, 5]  # q is itself a view into the fused Q|K|V array
    expected_head, expected_row = one_head.copy(), query_row.copy()
    del first
    for seed in (2, 3):
        forward(_inputs(seed), weights)
    np.testing.assert_array_equal(one_head, expected_head)
    np.testing.assert_array_equal(query_row, expected_row)


@pytest.mark.parametrize("causal", [False, True])
def test_reused_memory_gives_the_same_numbers_bit_for_bit(weights, monkeypatch, causal):
    with_reuse = []
    for seed in (1, 2, 3, 1):
        trace = forward(_inputs(seed), weights, causal=causal)
        with_reuse.append({key: np.array(array) for key, array in trace.items()})
        del trace
    monkeypatch.setattr(buffers, "_ENABLED", False)
    buffers.forget()
    for seed, reused in zip((1, 2, 3, 1), with_reuse):
        fresh = forward(_inputs(seed), weights, causal=causal)
        assert fresh.keys() == reused.keys()
        for key in fresh:
            np.testing.assert_array_equal(fresh[key], reused[key], err_msg=key)


def test_a_trace_made_in_reused_memory_is_read_only(weights):
    del_me = forward(_inputs(1), weights)
    del del_me
    trace = forward(_inputs(2), weights)
    for key, array in trace.items():
        assert not array.flags.writeable, key
        with pytest.raises(ValueError):
            array[(0,) * array.ndim] = 1.0


def test_only_the_last_two_passes_are_remembered(weights):
    for n in (80, 90, 100, 110):
        forward(np.random.default_rng(n).normal(size=(n, D_MODEL)), weights)
    assert len(buffers._generations) == buffers.GENERATIONS
    shapes = {array.shape for generation in buffers._generations for array in generation}
    assert (HEADS, 80, 80) not in shapes and (HEADS, 90, 90) not in shapes
    buffers.forget()
    assert buffers.remembered_bytes() == 0


def test_small_passes_remember_nothing():
    small = init_weights(8, 2, 4, seed=0)
    forward(np.ones((4, 8)), small)
    assert buffers.remembered_bytes() == 0


def test_every_step_writes_the_same_numbers_into_a_given_array():
    """The out= form of each step is the formula's own result, and refuses arrays it cannot fill in place."""
    from attention_stepper.core import attention as steps

    rng = np.random.default_rng(11)
    heads, n, d = 3, 700, 5  # 2,100 rows: softmax takes several blocks
    q, k, v = (rng.normal(size=(heads, n, d)) for _ in range(3))
    scores = steps.attention_scores(q, k)
    cases = [
        (steps.attention_scores, (q, k)),
        (steps.scale, (scores, d)),
        (steps.causal_mask, (scores,)),
        (steps.softmax, (steps.causal_mask(scores),)),
        (steps.weighted_sum, (steps.softmax(scores), v)),
        (steps.concat_heads, (v,)),
    ]
    for step, args in cases:
        expected = step(*args)
        given = np.full(expected.shape, np.nan)
        result = step(*args, out=given)
        assert result is given, step.__name__
        np.testing.assert_array_equal(given, expected, err_msg=step.__name__)
    x, w_qkv = rng.normal(size=(n, 4)), rng.normal(size=(4, heads * 3 * d))
    expected = steps.project_qkv(x, w_qkv, heads)
    given = np.full((n, heads * 3 * d), np.nan)
    result = steps.project_qkv(x, w_qkv, heads, out=given)
    assert result.base is given and result.shape == (heads, n, 3 * d)  # a view of the product: heads are a reshape
    np.testing.assert_array_equal(result, expected)
    for step, args in ((steps.softmax, (scores,)), (steps.concat_heads, (v,))):
        shape = step(*args).shape
        strided = np.empty(shape[:-1] + (shape[-1] * 2,))[..., ::2]
        with pytest.raises(ValueError, match="C-contiguous"):
            step(*args, out=strided)
        with pytest.raises(ValueError, match="C-contiguous"):
            step(*args, out=np.empty(int(np.prod(shape))))  # the right size, the wrong shape


def test_a_pass_lets_go_of_memory_of_other_shapes(weights):
    """A new sentence length or a short sentence after a long one: the old arrays are not kept."""
    first = forward(_inputs(1), weights)
    del first
    longer = forward(np.random.default_rng(2).normal(size=(N + 4, D_MODEL)), weights)
    shapes = {array.shape for generation in buffers._generations for array in generation}
    assert (HEADS, N, N) not in shapes and (HEADS, N + 4, N + 4) in shapes
    del longer
    forward(np.ones((3, D_MODEL)), weights)  # a small pass asks for nothing large
    assert buffers.remembered_bytes() == 0


def test_passes_above_the_limit_are_not_remembered(weights, monkeypatch):
    monkeypatch.setattr(buffers, "MAX_REMEMBERED_BYTES", HEADS * N * N * 8)  # less than one pass's arrays
    forward(_inputs(1), weights)
    assert buffers.remembered_bytes() == 0
