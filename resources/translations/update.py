"""Refresh the translation sources and compile them: ``python resources/translations/update.py``.

1. ``pyside6-lupdate`` collects every ``tr()`` text of gui/ into the .ts files
   (existing translations are kept; texts no longer used are dropped);
2. the core's texts (step titles, explanations, shape phrases — the core
   knows no Qt, so lupdate cannot see them) are added under the context "core";
3. ``pyside6-lrelease`` compiles each .ts to the .qm the app loads.

Translators edit the .ts files, e.g. in ``pyside6-linguist``, then run this again.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LANGUAGES = ("zh_CN",)


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def texts_lupdate_cannot_see() -> dict[str, tuple[str, ...]]:
    """Context -> texts that are translated at run time from a variable, not a literal tr() call."""
    from attention_stepper.core.formulas import TRANSLATABLE_TEXTS
    from attention_stepper.gui.heatmap import TOOLTIPS

    return {"core": TRANSLATABLE_TEXTS, "MatrixPanel": tuple(TOOLTIPS.values())}


def saved_translations(ts_file: Path) -> dict[tuple[str, str], str]:
    """(context, source) -> finished translation, for the texts lupdate would drop as obsolete."""
    if not ts_file.exists():
        return {}
    saved = {}
    for context in ElementTree.parse(ts_file).getroot().findall("context"):
        name = context.findtext("name")
        for message in context.findall("message"):
            translation = message.find("translation")
            if translation is not None and translation.text and translation.get("type") is None:
                saved[(name, message.findtext("source"))] = translation.text
    return saved


def add_texts(ts_file: Path, saved: dict[tuple[str, str], str]) -> None:
    tree = ElementTree.parse(ts_file)
    root = tree.getroot()
    for name, texts in texts_lupdate_cannot_see().items():
        context = next((c for c in root.findall("context") if c.findtext("name") == name), None)
        if context is None:
            context = ElementTree.SubElement(root, "context")
            ElementTree.SubElement(context, "name").text = name
        for message in list(context.findall("message")):
            if message.findtext("source") not in texts and message.find("location") is None:
                context.remove(message)
        existing = {message.findtext("source") for message in context.findall("message")}
        for text in texts:
            if text not in existing:
                message = ElementTree.SubElement(context, "message")
                ElementTree.SubElement(message, "source").text = text
                translation = ElementTree.SubElement(message, "translation")
                if (name, text) in saved:
                    translation.text = saved[(name, text)]
                else:
                    translation.set("type", "unfinished")
    ElementTree.indent(tree, space="    ")
    with open(ts_file, "wb") as stream:
        stream.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(stream, encoding="utf-8", xml_declaration=False)


def main() -> None:
    sources = sorted(str(path) for path in (ROOT / "gui").rglob("*.py"))
    for language in LANGUAGES:
        ts_file = HERE / f"attention_stepper_{language}.ts"
        saved = saved_translations(ts_file)
        subprocess.run([_tool("pyside6-lupdate"), "-no-obsolete", "-target-language", language, *sources,
                        "-ts", str(ts_file)], check=True)
        add_texts(ts_file, saved)
        subprocess.run([_tool("pyside6-lrelease"), str(ts_file), "-qm", str(ts_file.with_suffix(".qm"))], check=True)


if __name__ == "__main__":
    main()
