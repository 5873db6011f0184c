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

#: The matrices of one computation (trace and weights) may take at most this
#: many bytes. Every parameter can be within its own range while the product
#: is not (64 heads x 1024 d_k x 4096 d_model is 8 GiB of weights alone);
#: this bound turns that into a message instead of a MemoryError or a swap storm.
MAX_MATRIX_BYTES = 1 << 30

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
            f"{name} must be a whole number {range_text(name)}, not {value!r}"
        ) from None
    if not low <= number <= high:
        raise ValueError(f"{name} must be a whole number {range_text(name)}; got {number}")
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
