"""Someone's own attention, written here from scratch the way a person porting a model writes it.

NumPy, batch-first, weights as ``nn.Linear`` keeps them ((out, in), Hugging
Face's ``q_proj.weight`` names), heads split by a reshape and a transpose.
``mistake`` switches on one of the classic mistakes (or a tuple of them),
each one line of this file (search for its name). Nothing here uses the program's code: the
comparison must recognise these mistakes from the numbers alone.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Setup:
    heads: int = 2
    kv_heads: int | None = None
    d_model: int = 8
    d_k: int = 4
    n: int = 5
    m: int | None = None  # cross-attention: a memory of m tokens
    causal: bool = False
    window: int | None = None
    rope: str | None = None
    alibi: bool = False
    bias: bool = False

    @property
    def kv(self) -> int:
        return self.kv_heads or self.heads

    def flags(self) -> list[str]:
        """The command line's configuration flags for this setup (the sizes come from the dump)."""
        flags = ["--heads", str(self.heads)]
        flags += ["--causal"] * self.causal + ["--alibi"] * self.alibi
        if self.window is not None:
            flags += ["--window", str(self.window)]
        if self.rope:
            flags += ["--rope", self.rope]
        return flags

    def config(self) -> str:
        """The same configuration as a config.json member."""
        return json.dumps({"heads": self.heads, "causal": self.causal, "window": self.window, "rope": self.rope,
                           "alibi": self.alibi})


def linear_weights(setup: Setup, seed: int = 0) -> dict[str, np.ndarray]:
    """Random projections in nn.Linear's (out, in) layout, under HF's names."""
    rng = np.random.default_rng(seed)
    e, h, kv, d = setup.d_model, setup.heads, setup.kv, setup.d_k
    weights = {"q_proj.weight": rng.normal(size=(h * d, e)) / math.sqrt(e),
               "k_proj.weight": rng.normal(size=(kv * d, e)) / math.sqrt(e),
               "v_proj.weight": rng.normal(size=(kv * d, e)) / math.sqrt(e),
               "o_proj.weight": rng.normal(size=(e, h * d)) / math.sqrt(h * d)}
    if setup.bias:
        for name, rows in (("q_proj", h * d), ("k_proj", kv * d), ("v_proj", kv * d), ("o_proj", e)):
            weights[f"{name}.bias"] = rng.normal(size=rows) / 5
    return weights


def bloom_slopes(heads: int) -> np.ndarray:
    """ALiBi's slopes as BLOOM's build_alibi_tensor writes them."""
    closest = 2 ** math.floor(math.log2(heads))
    base = 2 ** (-(2 ** -(math.log2(closest) - 3)))
    slopes = base ** np.arange(1, closest + 1)
    if closest != heads:
        extra_base = 2 ** (-(2 ** -(math.log2(2 * closest) - 3)))
        remaining = min(closest, heads - closest)
        slopes = np.concatenate([slopes, extra_base ** np.arange(1, 1 + 2 * remaining, 2)])
    return slopes


def rotary(t: np.ndarray, positions: np.ndarray, style: str, base: float = 10000.0) -> np.ndarray:
    """RoPE on (…, n, d): half-split as HF's rotate_half, interleaved as GPT-J's rotate_every_two."""
    d = t.shape[-1]
    inverse = 1.0 / base ** (np.arange(0, d, 2) / d)
    angles = positions[:, None] * inverse[None, :]
    if style == "half":
        cos, sin = np.cos(np.concatenate([angles, angles], -1)), np.sin(np.concatenate([angles, angles], -1))
        turned = np.concatenate([-t[..., d // 2:], t[..., : d // 2]], axis=-1)
    else:
        cos, sin = np.repeat(np.cos(angles), 2, axis=-1), np.repeat(np.sin(angles), 2, axis=-1)
        turned = np.stack([-t[..., 1::2], t[..., 0::2]], axis=-1).reshape(t.shape)
    return t * cos + turned * sin


def softmax(z: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def user_attention(setup: Setup, mistake: str | tuple[str, ...] | None = None, *, seed: int = 0, dtype=np.float64, fill=-np.inf,
                   layout: str = "bhsd", steps: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Run the implementation and return its dump: x, the weights, (memory,) and the intermediates.

    Per-head arrays are dumped with a batch axis, as (1, heads, n, d) (``bhsd``)
    or (1, n, heads, d) (``bshd``); ``steps`` picks which are dumped.
    """
    made = {mistake} if isinstance(mistake, str) else set(mistake or ())
    rng = np.random.default_rng(100 + seed)
    h, kv, d, e = setup.heads, setup.kv, setup.d_k, setup.d_model
    weights = linear_weights(setup, seed)
    x = rng.normal(size=(1, setup.n, e))
    memory = None if setup.m is None else rng.normal(size=(1, setup.m, e))
    W = {name: value.astype(dtype) for name, value in weights.items()}

    def linear(t, name):
        w = W[f"{name}.weight"]
        out = t @ w if "weights-transposed" in made else t @ w.T  # weights-transposed: no .T
        return out + W[f"{name}.bias"] if f"{name}.bias" in W else out

    def split(t, count):  # (1, n, count·d) -> (1, count, n, d)
        if "heads-reshape" in made:
            return t.reshape(1, count, t.shape[1], d)  # heads-reshape: no transpose
        return t.reshape(1, t.shape[1], count, d).transpose(0, 2, 1, 3)

    source = (x if memory is None else memory).astype(dtype)
    q, k, v = split(linear(x.astype(dtype), "q_proj"), h), split(linear(source, "k_proj"), kv), \
        split(linear(source, "v_proj"), kv)
    dump = {"q": q, "k": k, "v": v}
    n, m = setup.n, source.shape[1]
    if setup.rope:
        style = setup.rope
        if "rope-style" in made:
            style = "interleaved" if style == "half" else "half"  # rope-style: the other pairing
        shift = 1 if "rope-offset" in made else 0  # rope-offset: queries counted from 1
        q = rotary(q, np.arange(n) + shift, style).astype(dtype)
        k = rotary(k, np.arange(m), style).astype(dtype)
        dump.update(q_rotated=q, k_rotated=k)
    if kv < h:
        if "gqa-order" in made:
            k, v = np.tile(k, (1, h // kv, 1, 1)), np.tile(v, (1, h // kv, 1, 1))  # gqa-order: tiled
        else:
            k, v = np.repeat(k, h // kv, axis=1), np.repeat(v, h // kv, axis=1)
    scores = q @ k.transpose(0, 1, 3, 2)
    if "scale-missing" in made:
        scaled = scores  # scale-missing
    elif "scale-d-model" in made:
        scaled = scores / math.sqrt(e)  # scale-d-model
    elif "scale-multiplied" in made:
        scaled = scores * math.sqrt(d)  # scale-multiplied
    else:
        scaled = scores / math.sqrt(d)
    if setup.alibi:
        slopes = bloom_slopes(h)
        if "alibi-slopes" in made:
            slopes = 2.0 ** (-8.0 * np.arange(1, h + 1) / h)  # alibi-slopes: the power-of-two formula for any h
        distance = np.abs(np.arange(n)[:, None] - np.arange(m)[None, :])
        scaled = scaled - (slopes[:, None, None] * distance).astype(dtype)
    t, s = np.arange(n)[:, None], np.arange(m)[None, :]
    keep = np.ones((n, m), dtype=bool)
    if setup.causal:
        keep &= s <= t
    if setup.window is not None:
        reach = setup.window + 1 if "window-off-by-one" in made else setup.window  # window-off-by-one
        reach -= 1 if "window-one-too-few" in made else 0  # window-off-by-one, the other way
        keep &= (t - s < reach) if setup.causal else (np.abs(t - s) < reach)
    if "mask-inverted" in made:
        keep = ~keep  # mask-inverted
    with np.errstate(invalid="ignore"):
        scaled = np.where(keep, scaled, np.asarray(fill, dtype=dtype))
        weights_ = softmax(scaled, axis=-2 if "softmax-axis" in made else -1)  # softmax-axis: over the queries
    dump.update(scores=scores, scaled=scaled, weights=weights_)
    if "heads-averaged" in made:
        dump["weights"] = weights_.mean(axis=1)  # heads-averaged: need_weights' default
    head_output = weights_ @ v
    if "concat-order" in made:
        concat = head_output.reshape(1, n, h * d)  # concat-order: no transpose back
    else:
        concat = head_output.transpose(0, 2, 1, 3).reshape(1, n, h * d)
    output = linear(concat, "o_proj")
    dump.update(head_output=head_output, concat=concat, output=output)
    if layout == "bshd":
        dump = {name: (array.transpose(0, 2, 1, 3) if array.ndim == 4 else array) for name, array in dump.items()}
    if steps is not None:
        dump = {name: array for name, array in dump.items() if name in steps}
    result = {"x": x.astype(dtype), **W, **dump}
    if memory is not None:
        result["memory"] = memory.astype(dtype)
    return result
