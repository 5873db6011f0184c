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
a character split over several tokens shows in each of them, with ``…`` on
the side where it goes on (``我…``, ``…我…``, ``…我``).
"""

from __future__ import annotations

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
        run: list[bytes] = []  # the byte pieces of consecutive ordinary tokens
        for token in tokens:
            if token in self._special:
                labels.extend(_run_labels(run))
                run = []
                labels.append(token)
            else:
                run.append(self._bytes(token))
        labels.extend(_run_labels(run))
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


def _characters(data: bytes) -> list[tuple[int, int, str]]:
    """(first byte, end byte, character) of each UTF-8 character of ``data`` (a broken one shows as �)."""
    found, at = [], 0
    while at < len(data):
        lead = data[at]
        width = 1 if lead < 0x80 else 2 if 0xC0 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 else \
            4 if 0xF0 <= lead < 0xF8 else 1
        end = min(at + width, len(data))
        found.append((at, end, data[at:end].decode("utf-8", "replace")[:1]))
        at = end
    return found


def _run_labels(pieces: list[bytes]) -> list[str]:
    """Each token's characters; one split over tokens shows in each, with … on the side where it goes on."""
    characters = _characters(b"".join(pieces))
    labels, start = [], 0
    for piece in pieces:
        end = start + len(piece)
        touched = [(first, last, char) for first, last, char in characters if first < end and last > start]
        text = _readable("".join(char for _, _, char in touched))
        if touched and touched[0][0] < start:
            text = "…" + text
        if touched and touched[-1][1] > end:
            text += "…"
        labels.append(text)
        start = end
    return labels


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
