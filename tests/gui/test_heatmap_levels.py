"""The heatmap's arithmetic and marks, without Qt: levels, colours, number texts, ticks, label thinning."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from attention_stepper.gui.heatmap.levels import (LOG_FLOOR, MAX_LABEL_CHARS, MAX_TICK_LABELS, argb_words,
                                                  colour_bar_ticks, colour_pixels, dark_cells, elide, format_cell,
                                                  format_hover_value, label_room, label_ticks, luminances,
                                                  nice_stride, scale_ticks, shown_values, value_font_pixels)
from attention_stepper.gui.heatmap.marks import CellMarks, moved, rectangles, runs

GREY = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)  # a lookup table from black to white


def test_the_arithmetic_and_the_marks_load_without_qt():
    code = ("import sys; import attention_stepper.gui.heatmap.levels, attention_stepper.gui.heatmap.marks; "
            "from attention_stepper.gui.heatmap import format_cell, MAX_TEXT_CELLS; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pyqtgraph'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_signed_levels_are_symmetric_around_zero_and_the_values_a_float32_copy():
    matrix = np.array([[0.5, -3.0], [2.0, 1.0]])
    shown = shown_values(matrix, "signed")
    assert shown.levels == (-3.0, 3.0)
    assert shown.values.dtype == np.float32 and shown.values.flags.c_contiguous
    np.testing.assert_array_equal(shown.values, matrix.astype(np.float32))
    matrix[0, 0] = 5.0
    assert shown.values[0, 0] == 0.5, "a copy"
    assert shown.masked is None and not shown.has_gaps
    assert shown_values(np.zeros((3, 3)), "signed").levels == (-1.0, 1.0), "all zero: unit levels"
    assert shown_values(np.zeros((0, 3)), "signed").levels == (-1.0, 1.0)


def test_probability_levels_are_0_to_1_whatever_the_values():
    assert shown_values(np.full((4, 4), 0.25), "probability").levels == (0.0, 1.0)
    assert shown_values(np.full((2, 2), 7.0), "probability").levels == (0.0, 1.0)


def test_masked_cells_become_nan_and_are_left_out_of_the_levels():
    scores = np.array([[1.5, -np.inf], [-2.5, 0.5]])
    shown = shown_values(scores, "signed")
    assert shown.has_gaps and shown.levels == (-2.5, 2.5)
    np.testing.assert_array_equal(shown.masked, np.isneginf(scores))
    np.testing.assert_array_equal(np.isnan(shown.values), np.isneginf(scores))
    everything = shown_values(np.full((2, 2), -np.inf), "signed")
    assert np.isnan(everything.values).all() and everything.levels == (-1.0, 1.0)
    weights = shown_values(np.array([[1.0, -np.inf]]), "probability")
    assert weights.levels == (0.0, 1.0) and weights.masked.tolist() == [[False, True]]
    nan_only = shown_values(np.array([[np.nan, 1.0]]), "signed")
    assert nan_only.has_gaps and nan_only.masked is None and nan_only.levels == (-1.0, 1.0)


def test_colours_are_looked_up_as_pyqtgraph_does_and_masked_cells_are_transparent():
    words = argb_words(GREY)
    assert words.dtype == np.uint32 and words[0] == 0xFF000000 and words[255] == 0xFFFFFFFF
    assert words[128] == 0xFF808080
    values = np.array([[-1.0, -0.5, 0.0], [0.5, 1.0, np.nan]], dtype=np.float32)
    pixels = colour_pixels(values, (-1.0, 1.0), words)
    # Entry ⌊(value − low) · 256 / (high − low)⌋, clipped to the table.
    assert [int(word) & 0xFF for word in pixels[0]] == [0, 64, 128]
    assert int(pixels[1, 0]) & 0xFF == 192 and int(pixels[1, 1]) & 0xFF == 255
    assert pixels[1, 2] == 0, "NaN (masked) is transparent"
    assert colour_pixels(np.array([[5.0, -5.0]], dtype=np.float32), (0.0, 1.0), words, has_gaps=False).tolist() \
        == [[0xFFFFFFFF, 0xFF000000]]
    assert colour_pixels(np.zeros((1, 1), dtype=np.float32), (0.0, 0.0), words).shape == (1, 1), "flat levels"


def test_text_is_white_on_dark_cells_and_black_on_light_ones():
    luminance = luminances(GREY)
    assert luminance[0] == 0.0 and luminance[255] == pytest.approx(1.0)
    assert dark_cells([-1.0, 1.0, -math.inf, math.nan, 0.0], (-1.0, 1.0), luminance) == [True, False, True, True, False]


def test_cell_and_hover_texts():
    assert format_cell(-0.5) == "−0.50" and format_cell(0.6) == "0.60" and format_cell(-0.1) == "−0.10"
    assert format_cell(-0.001) == "0.00", "negative zero is written as zero"
    assert format_cell(-math.inf) == "−∞" and format_cell(math.inf) == "∞" and format_cell(math.nan) == "NaN"
    assert format_hover_value(0.41873) == "0.4187"
    assert format_hover_value(-math.inf) == "−∞ (masked)"
    assert format_hover_value(-math.inf, "(已掩码)") == "−∞ (已掩码)"
    assert format_hover_value(math.inf) == "∞" and format_hover_value(math.nan) == "NaN"


def test_cell_numbers_follow_the_cell_size_and_vanish_when_unreadable():
    assert value_font_pixels(80, 60, 25.0) == 13.0, "at most the largest size"
    assert value_font_pixels(40, 16, 25.0) == 8.0, "half the cell's height"
    assert value_font_pixels(28, 60, 25.0) == 10.0, "the widest number fits with 3 px to spare"
    assert value_font_pixels(12, 60, 25.0) is None and value_font_pixels(80, 10, 25.0) is None


def test_colour_bar_ticks_are_round_numbers():
    assert [t for _, t in colour_bar_ticks(-1.0, 1.0)] == ["−1", "−0.5", "0", "0.5", "1"]
    assert [t for _, t in colour_bar_ticks(-3.7, 3.7)] == ["−2", "0", "2"]
    assert [t for _, t in colour_bar_ticks(-45678.0, 45678.0)] == ["−4e4", "−2e4", "0", "2e4", "4e4"]
    assert all(len(text) <= 6 for _, text in colour_bar_ticks(-2e-9, 2e-9))
    assert colour_bar_ticks(1.0, 1.0) == []
    peak = float(np.float32(2.3))
    assert [text for _, text in colour_bar_ticks(-peak, peak)] == ["−2", "−1", "0", "1", "2"]
    assert [value for value, _ in colour_bar_ticks(0.0, 1.0)] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert colour_bar_ticks(-math.inf, 1.0) == [] and colour_bar_ticks(0.0, math.nan) == []


def test_crowded_labels_are_thinned_to_round_strides():
    assert [nice_stride(n) for n in (0.3, 1, 1.5, 3, 7, 11, 40, 101)] == [1, 1, 2, 5, 10, 20, 50, 200]
    # 300 columns on 400 px: thinned, never more than MAX_TICK_LABELS, all in view.
    stride, shown = label_ticks(300, -0.5, 299.5, 400, 12.0, 6.0)
    assert 1 < len(shown) <= MAX_TICK_LABELS and stride == shown[1] - shown[0] and shown[0] == 0
    assert label_ticks(4, -0.5, 3.5, 400, 12.0, 6.0) == (1, [0, 1, 2, 3]), "room for all"
    assert label_ticks(4, 3.5, -0.5, 400, 12.0, 6.0) == (1, [0, 1, 2, 3]), "an inverted axis"
    assert label_ticks(100, 10.5, 19.5, 400, 12.0, 6.0) == (1, list(range(11, 20))), "zoomed in: what is in view"
    assert label_ticks(0, -0.5, 3.5, 400, 12.0, 6.0) is None and label_ticks(4, -0.5, 3.5, 0, 12.0, 6.0) is None
    assert label_ticks(4, 5.5, 9.5, 400, 12.0, 6.0) is None, "nothing in view"


def test_axes_grow_in_steps_and_long_labels_are_elided():
    assert label_room(10, 30) == 30 and label_room(31, 30) == 36 and label_room(36, 30) == 36
    assert label_room(37, 30) == 48
    assert elide("机器") == "机器"
    long = "supercalifragilistic"
    assert len(elide(long)) == MAX_LABEL_CHARS and elide(long) == long[: MAX_LABEL_CHARS - 1] + "…"


def test_marks_are_fitted_to_the_matrix():
    marks = CellMarks().with_row(2, rows=4)
    assert marks.row == 2 and not marks.is_empty()
    assert marks.with_row(4, rows=4).row is None and marks.with_row(-1, rows=4).row is None
    blocks = marks.with_blocks([(0, 4, "head 1"), (4, 8, "head 2"), (9, 1, "out"), (1, 0, "empty")], columns=8)
    assert blocks.blocks == ((0, 4, "head 1"), (4, 4, "head 2")), "cut to fit, those outside left out"
    edited = blocks.with_edited([(1, 3), (5, 0), (0, -1)], rows=4, columns=8)
    assert edited.edited == ((1, 3),) and edited.row == 2 and edited.blocks == blocks.blocks
    assert CellMarks().is_empty() and CellMarks() == CellMarks().with_row(None, 4)


def test_new_numbers_keep_the_blocks_and_another_matrix_drops_them():
    marks = CellMarks().with_row(2, 4).with_blocks([(0, 4, "head 1")], 8).with_edited([(1, 1)], 4, 8)
    assert marks.for_new_matrix(4, same_matrix=True) == marks
    other = marks.for_new_matrix(3, same_matrix=False)
    assert other.blocks == () and other.row == 2 and other.edited == ((1, 1),)
    assert marks.for_new_matrix(2, same_matrix=True).row is None, "a row that no longer exists is not outlined"


def test_probabilities_can_be_coloured_per_row_or_logarithmically():
    weights = np.array([[0.5, 0.25, 0.25], [0.02, 0.01, 0.97], [0.0, 0.0, 0.0]])
    plain = shown_values(weights, "probability")
    assert plain.levels == (0.0, 1.0)
    by_row = shown_values(weights, "probability", "row")
    assert by_row.levels == (0.0, 1.0)
    np.testing.assert_allclose(by_row.values, [[1.0, 0.5, 0.5], [0.02 / 0.97, 0.01 / 0.97, 1.0], [0.0, 0.0, 0.0]],
                               rtol=1e-6)
    assert by_row.values.dtype == np.float32, "still the float32 picture"
    logarithmic = shown_values(weights, "probability", "log")
    assert logarithmic.levels == (math.log10(LOG_FLOOR), 0.0) == (-4.0, 0.0)
    np.testing.assert_allclose(logarithmic.values[0], np.log10([0.5, 0.25, 0.25]), rtol=1e-6)
    assert (logarithmic.values[2] == -4.0).all(), "zero weights take the first colour"
    np.testing.assert_array_equal(plain.values, weights.astype(np.float32))  # the plain scale is as before


def test_the_scales_leave_masked_cells_masked_and_signed_matrices_centred():
    weights = np.array([[0.25, -np.inf], [0.5, 0.5]])
    for scale in ("row", "log"):
        shown = shown_values(weights, "probability", scale)
        assert np.isnan(shown.values[0, 1]) and shown.has_gaps
        np.testing.assert_array_equal(shown.masked, np.isneginf(weights))
    assert shown_values(weights, "probability", "row").values[0, 0] == 1.0, "the masked cell is left out of the max"
    scores = np.array([[2.0, -1.0], [0.5, 0.25]])
    for scale in ("row", "log"):
        assert shown_values(scores, "signed", scale).levels == (-2.0, 2.0)
        np.testing.assert_array_equal(shown_values(scores, "signed", scale).values, scores.astype(np.float32))
    with pytest.raises(ValueError, match="scale"):
        shown_values(weights, "probability", "sqrt")


def test_the_colour_bar_ticks_say_the_scale():
    assert scale_ticks("log", (-4.0, 0.0)) == [(-4.0, "10⁻⁴"), (-3.0, "10⁻³"), (-2.0, "10⁻²"), (-1.0, "10⁻¹"),
                                               (0.0, "1")]
    assert scale_ticks("row", (0.0, 1.0)) == colour_bar_ticks(0.0, 1.0) == scale_ticks("linear", (0.0, 1.0))


def test_lit_cells_become_few_rectangles_fitted_to_the_matrix():
    assert runs([5, 0, 1, 2, 2, 9, -1], 6) == [(0, 3), (5, 1)]
    assert rectangles([([1], range(4))], 4, 4) == ((1, 0, 1, 4),), "a row"
    assert rectangles([(range(4), [2])], 4, 4) == ((0, 2, 4, 1),), "a column"
    assert rectangles([([1], [0, 2])], 4, 4) == ((1, 0, 1, 1), (1, 2, 1, 1)), "a RoPE pair: two cells"
    assert rectangles([([1], [0]), ([1], [0]), ([7], [0])], 4, 4) == ((1, 0, 1, 1),), "once each, inside only"
    marks = CellMarks().with_lit([([1], range(4)), (range(4), [2])], 4, 4)
    assert marks.lit_cells() == {(1, c) for c in range(4)} | {(r, 2) for r in range(4)}
    assert not marks.is_empty() and marks.with_lit([], 4, 4).lit == ()


def test_the_selected_cell_moves_with_the_arrows_and_stays_inside():
    assert moved(None, 3, 4) == (0, 0), "nothing selected: the first cell"
    assert moved((0, 0), 3, 4, down=1) == (1, 0) and moved((0, 0), 3, 4, right=-1) == (0, 0)
    assert moved((2, 3), 3, 4, down=1, right=1) == (2, 3) and moved((1, 1), 0, 4) is None
    marks = CellMarks().with_selected((2, 3), 3, 4)
    assert marks.selected == (2, 3) and not marks.is_empty()
    assert marks.with_selected((3, 0), 3, 4).selected is None and marks.with_selected(None, 3, 4).selected is None


def test_lit_cells_stay_with_new_numbers_and_go_with_another_matrix():
    marks = CellMarks().with_lit([([0], [1])], 4, 4).with_selected((3, 3), 4, 4)
    assert marks.for_new_matrix(4, True, 4) == marks
    other = marks.for_new_matrix(4, False, 4)
    assert other.lit == () and other.selected == (3, 3), "the cell pointed at is still there"
    assert marks.for_new_matrix(4, False, 3).selected is None, "a cell that no longer exists is not selected"


def test_cells_write_numbers_as_the_core_s_worked_examples_do():
    """One way of writing numbers: the last number of a cell's written-out arithmetic is the cell's text."""
    from attention_stepper.core.numbers import format_number

    for value in (2.1349, -0.455, -0.001, 0.0, 7e5, -math.inf, math.inf, math.nan):
        assert format_cell(value) == format_number(value, 2)
    assert format_number(-0.0004, 3) == "0.000" and format_number(-0.4567, 3) == "−0.457"
