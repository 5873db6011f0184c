"""The core computes off the GUI thread; the newest change wins; nothing stale reaches the panels.

A slow computation is injected through the model's seam (``compute_plan``)
and held on a threading.Event, so every test decides when it finishes: no
sleeping, no timing.
"""

import os
import subprocess
import sys
import threading
import textwrap

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from attention_stepper.core import Parameters
from attention_stepper.core.stepper import Plan
from attention_stepper.gui.heatmap import MatrixPanel

from panel_checks import assert_panels_show_core, wait_for_computation


class Gate:
    """A compute_plan that waits, on the worker, until released for plans matching ``held``."""

    def __init__(self, held=lambda plan: True):
        self.held = held
        self.release = threading.Event()
        self.started = threading.Event()
        self.threads: list[threading.Thread] = []
        self.computed: list[Parameters] = []

    def __call__(self, plan: Plan):
        self.threads.append(threading.current_thread())
        if self.held(plan):
            self.started.set()
            assert self.release.wait(20), "the test never released the computation"
        computation = plan.compute()
        self.computed.append(plan.parameters)
        return computation


@pytest.fixture
def on_worker(window):
    """The window's model with every computation sent to the worker."""
    window.model.immediate_seconds = -1.0
    return window.model


def shown_d_k(window) -> list[int]:
    """Record the d_k of the computation each time the step view draws."""
    seen = []
    original = window.step_view.refresh

    def recording():
        seen.append(window.model.computation.parameters.d_k)
        original()

    window.step_view.refresh = recording
    return seen


def test_a_slow_computation_superseded_by_a_newer_change_never_reaches_the_panels(window, on_worker, qtbot):
    gate = Gate(held=lambda plan: plan.parameters.d_k == 5)
    on_worker.compute_plan = gate
    window.model.go_to("scores")
    drawn = shown_d_k(window)
    window.controls.d_k.editor.setValue(5)
    qtbot.waitUntil(gate.started.is_set)
    assert on_worker.busy and on_worker.parameters.d_k == 4, "the panels keep the last result meanwhile"
    window.controls.d_k.editor.setValue(6)
    assert on_worker.requested_parameters.d_k == 6
    gate.release.set()
    wait_for_computation(qtbot, on_worker)
    assert [p.d_k for p in gate.computed] == [5, 6], "d_k 5 was computed, then dropped"
    assert drawn == [6]
    assert window.controls.d_k.editor.value() == 6
    assert_panels_show_core(window, Parameters(d_k=6))


def test_changes_made_while_one_computes_are_all_kept(window, on_worker, qtbot):
    gate = Gate(held=lambda plan: plan.parameters.heads == 3 and plan.parameters.d_k == 4)
    on_worker.compute_plan = gate
    window.controls.heads.editor.setValue(3)
    qtbot.waitUntil(gate.started.is_set)
    window.controls.d_k.editor.setValue(6)
    window.controls.causal.editor.setChecked(True)
    assert window.edit_cell("w_q", 2, 0, 0, 1.5)  # head 3 exists only in the computation on its way
    gate.release.set()
    wait_for_computation(qtbot, on_worker)
    assert on_worker.parameters == Parameters(heads=3, d_k=6, causal=True)
    assert on_worker.computation.edited_cells("w_q", 2) == [(0, 0)]


def test_the_computation_runs_on_another_thread_and_only_the_gui_thread_touches_widgets(
        window, on_worker, qtbot, monkeypatch):
    gui = threading.current_thread()
    gate = Gate(held=lambda plan: False)
    on_worker.compute_plan = gate
    touched = []
    original = MatrixPanel.set_matrix

    def recording(self, *args, **kwargs):
        touched.append(threading.current_thread())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MatrixPanel, "set_matrix", recording)
    notified = []
    on_worker.changed.connect(lambda change: notified.append(threading.current_thread()))
    window.controls.heads.editor.setValue(3)
    wait_for_computation(qtbot, on_worker)
    assert gate.threads and all(thread is not gui for thread in gate.threads)
    assert touched and set(touched) == {gui}
    assert notified == [gui]
    assert_panels_show_core(window, Parameters(heads=3))


def test_the_busy_indicator_shows_while_a_computation_takes_long_and_goes_with_it(window, on_worker, qtbot):
    gate = Gate()
    on_worker.compute_plan = gate
    indicator = window.step_bar.busy
    assert not indicator.isVisible()
    window.controls.d_model.editor.setValue(12)
    qtbot.waitUntil(indicator.isVisible)
    assert window.controls.d_model.editor.isEnabled(), "the controls stay live"
    gate.release.set()
    wait_for_computation(qtbot, on_worker)
    assert not indicator.isVisible()


def test_a_computation_that_fails_on_the_worker_is_reported_under_its_control(window, on_worker, qtbot):
    def out_of_memory(plan):
        raise MemoryError

    on_worker.compute_plan = out_of_memory
    before = on_worker.computation
    with qtbot.waitSignal(on_worker.errorChanged, timeout=5000):
        window.controls.heads.editor.setValue(5)
    wait_for_computation(qtbot, on_worker)
    assert window.controls.heads.error_label.text() == "not enough memory for these sizes"
    assert window.controls.heads.editor.value() == 5
    assert on_worker.computation is before


def test_small_changes_are_computed_at_once_on_the_gui_thread(window):
    """The default sizes estimate far below a frame: they show in the same event, as before the worker."""
    gui = threading.current_thread()
    gate = Gate(held=lambda plan: False)
    window.model.compute_plan = gate
    window.controls.d_k.editor.setValue(5)
    assert not window.model.busy
    assert gate.threads == [gui]
    assert_panels_show_core(window, Parameters(d_k=5))


def test_closing_the_window_while_a_computation_runs_drops_it(window, on_worker, qtbot):
    gate = Gate()
    on_worker.compute_plan = gate
    drawn = shown_d_k(window)
    window.controls.d_k.editor.setValue(7)
    qtbot.waitUntil(gate.started.is_set)
    window.close()  # returns at once, with the computation still running
    assert not on_worker.busy and on_worker.worker.is_running()
    gate.release.set()
    assert on_worker.worker.wait(20_000)
    QApplication.processEvents()  # a result sent on would be delivered now: it must have been dropped
    assert drawn == [] and on_worker.parameters.d_k == 4


CLOSE_WHILE_COMPUTING = textwrap.dedent("""
    import threading
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from attention_stepper.core import Parameters
    from attention_stepper.gui.main_window import MainWindow
    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.screenshot import quiet_offscreen_size_hints

    quiet_offscreen_size_hints()
    app = QApplication([])
    model = AttentionModel(Parameters())
    model.immediate_seconds = -1.0
    started, release = threading.Event(), threading.Event()

    def slow(plan):
        started.set()
        release.wait(20)
        return plan.compute()

    model.compute_plan = slow
    window = MainWindow(model)
    window.show()

    def close_when_started():
        if not started.is_set():
            QTimer.singleShot(5, close_when_started)
            return
        threading.Timer(0.1, release.set).start()
        window.close()
        app.quit()

    QTimer.singleShot(0, lambda: window.controls.d_k.editor.setValue(9))
    QTimer.singleShot(0, close_when_started)
    raise SystemExit(app.exec())
""")


def test_closing_during_a_computation_exits_cleanly_with_nothing_on_stderr(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", CLOSE_WHILE_COMPUTING], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_scaling_lab_and_head_statistics_compute_on_their_own_workers_when_large(window, on_worker, qtbot,
                                                                                   monkeypatch):
    import attention_stepper.gui.head_stats as head_stats_module
    import attention_stepper.gui.scaling_lab as scaling_lab_module
    from attention_stepper.core.experiments import head_statistics, scaling_curves

    gui = threading.current_thread()
    threads = {"lab": [], "statistics": []}
    release = threading.Event()

    def slow_curves(parameters, *args):
        threads["lab"].append(threading.current_thread())
        assert release.wait(20)
        return scaling_curves(parameters, *args)

    def recorded_statistics(computation):
        threads["statistics"].append(threading.current_thread())
        return head_statistics(computation)

    monkeypatch.setattr(scaling_lab_module, "scaling_curves", slow_curves)
    monkeypatch.setattr(head_stats_module, "head_statistics", recorded_statistics)
    lab = window.scaling_lab
    window.tabs.setCurrentWidget(lab)
    assert lab.curves() is None, "the lab waits for its worker; the window does not"
    window.controls.d_k.editor.setValue(16)  # while the first curves are still computing
    release.set()
    qtbot.waitUntil(lambda: lab.curves() is not None and lab.curves().current_d_k == 16, timeout=20_000)
    assert threads["lab"] and gui not in threads["lab"]
    np.testing.assert_array_equal(lab.plotted("entropy_scaled")[1],
                                  scaling_curves(window.model.parameters).entropy_scaled)
    window.tabs.setCurrentWidget(window.head_statistics)
    qtbot.waitUntil(lambda: window.head_statistics.statistics() is not None, timeout=20_000)
    assert threads["statistics"] and gui not in threads["statistics"]
    assert len(window.head_statistics.overview_panels()) == 2


def test_numpys_blas_threads_leave_one_core_to_the_gui_thread(window, on_worker, qtbot):
    """OpenBLAS's threads spin on every core after each product; the GUI thread needs one to paint."""
    from threadpoolctl import threadpool_info

    from attention_stepper.gui.worker import gui_cores

    window.controls.d_k.editor.setValue(5)
    wait_for_computation(qtbot, on_worker)
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == gui_cores() for pool in blas)
    assert gui_cores() >= 1


def test_a_result_from_the_worker_switches_the_panels_in_one_repaint(window, on_worker, qtbot):
    """While the worker computes no panel repaints; when the result arrives, each panel paints once."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QGraphicsView

    class Paints(QObject):
        def __init__(self):
            super().__init__()
            self.count: dict[int, int] = {}

        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                self.count[id(watched)] = self.count.get(id(watched), 0) + 1
            return False

    gate = Gate()
    on_worker.compute_plan = gate
    window.model.go_to("scores")
    for _ in range(5):
        QApplication.processEvents()
    paints = Paints()
    viewports = [panel.findChild(QGraphicsView).viewport() for _, _, panel in window.step_view.panels()]
    for viewport in viewports:
        viewport.installEventFilter(paints)
    window.controls.d_k.editor.setValue(6)
    qtbot.waitUntil(gate.started.is_set)
    qtbot.waitUntil(window.step_bar.busy.isVisible)  # the event loop runs (and paints the indicator) meanwhile
    assert paints.count == {}, "the panels keep the last result, unpainted, while the worker computes"
    gate.release.set()
    wait_for_computation(qtbot, on_worker)
    qtbot.waitUntil(lambda: len(paints.count) == len(viewports))
    for _ in range(5):
        QApplication.processEvents()
    assert [paints.count[id(viewport)] for viewport in viewports] == [1] * len(viewports)
    assert_panels_show_core(window, Parameters(d_k=6))



def test_finished_computations_keep_no_plan_alive(qtbot):
    """A plan (the parameters, the weights) is let go once its computation is shown: a QRunnable subclass
    handed to the pool stayed alive in PySide with the plan it held, about 600 bytes a computation."""
    import gc

    from attention_stepper.gui.model import AttentionModel

    model = AttentionModel()
    model.immediate_seconds = -1.0  # every computation on the worker
    for number in range(20):
        with qtbot.waitSignal(model.busyChanged, timeout=10_000, check_params_cb=lambda busy: not busy):
            model.set_parameters(heads=1 + number % 4)
    gc.collect()
    assert sum(type(thing) is Plan for thing in gc.get_objects()) <= 2
    model.close()
