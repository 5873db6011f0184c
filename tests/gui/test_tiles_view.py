"""The online-softmax tab: walked tile by tile, its panels hold the core's tiles, and it follows the model."""

import numpy as np
import pytest

from attention_stepper.core import Parameters, compute
from attention_stepper.core.tiles import difference_from_full_pass, state_after, tiled_attention

from panel_checks import highlighted_row, outlined_rectangles, shown_image, skipped_rectangles

SENTENCE = "the cat sat on a warm mat"


@pytest.fixture
def view(qtbot, model):
    from attention_stepper.gui.tiles_view import TilesView

    view = TilesView(model)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    return view


def _held(panel) -> np.ndarray:
    return panel.matrix()


def _assert_tile_shown(view, computation, tiled, index):
    tile, state = tiled.tiles[index], state_after(tiled, index)
    panels = view.panels
    queries = computation.token_labels[tile.row_start:tile.row_stop]
    keys = computation.key_labels[tile.column_start:tile.column_stop]
    if tile.skipped:
        for name in ("scores", "p", "pv"):
            assert _held(panels[name]).size == 0, f"{name}: a skipped tile is never computed"
        np.testing.assert_array_equal(_held(panels["statistics"]), np.vstack([state.m, state.l]))
        np.testing.assert_array_equal(_held(panels["o"]), state.o)
    else:
        np.testing.assert_array_equal(_held(panels["scores"]), tile.scores)
        assert panels["scores"].row_labels() == queries and panels["scores"].column_labels() == keys
        np.testing.assert_array_equal(_held(panels["p"]), tile.p)
        np.testing.assert_array_equal(_held(panels["statistics"]),
                                      np.vstack([tile.m_old, tile.m, tile.rescale, tile.l_old, tile.l]))
        assert panels["statistics"].row_labels() == ["m_old", "m", "rescale", "ℓ_old", "ℓ"]
        np.testing.assert_array_equal(_held(panels["o_old"]), tile.o_old)
        np.testing.assert_array_equal(_held(panels["pv"]), tile.pv)
        np.testing.assert_array_equal(_held(panels["o"]), tile.o)
        masked = np.isneginf(tile.scores)
        np.testing.assert_array_equal(np.isnan(shown_image(panels["scores"])), masked)
    if state.finished is None:
        assert _held(panels["finished"]).size == 0
    else:
        np.testing.assert_array_equal(_held(panels["finished"]), state.finished)
        np.testing.assert_allclose(_held(panels["finished"]),
                                   computation.trace["head_output"][tiled.head][tile.row_start:tile.row_stop],
                                   rtol=0, atol=1e-12)
    place = (tile.row_start, tile.column_start, tile.row_stop - tile.row_start, tile.column_stop - tile.column_start)
    assert outlined_rectangles(panels["full"]) == [place]
    assert outlined_rectangles(panels["head_output"]) == [(tile.row_start, 0, tile.row_stop - tile.row_start,
                                                           computation.parameters.value_dim)]


@pytest.mark.parametrize("options, sizes", [
    (dict(causal=True), (2, 2)),
    (dict(causal=True, heads=4, kv_heads=2, rope="half"), (3, 2)),
    (dict(window=2, rope="interleaved"), (2, 3)),
    (dict(causal=True, window=3, heads=2, kv_heads=1, alibi=True), (1, 2)),
    (dict(sentence="the cat <pad> sat", causal=False), (2, 1)),
])
def test_walking_every_tile_shows_the_cores_tiles(view, model, options, sizes):
    options = {"sentence": SENTENCE, **options}
    model.set_parameters(**options)
    view.head.setValue(model.parameters.heads)  # the last head: with GQA it shares a key/value head
    view.set_sizes(*sizes)
    computation = compute(Parameters(**options))
    tiled = tiled_attention(computation, model.parameters.heads - 1, *sizes)
    assert view.position() == 0 and len(view.tiled().tiles) == len(tiled.tiles)
    skipped = [(t.row_start, t.column_start, t.row_stop - t.row_start, t.column_stop - t.column_start)
               for t in tiled.tiles if t.skipped]
    for index in range(len(tiled.tiles)):
        assert view.position() == index
        _assert_tile_shown(view, computation, tiled, index)
        assert skipped_rectangles(view.panels["full"]) == skipped
        assert f"Tile {index + 1} of {len(tiled.tiles)}" in view.explanation_text()
        moved = view.next()
        assert moved == (index < len(tiled.tiles) - 1)
    np.testing.assert_array_equal(view.tiled().output, tiled.output)
    check = view.check_text()
    assert f"max |difference| = {difference_from_full_pass(computation, tiled):.2g}" in check
    assert f"= {tiled.tile_bytes} bytes" in check and f"= {tiled.full_bytes} bytes" in check
    assert f"{tiled.computed} of {len(tiled.tiles)} tiles computed, {tiled.skipped} skipped" in check
    if options.get("causal") or options.get("window"):
        assert skipped, "these masks skip some tiles"


def test_the_causal_tiles_above_the_diagonal_are_crossed_out_and_explained(view, model):
    model.set_parameters(sentence=SENTENCE, causal=True)
    view.set_sizes(2, 2)
    assert skipped_rectangles(view.panels["full"]) == [
        (0, 2, 2, 2), (0, 4, 2, 2), (0, 6, 2, 1), (2, 4, 2, 2), (2, 6, 2, 1), (4, 6, 2, 1)]
    view.go_to(1)
    text = view.explanation_text()
    assert "Skipped: every key of it comes after every query of it (above the diagonal" in text
    assert "(skipped)" in view.position_label.text()
    assert "the full 7 × 7 matrix of scores was never held".lower() in view.check_text().lower()
    assert "32 bytes, against 7 × 7 × 8 = 392 bytes" in view.check_text()


def test_each_row_is_explained_with_its_numbers(view, model):
    from attention_stepper.gui.tiles_view import difference, number

    model.set_parameters(sentence=SENTENCE, causal=True)
    view.set_sizes(2, 2)
    tiled = view.tiled()
    view.go_to(9)  # query block 3 against key block 2
    tile = tiled.tiles[9]
    assert not tile.skipped and tile.m[0] > tile.m_old[0] and tile.m[1] == tile.m_old[1]
    text = view.explanation_text()
    assert (f"the new row maximum {number(tile.m[0])} is larger than {number(tile.m_old[0])}, so the sum and the "
            f"output so far are multiplied by e^({difference(tile.m_old[0], tile.m[0])}) = {number(tile.rescale[0])}"
            ) in text
    assert f"ℓ = {number(tile.rescale[0])} × {number(tile.l_old[0])} + {number(tile.p_sum[0])} = {number(tile.l[0])}" in text
    assert f"the row maximum stays {number(tile.m[1])}" in text and "(e^0 = 1)" in text
    view.go_to(0)
    assert "the first keys this query sees" in view.explanation_text()
    view.go_to(3)
    assert "End of query block 1" in view.explanation_text() and "gives rows 1–2 of head_output" in view.explanation_text()


def test_a_row_masked_inside_a_computed_tile_keeps_its_state(view, model):
    model.set_parameters(sentence=SENTENCE, causal=True)
    view.set_sizes(2, 2)
    view.go_to(0)  # "the" sees only itself: its second score is masked, "cat" sees both
    assert "the: the first keys" in view.explanation_text()
    view.set_sizes(3, 1)
    view.go_to(1)  # rows the, cat, sat against key cat: the first row sees nothing there
    assert "the: every key of this tile is masked for this query" in view.explanation_text()


def test_block_sizes_start_again_and_are_bounded_by_the_sentence(view, model):
    view.set_sizes(2, 2)
    view.go_to(2)
    view.block_columns.setValue(1)
    assert view.position() == 0 and len(view.tiled().tiles) == 8
    assert view.block_rows.maximum() == 4 and view.block_columns.maximum() == 4
    model.set_parameter("sentence", "a b")
    assert view.block_rows.maximum() == 2 and view.block_rows.value() == 2
    assert len(view.tiled().tiles) == 2, "B_r cut to 2, B_c = 1"
    model.set_parameter("memory", "x y z")  # cross-attention: the keys are the memory's
    assert view.block_columns.maximum() == 3
    np.testing.assert_allclose(view.tiled().output, model.computation.trace["head_output"][0], rtol=0, atol=1e-12)


def test_the_view_follows_every_parameter_change_and_the_models_head(view, model):
    view.set_sizes(2, 2)
    view.go_to(3)
    model.set_parameter("causal", True)
    assert view.position() == 3, "the place is kept"
    expected = tiled_attention(compute(Parameters(causal=True)), 0, 2, 2)
    _assert_tile_shown(view, model.computation, expected, 3)
    model.set_parameters(heads=4, d_k=3)
    model.set_head(2)
    assert view.head.value() == 3 and view.head.maximum() == 4
    _assert_tile_shown(view, model.computation, tiled_attention(model.computation, 2, 2, 2), 3)
    model.set_parameter("heads", 2)  # the model clamps its head; the view its own
    assert view.head.value() == 2
    view.head.setValue(1)
    _assert_tile_shown(view, model.computation, tiled_attention(model.computation, 0, 2, 2), 3)
    model.set_parameter("sentence", "a b c")
    assert view.position() == 3 and len(view.tiled().tiles) == 4
    _assert_tile_shown(view, model.computation, tiled_attention(model.computation, 0, 2, 2), 3)


def test_the_textbook_panel_shows_scores_or_weights(view, model):
    model.set_parameter("causal", True)
    computation = model.computation
    full = view.panels["full"]
    view.ensure_fresh()
    np.testing.assert_array_equal(full.matrix(), computation.trace["masked"][0])
    view.textbook_choice.setCurrentIndex(1)
    np.testing.assert_array_equal(full.matrix(), computation.trace["weights"][0])
    assert outlined_rectangles(full), "the tile stays outlined"
    np.testing.assert_array_equal(view.panels["head_output"].matrix(), computation.trace["head_output"][0])
    assert highlighted_row(full) is None


def test_play_walks_to_the_last_tile_and_stops(view, model):
    view.set_sizes(2, 2)
    view.walker.play()
    assert view.walker.playing
    for _ in range(10):
        view.walker.timer.timeout.emit()
    assert view.position() == 3 and not view.walker.playing
    view.walker.play()  # from the end: starts over
    assert view.position() == 0 and view.walker.playing
    view.walker.pause()


def test_a_hidden_view_computes_nothing_until_shown(qtbot, model):
    from attention_stepper.gui.tiles_view import TilesView

    view = TilesView(model)
    qtbot.addWidget(view)
    model.set_parameter("causal", True)
    assert not view.is_built() and view.is_stale()
    view.show()
    qtbot.waitExposed(view)
    assert view.is_built() and not view.is_stale()
    model.set_parameter("sentence", "a b c d e")
    assert not view.is_stale(), "shown: it follows at once"


def test_skipped_tiles_are_merged_along_their_block_when_there_are_very_many(view, model):
    from attention_stepper.gui.tiles_view import MAX_SKIPPED_MARKS

    model.set_parameters(sentence=" ".join(f"w{i}" for i in range(30)), causal=True)
    view.set_sizes(1, 1)
    tiled = view.tiled()
    assert tiled.skipped > MAX_SKIPPED_MARKS
    marks = skipped_rectangles(view.panels["full"])
    assert marks == [(row, row + 1, 1, 29 - row) for row in range(29)], "one run per query block"


def test_the_view_speaks_chinese(view, model, qtbot):
    from PySide6.QtWidgets import QApplication

    from attention_stepper.gui.i18n import install_language

    model.set_parameter("causal", True)
    view.go_to(1)
    try:
        assert install_language("zh_CN")
        QApplication.processEvents()  # Qt posts LanguageChange to the widgets
        assert "跳过" in view.explanation_text()
        assert "FlashAttention" in view.intro.text() and "分块" in view.intro.text()
        assert "最大" in view.check_text()
        assert view.head_label.text() == "头"
    finally:
        install_language("en")
        QApplication.processEvents()
    assert "Skipped" in view.explanation_text()


def test_the_window_has_the_tab_and_builds_it_when_shown(window, qtbot):
    tabs = window.tabs
    index = tabs.indexOf(window.tiles_view)
    assert tabs.tabText(index) == "Online softmax (FlashAttention)" and tabs.tabToolTip(index)
    assert not window.tiles_view.is_built()
    tabs.setCurrentIndex(index)
    qtbot.waitUntil(window.tiles_view.is_built)
    window.controls.causal.editor.setChecked(True)
    assert window.model.parameters.causal
    np.testing.assert_array_equal(window.tiles_view.panels["full"].matrix(), window.model.computation.trace["masked"][0])


def test_many_tiles_are_computed_on_the_views_worker_and_only_the_newest_is_shown(view, model, qtbot, monkeypatch):
    """256 tokens at B = 1 are 65,536 tiles (seconds): past MAX_TILES_AT_ONCE the GUI thread never computes them."""
    from attention_stepper.gui import tiles_view

    model.set_parameter("sentence", SENTENCE)  # 7 tokens
    view.set_sizes(2, 2)
    monkeypatch.setattr(tiles_view, "MAX_TILES_AT_ONCE", 4)
    computed_here = []
    monkeypatch.setattr(tiles_view, "tiled_attention",
                        lambda *wanted: computed_here.append(wanted) or tiled_attention(*wanted))
    view.block_columns.setValue(1)  # 4 × 7 tiles: to the worker
    view.block_rows.setValue(1)  # 7 × 7, a newer request: the one shown
    qtbot.waitUntil(lambda: view._is_known(view._wanted()), timeout=10_000)
    assert len(view.tiled().tiles) == 49 and view.position() == 0
    assert all(wanted[2:] in ((2, 1), (1, 1)) for wanted in computed_here)
    expected = tiled_attention(model.computation, 0, 1, 1)
    _assert_tile_shown(view, model.computation, expected, 0)
    view.set_sizes(7, 7)  # one tile: back on the GUI thread, at once
    assert len(view.tiled().tiles) == 1
