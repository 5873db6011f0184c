"""Weights and sessions read from a pipe: ``--weights <(cat w.npz)`` works like the file itself.

A zip is read by seeking, which a pipe cannot do, and the command looked at
the file twice (which layout, then load): the second look found the pipe
empty and said "the file is empty". A pipe is now read once, into memory, at
most a stated number of bytes.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import threading

import numpy as np
import pytest
from bounded import COMMAND, assert_refused

from attention_stepper.core import (
    Parameters,
    WeightsFileError,
    init_weights,
    load_session,
    load_weights,
    save_session,
    save_torch_weights,
    save_weights,
)
from attention_stepper.core.npz_reading import npz_source

pytestmark = pytest.mark.skipif(shutil.which("bash") is None or not os.path.isdir("/dev/fd"),
                                reason="needs bash's process substitution and /dev/fd")


def run_with_substitution(arguments: str) -> subprocess.CompletedProcess:
    """``attention-stepper ARGUMENTS`` through bash, so ``<(…)`` is a real pipe (/dev/fd/N)."""
    command = " ".join(shlex.quote(part) for part in COMMAND)
    return subprocess.run(["bash", "-c", f"{command} {arguments}"], capture_output=True, text=True, timeout=120)


class PipeWriter:
    """An os.pipe whose write end a thread fills with ``data``; ``path`` names the read end (/dev/fd/N)."""

    def __init__(self, data: bytes):
        self.read_end, write_end = os.pipe()
        self.path = f"/dev/fd/{self.read_end}"

        def write() -> None:
            with open(write_end, "wb") as stream:
                try:
                    stream.write(data)
                except BrokenPipeError:
                    pass

        self.thread = threading.Thread(target=write, daemon=True)
        self.thread.start()

    def close(self) -> None:
        os.close(self.read_end)
        self.thread.join(timeout=10)


@pytest.fixture
def pipe():
    writers = []

    def make(data: bytes) -> PipeWriter:
        writers.append(PipeWriter(data))
        return writers[-1]

    yield make
    for writer in writers:
        writer.close()


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


def test_the_core_reads_weights_and_sessions_from_an_os_pipe(tmp_path, pipe):
    weights = init_weights(d_model=4, heads=2, d_k=3, seed=2)
    data = save_weights(weights, tmp_path / "w.npz").read_bytes()
    assert load_weights(pipe(data).path) == weights
    parameters = Parameters(sentence="猫 吃 鱼", heads=2, d_model=4, d_k=3, seed=2)
    session = save_session(tmp_path / "s.attn.npz", parameters, weights).read_bytes()
    loaded = load_session(pipe(session).path)
    assert loaded.parameters == parameters and loaded.weights == weights


def test_a_pipe_longer_than_the_limit_is_refused_without_reading_it_all(pipe):
    writer = pipe(b"PK\x03\x04" + bytes(3 * 2**20))
    with pytest.raises(WeightsFileError) as raised:
        npz_source(writer.path, WeightsFileError, 2**20)
    assert writer.path in str(raised.value) and "holds more than 1.0 MiB" in str(raised.value)


def test_a_device_that_never_ends_is_refused_after_four_bytes(tmp_path):
    """/dev/zero: not an archive, seen from its first bytes (reading on would never end)."""
    with pytest.raises(WeightsFileError, match="not an .npz archive"):
        load_weights("/dev/zero")
