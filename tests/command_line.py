"""Running the real ``attention-stepper`` command and reading its refusals.

:func:`run_cli` runs it in a subprocess, as a person runs it;
:func:`assert_refused` reads a refusal from that, :func:`refused_line` one
from ``main([...])`` called in-process. One helper for every test that runs
the command (tests/cli, and the core tests that prove a bound end to end
through it, under bounded.py's memory cap). It lives beside
tests/conftest.py, whose folder pytest puts on ``sys.path``, so ``from
command_line import run_cli`` works from every test folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("attention-stepper")
#: ``python -m attention_stepper.gui.cli``: the module run as a program, which the console script is not.
MODULE_COMMAND = [sys.executable, "-m", "attention_stepper.gui.cli"]
#: The console script the package installs, or the module when it is not installed as one.
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else MODULE_COMMAND
PREFIX = "attention-stepper: error: "


def run_cli(*args: object, cwd: str | os.PathLike | None = None, input: str | bytes | None = None, stdin=None,
            before: str | None = None, command: list[str] | None = None, env: dict[str, str] | None = None,
            timeout: float = 120, preexec_fn=None) -> subprocess.CompletedProcess:
    """``attention-stepper ARGS`` in a subprocess; stdout and stderr come back as text (UTF-8).

    ``input`` is what standard input holds (text is sent as UTF-8), or
    ``stdin`` an open file to read it from. ``before`` is Python run first in
    the child, then the command's ``main`` (say, to make jieba look
    uninstalled). ``command`` replaces the console script (say,
    :data:`MODULE_COMMAND`). The child runs offscreen with UTF-8 streams.
    """
    if before is not None:
        command = [sys.executable, "-c", f"{before}\nimport sys\nfrom attention_stepper.gui.cli import main\n"
                   "sys.exit(main(sys.argv[1:]))"]
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    data = input.encode("utf-8") if isinstance(input, str) else input
    done = subprocess.run([*(command or COMMAND), *map(str, args)], cwd=cwd, input=data, stdin=stdin,
                          capture_output=True, timeout=timeout, env=environment, preexec_fn=preexec_fn, check=False)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode("utf-8"),
                                       done.stderr.decode("utf-8"))


def assert_refused(result: subprocess.CompletedProcess, *phrases: str) -> str:
    """Exit status 2, exactly one stderr line ``attention-stepper: error: …`` holding every phrase; nothing on stdout.

    No traceback and no MemoryError, and the line stays short (a message never
    quotes a huge input whole). Returns the line.
    """
    stderr = result.stderr
    assert "Traceback" not in stderr and "MemoryError" not in stderr, stderr[-2000:]
    assert result.returncode == 2, (result.returncode, stderr[-2000:])
    lines = stderr.splitlines()
    assert len(lines) == 1, lines[:5]
    assert stderr.endswith("\n")
    line = lines[0]
    assert line.startswith(PREFIX), line
    for phrase in phrases:
        assert phrase in line, (phrase, line[:500])
    assert len(line) < 1000, line[:1000]
    assert result.stdout == "", result.stdout[:500]
    return line


def refused_line(capsys, status: int, *phrases: str) -> str:
    """The in-process twin of :func:`assert_refused`: ``main([...])`` returned 2 and wrote one line to stderr.

    ``capsys`` is pytest's fixture; the line must start with the program's
    prefix and hold every phrase, and nothing may reach stdout. Returns the line.
    """
    captured = capsys.readouterr()
    assert status == 2, captured.err
    assert captured.out == ""
    assert "Traceback" not in captured.err, captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), captured.err
    assert captured.err.endswith("\n")
    for phrase in phrases:
        assert phrase in lines[0], (phrase, lines[0])
    return lines[0]
