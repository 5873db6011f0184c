"""Update latency of the real main window against the floor of bare pyqtgraph panels.

python benchmarks/update_latency.py [--quick] [--sizes 4x2,256x8] [--steps softmax,scores]

App: the real MainWindow, shown (offscreen), at a step with all heads side
by side. Change the sentence, the heads or d_k through the model (as the
controls do; the sentence without the typing debounce), alternating between
two values so every update is real, then process events and grab the panel
area (the grab forces the paint). Floor: ImageItem.setImage of the same
matrices (float32, explicit levels, a lookup table) into as many bare, shown
PlotWidgets, placed in the same grid cells as the app's panels (so they get
the same sizes), then process events and the same grab. Interleaved; median
ratio app/floor. Targets: ≤ 2.0 at every size; the default size (4 tokens,
2 heads) under one 60 Hz frame (16 ms).

The app's time includes the core's recomputation (the floor is given
precomputed matrices) and every part of the window that listens to the
model, hidden tabs included. Larger sizes compute on the model's worker
thread: the app's update then waits (in the event loop, as the app does)
for the result to arrive before it paints, so the hand-over is timed too.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import interleaved, machine, median_ratio, ms, table  # noqa: E402
from waiting import ResultWaiter  # noqa: E402

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtWidgets import QApplication, QGridLayout, QWidget  # noqa: E402

from attention_stepper.core.computation import compute  # noqa: E402
from attention_stepper.core.parameters import Parameters  # noqa: E402
from attention_stepper.gui.main_window import MainWindow  # noqa: E402
from attention_stepper.gui.model import AttentionModel  # noqa: E402
from attention_stepper.gui.screenshot import quiet_offscreen_size_hints  # noqa: E402
from attention_stepper.gui.step_view import layout_slots  # noqa: E402

SIZES = [(4, 2), (32, 8), (256, 8), (512, 16)]  # (tokens, heads)
STEPS = ["softmax", "scores"]
REPEATS = {4: 60, 32: 30, 256: 12, 512: 6}
DEFAULT = (4, 2)
FRAME = 0.016


def _option(name: str, default: list[str]) -> list[str]:
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1].split(",")
    return default


def sentence(n: int, variant: int) -> str:
    return " ".join(f"w{(i + variant) % (n + 1)}" for i in range(n)) if n > 4 else \
        ("我 爱 机器 学习" if variant == 0 else "猫 吃 小 鱼")


class Floor(QWidget):
    """Bare PlotWidget + ImageItem panels in the same grid cells as the app's panels."""

    def __init__(self, count: int, size):
        super().__init__()
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(2, 2, 2, 2)
        self.grid.setSpacing(4)
        self.items, self.plots = [], []
        self.places: list[tuple[int, int, int, int] | None] = [None] * count
        lut = pg.colormap.get("viridis").getLookupTable(nPts=256)
        for _ in range(count):
            plot = pg.PlotWidget()
            plot.setMinimumSize(150, 130)
            item = pg.ImageItem(axisOrder="row-major")
            item.setLookupTable(lut)
            plot.addItem(item)
            plot.hide()
            self.items.append(item)
            self.plots.append(plot)
        self.resize(size)
        self.show()

    def show_matrices(self, shown: list[tuple[tuple[int, int, int, int], np.ndarray]]) -> None:
        """``shown``: (grid place, matrix) of every panel, as the app places them."""
        for index, plot in enumerate(self.plots):
            place = shown[index][0] if index < len(shown) else None
            if place != self.places[index]:  # move panels only when the layout changes, as the app does
                self.grid.removeWidget(plot)
                if place is not None:
                    self.grid.addWidget(plot, *place)
                self.places[index] = place
            plot.setVisible(place is not None)
        for item, (_, matrix) in zip(self.items, shown):
            display = np.ascontiguousarray(matrix, dtype=np.float32)
            finite = display[np.isfinite(display)]
            top = float(np.abs(finite).max()) if finite.size else 1.0
            item.setImage(display, levels=(-top, top), autoLevels=False)


def measure(app: QApplication, n: int, heads: int, step: str, repeats: int) -> list[list[object]]:
    parameters = Parameters(sentence=sentence(n, 0), heads=heads, d_model=64, d_k=8)
    model = AttentionModel(parameters)
    window = MainWindow(model)
    window.resize(1280, 800)
    window.show()
    settle = ResultWaiter(model)
    model.go_to(step)
    settle()
    panel_count = len(window.step_view.panels())
    area = window.panels_scroll.viewport()
    floor = Floor(3 * (heads + 1) + 2, window.step_view.size())
    rows = []
    for name, changes in (("sentence", [{"sentence": sentence(n, 1)}, {"sentence": sentence(n, 0)}]),
                          ("heads", [{"heads": heads + 1}, {"heads": heads}]),
                          ("d_k", [{"d_k": 9}, {"d_k": 8}])):
        state = {"i": 0}
        shown = []  # per alternative: (grid place, matrix) of every panel the app shows
        for change in changes:
            computation = compute(Parameters(**{**parameters.__dict__, **change}))
            model.set_parameters(**change)
            settle()
            shown.append([((slot.row, slot.column, slot.row_span, 1), computation.matrix(slot.key, slot.head))
                          for slot in layout_slots(model)])

        def app_update():
            state["i"] += 1
            model.set_parameters(**changes[state["i"] % 2])
            settle()
            area.grab()

        def floor_update():
            floor.show_matrices(shown[state["i"] % 2])
            app.processEvents()
            floor.grab()

        ours, theirs = interleaved(app_update, floor_update, max(repeats, 3), warmup=2)
        model.set_parameters(**changes[1])  # back to the starting parameters for the next kind of change
        settle()
        rows.append([f"{n} / {heads}", step, name, panel_count, statistics.median(ours),
                     statistics.median(theirs), median_ratio(ours, theirs)])
    window.close()
    floor.close()
    return rows


def main() -> int:
    quick = "--quick" in sys.argv
    sizes = [tuple(map(int, size.split("x"))) for size in _option("--sizes", [f"{n}x{h}" for n, h in SIZES])]
    steps = _option("--steps", STEPS)
    quiet_offscreen_size_hints()  # offscreen, the windows' size hints go nowhere: no news
    app = QApplication.instance() or QApplication([])
    print(f"machine: {machine()}; PySide6 {__import__('PySide6').__version__}, pyqtgraph {pg.__version__}, "
          f"NumPy {np.__version__}")
    results = []
    for step in steps:
        for n, heads in sizes:
            results.extend(measure(app, n, heads, step, REPEATS.get(n, 6) // (3 if quick else 1)))
    missed = []
    rows = []
    for size, step, name, panels, ours, theirs, ratio in results:
        ok = ratio <= 2.0 and (size != f"{DEFAULT[0]} / {DEFAULT[1]}" or ours < FRAME)
        if not ok:
            missed.append(f"{size} {step} {name}")
        rows.append([size, step, name, panels, ms(ours), ms(theirs), f"{ratio:.2f}", "met" if ok else "MISSED"])
    print(table(["tokens / heads", "step", "change", "panels", "app ms", "floor ms", "app/floor", "target"], rows))
    worst = max(result[6] for result in results)
    default = [result[4] for result in results if result[0] == f"{DEFAULT[0]} / {DEFAULT[1]}"]
    frame = f", default size at most {max(default) * 1000:.1f} ms (target < 16 ms)" if default else ""
    print(f"update latency: worst app/floor {worst:.2f} (target ≤ 2.0){frame}: "
          + ("all targets met" if not missed else f"missed {len(missed)} of {len(rows)}: {', '.join(missed)}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
