"""FlashAttention's tiles and KV-cache decoding compute exactly the attention of the ordinary pass.

``export --tiles`` and ``--decode`` are checked in tests/cli/test_tiles_and_decode_flags.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attention_stepper.core import Parameters, compute
from attention_stepper.core.decoding import DecodeOptions, KVCache, decode, decode_step
from attention_stepper.core.tiles import online_softmax_step, tiled_attention, tiles_record

TOLERANCE = dict(rtol=0, atol=1e-12)
WORDS = "the cat sat on a warm mat and looked at the quiet bird".split()


def _logits(computation, head: int) -> np.ndarray:
    trace = computation.trace
    for key in ("masked", "biased", "scaled"):
        if key in trace:
            return trace[key][head]
    raise AssertionError("no logits")


options = st.fixed_dictionaries({
    "causal": st.booleans(),
    "rope": st.sampled_from([None, "half", "interleaved"]),
    "alibi": st.booleans(),
    "window": st.one_of(st.none(), st.integers(1, 6)),
    "grouped": st.booleans(),
    "bias": st.booleans(),
})


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 11), heads=st.sampled_from([2, 4]), block_rows=st.integers(1, 11),
       block_columns=st.integers(1, 11), chosen=options, padded=st.booleans())
def test_tiles_give_the_head_output_and_the_rows_max_and_sum(n, heads, block_rows, block_columns, chosen, padded):
    words = WORDS[:n]
    if padded and n > 2:
        words = [*words[:-1], "<pad>"]
    parameters = Parameters(sentence=" ".join(words), heads=heads, d_model=8, d_k=4,
                            kv_heads=1 if chosen["grouped"] else None, causal=chosen["causal"], rope=chosen["rope"],
                            alibi=chosen["alibi"], window=chosen["window"], bias=chosen["bias"])
    computation = compute(parameters)
    for head in range(heads):
        tiled = tiled_attention(computation, head, min(block_rows, n), min(block_columns, n))
        np.testing.assert_allclose(tiled.output, computation.trace["head_output"][head], **TOLERANCE)
        logits = _logits(computation, head)
        np.testing.assert_allclose(tiled.row_max, logits.max(axis=1), **TOLERANCE)
        sums = np.exp(logits - np.where(np.isfinite(tiled.row_max), tiled.row_max, 0)[:, None]).sum(axis=1)
        np.testing.assert_allclose(tiled.row_sum, sums, rtol=1e-13, atol=0)
        for tile in tiled.tiles:
            block = logits[tile.row_start:tile.row_stop, tile.column_start:tile.column_stop]
            assert tile.skipped == bool(np.isneginf(block).all()), (tile.query_block, tile.key_block)
            if not tile.skipped:
                np.testing.assert_allclose(tile.scores, block, **TOLERANCE)


def test_causal_tiles_above_the_diagonal_are_skipped_and_the_memory_is_a_tile_not_n_by_n():
    computation = compute(Parameters(sentence=" ".join(WORDS[:8]), causal=True))
    tiled = tiled_attention(computation, 0, 2, 2)
    skipped = {(tile.query_block, tile.key_block) for tile in tiled.tiles if tile.skipped}
    assert skipped == {(row, column) for row in range(4) for column in range(4) if column > row}
    assert tiled.computed == 10 and tiled.tile_bytes == 2 * 2 * 8 and tiled.full_bytes == 8 * 8 * 8


def test_online_softmax_step_rescales_what_came_before():
    m, l, o = np.array([1.0]), np.array([2.0]), np.array([[4.0, 6.0]])
    scores, values = np.array([[3.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    m_new, l_new, o_new, rescale = online_softmax_step(m, l, o, scores, values)
    assert m_new[0] == 3.0 and rescale[0] == pytest.approx(np.exp(-2.0), rel=1e-15)
    assert l_new[0] == pytest.approx(2 * np.exp(-2.0) + 1 + np.exp(-3.0), rel=1e-15)
    np.testing.assert_allclose(o_new, [[4 * np.exp(-2.0) + 1, 6 * np.exp(-2.0) + np.exp(-3.0)]], rtol=1e-15)


@pytest.mark.parametrize("sizes", [(0, 1), (1, 0), (True, 1), (1, 99)])
def test_block_sizes_outside_1_to_n_are_refused(sizes):
    computation = compute(Parameters())
    with pytest.raises(ValueError, match="must be a whole number from 1 to 4"):
        tiled_attention(computation, 0, *sizes)


def test_tiles_record_is_plain_json_data():
    import json

    computation = compute(Parameters(sentence="a b c", causal=True))
    record = tiles_record(tiled_attention(computation, 1, 2, 2))
    text = json.dumps(record, allow_nan=False)
    assert record["head"] == 2 and record["tiles"][1]["skipped"] is True and record["tiles"][1]["m"] is None
    assert json.loads(text)["tiles"][0]["l"] == pytest.approx(list(tiled_attention(computation, 1, 2, 2).tiles[0].l))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 10), heads=st.sampled_from([2, 4]), chosen=options, padded=st.booleans())
def test_every_decoding_row_is_that_row_of_the_full_causal_pass(n, heads, chosen, padded):
    words = WORDS[:n]
    if padded and n > 1:
        words = [words[0], "<pad>", *words[2:]]
    parameters = Parameters(sentence=" ".join(words), heads=heads, d_model=8, d_k=4, causal=True,
                            kv_heads=1 if chosen["grouped"] else None, rope=chosen["rope"], alibi=chosen["alibi"],
                            window=chosen["window"], bias=chosen["bias"])
    computation = compute(parameters)
    trace = computation.trace
    steps = decode(computation)
    assert len(steps) == n
    for t, (cache, row) in enumerate(steps):
        assert cache.tokens == t + 1 and row.position == t
        np.testing.assert_allclose(row.weights, trace["weights"][:, t, :t + 1], **TOLERANCE)
        np.testing.assert_allclose(row.head_output, trace["head_output"][:, t], **TOLERANCE)
        np.testing.assert_allclose(row.output, trace["output"][t], **TOLERANCE)
        keys = trace["k_rotated" if chosen["rope"] else "k"]
        np.testing.assert_allclose(cache.k, keys[:, :t + 1], **TOLERANCE)
        np.testing.assert_allclose(cache.v, trace["v"][:, :t + 1], **TOLERANCE)


def test_the_cache_of_grouped_heads_is_smaller_by_the_group_size():
    plain = decode(compute(Parameters(heads=4)))[-1][0]
    grouped = decode(compute(Parameters(heads=4, kv_heads=1)))[-1][0]
    assert plain.nbytes == 4 * 4 * (4 + 4) * 8 and grouped.nbytes == plain.nbytes // 4


def test_rope_position_is_the_number_of_tokens_already_cached():
    """The classic off-by-one: the first token is at position 0, so its query and key are not turned."""
    computation = compute(Parameters(rope="half"))
    options = DecodeOptions.from_parameters(computation.parameters)
    _, first = decode_step(KVCache.empty(computation.weights), computation.trace["embed"][0], computation.weights,
                           options)
    np.testing.assert_allclose(first.q, computation.trace["q"][:, 0], **TOLERANCE)


def test_decoding_with_a_memory_is_refused():
    with pytest.raises(ValueError, match="leave out the memory"):
        decode(compute(Parameters(memory="the cat")))
