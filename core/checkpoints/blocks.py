"""The pieces of a transformer layer other than attention, in NumPy float64, each as its formula.

These only carry the sentence to the layer a person looks at: the hidden
state after the embeddings and the layers before it. Each follows HF
transformers' module of the same name exactly (the tests compare them in
float64), so the X a real layer receives is the X shown.
"""

from __future__ import annotations

import math

import numpy as np

_ERF = np.frompyfunc(math.erf, 1, 1)  # NumPy has no erf; math.erf is exact to the last bit or so


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm: each row minus its mean, over its standard deviation (biased, + eps), then × γ + β."""
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def rms_norm(x: np.ndarray, weight: np.ndarray, eps: float) -> np.ndarray:
    """RMSNorm (Llama, Qwen, Mistral): each row over its root mean square (+ eps), then × γ; no mean removed."""
    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps) * weight


def linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """x Wᵀ + b for a torch ``nn.Linear`` weight, stored (out, in)."""
    return x @ weight.T if bias is None else x @ weight.T + bias


def conv1d(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """x W + b for GPT-2's ``Conv1D``, whose weight is stored (in, out)."""
    return x @ weight + bias


def activation(name: str, x: np.ndarray) -> np.ndarray:
    """HF's ACT2FN[name], for the names config.ACTIVATIONS lists."""
    if name == "gelu":  # the exact GELU, x·Φ(x)
        return 0.5 * x * (1.0 + _ERF(x / math.sqrt(2.0)).astype(np.float64))
    if name in ("gelu_new", "gelu_pytorch_tanh"):  # the tanh approximation GPT-2 was trained with
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
    if name == "gelu_fast":
        return 0.5 * x * (1.0 + np.tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x)))
    if name == "quick_gelu":
        return x / (1.0 + np.exp(-1.702 * x))
    if name == "relu":
        return np.maximum(x, 0.0)
    if name in ("silu", "swish"):
        return x / (1.0 + np.exp(-x))
    raise ValueError(f"unknown activation {name!r}")


def feed_forward(x: np.ndarray, up: np.ndarray, up_bias: np.ndarray | None, down: np.ndarray,
                 down_bias: np.ndarray | None, act: str, conv: bool = False) -> np.ndarray:
    """The two-layer MLP of BERT and GPT-2: act(x W₁ + b₁) W₂ + b₂ (GPT-2's weights are Conv1D, (in, out))."""
    project = conv1d if conv else linear
    return project(activation(act, project(x, up, up_bias)), down, down_bias)


def gated_feed_forward(x: np.ndarray, gate: np.ndarray, up: np.ndarray, down: np.ndarray, act: str) -> np.ndarray:
    """Llama's gated MLP: (act(x W_gateᵀ) ⊙ x W_upᵀ) W_downᵀ."""
    return linear(activation(act, linear(x, gate)) * linear(x, up), down)


def heads_from_linear(weight: np.ndarray, heads: int) -> np.ndarray:
    """An ``nn.Linear`` projection (heads·d, d_model) as our per-head W, (heads, d_model, d)."""
    out, d_model = weight.shape
    return weight.T.reshape(d_model, heads, out // heads).transpose(1, 0, 2)


def heads_from_columns(weight: np.ndarray, heads: int) -> np.ndarray:
    """A Conv1D projection (d_model, heads·d) as our per-head W, (heads, d_model, d): head i is columns i·d…(i+1)·d."""
    d_model, out = weight.shape
    return weight.reshape(d_model, heads, out // heads).transpose(1, 0, 2)
