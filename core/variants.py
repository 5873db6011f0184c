"""The steps modern models add to the 2017 attention: rotary positions, shared key/value heads,
ALiBi's distance penalty and the masks (causal, sliding window, padding).

Each is a small function that reads like its formula, with the heads as the
leading axis as in :mod:`.attention`. They are what engineers most often get
subtly wrong when porting a model, so each follows one reference exactly
(named in its docstring).
"""

from __future__ import annotations

import math

import numpy as np

#: The two ways to pair a vector's entries for rotation (see :func:`rotate`).
ROPE_STYLES = ("half", "interleaved")


def rope_angles(positions: int, d_k: int, base: float = 10000.0) -> np.ndarray:
    """θ[p, j] = p · base^(−2j/d_k) for positions p = 0…n−1 and pairs j = 0…d_k/2−1: (n, d_k/2).

    Pair j turns by an angle that grows with the position, fast for the first
    pairs and slowly for the last, like the hands of a clock with many speeds.
    """
    frequencies = base ** (-np.arange(0, d_k, 2, dtype=np.float64) / d_k)
    return np.arange(positions, dtype=np.float64)[:, None] * frequencies[None, :]


def rotate(x: np.ndarray, angles: np.ndarray, style: str) -> np.ndarray:
    """Rotate each pair of x's last axis by its angle: (…, n, d) with angles (n, d/2).

    ``"half"`` pairs entry j with entry j + d/2 (HF transformers' ``rotate_half``,
    GPT-NeoX, Llama, Qwen); ``"interleaved"`` pairs 2j with 2j+1 (GPT-J, the
    RoFormer paper). Either way each pair (a, b) becomes
    (a·cos θ − b·sin θ, b·cos θ + a·sin θ), a turn that keeps its length.
    """
    cos, sin = np.cos(angles).astype(x.dtype), np.sin(angles).astype(x.dtype)
    if style == "half":
        half = x.shape[-1] // 2
        a, b = x[..., :half], x[..., half:]
        return np.concatenate([a * cos - b * sin, b * cos + a * sin], axis=-1)
    if style == "interleaved":
        a, b = x[..., 0::2], x[..., 1::2]
        rotated = np.empty_like(x)
        rotated[..., 0::2] = a * cos - b * sin
        rotated[..., 1::2] = b * cos + a * sin
        return rotated
    raise ValueError(f"the RoPE style must be one of {', '.join(ROPE_STYLES)}; got {style!r}")


def repeat_kv(kv: np.ndarray, heads: int) -> np.ndarray:
    """(kv_heads, m, d) -> (heads, m, d): query head i uses key/value head ⌊i / (heads / kv_heads)⌋.

    Each key/value head is repeated for the heads/kv_heads query heads next to
    each other that share it (``torch.repeat_interleave``, HF ``repeat_kv``,
    SDPA's ``enable_gqa``), not tiled.
    """
    return np.repeat(kv, heads // kv.shape[0], axis=0)


def alibi_slopes(heads: int) -> np.ndarray:
    """The ALiBi paper's slope per head, as BLOOM's ``build_alibi_tensor`` computes them.

    For a power of two h the slopes are 2^(−8i/h), i = 1…h. Otherwise the
    largest power of two below h gets those slopes, and the remaining heads take
    every other slope of twice that power.
    """
    closest = 2 ** math.floor(math.log2(heads))
    slopes = [2.0 ** (-8.0 * i / closest) for i in range(1, closest + 1)]
    extra = [2.0 ** (-4.0 * i / closest) for i in range(1, 1 + 2 * (heads - closest), 2)]
    return np.array(slopes + extra)


def alibi_bias(slopes: np.ndarray, queries: int, keys: int, query_start: int = 0, key_start: int = 0) -> np.ndarray:
    """bias_i[t, s] = −m_i · |t − s|: (h, n, m). The further away a key, the lower its score.

    ``query_start`` and ``key_start`` give the positions of a block's first
    query and key (a tile of the whole matrix, as FlashAttention computes it).
    """
    distance = np.abs(np.arange(query_start, query_start + queries)[:, None]
                      - np.arange(key_start, key_start + keys)[None, :])
    return -slopes[:, None, None] * distance[None, :, :]


def visible_keys(queries: int, keys: int, causal: bool = False, window: int | None = None,
                 padding: np.ndarray | None = None, query_start: int = 0, key_start: int = 0) -> np.ndarray:
    """Which key s query t may attend to, (n, m) booleans; every mask that applies at once.

    ``causal``: s ≤ t. ``window`` W: with the causal mask t − W < s ≤ t (W keys,
    itself included, as Mistral's ``sliding_window``); without it |t − s| < W.
    ``padding`` (m,) marks padding keys, which no query sees. ``query_start``
    and ``key_start``: the positions of a block's first query and key.
    """
    t = np.arange(query_start, query_start + queries)[:, None]
    s = np.arange(key_start, key_start + keys)[None, :]
    visible = np.ones((queries, keys), dtype=bool)
    if causal:
        visible &= s <= t
    if window is not None:
        visible &= (t - s < window) if causal else (np.abs(t - s) < window)
    if padding is not None:
        visible &= ~np.asarray(padding, dtype=bool)[None, :]
    return visible


def apply_mask(logits: np.ndarray, visible: np.ndarray) -> np.ndarray:
    """Hidden scores become −∞, so their softmax weight is exactly 0: (h, n, m) with visible (n, m)."""
    return np.where(visible, logits, -np.inf)


#: Why a key may be hidden from a query, in the order :func:`mask_reasons` numbers them (from 1).
MASK_REASONS = ("padding", "causal", "window")


def mask_reasons(queries: int, keys: int, causal: bool = False, window: int | None = None,
                 padding: np.ndarray | None = None) -> np.ndarray:
    """Why query t may not see key s, (n, m) small ints: 0 visible, else 1 + the index in :data:`MASK_REASONS`.

    The same rules as :func:`visible_keys`, one at a time, so a picture can
    tell the masks apart. A key hidden for several reasons gets the first:
    padding (a whole column), then the causal mask (a later token), then the
    window (a key too far away).
    """
    reasons = np.zeros((queries, keys), dtype=np.int8)
    causally_visible = visible_keys(queries, keys, causal)
    if window is not None:
        reasons[causally_visible & ~visible_keys(queries, keys, causal, window)] = 1 + MASK_REASONS.index("window")
    reasons[~causally_visible] = 1 + MASK_REASONS.index("causal")
    if padding is not None:
        reasons[:, np.asarray(padding, dtype=bool)] = 1 + MASK_REASONS.index("padding")
    return reasons
