"""Text to tokens, in a way a learner can predict by eye.

Words are separated by white space. Chinese and Japanese are written
without spaces, so in a text with no white space at all each such
character becomes a token (``猫吃鱼`` → 猫 / 吃 / 鱼); once a person types
spaces (``我 爱 机器 学习``) the spaces decide, and 机器 stays one word. Punctuation and symbols stand alone, so that
"learning." and "learning" get the same vector.

No token splits what is drawn as one character (a grapheme cluster, see
:mod:`.graphemes`): an accent stays on its letter, 👍🏽, 🇨🇳, 👨‍👩‍👧 and 1️⃣ are
one token each. Invisible characters between words separate them like
spaces; a zero-width joiner, variation selector or tag with nothing before
it to join is dropped, so a sentence of only such characters has no token.

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
import re
import unicodedata
from collections.abc import Iterator

from .graphemes import clusters, is_extending, is_invisible
from .limits import (
    MAX_SENTENCE_CHARACTERS,
    MAX_SENTENCE_INPUT_CHARACTERS,
    MAX_TOKENS,
    check_sentence_length,
    check_token_length,
)

#: Tokens that only pad a sentence to a batch's length: kept whole, and masked as keys.
PADDING_TOKENS = ("<pad>", "[PAD]")

_PADDING = re.compile("(" + "|".join(map(re.escape, PADDING_TOKENS)) + ")")

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

def _is_character_script(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CHARACTER_SCRIPTS)


@functools.lru_cache(maxsize=8192)
def _kind(char: str, split_characters: bool) -> str:
    """Classify one character: 'space', 'attach', 'alone' or 'word'.

    'attach' is a character that extends the one before it (see
    :mod:`.graphemes`); the others give a grapheme cluster its kind by its
    first character. Remembered: a sentence repeats few distinct characters,
    and a 512-token paragraph asked this some 2,500 times per keystroke.
    """
    if is_extending(char):
        return "attach"
    category = unicodedata.category(char)
    if char.isspace() or category in ("Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Cn", "Co"):
        return "space"  # includes zero-width space and other invisible format characters
    if category.startswith(("P", "S")) or (split_characters and _is_character_script(char)):
        return "alone"
    return "word"


@functools.lru_cache(maxsize=8192)
def _separates(char: str) -> bool:
    return _kind(char, False) == "space"


def _classified(text: str, split_characters: bool) -> Iterator[tuple[str, str]]:
    """The grapheme clusters of ``text`` with their kind: 'space', 'alone' or 'word'.

    A cluster is of the kind of its first character. One that starts with
    an extending character had nothing before it to extend (the start, or a
    separator): its invisible start is dropped, a mark then joins the word
    that follows (as a letter would) and a skin tone stands alone (as a
    symbol would); with nothing visible left it separates, like a space.
    """
    for cluster in clusters(text, _separates):
        kind = _kind(cluster[0], split_characters)
        if kind != "attach":
            yield cluster, kind
            continue
        start = 0
        while start < len(cluster) and is_invisible(cluster[start]):
            start += 1
        if start == len(cluster):
            yield cluster, "space"
        elif unicodedata.category(cluster[start]).startswith("M"):
            yield cluster[start:], "word"
        else:
            yield cluster[start:], "alone"


def _interior_space(text: str) -> bool:
    """Whether a separator stands between two characters that are kept (the ends do not count).

    Counting the ends would let an invisible character (a zero-width space,
    a byte-order mark) decide: "猫吃鱼\ufeff" would stay one token while
    "猫吃鱼 " splits. A joiner or selector at an end joins nothing there.
    """
    start, end = 0, len(text)
    while start < end and (_separates(text[start]) or is_invisible(text[start])):
        start += 1
    while end > start and (_separates(text[end - 1]) or is_invisible(text[end - 1])):
        end -= 1
    return any(map(_separates, text[start:end]))


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
        split_characters = not _interior_space(normalized)
    text = normalized[:MAX_SENTENCE_CHARACTERS + 1]
    tokens: list[str] = []
    for index, piece in enumerate(_PADDING.split(text)):  # odd pieces are padding tokens, kept whole
        if index % 2:
            tokens.append(piece)
            continue
        words = _split(piece, split_characters)
        tokens.extend(words if segmenter is None else _segment(words, segmenter))
        if len(tokens) > MAX_TOKENS:
            break
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
    of letters; the white space a person typed still separates words. A
    word jieba starts inside a grapheme cluster (at an accent, a joiner) is
    glued back to the word before it.
    """
    segmented: list[str] = []
    for token in tokens:
        if len(segmented) > MAX_TOKENS:
            break
        if not any(_is_character_script(char) for char in token):
            segmented.append(token)
            continue
        boundaries, offset = {0}, 0
        for cluster in clusters(token, _separates):
            offset += len(cluster)
            boundaries.add(offset)
        words: list[str] = []
        offset = 0
        for word in jieba.lcut(token):
            if words and offset not in boundaries:
                words[-1] += word
            elif word.strip():
                words.append(word)
            offset += len(word)
        segmented.extend(words)
    return segmented


def _split(text: str, split_characters: bool) -> list[str]:
    """The white-space rules over grapheme clusters; stops soon after MAX_TOKENS so a huge text is refused quickly."""
    tokens: list[str] = []
    current = ""  # the word being built
    for cluster, kind in _classified(text, split_characters):
        if kind == "word":
            current += cluster
            continue
        if current:
            tokens.append(current)
            current = ""
        if kind == "alone":
            tokens.append(cluster)
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
