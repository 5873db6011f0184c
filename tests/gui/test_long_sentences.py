"""Long sentences: the journey's bar labels and the heatmaps' axis labels thin out at 200 tokens, never overlapping."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtGui import QFontMetrics

from panel_checks import label_axis

LONG_SENTENCE = " ".join(f"w{i}" for i in range(200))


def _overlaps(rects) -> list[tuple[int, int]]:
    return [(i, j) for (i, a), (j, b) in itertools.combinations(enumerate(rects), 2) if a.intersects(b)]


def test_the_journey_bar_labels_thin_out_at_200_tokens(window, qtbot):
    window.model.set_parameter("sentence", LONG_SENTENCE)
    window.tabs.setCurrentWidget(window.journey)
    qtbot.wait(20)
    window.grab()
    for name, chart in window.journey.charts.items():
        drawn = chart.drawn_labels()
        assert 3 <= len(drawn) < 200, name
        assert _overlaps([rect for rect, _ in drawn]) == [], name
        texts = [text for _, text in drawn]
        assert set(texts) <= {f"w{i}" for i in range(200)} and "w0" in texts
    window.model.set_parameter("sentence", "我 爱 机器 学习")
    window.grab()
    assert [text for _, text in window.journey.charts["dot"].drawn_labels()] == ["我", "爱", "机器", "学习"]


def test_heatmap_labels_of_mixed_widths_never_overlap(panel):
    """The widest label sets the stride, even when it is not among the longest in characters."""
    narrow = ["".join(letters) for letters in itertools.product("il.", repeat=8)][:120]  # 8 narrow characters
    wide = [a + b + "学习" for a in "机器深度强化" for b in "我爱你们他她它的了是在有"][:80]  # 4 wide ones
    labels = [label for pair in zip(wide, narrow) for label in pair] + narrow[80:]
    count = len(labels)
    panel.set_matrix(np.full((count, count), 1 / count), labels, labels, "A₁  (200×200)", kind="probability")
    panel.grab()
    for orientation in ("top", "left"):
        shown = label_axis(panel, orientation).shown_labels()
        assert len(shown) >= 2, orientation
        assert _overlaps([rect for _, _, rect in shown]) == [], orientation
    left = label_axis(panel, "left")
    widest = max(QFontMetrics(left.label_font()).horizontalAdvance(label) for label in labels)
    assert left.width() >= widest, "the row labels have room for the widest"


@pytest.mark.parametrize("tokens", [20, 30, 40, 200])
def test_heatmap_row_labels_never_overlap_at_any_height(panel, tokens):
    """Rows a little less than a line apart: every other label, not each box over the next."""
    labels = [f"w{i}" for i in range(tokens)]
    panel.set_matrix(np.full((tokens, tokens), 1 / tokens), labels, labels, "A₁", kind="probability")
    for height in range(220, 560, 7):
        panel.resize(420, height)
        panel.grab()
        for orientation in ("left", "top"):
            shown = label_axis(panel, orientation).shown_labels()
            assert shown, (height, orientation)
            assert _overlaps([rect for _, _, rect in shown]) == [], (height, orientation)


@pytest.mark.parametrize("step, square, narrow", [("weighted_sum", "weights", "head_output"),
                                                  ("scores", "scores", "q")])
def test_the_n_by_n_panels_get_the_room_at_200_tokens(window, qtbot, step, square, narrow):
    window.resize(1280, 800)
    window.model.set_parameter("sentence", " ".join(f"w{i}" for i in range(200)))
    qtbot.waitUntil(lambda: not window.model.busy, timeout=20_000)
    window.model.go_to(step)
    window.model.set_head(0)
    window.grab()  # lay the window out
    view = window.step_view
    assert view.panel(square, 0).width() >= 2 * view.panel(narrow, 0).width()
