"""The model's own tokens: ``tokenizer.json`` read with the ``tokenizers`` package, and readable labels.

``Tokenizer.from_file(DIR/tokenizer.json).encode(TEXT)`` gives the ids the
model was trained on, special tokens ([CLS], [SEP], <s>) included. Padding
and truncation, which some tokenizer.json files switch on for batches (the
MiniLM one pads every sentence to 128 tokens), are switched off: one
sentence needs no padding, and a cut sentence would hide tokens silently,
so a sentence longer than the model's positions is refused instead.

Byte-level tokens (GPT-2, Qwen, RoBERTa) are UTF-8 bytes spelled as
printable characters: ``Ġcat`` is " cat", and 我 is three tokens of one byte
each. Labels decode them for display: a space becomes ``·`` (``·cat``), and
the pieces of a character split over several tokens show that character
with their place in it (``我[1/3]``, ``我[2/3]``, ``我[3/3]``).
"""

from __future__ import annotations

import codecs
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import CheckpointError, require_hf

TOKENIZER_FILE = "tokenizer.json"
MAX_TOKENIZER_BYTES = 256 * 1024 * 1024
_BYTE_FALLBACK = re.compile(r"<0x([0-9A-Fa-f]{2})>")
_SHOWN = {" ": "·", "\n": "↵", "\t": "⇥", "\r": "␍"}


@dataclass(frozen=True)
class Encoding:
    """One sentence as the model sees it: ids, the tokenizer's own strings, readable labels, token types."""

    ids: tuple[int, ...]
    tokens: tuple[str, ...]
    labels: tuple[str, ...]
    type_ids: tuple[int, ...]


@functools.lru_cache(maxsize=1)
def _byte_of_character() -> dict[str, int]:
    """GPT-2's printable stand-in for each byte, reversed (``bytes_to_unicode`` in its encoder.py)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    characters = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            characters.append(256 + extra)
            extra += 1
    return {chr(character): byte for byte, character in zip(printable, characters)}


class ModelTokenizer:
    """A folder's tokenizer.json, ready to encode sentences."""

    def __init__(self, folder: Path):
        require_hf()
        from tokenizers import Tokenizer

        path = folder / TOKENIZER_FILE
        if not path.is_file():
            raise CheckpointError(f"{folder} has no {TOKENIZER_FILE}; the model's tokens come from it (an older "
                                  f"folder with only vocab.txt or merges.txt is not read)")
        try:
            if path.stat().st_size > MAX_TOKENIZER_BYTES:
                raise CheckpointError(f"{path} is larger than any tokenizer ({MAX_TOKENIZER_BYTES // 2**20} MB)")
            text = path.read_text(encoding="utf-8")
            self._tokenizer = Tokenizer.from_str(text)
        except CheckpointError:
            raise
        except OSError as error:
            raise CheckpointError(f"cannot read {path}: {error.strerror or error}") from None
        except Exception as error:  # noqa: BLE001 - tokenizers raises a bare Exception for every parse error
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise CheckpointError(f"{path} is not a tokenizer.json the tokenizers package reads: {first}") from None
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self.byte_level = _is_byte_level(json.loads(text))
        self._special = {token.content for token in self._tokenizer.get_added_tokens_decoder().values()}

    def encode(self, text: str) -> Encoding:
        try:
            encoding = self._tokenizer.encode(text)
        except Exception as error:  # noqa: BLE001 - the Rust side raises plain Exceptions
            raise CheckpointError(f"the tokenizer cannot encode this sentence: {error}") from None
        tokens = tuple(encoding.tokens)
        if not tokens:
            raise CheckpointError("the sentence has no tokens: type at least one word or character")
        return Encoding(tuple(encoding.ids), tokens, tuple(self.labels(tokens)), tuple(encoding.type_ids))

    def labels(self, tokens: tuple[str, ...]) -> list[str]:
        """Readable forms of ``tokens`` (see the module docstring); special tokens stay as they are."""
        labels: list[str] = []
        group: list[str] = []  # tokens whose bytes do not end on a whole character yet
        data = b""
        for token in tokens:
            piece = None if token in self._special else self._bytes(token)
            if piece is None:
                labels.extend(_group_labels(group, data))
                group, data = [], b""
                labels.append(token)
                continue
            group.append(token)
            data += piece
            if _whole_characters(data):
                labels.extend(_group_labels(group, data))
                group, data = [], b""
        labels.extend(_group_labels(group, data))
        return labels

    def _bytes(self, token: str) -> bytes:
        if self.byte_level:
            table = _byte_of_character()
            if all(character in table for character in token):
                return bytes(table[character] for character in token)
            return token.encode("utf-8")
        match = _BYTE_FALLBACK.fullmatch(token)
        if match:  # SentencePiece's byte fallback (Llama): one byte of a character it has no piece for
            return bytes([int(match.group(1), 16)])
        return token.replace("▁", " ").encode("utf-8")


def _whole_characters(data: bytes) -> bool:
    """Whether ``data`` ends on a character boundary (nothing is left waiting for more bytes)."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    decoder.decode(data)
    return not decoder.getstate()[0]


def _group_labels(group: list[str], data: bytes) -> list[str]:
    """One token: its text. k tokens that together spell a character: that character with ``[i/k]``."""
    if not group:
        return []
    text = _readable(data.decode("utf-8", "replace"))
    if len(group) == 1:
        return [text]
    return [f"{text}[{index}/{len(group)}]" for index in range(1, len(group) + 1)]


def _readable(text: str) -> str:
    return "".join(_SHOWN.get(character, character) for character in text) or "∅"


def _is_byte_level(description: dict) -> bool:
    """Whether the tokenizer spells bytes as GPT-2's printable characters (a ByteLevel pre-tokenizer or decoder)."""

    def mentions(part) -> bool:
        if isinstance(part, dict):
            return part.get("type") == "ByteLevel" or any(mentions(value) for value in part.values())
        if isinstance(part, list):
            return any(mentions(value) for value in part)
        return False

    return mentions(description.get("pre_tokenizer")) or mentions(description.get("decoder"))
