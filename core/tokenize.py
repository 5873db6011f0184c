"""Text to tokens, in a way a learner can predict by eye.

Words are separated by white space. Chinese and Japanese are written
without spaces, so in a text with no white space at all each such
character becomes a token (``猫吃鱼`` → 猫 / 吃 / 鱼); once a person types
spaces (``我 爱 机器 学习``) the spaces decide, and 机器 stays one word. Punctuation and symbols stand alone, so that
"learning." and "learning" get the same vector.

Two other tokenizers can be chosen (``mode``): "characters" makes every
CJK character a token even when spaces are typed, and "jieba" segments
Chinese into words with the jieba package (the optional extra ``zh``), so
我爱机器学习 becomes 我 / 爱 / 机器 / 学习 without typing spaces.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import unicodedata

from .limits import (
    MAX_SENTENCE_CHARACTERS,
    MAX_SENTENCE_INPUT_CHARACTERS,
    MAX_TOKENS,
    check_sentence_length,
    check_token_length,
)

#: The tokenizers a person can choose; "whitespace" is the default.
TOKENIZERS = ("whitespace", "characters", "jieba")

JIEBA_MISSING = "jieba word segmentation needs the optional package jieba: pip install attention-stepper[zh]"

#: Scripts written without spaces between words: each character is a token.
_CHARACTER_SCRIPTS = (
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B-G and supplement
)

_JOINERS = {"\u200c", "\u200d"}  # zero-width (non-)joiner: part of the token they sit in


def _is_character_script(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CHARACTER_SCRIPTS)


@functools.lru_cache(maxsize=8192)
def _kind(char: str, split_characters: bool) -> str:
    """Classify one character: 'space', 'attach', 'alone' or 'word'.

    Remembered: a sentence repeats few distinct characters, and a 512-token
    paragraph asked this some 2,500 times per keystroke (about 3 ms).
    """
    if char in _JOINERS:
        return "attach"
    category = unicodedata.category(char)
    if char.isspace() or category in ("Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Cn", "Co"):
        return "space"  # includes zero-width space and other invisible format characters
    if category.startswith("M"):
        return "attach"  # combining marks belong to the character before them
    if category.startswith(("P", "S")) or (split_characters and _is_character_script(char)):
        return "alone"
    return "word"


def _strip_spaces(text: str) -> str:
    """``text`` without leading and trailing white space of every kind :func:`_kind` calls space.

    ``str.strip`` alone would keep a zero-width space or a byte-order mark at
    an end, and that invisible character would then count as white space
    between words: "猫吃鱼\ufeff" would stay one token while "猫吃鱼 " splits.
    """
    start, end = 0, len(text)
    while start < end and _kind(text[start], False) == "space":
        start += 1
    while end > start and _kind(text[end - 1], False) == "space":
        end -= 1
    return text[start:end]


def jieba_available() -> bool:
    """Whether the optional jieba package is installed (looked up, not imported: importing it is slow)."""
    try:
        return importlib.util.find_spec("jieba") is not None
    except (ImportError, ValueError):
        return False


def _jieba():
    """Import jieba on first use only, and keep its "Building prefix dict…" chatter off stderr."""
    if not jieba_available():
        raise ValueError(JIEBA_MISSING)
    try:
        jieba = importlib.import_module("jieba")
    except ImportError:
        raise ValueError(JIEBA_MISSING) from None
    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenize(text: str, mode: str = "whitespace") -> list[str]:
    """Split ``text`` into tokens (see the module docstring for the rules).

    The text is NFC-normalised first, so the same word typed with a composed
    or a decomposed accent is the same token (and gets the same vector).
    ``mode`` is one of :data:`TOKENIZERS`; "jieba" raises ValueError with the
    install hint when jieba is missing. Raises ValueError when there is no
    token, more than MAX_TOKENS, a token longer than MAX_TOKEN_CHARACTERS or
    a text longer than MAX_SENTENCE_CHARACTERS (see :mod:`.limits`).
    """
    if mode not in TOKENIZERS:
        raise ValueError(f"the tokenizer must be one of {', '.join(TOKENIZERS)}; got {mode!r}")
    segmenter = _jieba() if mode == "jieba" else None
    # Only what the limits allow is looked at. A longer text is refused: for its tokens when the allowed
    # part already has too many (the more useful reason), else for its length.
    normalized = unicodedata.normalize("NFC", text[:MAX_SENTENCE_INPUT_CHARACTERS])
    length = len(text) if len(text) > MAX_SENTENCE_INPUT_CHARACTERS else len(normalized)
    if mode == "characters":
        split_characters = True
    elif mode == "jieba":
        split_characters = False  # jieba, not the character rule, splits the Chinese words
    else:
        split_characters = not any(_kind(char, False) == "space" for char in _strip_spaces(normalized))
    text = normalized[:MAX_SENTENCE_CHARACTERS + 1]
    tokens = _split(text, split_characters)
    if segmenter is not None:
        tokens = _segment(tokens, segmenter)
    if len(tokens) > MAX_TOKENS:
        raise ValueError(
            f"the sentence has more than {MAX_TOKENS} tokens; at most {MAX_TOKENS} are allowed"
        )
    check_sentence_length(length)
    if not tokens:
        raise ValueError("the sentence has no tokens: type at least one word or character")
    for token in tokens:
        check_token_length(token)
    return tokens


def _segment(tokens: list[str], jieba) -> list[str]:
    """Replace every token that holds a CJK character by jieba's words for it.

    Punctuation is already a token of its own, so jieba only ever sees runs
    of letters; the white space a person typed still separates words.
    """
    segmented: list[str] = []
    for token in tokens:
        if len(segmented) > MAX_TOKENS:
            break
        if any(_is_character_script(char) for char in token):
            segmented.extend(word for word in jieba.lcut(token) if word.strip())
        else:
            segmented.append(token)
    return segmented


def _split(text: str, split_characters: bool) -> list[str]:
    """The white-space rules; stops soon after MAX_TOKENS so a huge text is refused quickly."""
    tokens: list[str] = []
    current = ""  # the word being built
    last_alone = False  # whether tokens[-1] was a stand-alone character marks may attach to
    for char in text:
        kind = _kind(char, split_characters)
        if kind == "alone" and last_alone and tokens[-1].endswith("\u200d"):
            kind = "attach"  # an emoji sequence joined by ZWJ (👨‍👩‍👧) is one token
        if kind == "word":
            current += char
            last_alone = False
            continue
        if kind == "attach":
            if current:
                current += char
            elif last_alone:
                tokens[-1] += char
            else:
                current = char
            continue
        if current:
            tokens.append(current)
            current = ""
        if kind == "alone":
            tokens.append(char)
            last_alone = True
        else:
            last_alone = False
        if len(tokens) > MAX_TOKENS:
            break
    if current:
        tokens.append(current)
    return tokens


def unique_labels(tokens: list[str]) -> list[str]:
    """Row labels for tables: the tokens, with ``#2``, ``#3``… on repeats.

    A CSV or a spreadsheet needs distinct row names, and a learner needs to
    tell the first "the" from the second.
    """
    used: set[str] = set()
    labels = []
    for token in tokens:
        label, repeat = token, 1
        while label in used:
            repeat += 1
            label = f"{token}#{repeat}"
        used.add(label)
        labels.append(label)
    return labels
