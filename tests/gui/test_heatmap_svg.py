"""An SVG of a panel draws its cells as vector rectangles, and a second renderer paints them in the matrix's colours.

The SVG is rendered by librsvg's ``rsvg-convert`` (Debian's librsvg2-bin,
installed by .ci/run), not by Qt, so what is checked is the file another
program reads. Skipped where rsvg-convert is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

from panel_checks import graphics_view, widget_point

RSVG = shutil.which("rsvg-convert")


def _expected_rgb(value: float, levels: tuple[float, float], kind: str) -> np.ndarray:
    """The colour-table entry of ``value``: ⌊(value − low)·N/(high − low)⌋, as the panel looks it up."""
    from attention_stepper.gui.heatmap.style import colour_table

    table = colour_table(kind).rgb
    low, high = levels
    index = int(np.clip(np.floor((value - low) * len(table) / (high - low)), 0, len(table) - 1))
    return table[index].astype(int)


def _svg(panel, tmp_path) -> bytes:
    from attention_stepper.gui.exporting import save_svg

    path = tmp_path / "panel.svg"
    save_svg(panel, path)
    return path.read_bytes()


def test_the_cells_are_vector_rectangles_not_an_embedded_bitmap(panel, tmp_path):
    matrix = np.random.default_rng(7).normal(size=(4, 6))
    panel.set_matrix(matrix, ["a", "b", "c", "d"], [f"d{i}" for i in range(6)], "M", show_values=False)
    data = _svg(panel, tmp_path)
    assert b"<image" not in data, "no bitmap: neither the cells nor the background"
    assert len(re.findall(rb"<rect\b", data)) >= matrix.size


@pytest.mark.skipif(RSVG is None, reason="rsvg-convert (Debian's librsvg2-bin) is not installed")
@pytest.mark.parametrize("kind", ["signed", "probability"])
def test_another_renderer_paints_every_cell_in_its_colour(panel, tmp_path, kind):
    from PySide6.QtGui import QColor, QImage

    rng = np.random.default_rng(11)
    matrix = rng.normal(size=(5, 7)) if kind == "signed" else rng.dirichlet(np.ones(7), size=5)
    matrix[0, 6] = -np.inf  # masked: hatched grey
    panel.set_matrix(matrix, [f"r{i}" for i in range(5)], [f"c{i}" for i in range(7)], "M", kind=kind,
                     show_values=False)
    panel.grab()
    svg = tmp_path / "panel.svg"
    svg.write_bytes(_svg(panel, tmp_path))
    png = tmp_path / "panel.png"
    subprocess.run([RSVG, "-w", str(panel.width()), "-h", str(panel.height()), str(svg), "-o", str(png)],
                   check=True, capture_output=True, timeout=60)
    image = QImage(str(png))
    assert (image.width(), image.height()) == (panel.width(), panel.height())
    finite = matrix[np.isfinite(matrix)]
    levels = (-np.abs(finite).max(), np.abs(finite).max()) if kind == "signed" else (0.0, 1.0)
    view = graphics_view(panel)
    for row in range(5):
        for column in range(7):
            at = view.mapTo(panel, widget_point(panel, column, row))
            painted = QColor(image.pixel(at.x(), at.y()))
            rgb = np.array([painted.red(), painted.green(), painted.blue()])
            if np.isneginf(matrix[row, column]):
                assert np.ptp(rgb) < 16, "masked cells are grey"
                continue
            expected = _expected_rgb(float(np.float32(matrix[row, column])), levels, kind)
            assert np.abs(rgb - expected).max() <= 2, (row, column, rgb, expected)
