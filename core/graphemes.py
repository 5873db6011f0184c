"""Grapheme clusters: what a reader sees as one character, by a small rule.

A token must never split what is drawn as one sign: 👍🏽 is 👍 and a skin
tone, 🇨🇳 two regional indicators, 👨‍👩‍👧 three emoji glued by zero-width
joiners, 🏴󠁧󠁢󠁳󠁣󠁴󠁿 a flag followed by invisible tag characters, 1️⃣ a digit, a
variation selector and a keycap. :func:`clusters` groups a text the way
Unicode's extended grapheme clusters do (UAX #29) for what a typed or pasted
sentence holds:

* a character extends the cluster before it when it is a combining mark
  (category M: accents, variation selectors U+FE00–FE0F, the keycap
  U+20E3), an emoji modifier (U+1F3FB–1F3FF), a tag (U+E0020–E007F) or a
  zero-width (non-)joiner (U+200C, U+200D);
* after a zero-width joiner, a pictograph (category So) continues a
  cluster that starts with one (UAX #29's rule GB11);
* regional indicators (U+1F1E6–1F1FF) pair up: the second of a pair joins
  the first, a third starts a new flag.

Nothing extends white space or an invisible format character (the tokenizer
separates words there), so an extending character after one, or at the
start, begins a cluster of its own: :func:`is_extending` tells such an
orphan, and :func:`is_invisible` which of its characters show nothing.
Hangul jamo need no rule (NFC composes them); prepended marks are not
handled. The ``regex`` module's ``\\X`` would do all of UAX #29, but as a
new dependency for these few rules.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterator

ZERO_WIDTH_JOINER = "\u200d"
_EXTENDING_RANGES = (
    (0x200C, 0x200D),  # zero-width non-joiner and joiner
    (0x1F3FB, 0x1F3FF),  # emoji modifiers (skin tones)
    (0xE0020, 0xE007F),  # tags: 🏴 + tags spell a subdivision flag
)
_INVISIBLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x200C, 0x200D),
    (0xFE00, 0xFE0F),  # variation selectors
    (0xE0020, 0xE007F),
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
_REGIONAL_INDICATORS = (0x1F1E6, 0x1F1FF)


def _within(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


@functools.lru_cache(maxsize=8192)
def is_extending(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (a mark, modifier, tag or joiner)."""
    return unicodedata.category(char).startswith("M") or _within(char, _EXTENDING_RANGES)


@functools.lru_cache(maxsize=8192)
def is_invisible(char: str) -> bool:
    """Whether ``char`` is an extending character that shows nothing by itself (a joiner, selector, tag)."""
    return _within(char, _INVISIBLE_RANGES)


def is_regional_indicator(char: str) -> bool:
    return _REGIONAL_INDICATORS[0] <= ord(char) <= _REGIONAL_INDICATORS[1]


_OTHER, _EXTENDING, _REGIONAL, _PICTOGRAPH = range(4)


@functools.lru_cache(maxsize=8192)
def _class(char: str) -> int:
    """What :func:`clusters` needs to know of a character, in one remembered look-up."""
    if is_extending(char):
        return _EXTENDING
    if is_regional_indicator(char):
        return _REGIONAL
    return _PICTOGRAPH if unicodedata.category(char) == "So" else _OTHER


def clusters(text: str, separates: Callable[[str], bool]) -> Iterator[str]:
    """The grapheme clusters of ``text``, in order; joined, they are ``text``.

    ``separates(char)`` says which characters are white space for the
    tokenizer: nothing extends them (see the module docstring).
    """
    cluster = ""
    extendable = False  # whether the cluster may take extending characters
    pair_open = False  # the cluster is one regional indicator, waiting for its pair
    pictograph = False  # the cluster starts with a pictograph
    joined = False  # the cluster ends with a zero-width joiner
    for char in text:
        kind = _class(char)
        if cluster:
            if kind == _EXTENDING and extendable:
                cluster += char
                pair_open = False
                joined = char == ZERO_WIDTH_JOINER
                continue
            if kind == _REGIONAL and pair_open:
                cluster += char
                pair_open = False
                continue
            if kind == _PICTOGRAPH and joined and pictograph:
                cluster += char
                joined = False
                continue
            yield cluster
        cluster = char
        extendable = kind == _EXTENDING or not separates(char)
        pair_open = kind == _REGIONAL
        pictograph = kind == _PICTOGRAPH
        joined = char == ZERO_WIDTH_JOINER
    if cluster:
        yield cluster
