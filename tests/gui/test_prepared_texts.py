"""The panels' prepared texts are one bounded cache for all of them (issue 13, item 13: RSS grew with every
new number, in a cache per scene item of every panel ever shown)."""

import numpy as np
from PySide6.QtGui import QFont

from attention_stepper.gui.heatmap import MatrixPanel
from attention_stepper.gui.heatmap.style import CELL_TEXTS, LABEL_TEXTS, PreparedTexts


def test_the_least_recently_used_text_goes_first(qapp):
    texts, font = PreparedTexts(2), QFont()
    a = texts.get(("a",), "a", font)
    texts.get(("b",), "b", font)
    assert texts.get(("a",), "a", font) is a  # kept, and now the most recent
    texts.get(("c",), "c", font)
    assert len(texts) == 2
    assert texts.get(("a",), "a", font) is a  # "b" went, not "a"


def test_many_panels_showing_ever_new_numbers_stay_within_one_bound(qtbot, monkeypatch):
    monkeypatch.setattr(CELL_TEXTS, "capacity", 64)
    monkeypatch.setattr(LABEL_TEXTS, "capacity", 64)
    panels = []
    for index in range(12):
        panel = MatrixPanel()
        qtbot.addWidget(panel)
        panel.resize(300, 260)
        panel.show()
        panels.append(panel)
    rng = np.random.default_rng(0)
    for round_ in range(40):
        for panel in panels:
            matrix = rng.normal(size=(6, 6))
            panel.set_matrix(matrix, [f"r{i}" for i in range(6)], [f"c{round_}:{i}" for i in range(6)], "m")
        qtbot.wait(1)
        for panel in panels:
            panel.grab()  # paints: the cells' numbers and the labels are prepared
    assert len(CELL_TEXTS) == 64 and len(LABEL_TEXTS) == 64  # far more texts were drawn; the bound held
