"""What every family module provides, and the tensor cache they read through.

A family knows its tensors' names and layouts and computes the parts of a
layer around attention (embeddings, norms, MLP, residuals). Attention
itself is always :func:`attention_stepper.core.attention.forward` with the
layer's weights in our layout, so the layers before the one shown are
computed by exactly the code a person steps through.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..attention import forward
from ..weights import Weights
from .config import ModelConfig
from .errors import CheckpointError
from .safetensors_file import TensorStore

#: Layer tensors kept as float64 once read, at most this many bytes (a 0.5 B model's layer is ~120 MB).
CACHE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class AttentionOptions:
    """How a layer's attention is computed, as config.json sets it (the options of ``attention.forward``)."""

    heads: int
    kv_heads: int
    d_k: int
    d_v: int
    bias: bool
    causal: bool
    rope: str | None
    rope_base: float
    window: int | None
    scale: float


class TensorCache:
    """A store's tensors read as float64, the most recently used kept up to :data:`CACHE_BYTES`."""

    def __init__(self, store: TensorStore, prefix: str, budget: int = CACHE_BYTES):
        self.store, self.prefix, self.budget = store, prefix, budget
        self._arrays: OrderedDict[str, np.ndarray] = OrderedDict()
        self._bytes = 0

    def get(self, name: str, purpose: str, shape: tuple[int, ...]) -> np.ndarray:
        name = self.prefix + name
        if name in self._arrays:
            self._arrays.move_to_end(name)
            return self._arrays[name]
        array = self.store.read(name, purpose, shape)
        array.flags.writeable = False
        self._arrays[name] = array
        self._bytes += array.nbytes
        while self._bytes > self.budget and len(self._arrays) > 1:
            _, dropped = self._arrays.popitem(last=False)
            self._bytes -= dropped.nbytes
        return array

    def rows(self, name: str, purpose: str, shape: tuple[int, ...], rows: Sequence[int]) -> np.ndarray:
        """Only ``rows`` of an embedding matrix (never the whole vocabulary), not cached."""
        name = self.prefix + name
        actual = self.store.shape(name, purpose)
        if actual != shape:
            raise CheckpointError(f"{self.store.folder}: tensor {name} has shape {list(actual)}, but config.json "
                                  f"implies {list(shape)}")
        for row in rows:
            if not 0 <= row < shape[0]:
                raise CheckpointError(f"token id {row} is beyond {name}'s {shape[0]} rows; the tokenizer.json does "
                                      f"not belong to these weights")
        return self.store.read(name, purpose, shape, rows)

    def check(self, name: str, purpose: str, shape: tuple[int, ...]) -> None:
        """That tensor ``name`` exists with ``shape`` (the header only; nothing is read)."""
        actual = self.store.shape(self.prefix + name, purpose)
        if actual != shape:
            raise CheckpointError(f"{self.store.folder}: tensor {self.prefix + name} has shape {list(actual)}, "
                                  f"but config.json implies {list(shape)}")


class Family:
    """Base of bert.py, gpt2.py and llama.py: the layer loop is theirs, attention is ours."""

    #: Where the embedding sits without a prefix; the prefix ("bert.", "model."…) is what stands before it.
    EMBEDDING = ""

    def __init__(self, config: ModelConfig, store: TensorStore):
        self.config = config
        self.tensors = TensorCache(store, _prefix(store, self.EMBEDDING))
        self._weights: OrderedDict[int, Weights] = OrderedDict()

    # --- what each family fills in ------------------------------------------------
    def required(self, layer: int) -> list[tuple[str, str, tuple[int, ...]]]:
        """(name, purpose, shape) of every tensor layer ``layer`` needs (layer −1: the embeddings)."""
        raise NotImplementedError

    def embed(self, ids: Sequence[int], type_ids: Sequence[int]) -> np.ndarray:
        raise NotImplementedError

    def layer_input(self, hidden: np.ndarray, layer: int) -> np.ndarray:
        """What the layer's attention receives from the hidden state (its input norm, for pre-norm models)."""
        return hidden

    def layer_weights(self, layer: int) -> Weights:
        raise NotImplementedError

    def after_attention(self, hidden: np.ndarray, attention: np.ndarray, layer: int) -> np.ndarray:
        """The rest of the layer: residuals, norms and the MLP; returns the next layer's hidden state."""
        raise NotImplementedError

    # --- shared -------------------------------------------------------------------
    def options(self, layer: int) -> AttentionOptions:
        c = self.config
        return AttentionOptions(heads=c.heads, kv_heads=c.kv_heads, d_k=c.head_dim, d_v=c.head_dim,
                                bias=c.attention_bias, causal=c.causal, rope=None if c.rope_base is None else "half",
                                rope_base=10000.0 if c.rope_base is None else c.rope_base,
                                window=c.windows[layer] if c.windows else None, scale=c.scale(layer))

    def weights(self, layer: int) -> Weights:
        """Layer ``layer``'s W_Q, W_K, W_V, W_O (and biases) in our layout; the last few layers' kept."""
        if layer not in self._weights:
            self._weights[layer] = self.layer_weights(layer)
            if len(self._weights) > 4:
                self._weights.popitem(last=False)
        self._weights.move_to_end(layer)
        return self._weights[layer]

    def attention(self, x: np.ndarray, layer: int) -> np.ndarray:
        """The layer's attention output (after W_O and its bias), by the same forward the steps show."""
        o = self.options(layer)
        trace = forward(x, self.weights(layer), o.causal, scale=o.scale, rope=o.rope, rope_base=o.rope_base,
                        window=o.window)
        return trace["output"]

    def check_tensors(self) -> None:
        """Every tensor the model needs exists with the shape config.json implies: refused now, not at layer 5."""
        for layer in range(-1, self.config.layers):
            for name, purpose, shape in self.required(layer):
                self.tensors.check(name, purpose, shape)

    def get(self, name: str, purpose: str, shape: tuple[int, ...]) -> np.ndarray:
        return self.tensors.get(name, purpose, shape)


def _prefix(store: TensorStore, embedding: str) -> str:
    """The part before the embedding's name ("" for BertModel, "bert." for BertForMaskedLM, "model." for Llama)."""
    names = store.names()
    if embedding in names:
        return ""
    found = sorted(name[: -len(embedding)] for name in names if name.endswith("." + embedding))
    if not found:
        raise CheckpointError(f"{store.folder}: the weights have no tensor {embedding} (the token embeddings); the "
                              f"checkpoint is not of the model its config.json names")
    return found[0]
