"""Every size limit the program enforces, in one place.

The core, the command line and the GUI all check against these numbers and
phrase their messages with :func:`check_whole_number`, so a person meets the
same rule and the same wording wherever they type a value.
"""

from __future__ import annotations

import operator

from .matrices import TRACE_KEYS, WEIGHT_NAMES, Sizes, matrix_info

MAX_TOKENS = 512
MIN_HEADS, MAX_HEADS = 1, 64
MIN_D_MODEL, MAX_D_MODEL = 1, 4096
MIN_D_K, MAX_D_K = 1, 1024  # also the range of d_v
MIN_SEED, MAX_SEED = 0, 2**31 - 1  # fits a QSpinBox (a C int)

#: A token may have at most this many characters. Real words are far
#: shorter; a 30-million-character "word" took 36 s and 687 MB of CSV labels.
MAX_TOKEN_CHARACTERS = 100
#: The sentence may have at most this many characters: room for MAX_TOKENS of
#: the longest tokens, each with a space after it (51,712).
MAX_SENTENCE_CHARACTERS = MAX_TOKENS * (MAX_TOKEN_CHARACTERS + 1)
#: The characters are counted after NFC normalisation, which turns at most
#: four characters into one (a letter and three marks): a text typed with
#: more than this many characters is too long whatever it composes to.
MAX_SENTENCE_INPUT_CHARACTERS = 4 * (MAX_SENTENCE_CHARACTERS + 1)
#: A sentence file or standard input is read up to this many bytes (827 kB):
#: UTF-8 takes at most 4 bytes a character, and a byte-order mark 3 more.
MAX_SENTENCE_BYTES = 4 * MAX_SENTENCE_INPUT_CHARACTERS + 3

#: The matrices of one computation (trace and weights) may take at most this
#: many bytes. Every parameter can be within its own range while the product
#: is not (64 heads x 1024 d_k x 4096 d_model is 8 GiB of weights alone);
#: this bound turns that into a message instead of a MemoryError or a swap storm.
MAX_MATRIX_BYTES = 1 << 30

#: The arrays of a weights file may take at most this many bytes together,
#: counted as float64 (what they become): the weights are part of one
#: computation's matrices, so no usable file holds more. Checked from each
#: array's .npy header before its data is read, so a 2 MB archive that would
#: unpack to gigabytes is refused at once.
MAX_WEIGHTS_BYTES = MAX_MATRIX_BYTES
#: An .npz's table of contents may take at most this many bytes: a real one
#: lists up to six arrays in a few hundred bytes, and zipfile builds an object
#: per entry, so a file of a million empty entries would take gigabytes.
MAX_NPZ_DIRECTORY_BYTES = 1 << 20
#: session.json may have at most this many characters. A session with the
#: longest sentence takes some 60 kB; the rest is room for about 150,000
#: typed-over cells. Stored as 4 bytes a character, it is checked from its
#: .npy header before being read (a 0.6 MB file used to unpack to 1.7 GB).
MAX_SESSION_JSON_CHARACTERS = 1 << 24
#: session.json may nest objects and lists at most this deep; a real one
#: nests 3 deep (the session, its edits, one edit).
MAX_SESSION_JSON_DEPTH = 8
#: A pipe or device given as a weights or session file (``--weights <(…)``)
#: is read into memory, at most this many bytes: the largest arrays and
#: session text, and a MiB for the archive's own headers.
MAX_ARCHIVE_STREAM_BYTES = MAX_WEIGHTS_BYTES + 4 * MAX_SESSION_JSON_CHARACTERS + (1 << 20)

#: No number a person gives, a loaded weight or a typed-over cell of X or W,
#: may be larger than this in magnitude. Then, with the largest sizes
#: (d_model 4096, d_k and d_v 1024, 64 heads) and |x|, |w| <= 1e6 (a seeded x
#: is a standard normal draw, far smaller):
#:   |q|, |k|, |v|  <= d_model * |x| * |w|        <= 4096 * 1e12      ~ 4.1e15
#:   |score|        <= d_k * |q| * |k| (no 1/sqrt(d_k) when skipped)
#:                                                <= 1024 * 4.1e15**2 ~ 1.7e34
#:   |head output|  <= max |v| (a softmax row is a convex combination)
#:   |output|       <= h * d_v * |head output| * |w_o| <= 65536 * 4.1e21 ~ 2.7e26
#: and even their squares (norms, variances) stay below 1e70: far from
#: float64's 1.8e308, so no trace fills with inf or NaN. (The softmax takes
#: score differences, so it needs 2 * |score| < 1.8e308: |w| up to 7e142
#: would still fit.) 1e6 is far past where a softmax is one-hot and above any
#: trained model's weights: nothing worth seeing is refused.
MAX_MAGNITUDE = 1e6

RANGES: dict[str, tuple[int, int]] = {
    "heads": (MIN_HEADS, MAX_HEADS),
    "d_model": (MIN_D_MODEL, MAX_D_MODEL),
    "d_k": (MIN_D_K, MAX_D_K),
    "d_v": (MIN_D_K, MAX_D_K),
    "seed": (MIN_SEED, MAX_SEED),
    "kv_heads": (MIN_HEADS, MAX_HEADS),  # and it must divide heads (weights.check_kv_heads)
    "window": (1, MAX_TOKENS),
}

#: RoPE's base B (angles position · B^(−2j/d_k)): above 1, or the angles would not shrink along the pairs.
MIN_ROPE_BASE, MAX_ROPE_BASE = 1.0, 1e12
#: A scale factor S (scaled = scores × S) is a positive number up to this.
MAX_SCALE = 1e6


def shortened(text: str, keep: int = 20) -> str:
    """``text`` cut to its first ``keep`` characters and "…", so a message quoting it stays one short line."""
    return text if len(text) <= keep else text[:keep] + "…"


def check_sentence_length(characters: int) -> None:
    """Refuse a sentence of more than :data:`MAX_SENTENCE_CHARACTERS` characters (counted after NFC)."""
    if characters > MAX_SENTENCE_CHARACTERS:
        raise ValueError(f"the sentence has more than {MAX_SENTENCE_CHARACTERS} characters; "
                         f"at most {MAX_SENTENCE_CHARACTERS} are allowed")


def check_token_length(token: str) -> None:
    """Refuse a token longer than :data:`MAX_TOKEN_CHARACTERS`, quoting its start."""
    if len(token) > MAX_TOKEN_CHARACTERS:
        raise ValueError(f"a token has {len(token)} characters ({shortened(token)!r}); at most "
                         f"{MAX_TOKEN_CHARACTERS} are allowed: put spaces between words")


def range_text(name: str) -> str:
    """The allowed range of a parameter, as a person reads it: "from 1 to 64"."""
    low, high = RANGES[name]
    return f"from {low} to {high}"


def check_whole_number(name: str, value: object) -> int:
    """Return ``value`` as an int if it is a whole number within ``name``'s range.

    Raises ValueError naming the parameter, the allowed range and what was
    given, so the message alone tells a person how to fix it.
    """
    low, high = RANGES[name]
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number {range_text(name)}, not {value!r}")
    try:
        number = operator.index(value)
    except TypeError:
        raise ValueError(
            f"{name} must be a whole number {range_text(name)}, not {shortened(repr(value))}"
        ) from None
    if not low <= number <= high:
        shown = str(number) if -10**20 < number < 10**20 else shortened(str(number))
        raise ValueError(f"{name} must be a whole number {range_text(name)}; got {shown}")
    return number


def matrix_bytes(tokens: int, heads: int, d_model: int, d_k: int, d_v: int, causal: bool = False) -> int:
    """Bytes of float64 the weights and the whole trace of one 2017-style computation take.

    Used before computing, so that sizes that would not fit are refused with a
    message rather than attempted. The shapes come from the matrix registry.
    """
    keys = [key for key in (*TRACE_KEYS, *WEIGHT_NAMES) if matrix_info(key).option in ("", "mask")]
    if not causal:
        keys.remove("masked")
    return Sizes(tokens, heads, d_model, d_k, d_v).bytes(tuple(keys))


def check_matrix_budget(tokens: int, heads: int, d_model: int, d_k: int, d_v: int, causal: bool = False) -> None:
    """Refuse sizes whose matrices would exceed :data:`MAX_MATRIX_BYTES`."""
    check_bytes(matrix_bytes(tokens, heads, d_model, d_k, d_v, causal),
                f"{tokens} tokens, heads {heads}, d_model {d_model}, d_k {d_k}, d_v {d_v}")


def check_bytes(needed: int, sizes: str) -> None:
    """Refuse a computation whose matrices need more than :data:`MAX_MATRIX_BYTES`; ``sizes`` describes it."""
    if needed > MAX_MATRIX_BYTES:
        raise ValueError(
            f"these sizes need about {needed / 2**30:.1f} GiB of matrices ({sizes}); "
            f"the limit is {MAX_MATRIX_BYTES / 2**30:.0f} GiB: lower heads, d_model, d_k or d_v"
        )
