"""The window under hostile use: random action sequences, errors in slots, long sessions."""

import gc
import shutil
import sys
import tempfile
import tracemalloc
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from PySide6.QtWidgets import QApplication, QGraphicsView, QMessageBox

from attention_stepper.core import STEP_KEYS, Parameters

from panel_checks import assert_panels_show_core

SENTENCES = st.one_of(
    st.sampled_from(["我 爱 机器 学习", "猫吃鱼", "", "   ", "the cat sat on the mat .", "👨‍👩‍👧 e\u0301 \u200b א ב",
                     " ".join(f"w{i}" for i in range(600))]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
)


class WindowMachine(RuleBasedStateMachine):
    """Random sequences of what a person does; after each, the panels must agree with the core."""

    def __init__(self):
        super().__init__()
        from attention_stepper.gui.main_window import MainWindow
        from attention_stepper.gui.model import AttentionModel

        self.app = QApplication.instance() or QApplication([])
        self.errors = []
        self._previous_hook = sys.excepthook
        sys.excepthook = lambda kind, error, trace: self.errors.append(error)
        self.window = MainWindow(AttentionModel(Parameters()))
        self.window.show()
        self.folder = Path(tempfile.mkdtemp(prefix="stepper-machine-"))
        self.exports = 0

    def teardown(self):
        self.window.step_bar.navigator.pause()
        self.window.close()
        self.window.deleteLater()
        sys.excepthook = self._previous_hook
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(sentence=SENTENCES)
    def type_sentence(self, sentence):
        sentence_control = self.window.controls.sentence
        sentence_control.editor.clear()
        if sentence:
            sentence_control.editor.setText(sentence)
        sentence_control.submit()

    @rule(heads=st.integers(1, 6))
    def set_heads(self, heads):
        self.window.controls.heads.editor.setValue(heads)

    @rule(d_model=st.integers(1, 16))
    def set_d_model(self, d_model):
        self.window.controls.d_model.editor.setValue(d_model)

    @rule(d_k=st.integers(1, 9))
    def set_d_k(self, d_k):
        self.window.controls.d_k.editor.setValue(d_k)

    @rule(seed=st.integers(0, 2**31 - 1))
    def set_seed(self, seed):
        self.window.controls.seed.editor.setValue(seed)

    @rule()
    def toggle_mask(self):
        box = self.window.controls.causal.editor
        box.setChecked(not box.isChecked())

    @rule()
    def toggle_positions(self):
        box = self.window.controls.positional_encoding.editor
        box.setChecked(not box.isChecked())

    @rule(move=st.sampled_from(["next", "previous", "first", "last"]))
    def step(self, move):
        navigator = self.window.step_bar.navigator
        button = {"next": navigator.next_button, "previous": navigator.previous_button,
                  "first": navigator.first_button, "last": navigator.last_button}[move]
        button.click()

    @rule(key=st.sampled_from(STEP_KEYS))
    def click_stage(self, key):
        button = self.window.step_bar.stages.buttons[key]
        if not button.isHidden():
            button.click()
            assert self.window.model.step.key == key

    @rule(ticks=st.integers(1, 4))
    def play(self, ticks):
        navigator = self.window.step_bar.navigator
        navigator.play_button.click()
        for _ in range(ticks):
            navigator._advance()
        if navigator.playing:
            navigator.play_button.click()

    @rule(data=st.data())
    def switch_head(self, data):
        selector = self.window.step_bar.head_selector
        selector.setCurrentIndex(data.draw(st.integers(0, selector.count() - 1)))

    @rule()
    def export(self):
        self.exports += 1
        folder = self.window.exporter.export_all(self.folder / f"export{self.exports}")
        assert folder is not None and (folder / "manifest.json").is_file()

    @invariant()
    def panels_agree_with_the_core(self):
        QApplication.processEvents()
        assert not self.errors, self.errors
        assert_panels_show_core(self.window)


TestWindowMachine = WindowMachine.TestCase
TestWindowMachine.settings = settings(max_examples=12, stateful_step_count=25, deadline=None,
                                      suppress_health_check=list(HealthCheck))


def test_an_error_in_a_slot_shows_one_dialog_and_the_app_goes_on(window, qtbot, monkeypatch):
    """An unexpected exception reaches the hook, which shows one dialog with a Copy details button."""
    from attention_stepper.gui import errors

    shown = []

    def fake_exec(box):
        shown.append(box)
        copy = [b for b in box.buttons() if b.text() == "Copy details"][0]
        copy.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    errors.install_excepthook(window)

    def broken():
        raise RuntimeError("the export broke")

    button = window.step_bar.navigator.next_button
    button.clicked.connect(broken)  # a bug in a slot, reached by a real click
    try:
        button.click()
    finally:
        button.clicked.disconnect(broken)
    assert len(shown) == 1
    assert "the export broke" in shown[0].text()
    assert "RuntimeError" in QApplication.clipboard().text()
    assert window.model.step.key == "project", "the click's other slot still ran"
    window.step_bar.navigator.next_button.click()
    assert window.model.step.key == "scores"
    assert_panels_show_core(window)


def test_exporting_to_an_unwritable_place_says_so_and_writes_nothing(window, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert window.exporter.export_all(blocker / "inside") is None
    assert "Nothing was written" in window.exporter.last_message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def _graphics_items(window) -> int:
    return sum(len(view.scene().items()) for view in window.findChildren(QGraphicsView) if view.scene())


@pytest.mark.parametrize("changes", [300])
def test_many_parameter_changes_do_not_grow_items_or_memory(window, changes):
    """A long session: the number of graphics items and the memory stay bounded (benchmarks run 5,000)."""
    controls = window.controls
    window.model.go_to("softmax")

    def cycle(i):
        controls.heads.editor.setValue(1 + i % 4)
        controls.d_k.editor.setValue(2 + i % 5)
        controls.causal.editor.setChecked(i % 3 == 0)

    for i in range(40):  # warm up: every layout has been seen once
        cycle(i)
    QApplication.processEvents()
    gc.collect()
    items_before = _graphics_items(window)
    tracemalloc.start()
    memory_before = tracemalloc.get_traced_memory()[0]
    for i in range(changes):
        cycle(i)
    QApplication.processEvents()
    gc.collect()
    memory_after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert _graphics_items(window) <= items_before
    assert memory_after - memory_before < 2_000_000, f"grew by {memory_after - memory_before} bytes"
    assert_panels_show_core(window)
