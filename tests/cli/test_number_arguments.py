"""Numbers on the command line are ASCII digits, and a message never quotes thousands of them (issue 13, item 15).

``int(text)`` took '٣' (Arabic-Indic three), '３' (full-width three), '1_0'
and ' +3 ' as numbers; a 5,000-digit value was quoted whole in the message.
(The session file's numbers, the other half of item 15, are checked in
tests/core/test_session.py.)
"""

from __future__ import annotations

import json

import pytest
from command_line import refused_line

from attention_stepper.gui.cli import main

NOT_ASCII_DIGITS = ["٣", "３", "1_0", " +3 ", "+3", "3 ", "", "3.0", "1e1", "0x3", "三", "³", "𝟑", "-", "-３"]


def refused(capsys, argv: list[str]) -> str:
    return refused_line(capsys, main(argv))


@pytest.mark.parametrize("option, name", [("--heads", "heads"), ("--d-model", "d_model"), ("--d-k", "d_k"),
                                          ("--d-v", "d_v"), ("--seed", "seed")])
@pytest.mark.parametrize("text", NOT_ASCII_DIGITS)
def test_only_ascii_digits_are_a_number(capsys, tmp_path, option, name, text):
    line = refused(capsys, ["export", option, text, "--out", str(tmp_path / "out")])
    assert f"{name} must be a whole number from" in line and f"not {text!r}" in line, line
    assert not (tmp_path / "out").exists()


def test_a_negative_number_is_read_and_refused_for_its_range(capsys, tmp_path):
    line = refused(capsys, ["export", "--d-k=-3", "--out", str(tmp_path / "out")])
    assert "d_k must be a whole number from 1 to 1024; got -3" in line, line
    line = refused(capsys, ["export", "--seed=-" + "9" * 5000, "--out", str(tmp_path / "out")])
    assert "seed must be a whole number from 0 to 2147483647; got -9999999999999999999…" in line, line


def test_leading_zeros_are_still_the_number(tmp_path):
    assert main(["export", "--heads", "003", "--d-model", "0012", "--out", str(tmp_path / "out")]) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["heads"], manifest["d_model"]) == (3, 12)


@pytest.mark.parametrize("text, shown", [("9" * 5000, "'99999999999999999999…'"), ("x" * 5000, "'xxxxxxxxxxxxxxxxxxxx…'"),
                                         ("０" * 5000, "'００００００００００００００００００００…'")])
def test_a_five_thousand_character_value_is_quoted_cut_short(capsys, tmp_path, text, shown):
    line = refused(capsys, ["export", "--seed", text, "--out", str(tmp_path / "out")])
    assert len(line) < 200, line
    assert shown.strip("'") in line, line


def test_a_huge_number_of_ascii_digits_is_out_of_range_not_converted(capsys, tmp_path):
    line = refused(capsys, ["export", "--heads", "0" * 30 + "7" * 30, "--out", str(tmp_path / "out")])
    assert "heads must be a whole number from 1 to 64; got 00000000000000000000…" in line, line


def test_the_screenshot_head_and_size_take_ascii_digits_only(capsys, tmp_path):
    line = refused(capsys, ["screenshot", "--step", "scores", "--head", "２", "--out", str(tmp_path / "s.png")])
    assert "--head must be a whole number" in line and "'２'" in line, line
    for head in ("0", "-1"):
        line = refused(capsys, ["screenshot", "--step", "scores", f"--head={head}", "--out", str(tmp_path / "s.png")])
        assert "--head must be a whole number from 1" in line, line
    line = refused(capsys, ["screenshot", "--step", "scores", "--size", "１２８０x８００",
                            "--out", str(tmp_path / "s.png")])
    assert "--size must look like 1280x800, not '１２８０x８００'" in line, line
    assert not (tmp_path / "s.png").exists()
