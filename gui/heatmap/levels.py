"""The heatmap's arithmetic, without Qt: colour levels, colour lookups, number texts and tick choices.

Everything a panel decides before drawing is a pure function of NumPy arrays
and numbers here, so it is tested without a window, and a new way of
colouring (another scale, another kind of matrix) is a function here plus
the item that paints its result.

Lookup tables are N × 3 ``uint8`` arrays, low values first. The colour of a
value is entry ⌊(value − low) · N / (high − low)⌋, clipped to the table: the
rule pyqtgraph's ImageItem uses, so the colour bar, the pixels and the text
colour on each cell agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from attention_stepper.core.numbers import format_number

#: Decimals of the numbers written in cells (and of the cell arithmetic's numbers).
CELL_DECIMALS = 2
#: What a matrix holds, which decides its colours: any sign (centred on 0) or probabilities (0…1).
KINDS = ("signed", "probability")
#: Why a cell has no colour, each drawn with its own backdrop (style.GAP_LOOKS): a −∞ cell is "masked"
#: unless the panel is told why (a mask of its own, or a float16 "overflow"); a NaN cell is "nan".
GAPS = ("masked", "padding", "causal", "window", "overflow", "nan")
#: How probabilities are coloured: 0…1 for every panel alike, each row to its own largest weight, or by
#: their logarithm (LOG_FLOOR…1), so that 200 small weights are not one dark block.
SCALES = ("linear", "row", "log")
#: The smallest weight the logarithmic scale tells apart from 0: log₁₀ 10⁻⁴ = −4 is its first colour.
LOG_FLOOR = 1e-4
#: Values are written in the cells only up to this many cells (automatic mode).
MAX_TEXT_CELLS = 144
#: At most this many tick labels along an axis in view; more are thinned to every k-th.
MAX_TICK_LABELS = 40
#: Tick labels longer than this are shortened with "…" (hover still gives the full label).
MAX_LABEL_CHARS = 10
#: Label axes grow in steps of this many pixels beyond their default size (see label_room).
AXIS_ROOM_STEP = 12
#: Cells whose colour is darker than this (relative luminance, 0…1) get white text, others black.
DARK_LUMINANCE = 0.45

_NICE_STRIDES = (1, 2, 5)
_LUMINANCE_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])  # Rec. 709, as in WCAG's relative luminance


@dataclass(frozen=True)
class Shown:
    """What a heatmap draws for one matrix."""

    #: float32, C order, a copy (the caller's array may change); NaN where the matrix is ±inf or NaN.
    values: np.ndarray
    #: The values at the two ends of the colour table.
    levels: tuple[float, float]
    #: Boolean mask of the −inf (masked) cells, or None when there are none.
    masked: np.ndarray | None
    #: Whether ``values`` may hold NaN: only then do the pixels look for it.
    has_gaps: bool
    #: Boolean mask of the NaN and +∞ cells of the matrix itself (float16 overflow; NaN in ``values``), or None.
    nan: np.ndarray | None = None
    #: Which of those are +∞ (drawn as overflow, like an −∞ no mask made), or None.
    overflow: np.ndarray | None = None


def shown_values(matrix: np.ndarray, kind: str, scale: str = "linear") -> Shown:
    """The float32 picture of ``matrix`` and its levels.

    "signed": ±max|finite value| (±1 when all are zero), so 0 is always the
    middle colour; "probability": 0…1 whatever the values, so heads compare.
    Masked cells (−inf) become NaN and are left out of the levels, as do NaN
    and +∞ (float16's overflow), each drawn on a backdrop of its own. Only when
    the first pass meets a non-finite number is the matrix searched for
    them: matrices can be large and are mostly finite.

    ``scale`` (probabilities only; signed matrices always centre on 0):
    "row" divides each row by its largest value (a row of zeros stays 0), so
    each row's strongest weight is the brightest colour; "log" draws
    log₁₀ of each value, levels log₁₀ LOG_FLOOR…0, values below the floor
    (and exact zeros) in the first colour.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    shown = _linear_values(matrix, kind)
    if kind != "probability" or scale == "linear" or not shown.values.size:
        return shown
    values = shown.values
    if scale == "row":
        peaks = np.fmax.reduce(values, axis=1, initial=0.0)[:, None]  # fmax: masked (NaN) cells left out
        np.divide(values, peaks, out=values, where=peaks > 0)
        return shown
    np.maximum(values, np.float32(LOG_FLOOR), out=values)  # NaN (masked) stays NaN
    np.log10(values, out=values)
    return replace(shown, values=values, levels=(math.log10(LOG_FLOOR), 0.0))


def scale_ticks(scale: str, levels: tuple[float, float]) -> list[tuple[float, str]]:
    """The colour bar's (value, text) ticks: round values, or the powers of ten of the logarithmic scale."""
    if scale == "log":
        low, high = levels
        return [(float(power), "1" if power == 0 else f"10{_superscript(power)}")
                for power in range(math.ceil(low), math.floor(high) + 1)]
    return colour_bar_ticks(*levels)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _superscript(number: int) -> str:
    return str(number).translate(_SUPERSCRIPT)


def _linear_values(matrix: np.ndarray, kind: str) -> Shown:
    values = np.array(matrix, dtype=np.float32, order="C", copy=True)
    masked = None
    finite = True
    peak = 0.0
    if values.size:
        if kind == "signed":
            peak = max(float(values.max()), -float(values.min()))  # no temporary array
        else:  # the levels are 0…1 whatever the values: one pass only asks whether all are finite
            peak = float(values.sum())
        finite = math.isfinite(peak)
        if not finite:
            overflow = np.isposinf(values)
            nan = np.isnan(values) | overflow
            values[overflow] = np.nan
            masked = np.isneginf(values)
            values[masked] = np.nan
            finite_values = values[np.isfinite(values)]
            peak = float(np.abs(finite_values).max()) if finite_values.size else 0.0
            if not masked.any():
                masked = None
    if kind == "signed":
        bound = peak if peak > 0 else 1.0
        levels = (-bound, bound)
    else:
        levels = (0.0, 1.0)
    if finite or not nan.any():
        return Shown(values, levels, masked, not finite)
    return Shown(values, levels, masked, True, nan, overflow if overflow.any() else None)


def gap_styles(shown: Shown, reasons: np.ndarray | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(cells with a backdrop, each one's index in GAPS): −∞ cells by ``reasons`` (else "masked"), NaN as "nan"."""
    if shown.masked is None and shown.nan is None:
        return None, None
    rows, cols = shown.values.shape
    masked = np.zeros((rows, cols), dtype=bool) if shown.masked is None else shown.masked
    styles = np.zeros((rows, cols), dtype=np.int8)
    if reasons is not None:
        styles[masked] = np.asarray(reasons, dtype=np.int8)[masked]
    if shown.nan is None:
        return masked, styles
    styles[shown.nan] = GAPS.index("nan")
    if shown.overflow is not None:
        styles[shown.overflow] = GAPS.index("overflow")
    return masked | shown.nan, styles


def argb_words(table: np.ndarray) -> np.ndarray:
    """An N × 3 lookup table as opaque 0xAARRGGBB words: a premultiplied ARGB image is one ``take`` away."""
    rgb = np.asarray(table, dtype=np.uint32)
    return (0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]).astype(np.uint32)


def luminances(table: np.ndarray) -> list[float]:
    """The relative luminance (0…1) of each entry, to choose a readable text colour on it."""
    return (np.asarray(table)[:, :3].astype(np.float64) @ _LUMINANCE_WEIGHTS / 255.0).tolist()


def colour_pixels(values: np.ndarray, levels: tuple[float, float], words: np.ndarray,
                  has_gaps: bool = True) -> np.ndarray:
    """One ARGB word per cell (rows × columns): the table entry of each value, 0 (transparent) for NaN.

    Transparent, so that what is drawn under a masked cell (the hatched backdrop) shows.
    """
    low, high = float(levels[0]), float(levels[1])
    index = values - low
    index *= len(words) / ((high - low) or 1.0)
    np.clip(index, 0, len(words) - 1, out=index)
    missing = np.isnan(index) if has_gaps else None
    if missing is not None:
        index[missing] = 0
    pixels = words.take(index.astype(np.uint8 if len(words) <= 256 else np.intp))
    if missing is not None:
        pixels[missing] = 0
    return pixels


def dark_cells(values: list[float], levels: tuple[float, float], luminance: list[float],
               threshold: float = DARK_LUMINANCE) -> list[bool]:
    """For each value, whether its colour is dark (so its text is written white); masked cells sit on dark hatch.

    A plain loop: it runs for at most a few hundred cells (see MAX_TEXT_CELLS),
    where NumPy's cost per call is more than the work.
    """
    low, high = levels
    last = len(luminance) - 1
    scale = len(luminance) / (high - low)
    dark = []
    for value in values:
        if math.isfinite(value):
            index = int((value - low) * scale)
            dark.append(luminance[min(max(index, 0), last)] < threshold)
        else:
            dark.append(True)
    return dark


def format_cell(value: float) -> str:
    """A cell's value as written inside it: two decimals, a real minus sign, '−∞' when masked.

    The core's one way of writing numbers (core.numbers), so the last number
    of a cell's written-out arithmetic is exactly the text in the cell.
    """
    return format_number(value, CELL_DECIMALS)


def format_hover_value(value: float, masked_note: str = "(masked)") -> str:
    """A value as hover text gives it: four decimals; −∞ followed by ``masked_note`` (the caller translates it)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "−∞ " + masked_note if value < 0 else "∞"
    return f"{value:.4f}"


def value_font_pixels(cell_width: float, cell_height: float, widest_at_10px: float,
                      largest: float = 13.0, smallest: float = 6.0) -> float | None:
    """The pixel size for the numbers in cells of this size on screen, or None when they would be unreadable.

    Half the cell's height at most, and small enough for the widest number
    (``widest_at_10px``: its width at 10 px) to fit with 3 px to spare.
    """
    pixels = min(cell_height * 0.5, 10.0 * (cell_width - 3) / widest_at_10px, largest)
    return pixels if pixels >= smallest else None


def colour_bar_ticks(low: float, high: float, most: int = 5) -> list[tuple[float, str]]:
    """Round tick values from ``low`` to ``high``: the finest 1-2-2.5-5 step giving at most ``most`` ticks."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return []
    power = 10.0 ** (math.floor(math.log10((high - low) / most)))
    for multiple in (1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        step = multiple * power
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        if last - first + 1 <= most:
            break
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if multiple in (2.5, 25) else 0)
    ticks = []
    for index in range(first, last + 1):
        value = index * step
        if value != 0 and not 0.001 <= abs(value) < 10000:
            mantissa, exponent = f"{value:.1e}".split("e")
            text = f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
        else:
            text = f"{value:.{decimals}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
        if text in ("-0", "0"):
            text = "0"
        ticks.append((value, text.replace("-", "−")))
    return ticks


def nice_stride(minimum: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least ``minimum``: thinned labels stay easy to count."""
    if minimum <= 1:
        return 1
    power = 1
    while True:
        for step in _NICE_STRIDES:
            if step * power >= minimum:
                return step * power
        power *= 10


def label_ticks(count: int, low: float, high: float, length: float, extent: float, gap: float,
                most: int = MAX_TICK_LABELS) -> tuple[int, list[int]] | None:
    """Which of ``count`` labels to show along an axis ``length`` pixels long showing ``low``…``high``.

    ``extent``: the room one label takes along the axis (the widest label on
    a horizontal axis, the line height on a vertical one); ``gap``: pixels
    between labels. Returns the stride and the label indices in view (every
    stride-th, so no two overlap and at most ``most`` show), or None.
    """
    if count == 0 or length <= 0:
        return None
    low, high = min(low, high), max(low, high)
    first = max(0, math.ceil(low - 1e-6))
    last = min(count - 1, math.floor(high + 1e-6))
    if last < first:
        return None
    pixels_per_cell = length / max(high - low, 1e-9)
    needed = max((extent + gap) / pixels_per_cell, (last - first + 1) / most)
    stride = nice_stride(needed)
    start = -(-first // stride) * stride
    return stride, list(range(start, last + 1, stride))


def label_room(measured: float, default: int, step: int = AXIS_ROOM_STEP) -> int:
    """Room for an axis's labels: at least ``default`` pixels, and beyond it in steps of ``step`` pixels.

    The steps matter for speed: a new sentence whose labels are a few pixels
    wider or narrower keeps the axis's size, so the panel is not laid out
    again and its view box not resized (which redraws every axis of the panel).
    """
    return max(default, step * math.ceil(measured / step))


def elide(label: str, most: int = MAX_LABEL_CHARS) -> str:
    """``label`` cut to ``most`` characters, the last one "…": long tokens would crowd out their neighbours."""
    return label if len(label) <= most else label[: most - 1] + "…"
