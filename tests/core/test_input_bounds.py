"""The sentence is bounded: bytes read, characters, and the length of one token.

``--sentence-file /dev/zero`` grew to gigabytes and ended in a MemoryError
traceback, and a 30-million-character word took 36 s and wrote 687 MB. The
limits live in core/limits.py and are checked here; the command's reading of
the sentence, under a capped address space, in tests/cli/test_sentence_limits.py.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from attention_stepper.core import Parameters, SessionFileError, compute, load_session, save_session, tokenize
from attention_stepper.core.edits import Edits
from attention_stepper.core.limits import (
    MAX_SENTENCE_BYTES,
    MAX_SENTENCE_CHARACTERS,
    MAX_SENTENCE_INPUT_CHARACTERS,
    MAX_TOKEN_CHARACTERS,
    MAX_TOKENS,
)
from attention_stepper.core.session import JSON_NAME, session_json
from attention_stepper.core.tokenize import jieba_available

def test_the_limits_fit_together():
    assert MAX_TOKEN_CHARACTERS == 100
    assert MAX_SENTENCE_CHARACTERS == MAX_TOKENS * (MAX_TOKEN_CHARACTERS + 1)
    assert MAX_SENTENCE_INPUT_CHARACTERS == 4 * (MAX_SENTENCE_CHARACTERS + 1)
    assert MAX_SENTENCE_BYTES == 4 * MAX_SENTENCE_INPUT_CHARACTERS + 3


# --- item 5: reading the sentence ---------------------------------------------------------------------------


def test_the_longest_sentence_of_four_byte_characters_is_accepted(tmp_path):
    """512 tokens of 100 characters that each take 4 bytes in UTF-8: the most a sentence can need."""
    word = "𝒜" * MAX_TOKEN_CHARACTERS
    text = "\ufeff" + " ".join(f"{word[:-3]}{index:03}" for index in range(MAX_TOKENS))
    path = tmp_path / "s.txt"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size <= MAX_SENTENCE_BYTES
    tokens = tokenize(path.read_text(encoding="utf-8-sig"))
    assert len(tokens) == MAX_TOKENS and {len(token) for token in tokens} == {MAX_TOKEN_CHARACTERS}


# --- item 7: characters of the sentence, length of a token --------------------------------------------------


def test_the_characters_are_counted_after_normalisation():
    """A decomposed text of more than the limit that composes to within it is accepted, like its NFC form."""
    composed = " ".join(["é" * 99] * 500)  # 49,999 characters, or 99,500 more as e + combining acute
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(decomposed) > MAX_SENTENCE_CHARACTERS
    assert tokenize(decomposed) == tokenize(composed) == ["é" * 99] * 500
    with pytest.raises(ValueError, match=f"more than {MAX_SENTENCE_CHARACTERS} characters"):
        tokenize("e\u0301" * (MAX_SENTENCE_CHARACTERS + 1))
    with pytest.raises(ValueError, match=f"more than {MAX_SENTENCE_CHARACTERS} characters"):
        tokenize("e" + "\u0301" * MAX_SENTENCE_INPUT_CHARACTERS)


def test_a_token_of_exactly_the_limit_is_accepted_and_one_more_is_refused():
    longest = "x" * MAX_TOKEN_CHARACTERS
    assert tokenize(f"the {longest} sat") == ["the", longest, "sat"]
    with pytest.raises(ValueError, match=f"a token has {MAX_TOKEN_CHARACTERS + 1} characters"):
        tokenize(f"the {longest}y sat")


@pytest.mark.parametrize("mode", ["whitespace", "characters", "jieba"])
def test_every_tokenizer_refuses_an_over_long_text_before_working_on_it(mode):
    if mode == "jieba" and not jieba_available():
        pytest.skip("jieba is not installed")
    with pytest.raises(ValueError, match=f"more than {MAX_SENTENCE_CHARACTERS} characters"):
        tokenize(" " * MAX_SENTENCE_CHARACTERS + "猫", mode)
    assert tokenize(" " * (MAX_SENTENCE_CHARACTERS - 1) + "猫", mode) == ["猫"]


def test_a_long_chinese_run_is_one_long_token_with_spaces_but_words_with_jieba():
    text = "hello " + "我爱机器学习" * 20  # 120 characters without a space, after a space
    with pytest.raises(ValueError, match="a token has 120 characters"):
        tokenize(text)
    assert len(tokenize(text, "characters")) == 121
    if jieba_available():
        assert max(len(token) for token in tokenize(text, "jieba")) < 10


def test_the_core_refuses_the_long_sentence_wherever_it_comes_from():
    with pytest.raises(ValueError, match="characters"):
        compute(Parameters(sentence="a" * (MAX_SENTENCE_CHARACTERS + 1)))


def session_with_sentence(path, sentence: str):
    data = json.loads(session_json(Parameters(), Edits()))
    data["parameters"]["sentence"] = sentence
    np.savez(path, **{JSON_NAME: np.array(json.dumps(data, ensure_ascii=False))})
    return path


def test_a_session_with_an_over_long_sentence_is_refused_when_opened(tmp_path):
    """100,000 characters used to load, and the window's box cut them to 32,767 without a word."""
    path = session_with_sentence(tmp_path / "long.attn.npz", "a" * 100_000)
    with pytest.raises(SessionFileError) as raised:
        load_session(path)
    assert str(path) in str(raised.value)
    assert f"the sentence has more than {MAX_SENTENCE_CHARACTERS} characters" in str(raised.value)
    path = session_with_sentence(tmp_path / "word.attn.npz", "the " + "d" * 101)
    with pytest.raises(SessionFileError, match="a token has 101 characters"):
        load_session(path)


def test_a_session_cannot_be_saved_with_an_over_long_sentence(tmp_path):
    with pytest.raises(ValueError, match="characters"):
        save_session(tmp_path / "s.attn.npz", Parameters(sentence="e" * 101), None)
    assert list(tmp_path.iterdir()) == []


def test_the_readme_states_the_limits_that_are_enforced():
    from attention_stepper.core import limits

    readme = (Path(__file__).parents[2] / "docs" / "safety.md").read_text(encoding="utf-8")
    table = readme[readme.index("## What the program refuses, and why"):]
    table = table[:table.index("\n## ")]
    for number in (limits.MAX_TOKEN_CHARACTERS, limits.MAX_SENTENCE_CHARACTERS, limits.MAX_SENTENCE_BYTES,
                   int(limits.MAX_MAGNITUDE), limits.MAX_SESSION_JSON_CHARACTERS, limits.MAX_SESSION_JSON_DEPTH):
        assert f"{number:,}" in table or f" {number} " in table, number
    assert f"{limits.MAX_WEIGHTS_BYTES / 2**30:.0f} GiB together as float64" in table
    assert f"{limits.MAX_NPZ_DIRECTORY_BYTES / 2**20:.0f} MiB" in table
