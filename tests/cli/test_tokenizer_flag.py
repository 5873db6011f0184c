"""``export --tokenizer``: white space (default), characters, jieba word segmentation, through the real command.

(Split from tests/core/test_tokenizer_modes.py, which checks the tokenizers
themselves. A bad ``--tokenizer`` value is one of the refusals in
test_export_command.py.)
"""

import json

import pytest
from command_line import run_cli

#: The core's message (tests/core/test_tokenizer_modes.py checks that JIEBA_MISSING says this).
MISSING = "jieba word segmentation needs the optional package jieba: pip install attention-stepper[zh]"


def test_cli_jieba(tmp_path):
    pytest.importorskip("jieba")
    result = run_cli("export", "--sentence", "我爱机器学习", "--tokenizer", "jieba", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    contents = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert contents["tokens"] == ["我", "爱", "机器", "学习"]
    assert contents["tokenizer"] == "jieba"


def test_cli_missing_jieba(tmp_path):
    result = run_cli("export", "--sentence", "我爱机器学习", "--tokenizer", "jieba", "--out", "out",
                     cwd=tmp_path, before="import sys; sys.modules['jieba'] = None")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"attention-stepper: error: {MISSING}"]
    assert not (tmp_path / "out").exists()


def test_cli_characters(tmp_path):
    result = run_cli("export", "--sentence", "我 爱 机器", "--tokenizer", "characters", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    contents = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert contents["tokens"] == ["我", "爱", "机", "器"]
    assert contents["tokenizer"] == "characters"
