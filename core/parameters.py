"""What a person chooses: the sentence, the sizes and the switches of one computation."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from .limits import MAX_ROPE_BASE, MAX_SCALE, MIN_ROPE_BASE, check_whole_number
from .matrices import Sizes
from .tokenize import TOKENIZERS
from .variants import ROPE_STYLES
from .weights import check_kv_heads

DEFAULT_SENTENCE = "我 爱 机器 学习"
#: The precisions a whole pass can run in; float64 is the reference.
PRECISIONS = ("float64", "float32", "float16")


@dataclass(frozen=True)
class Parameters:
    """Everything that determines one computation. ``d_v=None`` means d_v follows d_k.

    ``skip_scaling`` leaves out the division by √d_k (to see the softmax
    saturate); ``tokenizer`` is one of :data:`~.tokenize.TOKENIZERS`.

    The variants of modern models: ``kv_heads`` key/value heads shared by
    groups of query heads (None: as many as heads; 1: multi-query attention);
    ``bias`` adds biases to the four projections; ``rope`` rotates queries and
    keys by position ("half" or "interleaved", base ``rope_base``); ``alibi``
    adds ALiBi's distance penalty; ``window`` limits each query to the keys
    within that many positions; ``memory`` is a second sentence that K and V
    come from (cross-attention); ``scale`` multiplies the scores instead of
    dividing by √d_k; ``precision`` runs the whole pass in float32 or float16.

    ``checkpoint`` is a local Hugging Face model folder and ``layer`` (from 0)
    the layer shown: then the tokens, X, the weights and every option the
    weights imply come from the model (see core/checkpoints), whatever the
    sizes here say.
    """

    sentence: str = DEFAULT_SENTENCE
    heads: int = 2
    d_model: int = 8
    d_k: int = 4
    d_v: int | None = None
    seed: int = 0
    causal: bool = False
    positional_encoding: bool = False
    skip_scaling: bool = False
    tokenizer: str = "whitespace"
    kv_heads: int | None = None
    bias: bool = False
    rope: str | None = None
    rope_base: float = 10000.0
    alibi: bool = False
    window: int | None = None
    memory: str | None = None
    scale: float | None = None
    precision: str = "float64"
    checkpoint: str | None = None
    layer: int = 0

    @property
    def value_dim(self) -> int:
        return self.d_k if self.d_v is None else self.d_v

    @property
    def kv_head_count(self) -> int:
        return self.heads if self.kv_heads is None else self.kv_heads

    @property
    def scale_factor(self) -> float:
        """The S actually used (scaled = scores × S): 1/√d_k by default, 1 when scaling is skipped."""
        if self.skip_scaling:
            return 1.0
        return 1.0 / math.sqrt(self.d_k) if self.scale is None else self.scale

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(self.precision)

    def validated(self) -> Parameters:
        """Return a copy with every value checked (ValueError names the bad one)."""
        if not isinstance(self.sentence, str):
            raise ValueError(f"the sentence must be text, not {type(self.sentence).__name__}")
        if self.tokenizer not in TOKENIZERS:
            raise ValueError(f"the tokenizer must be one of {', '.join(TOKENIZERS)}; got {self.tokenizer!r}")
        heads = check_whole_number("heads", self.heads)
        d_k = check_whole_number("d_k", self.d_k)
        checked = dataclasses.replace(
            self,
            heads=heads,
            d_model=check_whole_number("d_model", self.d_model),
            d_k=d_k,
            d_v=None if self.d_v is None else check_whole_number("d_v", self.d_v),
            seed=check_whole_number("seed", self.seed),
            causal=bool(self.causal),
            positional_encoding=bool(self.positional_encoding),
            skip_scaling=bool(self.skip_scaling),
            kv_heads=None if self.kv_heads is None else check_kv_heads(self.kv_heads, heads),
            bias=bool(self.bias),
            rope=_rope(self.rope, d_k),
            rope_base=_number("rope_base", self.rope_base, MIN_ROPE_BASE, MAX_ROPE_BASE, above=True),
            alibi=bool(self.alibi),
            window=None if self.window is None else check_whole_number("window", self.window),
            memory=self.memory,
            scale=None if self.scale is None else _number("scale", self.scale, 0.0, MAX_SCALE, above=True),
            precision=self.precision,
            checkpoint=_checkpoint(self.checkpoint, self.layer),
            layer=_layer(self.layer),
        )
        if checked.precision not in PRECISIONS:
            raise ValueError(f"the precision must be one of {', '.join(PRECISIONS)}; got {checked.precision!r}")
        if checked.scale is not None and checked.skip_scaling:
            raise ValueError("give either a scale or skip the scaling, not both (skipping it means scale 1)")
        if checked.memory is not None:
            _check_memory(checked)
        return checked

    def sizes(self, tokens: int, keys: int | None = None) -> Sizes:
        """The sizes of every matrix for a sentence of ``tokens`` tokens (and a memory of ``keys``)."""
        return Sizes(tokens=tokens, heads=self.heads, d_model=self.d_model, d_k=self.d_k, d_v=self.value_dim,
                     kv_heads=self.kv_head_count, keys=keys)

    def weight_sizes(self) -> tuple[int, int, int, int, int, bool]:
        """(heads, kv_heads, d_model, d_k, d_v, bias): what weights must have to be used with these parameters."""
        return self.heads, self.kv_head_count, self.d_model, self.d_k, self.value_dim, self.bias


def _number(name: str, value: object, low: float, high: float, above: bool = False) -> float:
    """``value`` as a float within (low, high] (``above``) or [low, high]; ValueError naming it otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number) or not (low < number if above else low <= number) or number > high:
        bound = f"above {low:g}" if above else f"from {low:g}"
        raise ValueError(f"{name} must be a number {bound} up to {high:g}; got {value!r}")
    return number


def _checkpoint(folder: object, layer: object) -> str | None:
    if folder is None:
        if layer != 0:
            raise ValueError(f"a layer is chosen only with a checkpoint (a model folder); got layer {layer!r}")
        return None
    if not isinstance(folder, str) or not folder:
        raise ValueError(f"the checkpoint must be a model folder's path, not {folder!r}")
    return folder


def _layer(layer: object) -> int:
    """A layer number from 0 (the model says how many layers it has)."""
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or layer < 0:
        raise ValueError(f"the layer must be a whole number from 0, not {layer!r}")
    return int(layer)


def _rope(style: object, d_k: int) -> str | None:
    if style is None:
        return None
    if style not in ROPE_STYLES:
        raise ValueError(f"rope must be one of {', '.join(ROPE_STYLES)} (or off); got {style!r}")
    if d_k % 2:
        raise ValueError(f"RoPE turns the entries of q and k in pairs, so d_k must be even; it is {d_k}")
    return style


def _check_memory(parameters: Parameters) -> None:
    """Cross-attention: queries and keys come from different sentences, so nothing may compare their positions."""
    if not isinstance(parameters.memory, str):
        raise ValueError(f"the memory must be text, not {type(parameters.memory).__name__}")
    positional = [name for name, used in (("the causal mask", parameters.causal), ("RoPE", parameters.rope),
                                          ("ALiBi", parameters.alibi), ("a window", parameters.window))
                  if used]
    if positional:
        raise ValueError(f"{positional[0]} compares the positions of queries and keys, which cross-attention "
                         f"takes from two different sentences: switch it off or leave out the memory")
