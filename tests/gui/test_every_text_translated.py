"""Every text a person can read in the main window, read in both languages: no English left in Chinese, no Chinese in English.

test_language.py checks that switching languages loses nothing; this walks
more (group titles, combo items and their tooltips, table headers, the
texts drawn in the plots, the panels' titles, the Help window) through every
step and every tab, with the variants on so their steps and texts appear,
and judges each text word by word:

- in Chinese, a Latin word must be a symbol (one letter, or a name with a
  digit, an underscore or a dot: d_k, W_O, float16, GPT-2, weights.npz) or
  on :data:`LATIN_IN_CHINESE`; and Chinese prose takes full-width ，；：（）
  (resources/translations/punctuation.py rewrites the .ts where it does not);
- in English, no Chinese character outside the tokens, the sentence and
  the few example sentences of :data:`CHINESE_IN_ENGLISH`.

The sentence and the tokens are the person's data, never judged. A failure
lists every offending widget and text, so other helpers' new texts are quick
to fix after a merge.
"""

from __future__ import annotations

import dataclasses
import html
import importlib.util
import re
from importlib import resources

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QGraphicsView,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from attention_stepper.core import Parameters
from attention_stepper.core.tokenize import PADDING_TOKENS
from attention_stepper.gui import i18n
from attention_stepper.gui.heatmap import MatrixPanel
from attention_stepper.gui.presets import PRESETS

#: Latin words a Chinese interface keeps, each group for one reason. Single letters (Q, K, t, s…) and names
#: with a digit, underscore or dot (d_k, W_O, float16, GPT-2, weights.npz) are symbols and always pass.
LATIN_IN_CHINESE = frozenset({
    # math names, as formulas everywhere write them
    "softmax", "RoPE", "ALiBi", "GQA", "MQA", "KV", "QK", "PV", "NaN", "ln",
    # FlashAttention's names in its update formula, as the paper and kernels write them
    "rescale", "rowsum",
    # option values as they are typed (--rope half|interleaved) and shown in the RoPE box
    "half", "interleaved",
    # the matrices' names in the formulas (the trace keys and exported CSV files carry them too)
    "scores", "scaled", "biased", "masked", "head", "concat", "output", "weights",
    # file formats and keys, as printed on them
    "CSV", "PNG", "SVG", "Ctrl", "Shift", "Home", "End", "Esc",
    # the calls a person's own attention code makes, as the compare tab names them
    "reshape",
    # names of things: this program, models, libraries; the commands to type (pip install …, attention-stepper export)
    "Attention", "Stepper", "Transformer", "FlashAttention", "PyTorch", "MultiheadAttention", "NumPy", "PyPI",
    "Hugging", "Face", "HF", "BERT", "RoBERTa", "BLOOM", "Llama", "Qwen", "Mistral", "GPT", "GPT-NeoX", "GPT-J",
    "RoFormer", "jieba",
    "pip", "install", "attention-stepper", "zh", "export",
    # the language menu names each language in itself
    "English",
})
#: Chinese an English interface shows beside the tokens: the language's own name, the tokenizer's examples.
CHINESE_IN_ENGLISH = ("简体中文", "我爱机器学习", "猫吃鱼")
#: Stands for the person's data (the sentence, its tokens) in a text before it is judged: neither Latin nor CJK.
DATA = "□"

LATIN_WORD = re.compile(r"(?<![.A-Za-z0-9_])[A-Za-z][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*")
CHINESE = re.compile(r"[\u3400-\u9fff]")

#: The parameters walked: the 2017 attention with the causal mask, every variant at once, cross-attention.
CONFIGURATIONS = {
    "causal": dict(causal=True),
    "variants": dict(heads=4, kv_heads=2, bias=True, rope="half", alibi=True, window=2, causal=True,
                     precision="float16", sentence="我 爱 机器 学习 [PAD]"),
    "memory": dict(memory="I love machine learning", positional_encoding=True, scale=0.5),
}


def _punctuation():
    """resources/translations/punctuation.py: the rule for Chinese prose's punctuation, and its fixer."""
    path = resources.files("attention_stepper.resources").joinpath("translations/punctuation.py")
    spec = importlib.util.spec_from_file_location("punctuation", str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PUNCTUATION = _punctuation()
ASCII_MARKS = ",;:?!()"


# --- reading every text ------------------------------------------------------------------------------------
def _plain(text) -> str:
    text = "" if text is None else str(text)
    if QtGui.Qt.mightBeRichText(text):
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return html.unescape(text)


def _where(widget: QWidget) -> str:
    """The widget and the named widgets around it, e.g. 'TokenJourneyView > QTextBrowser'."""
    names = []
    while widget is not None and len(names) < 3:
        name = type(widget).__name__
        if not name.startswith("Q") or not names:
            names.append(name + (f"#{widget.objectName()}" if widget.objectName() else ""))
        widget = widget.parentWidget()
    return " > ".join(reversed(names))


def _action_texts(action, where: str, found: list) -> None:
    found += [(where, action.text()), (where + " tooltip", action.toolTip()), (where + " status tip", action.statusTip())]
    if action.menu() is not None:
        menu = action.menu()
        found.append((where, menu.title()))
        for inner in menu.actions():
            _action_texts(inner, f"{where} › {menu.title()}", found)


def readable_texts(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a person can read in ``top`` now: its widgets, menus, plots and tooltips."""
    found: list[tuple[str, str]] = [("window title", top.windowTitle())]
    for action in top.actions():
        _action_texts(action, "action", found)
    if hasattr(top, "menuBar"):
        for action in top.menuBar().actions():
            _action_texts(action, "menu", found)
    for widget in top.findChildren(QWidget):
        if isinstance(widget, QMenu) or not widget.isVisibleTo(top):
            continue
        where = _where(widget)
        found += [(where + " tooltip", widget.toolTip()), (where + " status tip", widget.statusTip())]
        if isinstance(widget, (QLabel, QAbstractButton)):
            found.append((where, widget.text()))
        if isinstance(widget, QGroupBox):
            found.append((where + " title", widget.title()))
        if isinstance(widget, QLineEdit):
            found.append((where + " placeholder", widget.placeholderText()))
        if isinstance(widget, QAbstractSpinBox):
            found += [(where + " prefix", getattr(widget, "prefix", str)()),
                      (where + " suffix", getattr(widget, "suffix", str)()),
                      (where + " special value", widget.specialValueText())]
        if isinstance(widget, QComboBox):
            for index in range(widget.count()):
                found += [(where + " item", widget.itemText(index)),
                          (where + " item tooltip", widget.itemData(index, Qt.ItemDataRole.ToolTipRole))]
        if isinstance(widget, QTextEdit):
            found.append((where, widget.toPlainText()))
        if isinstance(widget, QTabBar):
            for index in range(widget.count()):
                found += [(where + " tab", widget.tabText(index)), (where + " tab tooltip", widget.tabToolTip(index))]
        if isinstance(widget, QProgressBar):
            found.append((where + " format", widget.format()))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for orientation, count in ((Qt.Orientation.Horizontal, model.columnCount()),
                                       (Qt.Orientation.Vertical, model.rowCount())):
                for section in range(count):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        found.append((where + " header", model.headerData(section, orientation, role)))
        if isinstance(widget, MatrixPanel):
            found.append((where + " title", widget.title()))
        if isinstance(widget, QGraphicsView) and widget.scene() is not None:  # plots: titles, axis labels, legends
            for item in widget.scene().items():
                if not item.isVisible():
                    continue
                if isinstance(item, QGraphicsTextItem):
                    found.append((where + " drawn text", item.toPlainText()))
                elif isinstance(item, QGraphicsSimpleTextItem):
                    found.append((where + " drawn text", item.text()))
    return [(where, _plain(text)) for where, text in found if _plain(text).strip()]


# --- judging one text --------------------------------------------------------------------------------------
def _without_data(text: str, data: list[str]) -> str:
    text = re.sub(r"\(&\w\)(?=…?$)", "", text)  # a Chinese menu's mnemonic, 放大(&I): Qt's own convention, not prose
    text = re.sub(r"&(?=\w)", "", text)  # Qt's mnemonics: d_&model reads d_model
    for item in sorted(filter(None, data), key=len, reverse=True):  # a Latin token only as a whole word: I, not PyPI's
        text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(item)}(?![A-Za-z0-9_])" if item[0].isascii() else re.escape(item),
                      DATA, text)
    return text


def chinese_faults(text: str, data: list[str]) -> list[str]:
    """What is wrong with ``text`` in the Chinese interface: English words, ASCII punctuation in Chinese prose."""
    text = _without_data(text, data)
    faults = [f"English {word!r}" for word in LATIN_WORD.findall(text)
              if len(word) > 1 and not re.search(r"[\d_.]", word) and word not in LATIN_IN_CHINESE]
    fixed = PUNCTUATION.full_width(text)
    if sum(map(fixed.count, ASCII_MARKS)) < sum(map(text.count, ASCII_MARKS)):
        faults.append(f"ASCII punctuation in Chinese prose (full-width: {fixed!r})")
    return faults


def english_faults(text: str, data: list[str]) -> list[str]:
    text = _without_data(text, data + list(CHINESE_IN_ENGLISH))
    return [f"Chinese {''.join(CHINESE.findall(text))!r}"] if CHINESE.search(text) else []


def _data(window) -> list[str]:
    """The person's text: the sentence, the memory, their tokens; the tokens to type for padding; the presets' sentences."""
    computation = window.model.computation
    parameters = computation.parameters
    presets = [str(preset.values.get("memory") or "") for preset in PRESETS]
    return [parameters.sentence, parameters.memory or "", *computation.token_labels, *computation.key_labels,
            *PADDING_TOKENS, *presets]


def walk(window, qtbot) -> list[tuple[str, str]]:
    """The window's texts at every step of the steps tab, then on every other tab once."""
    texts = []
    window.tabs.setCurrentIndex(0)
    window.model.go_to(window.model.computation.steps[-1].key)  # the panels are drawn again at the first step
    for step in window.model.computation.steps:
        window.model.go_to(step.key)
        qtbot.wait(1)
        texts += readable_texts(window)
    for tab in range(1, window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        qtbot.wait(1)
        texts += readable_texts(window)
    window.tabs.setCurrentIndex(0)
    return texts


def faults_of(texts: list[tuple[str, str]], data: list[str], judge) -> list[str]:
    """One line per offending (widget, text), with what is wrong in it; each text judged once however often seen."""
    report = {}
    for where, text in dict.fromkeys(texts):
        faults = list(dict.fromkeys(judge(text, data)))
        if faults:
            report[(where, text)] = faults
    return [f"{where}: {text!r}\n    {'; '.join(faults)}" for (where, text), faults in report.items()]


@pytest.fixture
def english_afterwards():
    yield
    i18n.install_language("en")


def _window(qtbot, configuration: str):
    from attention_stepper.gui.main_window import MainWindow
    from attention_stepper.gui.model import AttentionModel

    model = AttentionModel(dataclasses.replace(Parameters(), **CONFIGURATIONS[configuration]).validated())
    window = MainWindow(model)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


# --- the rules themselves ----------------------------------------------------------------------------------
def test_the_rules_catch_what_they_are_for():
    assert chinese_faults("把得分变成注意力权重", []) == []
    assert chinese_faults("Aᵢ = softmax(scaledᵢ)（逐行计算）", []) == []
    assert chinese_faults("q(爱)·k(我) = 2.1", ["爱", "我"]) == [], "a token in a formula's brackets is data"
    assert chinese_faults("文件(&F)", []) == [] and chinese_faults("PNG 图片 (*.png)", []) == []
    assert chinese_faults("W_O 把 d_model 维的向量存为 weights.npz", []) == []
    assert chinese_faults("Aᵢ = softmax(scaledᵢ)  (row by row)", []) == ["English 'row'", "English 'by'", "English 'row'"]
    assert chinese_faults("每行之和为 1,所以", []) != []
    assert chinese_faults("第 1 个头(在面板上方选择)", []) != []
    assert chinese_faults("多查询注意力(MQA)", []) != []
    assert english_faults("Chinese words (jieba)", []) == []
    assert english_faults("Characters (每个汉字一个词)", []) == ["Chinese '每个汉字一个词'"]
    assert english_faults("token 1 of 4: 爱", ["爱", ""]) == []
    assert chinese_faults("每行之和为 1,所以", [""]) != [], "no data (no memory sentence) hides nothing"


# --- the window ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("configuration", list(CONFIGURATIONS))
def test_the_chinese_interface_has_no_english_words_and_full_width_punctuation(qtbot, english_afterwards,
                                                                               configuration):
    window = _window(qtbot, configuration)
    i18n.install_language("zh_CN")
    qtbot.wait(20)  # Qt posts LanguageChange to every widget
    texts = walk(window, qtbot)
    assert any("把得分变成注意力权重" in text for _, text in texts), "the walk reads the Chinese step texts"
    faults = faults_of(texts, _data(window), chinese_faults)
    assert not faults, "texts of the Chinese interface to translate or punctuate:\n" + "\n".join(faults)


@pytest.mark.parametrize("configuration", list(CONFIGURATIONS))
def test_the_english_interface_has_no_chinese(qtbot, configuration):
    window = _window(qtbot, configuration)
    texts = walk(window, qtbot)
    assert any("softmax" in text for _, text in texts)
    faults = faults_of(texts, _data(window), english_faults)
    assert not faults, "Chinese in the English interface:\n" + "\n".join(faults)


def test_the_steps_formulas_are_translated(qtbot, english_afterwards):
    window = _window(qtbot, "causal")
    window.model.go_to("softmax")
    assert "(row by row)" in window.explanation.plain_text()
    i18n.install_language("zh_CN")
    qtbot.wait(20)
    assert "Aᵢ = softmax(scaledᵢ)（逐行计算）" in window.explanation.plain_text()
    window.model.go_to("mask")
    assert "当 s > t" in window.explanation.plain_text() and " for " not in window.explanation.plain_text()
    tips = [button.toolTip() for button in window.step_bar.findChildren(QAbstractButton) if button.toolTip()]
    assert any("（逐行计算）" in tip for tip in tips), "the step bar's tooltips show the translated formulas"


def test_the_journeys_arithmetic_is_translated(qtbot, english_afterwards):
    window = _window(qtbot, "causal")
    window.tabs.setCurrentWidget(window.journey)
    window.journey.set_token(1)
    qtbot.wait(1)
    assert "e^−∞ = 0 (masked)" in window.journey.arithmetic.toPlainText()
    i18n.install_language("zh_CN")
    qtbot.wait(20)
    assert "e^−∞ = 0 （已掩码）" in window.journey.arithmetic.toPlainText()


def test_the_tokenizer_list_reads_in_the_interface_language(qtbot, english_afterwards):
    window = _window(qtbot, "causal")
    combo = window.controls.tokenizer.editor
    english = [combo.itemText(index) for index in range(combo.count())]
    assert not any(CHINESE.search(text) for text in english), english
    assert any("Chinese words (jieba)" in text for text in english)
    i18n.install_language("zh_CN")
    qtbot.wait(20)
    chinese = [combo.itemText(index) for index in range(combo.count())]
    assert all(CHINESE.search(text) for text in chinese), chinese


def test_the_help_window_follows_the_language_while_open_and_when_reopened(qtbot, english_afterwards):
    window = _window(qtbot, "causal")
    window.how_to_action.trigger()
    help_window = window.how_to_dialog
    qtbot.waitExposed(help_window)
    english = help_window.browser.toPlainText()
    assert not CHINESE.search(english.replace("猫吃鱼", "").replace("我 爱 机器 学习", ""))
    help_window.browser.verticalScrollBar().setValue(40)
    window.set_language("zh_CN")
    qtbot.wait(20)
    assert help_window.isVisible() and help_window.windowTitle() == "怎么看这些图"
    chinese = help_window.browser.toPlainText()
    assert "怎么看" in chinese or "分步查看" in chinese
    assert not faults_of(readable_texts(help_window), ["猫吃鱼", "我 爱 机器 学习"], chinese_faults)
    help_window.close()
    window.set_language("en")
    qtbot.wait(20)
    window.how_to_action.trigger()
    assert window.how_to_dialog is help_window and help_window.isVisible(), "one window, shown again"
    assert help_window.browser.toPlainText() == english and help_window.windowTitle() == "How to read this"
    assert len(window.findChildren(type(help_window))) == 1


def test_every_chinese_translation_has_full_width_punctuation():
    """The .ts itself, including texts no walk reaches (error messages, dialogs): punctuation.py leaves it as it is."""
    import xml.etree.ElementTree as ElementTree

    path = resources.files("attention_stepper.resources").joinpath("translations/attention_stepper_zh_CN.ts")
    wrong = [(message.findtext("source"), message.findtext("translation"))
             for message in ElementTree.parse(str(path)).getroot().iter("message")
             if message.findtext("translation")
             and sum(map(PUNCTUATION.full_width(message.findtext("translation")).count, ASCII_MARKS))
             < sum(map(message.findtext("translation").count, ASCII_MARKS))]
    assert not wrong, ("run resources/translations/punctuation.py, then update.py:\n"
                       + "\n".join(f"{source!r}: {translation!r}" for source, translation in wrong))
    page = resources.files("attention_stepper.resources").joinpath("how_to_read.zh_CN.html").read_text(encoding="utf-8")
    assert PUNCTUATION.full_width(re.sub(r"<[^>]*>", "", page)).count(",") == re.sub(r"<[^>]*>", "", page).count(",")


def test_the_walk_reads_what_it_must(qtbot):
    """A walk that read nothing would pass: it reads the step bar, the explanation, the panels' titles and plots."""
    window = _window(qtbot, "causal")
    texts = walk(window, qtbot)
    wheres = {where for where, _ in texts}
    assert any("ExplanationPane" in where for where in wheres)
    assert any(where.endswith("title") and "MatrixPanel" in where for where in wheres)
    assert any("drawn text" in where for where in wheres), "the plots' own texts (axis labels, legends)"
    assert any(where.endswith(" tab") for where in wheres) and any(where.endswith(" header") for where in wheres)
    assert any(text == "Chinese words (jieba)" for _, text in texts)
    assert QApplication.instance() is not None


def test_the_panels_titles_follow_a_language_switch_at_the_same_step(qtbot, english_afterwards):
    window = _window(qtbot, "variants")
    window.model.go_to("project")
    qtbot.wait(1)
    assert any("(heads 1–2)" in panel.title() for panel in window.step_view.findChildren(MatrixPanel))
    i18n.install_language("zh_CN")
    qtbot.wait(20)
    titles = [panel.title() for panel in window.step_view.findChildren(MatrixPanel) if panel.isVisible()]
    assert any("（头 1–2）" in title for title in titles), titles
