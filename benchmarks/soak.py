"""Soak: 5,000 parameter changes in one window; graphics items and memory must stay bounded.

python benchmarks/soak.py [--changes N]

Cycles heads, d_k, the mask, the sentence and the step through the model,
as the controls do (every change waits for its result, from the worker when
the sizes send it there: ``--worker`` sends every change there), and reports the number of graphics items in every
panel's scene, Python's traced memory and the process RSS at the start,
after 1,000 changes and at the end.
"""

from __future__ import annotations

import gc
import os
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import machine, table  # noqa: E402
from waiting import ResultWaiter  # noqa: E402

from PySide6.QtWidgets import QApplication, QGraphicsView  # noqa: E402

from attention_stepper.gui.main_window import MainWindow  # noqa: E402
from attention_stepper.gui.model import AttentionModel  # noqa: E402
from attention_stepper.gui.screenshot import quiet_offscreen_size_hints  # noqa: E402

SENTENCES = ["我 爱 机器 学习", "猫吃鱼", "the cat sat on the mat", "一 二 三 四 五 六 七 八"]


def rss_mib() -> float:
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def items(window) -> int:
    return sum(len(view.scene().items()) for view in window.findChildren(QGraphicsView) if view.scene())


def main() -> int:
    changes = int(sys.argv[sys.argv.index("--changes") + 1]) if "--changes" in sys.argv else 5000
    quiet_offscreen_size_hints()  # offscreen, the windows' size hints go nowhere: no news
    app = QApplication.instance() or QApplication([])
    model = AttentionModel()
    if "--worker" in sys.argv:
        model.immediate_seconds = -1.0  # every computation on the worker thread
    window = MainWindow(model)
    window.show()
    settle = ResultWaiter(model)
    steps = ["scores", "softmax", "weighted_sum", "project", "concat", "output"]

    def change(i: int) -> None:
        kind = i % 5
        if kind == 0:
            model.set_parameters(heads=1 + i % 4)
        elif kind == 1:
            model.set_parameters(d_k=2 + i % 6)
        elif kind == 2:
            model.set_parameters(causal=bool(i % 3))
        elif kind == 3:
            model.set_parameters(sentence=SENTENCES[i % len(SENTENCES)])
        else:
            model.go_to(steps[i % len(steps)])
        settle()

    for i in range(200):  # every layout seen once
        change(i)
    gc.collect()
    tracemalloc.start()
    rows = [["start", 0, items(window), f"{tracemalloc.get_traced_memory()[0] / 2**20:.2f}", f"{rss_mib():.1f}"]]
    start = time.perf_counter()
    for i in range(changes):
        change(i)
        if i + 1 in (1000, changes):
            gc.collect()
            rows.append([f"after {i + 1}", i + 1, items(window), f"{tracemalloc.get_traced_memory()[0] / 2**20:.2f}",
                         f"{rss_mib():.1f}"])
    elapsed = time.perf_counter() - start
    where = "every one on the worker thread" if "--worker" in sys.argv else "small ones at once, as the app does"
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}; {changes} changes ({where}) in "
          f"{elapsed:.1f} s ({elapsed / changes * 1000:.1f} ms each)")
    print(table(["when", "changes", "graphics items", "traced MiB", "RSS MiB"], rows))
    item_growth = rows[-1][2] - rows[0][2]
    traced_growth = float(rows[-1][3]) - float(rows[0][3])
    rss_growth = float(rows[-1][4]) - float(rows[1][4])
    # Bounded: not one graphics item more, and under 5 MiB more Python memory and (once the first
    # thousand changes have warmed Qt's and the allocator's caches) under 5 MiB more RSS.
    bounded = item_growth <= 0 and traced_growth < 5 and rss_growth < 5
    print(f"soak: graphics items {rows[0][2]} → {rows[-1][2]}, traced memory {traced_growth:+.2f} MiB, "
          f"RSS after the first 1000 {rss_growth:+.1f} MiB (targets: items constant, both < 5 MiB): "
          + ("bounded" if bounded else "GROWING"))
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
