"""config.json → a small description of the model: its family, sizes and the options of its attention.

Only what the NumPy blocks need is read, and every value is checked, so a
config that is not what it claims to be is refused with one sentence instead
of failing deep inside a matrix product. HF has renamed several keys over
the years (``rope_theta`` → ``rope_parameters``, GPT-2's ``n_embd`` vs.
``hidden_size``); both spellings are accepted.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from .errors import CheckpointError

#: config.json's ``model_type`` values this program reads, and the family module of each.
FAMILIES = {"bert": "bert", "roberta": "bert", "gpt2": "gpt2", "llama": "llama", "qwen2": "llama",
            "mistral": "llama"}
SUPPORTED_TYPES = tuple(FAMILIES)
#: The activations the MLP blocks compute (HF's ACT2FN names).
ACTIVATIONS = ("gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "quick_gelu", "relu", "silu", "swish")
MAX_CONFIG_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class ModelConfig:
    """What config.json says, in one vocabulary for every family.

    ``head_dim`` is d_k = d_v; ``kv_heads`` equals ``heads`` unless the model
    shares key/value heads; ``windows`` holds each layer's sliding window
    (None: full attention); ``rope_base`` is None for models without RoPE.
    """

    model_type: str
    layers: int
    d_model: int
    heads: int
    kv_heads: int
    head_dim: int
    intermediate: int
    vocab_size: int
    max_positions: int
    norm_eps: float
    activation: str
    rope_base: float | None = None
    windows: tuple[int | None, ...] = ()
    attention_bias: bool = False
    output_bias: bool = False
    type_vocab_size: int = 0
    pad_token_id: int | None = None
    scale_by_layer: bool = False
    scale_attention: bool = True

    @property
    def family(self) -> str:
        return FAMILIES[self.model_type]

    @property
    def causal(self) -> bool:
        """Decoders look only back; BERT and RoBERTa see the whole sentence."""
        return self.family != "bert"

    def scale(self, layer: int) -> float:
        """The factor the scores are multiplied by: 1/√d_k (GPT-2 may also divide by layer + 1, or not scale)."""
        factor = 1.0 / math.sqrt(self.head_dim) if self.scale_attention else 1.0
        return factor / (layer + 1) if self.scale_by_layer else factor


def read_config(folder: Path) -> ModelConfig:
    """Read and check ``folder/config.json``; CheckpointError names the problem."""
    path = folder / "config.json"
    if not path.is_file():
        raise CheckpointError(f"{folder} has no config.json; a Hugging Face model folder holds config.json, "
                              f"model.safetensors and tokenizer.json")
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise CheckpointError(f"{path} is larger than any model's config ({MAX_CONFIG_BYTES // 2**20} MB)")
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CheckpointError(f"cannot read {path}: {error.strerror or error}") from None
    except (ValueError, RecursionError) as error:
        raise CheckpointError(f"{path} is not valid JSON ({error})") from None
    if not isinstance(raw, dict):
        raise CheckpointError(f"{path} must hold a JSON object, not {type(raw).__name__}")
    return parse_config(raw, path)


def parse_config(raw: dict, path: Path | str = "config.json") -> ModelConfig:
    """The description of the model ``raw`` (config.json's contents) configures."""
    model_type = raw.get("model_type")
    if model_type not in FAMILIES:
        shown = "no model_type" if model_type is None else f"model_type {model_type!r}"
        raise CheckpointError(f"{path} has {shown}; this program reads {', '.join(SUPPORTED_TYPES)}")
    read = _Reader(raw, path)
    if FAMILIES[model_type] == "gpt2":
        return _gpt2(read)
    if FAMILIES[model_type] == "bert":
        return _bert(read, model_type)
    return _llama(read, model_type)


class _Reader:
    """Typed look-ups in config.json that say which key is wrong."""

    def __init__(self, raw: dict, path: Path | str):
        self.raw, self.path = raw, path

    def whole(self, *names: str, default: int | None = None, low: int = 1) -> int:
        for name in names:
            value = self.raw.get(name)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, int) or value < low:
                    raise CheckpointError(f"{self.path}: {name} must be a whole number from {low}, not {value!r}")
                return value
        if default is None:
            raise CheckpointError(f"{self.path} has no {' or '.join(names)}")
        return default

    def number(self, name: str, default: float) -> float:
        value = self.raw.get(name, default)
        if value is None:
            value = default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise CheckpointError(f"{self.path}: {name} must be a positive number, not {value!r}")
        return float(value)

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw.get(name, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise CheckpointError(f"{self.path}: {name} must be true or false, not {value!r}")
        return value

    def activation(self, *names: str, default: str) -> str:
        value = next((self.raw[name] for name in names if self.raw.get(name) is not None), default)
        if value not in ACTIVATIONS:
            raise CheckpointError(f"{self.path}: the activation {value!r} is not one this program computes "
                                  f"({', '.join(ACTIVATIONS)})")
        return value

    def heads(self, d_model: int, heads: int, kv_heads: int, head_dim: int | None = None) -> int:
        head_dim = d_model // heads if head_dim is None else head_dim
        if head_dim == 0 or (head_dim * heads != d_model and "head_dim" not in self.raw):
            raise CheckpointError(f"{self.path}: the hidden size {d_model} is not a multiple of the "
                                  f"{heads} attention heads")
        if kv_heads > heads or heads % kv_heads:
            raise CheckpointError(f"{self.path}: {kv_heads} key/value heads do not divide {heads} attention heads")
        return head_dim


def _bert(read: _Reader, model_type: str) -> ModelConfig:
    kind = read.raw.get("position_embedding_type", "absolute")
    if kind not in (None, "absolute"):
        raise CheckpointError(f"{read.path}: position_embedding_type {kind!r} is not read; only \"absolute\" "
                              f"positions are")
    d_model, heads = read.whole("hidden_size"), read.whole("num_attention_heads")
    pad = read.whole("pad_token_id", default=1 if model_type == "roberta" else 0, low=0)
    max_positions = read.whole("max_position_embeddings", default=512)
    if model_type == "roberta":  # positions start after the padding index (HF's create_position_ids_from_input_ids)
        max_positions -= pad + 1
        if max_positions < 1:
            raise CheckpointError(f"{read.path}: max_position_embeddings leaves no position after the padding index")
    return ModelConfig(
        model_type=model_type, layers=read.whole("num_hidden_layers"), d_model=d_model, heads=heads,
        kv_heads=heads, head_dim=read.heads(d_model, heads, heads), intermediate=read.whole("intermediate_size"),
        vocab_size=read.whole("vocab_size"), max_positions=max_positions,
        norm_eps=read.number("layer_norm_eps", 1e-12), activation=read.activation("hidden_act", default="gelu"),
        attention_bias=True, output_bias=True, type_vocab_size=read.whole("type_vocab_size", default=2, low=0),
        pad_token_id=pad,
    )


def _gpt2(read: _Reader) -> ModelConfig:
    if read.flag("add_cross_attention", False):
        raise CheckpointError(f"{read.path}: GPT-2 with cross-attention layers is not read")
    d_model, heads = read.whole("n_embd", "hidden_size"), read.whole("n_head", "num_attention_heads")
    return ModelConfig(
        model_type="gpt2", layers=read.whole("n_layer", "num_hidden_layers"), d_model=d_model, heads=heads,
        kv_heads=heads, head_dim=read.heads(d_model, heads, heads), intermediate=read.whole("n_inner", default=4 * d_model),
        vocab_size=read.whole("vocab_size"), max_positions=read.whole("n_positions", "max_position_embeddings"),
        norm_eps=read.number("layer_norm_epsilon", 1e-5),
        activation=read.activation("activation_function", default="gelu_new"), attention_bias=True,
        output_bias=True, scale_by_layer=read.flag("scale_attn_by_inverse_layer_idx", False),
        scale_attention=read.flag("scale_attn_weights", True),
    )


def _rope_base(read: _Reader) -> float:
    """RoPE's base from ``rope_parameters`` (transformers 5) or ``rope_theta``; only plain RoPE is computed."""
    parameters = read.raw.get("rope_parameters") or read.raw.get("rope_scaling")
    base = read.raw.get("rope_theta")
    if parameters is not None:
        if not isinstance(parameters, dict):
            raise CheckpointError(f"{read.path}: rope_parameters must be a JSON object, not {parameters!r}")
        kind = parameters.get("rope_type", parameters.get("type", "default"))
        if kind != "default":
            raise CheckpointError(f"{read.path}: RoPE of type {kind!r} (a scaled RoPE) is not computed; this "
                                  f"program turns q and k by plain RoPE only")
        if parameters.get("partial_rotary_factor", 1.0) != 1.0:
            raise CheckpointError(f"{read.path}: a partial RoPE (partial_rotary_factor) is not computed")
        base = parameters.get("rope_theta", base)
    value = 10000.0 if base is None else base
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 1:
        raise CheckpointError(f"{read.path}: rope_theta must be a number above 1, not {value!r}")
    return float(value)


def _windows(read: _Reader, model_type: str, layers: int) -> tuple[int | None, ...]:
    """Each layer's sliding window, as HF's Mistral and Qwen2 configs decide it (None: the whole sentence)."""
    window = read.raw.get("sliding_window")
    if window is not None:
        window = read.whole("sliding_window")
    if model_type == "llama" or window is None:
        return (None,) * layers
    if model_type == "mistral":
        return (window,) * layers
    if not read.flag("use_sliding_window", False):
        return (None,) * layers
    kinds = read.raw.get("layer_types")
    if kinds is None:
        first = read.whole("max_window_layers", default=28, low=0)
        return tuple(window if layer >= first else None for layer in range(layers))
    if not isinstance(kinds, list) or len(kinds) != layers or \
            any(kind not in ("sliding_attention", "full_attention") for kind in kinds):
        raise CheckpointError(f"{read.path}: layer_types must list \"sliding_attention\" or \"full_attention\" for "
                              f"each of the {layers} layers")
    return tuple(window if kind == "sliding_attention" else None for kind in kinds)


def _llama(read: _Reader, model_type: str) -> ModelConfig:
    d_model, heads = read.whole("hidden_size"), read.whole("num_attention_heads")
    kv_heads = read.whole("num_key_value_heads", default=heads)
    layers = read.whole("num_hidden_layers")
    head_dim = read.heads(d_model, heads, kv_heads, read.raw.get("head_dim") and read.whole("head_dim"))
    if head_dim % 2:
        raise CheckpointError(f"{read.path}: head_dim {head_dim} is odd; RoPE turns the entries in pairs")
    if model_type == "llama" and read.flag("mlp_bias", False):
        raise CheckpointError(f"{read.path}: an MLP with biases (mlp_bias) is not computed")
    bias = model_type == "qwen2" or (model_type == "llama" and read.flag("attention_bias", False))
    return ModelConfig(
        model_type=model_type, layers=layers, d_model=d_model, heads=heads, kv_heads=kv_heads, head_dim=head_dim,
        intermediate=read.whole("intermediate_size"), vocab_size=read.whole("vocab_size"),
        max_positions=read.whole("max_position_embeddings", default=2048), norm_eps=read.number("rms_norm_eps", 1e-6),
        activation=read.activation("hidden_act", default="silu"), rope_base=_rope_base(read),
        windows=_windows(read, model_type, layers), attention_bias=bias,
        output_bias=model_type == "llama" and bias,
    )
