"""The labelled heatmap panel: what it holds, what it draws, copy and PNG (the mouse: test_panel_mouse.py).

What a panel draws is read through its scene items and its pixels (panel_checks);
the arithmetic behind it is tested without Qt in test_heatmap_levels.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from attention_stepper.gui.heatmap import MAX_TEXT_CELLS

from panel_checks import (block_outlines, cell_text, colour_bar, graphics_item_count, highlighted_row, label_axis,
                          painted_colour, shown_image, shown_levels, shown_title, value_text_count, view_box)

TOKENS = ["我", "爱", "机器", "学习"]


def dims(count: int) -> list[str]:
    return [f"d{i + 1}" for i in range(count)]


def causal_scores(seed: int = 0) -> np.ndarray:
    scores = np.random.default_rng(seed).normal(size=(4, 4))
    scores[np.triu_indices(4, 1)] = -np.inf
    return scores


def test_shows_the_float32_of_the_matrix_with_its_labels_and_title(panel):
    matrix = np.random.default_rng(1).normal(size=(4, 6))
    panel.set_matrix(matrix, TOKENS, dims(6), "Q₁  (4×6)")
    shown = shown_image(panel)
    assert shown.dtype == np.float32 and shown.shape == (4, 6) and shown.flags.c_contiguous
    np.testing.assert_array_equal(shown, matrix.astype(np.float32))
    assert panel.row_labels() == TOKENS
    assert panel.column_labels() == dims(6)
    assert panel.title() == "Q₁  (4×6)"


def test_the_shown_array_is_a_copy(panel):
    matrix = np.ones((2, 2))
    panel.set_matrix(matrix, ["a", "b"], ["c", "d"], "M")
    matrix[0, 0] = 5.0
    assert shown_image(panel)[0, 0] == 1.0


def test_signed_levels_are_symmetric_around_zero(panel):
    matrix = np.array([[0.5, -3.0], [2.0, 1.0]])
    panel.set_matrix(matrix, ["a", "b"], ["c", "d"], "M", kind="signed")
    assert shown_levels(panel) == (-3.0, 3.0)
    panel.set_matrix(np.array([[0.5, 0.25]]), ["a"], ["c", "d"], "M")
    assert shown_levels(panel) == (-0.5, 0.5)


def test_all_zero_signed_matrix_gets_unit_levels(panel):
    panel.set_matrix(np.zeros((3, 3)), ["a", "b", "c"], ["x", "y", "z"], "zero")
    assert shown_levels(panel) == (-1.0, 1.0)


def test_probability_levels_are_fixed_from_0_to_1(panel):
    weights = np.full((4, 4), 0.25)
    panel.set_matrix(weights, TOKENS, TOKENS, "A₁", kind="probability")
    assert shown_levels(panel) == (0.0, 1.0)
    # Drawn in the probability map: 0.25 in its colour (looked at off the cell's centre, where "0.25" is written).
    from PySide6.QtGui import QColor

    from attention_stepper.gui.heatmap.style import colour_table

    red, green, blue = colour_table("probability").rgb[64]  # entry ⌊0.25 · 256⌋
    assert painted_colour(panel, 0.65, 0.65) == QColor(int(red), int(green), int(blue))


def test_unknown_kind_and_mismatched_labels_are_refused(panel):
    with pytest.raises(ValueError):
        panel.set_matrix(np.zeros((2, 2)), ["a", "b"], ["c", "d"], "M", kind="rainbow")
    with pytest.raises(ValueError):
        panel.set_matrix(np.zeros((2, 2)), ["a"], ["c", "d"], "M")
    with pytest.raises(ValueError):
        panel.set_matrix(np.zeros(4), ["a"], ["c", "d"], "M")


def test_masked_cells_show_as_nan_and_minus_infinity(panel):
    scores = causal_scores()
    panel.set_matrix(scores, TOKENS, TOKENS, "masked₁  (4×4)")
    shown = shown_image(panel)
    assert np.isnan(shown[0, 1]) and np.isnan(shown[2, 3])
    np.testing.assert_array_equal(np.isnan(shown), np.isneginf(scores))
    finite = np.isfinite(scores)
    np.testing.assert_array_equal(shown[finite], scores[finite].astype(np.float32))
    peak = float(np.abs(scores[finite]).astype(np.float32).max())
    assert shown_levels(panel) == (-peak, peak)
    assert cell_text(panel, 0, 1) == "−∞"
    assert cell_text(panel, 0, 0) == f"{scores[0, 0]:.2f}".replace("-", "−")
    panel.grab()  # painting a matrix with masked cells must not fail


def test_a_fully_masked_matrix_still_shows(panel):
    panel.set_matrix(np.full((2, 2), -np.inf), ["a", "b"], ["c", "d"], "M")
    assert np.isnan(shown_image(panel)).all()
    assert shown_levels(panel) == (-1.0, 1.0)
    panel.grab()


def test_values_are_written_in_small_matrices_only(panel):
    small = np.arange(12, dtype=float).reshape(3, 4) / 10 - 0.5
    panel.set_matrix(small, ["a", "b", "c"], dims(4), "small")
    assert value_text_count(panel) == 12
    assert cell_text(panel, 0, 0) == "−0.50"
    assert cell_text(panel, 2, 3) == "0.60"
    assert cell_text(panel, 1, 0) == "−0.10"
    panel.set_matrix(np.zeros((30, 30)), dims(30), dims(30), "big")
    assert value_text_count(panel) == 0
    assert cell_text(panel, 0, 0) is None
    edge = int(np.sqrt(MAX_TEXT_CELLS))
    panel.set_matrix(np.zeros((edge, edge)), dims(edge), dims(edge), "edge")
    assert value_text_count(panel) == MAX_TEXT_CELLS
    panel.set_matrix(small, ["a", "b", "c"], dims(4), "never", show_values=False)
    assert value_text_count(panel) == 0
    panel.set_matrix(np.zeros((30, 30)), dims(30), dims(30), "forced", show_values=True)
    assert value_text_count(panel) == 900


def test_negative_zero_is_written_as_zero(panel):
    panel.set_matrix(np.array([[-0.001, 0.004]]), ["a"], ["b", "c"], "M")
    assert cell_text(panel, 0, 0) == "0.00"


def test_no_graphics_items_are_added_across_many_updates(panel, qtbot):
    rng = np.random.default_rng(2)
    panel.set_matrix(rng.normal(size=(12, 12)), dims(12), dims(12), "warm-up")
    panel.grab()
    before = graphics_item_count(panel)
    for index in range(200):
        rows, cols = int(rng.integers(1, 40)), int(rng.integers(1, 40))
        matrix = rng.normal(size=(rows, cols))
        if index % 3 == 0:
            matrix[0, -1] = -np.inf
        kind = "probability" if index % 2 else "signed"
        panel.set_matrix(matrix, dims(rows), [f"c{i}" for i in range(cols)], f"M{index}", kind=kind)
        panel.highlight_row(0 if index % 4 else None)
        panel.set_block_outlines([(0, 1, "h1")] if index % 5 == 0 else [])
        if index % 50 == 0:
            panel.grab()
        assert value_text_count(panel) <= max(MAX_TEXT_CELLS, 0)
    panel.grab()
    assert graphics_item_count(panel) == before


def test_copy_text_round_trips_every_value(panel):
    from attention_stepper.core.export import table_text

    matrix = np.random.default_rng(5).normal(size=(4, 3)) * 1e-3 + 1 / 3
    matrix[0, 2] = -np.inf
    panel.set_matrix(matrix, TOKENS, dims(3), "M")
    # Copying a panel's matrix (Edit → Copy) is the export's table text of what the panel holds.
    text = table_text(panel.matrix(), panel.row_labels(), panel.column_labels(), "\t")
    assert text == table_text(matrix, TOKENS, dims(3), "\t")
    lines = text.splitlines()
    assert lines[0].split("\t") == ["", *dims(3)]
    for row, line in enumerate(lines[1:]):
        cells = line.split("\t")
        assert cells[0] == TOKENS[row]
        assert [float(cell) for cell in cells[1:]] == matrix[row].tolist()


def test_a_png_of_the_panel_is_a_picture_with_colour(panel, tmp_path):
    from PySide6.QtGui import QImage

    from attention_stepper.gui.exporting import save_png

    panel.set_matrix(causal_scores(), TOKENS, TOKENS, "masked₁  (4×4)")
    path = tmp_path / "panel.png"
    save_png(panel, path)
    assert path.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir()] == ["panel.png"], "no temporary file is left behind"
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 100 and image.height() > 100
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 10


def test_a_png_of_the_panel_into_a_missing_folder_raises_and_leaves_nothing(panel, tmp_path):
    from attention_stepper.gui.exporting import save_png

    panel.set_matrix(np.zeros((2, 2)), ["a", "b"], ["c", "d"], "M")
    with pytest.raises(OSError):
        save_png(panel, tmp_path / "missing" / "panel.png")


def test_highlight_row_and_block_outlines(panel):
    panel.set_matrix(np.zeros((4, 8)), TOKENS, dims(8), "concat  (4×8)")
    panel.highlight_row(2)
    assert highlighted_row(panel) == 2
    panel.set_block_outlines([(0, 4, "head 1"), (4, 4, "head 2")])
    assert block_outlines(panel) == [(0, 4, "head 1"), (4, 4, "head 2")]
    panel.grab()
    panel.set_matrix(np.ones((4, 8)), TOKENS, dims(8), "concat  (4×8)")
    assert block_outlines(panel) == [(0, 4, "head 1"), (4, 4, "head 2")], "same matrix: outlines stay"
    panel.set_matrix(np.ones((3, 3)), TOKENS[:3], dims(3), "other")
    assert block_outlines(panel) == [], "another matrix: outlines go"
    assert highlighted_row(panel) == 2
    panel.set_matrix(np.ones((2, 3)), TOKENS[:2], dims(3), "other")
    assert highlighted_row(panel) is None, "a row that no longer exists is not outlined"
    panel.highlight_row(1)
    panel.highlight_row(None)
    assert highlighted_row(panel) is None
    panel.set_block_outlines([])
    assert block_outlines(panel) == []


def test_many_labels_are_thinned_but_all_kept(panel):
    columns = dims(300)
    panel.set_matrix(np.zeros((4, 300)), TOKENS, columns, "X  (4×300)")
    panel.grab()
    axis = label_axis(panel, "top")
    ((_, values),) = axis.tickValues(-0.5, 299.5, 400)
    assert 1 < len(values) <= 40
    assert panel.column_labels() == columns
    assert "d300" in panel.hover_cell(0, 299)


def test_cjk_font_family_is_found_when_installed(qapp):
    from PySide6.QtGui import QFontDatabase

    from attention_stepper.gui.fonts import apply_app_font, cjk_font_family

    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not families:
        pytest.skip("no font with Simplified Chinese is installed")
    family = cjk_font_family()
    assert family in families
    size = qapp.font().pointSizeF()
    original = qapp.font()
    try:
        assert apply_app_font(qapp) == family
        assert qapp.font().family() == family
        assert qapp.font().pointSizeF() == size
    finally:
        qapp.setFont(original)


def cell_colour(panel, row: int, col: int):
    """The colour drawn at the centre of a cell, from a grab of the panel."""
    return painted_colour(panel, col, row)


def test_row_0_is_drawn_at_the_top_in_the_right_colours(panel):
    from PySide6.QtCore import QPointF

    # Row 0 holds the largest value (red end of the map), the last row the most negative (blue end).
    matrix = np.array([[3.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, -3.0]])
    matrix[0, 2] = -np.inf
    panel.set_matrix(matrix, ["a", "b", "c"], ["x", "y", "z"], "M", show_values=False)
    top_left, bottom_right, masked = cell_colour(panel, 0, 0), cell_colour(panel, 2, 2), cell_colour(panel, 0, 2)
    assert top_left.red() > 150 and top_left.blue() < 100, top_left.name()
    assert bottom_right.blue() > 150 and bottom_right.red() < 100, bottom_right.name()
    assert abs(masked.red() - masked.green()) < 16 and abs(masked.green() - masked.blue()) < 16, "masked cells are grey"
    assert view_box(panel).mapViewToScene(QPointF(0, 0)).y() < view_box(panel).mapViewToScene(QPointF(0, 2)).y()


def test_the_colour_bar_follows_the_levels(panel):
    panel.set_matrix(np.array([[2.3, -1.0]]), ["a"], ["b", "c"], "M")
    levels, ticks = colour_bar(panel)
    peak = float(np.float32(2.3))
    assert levels == shown_levels(panel) == (-peak, peak)
    assert [text for _, text in ticks] == ["−2", "−1", "0", "1", "2"]
    panel.set_matrix(np.full((2, 2), 0.25), ["a", "b"], ["c", "d"], "A", kind="probability")
    levels, ticks = colour_bar(panel)
    assert levels == (0.0, 1.0)
    assert [value for value, _ in ticks] == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_a_new_shape_shows_the_whole_matrix(panel):
    panel.set_matrix(np.zeros((4, 4)), TOKENS, TOKENS, "M")
    view_box(panel).setRange(xRange=(0.5, 1.5), yRange=(0.5, 1.5), padding=0)
    panel.set_matrix(np.zeros((3, 7)), TOKENS[:3], dims(7), "N")
    (x0, x1), (y0, y1) = view_box(panel).viewRange()
    assert (x0, x1) == pytest.approx((-0.5, 6.5)) and (y0, y1) == pytest.approx((-0.5, 2.5))


def test_switching_kind_changes_the_tooltip_and_levels(panel):
    panel.set_matrix(np.array([[0.5, -0.5]]), ["a"], ["b", "c"], "M")
    assert "negative" in panel.toolTip()
    panel.set_matrix(np.array([[0.5, 0.5]]), ["a"], ["b", "c"], "A", kind="probability")
    assert shown_levels(panel) == (0.0, 1.0) and "0" in panel.toolTip()
    panel.set_matrix(np.array([[0.5, -0.25]]), ["a"], ["b", "c"], "M")
    assert shown_levels(panel) == (-0.5, 0.5)


def test_large_matrices_show_without_values(panel):
    matrix = np.random.default_rng(6).normal(size=(64, 1024))
    panel.set_matrix(matrix, dims(64), dims(1024), "W_Q  (64×1024)")
    np.testing.assert_array_equal(shown_image(panel), matrix.astype(np.float32))
    assert value_text_count(panel) == 0
    panel.grab()


def test_the_same_numbers_again_redraw_nothing_but_any_change_is_shown(panel):
    """A heads change hands the other panels equal matrices: they keep their drawing, yet hold the new array."""
    first = np.random.default_rng(4).normal(size=(4, 4))
    panel.set_matrix(first, TOKENS, TOKENS, "scores₁  (4×4)")
    drawn = shown_image(panel)
    again = first.copy()
    panel.set_matrix(again, TOKENS, TOKENS, "scores₁  (4×4)")
    assert shown_image(panel) is drawn and panel.matrix() is again
    changed = again.copy()
    changed[3, 2] += 1e-9  # the smallest change still counts
    panel.set_matrix(changed, TOKENS, TOKENS, "scores₁  (4×4)")
    assert shown_image(panel) is not drawn and panel.matrix() is changed
    changed[0, 0] = 7.0  # the very array it holds, changed in place and given again
    panel.set_matrix(changed, TOKENS, TOKENS, "scores₁  (4×4)")
    assert shown_image(panel)[0, 0] == 7.0
    baseline = {"row_labels": TOKENS, "column_labels": TOKENS, "title": "scores₁  (4×4)"}
    for kwargs in ({"title": "scores₂  (4×4)"}, {"row_labels": ["猫", "吃", "小", "鱼"]},
                   {"kind": "probability"}, {"show_values": False}):
        panel.set_matrix(changed, **baseline)
        shown = shown_image(panel)
        arguments = {**baseline, **kwargs}
        panel.set_matrix(changed, **arguments)
        assert shown_image(panel) is not shown, kwargs
        assert panel.title() == arguments["title"] and panel.row_labels() == arguments["row_labels"]
        assert value_text_count(panel) == (0 if kwargs.get("show_values") is False else 16)


def test_a_title_too_long_for_the_panel_is_shortened_not_cut(panel, qtbot):
    title = "scores₁ = Q₁K₁ᵀ  (4×4)  " + "机器学习 " * 12
    panel.set_matrix(np.eye(4), TOKENS, TOKENS, title)
    panel.grab()  # paints
    assert panel.title() == title
    shown = shown_title(panel)
    assert shown.endswith("…") and title.startswith(shown[:-1]) and len(shown) < len(title)
    assert view_box(panel).sceneBoundingRect().right() < panel.width()  # the heatmap is not pushed out of the panel
    panel.resize(2400, 320)
    qtbot.waitUntil(lambda: panel.width() == 2400)
    panel.grab()
    assert shown_title(panel) == title
    panel.set_matrix(np.eye(4), TOKENS, TOKENS, "")
    panel.grab()
    assert shown_title(panel) == ""


def test_the_package_uses_no_private_attribute_of_pyqtgraph():
    """pyqtgraph's private names may change in any release: the heatmap package reads none and writes none.

    Read: no ``x._name`` on anything but ``self``. Written: a subclass of a pyqtgraph class gives
    its own attributes names that no pyqtgraph class above it uses (else it would overwrite one).
    """
    import inspect
    import re

    import pyqtgraph as pg

    from attention_stepper.gui.heatmap import axis, cells, colour_bar, panel, style, title, view

    for module in (axis, cells, colour_bar, panel, style, title, view):
        source = inspect.getsource(module)
        assert re.findall(r"(?<!\bself)\._[a-z]\w*", source) == [], module.__name__
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            ours = set(re.findall(r"self\.(_\w+)", inspect.getsource(cls)))
            for base in cls.__mro__[1:]:
                if base.__module__.startswith("pyqtgraph"):
                    theirs = set(re.findall(r"self\.(_\w+)", inspect.getsource(base)))
                    assert not ours & theirs, f"{cls.__name__} and pyqtgraph's {base.__name__}: {ours & theirs}"
    assert pg.AxisItem in axis.TokenAxis.__mro__, "the check above looked at pyqtgraph's classes"
