"""GPT-2: token and learnt position embeddings, then pre-norm layers with Conv1D projections.

Conv1D stores its weight (in, out), the transpose of ``nn.Linear``, and
``c_attn`` holds W_Q, W_K and W_V side by side in its columns. A layer's
attention receives ``ln_1`` of the hidden state.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..weights import Weights
from .blocks import feed_forward, heads_from_columns, layer_norm
from .family import Family


class Gpt2(Family):
    EMBEDDING = "wte.weight"

    def required(self, layer: int) -> list[tuple[str, str, tuple[int, ...]]]:
        c = self.config
        d, inner = c.d_model, c.intermediate
        if layer < 0:
            return [("wte.weight", "the token embeddings", (c.vocab_size, d)),
                    ("wpe.weight", "the position embeddings", (c.max_positions, d))]
        at, why = f"h.{layer}.", f"layer {layer}"
        return [
            (at + "ln_1.weight", f"{why}'s ln_1", (d,)),
            (at + "ln_1.bias", f"{why}'s ln_1", (d,)),
            (at + "attn.c_attn.weight", f"{why}'s W_Q, W_K, W_V", (d, 3 * d)),
            (at + "attn.c_attn.bias", f"{why}'s b_Q, b_K, b_V", (3 * d,)),
            (at + "attn.c_proj.weight", f"{why}'s W_O", (d, d)),
            (at + "attn.c_proj.bias", f"{why}'s b_O", (d,)),
            (at + "ln_2.weight", f"{why}'s ln_2", (d,)),
            (at + "ln_2.bias", f"{why}'s ln_2", (d,)),
            (at + "mlp.c_fc.weight", f"{why}'s MLP", (d, inner)),
            (at + "mlp.c_fc.bias", f"{why}'s MLP", (inner,)),
            (at + "mlp.c_proj.weight", f"{why}'s MLP", (inner, d)),
            (at + "mlp.c_proj.bias", f"{why}'s MLP", (d,)),
        ]

    def _tensor(self, layer: int, index: int) -> np.ndarray:
        name, purpose, shape = self.required(layer)[index]
        return self.get(name, purpose, shape)

    def embed(self, ids: Sequence[int], type_ids: Sequence[int]) -> np.ndarray:
        words, positions = self.required(-1)
        return self.tensors.rows(*words, rows=list(ids)) + self.tensors.rows(*positions, rows=list(range(len(ids))))

    def layer_input(self, hidden: np.ndarray, layer: int) -> np.ndarray:
        return layer_norm(hidden, self._tensor(layer, 0), self._tensor(layer, 1), self.config.norm_eps)

    def layer_weights(self, layer: int) -> Weights:
        h, d = self.config.heads, self.config.d_model
        packed, bias = self._tensor(layer, 2), self._tensor(layer, 3)
        return Weights(w_q=heads_from_columns(packed[:, :d], h), w_k=heads_from_columns(packed[:, d:2 * d], h),
                       w_v=heads_from_columns(packed[:, 2 * d:], h), w_o=self._tensor(layer, 4),
                       b_q=bias[:d].reshape(h, -1), b_k=bias[d:2 * d].reshape(h, -1), b_v=bias[2 * d:].reshape(h, -1),
                       b_o=self._tensor(layer, 5))

    def after_attention(self, hidden: np.ndarray, attention: np.ndarray, layer: int) -> np.ndarray:
        c, t = self.config, [self._tensor(layer, index) for index in range(6, 12)]
        hidden = hidden + attention
        return hidden + feed_forward(layer_norm(hidden, t[0], t[1], c.norm_eps), t[2], t[3], t[4], t[5],
                                     c.activation, conv=True)
