"""Running the real command, or a core call, in a subprocess whose address space is capped.

A bad input must be refused with exit status 2 and one line, not end in a
MemoryError or a traceback, and must not need more memory than a normal run:
so the child runs under ``resource.setrlimit(RLIMIT_AS, CAP)``. A normal run of
``attention-stepper export`` with 512 tokens needs about 250 MB of address space
(NumPy and OpenBLAS included; measured 2026-12); CAP is several times that, and
far below what the inputs below would take unchecked (gigabytes).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

try:
    import resource
except ImportError:  # Windows: no address-space cap, the refusal is still checked
    resource = None

CAP = 1536 * 2**20
SCRIPT = Path(sys.executable).with_name("attention-stepper")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "attention_stepper.gui.cli"]
PREFIX = "attention-stepper: error: "


#: Linux enforces RLIMIT_AS; macOS accepts no lower limit, Windows has none.
CAPPED = resource is not None and sys.platform.startswith("linux")


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def _environment() -> dict[str, str]:
    # One BLAS thread: OpenBLAS reserves address space per thread, which would make the cap depend on the machine.
    return {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "QT_QPA_PLATFORM": "offscreen"}


def run_capped(args: list[str], stdin=None, shell: bool = False, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``args`` (a command list, or one bash command line with ``shell``) under the memory cap."""
    command = ["bash", "-c", args] if shell else args
    return subprocess.run(command, stdin=stdin, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_cap if CAPPED else None, env=_environment())


def run_command(*args: object, stdin=None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``attention-stepper ARGS`` under the memory cap."""
    return run_capped([*COMMAND, *map(str, args)], stdin=stdin, timeout=timeout)


def run_core(call: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Evaluate ``call`` (say ``load_session('s.attn.npz')``) under the memory cap, as the command would.

    For the core functions that have no command: their ValueError becomes
    exit status 2 and one line on stderr, like the command's refusals.
    """
    code = ("import sys\n"
            "from attention_stepper.core import *\n"
            "try:\n"
            f"    {call}\n"
            "except ValueError as error:\n"
            f"    sys.stderr.write({PREFIX!r} + str(error) + '\\n')\n"
            "    sys.exit(2)\n")
    return run_capped([sys.executable, "-c", code], timeout=timeout)


def assert_refused(result: subprocess.CompletedProcess, *phrases: str) -> str:
    """Exit status 2 and exactly one line ``attention-stepper: error: …`` holding every phrase."""
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines[:5]
    assert lines[0].startswith(PREFIX), lines[0]
    for phrase in phrases:
        assert phrase in lines[0], (phrase, lines[0][:500])
    assert len(lines[0]) < 1000, lines[0][:1000]
    return lines[0]
