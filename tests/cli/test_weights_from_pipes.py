"""``--weights <(cat w.npz)`` works like the file itself, through the real command.

A zip is read by seeking, which a pipe cannot do, and the command looked at
the file twice (which layout, then load): the second look found the pipe
empty and said "the file is empty". A pipe is now read once, into memory, at
most a stated number of bytes. (Split from tests/core/test_weights_pipes.py,
which reads weights and sessions from a pipe in the core.)
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess

import numpy as np
import pytest
from bounded import COMMAND, assert_refused

from attention_stepper.core import init_weights, save_torch_weights, save_weights

pytestmark = pytest.mark.skipif(shutil.which("bash") is None or not os.path.isdir("/dev/fd"),
                                reason="needs bash's process substitution and /dev/fd")


def run_with_substitution(arguments: str) -> subprocess.CompletedProcess:
    """``attention-stepper ARGUMENTS`` through bash, so ``<(…)`` is a real pipe (/dev/fd/N)."""
    command = " ".join(shlex.quote(part) for part in COMMAND)
    return subprocess.run(["bash", "-c", f"{command} {arguments}"], capture_output=True, text=True, timeout=120)


def test_weights_through_process_substitution_are_used(tmp_path):
    weights = init_weights(d_model=6, heads=3, d_k=2, d_v=4, seed=9)
    path = save_weights(weights, tmp_path / "w.npz")
    result = run_with_substitution(f"export --weights <(cat {shlex.quote(str(path))}) --out {tmp_path / 'out'}")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["heads"], manifest["d_model"], manifest["d_k"], manifest["d_v"]) == (3, 6, 2, 4)
    with np.load(tmp_path / "out" / "weights.npz") as written:
        np.testing.assert_array_equal(written["w_v"], weights.w_v)


def test_torch_layout_weights_through_process_substitution(tmp_path):
    weights = init_weights(d_model=8, heads=2, d_k=4)
    path = save_torch_weights(weights, tmp_path / "t.npz")
    substituted = f"<(cat {shlex.quote(str(path))})"
    result = run_with_substitution(f"export --weights {substituted} --heads 2 --out {tmp_path / 'out'}")
    assert result.returncode == 0, result.stderr
    with np.load(tmp_path / "out" / "weights.npz") as written:
        np.testing.assert_array_equal(written["w_q"], weights.w_q)
    # Without --heads: the message about the heads, not "the file is empty"
    assert_refused(run_with_substitution(f"export --weights {substituted} --out {tmp_path / 'other'}"),
                   "PyTorch-layout weights", "--heads")


def test_a_pipe_of_something_else_is_refused_for_what_it_holds(tmp_path):
    result = run_with_substitution(f"export --weights <(echo hello) --out {tmp_path / 'out'}")
    assert_refused(result, "/dev/fd/", "not an .npz archive")
    result = run_with_substitution(f"export --weights <(true) --out {tmp_path / 'out'}")
    assert_refused(result, "/dev/fd/", "the file is empty")
