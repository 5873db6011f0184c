"""Every write is atomic: a failure mid-write leaves the earlier file untouched and no partial file."""

import errno
import os

import numpy as np
import pytest

from attention_stepper.core import files
from attention_stepper.core.files import atomic_folder, atomic_write
from attention_stepper.core.weights import init_weights, load_weights, save_weights

FAILURES = [
    OSError(errno.ENOSPC, "No space left on device"),
    OSError(errno.EROFS, "Read-only file system"),
    OSError(errno.ENAMETOOLONG, "File name too long"),
]


@pytest.mark.parametrize("failure", FAILURES, ids=["full-disk", "read-only", "name-too-long"])
def test_a_failed_weights_save_keeps_the_earlier_file(tmp_path, monkeypatch, failure):
    path = tmp_path / "weights.npz"
    save_weights(init_weights(4, 2, 2, seed=1), path)
    before = path.read_bytes()

    def failing_savez(stream, **arrays):
        stream.write(b"PK\x03\x04 half a zip")
        raise failure

    monkeypatch.setattr(np, "savez", failing_savez)
    with pytest.raises(OSError) as raised:
        save_weights(init_weights(4, 2, 2, seed=2), path)
    assert raised.value.errno == failure.errno
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["weights.npz"], "no .part file is left"
    assert load_weights(path) == init_weights(4, 2, 2, seed=1)


def test_a_failed_rename_removes_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def failing_replace(source, destination):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        atomic_write(target, lambda temporary: temporary.write_text("new"))
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_an_interrupted_write_is_cleaned_up_too(tmp_path):
    def interrupted(temporary):
        temporary.write_text("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "x.txt", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_folder_replacement_restores_the_old_folder(tmp_path, monkeypatch):
    """Without an atomic exchange (renameat2), the old folder is moved aside, then the new one put in place."""
    from attention_stepper.core import folders

    monkeypatch.setattr(folders, "_renameat2", None)
    target = tmp_path / "export"
    atomic_folder(target, lambda folder: (folder / "a.csv").write_text("first"))
    real_replace = os.replace
    calls = []

    def second_rename_fails(source, destination):
        calls.append((source, destination))
        if len(calls) == 2:  # the old folder moved aside; putting the new one in place fails
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(source, destination)

    monkeypatch.setattr(files.os, "replace", second_rename_fails)
    with pytest.raises(OSError):
        atomic_folder(target, lambda folder: (folder / "b.csv").write_text("second"), force=True,
                      replaceable=lambda folder, unfinished=False: "")
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["export"]
    assert [p.name for p in target.iterdir()] == ["a.csv"]
    assert (target / "a.csv").read_text() == "first"


def test_a_missing_parent_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        atomic_folder(tmp_path / "no" / "export", lambda folder: None)


def test_every_damaged_weights_file_is_refused_with_a_message(tmp_path):
    """Flip or cut bytes of a compressed weights file: always WeightsFileError naming it, never zlib's or zip's error."""
    import io

    from attention_stepper.core.weights import WeightsFileError

    buffer = io.BytesIO()
    np.savez_compressed(buffer, **init_weights(8, 2, 4).arrays())
    data = buffer.getvalue()
    path = tmp_path / "damaged.npz"
    for index in range(0, len(data), 5):
        for damaged in (data[:index], data[:index] + bytes([data[index] ^ 0xFF]) + data[index + 1:]):
            path.write_bytes(damaged)
            try:
                load_weights(path)
            except WeightsFileError as error:
                assert "damaged.npz" in str(error)
