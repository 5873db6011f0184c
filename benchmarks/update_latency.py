"""Update latency of the real main window against the floor of bare pyqtgraph panels.

python benchmarks/update_latency.py [--quick] [--sizes 4x2,256x8]

App: change the sentence, the heads or d_k through the model (as the
controls do) and wait until the panels hold the new data and the repaint is
processed (grab of the panel area forces the paint). Floor: ImageItem.setImage
of the same matrices (float32, explicit levels, a lookup table) into the same
number of bare, shown PlotWidgets, then the same grab. Interleaved; median
ratio app/floor. Targets: ≤ 2.0 at every size; the default size under one
60 Hz frame (16 ms).
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import interleaved, machine, median_ratio, ms, table  # noqa: E402

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtWidgets import QApplication, QGridLayout, QWidget  # noqa: E402

from attention_stepper.core.pipeline import Parameters, compute  # noqa: E402
from attention_stepper.gui.main_window import MainWindow  # noqa: E402
from attention_stepper.gui.model import AttentionModel  # noqa: E402

SIZES = [(4, 2), (32, 8), (256, 8), (512, 16)]  # (tokens, heads)
if "--sizes" in sys.argv:
    SIZES = [tuple(map(int, s.split("x"))) for s in sys.argv[sys.argv.index("--sizes") + 1].split(",")]


def sentence(n: int, variant: int) -> str:
    return " ".join(f"w{(i + variant) % (n + 1)}" for i in range(n)) if n > 4 else \
        ("我 爱 机器 学习" if variant == 0 else "猫 吃 小 鱼")


class Floor(QWidget):
    """As many bare PlotWidget + ImageItem panels as the window shows, laid out alike."""

    def __init__(self, count: int):
        super().__init__()
        grid = QGridLayout(self)
        self.items, self.plots = [], []
        lut = pg.colormap.get("viridis").getLookupTable(nPts=256)
        for index in range(count):
            plot = pg.PlotWidget()
            item = pg.ImageItem(axisOrder="row-major")
            item.setLookupTable(lut)
            plot.addItem(item)
            grid.addWidget(plot, index // 4, index % 4)
            self.items.append(item)
            self.plots.append(plot)
        self.resize(1000, 760)
        self.show()

    def show_matrices(self, matrices: list[np.ndarray]) -> None:
        for index, plot in enumerate(self.plots):
            plot.setVisible(index < len(matrices))  # as many panels as the app shows
        for item, matrix in zip(self.items, matrices):
            display = np.ascontiguousarray(matrix, dtype=np.float32)
            finite = display[np.isfinite(display)]
            top = float(np.abs(finite).max()) if finite.size else 1.0
            item.setImage(display, levels=(-top, top), autoLevels=False)


def main() -> int:
    quick = "--quick" in sys.argv
    app = QApplication.instance() or QApplication([])
    print(f"machine: {machine()}")
    rows, missed = [], []
    for n, heads in SIZES:
        parameters = Parameters(sentence=sentence(n, 0), heads=heads, d_model=64, d_k=8)
        model = AttentionModel(parameters)
        window = MainWindow(model)
        window.resize(1280, 800)
        window.show()
        model.go_to("softmax")
        app.processEvents()
        panel_count = len(window.step_view.panels())
        floor = Floor(2 * (heads + 1))  # enough for the heads + 1 change; show_matrices shows what the app shows
        repeats = {4: 60, 32: 30, 256: 12, 512: 6}[n] // (3 if quick else 1)
        for name, changes in (("sentence", [{"sentence": sentence(n, 1)}, {"sentence": sentence(n, 0)}]),
                              ("heads", [{"heads": heads + 1}, {"heads": heads}]),
                              ("d_k", [{"d_k": 9}, {"d_k": 8}])):
            state = {"i": 0}
            alternatives = [compute(Parameters(**{**parameters.__dict__, **change})) for change in changes]

            def app_update():
                state["i"] += 1
                model.set_parameters(**changes[state["i"] % 2])
                app.processEvents()
                window.panels_scroll.viewport().grab()

            def floor_update():
                computation = alternatives[state["i"] % 2]
                shown = computation.parameters.heads
                floor.show_matrices([computation.trace["scaled"][h] for h in range(shown)]
                                    + [computation.trace["weights"][h] for h in range(shown)])
                app.processEvents()
                floor.grab()

            ours, theirs = interleaved(app_update, floor_update, max(repeats, 3), warmup=2)
            ratio = median_ratio(ours, theirs)
            ok = ratio <= 2.0 and (n != 4 or statistics.median(ours) < 0.016)
            if not ok:
                missed.append(f"{n} tokens/{heads} heads {name}")
            rows.append([f"{n} / {heads}", name, panel_count, ms(statistics.median(ours)),
                         ms(statistics.median(theirs)), f"{ratio:.2f}", "met" if ok else "MISSED"])
        window.close()
        floor.close()
    print(table(["tokens / heads", "change", "panels", "app ms", "floor ms", "app/floor", "≤ 2.0"], rows))
    worst = max(float(row[5]) for row in rows)
    default = [float(row[3]) for row in rows if row[0] == "4 / 2"]
    print(f"update latency: worst app/floor {worst:.2f} (target ≤ 2.0), default size {max(default):.1f} ms "
          f"(target < 16 ms): " + ("all targets met" if not missed else f"missed: {', '.join(missed)}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
