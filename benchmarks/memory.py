"""Peak memory of `attention-stepper export` at 512 tokens, 16 heads, d_model 512.

python benchmarks/memory.py

Measures the peak RSS of the real command (a child process; its
ru_maxrss read through a small wrapper) against the interpreter's own
baseline (a process that imports the core and exits) plus the bytes of
the trace and weights it holds. Target: peak ≤ baseline + 2 × (trace + weights).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import machine, table  # noqa: E402

from attention_stepper.core.computation import compute  # noqa: E402
from attention_stepper.core.parameters import Parameters  # noqa: E402

WRAPPER = """
import json, resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(json.dumps(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024))
"""


def peak_rss(command: list[str]) -> int:
    result = subprocess.run([sys.executable, "-c", WRAPPER, *command], check=True, capture_output=True, text=True)
    return int(json.loads(result.stdout))


def main() -> int:
    sentence = " ".join(f"w{i}" for i in range(512))
    baseline = peak_rss([sys.executable, "-c", "import numpy, attention_stepper.core.export, attention_stepper.gui.cli"])
    rows, verdicts = [], []
    with tempfile.TemporaryDirectory() as folder:
        for d_k in (4, 32):
            parameters = Parameters(sentence=sentence, heads=16, d_model=512, d_k=d_k)
            computation = compute(parameters)
            held = computation.trace.nbytes() + sum(a.nbytes for a in computation.weights.arrays().values())
            peak = peak_rss([sys.executable, "-m", "attention_stepper.gui.cli", "export", "--sentence", sentence,
                             "--heads", "16", "--d-model", "512", "--d-k", str(d_k),
                             "--out", str(Path(folder) / f"out{d_k}")])
            limit = baseline + 2 * held
            met = peak <= limit
            verdicts.append(met)
            rows.append([f"512 / 16 / 512 / d_k {d_k}", f"{held / 2**20:.1f}", f"{baseline / 2**20:.1f}",
                         f"{peak / 2**20:.1f}", f"{(peak - baseline) / held:.2f}", "met" if met else "MISSED"])
    print(f"machine: {machine()}")
    print(table(["tokens / heads / d_model", "trace+weights MiB", "baseline MiB", "peak MiB",
                 "(peak−baseline)/held", "≤ 2"], rows))
    print("memory: peak ≤ baseline + 2 × held: " + ("all targets met" if all(verdicts) else "MISSED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
