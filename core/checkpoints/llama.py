"""Llama, Qwen2 and Mistral: token embeddings only (positions come by RoPE), pre-norm layers with RMSNorm.

A layer's attention receives ``input_layernorm`` of the hidden state. HF's
checkpoints of these families turn q and k by the half-split RoPE
(``rotate_half``; HF's converter permuted Meta's interleaved rows into it).
Qwen2 has biases on W_Q, W_K and W_V but none on W_O, which is shown as a
bias of zeros; Mistral and some Qwen2 layers see a sliding window of keys.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..weights import Weights
from .blocks import gated_feed_forward, heads_from_linear, rms_norm
from .family import Family


class Llama(Family):
    EMBEDDING = "embed_tokens.weight"

    def required(self, layer: int) -> list[tuple[str, str, tuple[int, ...]]]:
        c = self.config
        d, inner, q, kv = c.d_model, c.intermediate, c.heads * c.head_dim, c.kv_heads * c.head_dim
        if layer < 0:
            return [("embed_tokens.weight", "the token embeddings", (c.vocab_size, d))]
        at, why = f"layers.{layer}.", f"layer {layer}"
        tensors = [
            (at + "input_layernorm.weight", f"{why}'s input_layernorm", (d,)),
            (at + "self_attn.q_proj.weight", f"{why}'s W_Q", (q, d)),
            (at + "self_attn.k_proj.weight", f"{why}'s W_K", (kv, d)),
            (at + "self_attn.v_proj.weight", f"{why}'s W_V", (kv, d)),
            (at + "self_attn.o_proj.weight", f"{why}'s W_O", (d, q)),
            (at + "post_attention_layernorm.weight", f"{why}'s post_attention_layernorm", (d,)),
            (at + "mlp.gate_proj.weight", f"{why}'s MLP", (inner, d)),
            (at + "mlp.up_proj.weight", f"{why}'s MLP", (inner, d)),
            (at + "mlp.down_proj.weight", f"{why}'s MLP", (d, inner)),
        ]
        if c.attention_bias:
            tensors += [(at + "self_attn.q_proj.bias", f"{why}'s b_Q", (q,)),
                        (at + "self_attn.k_proj.bias", f"{why}'s b_K", (kv,)),
                        (at + "self_attn.v_proj.bias", f"{why}'s b_V", (kv,))]
        if c.output_bias:
            tensors.append((at + "self_attn.o_proj.bias", f"{why}'s b_O", (d,)))
        return tensors

    def _tensor(self, layer: int, index: int) -> np.ndarray:
        name, purpose, shape = self.required(layer)[index]
        return self.get(name, purpose, shape)

    def embed(self, ids: Sequence[int], type_ids: Sequence[int]) -> np.ndarray:
        return self.tensors.rows(*self.required(-1)[0], rows=list(ids))

    def layer_input(self, hidden: np.ndarray, layer: int) -> np.ndarray:
        return rms_norm(hidden, self._tensor(layer, 0), self.config.norm_eps)

    def layer_weights(self, layer: int) -> Weights:
        c = self.config
        weights = {"w_q": heads_from_linear(self._tensor(layer, 1), c.heads),
                   "w_k": heads_from_linear(self._tensor(layer, 2), c.kv_heads),
                   "w_v": heads_from_linear(self._tensor(layer, 3), c.kv_heads),
                   "w_o": self._tensor(layer, 4).T}
        if c.attention_bias:
            weights.update(b_q=self._tensor(layer, 9).reshape(c.heads, -1),
                           b_k=self._tensor(layer, 10).reshape(c.kv_heads, -1),
                           b_v=self._tensor(layer, 11).reshape(c.kv_heads, -1),
                           b_o=self._tensor(layer, 12) if c.output_bias else np.zeros(c.d_model))
        return Weights(**weights)

    def after_attention(self, hidden: np.ndarray, attention: np.ndarray, layer: int) -> np.ndarray:
        c = self.config
        hidden = hidden + attention
        normed = rms_norm(hidden, self._tensor(layer, 5), c.norm_eps)
        return hidden + gated_feed_forward(normed, self._tensor(layer, 6), self._tensor(layer, 7),
                                           self._tensor(layer, 8), c.activation)
