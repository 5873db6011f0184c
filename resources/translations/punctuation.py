"""Full-width punctuation in Chinese prose: ``python resources/translations/punctuation.py [FILE.ts|FILE.html …]``.

Chinese sentences take full-width ，；：？！（）, the ASCII ones belong to
formulas, code and numbers. This rewrites, in the .ts translations (and in
the text of Chinese HTML pages), every ASCII , ; : ? ! next to a Chinese
character and every ASCII (…) holding one or following one (but not a
formula's tuple, nor Qt's mnemonic 文件(&F)); spaces beside full-width
marks go (the marks have their own). Then run update.py so the .qm follows.
tests/gui/test_every_text_translated.py fails on what this would change.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: A Chinese character or a full-width mark: what makes the text around an ASCII mark prose.
CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_MARK = re.compile(rf"[ \t]*([,;:?!])[ \t]*")
_PAREN = re.compile(r"\(([^()]*)\)")
_HAS_CJK = re.compile(f"[{CJK}]")
_IDEOGRAPH = re.compile("[\u3400-\u9fff]")


def _mark(match: re.Match) -> str:
    text, start, end = match.string, match.start(), match.end()
    left = text[start - 1] if start > 0 else ""
    right = text[end] if end < len(text) else ""
    if match.group(1) == ";" and ";" in (left, right):  # a Qt file filter's ";;" separator
        return match.group(0)
    if _HAS_CJK.match(left) or _HAS_CJK.match(right):
        return _FULL[match.group(1)]
    return match.group(0)


def is_prose_parenthesis(text: str, start: int, inside: str) -> bool:
    """Whether the ASCII (``inside``) at ``start`` of ``text`` is Chinese prose's, to be written （…）.

    It is when it holds Chinese, or follows Chinese and holds no list or
    tuple (``按(j, j + 1)`` is the formula's) and is no Qt mnemonic (文件(&F),
    or 文件(F) in a tooltip made from it); never a file filter's patterns.
    """
    if "*" in inside:  # a file dialog's filter, 图片 (*.png): Qt reads the patterns between ASCII brackets
        return False
    if _HAS_CJK.search(inside):
        return True
    left = text[:start].rstrip(" \t")[-1:]  # a Chinese word, not a mark: 头 1–2）(5×4) is a title and its shape
    return bool(_IDEOGRAPH.match(left)) and "," not in inside and re.fullmatch(r"&?[A-Z0-9]", inside) is None


def _paren(match: re.Match) -> str:
    if is_prose_parenthesis(match.string, match.start(), match.group(1)):
        return f"（{match.group(1).strip()}）"
    return match.group(0)


def full_width(text: str) -> str:
    """``text`` with the ASCII punctuation of its Chinese prose made full-width."""
    while True:
        changed = _PAREN.sub(_paren, text)
        if changed == text:
            break
        text = changed
    text = re.sub(rf"(?<=[{CJK}])[ \t]+(?=[（）])|(?<=[（）])[ \t]+(?=[{CJK}])", "", text)
    return _MARK.sub(_mark, text)


def fix_ts(path: Path) -> int:
    tree = ElementTree.parse(path)
    changed = 0
    for translation in tree.getroot().iter("translation"):
        if translation.text and full_width(translation.text) != translation.text:
            translation.text = full_width(translation.text)
            changed += 1
    ElementTree.indent(tree, space="    ")
    with open(path, "wb") as stream:
        stream.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(stream, encoding="utf-8", xml_declaration=False)
    return changed


def fix_html(path: Path) -> int:
    """The text between the tags only: attributes and tags stay as they are."""
    page = path.read_text(encoding="utf-8")
    parts = re.split(r"(<[^>]*>)", page)
    fixed = [part if part.startswith("<") else full_width(part) for part in parts]
    path.write_text("".join(fixed), encoding="utf-8")
    return sum(a != b for a, b in zip(parts, fixed))


def main(paths: list[str]) -> None:
    for name in paths or [str(HERE / "attention_stepper_zh_CN.ts")]:
        path = Path(name)
        changed = fix_html(path) if path.suffix == ".html" else fix_ts(path)
        print(f"{path.name}: {changed} texts made full-width")


if __name__ == "__main__":
    main(sys.argv[1:])
