"""How the core writes a number in a text a person reads: one rule for every worked example.

The token journey (:mod:`.token_trace`), the arithmetic of a cell
(:mod:`.cell_arithmetic`) and the numbers written in a heatmap's cells all
call :func:`format_number`, so the same value reads the same everywhere and
the last number of a cell's arithmetic is exactly the text in that cell.
"""

from __future__ import annotations

import math

_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(number: int) -> str:
    """1 -> '₁', 12 -> '₁₂': head numbers as formulas write them (re-exported by :mod:`.formulas`)."""
    return str(number).translate(_SUBSCRIPT_DIGITS)


def format_number(value: float, decimals: int = 3) -> str:
    """``value`` with ``decimals`` decimals and a real minus sign (−), '−∞' / '∞' / 'NaN' when not finite.

    A value that rounds to zero is written without a sign ("0.00", not
    "−0.00"): a minus in front of nothing would make a reader look for one.
    """
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "−∞" if value < 0 else "∞"
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]
    return text.replace("-", "−")
