"""A panel outlines a rectangle of cells (a tile) and crosses out skipped ones, fitted to its matrix."""

import numpy as np

from panel_checks import outlined_rectangles, painted_colour, skipped_rectangles


def test_rectangles_are_fitted_kept_for_new_numbers_and_dropped_for_another_matrix(panel):
    panel.set_matrix(np.arange(16.0).reshape(4, 4), list("abcd"), list("wxyz"), "S")
    panel.set_rectangles([(2, 2, 2, 2), (3, 3, 5, 5), (4, 0, 1, 1)], [(0, 2, 2, 2), (0, 0, 0, 2)])
    assert outlined_rectangles(panel) == [(2, 2, 2, 2), (3, 3, 1, 1)], "cut to the matrix; outside left out"
    assert skipped_rectangles(panel) == [(0, 2, 2, 2)], "empty ones left out"
    panel.set_matrix(np.arange(16.0).reshape(4, 4) * 2, list("abcd"), list("wxyz"), "S")
    assert outlined_rectangles(panel) == [(2, 2, 2, 2), (3, 3, 1, 1)], "new numbers for the same matrix"
    panel.set_matrix(np.zeros((4, 4)), list("abcd"), list("wxyz"), "another")
    assert outlined_rectangles(panel) == [] and skipped_rectangles(panel) == []
    panel.set_rectangles([(0, 0, 1, 1)])
    assert outlined_rectangles(panel) == [(0, 0, 1, 1)] and skipped_rectangles(panel) == []
    panel.set_rectangles([])
    assert outlined_rectangles(panel) == []


def _count(panel, colour: str) -> int:
    from PySide6.QtGui import QColor

    image = panel.grab().toImage()
    wanted = QColor(colour).rgb()
    return sum(image.pixel(x, y) == wanted for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))


def test_the_tile_and_the_skipped_cells_are_painted(panel, qtbot):
    from attention_stepper.gui.heatmap.style import SKIPPED_PEN, TILE_PEN

    panel.set_matrix(np.zeros((4, 4)), list("abcd"), list("wxyz"), "S", show_values=False)
    qtbot.wait(10)
    assert _count(panel, TILE_PEN.name()) == 0
    centre = painted_colour(panel, 0.0, 0.0)
    panel.set_rectangles([(2, 2, 2, 2)], [(0, 0, 1, 1)])
    qtbot.wait(10)
    assert _count(panel, TILE_PEN.name()) > 50, "the tile's outline is drawn"
    assert painted_colour(panel, 0.0, 0.0) != centre, "the skipped cell is crossed out (its centre too)"
    assert painted_colour(panel, 1.0, 1.0) == centre, "other cells are left as they are"
    assert SKIPPED_PEN.name() != TILE_PEN.name()
