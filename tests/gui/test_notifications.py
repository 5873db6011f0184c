"""One notification per user action, after all state has settled, saying what changed.

The model used to emit ``changed``, ``stepChanged`` and ``headChanged`` one
after another, so the step view refreshed up to three times for one edit and
a view could see a head change before the sentence change of the same edit.
"""

from pathlib import Path

import pytest

from attention_stepper.core import Parameters
from attention_stepper.gui.model import Change

from panel_checks import assert_panels_show_core

GUI = Path(__file__).resolve().parents[2] / "gui"


class Spy:
    """Counts the calls of one method of one object (and still calls it)."""

    def __init__(self, monkeypatch, owner, name: str):
        self.calls = 0
        original = getattr(owner, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def notifications(model) -> list[Change]:
    seen: list[Change] = []
    model.changed.connect(seen.append)
    return seen


def test_fewer_heads_than_the_one_shown_is_one_notification_and_one_refresh(window, monkeypatch):
    model = window.model
    model.set_head(1)
    model.go_to("scores")
    refresh = Spy(monkeypatch, window.step_view, "refresh")
    seen = notifications(model)
    window.controls.heads.editor.setValue(1)  # the head shown (2) goes: the model moves to head 1
    assert seen == [Change(parameters=True, computation=True, head=True)]
    assert refresh.calls == 1
    assert model.head == 0
    assert_panels_show_core(window, Parameters(heads=1))


def test_a_step_that_disappears_is_one_notification_and_one_refresh(window, monkeypatch):
    model = window.model
    window.controls.causal.editor.setChecked(True)
    model.go_to("mask")
    refresh = Spy(monkeypatch, window.step_view, "refresh")
    explanation = Spy(monkeypatch, window.explanation, "refresh")
    seen = notifications(model)
    window.controls.causal.editor.setChecked(False)  # the mask step goes: the model moves to softmax
    assert seen == [Change(parameters=True, computation=True, step=True)]
    assert (refresh.calls, explanation.calls) == (1, 1)
    assert model.step.key == "softmax"
    assert "mask" not in window.step_bar.stages.visible_keys()


def test_changing_only_the_head_recomputes_nothing_and_redraws_only_what_shows_the_head(window, monkeypatch):
    model = window.model
    model.go_to("scores")
    computed = Spy(monkeypatch, model, "compute_plan")
    refresh = Spy(monkeypatch, window.step_view, "refresh")
    echoes = [Spy(monkeypatch, control, "_echo") for control in
              (window.controls.heads, window.controls.d_k, window.controls.sentence, window.controls.d_v)]
    statistics = Spy(monkeypatch, window.head_statistics, "mark_stale")
    lab = Spy(monkeypatch, window.scaling_lab, "mark_stale")
    stages = Spy(monkeypatch, window.step_bar.stages, "_sync")
    navigator = Spy(monkeypatch, window.step_bar.navigator, "_sync")
    sizes = Spy(monkeypatch, window, "_show_sizes")
    seen = notifications(model)
    window.step_bar.head_selector.setCurrentIndex(2)  # head 2 alone
    assert seen == [Change(head=True)]
    assert computed.calls == 0
    assert refresh.calls == 1
    assert [echo.calls for echo in echoes] == [0, 0, 0, 0]
    assert (statistics.calls, lab.calls, stages.calls, navigator.calls, sizes.calls) == (0, 0, 0, 0, 0)
    assert [(key, head) for key, head, _ in window.step_view.panels()] == [("q", 1), ("k", 1), ("scores", 1)]


def test_moving_a_step_tells_only_the_step(window, monkeypatch):
    model = window.model
    computed = Spy(monkeypatch, model, "compute_plan")
    echo = Spy(monkeypatch, window.controls.heads, "_echo")
    journey = Spy(monkeypatch, window.journey, "mark_stale")
    selector = Spy(monkeypatch, window.step_bar.head_selector, "_sync")
    refresh = Spy(monkeypatch, window.step_view, "refresh")
    seen = notifications(model)
    window.step_bar.navigator.next_button.click()
    assert seen == [Change(step=True)]
    assert (computed.calls, echo.calls, journey.calls, selector.calls, refresh.calls) == (0, 0, 0, 0, 1)


def test_a_typed_cell_changes_the_computation_not_the_parameters(window, monkeypatch):
    model = window.model
    echo = Spy(monkeypatch, window.controls.d_model, "_echo")
    lab = Spy(monkeypatch, window.scaling_lab, "mark_stale")
    statistics = Spy(monkeypatch, window.head_statistics, "mark_stale")
    seen = notifications(model)
    assert window.edit_cell("embed", -1, 0, 0, 3.0)
    assert seen == [Change(computation=True)]
    assert (echo.calls, lab.calls, statistics.calls) == (0, 0, 1)


def test_a_session_is_one_notification(window, tmp_path, monkeypatch):
    model = window.model
    model.set_parameters(heads=3, causal=True)
    model.go_to("mask")
    model.set_head(2)
    path = window.sessions.save(tmp_path / "three.attn.npz")
    model.set_parameters(heads=2, causal=False)
    refresh = Spy(monkeypatch, window.step_view, "refresh")
    seen = notifications(model)
    assert window.sessions.open(path)
    assert seen == [Change(parameters=True, computation=True, step=True, head=True)]
    assert refresh.calls == 1
    assert (model.step.key, model.head, model.parameters.heads) == ("mask", 2, 3)


def test_a_refused_value_notifies_nothing_but_its_error(window):
    model = window.model
    seen = notifications(model)
    errors = []
    model.errorChanged.connect(lambda name, message: errors.append((name, message)))
    assert not model.set_parameter("heads", 0)
    assert seen == []
    assert errors == [("heads", "heads must be a whole number from 1 to 64; got 0")]


@pytest.mark.parametrize("path", sorted(GUI.rglob("*.py")), ids=lambda path: path.name)
def test_echoes_are_blocked_by_qsignalblocker_not_bare_blocksignals(path):
    """A bare blockSignals(True) … blockSignals(False) pair leaves the widget mute if what is between raises."""
    assert "blockSignals(" not in path.read_text(encoding="utf-8")
