"""Fault injection for the files the core reads and writes.

Reading: every kind of bad weights file is refused with WeightsFileError
whose message names the file and the problem, and a pickle inside is never
run. Writing: a failure at any point (a full disk, a refused rename, an
interrupt) leaves the earlier file or folder byte for byte as it was, no
partial file at the target and no temporary (.part / .old) entries behind.

The tests run as root in CI, where ``chmod`` does not stop writes, so a
read-only folder is simulated by monkeypatching the calls that would fail
(tempfile.mkstemp / mkdtemp, os.replace, open) to raise PermissionError or
OSError(EROFS); a real chmod test runs only when not root.
"""

from __future__ import annotations

import errno
import io
import os
import pickle
import tempfile
import zipfile
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings

from attention_stepper.core import (
    Parameters,
    WeightsFileError,
    compute,
    export_computation,
    init_weights,
    load_session,
    load_weights,
    save_session,
    save_torch_weights,
    save_weights,
)
from attention_stepper.core import export as export_module
from attention_stepper.core import files as files_module
from attention_stepper.core import folders as folders_module
from attention_stepper.core import weights as weights_module
from attention_stepper.core.files import atomic_folder, atomic_write
from attention_stepper.core.weights import Weights

FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def disk_full() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder`` (hidden ones too): relative path -> bytes, or None for a folder."""
    entries: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        entries[str(path.relative_to(folder))] = None if path.is_dir() else path.read_bytes()
    return entries


def assert_no_leftovers(folder: Path) -> None:
    leftovers = [name for name in os.listdir(folder) if name.endswith((".part", ".old"))]
    assert leftovers == [], leftovers


@pytest.fixture
def weights() -> Weights:
    return init_weights(d_model=6, heads=2, d_k=3, seed=5)


def good_arrays(weights: Weights) -> dict[str, np.ndarray]:
    return {name: np.array(array) for name, array in weights.arrays().items()}


def refused(path: Path, *phrases: str) -> str:
    """Load ``path``, expect WeightsFileError naming the file and every phrase; return the message."""
    with pytest.raises(WeightsFileError) as raised:
        load_weights(path)
    message = str(raised.value)
    assert str(path) in message, message
    for phrase in phrases:
        assert phrase in message, (phrase, message)
    return message


# --- reading: every bad file is refused with a message ------------------------------------------------------


def test_a_good_file_round_trips(tmp_path, weights):
    path = save_weights(weights, tmp_path / "w.npz")
    assert load_weights(path) == weights
    assert_no_leftovers(tmp_path)


def test_weights_are_read_without_pickles(tmp_path, weights, monkeypatch):
    """load_weights hands allow_pickle=False to np.load (a pickle-enabled load would be a code-execution hole)."""
    calls = []
    real_load = np.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("allow_pickle", False))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(np, "load", spy)
    path = save_weights(weights, tmp_path / "w.npz")
    load_weights(path)
    assert calls and not any(calls)


@pytest.mark.parametrize("names, missing", [
    ({"a": 1, "b": 2}, "w_q, w_k, w_v, w_o"),
    ({"w_q": 0, "w_k": 1}, "w_v, w_o"),
    ({"W_Q": 0, "W_K": 1, "W_V": 2, "W_O": 3}, "w_q, w_k, w_v, w_o"),  # names are case-sensitive
    ({"in_proj_weight": 0}, "w_q, w_k, w_v, w_o"),  # a PyTorch-layout file is not read as our layout
])
def test_wrong_names_are_refused(tmp_path, weights, names, missing):
    arrays = list(good_arrays(weights).values())
    path = tmp_path / "names.npz"
    np.savez(path, **{name: arrays[index] for name, index in names.items()})
    message = refused(path, f"missing {missing}")
    assert ", ".join(names) in message  # and says what the file has instead


def test_an_empty_archive_is_refused(tmp_path):
    path = tmp_path / "nothing.npz"
    np.savez(path)
    refused(path, "missing w_q, w_k, w_v, w_o", "it has nothing")


def _reshaped(weights: Weights, **changes) -> dict[str, np.ndarray]:
    arrays = good_arrays(weights)
    arrays.update(changes)
    return arrays


@pytest.mark.parametrize("change, phrase", [
    (lambda a: {"w_q": a["w_q"][0]}, "w_q must have 3 dimensions"),
    (lambda a: {"w_o": a["w_o"][None]}, "w_o must have 2 dimensions"),
    (lambda a: {"w_k": a["w_k"][:, :, :2]}, "w_k must have the shape of w_q"),
    (lambda a: {"w_v": a["w_v"][:1]}, "w_v must have shape (h, d_model, d_v)"),
    (lambda a: {"w_o": a["w_o"][:-1]}, "w_o must have shape (h*d_v, d_model)"),
    (lambda a: {"w_o": np.concatenate([a["w_o"], a["w_o"][:, :1]], axis=1)}, "w_o must have shape (h*d_v, d_model)"),
    (lambda a: {name: array[:0] for name, array in a.items()}, "must not have an empty dimension"),
    (lambda a: {"w_q": np.zeros(()), }, "w_q must have 3 dimensions"),
    (lambda a: {"w_q": np.zeros((65, 1, 1)), "w_k": np.zeros((65, 1, 1)), "w_v": np.zeros((65, 1, 1)),
                "w_o": np.zeros((65, 1))}, "heads must be a whole number from 1 to 64"),
    (lambda a: {"w_q": np.zeros((1, 1, 1025)), "w_k": np.zeros((1, 1, 1025)), "w_v": np.zeros((1, 1, 1)),
                "w_o": np.zeros((1, 1))}, "d_k must be a whole number from 1 to 1024"),
])
def test_wrong_shapes_are_refused(tmp_path, weights, change, phrase):
    path = tmp_path / "shapes.npz"
    np.savez(path, **_reshaped(weights, **change(good_arrays(weights))))
    refused(path, phrase)


@pytest.mark.parametrize("bad, phrase", [
    (lambda shape: np.full(shape, "1.0"), "has dtype <U3"),
    (lambda shape: np.full(shape, b"1.0"), "has dtype |S3"),
    (lambda shape: np.ones(shape, dtype=complex), "has dtype complex128"),
    (lambda shape: np.ones(shape, dtype=bool), "has dtype bool"),
    (lambda shape: np.ones(shape, dtype="datetime64[s]"), "has dtype datetime64[s]"),
    (lambda shape: np.zeros(shape, dtype=[("a", "f8")]), "has dtype"),
])
@pytest.mark.parametrize("name", ["w_q", "w_o"])
def test_arrays_that_are_not_real_numbers_are_refused(tmp_path, weights, bad, phrase, name):
    arrays = good_arrays(weights)
    arrays[name] = bad(arrays[name].shape)
    path = tmp_path / "dtype.npz"
    np.savez(path, **arrays)
    message = refused(path, f"{name} {phrase}", "real numbers")
    assert "Traceback" not in message


@pytest.mark.parametrize("dtype", ["float32", "float16", ">f8", "int64", "uint8", "int8"])
def test_other_real_number_dtypes_are_accepted_as_float64(tmp_path, weights, dtype):
    arrays = {name: (array * 10).astype(dtype) for name, array in good_arrays(weights).items()}
    path = tmp_path / "real.npz"
    np.savez(path, **arrays)
    loaded = load_weights(path)
    for name, array in arrays.items():
        assert getattr(loaded, name).dtype == np.float64
        np.testing.assert_array_equal(getattr(loaded, name), array.astype(np.float64))


def test_fortran_order_and_compressed_archives_are_accepted(tmp_path, weights):
    path = tmp_path / "compressed.npz"
    np.savez_compressed(path, **{name: np.asfortranarray(a) for name, a in good_arrays(weights).items()})
    assert load_weights(path) == weights


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name", ["w_q", "w_k", "w_v", "w_o"])
def test_nan_and_infinity_are_refused(tmp_path, weights, value, name):
    arrays = good_arrays(weights)
    arrays[name].flat[-1] = value
    path = tmp_path / "nan.npz"
    np.savez(path, **arrays)
    refused(path, f"{name} holds NaN or infinite values")


class _Payload:
    """Unpickling this creates a file: proof that a pickle was run."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_pickle_bearing_archive_is_refused_and_never_run(tmp_path, weights):
    marker = tmp_path / "pickle-was-run"
    arrays = good_arrays(weights)
    arrays["w_q"] = np.array([_Payload(marker), 1.0], dtype=object)
    path = tmp_path / "pickled.npz"
    np.savez(path, **arrays)
    refused(path, "pickled objects", "never loaded")
    assert not marker.exists()


def test_a_pickle_under_another_name_is_never_run(tmp_path, weights):
    """Extra entries are not read at all: the weights load and the pickle beside them stays inert."""
    marker = tmp_path / "pickle-was-run"
    path = tmp_path / "extra.npz"
    np.savez(path, payload=np.array([_Payload(marker)], dtype=object), **good_arrays(weights))
    assert load_weights(path) == weights
    assert not marker.exists()


def test_a_plain_pickle_file_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "pickle-was-run"
    path = tmp_path / "weights.npz"
    path.write_bytes(pickle.dumps({"w_q": _Payload(marker)}))
    refused(path, "not an .npz archive")
    assert not marker.exists()


def test_a_zero_byte_file_is_refused(tmp_path):
    path = tmp_path / "empty.npz"
    path.write_bytes(b"")
    refused(path, "the file is empty")


@pytest.mark.parametrize("content", [
    "w_q = [[1, 2], [3, 4]]\n", "PKG notes: the weights are elsewhere\n", "PK", "P", "\x93NUMPY", "中文 weights\n",
])
def test_a_text_file_is_refused_as_not_an_archive(tmp_path, content):
    path = tmp_path / "notes.npz"
    path.write_text(content, encoding="utf-8")
    message = refused(path, "not an .npz archive")
    assert "pickle" not in message  # the file holds no pickle: the message must not blame one


def test_a_single_npy_array_is_refused(tmp_path):
    path = tmp_path / "w_q.npy"
    np.save(path, np.zeros((1, 2, 2)))
    refused(path, "not an .npz archive")


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "weights.npz"
    folder.mkdir()
    refused(folder, "is a folder")


def test_a_missing_file_is_refused(tmp_path):
    refused(tmp_path / "nowhere.npz", "no such file")


def test_a_zip_whose_members_are_not_numpy_arrays_is_refused(tmp_path):
    path = tmp_path / "zip.npz"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("w_q", "w_k", "w_v", "w_o"):
            archive.writestr(name, b"1 2 3 4")
    refused(path, "w_q is not a NumPy array")


def test_a_zip_with_a_damaged_npy_member_is_refused(tmp_path):
    path = tmp_path / "zip.npz"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("w_q", "w_k", "w_v", "w_o"):
            archive.writestr(name + ".npy", b"\x93NUMPY\x01\x00garbage")
    refused(path, "not a readable .npz weights file")


def test_a_file_name_with_unusual_characters_is_named_in_full(tmp_path):
    path = tmp_path / "权重 weights (copy) ñ.npz"
    path.write_bytes(b"")
    refused(path, "the file is empty")


@pytest.fixture(scope="module")
def saved_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = save_weights(init_weights(d_model=6, heads=2, d_k=3, seed=5), Path(folder) / "w.npz")
        return path.read_bytes()


@pytest.mark.parametrize("cut", range(0, 64))
def test_a_file_cut_within_its_first_bytes_is_refused_for_what_it_is(tmp_path, saved_bytes, cut):
    path = tmp_path / "truncated.npz"
    path.write_bytes(saved_bytes[:cut])
    message = refused(path)
    assert "pickle" not in message, message
    assert ("empty" if cut == 0 else "not an .npz archive" if cut < 4 else "not a readable .npz") in message


def test_every_cut_or_flipped_byte_of_a_compressed_file_is_refused_with_a_message(tmp_path):
    """Flip or cut bytes of a compressed weights file: WeightsFileError naming it, never zlib's or zip's error.

    (Moved from test_atomic_files.py; a file that still loads must hold valid weights, as below.)
    """
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **init_weights(8, 2, 4).arrays())
    data = buffer.getvalue()
    path = tmp_path / "damaged.npz"
    for index in range(0, len(data), 5):
        for damaged in (data[:index], data[:index] + bytes([data[index] ^ 0xFF]) + data[index + 1:]):
            path.write_bytes(damaged)
            try:
                loaded = load_weights(path)
            except WeightsFileError as error:
                assert "damaged.npz" in str(error) and str(path) in str(error)
                continue
            for array in loaded.arrays().values():
                assert array.dtype == np.float64 and np.isfinite(array).all()


@FUZZ
@given(data=st.data())
def test_a_file_truncated_anywhere_is_refused(tmp_path, saved_bytes, data):
    cut = data.draw(st.integers(0, len(saved_bytes) - 1))
    path = tmp_path / "truncated.npz"
    path.write_bytes(saved_bytes[:cut])
    message = refused(path)
    assert "pickle" not in message, message


@FUZZ
@given(data=st.data())
def test_a_file_with_damaged_bytes_is_refused_or_loads_valid_weights(tmp_path, saved_bytes, data):
    """Flipping bytes anywhere gives WeightsFileError (or, if only numbers changed, valid finite weights)."""
    damaged = bytearray(saved_bytes)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(damaged) - 1))
        damaged[index] = data.draw(st.integers(0, 255).filter(lambda byte, old=damaged[index]: byte != old))
    path = tmp_path / "damaged.npz"
    path.write_bytes(bytes(damaged))
    try:
        loaded = load_weights(path)
    except WeightsFileError as error:
        assert str(path) in str(error)
        return
    for array in loaded.arrays().values():
        assert array.dtype == np.float64 and np.isfinite(array).all()


# --- writing a single file: a failure leaves the earlier file untouched -------------------------------------


class _FullDisk(io.FileIO):
    """A file that takes ``room`` bytes and then fails like a full disk."""

    room = 0

    def write(self, data) -> int:
        data = bytes(data)
        if len(data) > self.room:
            super().write(data[: self.room])
            self.room = 0
            raise disk_full()
        self.room -= len(data)
        return super().write(data)


def full_disk_open(room: int):
    def fake_open(path, mode="r", *args, **kwargs):
        assert mode == "wb", mode
        stream = _FullDisk(path, "w")
        stream.room = room
        return stream
    return fake_open


def _saver(name: str):
    """The save function and the module whose ``open`` it calls."""
    from attention_stepper.core import session, torch_layout

    if name == "save_weights":
        return weights_module, lambda weights, path: save_weights(weights, path)
    if name == "save_torch_weights":
        return torch_layout, lambda weights, path: save_torch_weights(weights, path)
    parameters = Parameters(heads=2, d_model=6, d_k=3, seed=5)
    return session, lambda weights, path: save_session(path, parameters, weights)


@pytest.mark.parametrize("saver_name", ["save_weights", "save_torch_weights", "save_session"])
@pytest.mark.parametrize("room", [0, 1, 30, 200, 1000])
@pytest.mark.parametrize("earlier", [True, False])
def test_a_full_disk_midway_leaves_the_earlier_file(tmp_path, weights, monkeypatch, saver_name, room, earlier):
    module, save = _saver(saver_name)
    target = tmp_path / "out.npz"
    if earlier:
        save(init_weights(d_model=6, heads=2, d_k=3, seed=99), target)
    before = snapshot(tmp_path)
    monkeypatch.setattr(module, "open", full_disk_open(room), raising=False)
    with pytest.raises(OSError) as raised:
        save(weights, target)
    assert raised.value.errno == errno.ENOSPC
    assert snapshot(tmp_path) == before  # old bytes intact, no partial file, no .part leftovers
    monkeypatch.undo()
    save(weights, target)  # and the next save, with room again, works
    assert_no_leftovers(tmp_path)


@pytest.mark.parametrize("failure", [disk_full(), OSError(errno.EROFS, "Read-only file system"),
                                     OSError(errno.ENAMETOOLONG, "File name too long")],
                         ids=["full-disk", "read-only", "name-too-long"])
@pytest.mark.parametrize("earlier", [True, False])
def test_savez_failing_after_writing_some_bytes_leaves_the_earlier_file(tmp_path, weights, monkeypatch, earlier,
                                                                        failure):
    target = tmp_path / "w.npz"
    if earlier:
        save_weights(init_weights(d_model=6, heads=2, d_k=3, seed=99), target)
    before = snapshot(tmp_path)

    def failing_savez(stream, **arrays):
        stream.write(b"PK\x03\x04 half an archive")
        raise failure

    monkeypatch.setattr(np, "savez", failing_savez)
    with pytest.raises(OSError) as raised:
        save_weights(weights, target)
    assert raised.value.errno == failure.errno  # the caller learns what went wrong
    assert snapshot(tmp_path) == before
    monkeypatch.undo()
    if earlier:
        assert load_weights(target) == init_weights(d_model=6, heads=2, d_k=3, seed=99)


@pytest.mark.parametrize("failure", [
    PermissionError(errno.EACCES, "Permission denied"),
    OSError(errno.EROFS, "Read-only file system"),
    OSError(errno.EXDEV, "Invalid cross-device link"),
    KeyboardInterrupt(),
])
@pytest.mark.parametrize("where", ["os.replace", "os.chmod", "mkstemp"])
def test_a_refused_rename_or_temporary_or_interrupt_leaves_the_earlier_file(tmp_path, weights, monkeypatch,
                                                                            failure, where):
    """A read-only folder (simulated: tests run as root) or a rename refused at the last moment."""
    target = tmp_path / "w.npz"
    save_weights(init_weights(d_model=6, heads=2, d_k=3, seed=99), target)
    before = snapshot(tmp_path)

    def fail(*args, **kwargs):
        raise failure

    if where == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", fail)
    else:
        monkeypatch.setattr(os, where.split(".")[1], fail)
    with pytest.raises(type(failure)):
        save_weights(weights, target)
    monkeypatch.undo()
    assert snapshot(tmp_path) == before
    assert load_weights(target) == init_weights(d_model=6, heads=2, d_k=3, seed=99)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_a_really_read_only_folder_leaves_the_earlier_file(tmp_path, weights):
    target = tmp_path / "w.npz"
    save_weights(init_weights(d_model=6, heads=2, d_k=3, seed=99), target)
    before = snapshot(tmp_path)
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(PermissionError):
            save_weights(weights, target)
    finally:
        tmp_path.chmod(0o755)
    assert snapshot(tmp_path) == before


@FUZZ
@given(content=st.binary(max_size=3000), fraction=st.floats(0, 1),
       earlier=st.one_of(st.none(), st.binary(max_size=500)), failure=st.sampled_from(["disk full", "interrupt"]))
@example(content=b"partial", fraction=1.0, earlier=None, failure="interrupt")  # from test_atomic_files.py
@example(content=b"partial", fraction=0.5, earlier=b"old", failure="disk full")
def test_atomic_write_failing_after_any_amount_of_writing_leaves_the_earlier_file(tmp_path, content, fraction,
                                                                                  earlier, failure):
    """A full disk or Ctrl-C while writing: the earlier file as it was, or (there was none) nothing at all."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    target = folder / "file.bin"
    if earlier is not None:
        target.write_bytes(earlier)
    before = snapshot(folder)
    error = disk_full() if failure == "disk full" else KeyboardInterrupt()

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as stream:
            stream.write(content[: int(len(content) * fraction)])
            stream.flush()
            raise error

    with pytest.raises(type(error)):
        atomic_write(target, write)
    assert snapshot(folder) == before
    assert earlier is not None or list(folder.iterdir()) == []
    atomic_write(target, lambda temporary: temporary.write_bytes(content))
    assert target.read_bytes() == content
    assert snapshot(folder) == {"file.bin": content}


def test_atomic_write_whose_rename_is_refused_removes_its_temporary_file(tmp_path, monkeypatch):
    """(From test_atomic_files.py.) atomic_write itself, not only the savers built on it."""
    target = tmp_path / "out.txt"
    target.write_text("old")
    before = snapshot(tmp_path)

    def failing_replace(source, destination):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        atomic_write(target, lambda temporary: temporary.write_text("new"))
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    assert snapshot(tmp_path) == before


def test_atomic_write_keeps_an_existing_files_mode_and_gives_a_new_one_the_usual_mode(tmp_path):
    old = tmp_path / "old.bin"
    old.write_bytes(b"old")
    old.chmod(0o640)
    atomic_write(old, lambda temporary: temporary.write_bytes(b"new"))
    assert old.stat().st_mode & 0o777 == 0o640 and old.read_bytes() == b"new"
    new = tmp_path / "new.bin"
    atomic_write(new, lambda temporary: temporary.write_bytes(b"new"))
    umask = os.umask(0)
    os.umask(umask)
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


# --- writing a folder: whole or not at all, and --force restores the old one -------------------------------


def make_old_folder(target: Path) -> None:
    (target / "sub").mkdir(parents=True)
    (target / "manifest.json").write_text('{"old": true}\n', encoding="utf-8")
    (target / "q_head1.csv").write_bytes(b"\xef\xbb\xbf,d1\n\xe7\x8c\xab,0.5\n")
    (target / ".hidden").write_bytes(b"\x00\x01")
    (target / "sub" / "nested.bin").write_bytes(os.urandom(64))


def anything_goes(folder: Path, unfinished: bool = False) -> str:
    """A ``replaceable`` for atomic_folder that lets ``force`` replace any folder (exports pass export_problem)."""
    return ""


def fill_then_fail(files_before_failure: int, failure: BaseException):
    def fill(folder: Path) -> None:
        for index in range(files_before_failure):
            (folder / f"file{index}.csv").write_text("a,b\n" * 10, encoding="utf-8")
        with open(folder / "half.npz", "wb") as stream:
            stream.write(b"PK\x03\x04")
            raise failure
    return fill


@pytest.mark.parametrize("failure", [disk_full(), PermissionError(errno.EACCES, "denied"), KeyboardInterrupt()])
@pytest.mark.parametrize("files_before_failure", [0, 3])
def test_a_failed_new_folder_leaves_nothing(tmp_path, failure, files_before_failure):
    target = tmp_path / "export"
    with pytest.raises(type(failure)):
        atomic_folder(target, fill_then_fail(files_before_failure, failure))
    assert snapshot(tmp_path) == {}


@pytest.mark.parametrize("failure", [disk_full(), PermissionError(errno.EACCES, "denied"), KeyboardInterrupt()])
@pytest.mark.parametrize("files_before_failure", [0, 3])
def test_a_failed_forced_replacement_restores_the_old_folder(tmp_path, failure, files_before_failure):
    target = tmp_path / "export"
    make_old_folder(target)
    before = snapshot(tmp_path)
    with pytest.raises(type(failure)):
        atomic_folder(target, fill_then_fail(files_before_failure, failure), force=True, replaceable=anything_goes)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("error", [errno.EXDEV, errno.ENOSPC], ids=["cross-device", "full-disk"])
@pytest.mark.parametrize("failing_call", [1, 2])
def test_a_refused_rename_during_forced_replacement_restores_the_old_folder(tmp_path, monkeypatch, failing_call,
                                                                            error):
    """Without an atomic exchange, os.replace moves the old folder aside (1) and puts the new one in place (2)."""
    monkeypatch.setattr(folders_module, "_renameat2", None)
    target = tmp_path / "export"
    make_old_folder(target)
    before = snapshot(tmp_path)
    real_replace = os.replace
    calls = []

    def replace(source, destination):
        calls.append((source, destination))
        if len(calls) == failing_call:
            raise OSError(error, os.strerror(error))
        return real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        atomic_folder(target, lambda folder: (folder / "new.csv").write_text("new\n"), force=True,
                      replaceable=anything_goes)
    monkeypatch.undo()
    assert len(calls) >= failing_call
    assert snapshot(tmp_path) == before


def test_a_refused_mode_change_during_forced_replacement_restores_the_old_folder(tmp_path, monkeypatch):
    target = tmp_path / "export"
    make_old_folder(target)
    before = snapshot(tmp_path)

    def chmod(*args, **kwargs):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", chmod)
    with pytest.raises(PermissionError):
        atomic_folder(target, lambda folder: (folder / "new.csv").write_text("new\n"), force=True,
                      replaceable=anything_goes)
    monkeypatch.undo()
    assert snapshot(tmp_path) == before


def test_a_read_only_parent_folder_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    target = tmp_path / "export"
    make_old_folder(target)
    before = snapshot(tmp_path)

    def mkdtemp(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    filled = []
    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    with pytest.raises(PermissionError):
        atomic_folder(target, filled.append, force=True, replaceable=anything_goes)
    monkeypatch.undo()
    assert filled == [] and snapshot(tmp_path) == before


def test_without_force_an_existing_folder_or_file_is_left_alone(tmp_path):
    target = tmp_path / "export"
    make_old_folder(target)
    (tmp_path / "plain").write_bytes(b"plain")
    before = snapshot(tmp_path)
    filled = []
    with pytest.raises(FileExistsError, match="use --force"):
        atomic_folder(target, filled.append)
    with pytest.raises(FileExistsError, match="not a folder"):
        atomic_folder(tmp_path / "plain", filled.append, force=True)
    assert filled == [] and snapshot(tmp_path) == before


def test_a_missing_parent_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        atomic_folder(tmp_path / "no" / "export", lambda folder: None)
    assert snapshot(tmp_path) == {}


def test_a_successful_forced_replacement_leaves_only_the_new_folder(tmp_path):
    target = tmp_path / "export"
    make_old_folder(target)
    atomic_folder(target, lambda folder: (folder / "new.csv").write_text("new\n"), force=True,
                  replaceable=anything_goes)
    assert snapshot(tmp_path) == {"export": None, "export/new.csv": b"new\n"}


# --- export_computation under failure ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def computation():
    return compute(Parameters(sentence="我 爱 机器 学习", heads=2, d_model=4, d_k=2, causal=True))


def _export_opens(computation) -> int:
    """How many files export_computation opens (CSVs, npz files, manifest)."""
    with tempfile.TemporaryDirectory() as folder:
        return len(os.listdir(export_computation(computation, Path(folder) / "out")))


def failing_open_at(count: int, room: int):
    """An ``open`` that works ``count - 1`` times and then gives a file with ``room`` bytes before ENOSPC."""
    real_open = open
    opened = []

    def fake_open(path, mode="r", *args, **kwargs):
        opened.append(path)
        if len(opened) < count:
            return real_open(path, mode, *args, **kwargs)
        if "b" in mode:
            stream = _FullDisk(path, "w")
            stream.room = room
            return stream
        raw = _FullDisk(path, "w")
        raw.room = room
        return io.TextIOWrapper(raw, encoding=kwargs.get("encoding"), newline=kwargs.get("newline"),
                                write_through=True)
    return fake_open


@pytest.mark.parametrize("room", [0, 50])
@pytest.mark.parametrize("existing", ["none", "old export"])
def test_an_export_failing_at_any_file_leaves_no_trace_or_the_old_export(tmp_path, monkeypatch, computation,
                                                                         room, existing):
    target = tmp_path / "export"
    if existing == "old export":
        export_computation(compute(Parameters(sentence="the old one", heads=1, d_model=3, d_k=2)), target)
    before = snapshot(tmp_path)
    files = _export_opens(computation)
    assert files >= 10
    for count in range(1, files + 1):
        monkeypatch.setattr(export_module, "open", failing_open_at(count, room), raising=False)
        with pytest.raises(OSError) as raised:
            export_computation(computation, target, force=True)
        assert raised.value.errno == errno.ENOSPC, count
        monkeypatch.undo()
        assert snapshot(tmp_path) == before, count
    export_computation(computation, target, force=True)  # and it works once there is room
    assert len(os.listdir(target)) == files
    assert_no_leftovers(tmp_path)


@pytest.mark.parametrize("existing", [False, True])
def test_an_export_whose_npz_fails_leaves_the_old_export(tmp_path, monkeypatch, computation, existing):
    target = tmp_path / "export"
    if existing:
        export_computation(computation, target)
    before = snapshot(tmp_path)

    def failing_savez(stream, **arrays):
        stream.write(b"PK\x03\x04")
        raise disk_full()

    monkeypatch.setattr(np, "savez", failing_savez)
    with pytest.raises(OSError):
        export_computation(computation, target, force=True)
    assert snapshot(tmp_path) == before


def test_an_interrupted_forced_export_restores_the_old_export(tmp_path, monkeypatch, computation):
    target = tmp_path / "export"
    export_computation(compute(Parameters(sentence="the old one", heads=1, d_model=3, d_k=2)), target)
    before = snapshot(tmp_path)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export_module.json, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export_computation(computation, target, force=True)
    monkeypatch.undo()
    assert snapshot(tmp_path) == before


def test_export_refuses_a_non_empty_folder_without_force_and_leaves_it(tmp_path, computation):
    target = tmp_path / "export"
    make_old_folder(target)
    before = snapshot(tmp_path)
    with pytest.raises(FileExistsError):
        export_computation(computation, target)
    assert snapshot(tmp_path) == before


def test_the_files_module_has_one_temporary_naming_scheme(tmp_path, monkeypatch):
    """Temporaries are hidden, beside the target and end in .part: what assert_no_leftovers looks for."""
    seen = []
    real_mkstemp, real_mkdtemp = tempfile.mkstemp, tempfile.mkdtemp

    def mkstemp(*args, **kwargs):
        seen.append(kwargs)
        return real_mkstemp(*args, **kwargs)

    def mkdtemp(*args, **kwargs):
        seen.append(kwargs)
        return real_mkdtemp(*args, **kwargs)

    monkeypatch.setattr(files_module.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(files_module.tempfile, "mkdtemp", mkdtemp)
    atomic_write(tmp_path / "a.bin", lambda temporary: temporary.write_bytes(b"a"))
    atomic_folder(tmp_path / "folder", lambda folder: None)
    assert [(kwargs["prefix"][0], kwargs["suffix"], Path(kwargs["dir"])) for kwargs in seen] == [
        (".", ".part", tmp_path), (".", ".part", tmp_path)]


def test_a_session_file_starting_with_pk_that_is_no_zip_is_not_blamed_on_a_pickle(tmp_path):
    path = tmp_path / "session.npz"
    path.write_text("PKG notes\n", encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        load_session(path)
    assert str(path) in str(raised.value) and "pickle" not in str(raised.value)
