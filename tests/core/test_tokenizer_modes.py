"""Tokenizer choice: white space (default), characters, jieba word segmentation.

The ``--tokenizer`` flag of the command is checked in tests/cli/test_tokenizer_flag.py.
"""

import importlib.util
import subprocess
import sys

import pytest

import attention_stepper.core.tokenize  # noqa: F401  (the module; the package exports the function under that name)
from attention_stepper.core.export import manifest
from attention_stepper.core import Parameters, Stepper, compute
from attention_stepper.core.tokenize import JIEBA_MISSING, TOKENIZERS, jieba_available, tokenize

MISSING = "jieba word segmentation needs the optional package jieba: pip install attention-stepper[zh]"


def test_the_choices():
    assert TOKENIZERS == ("whitespace", "characters", "jieba")
    assert Parameters().tokenizer == "whitespace"
    assert JIEBA_MISSING == MISSING


@pytest.mark.parametrize("text", ["我 爱 机器 学习", "猫吃鱼", "Hello, world!", "the cat sat on the mat.", "我爱 NLP。"])
def test_whitespace_is_the_default(text):
    assert tokenize(text, "whitespace") == tokenize(text)
    assert compute(Parameters(sentence=text)).tokens == tuple(tokenize(text))


def test_default_rules_unchanged():
    assert tokenize("我 爱 机器 学习") == ["我", "爱", "机器", "学习"]
    assert tokenize("猫吃鱼") == ["猫", "吃", "鱼"]
    assert tokenize("Hello, world!") == ["Hello", ",", "world", "!"]


def test_characters_split_cjk_even_with_spaces():
    assert tokenize("我 爱 机器 学习", "characters") == ["我", "爱", "机", "器", "学", "习"]
    assert tokenize("猫吃鱼", "characters") == ["猫", "吃", "鱼"]
    assert tokenize("hello, 世界 deep机器", "characters") == ["hello", ",", "世", "界", "deep", "机", "器"]
    assert tokenize("the cat sat", "characters") == ["the", "cat", "sat"]
    assert tokenize("ひらがな カナ", "characters") == ["ひ", "ら", "が", "な", "カ", "ナ"]


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="tokenizer must be one of whitespace, characters, jieba"):
        tokenize("猫", "spaces")
    with pytest.raises(ValueError, match="tokenizer must be one of"):
        compute(Parameters(tokenizer="words"))


def test_limits_apply_to_every_mode():
    for mode in ("whitespace", "characters"):
        with pytest.raises(ValueError, match="no tokens"):
            tokenize("   ", mode)
    with pytest.raises(ValueError, match="more than 512 tokens"):
        tokenize("猫猫 " * 300, "characters")  # 300 words in white space, 600 characters


def test_limits_apply_to_jieba():
    pytest.importorskip("jieba")
    with pytest.raises(ValueError, match="more than 512 tokens"):
        tokenize("我爱机器学习" * 200, "jieba")
    with pytest.raises(ValueError, match="no tokens"):
        tokenize(" \t ", "jieba")


def test_manifest_records_the_tokenizer():
    assert manifest(compute(Parameters()))["tokenizer"] == "whitespace"
    assert manifest(compute(Parameters(tokenizer="characters")))["tokenizer"] == "characters"


def test_stepper_changes_tokenizer():
    stepper = Stepper(Parameters(sentence="我 爱 机器 学习"))
    stepper.go_to("softmax")
    stepper.set(tokenizer="characters")
    assert stepper.tokens == ("我", "爱", "机", "器", "学", "习")
    assert stepper.step.key == "softmax"
    assert stepper.trace["weights"].shape == (2, 6, 6)


# --- jieba installed ---------------------------------------------------------------
def test_jieba_segments_words():
    pytest.importorskip("jieba")
    assert jieba_available()
    assert tokenize("我爱机器学习", "jieba") == ["我", "爱", "机器", "学习"]


def test_jieba_keeps_punctuation_and_other_words_separate():
    pytest.importorskip("jieba")
    assert tokenize("我爱机器学习。", "jieba") == ["我", "爱", "机器", "学习", "。"]
    assert tokenize("Hello, 我爱机器学习!", "jieba") == ["Hello", ",", "我", "爱", "机器", "学习", "!"]
    assert tokenize("the cat sat", "jieba") == ["the", "cat", "sat"]
    # white space the person typed still separates words
    assert tokenize("机器 学习", "jieba") == ["机器", "学习"]


def test_jieba_in_a_computation():
    pytest.importorskip("jieba")
    computation = compute(Parameters(sentence="我爱机器学习", tokenizer="jieba"))
    assert computation.tokens == ("我", "爱", "机器", "学习")
    assert manifest(computation)["tokenizer"] == "jieba"


def test_jieba_is_quiet(tmp_path):
    pytest.importorskip("jieba")
    result = subprocess.run(
        [sys.executable, "-c", "from attention_stepper.core.tokenize import tokenize; "
         "print('/'.join(tokenize('我爱机器学习', 'jieba')))"],
        capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "我/爱/机器/学习"
    assert result.stderr == ""


def test_jieba_is_imported_only_when_chosen():
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from attention_stepper.core import compute, Parameters; "
         "compute(Parameters(sentence='我爱机器学习', tokenizer='characters')); print('jieba' in sys.modules)"],
        capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# --- jieba missing -----------------------------------------------------------------
@pytest.fixture
def no_jieba(monkeypatch):
    """Make jieba look uninstalled, whether or not it is."""
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == "jieba" else real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setitem(sys.modules, "jieba", None)  # and an import fails


def test_missing_jieba_is_reported(no_jieba):
    assert jieba_available() is False
    with pytest.raises(ValueError) as raised:
        tokenize("我爱机器学习", "jieba")
    assert str(raised.value) == MISSING
    with pytest.raises(ValueError, match=r"pip install attention-stepper\[zh\]"):
        compute(Parameters(sentence="我爱机器学习", tokenizer="jieba"))


def test_missing_jieba_other_modes_work(no_jieba):
    assert tokenize("我爱机器学习", "characters") == ["我", "爱", "机", "器", "学", "习"]
    assert tokenize("我爱机器学习") == ["我", "爱", "机", "器", "学", "习"]


def test_found_but_broken_jieba_is_reported(monkeypatch):
    monkeypatch.setattr(sys.modules["attention_stepper.core.tokenize"], "jieba_available", lambda: True)
    monkeypatch.setitem(sys.modules, "jieba", None)  # import jieba raises ImportError
    with pytest.raises(ValueError) as raised:
        tokenize("我爱机器学习", "jieba")
    assert str(raised.value) == MISSING
