"""Saving a picture over an existing file never destroys it, and never reports a cut file as saved (issue 4, 10, 16).

A real write failure: the file size limit (RLIMIT_FSIZE, with SIGXFSZ
ignored) makes every write beyond it fail with EFBIG, as a full disk fails
with ENOSPC. Qt's own file writing buffers and never reports the failed last
flush, which is how a 4,982-byte panel.png became 0 bytes and an SVG lost its
``</svg>``; the pictures are now made in memory and written by Python.
"""

import errno
import os
import resource
import signal
import subprocess
import sys
from contextlib import contextmanager

import pytest

PREFIX = "attention-stepper: error: "


@contextmanager
def file_size_limit(limit: int):
    """Writes past ``limit`` bytes of any file fail with EFBIG in this process, as on a full disk."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


@pytest.mark.parametrize("room", ["300 bytes", "all but 100 bytes"])
@pytest.mark.parametrize("suffix, saver", [(".png", "save_panel_picture"), (".svg", "save_panel_picture"),
                                           (".png", "save_step_picture"), (".svg", "save_step_picture")])
def test_a_write_failure_keeps_the_earlier_picture_and_says_so(window, tmp_path, suffix, saver, room):
    path = tmp_path / f"picture{suffix}"
    save = getattr(window.exporter, saver)
    assert save(path) == path
    before = path.read_bytes()
    assert len(before) > 1000
    window.model.go_to("softmax")  # a different picture
    measured = save(tmp_path / f"measure{suffix}").stat().st_size
    (tmp_path / f"measure{suffix}").unlink()
    with file_size_limit(300 if room == "300 bytes" else measured - 100):
        result = save(path)
    assert result is None
    message = window.exporter.last_message
    assert message.startswith(f"Could not save {path}") and os.strerror(errno.EFBIG) in message, message
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name], "no temporary left"
    assert save(path) == path and path.read_bytes() != before  # with room again it works


def test_a_picture_is_flushed_to_the_disk_before_it_replaces_the_earlier_one(window, tmp_path, monkeypatch):
    """A failing fsync (the disk filled up while the data was still cached) keeps the earlier file."""
    path = tmp_path / "panel.png"
    window.exporter.save_panel_picture(path)
    before = path.read_bytes()

    def fsync(handle):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)
    window.model.go_to("softmax")
    assert window.exporter.save_panel_picture(path) is None
    assert os.strerror(errno.ENOSPC) in window.exporter.last_message
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["panel.png"]


def test_an_svg_is_written_whole(window, tmp_path):
    path = window.exporter.save_step_picture(tmp_path / "step.svg")
    assert path.read_bytes().rstrip().endswith(b"</svg>")


def test_saving_onto_a_link_to_a_file_writes_the_file_and_keeps_the_link(window, tmp_path):
    (tmp_path / "pictures").mkdir()
    real = tmp_path / "pictures" / "panel.png"
    real.write_bytes(b"old")
    link = tmp_path / "panel.png"
    link.symlink_to(real)
    assert window.exporter.save_panel_picture(link) == link
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes().startswith(b"\x89PNG")
    assert sorted(os.listdir(tmp_path / "pictures")) == ["panel.png"]


def test_saving_onto_a_folder_or_a_link_to_one_is_refused(window, tmp_path):
    folder = tmp_path / "pictures"
    folder.mkdir()
    (tmp_path / "link.png").symlink_to(folder)
    for path in (folder, tmp_path / "link.png"):
        assert window.exporter.save_panel_picture(path) is None
        assert "Nothing was written" in window.exporter.last_message
    assert (tmp_path / "link.png").is_symlink() and os.listdir(folder) == []


# --- the screenshot command ------------------------------------------------------------------------------------


def screenshot(cwd, *args, limit: int | None = None) -> subprocess.CompletedProcess:
    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "attention_stepper.gui.cli", "screenshot", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=env,
                          preexec_fn=None if limit is None else limited)


def refused(result, *phrases):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def test_a_screenshot_cut_short_by_the_disk_keeps_the_earlier_file(tmp_path):
    """A limit a little below the new picture's size: Qt wrote all but its last buffer and said "wrote"."""
    assert screenshot(tmp_path, "--step", "scores", "--out", "measure.png").returncode == 0
    size = (tmp_path / "measure.png").stat().st_size
    (tmp_path / "measure.png").unlink()
    old = tmp_path / "window.png"
    old.write_bytes(b"\x89PNG the earlier picture" * 100)
    result = screenshot(tmp_path, "--step", "scores", "--out", "window.png", limit=size - 2000)
    refused(result, "cannot write window.png", os.strerror(errno.EFBIG))
    assert old.read_bytes() == b"\x89PNG the earlier picture" * 100
    assert os.listdir(tmp_path) == ["window.png"]


def test_screenshot_refuses_an_empty_out_a_folder_and_a_link_to_a_folder(tmp_path):
    (tmp_path / "shots").mkdir()
    (tmp_path / "link").symlink_to("shots")
    refused(screenshot(tmp_path, "--step", "scores", "--out", ""), "--out is empty")
    refused(screenshot(tmp_path, "--step", "scores", "--out", "shots"), "--out shots is a folder")
    refused(screenshot(tmp_path, "--step", "scores", "--out", "link"), "--out link is a symbolic link to a folder")
    assert os.readlink(tmp_path / "link") == "shots" and os.listdir(tmp_path / "shots") == []
    assert sorted(os.listdir(tmp_path)) == ["link", "shots"]
