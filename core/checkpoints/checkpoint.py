"""A local Hugging Face model folder, opened: tokens, any layer's attention input X, weights and options.

Opening reads config.json, tokenizer.json and the safetensors headers, and
checks that every tensor the model needs is there with the shape the config
implies — so a folder is refused whole, with one message, or used whole;
nothing is half loaded. Tensors themselves are read when a layer needs them.

The hidden states on the way to a layer are kept for the last few
sentences, so stepping to the next layer computes one more layer, and
editing a cell or changing the step computes none.
"""

from __future__ import annotations

import dataclasses
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..limits import MAX_TOKENS, RANGES
from ..weights import Weights
from .bert import Bert
from .config import ModelConfig, read_config
from .errors import CheckpointError, require_hf
from .family import AttentionOptions, Family
from .gpt2 import Gpt2
from .llama import Llama
from .safetensors_file import INDEX_FILE, SINGLE_FILE, TensorStore
from .tokenizer import TOKENIZER_FILE, Encoding, ModelTokenizer

_FAMILIES: dict[str, type[Family]] = {"bert": Bert, "gpt2": Gpt2, "llama": Llama}
_SENTENCES_KEPT = 4


class Checkpoint:
    """One model folder (see the module docstring); open it with :func:`open_checkpoint`."""

    def __init__(self, folder: str | os.PathLike):
        require_hf()
        folder = Path(folder)
        if not folder.is_dir():
            what = "does not exist" if not folder.exists() else "is not a folder"
            raise CheckpointError(f"{folder} {what}; give a Hugging Face model folder (config.json, "
                                  f"model.safetensors, tokenizer.json)")
        self.folder = folder.resolve()
        self.config: ModelConfig = read_config(self.folder)
        _check_sizes(self.config, self.folder)
        self.tokenizer = ModelTokenizer(self.folder)
        self.family: Family = _FAMILIES[self.config.family](self.config, TensorStore(self.folder))
        self.family.check_tensors()
        self._states: OrderedDict[tuple, list[np.ndarray]] = OrderedDict()

    @property
    def name(self) -> str:
        """The folder's name, as the window title, the badge and the manifest say it."""
        return self.folder.name

    @property
    def model_type(self) -> str:
        return self.config.model_type

    @property
    def layers(self) -> int:
        return self.config.layers

    def check_layer(self, layer: object) -> int:
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 0 <= layer < self.layers:
            raise CheckpointError(f"the layer must be a whole number from 0 to {self.layers - 1} ({self.name} has "
                                  f"{self.layers} layers, counted from 0); got {layer!r}")
        return int(layer)

    def tokens(self, text: str) -> Encoding:
        """The sentence as the model's tokenizer encodes it, refused if the model has no positions for it."""
        if not isinstance(text, str):
            raise CheckpointError(f"the sentence must be text, not {type(text).__name__}")
        encoding = self.tokenizer.encode(text)
        n, most = len(encoding.ids), min(self.config.max_positions, MAX_TOKENS)
        if n > most:
            reason = f"{self.name} has positions for {self.config.max_positions}" \
                if most == self.config.max_positions else f"at most {MAX_TOKENS} are shown"
            raise CheckpointError(f"the sentence is {n} tokens long for this model; {reason}: shorten it")
        return encoding

    def attention_options(self, layer: int) -> AttentionOptions:
        return self.family.options(self.check_layer(layer))

    def layer_weights(self, layer: int) -> Weights:
        """W_Q, W_K, W_V, W_O and biases of ``layer`` in our layout (float64, read-only)."""
        return self.family.weights(self.check_layer(layer))

    def attention_input(self, token_ids: Sequence[int], layer: int, type_ids: Sequence[int] | None = None) -> np.ndarray:
        """X of ``layer``: the hidden state after the embeddings and the layers before (and the input norm)."""
        layer = self.check_layer(layer)
        type_ids = tuple(type_ids) if type_ids is not None else (0,) * len(token_ids)
        key = (tuple(int(i) for i in token_ids), tuple(int(t) for t in type_ids))
        states = self._states.pop(key, None)
        if states is None:
            states = [self.family.embed(key[0], key[1])]
        self._states[key] = states
        while len(self._states) > _SENTENCES_KEPT:
            self._states.popitem(last=False)
        with np.errstate(over="ignore", invalid="ignore"):
            while len(states) <= layer:
                done = len(states) - 1
                x = self.family.layer_input(states[done], done)
                states.append(self.family.after_attention(states[done], self.family.attention(x, done), done))
            x = self.family.layer_input(states[layer], layer)
        if not np.isfinite(x).all():
            raise CheckpointError(f"layer {layer}'s input overflows float64 for this sentence; the weights are not "
                                  f"those of a trained model")
        return x


def _check_sizes(config: ModelConfig, folder: Path) -> None:
    """The model's sizes within what the program shows (core/limits.py), said in the model's terms."""
    for name, value, what in (("heads", config.heads, "attention heads"), ("d_model", config.d_model, "hidden size"),
                              ("d_k", config.head_dim, "head size")):
        low, high = RANGES[name]
        if not low <= value <= high:
            raise CheckpointError(f"{folder.name}'s {what} {value} is beyond what this program shows ({name} up to "
                                  f"{high})")


def _signature(folder: Path) -> tuple:
    """What changes when the folder's files are replaced: their sizes and modification times."""
    stamps = []
    for name in ("config.json", TOKENIZER_FILE, SINGLE_FILE, INDEX_FILE):
        try:
            stat = (folder / name).stat()
            stamps.append((name, stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((name, None, None))
    return tuple(stamps)


_OPEN: OrderedDict[tuple, Checkpoint] = OrderedDict()
_OPEN_KEPT = 2


def open_checkpoint(folder: str | os.PathLike) -> Checkpoint:
    """The checkpoint in ``folder``, opened once and kept while its files stay the same (the last two folders)."""
    path = Path(folder).expanduser()
    try:
        key = (str(path.resolve()), _signature(path.resolve()))
    except (OSError, RuntimeError) as error:
        raise CheckpointError(f"cannot open {folder}: {error}") from None
    if key in _OPEN:
        _OPEN.move_to_end(key)
        return _OPEN[key]
    checkpoint = Checkpoint(path)
    for old in [k for k in _OPEN if k[0] == key[0]]:
        del _OPEN[old]
    _OPEN[key] = checkpoint
    while len(_OPEN) > _OPEN_KEPT:
        _OPEN.popitem(last=False)
    return checkpoint


def forget_checkpoints() -> None:
    """Close every opened checkpoint (tests and benchmarks measure opening from cold)."""
    _OPEN.clear()


@dataclasses.dataclass(frozen=True)
class RealLayer:
    """What a checkpoint gives one computation: the parameters it implies and the sentence's encoding."""

    parameters: object
    encoding: Encoding
    checkpoint: Checkpoint


def real_layer(parameters) -> RealLayer:
    """Open ``parameters.checkpoint``, encode the sentence and set the sizes and options from config.json.

    The person's own experiments stay theirs: skipping the scaling and the
    precision. Everything that must agree with the weights (heads, sizes,
    biases, RoPE, causal, window, the scale) comes from the model, so it
    cannot be set out of step with it. Cross-attention is refused: a
    checkpoint's layer attends over its own sentence.
    """
    if parameters.memory is not None:
        raise CheckpointError("a model's layer attends over its own sentence; leave out the memory "
                              "(cross-attention) when showing a checkpoint")
    checkpoint = open_checkpoint(parameters.checkpoint)
    layer = checkpoint.check_layer(parameters.layer)
    encoding = checkpoint.tokens(parameters.sentence)
    o = checkpoint.attention_options(layer)
    default_scale = o.scale == 1.0 / np.sqrt(o.d_k)
    real = dataclasses.replace(
        parameters, heads=o.heads, d_model=checkpoint.config.d_model, d_k=o.d_k, d_v=None,
        kv_heads=None if o.kv_heads == o.heads else o.kv_heads, bias=o.bias, causal=o.causal,
        positional_encoding=False, rope=o.rope, rope_base=o.rope_base, alibi=False,
        window=o.window if o.window is not None and o.window <= MAX_TOKENS else None,  # a longer one hides nothing
        scale=None if default_scale or parameters.skip_scaling else o.scale, layer=layer,
    )
    return RealLayer(real, encoding, checkpoint)
