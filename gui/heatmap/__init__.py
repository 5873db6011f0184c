"""Labelled heatmaps of matrices: ``MatrixPanel`` and the pieces it is made of.

- ``levels``: the arithmetic, without Qt (colour levels and scales, lookups, number texts, ticks, label thinning);
- ``marks``: what is drawn over the cells (followed row, column blocks, edited, lit and selected cells), without Qt;
- ``style``: colours, colour tables, fonts, prepared texts;
- ``axis``: the token label axis; ``title``: the title line; ``colour_bar``: the colour scale;
- ``cells``: the scene items in the view box (picture, masked backdrop, numbers, marks);
- ``panel``: the widget the rest of the app uses; ``pointing``: its hover, click and keyboard selection.

Like ``attention_stepper.gui`` itself, importing this package imports no Qt: the
Qt-free modules (and ``format_cell``) load alone, and the widget with its Qt
and pyqtgraph only when one of its names is first asked for.
"""

from __future__ import annotations

from importlib import import_module

from .levels import KINDS, MAX_TEXT_CELLS, SCALES, format_cell

_FROM_PANEL = ("MatrixPanel", "TOOLTIPS")

__all__ = ["KINDS", "MAX_TEXT_CELLS", "MatrixPanel", "SCALES", "TOOLTIPS", "format_cell"]


def __getattr__(name: str):
    if name in _FROM_PANEL:
        return getattr(import_module(".panel", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
