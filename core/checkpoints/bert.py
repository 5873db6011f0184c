"""BERT and RoBERTa: embeddings (words, positions, token types) under a LayerNorm, then post-norm layers.

A layer's attention receives the hidden state itself (the norm comes after
each residual), so X for layer L is the output of layer L − 1, or of the
embeddings for layer 0. RoBERTa differs only in where positions start: after
its padding index, as HF's ``create_position_ids_from_input_ids`` counts them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..weights import Weights
from .blocks import feed_forward, heads_from_linear, layer_norm
from .family import Family


class Bert(Family):
    EMBEDDING = "embeddings.word_embeddings.weight"

    def required(self, layer: int) -> list[tuple[str, str, tuple[int, ...]]]:
        c = self.config
        d, inner = c.d_model, c.intermediate
        if layer < 0:
            tensors = [("embeddings.word_embeddings.weight", "the token embeddings", (c.vocab_size, d)),
                       ("embeddings.position_embeddings.weight", "the position embeddings", (None, d)),
                       ("embeddings.LayerNorm.weight", "the embeddings' LayerNorm", (d,)),
                       ("embeddings.LayerNorm.bias", "the embeddings' LayerNorm", (d,))]
            if c.type_vocab_size:
                tensors.append(("embeddings.token_type_embeddings.weight", "the token type embeddings",
                                (c.type_vocab_size, d)))
            return [(name, purpose, self._positions_shape() if shape[0] is None else shape)
                    for name, purpose, shape in tensors]
        at, why = f"encoder.layer.{layer}.", f"layer {layer}"
        return [
            (at + "attention.self.query.weight", f"{why}'s W_Q", (d, d)),
            (at + "attention.self.query.bias", f"{why}'s b_Q", (d,)),
            (at + "attention.self.key.weight", f"{why}'s W_K", (d, d)),
            (at + "attention.self.key.bias", f"{why}'s b_K", (d,)),
            (at + "attention.self.value.weight", f"{why}'s W_V", (d, d)),
            (at + "attention.self.value.bias", f"{why}'s b_V", (d,)),
            (at + "attention.output.dense.weight", f"{why}'s W_O", (d, d)),
            (at + "attention.output.dense.bias", f"{why}'s b_O", (d,)),
            (at + "attention.output.LayerNorm.weight", f"{why}'s LayerNorm after attention", (d,)),
            (at + "attention.output.LayerNorm.bias", f"{why}'s LayerNorm after attention", (d,)),
            (at + "intermediate.dense.weight", f"{why}'s MLP", (inner, d)),
            (at + "intermediate.dense.bias", f"{why}'s MLP", (inner,)),
            (at + "output.dense.weight", f"{why}'s MLP", (d, inner)),
            (at + "output.dense.bias", f"{why}'s MLP", (d,)),
            (at + "output.LayerNorm.weight", f"{why}'s LayerNorm after the MLP", (d,)),
            (at + "output.LayerNorm.bias", f"{why}'s LayerNorm after the MLP", (d,)),
        ]

    def _positions_shape(self) -> tuple[int, int]:
        c = self.config
        rows = c.max_positions + (c.pad_token_id + 1 if c.model_type == "roberta" else 0)
        return rows, c.d_model

    def _tensor(self, layer: int, index: int) -> np.ndarray:
        name, purpose, shape = self.required(layer)[index]
        return self.get(name, purpose, shape)

    def positions(self, ids: Sequence[int]) -> list[int]:
        if self.config.model_type != "roberta":
            return list(range(len(ids)))
        pad = self.config.pad_token_id
        kept = np.asarray(ids) != pad
        return (np.cumsum(kept) * kept + pad).tolist()

    def embed(self, ids: Sequence[int], type_ids: Sequence[int]) -> np.ndarray:
        c, (words, positions, norm_weight, norm_bias, *types) = self.config, self.required(-1)
        x = self.tensors.rows(*words, rows=list(ids))
        x = x + self.tensors.rows(*positions, rows=self.positions(ids))
        if types:
            x = x + self.tensors.rows(*types[0], rows=[min(t, c.type_vocab_size - 1) for t in type_ids])
        return layer_norm(x, self.get(*norm_weight), self.get(*norm_bias), c.norm_eps)

    def layer_weights(self, layer: int) -> Weights:
        h = self.config.heads
        w = [self._tensor(layer, index) for index in range(8)]
        return Weights(w_q=heads_from_linear(w[0], h), w_k=heads_from_linear(w[2], h), w_v=heads_from_linear(w[4], h),
                       w_o=w[6].T, b_q=w[1].reshape(h, -1), b_k=w[3].reshape(h, -1), b_v=w[5].reshape(h, -1),
                       b_o=w[7])

    def after_attention(self, hidden: np.ndarray, attention: np.ndarray, layer: int) -> np.ndarray:
        c, t = self.config, [self._tensor(layer, index) for index in range(8, 16)]
        hidden = layer_norm(attention + hidden, t[0], t[1], c.norm_eps)
        return layer_norm(feed_forward(hidden, t[2], t[3], t[4], t[5], c.activation) + hidden, t[6], t[7], c.norm_eps)
