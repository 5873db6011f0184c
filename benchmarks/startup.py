"""Start-up: the whole `attention-stepper screenshot` process against a bare PySide6 + pyqtgraph one.

python benchmarks/startup.py [--quick]

The baseline starts Python, imports PySide6 and pyqtgraph, shows one empty
PlotWidget, grabs it to PNG and exits. The app starts, computes, paints the
full window and writes the PNG. Interleaved; median ratio. Target ≤ 1.5.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import machine, table  # noqa: E402

BARE = """
import sys
from PySide6.QtWidgets import QApplication
import pyqtgraph as pg
app = QApplication([])
plot = pg.PlotWidget()
plot.resize(1280, 800)
plot.show()
app.processEvents()
plot.grab().save(sys.argv[1])
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return time.perf_counter() - start


def main() -> int:
    runs = 4 if "--quick" in sys.argv else 10
    with tempfile.TemporaryDirectory() as folder:
        bare_script = Path(folder) / "bare.py"
        bare_script.write_text(BARE)
        app = [sys.executable, "-m", "attention_stepper.gui.cli", "screenshot", "--step", "scores",
               "--out", str(Path(folder) / "app.png")]
        bare = [sys.executable, str(bare_script), str(Path(folder) / "bare.png")]
        timed(app), timed(bare)  # warm the file cache
        ours, theirs = [], []
        for index in range(runs):
            for command, times in ([(app, ours), (bare, theirs)] if index % 2 == 0 else [(bare, theirs), (app, ours)]):
                times.append(timed(command))
        imports = subprocess.run([sys.executable, "-c",
                                  "import sys, runpy; sys.argv=['x','--version']; import attention_stepper.gui.cli as c; "
                                  "import attention_stepper.gui.screenshot; print(sorted(m for m in sys.modules "
                                  "if m.split('.')[0] in ('pandas','torch','jieba','scipy')))"],
                                 capture_output=True, text=True)
    ratio = statistics.median(ours) / statistics.median(theirs)
    print(f"machine: {machine()}")
    print(table(["process", "median s", "runs"], [["attention-stepper screenshot", f"{statistics.median(ours):.3f}", runs],
                                                  ["bare PySide6 + pyqtgraph", f"{statistics.median(theirs):.3f}", runs]]))
    print(f"heavy optional modules imported by the screenshot path: {imports.stdout.strip() or imports.stderr.strip()}")
    print(f"start-up: app/bare median ratio {ratio:.2f} (target ≤ 1.5): {'met' if ratio <= 1.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
