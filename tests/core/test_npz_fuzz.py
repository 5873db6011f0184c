"""Fuzzing the three archive readers: whatever the bytes, only their own error comes out.

load_weights and load_torch_weights may raise WeightsFileError, load_session
SessionFileError, and nothing else: not a zipfile, zlib, struct or NumPy
error, not a MemoryError, not a RuntimeError ("File is encrypted"). Two
kinds of input: real files with bytes flipped, cut or inserted, and zips
built from hostile parts (lying ``.npy`` headers, odd dtypes and shapes,
every compression method, encrypted flags, wrong member names).
"""

from __future__ import annotations

import ast
import functools
import io
import struct
import tempfile
import warnings
import zipfile
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
from hypothesis import HealthCheck, given, settings

from attention_stepper.core import (
    Parameters,
    SessionFileError,
    WeightsFileError,
    init_weights,
    load_session,
    load_torch_weights,
    load_weights,
    save_session,
    save_torch_weights,
    save_weights,
)
from attention_stepper.core.edits import Edits
from attention_stepper.core.weights import Weights

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def load(kind: str, path):
    """Call one reader; return what it gives, or the error it is allowed to raise."""
    try:
        if kind == "weights":
            return load_weights(path)
        if kind == "torch":
            return load_torch_weights(path, 2)
        return load_session(path)
    except (WeightsFileError if kind != "session" else SessionFileError) as error:
        assert str(path) in str(error), error
        return error


def assert_only_its_own_error(kind: str, path) -> None:
    result = load(kind, path)
    assert isinstance(result, (Exception, Weights)) or hasattr(result, "parameters"), result


@functools.cache
def good_files() -> dict[str, bytes]:
    """The bytes of a real weights, PyTorch-layout, session and compressed weights file (made once)."""
    weights = init_weights(4, 2, 2, seed=3)
    edits = Edits({("w_q", 0, 1, 1): 2.5})
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        files = {
            "weights": save_weights(weights, folder / "w.npz"),
            "torch": save_torch_weights(weights, folder / "t.npz"),
            "session": save_session(folder / "s.attn.npz", Parameters(sentence="猫 吃 鱼", heads=2, d_model=4, d_k=2),
                                    weights, edits, "scores", 1),
        }
        np.savez_compressed(folder / "c.npz", **weights.arrays())
        files["weights_compressed"] = folder / "c.npz"
        return {kind: path.read_bytes() for kind, path in files.items()}


KINDS = {"weights": "weights", "torch": "torch", "session": "session", "weights_compressed": "weights"}


@FUZZ
@given(source=st.sampled_from(sorted(KINDS)), data=st.data())
def test_damaged_real_files(tmp_path, source, data):
    damaged = bytearray(good_files()[source])
    for _ in range(data.draw(st.integers(1, 6), label="changes")):
        change = data.draw(st.sampled_from(["flip", "cut", "insert", "zero_run"]), label="change")
        index = data.draw(st.integers(0, max(len(damaged) - 1, 0)), label="index")
        if change == "flip" and damaged:
            damaged[index] ^= data.draw(st.integers(1, 255), label="mask")
        elif change == "cut":
            del damaged[index:]
        elif change == "insert":
            damaged[index:index] = data.draw(st.binary(min_size=1, max_size=40), label="inserted")
        else:
            damaged[index:index + data.draw(st.integers(1, 16))] = b"\xff" * 8
    path = tmp_path / "damaged.npz"
    path.write_bytes(bytes(damaged))
    assert_only_its_own_error(KINDS[source], path)


DESCRS = ["<f8", "<f4", "<f2", ">f8", "|i1", "<i8", "|u1", "|b1", "<c16", "|O", "<U10", "<U0", "|S5", "|V0", "|V8",
          "[('a', '<f8')]", "[('a', '|O')]", "'garbage'", "5", "<M8[s]", "<m8", "<g"]
SHAPES = st.one_of(
    st.tuples(), st.tuples(st.integers(-2, 6)), st.tuples(st.integers(0, 6), st.integers(0, 6)),
    st.tuples(st.integers(0, 4), st.integers(0, 6), st.integers(0, 4)),
    st.tuples(st.sampled_from([10**6, 2**31, 2**63, 10**30, -(10**9)]), st.integers(0, 10**6)),
    st.lists(st.integers(0, 3), max_size=40).map(tuple),
)


@st.composite
def npy_bytes(draw) -> bytes:
    """An .npy member: sometimes valid, usually lying somewhere (header text, shape, dtype, data length)."""
    shape = draw(SHAPES)
    descr = draw(st.sampled_from(DESCRS))
    order = draw(st.sampled_from(["False", "True", "0", "'no'"]))
    text = draw(st.sampled_from([
        "{{'descr': {descr!r}, 'fortran_order': {order}, 'shape': {shape}, }}",
        "{{'descr': {descr}, 'fortran_order': {order}, 'shape': {shape}, }}",
        "{{'descr': {descr!r}, 'shape': {shape}, }}",
        "[{descr!r}, {shape}]",
        "{{'descr': {descr!r}, 'fortran_order': {order}, 'shape': {shape}, 'extra': 1}}",
    ])).format(descr=descr, order=order, shape=shape)
    header = (text + " " * 10 + "\n").encode("latin1")
    version = draw(st.sampled_from([(1, 0), (2, 0), (3, 0), (9, 9)]))
    length = struct.pack("<H" if version[0] == 1 else "<I", draw(st.sampled_from([len(header), len(header) + 7,
                                                                                    0, 65535])))
    prefix = b"\x93NUMPY" + bytes(version) + length + header
    try:
        natural = int(np.prod(shape, dtype=object)) * max(np.dtype(ast.literal_eval(descr)).itemsize, 1)
    except Exception:
        natural = 16
    size = draw(st.sampled_from([0, 1, 8, 64, min(max(natural, 0), 4096)]))
    data = draw(st.sampled_from([bytes(size), np.arange(size, dtype=np.uint8).tobytes(), b"\x80\x04N." * size]))
    return draw(st.sampled_from([prefix + data, prefix[:draw(st.integers(0, len(prefix)))], data]))


MEMBER_NAMES = ["w_q.npy", "w_k.npy", "w_v.npy", "w_o.npy", "in_proj_weight.npy", "out_proj.weight.npy",
                "in_proj_bias.npy", "session.json.npy", "w_q", "session.json", "other.npy", "../evil.npy", ""]


@st.composite
def hostile_zip(draw) -> bytes:
    good = good_files()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if draw(st.booleans()):  # start from a real file's members, then replace or add some
            with zipfile.ZipFile(io.BytesIO(good[draw(st.sampled_from(sorted(good)))])) as real:
                for info in real.infolist():
                    archive.writestr(info.filename, real.read(info))
        for _ in range(draw(st.integers(0, 6))):
            info = zipfile.ZipInfo(draw(st.sampled_from(MEMBER_NAMES)) or "x")
            info.compress_type = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                                                       zipfile.ZIP_LZMA]))
            content = draw(npy_bytes()) if draw(st.integers(0, 4)) else draw(st.binary(max_size=64))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "Duplicate name": a hostile zip may repeat one
                archive.writestr(info, content)
    data = bytearray(buffer.getvalue())
    entries = [index for index in range(len(data)) if data.startswith(b"PK\x01\x02", index)]
    if entries and draw(st.booleans()):  # mark members encrypted, or claim other sizes, in the central directory
        field = draw(st.sampled_from([(8, b"\x01\x00"), (20, b"\xff\xff\xff\x7f"), (24, b"\xff\xff\xff\x7f"),
                                      (24, b"\x00\x00\x00\x00"), (10, b"\x63\x00")]))
        for start in draw(st.lists(st.sampled_from(entries), min_size=1, unique=True)):
            data[start + field[0]:start + field[0] + len(field[1])] = field[1]
    return bytes(data)


@FUZZ
@given(kind=st.sampled_from(["weights", "torch", "session"]), data=st.data())
def test_hostile_zips(tmp_path, kind, data):
    content = data.draw(hostile_zip(), label="zip")
    path = tmp_path / "hostile.npz"
    path.write_bytes(content)
    assert_only_its_own_error(kind, path)


@FUZZ
@given(kind=st.sampled_from(["weights", "torch", "session"]), content=st.binary(max_size=300),
       prefix=st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"\x93NUMPY\x01\x00"]))
def test_random_bytes(tmp_path, kind, content, prefix):
    path = tmp_path / "random.npz"
    path.write_bytes(prefix + content)
    assert_only_its_own_error(kind, path)


def test_an_encrypted_member_is_refused_for_what_it_is(tmp_path):
    """zipfile raises RuntimeError for an encrypted member; found by test_hostile_zips."""
    data = bytearray(good_files()["weights"])
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) >= 0:
        data[start + 8] |= 1  # the "encrypted" flag of every entry in the central directory
        start += 4
    path = tmp_path / "encrypted.npz"
    path.write_bytes(bytes(data))
    result = load("weights", path)
    assert isinstance(result, WeightsFileError) and "encrypted" in str(result), result
