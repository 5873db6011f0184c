"""The one error a checkpoint folder can raise, and the message for a missing optional extra."""

from __future__ import annotations

import importlib.util

#: What to install to read Hugging Face folders (the optional extra ``hf``).
HF_EXTRA_HINT = "pip install attention-stepper[hf]"
HF_MISSING = ("reading a Hugging Face model needs the optional packages safetensors and tokenizers: "
              f"{HF_EXTRA_HINT}")


class CheckpointError(ValueError):
    """A model folder that cannot be used; the message names the file and what is wrong with it.

    A ValueError, so everything that refuses bad parameters (the command line's
    exit 2, the app's messages, session files) refuses a bad folder the same way.
    """


def hf_available() -> bool:
    """Whether safetensors and tokenizers are installed (looked up, not imported)."""
    try:
        return all(importlib.util.find_spec(name) is not None for name in ("safetensors", "tokenizers"))
    except (ImportError, ValueError):
        return False


def require_hf() -> None:
    """CheckpointError with the install hint unless the ``hf`` extra is installed."""
    if not hf_available():
        raise CheckpointError(HF_MISSING)
