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

from command_line import COMMAND, PREFIX, assert_refused, run_cli

try:
    import resource
except ImportError:  # Windows: no address-space cap, the refusal is still checked
    resource = None

__all__ = ["CAP", "CAPPED", "COMMAND", "assert_refused", "run_capped", "run_command", "run_core"]

CAP = 1536 * 2**20


#: Linux enforces RLIMIT_AS; macOS accepts no lower limit, Windows has none.
CAPPED = resource is not None and sys.platform.startswith("linux")


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


#: One BLAS thread: OpenBLAS reserves address space per thread, which would make the cap depend on the machine.
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "QT_QPA_PLATFORM": "offscreen"}


def _environment() -> dict[str, str]:
    return {**os.environ, **ONE_THREAD}


def run_capped(args: list[str], stdin=None, shell: bool = False, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``args`` (a command list, or one bash command line with ``shell``) under the memory cap."""
    command = ["bash", "-c", args] if shell else args
    return subprocess.run(command, stdin=stdin, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_cap if CAPPED else None, env=_environment())


def run_command(*args: object, stdin=None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``attention-stepper ARGS`` under the memory cap (command_line.run_cli, capped)."""
    return run_cli(*args, stdin=stdin, timeout=timeout, env=ONE_THREAD, preexec_fn=_cap if CAPPED else None)


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
