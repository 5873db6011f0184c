"""Archives that would unpack to gigabytes are refused from their headers, before any data is read.

A weights ``.npz`` or a session file is a zip of ``.npy`` arrays: a few MB of
zeros compress to a few kB, and an ``.npy`` header can declare any shape. Each
case here was accepted, or ended in a MemoryError, before the headers were
checked; the "bad-input" ones run the real command (or the core call) under a
capped address space (see bounded.py).
"""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from bounded import assert_refused, run_command, run_core

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
from attention_stepper.core.limits import MAX_SESSION_JSON_CHARACTERS, MAX_SESSION_JSON_DEPTH
from attention_stepper.core.session import JSON_NAME, session_json

CHUNK = bytes(1 << 24)


def write_member(archive: zipfile.ZipFile, name: str, header: dict, data_bytes: int, fill: bytes = b"\0") -> None:
    """One ``.npy`` member with ``header``, followed by ``data_bytes`` bytes of ``fill``, streamed (never in memory)."""
    with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
        np.lib.format.write_array_header_1_0(member, header)
        chunk = CHUNK if fill == b"\0" else fill * (len(CHUNK) // len(fill))
        while data_bytes > 0:
            member.write(chunk[:data_bytes])
            data_bytes -= len(chunk)


def write_array(archive: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    with archive.open(f"{name}.npy", "w") as member:
        np.lib.format.write_array(member, array)


def header(descr: str, shape: tuple[int, ...]) -> dict:
    return {"descr": descr, "fortran_order": False, "shape": shape}


@pytest.fixture(scope="module")
def compressed_bomb(tmp_path_factory) -> Path:
    """A 1 MB weights file whose w_q unpacks to 256 MiB of int8 zeros: 2 GiB once widened to float64.

    Its shape (64, 4096, 1024) is within every single limit; only their
    product is not. Unchecked, reading and widening it took gigabytes.
    """
    path = tmp_path_factory.mktemp("bomb") / "bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        write_member(archive, "w_q", header("|i1", (64, 4096, 1024)), 64 * 4096 * 1024)
        small = init_weights(8, 2, 4).arrays()
        for name in ("w_k", "w_v", "w_o"):
            write_array(archive, name, small[name])
    assert path.stat().st_size < 2 * 2**20
    return path


def lying_header_file(path: Path, shape=(100_000, 100_000), descr="<f8", names=("w_q", "w_k", "w_v", "w_o")) -> Path:
    """A tiny archive whose members declare ``shape`` but hold 64 bytes each."""
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            write_member(archive, name, header(descr, shape), 64)
    return path


# --- weights files ------------------------------------------------------------------------------------------


def test_a_compressed_weights_bomb_is_refused_by_the_command_in_bounded_memory(compressed_bomb, tmp_path):
    result = run_command("export", "--weights", compressed_bomb, "--out", tmp_path / "out")
    assert_refused(result, str(compressed_bomb), "w_q declares shape (64, 4096, 1024) of int8",
                   "2.0 GiB as float64", "at most 1.0 GiB")
    assert not (tmp_path / "out").exists()


def test_a_compressed_weights_bomb_is_refused_before_its_data_is_read(compressed_bomb):
    """NumPy reports its allocations to tracemalloc: reading w_q would show 256 MiB at least."""
    tracemalloc.start()
    try:
        with pytest.raises(WeightsFileError, match="w_q declares shape"):
            load_weights(compressed_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, peak


def test_a_header_that_declares_more_than_its_entry_holds_is_refused_without_allocating(tmp_path):
    path = lying_header_file(tmp_path / "liar.npz", shape=(64, 1024, 1024))  # 512 MiB declared, 64 bytes held
    result = run_command("export", "--weights", path, "--out", tmp_path / "out")
    assert_refused(result, str(path), "w_q declares shape (64, 1024, 1024) of float64", "holds 64 bytes",
                   "the file is damaged")


@pytest.mark.parametrize("shape", [(100_000, 100_000), (10**40,), (2**62, 2**62)])
def test_an_impossible_declared_size_is_refused_by_the_core(tmp_path, shape):
    path = lying_header_file(tmp_path / "huge.npz", shape=shape)
    with pytest.raises(WeightsFileError) as raised:
        load_weights(path)
    assert str(path) in str(raised.value) and "w_q declares shape" in str(raised.value)


def test_a_negative_declared_dimension_is_refused(tmp_path):
    path = lying_header_file(tmp_path / "negative.npz", shape=(-1, 8))
    with pytest.raises(WeightsFileError, match="impossible shape"):
        load_weights(path)


def test_the_weights_together_may_take_no_more_than_the_budget(tmp_path):
    """Four members of 384 MiB as float64 each fit one by one (under 1 GiB), not together."""
    path = tmp_path / "four.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name in ("w_q", "w_k", "w_v", "w_o"):
            write_member(archive, name, header("|u1", (48, 1024, 1024)), 48 * 1024 * 1024)
    with pytest.raises(WeightsFileError) as raised:
        load_weights(path)
    assert "w_v declares shape (48, 1024, 1024) of uint8" in str(raised.value), str(raised.value)


def test_an_object_array_is_refused_from_its_header(tmp_path):
    path = lying_header_file(tmp_path / "objects.npz", shape=(2,), descr="|O")
    with pytest.raises(WeightsFileError, match="pickled objects, which are never loaded"):
        load_weights(path)


def test_a_torch_layout_bomb_is_refused(tmp_path):
    path = tmp_path / "torch_bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        write_member(archive, "in_proj_weight", header("|i1", (3 * 8192, 8192)), 3 * 8192 * 8192)
        write_array(archive, "out_proj.weight", np.zeros((4, 4)))
    with pytest.raises(WeightsFileError) as raised:
        load_torch_weights(path, 2)
    assert "in_proj_weight declares shape (24576, 8192) of int8" in str(raised.value), str(raised.value)


def test_a_zip_of_a_million_empty_entries_is_refused_before_zipfile_lists_them(tmp_path, monkeypatch):
    path = tmp_path / "entries.npz"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(40_000):
            archive.writestr(f"{index:0>20}", b"")
    built = []
    real = zipfile.ZipInfo.__init__
    monkeypatch.setattr(zipfile.ZipInfo, "__init__", lambda self, *a, **k: built.append(1) or real(self, *a, **k))
    with pytest.raises(WeightsFileError, match="table of contents"):
        load_weights(path)
    assert built == []


def test_good_files_still_load_after_the_checks(tmp_path):
    weights = init_weights(8, 2, 4, d_v=3, seed=4)
    assert load_weights(save_weights(weights, tmp_path / "w.npz")) == weights
    torch_weights = init_weights(8, 2, 4)
    assert load_torch_weights(save_torch_weights(torch_weights, tmp_path / "t.npz"), 2) == torch_weights
    compressed = tmp_path / "c.npz"
    np.savez_compressed(compressed, **{name: array.astype(np.float32) for name, array in weights.arrays().items()})
    assert load_weights(compressed).w_q.dtype == np.float64


# --- session files ------------------------------------------------------------------------------------------


def session_bomb(path: Path, characters: int) -> Path:
    """A session whose valid JSON is padded with ``characters`` spaces: a small file, a huge text."""
    text = session_json(Parameters(), Edits())
    padding = characters - len(text)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open(f"{JSON_NAME}.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_1_0(member, header(f"<U{characters}", ()))
            member.write(np.array(text[:-1]).tobytes())
            spaces = " ".encode("utf-32-le") * (1 << 20)
            while padding > 0:
                member.write(spaces[:4 * padding])
                padding -= len(spaces) // 4
            member.write("}".encode("utf-32-le"))
    return path


def test_a_session_text_over_the_limit_is_refused_by_its_header(tmp_path):
    """A 0.1 MB file holding 16.8 million characters of valid JSON: loaded whole before the limit."""
    path = session_bomb(tmp_path / "padded.attn.npz", MAX_SESSION_JSON_CHARACTERS + 1)
    assert path.stat().st_size < 2**20
    with pytest.raises(SessionFileError) as raised:
        load_session(path)
    assert str(path) in str(raised.value)
    assert f"session.json may have at most {MAX_SESSION_JSON_CHARACTERS} characters" in str(raised.value)


def test_a_session_bomb_is_refused_in_bounded_memory(tmp_path):
    """150 million characters (600 MB as stored, 1.7 GB to read) in a 3 MB file."""
    path = session_bomb(tmp_path / "bomb.attn.npz", 150_000_000)
    assert path.stat().st_size < 4 * 2**20
    result = run_core(f"load_session({str(path)!r})")
    assert_refused(result, str(path), "a text of 150000000 characters")


def test_a_session_text_within_the_limit_still_loads(tmp_path):
    path = session_bomb(tmp_path / "padded.attn.npz", 100_000)
    assert load_session(path).parameters == Parameters()


def test_a_deeply_nested_session_text_is_refused_before_parsing(tmp_path, monkeypatch):
    data = json.loads(session_json(Parameters(), Edits()))
    data["edits"] = [[[[[[[[[[]]]]]]]]]]
    path = tmp_path / "deep.attn.npz"
    np.savez(path, **{JSON_NAME: np.array(json.dumps(data))})
    parsed = []
    monkeypatch.setattr(json, "loads", lambda *args, **kwargs: parsed.append(args) or {})
    with pytest.raises(SessionFileError) as raised:
        load_session(path)
    assert "nests 11 levels deep" in str(raised.value) and f"at most {MAX_SESSION_JSON_DEPTH}" in str(raised.value)
    assert parsed == []


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    sentence = '[[[[[[[[[[ {{{{{{{{{{ \\" ]]"'
    path = save_session(tmp_path / "brackets.attn.npz", Parameters(sentence=sentence), None)
    assert load_session(path).parameters.sentence == sentence


def test_a_session_with_a_weights_bomb_is_refused(tmp_path):
    path = tmp_path / "weights_bomb.attn.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        write_array(archive, JSON_NAME, np.array(session_json(Parameters(), Edits())))
        write_member(archive, "w_q", header("|i1", (64, 4096, 1024)), 64 * 4096 * 1024)
        small = init_weights(8, 2, 4).arrays()
        for name in ("w_k", "w_v", "w_o"):
            write_array(archive, name, small[name])
    result = run_core(f"load_session({str(path)!r})")
    assert_refused(result, str(path), "w_q declares shape (64, 4096, 1024) of int8")
