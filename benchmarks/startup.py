"""Start-up: the whole `attention-stepper screenshot` process against a bare PySide6 + pyqtgraph one.

python benchmarks/startup.py [--quick]

The baseline starts Python, imports PySide6 and pyqtgraph, shows one empty
PlotWidget, grabs it to PNG and exits. The app starts, computes, paints the
full window and writes the PNG. Interleaved; median ratio. Target ≤ 1.5.

Then, from python -X importtime: no module the first screen does not need
(pandas, torch, jieba, SciPy, OpenGL…) is imported by the screenshot
command, no Qt by the export command, and which modules the app imports
beyond the bare process, largest first.
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


#: Both processes as a person's would run: offscreen here, and with Python's bytecode cache on
#: (some sandboxes set PYTHONDONTWRITEBYTECODE, which made the app, and only the app, compile every
#: one of its modules at every start; pip compiles them once at install).
ENVIRONMENT = {**{name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"},
               "QT_QPA_PLATFORM": "offscreen"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=ENVIRONMENT)
    return time.perf_counter() - start


#: Modules the first screen does not need: none of them may be imported by the screenshot command.
HEAVY = ("pandas", "torch", "jieba", "scipy", "matplotlib", "h5py", "numba", "cupy", "OpenGL",
         "pyqtgraph.opengl", "PySide6.QtOpenGL", "PySide6.Qt3DCore", "PySide6.QtWebEngineCore")


def imported(command: list[str]) -> dict[str, int]:
    """Every module a command imports, with its own import time in µs (from python -X importtime)."""
    result = subprocess.run(command, capture_output=True, text=True, env=ENVIRONMENT)
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr[-400:]}")
    modules = {}
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            own, _cumulative, name = line[len("import time:"):].split("|")
            if own.strip().isdigit():
                modules[name.strip()] = int(own)
    return modules


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
        app_imports = imported([sys.executable, "-X", "importtime"] + app[1:])
        bare_imports = imported([sys.executable, "-X", "importtime"] + bare[1:])
        export_imports = imported([sys.executable, "-X", "importtime", "-m", "attention_stepper.gui.cli", "export",
                                   "--out", str(Path(folder) / "export"), "--force"])
    ratio = statistics.median(ours) / statistics.median(theirs)
    print(f"machine: {machine()}")
    print(table(["process", "median s", "runs"], [["attention-stepper screenshot", f"{statistics.median(ours):.3f}", runs],
                                                  ["bare PySide6 + pyqtgraph", f"{statistics.median(theirs):.3f}", runs]]))
    heavy = sorted(name for name in app_imports if name.split(".")[0] in HEAVY or name in HEAVY)
    print(f"heavy optional modules imported by the screenshot command: {heavy or 'none'}")
    qt = sorted(name for name in export_imports if name.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6"))
    print(f"Qt modules imported by the export command: {qt[:5] or 'none'}")
    extra = sorted(((microseconds, name) for name, microseconds in app_imports.items() if name not in bare_imports),
                   reverse=True)
    print(f"imported by the screenshot command beyond the bare process: {len(extra)} modules, "
          f"{sum(us for us, _ in extra) / 1000:.0f} ms of their own import time; the largest: "
          + ", ".join(f"{name} {us / 1000:.1f} ms" for us, name in extra[:8]))
    print(f"start-up: app/bare median ratio {ratio:.2f} (target ≤ 1.5): {'met' if ratio <= 1.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
