"""No token splits what is drawn as one character (issue 13, item 14).

👍🏽 became 👍 + 🏽 and 🇨🇳 became 🇨 + 🇳. Emoji modifiers, flags, ZWJ
sequences, variation selectors, combining marks, tag sequences and keycaps
now stay whole in every tokenizer mode, and a sentence of only zero-width
joiners is refused like one of only zero-width spaces.
"""

from __future__ import annotations

import unicodedata

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, example, given, settings

from attention_stepper.core import Parameters, compute, tokenize
from attention_stepper.core.graphemes import clusters
from attention_stepper.core.tokenize import jieba_available

MODES = ["whitespace", "characters"] + (["jieba"] if jieba_available() else [])
NO_TOKENS = "the sentence has no tokens: type at least one word or character"

THUMBS_UP_MEDIUM = "👍🏽"
FLAG_CHINA = "🇨🇳"
FAMILY = "👨\u200d👩\u200d👧"
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
KEYCAP_ONE = "1\ufe0f\u20e3"
HEART_EMOJI = "\u2764\ufe0f"
HEART_TEXT = "\u2764\ufe0e"
RAINBOW_FLAG = "🏳\ufe0f\u200d🌈"
HANDSHAKE = "🧑🏽\u200d🤝\u200d🧑🏿"
CLUSTERS = [THUMBS_UP_MEDIUM, FLAG_CHINA, FAMILY, SCOTLAND, KEYCAP_ONE, HEART_EMOJI, HEART_TEXT, RAINBOW_FLAG,
            HANDSHAKE, "#\ufe0f\u20e3", "🇺🇸", "👋🏿"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cluster", CLUSTERS)
def test_each_cluster_is_one_token_in_every_mode(mode, cluster):
    assert tokenize(cluster, mode) == [cluster]
    assert tokenize(f"the {cluster} sat", mode) == ["the", cluster, "sat"]


@pytest.mark.parametrize("mode", MODES)
def test_clusters_between_chinese_characters(mode):
    text = f"猫{THUMBS_UP_MEDIUM}吃{FLAG_CHINA}鱼{SCOTLAND}"
    tokens = tokenize(text, mode)
    for cluster in (THUMBS_UP_MEDIUM, FLAG_CHINA, SCOTLAND):
        assert cluster in tokens, tokens
    assert "".join(tokens) == text


def test_two_flags_side_by_side_are_two_tokens_and_an_odd_indicator_stands_alone():
    assert tokenize("🇨🇳🇺🇸") == ["🇨🇳", "🇺🇸"]
    assert tokenize("🇨🇳🇺") == ["🇨🇳", "🇺"]


def test_combining_marks_stay_on_their_letter_in_every_mode():
    decomposed = "a\u0323\u0302 e\u0301"  # ậ, é as letter + marks (NFC composes what it can)
    for mode in MODES:
        tokens = tokenize(decomposed, mode)
        assert "".join(tokens) == unicodedata.normalize("NFC", decomposed).replace(" ", "")
        assert not any(unicodedata.category(token[0]).startswith("M") for token in tokens), tokens
    assert tokenize("猫\u0301吃", "characters") == ["猫\u0301", "吃"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("invisible", ["\u200d", "\u200c", "\ufe0f", "\U000e0067", "\u034f", "\u200b\u200d"])
def test_a_sentence_of_only_joiners_is_refused_like_one_of_zero_width_spaces(mode, invisible):
    for text in (invisible, invisible * 5, f" {invisible} \u200b "):
        with pytest.raises(ValueError) as raised:
            tokenize(text, mode)
        assert str(raised.value) == NO_TOKENS
    with pytest.raises(ValueError) as raised:
        tokenize("\u200b" * 5, mode)
    assert str(raised.value) == NO_TOKENS


def test_a_joiner_with_nothing_to_join_is_dropped_and_inside_a_word_kept():
    assert tokenize("\u200dcat \u200dsat") == ["cat", "sat"]
    assert tokenize("می\u200cخواهم") == ["می\u200cخواهم"]  # Persian: the non-joiner is part of the word


def test_the_app_computes_with_whole_clusters():
    computation = compute(Parameters(sentence=f"{THUMBS_UP_MEDIUM} {FLAG_CHINA} {FAMILY}"))
    assert list(computation.tokens) == [THUMBS_UP_MEDIUM, FLAG_CHINA, FAMILY]


# --- properties -----------------------------------------------------------------------------------------------

ALPHABET = [
    "a", "b", "é", "猫", "吃", "1", "#", "*", ",", "!", " ", "\u3000", "\u200b", "\t",
    "👍", "👨", "👩", "🏴", "🏳", "❤", "🤝", "🌈",
    "\U0001f3fb", "\U0001f3fd", "\U0001f3ff",  # skin tones
    "\U0001f1e8", "\U0001f1f3", "\U0001f1fa",  # regional indicators C, N, U
    "\u200d", "\u200c", "\ufe0e", "\ufe0f", "\u20e3", "\u0301", "\u0323", "\u034f",  # joiners, selectors, marks
    "\U000e0067", "\U000e0073", "\U000e007f",  # tags
]
TEXT = st.lists(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(CLUSTERS)), max_size=30).map("".join)

SEPARATOR_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Cn", "Co"}


def is_invisible_extender(char: str) -> bool:
    code = ord(char)
    return (char in "\u200c\u200d\u034f" or 0xFE00 <= code <= 0xFE0F or 0xE0020 <= code <= 0xE007F
            or 0xE0100 <= code <= 0xE01EF)


def is_separator(char: str) -> bool:
    return not is_invisible_extender(char) and (char.isspace() or unicodedata.category(char) in SEPARATOR_CATEGORIES)


def extends(char: str) -> bool:
    """Drawn as part of the character before it: a mark, a skin tone, a joiner, a selector, a tag."""
    return (unicodedata.category(char).startswith("M") or 0x1F3FB <= ord(char) <= 0x1F3FF
            or is_invisible_extender(char))


def is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def dropped(text: str) -> list[bool]:
    """Separators, and invisible extending characters with nothing visible before them in their word."""
    marks, word_started = [], False
    for char in text:
        if is_separator(char):
            marks.append(True)
            word_started = False
        elif is_invisible_extender(char) and not word_started:
            marks.append(True)
        else:
            marks.append(False)
            word_started = True
    return marks


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(MODES))
@example(THUMBS_UP_MEDIUM, "whitespace")
@example(FLAG_CHINA + FLAG_CHINA[0], "characters")
@example("\u200d" + FAMILY, "whitespace")
@example("猫" + SCOTLAND + "\u0301吃", "jieba" if jieba_available() else "characters")
def test_no_token_starts_inside_a_cluster_and_no_visible_character_is_lost(text, mode):
    """Aligned with the text, every token starts where a new character is drawn.

    A mark, skin tone or joiner starts a token only when nothing before it
    could carry it (the start, or a separator); a regional indicator never
    starts a token as the second of a flag. Concatenated, the tokens are the
    text without its separators and its joiners that join nothing.
    """
    text = unicodedata.normalize("NFC", text)
    try:
        tokens = tokenize(text, mode)
    except ValueError as error:
        assert str(error) == NO_TOKENS, error
        assert all(dropped(text)), "a visible character, yet no token"
        return
    gone = dropped(text)
    position = 0
    for token in tokens:
        while position < len(text) and gone[position]:
            position += 1
        assert text[position:position + len(token)] == token, (text, tokens)
        if extends(token[0]):
            assert position == 0 or gone[position - 1], ("a token starts inside a cluster", text, tokens)
        if is_regional_indicator(token[0]):
            run = 0
            while position - run - 1 >= 0 and is_regional_indicator(text[position - run - 1]):
                run += 1
            assert run % 2 == 0, ("a token starts with the second indicator of a flag", text, tokens)
        position += len(token)
    assert all(gone[position:]), (text, tokens)
    assert "".join(tokens) == "".join(char for char, lost in zip(text, gone) if not lost)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_clusters_join_back_to_the_text(text):
    assert "".join(clusters(text, is_separator)) == text
