"""What the commands share: the flags that describe a computation, their number types, and the computation.

``export`` and ``screenshot`` take the same flags (the sentence, the sizes,
the variants, ``--weights``, ``--checkpoint``) and turn them into a core
Computation with :func:`computation_from`; ``compare`` takes the sizes and the
variants. They all import from here, and nothing here imports cli.py, so
imports go one way: cli.py (the parser and main) → the command modules → this
module → checkpoint_cli.py → usage_error.py. Nothing here imports Qt.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path
from typing import BinaryIO

from attention_stepper.core.limits import (
    MAX_SENTENCE_BYTES,
    MAX_SENTENCE_CHARACTERS,
    MAX_TOKENS,
    RANGES,
    range_text,
    shortened,
)
from attention_stepper.core.parameters import DEFAULT_SENTENCE, PRECISIONS, Parameters
from attention_stepper.core.tokenize import TOKENIZERS
from attention_stepper.core.variants import ROPE_STYLES

from .checkpoint_cli import add_checkpoint_arguments, checkpoint_computation
from .usage_error import UsageError

__all__ = ["DECIMAL", "UsageError", "add_computation_arguments", "add_size_arguments", "add_variant_arguments",
           "ascii_whole_number", "block_sizes", "computation_from", "head_number", "parse_size", "position_number",
           "positive_number", "read_sentence", "whole_number"]


def ascii_whole_number(text: str) -> int | None:
    """``text`` as an int if it is ASCII digits, after at most a '-', and nothing else; else None.

    int() would also take '٣', '３', '1_0' and ' +3 '. A '-' is read (so
    that -3 is refused for its range, as a person expects) though no option
    takes a negative number. A number of more than 20 digits is returned as
    one past any limit (±2**64) without converting thousands of digits.
    """
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()):
        return None
    digits = digits.lstrip("0") or "0"
    value = int(digits) if len(digits) <= 20 else 2**64
    return -value if text.startswith("-") else value


def whole_number(name: str):
    """argparse's type for the option ``name``: ASCII digits within its range (core/limits.py)."""
    low, high = RANGES[name]

    def parse(text: str) -> int:
        value = ascii_whole_number(text)
        if value is None:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number {range_text(name)}, not {shortened(text)!r}")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number {range_text(name)}; got {shortened(text)}")
        return value

    parse.__name__ = name
    return parse


def head_number(text: str) -> int:
    """argparse's type for --head: ASCII digits (whether the head exists is checked against --heads later)."""
    value = ascii_whole_number(text)
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"--head must be a whole number from 1 (the first head), "
                                         f"not {shortened(text)!r}")
    return value


def position_number(text: str) -> int:
    """argparse's type for --position: ASCII digits from 1 (whether it exists is checked against the tiles later)."""
    value = ascii_whole_number(text)
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"--position must be a whole number from 1 (the first tile or token), "
                                         f"not {shortened(text)!r}")
    return value


def cell_position(text: str) -> tuple[int, int]:
    """argparse's type for screenshot --cell ROW,COL: two whole numbers from 1 (whether the cell exists is
    checked against the step's result later)."""
    parts = [ascii_whole_number(part) for part in text.split(",")]
    if len(parts) != 2 or any(part is None or part < 1 for part in parts):
        raise argparse.ArgumentTypeError(
            f"--cell must be a row and a column from 1 such as 2,3, not {shortened(text)!r}")
    return parts[0], parts[1]


def add_computation_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``export`` and ``screenshot``: the sentence, sizes, seed, options, weights and checkpoint."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--sentence", help=f"the text to attend over (default: {DEFAULT_SENTENCE!r})")
    source.add_argument("--sentence-file", metavar="FILE|-",
                        help="read the text from a UTF-8 file, or from standard input with '-'")
    defaults = Parameters()
    add_size_arguments(parser)
    parser.add_argument("--seed", type=whole_number("seed"), default=defaults.seed,
                        help=f"seed of the random word vectors and weights, {range_text('seed')} (default 0)")
    parser.add_argument("--causal", action="store_true", help="apply the causal mask (no looking ahead)")
    parser.add_argument("--positions", action="store_true", help="add sinusoidal positional encoding to X")
    parser.add_argument("--skip-scaling", action="store_true",
                        help="do not divide the scores by √d_k (see the softmax saturate)")
    parser.add_argument("--tokenizer", choices=TOKENIZERS, default=defaults.tokenizer,
                        help="how the sentence becomes tokens: white space (default), every CJK character, "
                        "or jieba word segmentation (pip install attention-stepper[zh])")
    parser.add_argument("--weights", metavar="FILE.npz",
                        help="use weights from an .npz with w_q, w_k, w_v, w_o (sizes come from the file), "
                        "or with PyTorch's in_proj_weight, out_proj.weight (then give --heads)")
    add_variant_arguments(parser.add_argument_group("variants of modern models"))
    add_checkpoint_arguments(parser)


def add_size_arguments(parser: argparse.ArgumentParser, defaults: str = "default") -> None:
    """--heads, --d-model, --d-k, --d-v (also the compare command's, whose defaults come from the dump)."""
    values = Parameters()

    def default(value: object) -> str:
        return f"default {value}" if defaults == "default" else defaults

    parser.add_argument("--heads", type=whole_number("heads"), help=f"number of heads, {range_text('heads')} "
                        f"({default(values.heads)})")
    parser.add_argument("--d-model", type=whole_number("d_model"),
                        help=f"width of the word vectors, {range_text('d_model')} ({default(values.d_model)})")
    parser.add_argument("--d-k", type=whole_number("d_k"),
                        help=f"width of queries and keys, {range_text('d_k')} ({default(values.d_k)})")
    parser.add_argument("--d-v", type=whole_number("d_v"),
                        help=f"width of values, {range_text('d_v')} "
                        f"({'default: d_k' if defaults == 'default' else defaults})")


def add_variant_arguments(group) -> None:
    """The options of modern attention (see the README's "Modern attention" and docs/variants.md)."""
    group.add_argument("--kv-heads", type=whole_number("kv_heads"), metavar="N",
                       help="key/value heads shared by groups of query heads (must divide --heads; "
                       "1 is multi-query attention; default: as many as heads)")
    group.add_argument("--bias", action="store_true", help="give the Q, K, V and output projections biases")
    group.add_argument("--rope", choices=ROPE_STYLES,
                       help="rotate q and k by position: half (Llama, GPT-NeoX) or interleaved (GPT-J)")
    group.add_argument("--rope-base", type=positive_number("rope_base"), default=10000.0, metavar="B",
                       help="RoPE's base: angle = position · B^(−2j/d_k) (default 10000)")
    group.add_argument("--alibi", action="store_true", help="add ALiBi's distance penalty −m_i·|t − s| to the scores")
    group.add_argument("--window", type=whole_number("window"), metavar="W",
                       help="sliding window: each query sees W keys (with --causal: itself and W − 1 before it)")
    group.add_argument("--memory", metavar="TEXT",
                       help="cross-attention: K and V come from this second sentence")
    group.add_argument("--scale", type=positive_number("scale"), metavar="S",
                       help="multiply the scores by S instead of dividing by √d_k")
    group.add_argument("--precision", choices=PRECISIONS, default="float64",
                       help="run the whole pass in this precision (default float64)")


def block_sizes(text: str) -> tuple[int, int]:
    """--tiles BR,BC: two whole numbers typed in ASCII digits."""
    parts = text.split(",")
    if len(parts) != 2 or not all(part.isascii() and part.isdigit() and int(part) >= 1 for part in parts):
        raise argparse.ArgumentTypeError(
            f"--tiles must be two whole numbers from 1 such as 2,2, not {shortened(text)!r}")
    return int(parts[0]), int(parts[1])


def positive_number(name: str):
    """A decimal number above 0 typed in ASCII (1000, 0.125, 1e4): argparse's type for --scale, --rope-base."""

    def parse(text: str) -> float:
        if not DECIMAL.fullmatch(text) or float(text) <= 0 or not math.isfinite(float(text)):
            raise argparse.ArgumentTypeError(
                f"{name} must be a number above 0 such as 0.125 or 1e4, not {shortened(text)!r}")
        return float(text)

    parse.__name__ = name
    return parse


#: A decimal number typed in ASCII: 1000, 0.125, .5, 1e4 (float() would also take 'inf', '１' and ' 1_0 ').
DECIMAL = re.compile(r"[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|\.[0-9]+([eE][-+]?[0-9]+)?")


def read_sentence(args: argparse.Namespace) -> str:
    """The sentence of ``--sentence`` or ``--sentence-file FILE|-`` (UTF-8, a BOM dropped), or the default one."""
    if args.sentence_file is None:
        return DEFAULT_SENTENCE if args.sentence is None else args.sentence
    # Read one byte past the limit, never more: /dev/zero or a huge file is refused, not read whole.
    if args.sentence_file == "-":
        data = sys.stdin.buffer.read(MAX_SENTENCE_BYTES + 1)
        name = "standard input"
    else:
        try:
            with open(args.sentence_file, "rb") as stream:
                data = stream.read(MAX_SENTENCE_BYTES + 1)
        except OSError as error:
            raise UsageError(f"cannot read the sentence file {args.sentence_file}: {error.strerror}") from None
        name = args.sentence_file
    if len(data) > MAX_SENTENCE_BYTES:
        raise UsageError(f"{name} holds more than {MAX_SENTENCE_BYTES} bytes; a sentence has at most "
                         f"{MAX_SENTENCE_CHARACTERS} characters ({MAX_TOKENS} tokens)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text; save the sentence as UTF-8") from None


def _weights_source(name: str) -> BinaryIO | None:
    """The bytes of ``--weights`` when it is a pipe or device (``<(cat w.npz)``), read once; None for a file.

    Telling the layout and loading each read the file; a pipe read twice is
    empty the second time, so its bytes (at most the limit) are read here.
    """
    from attention_stepper.core.limits import MAX_ARCHIVE_STREAM_BYTES
    from attention_stepper.core.npz_reading import npz_source
    from attention_stepper.core.weights import WeightsFileError

    source = npz_source(Path(name), WeightsFileError, MAX_ARCHIVE_STREAM_BYTES)
    return None if isinstance(source, Path) else source


def computation_from(args: argparse.Namespace):
    """Build the core Computation the arguments describe (UsageError for bad values)."""
    from attention_stepper.core.computation import compute
    from attention_stepper.core.torch_layout import is_torch_weights_file, load_torch_weights
    from attention_stepper.core.weights import WeightsFileError, load_weights

    if getattr(args, "checkpoint", None) is not None or getattr(args, "layer", None) is not None:
        return checkpoint_computation(args, read_sentence(args))
    defaults = Parameters()
    sentence = read_sentence(args)
    weights = None
    sizes = {"heads": args.heads, "d_model": args.d_model, "d_k": args.d_k, "d_v": args.d_v, "kv_heads": args.kv_heads}
    if args.weights:
        try:
            source = _weights_source(args.weights)
            if is_torch_weights_file(args.weights, source=source):
                if args.heads is None:
                    raise UsageError(
                        f"{args.weights} holds PyTorch-layout weights (in_proj_weight, out_proj.weight), which do "
                        f"not record the number of heads; give it with --heads H (H must divide d_model)")
                weights = load_torch_weights(args.weights, args.heads, source=source)
            else:
                weights = load_weights(args.weights, source=source)
        except WeightsFileError as error:
            raise UsageError(str(error)) from None
        from_file = {"heads": weights.heads, "d_model": weights.d_model, "d_k": weights.d_k, "d_v": weights.d_v,
                     "kv_heads": weights.kv_heads}
        clashes = [f"--{name.replace('_', '-')} {value} (the file has {from_file[name]})"
                   for name, value in sizes.items() if value is not None and value != from_file[name]]
        if clashes:
            raise UsageError(f"{args.weights} does not fit {', '.join(clashes)}; leave those out to use the file's sizes")
        if args.bias and not weights.has_bias:
            raise UsageError(f"{args.weights} has no biases; leave out --bias to use the file's weights")
        sizes = from_file
        args.bias = weights.has_bias
    parameters = Parameters(
        sentence=sentence,
        heads=defaults.heads if sizes["heads"] is None else sizes["heads"],
        d_model=defaults.d_model if sizes["d_model"] is None else sizes["d_model"],
        d_k=defaults.d_k if sizes["d_k"] is None else sizes["d_k"],
        d_v=sizes["d_v"],
        seed=args.seed,
        causal=args.causal,
        positional_encoding=args.positions,
        skip_scaling=args.skip_scaling,
        tokenizer=args.tokenizer,
        kv_heads=sizes["kv_heads"],
        bias=args.bias,
        rope=args.rope,
        rope_base=args.rope_base,
        alibi=args.alibi,
        window=args.window,
        memory=args.memory,
        scale=args.scale,
        precision=args.precision,
    )
    try:
        return compute(parameters, weights)
    except MemoryError:
        raise UsageError("not enough memory for these sizes; lower heads, d_model, d_k or the sentence length") from None
    except ValueError as error:
        raise UsageError(str(error)) from None


def parse_size(text: str) -> tuple[int, int]:
    """``screenshot --size WxH``: ASCII digits, from 800x500 to 8000x8000."""
    parts = [ascii_whole_number(part) for part in text.lower().split("x")]
    if len(parts) != 2 or None in parts:
        raise UsageError(f"--size must look like 1280x800, not {shortened(text)!r}")
    width, height = parts
    if not (800 <= width <= 8000 and 500 <= height <= 8000):
        raise UsageError(f"--size must be from 800x500 to 8000x8000; got {shortened(text)}")
    return width, height
