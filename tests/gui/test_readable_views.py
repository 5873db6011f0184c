"""Texts a classroom must be able to read: whole table headers, a legend beside the curves (not over them),
and the journey's own head chooser."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QFontMetrics

LONG_SENTENCE = " ".join(f"w{i}" for i in range(200))


@pytest.fixture
def english_afterwards():
    from attention_stepper.gui import i18n

    yield
    i18n.install_language("en")


def _header_cut(table) -> list[tuple[str, int, int]]:
    """Each header whose section is narrower than its text: (text, section width, text width)."""
    header = table.horizontalHeader()
    metrics = QFontMetrics(header.font())
    cut = []
    for column in range(table.columnCount()):
        text = table.horizontalHeaderItem(column).text()
        if header.sectionSize(column) < metrics.horizontalAdvance(text):
            cut.append((text, header.sectionSize(column), metrics.horizontalAdvance(text)))
    return cut


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("size", [(1280, 800), (900, 640)])
def test_head_statistics_headers_are_whole(window, qtbot, english_afterwards, language, size):
    from attention_stepper.gui import i18n

    window.resize(*size)
    assert i18n.install_language(language)
    qtbot.wait(50)  # Qt posts LanguageChange to the windows
    window.tabs.setCurrentWidget(window.head_statistics)
    qtbot.wait(20)
    table = window.head_statistics.table
    assert table.rowCount() == 2
    assert _header_cut(table) == []
    window.model.set_parameters(heads=8, sentence=LONG_SENTENCE)
    qtbot.waitUntil(lambda: not window.model.busy and table.rowCount() == 8)  # the view's own worker too
    qtbot.wait(20)
    assert _header_cut(table) == []


def test_the_last_statistics_column_still_fills_a_wide_table(window, qtbot):
    window.resize(1600, 900)
    window.tabs.setCurrentWidget(window.head_statistics)
    qtbot.wait(20)
    table = window.head_statistics.table
    header = table.horizontalHeader()
    assert sum(header.sectionSize(column) for column in range(4)) == table.viewport().width()


def _scene_points(plot_item, line) -> list:
    """A drawn curve's points where they are on screen (scene coordinates); the x axis is log10 (log mode)."""
    from PySide6.QtCore import QPointF

    box = plot_item.getViewBox()
    x, y = line.getData()  # in log mode: already log10(d_k)
    return [box.mapViewToScene(QPointF(float(a), float(b))) for a, b in zip(x, y) if np.isfinite(a + b)]


@pytest.mark.parametrize("settings", [{}, {"sentence": "a b", "d_k": 64}, {"scale": 2.0}])
def test_the_scaling_lab_legends_cover_no_curve(window, qtbot, settings):
    if settings:
        assert window.model.set_parameters(**settings)
    window.tabs.setCurrentWidget(window.scaling_lab)
    lab = window.scaling_lab
    qtbot.waitUntil(lambda: lab.curves() is not None and not lab.is_stale())
    qtbot.wait(250)  # the lab waits a moment after a change
    window.grab()
    for plot, kind in ((lab.entropy_plot, "entropy"), (lab.weight_plot, "max_weight")):
        item = plot.getPlotItem()
        legend = item.legend
        assert legend.isVisible() and len(legend.items) >= 2
        area = legend.sceneBoundingRect()
        assert not area.intersects(item.getViewBox().sceneBoundingRect()), "outside the data area"
        for name in ("scaled", "unscaled", "custom"):
            line = lab.lines[f"{kind}_{name}"]
            if line.isVisible():
                points = _scene_points(item, line)
                data_area = item.getViewBox().sceneBoundingRect().adjusted(-1, -1, 1, 1)
                assert len(points) >= 9 and all(data_area.contains(point) for point in points), "where drawn"
                assert not any(area.contains(point) for point in points), (kind, name)


def test_the_journey_has_its_own_head_chooser(window, qtbot):
    journey = window.journey
    window.tabs.setCurrentWidget(journey)
    qtbot.wait(20)
    chooser = journey.head_chooser
    assert chooser.isVisible() and chooser.count() == 2 and chooser.currentIndex() == 0
    assert "above the panels" not in journey.head_label.text()
    chooser.setCurrentIndex(1)
    assert journey.head_shown() == 1 and journey.journey().head == 1
    assert journey.head_label.text().startswith("head 2")
    assert window.model.head is None, "the Steps tab keeps showing every head"
    window.model.set_head(0)  # choosing one on the Steps tab: the journey follows it
    assert journey.head_shown() == 0 and chooser.currentIndex() == 0
    window.model.set_parameter("heads", 4)
    assert chooser.count() == 4
    chooser.setCurrentIndex(3)
    window.model.set_parameter("heads", 2)  # the chosen head is gone: the last one
    assert journey.head_shown() == 1 and chooser.currentIndex() == 1 and chooser.count() == 2
