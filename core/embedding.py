"""Tokens to the input matrix X.

A real model learns its word vectors; here a token's vector is drawn from a
random generator seeded by the token's text, d_model and the seed. So the
same word has the same row in every sentence, a repeated word has identical
rows, and a learner can see that attention alone tells the copies apart only
once positions are added.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

_EMBEDDING_STREAM = 0  # keeps embedding draws apart from weight draws (see weights.py)


@lru_cache(maxsize=8192)
def _token_vector(token: str, d_model: int, seed: int) -> np.ndarray:
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    rng = np.random.default_rng([_EMBEDDING_STREAM, seed, d_model, int.from_bytes(digest, "little")])
    vector = rng.standard_normal(d_model)
    vector.flags.writeable = False
    return vector


def token_vector(token: str, d_model: int, seed: int = 0) -> np.ndarray:
    """The word vector of one token: standard normal entries, fixed by (token, d_model, seed)."""
    return _token_vector(token, d_model, seed)


def sinusoidal_positions(n: int, d_model: int) -> np.ndarray:
    """The Transformer's positional encoding, shape (n, d_model).

    PE[p, 2i] = sin(p / 10000^(2i/d_model)), PE[p, 2i+1] = cos(p / 10000^(2i/d_model)).
    Without it attention treats the sentence as a bag of words: permuting
    the tokens only permutes the output rows.
    """
    positions = np.arange(n, dtype=np.float64)[:, None]
    pair_index = np.arange(0, d_model, 2, dtype=np.float64)
    angles = positions / np.power(10000.0, pair_index / d_model)
    encoding = np.empty((n, d_model))
    encoding[:, 0::2] = np.sin(angles)
    encoding[:, 1::2] = np.cos(angles[:, : d_model // 2])
    return encoding


def embed(tokens: list[str], d_model: int, seed: int = 0, positional_encoding: bool = False) -> np.ndarray:
    """Stack the tokens' vectors into X (n, d_model), optionally adding positions."""
    x = np.empty((len(tokens), d_model))
    for row, token in enumerate(tokens):
        x[row] = token_vector(token, d_model, seed)
    if positional_encoding:
        x += sinusoidal_positions(len(tokens), d_model)
    return x
