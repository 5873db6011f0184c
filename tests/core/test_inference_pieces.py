"""The pieces the inference views show: each tile's P̃, its sums and P̃V, the state after any tile, the checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attention_stepper.core import Parameters, compute
from attention_stepper.core.decoding import causal_pass, decode, row_differences
from attention_stepper.core.tiles import difference_from_full_pass, state_after, tiled_attention

WORDS = "the cat sat on a warm mat and looked at".split()


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 9), block_rows=st.integers(1, 9), block_columns=st.integers(1, 9),
       causal=st.booleans(), window=st.one_of(st.none(), st.integers(1, 4)), grouped=st.booleans())
def test_each_tile_holds_the_pieces_of_its_update(n, block_rows, block_columns, causal, window, grouped):
    computation = compute(Parameters(sentence=" ".join(WORDS[:n]), heads=2, causal=causal, window=window,
                                     kv_heads=1 if grouped else None))
    tiled = tiled_attention(computation, 1, min(block_rows, n), min(block_columns, n))
    values = computation.trace["v"][0 if grouped else 1]
    for index, tile in enumerate(tiled.tiles):
        state = state_after(tiled, index)
        if tile.skipped:
            assert tile.p is None and tile.o_old is None
        else:
            shift = np.where(np.isfinite(tile.m), tile.m, 0.0)[:, None]
            np.testing.assert_array_equal(tile.p, np.exp(tile.scores - shift))
            np.testing.assert_array_equal(tile.p_sum, tile.p.sum(axis=1))
            np.testing.assert_array_equal(tile.pv, tile.p @ values[tile.column_start:tile.column_stop])
            np.testing.assert_allclose(tile.l, tile.rescale * tile.l_old + tile.p_sum, rtol=1e-15, atol=0)
            np.testing.assert_allclose(tile.o, tile.rescale[:, None] * tile.o_old + tile.pv, rtol=1e-15, atol=1e-300)
            assert state.m is tile.m and state.l is tile.l and state.o is tile.o
        last = index + 1 == len(tiled.tiles) or tiled.tiles[index + 1].query_block != tile.query_block
        if last:
            np.testing.assert_array_equal(state.finished, tiled.output[tile.row_start:tile.row_stop])
            np.testing.assert_array_equal(state.m, tiled.row_max[tile.row_start:tile.row_stop])
            np.testing.assert_array_equal(state.l, tiled.row_sum[tile.row_start:tile.row_stop])
        else:
            assert state.finished is None
    assert difference_from_full_pass(computation, tiled) < 1e-12


def test_a_skipped_tile_carries_the_state_and_before_any_visible_key_it_is_the_start():
    computation = compute(Parameters(sentence="a b c d e f", causal=True, window=2))
    tiled = tiled_attention(computation, 0, 2, 2)
    places = [(tile.query_block, tile.key_block, tile.skipped) for tile in tiled.tiles]
    assert places[6:9] == [(2, 0, True), (2, 1, False), (2, 2, False)]
    start = state_after(tiled, 6)  # query block 3 sees nothing of key block 1: nothing computed yet
    assert np.isneginf(start.m).all() and (start.l == 0).all() and (start.o == 0).all() and start.finished is None
    carried = state_after(tiled, 2)  # query block 1, key block 3: skipped, after key block 1 was computed
    assert tiled.tiles[2].skipped and carried.m is tiled.tiles[0].m and carried.o is tiled.tiles[0].o
    np.testing.assert_array_equal(carried.finished, tiled.output[0:2])


def test_the_check_is_the_largest_difference_from_head_output():
    computation = compute(Parameters(causal=True))
    tiled = tiled_attention(computation, 0, 3, 1)
    expected = np.abs(tiled.output - computation.trace["head_output"][0]).max()
    assert difference_from_full_pass(computation, tiled) == expected < 1e-15
    assert (tiled.computed, tiled.skipped) == (7, 1), "rows 1-3 never see key 4"


def test_causal_pass_is_the_computation_itself_or_the_same_with_the_mask():
    causal = compute(Parameters(causal=True))
    assert causal_pass(causal) is causal
    plain = compute(Parameters(rope="half", kv_heads=1))
    masked = causal_pass(plain)
    assert masked.parameters.causal and masked.parameters.rope == "half"
    np.testing.assert_array_equal(masked.trace["output"], compute(Parameters(rope="half", kv_heads=1,
                                                                           causal=True)).trace["output"])


def test_causal_pass_keeps_typed_over_cells():
    from attention_stepper.core.edits import Edits

    edits = Edits({("embed", None, 0, 0): 3.0, ("w_q", 1, 2, 1): -2.0})
    plain = compute(Parameters(), None, edits)
    masked = causal_pass(plain)
    assert masked.trace["embed"][0, 0] == 3.0 and masked.weights.w_q[1, 2, 1] == -2.0
    np.testing.assert_array_equal(masked.trace["output"], compute(Parameters(causal=True), None, edits).trace["output"])


def test_row_differences_against_the_causal_pass_are_round_off():
    computation = compute(Parameters(sentence="a b c d e", heads=4, kv_heads=2, rope="interleaved"))
    full = causal_pass(computation)
    for _, row in decode(computation):
        differences = row_differences(full, row)
        assert set(differences) == {"weights", "head_output", "output"}
        assert max(differences.values()) < 1e-12
    _, row = decode(computation)[2]
    assert row_differences(computation, row)["weights"] > 1e-3, "the unmasked pass differs: it looks ahead"


def test_row_differences_measure_a_wrong_row():
    import dataclasses

    computation = compute(Parameters(causal=True))
    _, row = decode(computation)[1]
    output = np.array(row.output)
    output[3] += 0.25
    differences = row_differences(computation, dataclasses.replace(row, output=output))
    assert differences["output"] == pytest.approx(0.25, abs=1e-12) and differences["weights"] < 1e-12


def test_each_step_adds_one_k_and_one_v_per_key_value_head_to_the_cache():
    computation = compute(Parameters(heads=4, kv_heads=2, d_k=4, d_v=3))
    steps = decode(computation)
    for (cache, row), (before, _) in zip(steps[1:], steps):
        assert row.cache_bytes_added == 2 * (4 + 3) * 8 == cache.nbytes - before.nbytes
