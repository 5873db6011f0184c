"""How a panel looks: its colours, its colour maps, its fonts, and text laid out once for drawing.

Kept apart from the items that use them so that the panel's look is read
(and, for fonts, scaled) in one place.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QStaticText, QTransform

from .levels import GAPS, KINDS, argb_words, luminances

FOREGROUND = QColor("#333333")
BACKGROUND = QColor("#ffffff")
MASKED_FILL = QColor("#9a9a9a")
MASKED_HATCH = QColor("#5c5c5c")
#: How each kind of colourless cell (levels.GAPS) is drawn: (fill, hatch colour, hatch pattern).
GAP_LOOKS = {
    "masked": (MASKED_FILL, MASKED_HATCH, Qt.BrushStyle.BDiagPattern),
    "padding": (QColor("#c77800"), QColor("#5d3a00"), Qt.BrushStyle.CrossPattern),
    "causal": (MASKED_FILL, MASKED_HATCH, Qt.BrushStyle.BDiagPattern),
    "window": (QColor("#00897b"), QColor("#003d33"), Qt.BrushStyle.FDiagPattern),
    "overflow": (QColor("#212121"), QColor("#ff5252"), Qt.BrushStyle.DiagCrossPattern),
    "nan": (QColor("#ad1457"), QColor("#f8bbd0"), Qt.BrushStyle.DiagCrossPattern),
}
assert tuple(GAP_LOOKS) == GAPS
HIGHLIGHT_PEN = QColor("#111111")
BLOCK_PEN = QColor("#000000")
#: The outlined tile (FlashAttention's current one): magenta, apart from every colour of both maps.
TILE_PEN = QColor("#c2185b")
SKIPPED_PEN = QColor("#616161")
#: Edited cells: an outline of orange dashes on black, so it shows on light and dark colours alike.
EDITED_COLOUR = QColor("#ff8f00")
EDITED_BACKING = QColor("#000000")
#: Lit cells (where a number comes from, what it feeds): a magenta neither colour map has, as a
#: translucent fill and a magenta outline on a black one, visible on every colour of both maps.
LIT_COLOUR = QColor("#ff2bd6")
LIT_FILL = QColor(255, 43, 214, 110)
LIT_BACKING = QColor("#000000")
#: The keyboard's selected cell: white inside black, like the followed row.
SELECTED_OUTER = QColor("#000000")
SELECTED_INNER = QColor("#ffffff")

#: Each kind's colour map (pyqtgraph's names). Blue – pale grey – red, perceptually uniform and
#: centred on 0, for signed matrices; dark purple (0) – yellow (1) for probabilities.
COLOUR_MAPS = {"signed": "CET-D1", "probability": "viridis"}
TABLE_SIZE = 256


@dataclass(frozen=True)
class ColourTable:
    """One colour map, ready for the three uses a panel has for it (all arrays read-only)."""

    rgb: np.ndarray  # N × 3 uint8, low values first: the colour bar's gradient
    argb: np.ndarray  # N uint32 words: the heatmap's pixels
    luminance: list[float]  # per entry: white or black text on it


_TABLES: dict[str, ColourTable] = {}


def colour_table(kind: str) -> ColourTable:
    """The colour table of ``kind`` (see levels.KINDS), made once and shared by every panel."""
    table = _TABLES.get(kind)
    if table is None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        rgb = pg.colormap.get(COLOUR_MAPS[kind]).getLookupTable(nPts=TABLE_SIZE, alpha=False)
        argb = argb_words(rgb)
        for array in (rgb, argb):
            array.setflags(write=False)
        table = _TABLES[kind] = ColourTable(rgb, argb, luminances(rgb))
    return table


@dataclass(frozen=True)
class PanelFonts:
    """The point sizes of a panel's texts, in one place so that they scale together (a zoom is ``scaled``)."""

    ticks: float = 8.0  # the token and dimension labels on the axes
    title: float = 9.0
    values: float = 8.0  # the numbers in the cells (their size also follows the cells on screen)
    small: float = 7.0  # the colour bar's ticks and the block labels

    def scaled(self, factor: float) -> PanelFonts:
        return PanelFonts(self.ticks * factor, self.title * factor, self.values * factor, self.small * factor)


class PreparedTexts:
    """QStaticTexts laid out once and shared by every panel, at most ``capacity`` (least recently used go first).

    Drawing a prepared text costs a fraction of drawText, which lays the text
    out again at every paint, and the same labels and numbers recur paint after
    paint. One bounded cache for all panels, not one per scene item: the step
    view keeps every panel it has shown, and per-item caches grew with every new
    number until each held thousands (benchmarks/README.md, Soak).
    """

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._texts: OrderedDict[tuple, QStaticText] = OrderedDict()

    def get(self, key: tuple, text: str, font: QFont) -> QStaticText:
        """The prepared ``text`` for ``font``; ``key`` must name both (e.g. the text and the font's pixel size)."""
        static = self._texts.get(key)
        if static is None:
            static = self._texts[key] = QStaticText(text)
            static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            static.prepare(QTransform(), font)
            while len(self._texts) > self.capacity:
                self._texts.popitem(last=False)
        else:
            self._texts.move_to_end(key)
        return static

    def __len__(self) -> int:
        return len(self._texts)


#: The numbers drawn in cells, and every other text (labels, titles, colour-bar ticks), shared by all panels.
CELL_TEXTS = PreparedTexts(8192)
LABEL_TEXTS = PreparedTexts(4096)


def prepared_text(text: str, font: QFont) -> QStaticText:
    """``text`` as a QStaticText laid out once for ``font``, from the shared :data:`LABEL_TEXTS`."""
    return LABEL_TEXTS.get((text, font.key()), text, font)
