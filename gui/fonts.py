"""A font that can show Chinese tokens.

Qt's default family on a bare Linux desktop often has no CJK glyphs, and
text drawn by pyqtgraph (tick labels, cell values) does not always fall
back the way widget text does, so 猫 would show as a box. We look for an
installed family that supports Simplified Chinese, preferring well-known
ones, and use it for the whole application and for the heatmap text.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

#: Families tried first, in order; any other family that supports
#: Simplified Chinese is used if none of these is installed.
PREFERRED_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
)

_UNSET = object()
_cached: object = _UNSET


def cjk_font_family() -> str | None:
    """The first installed family able to render Chinese, or None if there is none.

    Needs a QGuiApplication (the font database is only filled once one
    exists). The answer is cached: installed fonts do not change while the
    program runs.
    """
    global _cached
    if _cached is _UNSET:
        families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
        by_name = {family.casefold(): family for family in families}
        chosen = next((by_name[name.casefold()] for name in PREFERRED_FAMILIES if name.casefold() in by_name), None)
        if chosen is None:
            # Skip families that only exist as private/bitmap aliases (names starting with '.').
            chosen = next((family for family in families if not family.startswith(".")), None)
        _cached = chosen
    return _cached  # type: ignore[return-value]


def cjk_font(point_size: float | None = None) -> QFont:
    """A QFont in the CJK family (or the default family when none exists), at ``point_size`` if given."""
    app = QApplication.instance()
    font = QFont(app.font()) if app is not None else QFont()
    family = cjk_font_family()
    if family is not None:
        font.setFamilies([family, *[f for f in font.families() if f != family]])
    if point_size is not None:
        font.setPointSizeF(point_size)
    return font


def apply_app_font(app: QApplication) -> str | None:
    """Make the CJK family the application's default font, keeping its point size.

    Returns the family used, or None (font left unchanged) when no installed
    family supports Chinese.
    """
    family = cjk_font_family()
    if family is None:
        return None
    font = QFont(app.font())
    size = font.pointSizeF()
    font.setFamily(family)
    if size > 0:
        font.setPointSizeF(size)
    app.setFont(font)
    return family
