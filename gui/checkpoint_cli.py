"""``--checkpoint DIR --layer L`` on the command line: a real model's layer instead of seeded weights.

The sizes and options come from the model's config.json, so the flags that
would set them are refused beside ``--checkpoint`` rather than ignored.
"""

from __future__ import annotations

import argparse

from .usage_error import UsageError

#: Flags whose value the checkpoint decides (argparse dest → the flag as typed), refused beside it.
_FROM_THE_MODEL = {"heads": "--heads", "d_model": "--d-model", "d_k": "--d-k", "d_v": "--d-v",
                   "kv_heads": "--kv-heads", "bias": "--bias", "rope": "--rope", "alibi": "--alibi",
                   "window": "--window", "causal": "--causal", "positions": "--positions", "scale": "--scale",
                   "memory": "--memory", "weights": "--weights"}


def layer_number(text: str) -> int:
    """argparse's type for --layer: a whole number from 0 (the model says how many layers it has)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"layer must be a whole number from 0, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"layer must be a whole number from 0 (the first layer); got {value}")
    return value


def add_checkpoint_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("a real model (needs pip install attention-stepper[hf])")
    group.add_argument("--checkpoint", metavar="DIR",
                       help="a local Hugging Face model folder (config.json, model.safetensors, tokenizer.json) of "
                       "model_type bert, roberta, gpt2, llama, qwen2 or mistral: its tokens, X and weights are used")
    group.add_argument("--layer", type=layer_number, metavar="L",
                       help="the layer of --checkpoint to show, counted from 0 as in transformers (default 0)")


def checkpoint_computation(args: argparse.Namespace, sentence: str):
    """The Computation of ``--checkpoint``'s layer ``--layer`` over ``sentence``; UsageError for bad input."""
    from attention_stepper.core.computation import compute
    from attention_stepper.core.parameters import Parameters

    if args.checkpoint is None:
        raise UsageError("--layer needs --checkpoint DIR (the model whose layer to show)")
    if not args.checkpoint:
        raise UsageError("--checkpoint is empty; give the model folder")
    given = [flag for name, flag in _FROM_THE_MODEL.items() if getattr(args, name, None) not in (None, False)]
    if given:
        raise UsageError(f"{given[0]} comes from the model's config.json with --checkpoint; leave it out")
    parameters = Parameters(sentence=sentence, checkpoint=args.checkpoint, layer=args.layer or 0,
                            skip_scaling=args.skip_scaling, precision=args.precision, seed=args.seed)
    try:
        return compute(parameters)
    except MemoryError:
        raise UsageError("not enough memory to show this layer") from None
    except ValueError as error:
        raise UsageError(str(error)) from None
