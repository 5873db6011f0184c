"""Damaged dumps: cut short or with bytes changed anywhere, a dump is compared or refused with one DumpError line.

Never another exception, never a pickle, never a traceback: these files are
what a crashed save, a bad copy or a hostile sender produce.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attention_stepper.core.compare import compare
from attention_stepper.core.dumps import DumpError, read_dump
from attention_stepper.core.mistakes import reference
from attention_stepper.core.parameters import Parameters
from attention_stepper.core.weights import init_weights


def _arrays() -> dict[str, np.ndarray]:
    p = Parameters(heads=2, d_model=4, d_k=2, causal=True).validated()
    weights = init_weights(4, 2, 2, seed=1)
    x = np.random.default_rng(0).normal(size=(3, 4))
    trace = reference(x, weights, p)
    return {"x": x, **weights.arrays(), "scores": trace["scores"], "weights": trace["weights"],
            "output": trace["output"]}


def _npz(tmp_path, compressed: bool) -> bytes:
    path = tmp_path / "good.npz"
    save = np.savez_compressed if compressed else np.savez
    save(path, **_arrays(), **{"config.json": json.dumps({"causal": True})})
    return path.read_bytes()


def _safetensors(tmp_path) -> bytes:
    numpy_io = pytest.importorskip("safetensors.numpy")
    path = tmp_path / "good.safetensors"
    numpy_io.save_file(_arrays(), str(path), metadata={"config.json": json.dumps({"causal": True})})
    return path.read_bytes()


def _outcome(path) -> str:
    """Read and compare; "ok" or "refused" — anything else fails the test with its traceback."""
    try:
        report = compare(path)
    except DumpError as error:
        assert "\n" not in str(error) and str(error), "one non-empty line"
        return "refused"
    assert report.diagnosis
    return "ok"


@pytest.mark.parametrize("kind", ["npz", "npz-deflated", "safetensors"])
def test_every_truncation_is_refused_cleanly(tmp_path, kind):
    data = {"npz": lambda: _npz(tmp_path, False), "npz-deflated": lambda: _npz(tmp_path, True),
            "safetensors": lambda: _safetensors(tmp_path)}[kind]()
    target = tmp_path / ("cut.safetensors" if kind == "safetensors" else "cut.npz")
    outcomes = set()
    for length in sorted(set(range(0, len(data), max(1, len(data) // 150))) | {len(data) - 1}):
        target.write_bytes(data[:length])
        outcomes.add(_outcome(target))
    assert outcomes == {"refused"}
    target.write_bytes(data)
    assert _outcome(target) == "ok"


@pytest.mark.parametrize("kind", ["npz", "npz-deflated", "safetensors"])
def test_changed_bytes_anywhere_end_in_a_result_or_one_line(tmp_path, kind):
    data = {"npz": lambda: _npz(tmp_path, False), "npz-deflated": lambda: _npz(tmp_path, True),
            "safetensors": lambda: _safetensors(tmp_path)}[kind]()
    target = tmp_path / ("bad.safetensors" if kind == "safetensors" else "bad.npz")
    rng = np.random.default_rng(len(data))
    headers = set(range(min(64, len(data)))) | set(range(max(0, len(data) - 64), len(data)))  # zip directory
    for position in sorted(headers | set(range(0, len(data), max(1, len(data) // 100)))):
        damaged = bytearray(data)
        damaged[position] ^= int(rng.integers(1, 256))
        target.write_bytes(bytes(damaged))
        _outcome(target)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"\x80\x04",
                                                  b"\x40\x00\x00\x00\x00\x00\x00\x00"]))
def test_arbitrary_bytes_are_never_more_than_a_refusal(tmp_path, body, start):
    target = tmp_path / "any.npz"
    target.write_bytes(start + body)
    try:
        read_dump(target)
    except DumpError as error:
        assert "\n" not in str(error)
