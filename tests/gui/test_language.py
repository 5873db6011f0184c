"""English and 简体中文, switched while the app runs."""

import re
import xml.etree.ElementTree as ElementTree
from importlib import resources

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabBar,
    QTextBrowser,
    QWidget,
)

from attention_stepper.gui import i18n

from panel_checks import assert_panels_show_core

TS_FILE = resources.files("attention_stepper.resources").joinpath("translations/attention_stepper_zh_CN.ts")
#: Two English words in a row: what a half-translated interface shows.
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{3,}\s+[A-Za-z]{3,}\b")
#: What stays in Latin letters in Chinese text too: the product's name, a PyTorch class, a command to type.
ALLOWED = ("Attention Stepper", "PyTorch MultiheadAttention", "pip install attention-stepper[zh]")


def _messages():
    root = ElementTree.parse(str(TS_FILE)).getroot()
    for context in root.findall("context"):
        for message in context.findall("message"):
            yield context.findtext("name"), message.findtext("source"), message.find("translation")


def visible_texts(window) -> list[str]:
    """Every text a person can read in the window, its menus and its tooltips."""
    texts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) and not isinstance(widget, QMenu):
            continue
        texts.append(widget.toolTip())
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QAbstractSpinBox):
            texts.append(getattr(widget, "suffix", lambda: "")())
        if isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
        if isinstance(widget, QTextBrowser):
            texts.append(widget.toPlainText())
        if isinstance(widget, QMenu):
            texts.append(widget.title())
        if isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
            texts.extend(widget.tabToolTip(i) for i in range(widget.count()))
    for action in window.actions():
        texts.extend([action.text(), action.toolTip(), action.statusTip()])
    return [text for text in texts if text]


@pytest.fixture
def english_afterwards():
    yield
    i18n.install_language("en")


def test_every_message_is_translated_and_compiled():
    translator = QTranslator()
    assert translator.load(i18n._translation_file("zh_CN"))
    count = 0
    for context, source, translation in _messages():
        assert translation.get("type") is None and translation.text, f"untranslated: {context}: {source!r}"
        assert translator.translate(context, source) == translation.text, f".qm is stale for {source!r}"
        count += 1
    assert count > 80


def test_switching_to_chinese_translates_everything_and_loses_nothing(window, qtbot, english_afterwards):
    window.controls.heads.editor.setValue(3)
    window.controls.causal.editor.setChecked(True)
    window.model.go_to("mask")
    english = visible_texts(window)
    assert "&File" in english

    window.language_actions["zh_CN"].trigger()
    qtbot.wait(50)  # Qt posts LanguageChange to the windows
    chinese = []
    for tab in range(window.tabs.count()):  # every tab's texts, not only the one on screen
        window.tabs.setCurrentIndex(tab)
        chinese += visible_texts(window)
    window.tabs.setCurrentIndex(0)
    assert "文件(&F)" in chinese
    assert any("因果掩码" in text for text in chinese)
    assert any("遮住后面的词" in text for text in chinese), "the explanation pane follows"
    sources = {source for _, source, translation in _messages() if translation.text != source}
    leftovers = [text for text in chinese if text in sources]
    assert not leftovers, f"untranslated texts in the Chinese UI: {leftovers}"
    phrases = [text for text in chinese if ENGLISH_PHRASE.search(
        re.sub("|".join(map(re.escape, ALLOWED)), "", text))]
    assert not phrases, f"English phrases in the Chinese UI: {phrases}"

    window.step_view.panel("masked", 0).hover_cell(0, 2)
    assert window.hover_label.text().endswith("−∞ （已掩码）  （第 1 行，第 3 列）"), "the status bar's hover text too"
    window.step_view.panel("masked", 0).hover_cell(-1, -1)  # the mouse leaves: the status bar clears
    assert window.model.parameters.heads == 3 and window.model.step.key == "mask"
    assert_panels_show_core(window)
    window.language_actions["en"].trigger()
    qtbot.wait(50)
    assert visible_texts(window) == english
