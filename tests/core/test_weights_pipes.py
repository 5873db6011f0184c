"""Weights and sessions read from a pipe in the core: ``load_weights("/dev/fd/N")`` works like the file itself.

A zip is read by seeking, which a pipe cannot do: a pipe is read once, into
memory, at most a stated number of bytes. ``--weights <(cat w.npz)`` through
the command is checked in tests/cli/test_weights_from_pipes.py.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from attention_stepper.core import (
    Parameters,
    WeightsFileError,
    init_weights,
    load_session,
    load_weights,
    save_session,
    save_weights,
)
from attention_stepper.core.npz_reading import npz_source

pytestmark = pytest.mark.skipif(shutil.which("bash") is None or not os.path.isdir("/dev/fd"),
                                reason="needs bash's process substitution and /dev/fd")


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
