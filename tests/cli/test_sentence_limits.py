"""The command reads a bounded sentence: ``--sentence-file`` (a file, standard input, a pipe) and ``--sentence``.

``--sentence-file /dev/zero`` grew to gigabytes and ended in a MemoryError
traceback, and a 30-million-character word took 36 s and wrote 687 MB. Each
bad input runs the real command under a capped address space (bounded.py)
and must end with one line and exit status 2. (Split from
tests/core/test_input_bounds.py, which checks the limits in the core.)
"""

from __future__ import annotations

import os
import shlex
import shutil

import pytest
from bounded import COMMAND, assert_refused, run_capped, run_command

from attention_stepper.core.limits import MAX_SENTENCE_BYTES, MAX_SENTENCE_CHARACTERS, MAX_TOKEN_CHARACTERS, MAX_TOKENS

TOO_MANY_BYTES = f"holds more than {MAX_SENTENCE_BYTES} bytes"
needs_devices = pytest.mark.skipif(not os.path.exists("/dev/zero") or shutil.which("yes") is None,
                                   reason="needs /dev/zero, /dev/urandom and yes")


@needs_devices
def test_a_sentence_file_that_never_ends_is_refused_in_bounded_memory(tmp_path):
    result = run_command("export", "--sentence-file", "/dev/zero", "--out", tmp_path / "out")
    assert_refused(result, "/dev/zero", TOO_MANY_BYTES, f"at most {MAX_SENTENCE_CHARACTERS} characters")
    assert not (tmp_path / "out").exists()


@needs_devices
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_standard_input_that_never_ends_is_refused_in_bounded_memory(tmp_path, device):
    with open(device, "rb") as stream:
        result = run_command("export", "--sentence-file", "-", "--out", tmp_path / "out", stdin=stream)
    assert_refused(result, "standard input", TOO_MANY_BYTES)


@needs_devices
def test_a_pipe_that_never_ends_is_refused(tmp_path):
    command = " ".join(shlex.quote(part) for part in COMMAND)
    result = run_capped(f"yes 'the cat sat' | {command} export --sentence-file - --out {tmp_path / 'out'}", shell=True)
    assert_refused(result, "standard input", TOO_MANY_BYTES)


def test_a_file_of_exactly_the_byte_limit_is_read_whole(tmp_path):
    """Not refused for its size: what it says (here, too many tokens) is the message."""
    path = tmp_path / "s.txt"
    path.write_bytes(b"\xef\xbb\xbf" + b"a " * ((MAX_SENTENCE_BYTES - 3) // 2) + b"b" * ((MAX_SENTENCE_BYTES - 3) % 2))
    assert path.stat().st_size == MAX_SENTENCE_BYTES
    result = run_command("export", "--sentence-file", path, "--out", tmp_path / "out")
    assert_refused(result, f"more than {MAX_TOKENS} tokens")
    path.write_bytes(path.read_bytes() + b" ")
    assert_refused(run_command("export", "--sentence-file", path, "--out", tmp_path / "out"), TOO_MANY_BYTES)


def test_a_huge_word_from_a_file_is_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "word.txt"
    path.write_bytes(b"a" * 30_000_000)
    result = run_command("export", "--sentence-file", path, "--out", tmp_path / "out")
    assert_refused(result, str(path), TOO_MANY_BYTES)
    assert not (tmp_path / "out").exists()


def test_a_long_word_within_the_byte_limit_is_refused_for_its_characters(tmp_path):
    path = tmp_path / "word.txt"
    path.write_bytes(b"a" * 200_000)
    result = run_command("export", "--sentence-file", path, "--out", tmp_path / "out")
    assert_refused(result, f"the sentence has more than {MAX_SENTENCE_CHARACTERS} characters")
    assert not (tmp_path / "out").exists()


def test_a_long_word_on_the_command_line_is_refused(tmp_path):
    result = run_command("export", "--sentence", "b" * 130_000, "--out", tmp_path / "out")
    assert_refused(result, f"the sentence has more than {MAX_SENTENCE_CHARACTERS} characters")
    result = run_command("export", "--sentence", "the " + "c" * 5_000 + " sat", "--out", tmp_path / "out")
    assert_refused(result, "a token has 5000 characters ('cccccccccccccccccccc…')",
                   f"at most {MAX_TOKEN_CHARACTERS} are allowed", "put spaces between words")


def test_an_export_with_a_normal_sentence_still_runs_under_the_cap(tmp_path):
    """The cap is not so low that a good run fails: the refusals above are the limits', not the cap's."""
    sentence = " ".join(f"w{index}" for index in range(MAX_TOKENS))
    result = run_command("export", "--sentence", sentence, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
