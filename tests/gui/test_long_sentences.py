"""Long sentences: the journey's bar labels thin out at 200 tokens, never overlapping."""

from __future__ import annotations

import itertools

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
