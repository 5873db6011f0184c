"""Every step with the variants shows the core's matrices, laid out to be read; the journey, the head
statistics and the scaling lab work with every option; float16's ±∞ and NaN are drawn for what they are."""

import numpy as np
import pytest

from attention_stepper.core import Parameters, compute
from attention_stepper.core.edits import Edits
from attention_stepper.core.experiments import head_statistics, scaling_curves
from attention_stepper.core.token_trace import token_journey

from panel_checks import assert_panels_show_core, shown_image, shown_levels, shown_title

COMBINATIONS = [
    Parameters(heads=4, kv_heads=2),
    Parameters(heads=4, kv_heads=1, rope="half", causal=True, bias=True),
    Parameters(rope="interleaved", d_k=6, rope_base=500.0),
    Parameters(heads=4, alibi=True, causal=True, window=2),
    Parameters(sentence="the cat sat <pad> <pad>", window=2, bias=True),
    Parameters(memory="the cat eats fish", heads=4, kv_heads=2, bias=True),
    Parameters(scale=0.3, alibi=True, precision="float32"),
    Parameters(skip_scaling=True, precision="float16", causal=True),
]


@pytest.fixture
def make_window(qtbot):
    from attention_stepper.gui.main_window import MainWindow
    from attention_stepper.gui.model import AttentionModel

    def make(parameters: Parameters, edits: Edits | None = None):
        model = AttentionModel(parameters)
        for (key, head, row, column), value in (edits or Edits()).cells.items():
            assert model.set_cell(key, head, row, column, value)
        window = MainWindow(model)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.mark.parametrize("parameters", COMBINATIONS, ids=lambda p: ",".join(
    f"{name}={value}" for name, value in p.__dict__.items() if value != getattr(Parameters(), name)))
def test_every_step_shows_the_cores_matrices_and_fits_the_window(make_window, parameters):
    window = make_window(parameters)
    model = window.model
    assert [step.key for step in model.steps] == window.step_bar.stages.visible_keys()
    assert window.size().width() == 1280 and window.size().height() == 800
    for step in model.steps:
        model.go_to(step.key)
        for head in (None, parameters.heads - 1):
            model.set_head(head)
            assert_panels_show_core(window, parameters)
            window.panels_scroll.widget().layout().activate()
            assert window.panels_scroll.horizontalScrollBar().maximum() == 0, (step.key, head, "cut off sideways")
            assert window.width() == 1280, "nothing widened the window"


def test_the_angle_table_is_the_cores_and_sits_beside_q_and_k(make_window):
    window = make_window(Parameters(rope="half", heads=2))
    window.model.go_to("rope")
    keys = [key for key, _, _ in window.step_view.panels()]
    assert keys.index("rope_angles") > keys.index("k") and keys.index("rope_angles") < keys.index("q_rotated")
    panel = window.step_view.panel("rope_angles")
    np.testing.assert_array_equal(panel.matrix(), compute(Parameters(rope="half")).matrix("rope_angles"))
    assert panel.column_labels() == ["j0", "j1"] and panel.row_labels() == ["我", "爱", "机器", "学习"]
    assert shown_title(panel) == "θ[t, j]  (4×2)"
    assert shown_title(window.step_view.panel("q_rotated", 1)) == "Q′₂  (4×4)"


def test_titles_say_which_query_heads_share_each_key_value_head(make_window):
    window = make_window(Parameters(heads=6, kv_heads=2))
    window.model.go_to("repeat_kv")
    view = window.step_view
    assert shown_title(view.panel("k", 0)).startswith("K_kv₁ (heads 1–3)")
    assert shown_title(view.panel("v", 1)).startswith("V_kv₂ (heads 4–6)")
    for head in range(6):
        assert shown_title(view.panel("k_repeated", head)).startswith(f"K{'₁₂₃₄₅₆'[head]} = K_kv{'₁₂'[head // 3]}")
    grid = view.grid
    row, _, span, _ = grid.getItemPosition(grid.indexOf(view.panel("k", 1)))
    assert (row, span) == (3, 3), "key/value head 2's panel spans the rows of query heads 4 to 6"
    window.model.go_to("project")
    window.model.set_head(4)
    assert shown_title(view.panel("w_k", 1)).startswith("W_K₂ (heads 4–6)")


def test_each_mask_is_drawn_its_own_way_and_the_legend_says_which(make_window):
    window = make_window(Parameters(sentence="a b c d <pad>", causal=True, window=2))
    window.model.go_to("mask")
    panel = window.step_view.panel("masked", 0)
    assert panel.hover_cell(0, 1).split(" = ")[1].startswith("−∞ (masked)  "), "the causal mask, as in 2017"
    assert "(masked: outside the window)" in panel.hover_cell(3, 0)
    assert "(masked: padding)" in panel.hover_cell(0, 4)
    assert "(masked: padding)" in panel.hover_cell(4, 4), "padding wins where masks overlap"
    from attention_stepper.gui.heatmap.style import GAP_LOOKS
    from panel_checks import painted_colour

    def looks_like(row, column, name):
        """Whether the cell is painted mostly in the fill and hatch of that kind of cell (sampled across it)."""
        fill, hatch = GAP_LOOKS[name][0].name(), GAP_LOOKS[name][1].name()
        seen = [painted_colour(panel, column + dx, row + dy).name() for dx in (-0.3, -0.1, 0.1, 0.3)
                for dy in (-0.35, -0.25, 0.25, 0.35)]  # off the "−∞" written in the middle
        return fill in seen and sum(colour in (fill, hatch) for colour in seen) >= 0.75 * len(seen)

    panel.resize(500, 420)
    assert looks_like(3, 0, "window") and looks_like(0, 1, "causal") and looks_like(0, 4, "padding")
    assert not looks_like(3, 0, "causal") and not looks_like(0, 4, "window")
    assert window.step_view.legend.entries() == [
        "padding token: no query attends to it", "causal mask: a later token (s > t)",
        "outside the window: 2 or more tokens back (t − s ≥ 2)"]
    window.model.go_to("scores")
    assert window.step_view.legend.isHidden(), "no legend where nothing is masked"


def test_float16_overflow_and_nan_are_shown_as_such(make_window):
    edits = Edits({("embed", None, 1, 0): 1000.0, ("w_q", 0, 0, 0): 300.0, ("w_k", 0, 0, 0): 300.0})
    parameters = Parameters(precision="float16", skip_scaling=True, causal=True)
    window = make_window(parameters, edits)
    expected = compute(parameters, edits=edits)
    window.model.go_to("softmax")
    view = window.step_view
    masked = view.panel("masked", 0)
    scores = expected.trace["masked"][0]
    assert np.isposinf(scores).any() and np.isneginf(scores[np.tril_indices(4)]).any()
    image = shown_image(masked)
    assert np.isnan(image[np.isinf(scores)]).all(), "±∞ drawn on a backdrop, not in the colour scale"
    finite = masked.matrix()[np.isfinite(masked.matrix())]
    assert shown_levels(masked)[1] == pytest.approx(np.abs(finite).max(), rel=1e-3), "levels from finite values"
    row, column = np.argwhere(np.isneginf(scores) & (np.tril(np.ones((4, 4))) > 0))[0]
    assert masked.hover_cell(row, column).split(" = ")[1].startswith("−∞ (overflow)")
    weights = view.panel("weights", 0)
    assert np.isnan(expected.trace["weights"][0]).any()
    assert weights.hover_cell(1, 0).split(" = ")[1].startswith("NaN")
    assert view.legend.entries() == ["causal mask: a later token (s > t)", "overflow: too large for float16, so ±∞",
                                     "NaN: not a number (∞ − ∞ in softmax)"]
    for key, head, panel in view.panels():  # the core's numbers, the edits included
        shown = np.asarray(expected.matrix(key, head), dtype=np.float32)
        np.testing.assert_array_equal(shown_image(panel), np.where(np.isinf(shown), np.nan, shown))


def test_cross_attention_panels_label_rows_with_the_sentence_and_columns_with_the_memory(make_window):
    window = make_window(Parameters(memory="the cat eats fish fast", heads=2))
    for step in ("scores", "scale", "softmax"):
        window.model.go_to(step)
        for key, head, panel in window.step_view.panels():
            if key in ("scores", "scaled", "weights"):
                assert panel.row_labels() == ["我", "爱", "机器", "学习"]
                assert panel.column_labels() == ["the", "cat", "eats", "fish", "fast"]
    window.model.go_to("project")
    assert shown_title(window.step_view.panel("packed_k")).startswith("M·[W_K₁|W_K₂|…]")


# --- the journey, the statistics and the lab with options ------------------------------------
@pytest.mark.parametrize("parameters", COMBINATIONS[:6], ids=lambda p: str(COMBINATIONS.index(p)))
def test_the_journey_follows_what_the_head_uses(make_window, parameters):
    window = make_window(parameters)
    window.tabs.setCurrentWidget(window.journey)
    window.model.set_head(parameters.heads - 1)
    journey = token_journey(compute(parameters), parameters.heads - 1, 1)
    view = window.journey
    np.testing.assert_array_equal(view.bar_heights("dot"), journey.dot)
    np.testing.assert_array_equal(view.bar_heights("scaled"), np.where(journey.visible, journey.logits, np.nan))
    np.testing.assert_array_equal(view.bar_heights("weights"), journey.weights)
    ticks = view.charts["dot"].getPlotItem().getAxis("bottom")._tickLevels[0]
    assert [label for _, label in ticks] == journey.key_labels
    np.testing.assert_array_equal(view.query_panel.matrix(), journey.query[None, :])
    text = view.head_label.text()
    if parameters.kv_head_count < parameters.heads:
        assert f"key/value head {journey.kv_head + 1}'s" in text
    if parameters.rope:
        assert "turned by RoPE" in text and view.titles["dot"].text() == "q′·k′ for every key"
    if parameters.alibi:
        assert view.titles["scaled"].text() == "÷√d_k, + ALiBi (grey: masked)"


def test_head_statistics_with_shared_heads_and_a_memory(make_window):
    parameters = Parameters(memory="the cat eats fish", heads=4, kv_heads=2)
    window = make_window(parameters)
    window.tabs.setCurrentWidget(window.head_statistics)
    view = window.head_statistics
    expected = head_statistics(compute(parameters))
    assert [view.table_text(head, 0) for head in range(4)] == ["1 (K/V 1)", "2 (K/V 1)", "3 (K/V 2)", "4 (K/V 2)"]
    assert [view.table_text(head, 2) for head in range(4)] == ["—"] * 4
    assert view.table_text(0, 1) == f"{expected.mean_entropy[0]:.3f}"
    assert view.table_text(0, 3).startswith(f"我→{['the', 'cat', 'eats', 'fish'][int(expected.argmax[0, 0])]}")
    assert view.overview_panels()[0].column_labels() == ["the", "cat", "eats", "fish"]
    assert "Cross-attention" in view.note.text() and view.note.isVisible()


def test_head_statistics_say_nan_where_float16_overflowed(make_window):
    edits = Edits({("embed", None, 1, 0): 1000.0, ("w_q", 0, 0, 0): 300.0, ("w_k", 0, 0, 0): 300.0})
    window = make_window(Parameters(precision="float16", skip_scaling=True), edits)
    window.tabs.setCurrentWidget(window.head_statistics)
    view = window.head_statistics
    assert view.table_text(0, 1) == "NaN" and "→NaN" in view.table_text(0, 3)
    assert "NaN" in view.note.text()


@pytest.mark.parametrize("parameters", [Parameters(rope="half"), Parameters(heads=4, kv_heads=1, bias=True),
                                        Parameters(memory="the cat eats fish"),
                                        Parameters(scale=0.3, alibi=True, causal=True, precision="float16")])
def test_the_scaling_lab_works_with_every_option_and_says_what_it_shows(make_window, qtbot, parameters):
    window = make_window(parameters)
    window.tabs.setCurrentWidget(window.scaling_lab)
    lab = window.scaling_lab
    qtbot.waitUntil(lambda: lab.curves() is not None, timeout=5000)
    expected = scaling_curves(parameters)
    for name in ("entropy_scaled", "entropy_unscaled", "max_weight_scaled", "max_weight_unscaled"):
        d_k, values = lab.plotted(name)
        np.testing.assert_array_equal(d_k, expected.d_k.astype(float))
        np.testing.assert_array_equal(values, getattr(expected, name))
    note = lab.note.text()
    if parameters.rope:
        assert 1 not in lab.plotted("entropy_scaled")[0] and "odd d_k (1) are left out" in note
    if parameters.scale is not None:
        d_k, values = lab.plotted("entropy_custom")
        np.testing.assert_array_equal(values, expected.entropy_custom)
        assert lab.lines["entropy_custom"].isVisible() and "your scale S = 0.3" in note
        assert "computes in float64" in note and "ALiBi" in note
    else:
        assert not lab.lines["entropy_custom"].isVisible()
    if parameters.memory is not None:
        assert "memory sentence's tokens" in note


def test_following_a_token_outlines_sentence_rows_only_not_the_memorys(make_window):
    from panel_checks import highlighted_row

    window = make_window(Parameters(memory="the cat eats fish", heads=2))
    window.model.go_to("project")
    window.journey.set_token(2)
    view = window.step_view
    assert highlighted_row(view.panel("embed")) == 2 and highlighted_row(view.panel("q", 0)) == 2
    for key, head in (("memory", None), ("k", 0), ("v", 1), ("packed_k", None)):
        assert highlighted_row(view.panel(key, head)) is None, key
    view.panel("k", 0).cellClicked.emit(3, 0)  # a click on the memory's "fish" row
    assert window.journey.token() == 2, "a memory row is not a sentence token"
    view.panel("q", 0).cellClicked.emit(1, 0)
    assert window.journey.token() == 1
    window.model.go_to("scores")
    view.panel("scores", 0).labelClicked.emit("column", 3)  # the memory's "fish" on the top axis
    assert window.journey.token() == 1
    view.panel("scores", 0).labelClicked.emit("row", 3)
    assert window.journey.token() == 3
