"""The scaling lab, head statistics, tokenizer choice and skip-scaling switch, driven through the window."""

import numpy as np
import pytest

from attention_stepper.core.experiments import head_statistics, scaling_curves
from attention_stepper.core import Parameters, compute
from attention_stepper.core.tokenize import TOKENIZERS, jieba_available

from panel_checks import assert_panels_show_core, shown_image


def test_scaling_lab_draws_the_core_curves_and_follows_d_k(window, qtbot):
    window.tabs.setCurrentWidget(window.scaling_lab)
    expected = scaling_curves(Parameters())
    for name in ("entropy_scaled", "entropy_unscaled", "max_weight_scaled", "max_weight_unscaled"):
        d_k, values = window.scaling_lab.plotted(name)
        np.testing.assert_array_equal(d_k, expected.d_k.astype(float))
        np.testing.assert_array_equal(values, getattr(expected, name))
    assert window.scaling_lab.current_lines[0].value() == pytest.approx(np.log10(4))
    window.controls.d_k.editor.setValue(64)
    qtbot.waitUntil(lambda: window.scaling_lab.curves().current_d_k == 64, timeout=3000)
    assert window.scaling_lab.current_lines[0].value() == pytest.approx(np.log10(64))
    window.controls.sentence.editor.setText("the cat sat on the mat")
    window.controls.sentence.submit()
    qtbot.waitUntil(lambda: not window.scaling_lab.is_stale(), timeout=3000)
    np.testing.assert_array_equal(window.scaling_lab.plotted("entropy_unscaled")[1],
                                  scaling_curves(window.model.parameters).entropy_unscaled)


def test_scaling_lab_waits_until_it_is_shown(window):
    window.tabs.setCurrentIndex(0)
    window.controls.heads.editor.setValue(3)
    assert window.scaling_lab.is_stale(), "no forward passes for a hidden lab"
    window.tabs.setCurrentWidget(window.scaling_lab)
    assert not window.scaling_lab.is_stale()


def test_head_statistics_show_every_head_and_the_core_numbers(window):
    window.controls.heads.editor.setValue(4)
    window.controls.sentence.editor.setText("the cat sat on the mat")
    window.controls.sentence.submit()
    window.tabs.setCurrentWidget(window.head_statistics)
    view = window.head_statistics
    computation = compute(window.model.parameters)
    expected = head_statistics(computation)
    panels = view.overview_panels()
    assert len(panels) == 4
    for head, panel in enumerate(panels):
        np.testing.assert_array_equal(shown_image(panel), computation.trace["weights"][head].astype(np.float32))
        assert panel.row_labels() == computation.token_labels
    for head in range(4):
        assert view.table_text(head, 1) == f"{expected.mean_entropy[head]:.3f}"
        assert view.table_text(head, 2) == f"{expected.mean_distance[head]:.3f}"
        first_query_target = computation.token_labels[int(expected.argmax[head, 0])]
        assert view.table_text(head, 3).startswith(f"the→{first_query_target}")
    window.controls.heads.editor.setValue(2)
    assert len(view.overview_panels()) == 2


def test_skip_scaling_shows_the_unscaled_scores(window):
    window.model.go_to("scale")
    window.controls.skip_scaling.editor.setChecked(True)
    assert_panels_show_core(window, Parameters(skip_scaling=True))
    scaled = shown_image(window.step_view.panel("scaled", 0))
    np.testing.assert_array_equal(scaled, compute(Parameters()).trace["scores"][0].astype(np.float32))
    assert "(scaling skipped)" in window.explanation.plain_text()


def test_tokenizer_choice_splits_chinese_into_characters(window):
    choice = window.controls.tokenizer.editor
    assert [choice.itemData(i) for i in range(choice.count())] == list(TOKENIZERS)
    choice.setCurrentIndex(TOKENIZERS.index("characters"))
    assert window.model.parameters.tokenizer == "characters"
    assert window.step_view.panel("embed").row_labels() == ["我", "爱", "机", "器", "学", "习"]
    assert_panels_show_core(window, Parameters(tokenizer="characters"))


def test_jieba_entry_is_enabled_exactly_when_jieba_is_installed(window):
    choice = window.controls.tokenizer.editor
    item = choice.model().item(TOKENIZERS.index("jieba"))
    assert item.isEnabled() == jieba_available()
    if not jieba_available():
        assert "pip install attention-stepper[zh]" in choice.toolTip()


def test_jieba_segments_without_spaces(window):
    pytest.importorskip("jieba")
    window.controls.sentence.editor.setText("我爱机器学习")
    window.controls.sentence.submit()
    window.controls.tokenizer.editor.setCurrentIndex(TOKENIZERS.index("jieba"))
    assert window.step_view.panel("embed").row_labels() == ["我", "爱", "机器", "学习"]


def test_jieba_missing_is_disabled_with_the_install_hint(qtbot, monkeypatch):
    """On a machine without jieba the choice is there but disabled, with the hint."""
    import attention_stepper.gui.controls as controls
    from attention_stepper.gui.model import AttentionModel

    monkeypatch.setattr(controls, "jieba_available", lambda: False)
    choice = controls.TokenizerChoice(AttentionModel())
    qtbot.addWidget(choice)
    assert not choice.editor.model().item(TOKENIZERS.index("jieba")).isEnabled()
    assert "pip install attention-stepper[zh]" in choice.editor.toolTip()


def test_hidden_tabs_make_their_plots_only_when_first_shown(window):
    """At start-up only the steps tab is seen: the journey's and the lab's plots wait for their tabs."""
    import pyqtgraph as pg

    window.controls.heads.editor.setValue(3)  # changes while hidden make nothing either
    for view in (window.journey, window.scaling_lab):
        assert not view.is_built() and not view.findChildren(pg.PlotWidget)
        window.tabs.setCurrentWidget(view)
        plots = view.findChildren(pg.PlotWidget)
        assert view.is_built() and len(plots) >= 2
        assert all(plot.isVisible() for plot in plots), "shown for the tab's first paint, not a queued call later"
    assert window.scaling_lab.curves() is not None and len(window.journey.charts) == 3


def test_a_build_that_failed_is_tried_again(window, monkeypatch):
    lab = window.scaling_lab
    real = type(lab).build
    failures = [MemoryError("once")]

    def build_failing_once(self):
        if failures:
            raise failures.pop()
        real(self)

    monkeypatch.setattr(type(lab), "build", build_failing_once)
    with pytest.raises(MemoryError):
        lab.refresh()
    assert not lab.is_built()
    lab.refresh()
    assert lab.is_built() and lab.curves() is not None
