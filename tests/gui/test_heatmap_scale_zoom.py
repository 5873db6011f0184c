"""A panel's colour scale (0–1, per row, logarithmic), its zoom, and its axis labels at 200 tokens."""

from __future__ import annotations

import numpy as np
import pytest

from attention_stepper.gui.heatmap.style import PanelFonts, colour_table

from panel_checks import colour_bar, graphics_view, label_axis, painted_colour, part, shown_image
from panel_paints import paints

TOKENS = ["我", "爱", "机器", "学习"]
WEIGHTS = np.array([[0.7, 0.1, 0.1, 0.1], [0.02, 0.01, 0.005, 0.965], [0.25, 0.25, 0.25, 0.25],
                    [0.001, 0.002, 0.003, 0.994]])


def _caption(panel) -> str:
    from attention_stepper.gui.heatmap.colour_bar import ColourBar

    return part(panel, ColourBar).caption()


def test_weights_coloured_per_row_take_each_row_s_largest_as_the_top_colour(panel, qtbot):
    from PySide6.QtGui import QColor

    panel.set_matrix(WEIGHTS, TOKENS, TOKENS, "A₁", kind="probability", show_values=False)
    assert panel.scale() == "linear" and _caption(panel) == ""
    assert paints(panel, qtbot, lambda: panel.set_scale("row")) == 1
    np.testing.assert_allclose(shown_image(panel), WEIGHTS / WEIGHTS.max(axis=1, keepdims=True), rtol=1e-6)
    levels, ticks = colour_bar(panel)
    assert levels == (0.0, 1.0) and _caption(panel) == "each row ÷ its largest"
    top = QColor(*(int(channel) for channel in colour_table("probability").rgb[-1]))
    for row, column in enumerate(WEIGHTS.argmax(axis=1)):
        if row != 2:  # row 2 is flat: all of it is its largest
            assert painted_colour(panel, column, row) == top
    assert panel.matrix() is not None and "0.0200" in panel.hover_cell(1, 0), "hover gives the weight itself"
    assert paints(panel, qtbot, lambda: panel.set_scale("row")) == 0, "the same scale again: nothing redrawn"


def test_weights_coloured_logarithmically_and_back(panel, qtbot):
    panel.set_matrix(WEIGHTS, TOKENS, TOKENS, "A₁", kind="probability")
    panel.set_scale("log")
    np.testing.assert_allclose(shown_image(panel), np.log10(np.maximum(WEIGHTS, 1e-4)), rtol=0, atol=1e-6)
    levels, ticks = colour_bar(panel)
    assert levels == (-4.0, 0.0) and [text for _, text in ticks] == ["10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "1"]
    assert _caption(panel) == "logarithmic"
    panel.set_matrix(WEIGHTS[::-1].copy(), TOKENS, TOKENS, "A₂", kind="probability")
    assert colour_bar(panel)[0] == (-4.0, 0.0), "the scale stays for the next matrix"
    panel.set_scale("linear")
    np.testing.assert_array_equal(shown_image(panel), WEIGHTS[::-1].astype(np.float32))
    assert colour_bar(panel)[0] == (0.0, 1.0) and _caption(panel) == ""
    with pytest.raises(ValueError, match="scale"):
        panel.set_scale("sqrt")


def test_signed_matrices_stay_centred_on_zero_whatever_the_scale(panel):
    panel.set_scale("log")
    scores = np.array([[2.0, -1.0], [0.5, 0.25]])
    panel.set_matrix(scores, ["a", "b"], ["c", "d"], "scores₁")
    np.testing.assert_array_equal(shown_image(panel), scores.astype(np.float32))
    assert colour_bar(panel)[0] == (-2.0, 2.0) and _caption(panel) == ""


def test_the_numbers_in_cells_are_written_in_the_colour_that_reads_on_the_scale_s_colours(panel):
    """0.002 is dark purple at 0–1 (its number white) but the brightest yellow as its row's largest (black)."""
    small = np.array([[0.001, 0.002], [0.5, 0.5]])
    panel.set_matrix(small, ["a", "b"], ["c", "d"], "A₁", kind="probability")
    assert _text_pixels(panel, 0, 1) == (True, False)
    panel.set_scale("row")
    assert _text_pixels(panel, 0, 1) == (False, True)


def _text_pixels(panel, row: int, column: int) -> tuple[bool, bool]:
    """Whether white pixels and whether black pixels are painted around the cell's centre (where its number is)."""
    from PySide6.QtGui import QColor

    from panel_checks import widget_point

    image = panel.grab().toImage()
    centre = graphics_view(panel).mapTo(panel, widget_point(panel, column, row))
    around = [QColor(image.pixel(centre.x() + dx, centre.y() + dy)) for dx in range(-12, 13) for dy in range(-5, 6)]
    white = any(min(c.red(), c.green(), c.blue()) > 230 for c in around)
    black = any(max(c.red(), c.green(), c.blue()) < 40 for c in around)
    return white, black


def test_zoom_scales_every_font_and_actual_size_gives_them_back(panel, qtbot):
    from attention_stepper.gui.heatmap.cells import CellValues
    from attention_stepper.gui.heatmap.colour_bar import ColourBar
    from attention_stepper.gui.heatmap.title import Title

    panel.set_matrix(np.eye(4), TOKENS, TOKENS, "scores₁  (4×4)")
    panel.grab()
    left = label_axis(panel, "left")
    before = {"ticks": left.label_font().pointSizeF(), "width": left.width(),
              "label": max(rect.height() for _, _, rect in left.shown_labels()),
              "title": part(panel, Title).title_font().pointSizeF(), "bar": part(panel, ColourBar).width()}
    assert panel.zoom() == 1.0 and panel.fonts() == PanelFonts()
    assert paints(panel, qtbot, lambda: panel.set_zoom(2.0)) == 1
    panel.grab()
    assert panel.fonts() == PanelFonts().scaled(2.0)
    assert left.label_font().pointSizeF() == 2 * before["ticks"] == 2 * PanelFonts().ticks
    assert label_axis(panel, "top").label_font().pointSizeF() == 2 * PanelFonts().ticks
    assert part(panel, Title).title_font().pointSizeF() == 2 * before["title"]
    assert part(panel, CellValues).largest_pixel_size() == 2 * CellValues.MAX_PIXEL_SIZE
    assert max(rect.height() for _, _, rect in left.shown_labels()) > 1.6 * before["label"], "painted larger"
    assert left.width() > before["width"] and part(panel, ColourBar).width() > before["bar"]
    assert paints(panel, qtbot, lambda: panel.set_zoom(2.0)) == 0
    panel.set_zoom(1.0)
    panel.grab()
    assert left.width() == before["width"] and part(panel, ColourBar).width() == before["bar"]
    assert max(rect.height() for _, _, rect in left.shown_labels()) == before["label"]
    for factor in (0.1, 10.0):
        with pytest.raises(ValueError, match="zoom"):
            panel.set_zoom(factor)


@pytest.mark.parametrize("zoom", [1.0, 2.0])
def test_200_token_labels_thin_out_without_overlapping_or_shrinking(panel, qtbot, zoom):
    labels = [f"token{i}" if i % 3 else f"词{i}" for i in range(200)]
    weights = np.full((200, 200), 1 / 200)
    panel.set_zoom(zoom)
    panel.set_matrix(weights, labels, labels, "A₁  (200×200)", kind="probability")
    panel.grab()
    for orientation in ("left", "top"):
        axis = label_axis(panel, orientation)
        shown = axis.shown_labels()
        assert len(shown) >= 2, orientation
        line = axis.label_font()
        from PySide6.QtGui import QFontMetricsF

        height = QFontMetricsF(line).height()
        for (index, text, rect), (_, _, following) in zip(shown, shown[1:]):
            assert not rect.intersects(following), (orientation, index, text)
        for index, text, rect in shown:
            assert labels[index].startswith(text.rstrip("…")) and rect.height() >= 0.9 * height
    assert panel.column_labels() == labels, "thinned on screen, all kept"


@pytest.fixture
def english_afterwards():
    from attention_stepper.gui import i18n

    yield
    i18n.install_language("en")


def test_the_colour_bar_says_the_scale_in_chinese_too(panel, qtbot, english_afterwards):
    from attention_stepper.gui import i18n

    panel.set_matrix(WEIGHTS, TOKENS, TOKENS, "A₁", kind="probability")
    panel.set_scale("row")
    assert i18n.install_language("zh_CN")
    qtbot.wait(50)  # Qt posts LanguageChange to the widgets
    assert _caption(panel) == "每行按本行最大值缩放"
    panel.set_scale("log")
    assert _caption(panel) == "对数刻度"
    i18n.install_language("en")
    qtbot.wait(50)
    assert _caption(panel) == "logarithmic"
