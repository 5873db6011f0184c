"""Tokenizer rules a learner can predict by eye, and the token vectors that become X."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from attention_stepper.core import (
    MAX_TOKENS,
    embed,
    sinusoidal_positions,
    token_vector,
    tokenize,
)
from attention_stepper.core.tokenize import unique_labels

# --------------------------------------------------------------------------
# Splitting
# --------------------------------------------------------------------------

@pytest.mark.parametrize("text, tokens", [
    ("猫吃鱼", ["猫", "吃", "鱼"]),
    ("我爱机器学习", ["我", "爱", "机", "器", "学", "习"]),
    ("東京タワー", ["東", "京", "タ", "ワ", "ー"]),  # Japanese kana too
])
def test_text_without_white_space_splits_cjk_into_characters(text, tokens):
    assert tokenize(text) == tokens


@pytest.mark.parametrize("text, tokens", [
    ("我 爱 机器 学习", ["我", "爱", "机器", "学习"]),
    ("I love 机器学习", ["I", "love", "机器学习"]),
    ("the cat sat", ["the", "cat", "sat"]),
])
def test_with_white_space_the_spaces_decide(text, tokens):
    assert tokenize(text) == tokens


@pytest.mark.parametrize("text", ["a\tb\nc", "a  b   c", " a b c ", "a\u3000b\u00a0c", "a\r\nb\u2003c"])
def test_every_kind_of_white_space_separates_words(text):
    """Tabs, newlines, the ideographic space and no-break spaces all count as spaces."""
    assert tokenize(text) == ["a", "b", "c"]


@pytest.mark.parametrize("text", [" 猫吃鱼 ", "\n猫吃鱼\n", "猫吃鱼\u200b", "\ufeff猫吃鱼"])
def test_white_space_only_at_the_ends_does_not_stop_character_splitting(text):
    """A trailing newline from a file must not turn 猫吃鱼 into one token."""
    assert tokenize(text) == ["猫", "吃", "鱼"]


@pytest.mark.parametrize("text, tokens", [
    ("Hello, world!", ["Hello", ",", "world", "!"]),
    ("learning.", ["learning", "."]),
    ("猫吃鱼。", ["猫", "吃", "鱼", "。"]),
    ("猫，吃鱼！？", ["猫", "，", "吃", "鱼", "！", "？"]),
    ("(a)", ["(", "a", ")"]),
    ("e-mail", ["e", "-", "mail"]),
    ("1+1=2", ["1", "+", "1", "=", "2"]),
])
def test_punctuation_and_symbols_are_tokens_of_their_own(text, tokens):
    assert tokenize(text) == tokens


def test_learning_with_and_without_full_stop_is_the_same_token():
    """Punctuation standing alone means "learning." and "learning" share a word vector."""
    assert tokenize("learning.")[0] == tokenize("learning")[0] == "learning"


def test_text_is_nfc_normalised():
    composed = "caf\u00e9"
    decomposed = "cafe\u0301"
    assert composed != decomposed
    assert tokenize(decomposed) == tokenize(composed) == [composed]
    assert unicodedata.is_normalized("NFC", tokenize(decomposed)[0])


def test_combining_marks_stay_with_their_letter():
    assert tokenize("nai\u0308ve") == ["naïve"]


def test_emoji_are_tokens():
    assert tokenize("👍 ok") == ["👍", "ok"]
    assert tokenize("👍🏽 ok 🇨🇳") == ["👍🏽", "ok", "🇨🇳"]  # a skin tone and a flag's second half are no tokens


@pytest.mark.parametrize("text", ["", " ", "\n\t ", "\u3000", "\u200b", "\u200d", "\u200d\u200d\u200d", "\ufe0f"])
def test_no_token_is_an_error_a_person_can_read(text):
    with pytest.raises(ValueError, match="no tokens") as caught:
        tokenize(text)
    assert "type at least one word" in str(caught.value)


def test_exactly_the_token_limit_is_accepted():
    assert MAX_TOKENS == 512
    assert len(tokenize(" ".join(["w"] * MAX_TOKENS))) == MAX_TOKENS
    assert len(tokenize("猫" * MAX_TOKENS)) == MAX_TOKENS


@pytest.mark.parametrize("text", [" ".join(["w"] * 513), "猫" * 513, "a," * 300, "x " * 100_000])
def test_more_than_512_tokens_is_an_error_a_person_can_read(text):
    with pytest.raises(ValueError, match="more than 512 tokens; at most 512 are allowed"):
        tokenize(text)


def test_unknown_tokenizer_mode_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="whitespace, characters, jieba"):
        tokenize("a b", mode="words")


def test_characters_mode_splits_cjk_even_with_spaces():
    assert tokenize("我 爱 机器", mode="characters") == ["我", "爱", "机", "器"]


def test_unique_labels_number_the_repeats():
    assert unique_labels(["the", "cat", "saw", "the", "cat", "the"]) == [
        "the", "cat", "saw", "the#2", "cat#2", "the#3"]
    # A real token that looks like a numbered repeat does not collide with one.
    labels = unique_labels(["a", "a#2", "a"])
    assert len(set(labels)) == 3 and labels[:2] == ["a", "a#2"]


# --------------------------------------------------------------------------
# Token vectors: X depends only on (token, d_model, seed)
# --------------------------------------------------------------------------

def test_same_word_has_the_same_row_in_every_sentence():
    x1 = embed(tokenize("the cat sat"), 8, seed=3)
    x2 = embed(tokenize("a big cat ran"), 8, seed=3)
    np.testing.assert_array_equal(x1[1], x2[2])
    np.testing.assert_array_equal(x1[1], token_vector("cat", 8, 3))


def test_repeated_word_has_identical_rows():
    x = embed(tokenize("the cat saw the dog"), 16)
    np.testing.assert_array_equal(x[0], x[3])
    assert not np.array_equal(x[0], x[1])


def test_token_vector_depends_on_the_token_the_width_and_the_seed():
    base = token_vector("cat", 8, 0)
    assert base.shape == (8,) and base.dtype == np.float64
    np.testing.assert_array_equal(base, token_vector("cat", 8, 0))
    assert not np.array_equal(base, token_vector("dog", 8, 0))
    assert not np.array_equal(base, token_vector("cat", 8, 1))
    assert not np.array_equal(base[:4], token_vector("cat", 4, 0))


def test_token_vectors_are_read_only():
    """They are cached; writing into one would change that word in every later sentence."""
    with pytest.raises(ValueError):
        token_vector("cat", 8, 0)[0] = 1.0


def test_positional_encoding_is_off_by_default():
    tokens = tokenize("the cat saw the dog")
    np.testing.assert_array_equal(embed(tokens, 6), np.stack([token_vector(t, 6) for t in tokens]))


def test_positional_encoding_adds_the_sinusoids():
    tokens = tokenize("the cat saw the dog")
    with_positions = embed(tokens, 6, positional_encoding=True)
    np.testing.assert_array_equal(with_positions, embed(tokens, 6) + sinusoidal_positions(5, 6))
    assert not np.array_equal(with_positions[0], with_positions[3])  # the two "the" now differ


def test_sinusoidal_positions_by_hand():
    """PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)), here d = 4."""
    pe = sinusoidal_positions(3, 4)
    expected = np.array([
        [0.0, 1.0, 0.0, 1.0],
        [np.sin(1.0), np.cos(1.0), np.sin(1 / 100), np.cos(1 / 100)],
        [np.sin(2.0), np.cos(2.0), np.sin(2 / 100), np.cos(2 / 100)],
    ])
    np.testing.assert_allclose(pe, expected, rtol=1e-15, atol=1e-16)


def test_sinusoidal_positions_with_odd_width():
    pe = sinusoidal_positions(4, 5)
    assert pe.shape == (4, 5)
    np.testing.assert_array_equal(pe[:, 4], np.sin(np.arange(4) / 10000 ** (4 / 5)))


@pytest.mark.parametrize("mode", ["whitespace", "characters"])
def test_padding_tokens_are_kept_whole_by_every_tokenizer(mode):
    assert tokenize("猫吃鱼<pad><pad>", mode) == ["猫", "吃", "鱼", "<pad>", "<pad>"]
    assert tokenize("the cat [PAD] sat.", mode) == ["the", "cat", "[PAD]", "sat", "."]
