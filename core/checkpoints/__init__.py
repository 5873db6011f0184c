"""Real models: a local Hugging Face folder (config.json, model.safetensors, tokenizer.json) opened in NumPy.

>>> checkpoint = open_checkpoint("all-MiniLM-L6-v2")            # doctest: +SKIP
>>> encoding = checkpoint.tokens("The cat sat on the mat.")      # doctest: +SKIP
>>> x = checkpoint.attention_input(encoding.ids, layer=2)        # doctest: +SKIP
>>> weights = checkpoint.layer_weights(2)                        # doctest: +SKIP

Families by config.json's ``model_type``: bert, roberta, gpt2, llama, qwen2,
mistral. Needs the optional extra ``hf`` (safetensors, tokenizers); never
torch, and never the network. See docs/checkpoints.md.
"""

from .checkpoint import Checkpoint, RealLayer, forget_checkpoints, open_checkpoint, real_layer
from .config import SUPPORTED_TYPES, ModelConfig
from .errors import HF_EXTRA_HINT, HF_MISSING, CheckpointError, hf_available
from .family import AttentionOptions
from .tokenizer import Encoding

__all__ = ["HF_EXTRA_HINT", "HF_MISSING", "SUPPORTED_TYPES", "AttentionOptions", "Checkpoint", "CheckpointError",
           "Encoding", "ModelConfig", "RealLayer", "forget_checkpoints", "hf_available", "open_checkpoint",
           "real_layer"]
