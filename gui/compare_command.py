"""``attention-stepper compare DUMP``: check someone's own attention against the reference, from the shell.

Runs the core alone and never imports Qt. Exit status 0 when every dumped
step matches, 1 when one diverges (the report says where and, when it can,
which known mistake explains it), 2 for a bad dump or bad flags (one line on
stderr).
"""

from __future__ import annotations

import argparse
import math
import os
import sys

from attention_stepper.core.dump_layout import LAYOUTS

from .arguments import DECIMAL, add_size_arguments, add_variant_arguments
from .usage_error import UsageError

#: The configuration flags the command takes, as Parameters fields (store_true flags count only when given).
_FIELDS = ("heads", "d_model", "d_k", "d_v", "kv_heads", "causal", "skip_scaling", "bias", "rope", "rope_base",
           "alibi", "window", "memory", "scale", "precision")
_SWITCHES = ("causal", "skip_scaling", "bias", "alibi")
_HELP = {
    "bias": "the weights have biases (the dump's weights decide; given, they must have them)",
    "memory": "cross-attention: the dump must hold memory (m, d_model); the text's tokens label its rows",
    "precision": "compute the reference in this precision (default float64)",
}


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``compare`` to the command line's sub-commands."""
    parser = subparsers.add_parser(
        "compare", help="compare your own attention's intermediates (a dump) with the reference and diagnose",
        description="Recompute attention from the dump's x and weights, compare every step the dump holds, "
        "name the first that diverges and the known mistake that explains it. Flags not given come from the "
        "dump's config.json member and its weights.")
    parser.add_argument("dump", metavar="DUMP", help="an .npz (numpy.savez) or .safetensors file holding x, the "
                        "weights and any of q k v q_rotated k_rotated scores scaled weights head_output concat output")
    configuration = parser.add_argument_group("configuration (as for export; sizes default to the dump's weights)")
    add_size_arguments(configuration, defaults="default: from the dump")
    configuration.add_argument("--causal", action="store_true", help="the causal mask applies")
    configuration.add_argument("--skip-scaling", action="store_true", help="the scores are not scaled (scale 1)")
    add_variant_arguments(parser.add_argument_group("variants of modern models"))
    parser.set_defaults(rope_base=None, precision=None)  # not given: config.json's or the default
    for action in parser._actions:  # the same flags, said as they apply to a dump
        action.help = _HELP.get(action.dest, action.help)
    parser.add_argument("--layout", choices=LAYOUTS,
                        help="per-head arrays are (heads, n, d) = bhsd or (n, heads, d) = bshd (default: detected)")
    parser.add_argument("--atol", type=_non_negative("atol"), default=None, metavar="A",
                        help="absolute tolerance (default 1e-5): a cell matches when |yours − ours| ≤ A + R·|ours|")
    parser.add_argument("--rtol", type=_non_negative("rtol"), default=None, metavar="R",
                        help="relative tolerance (default 1e-5)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def _non_negative(name: str):
    """A tolerance: a decimal number from 0 up typed in ASCII (0, 1e-4, 0.001)."""
    def parse(text: str) -> float:
        if not DECIMAL.fullmatch(text) or not math.isfinite(float(text)):
            shown = text if len(text) <= 20 else text[:20] + "…"
            raise argparse.ArgumentTypeError(f"{name} must be a number from 0 up such as 1e-4, not {shown!r}")
        return float(text)

    parse.__name__ = name
    return parse


def given_configuration(args: argparse.Namespace) -> dict[str, object]:
    """The Parameters fields the flags set: a switch only when given, a value only when not None."""
    given = {}
    for name in _FIELDS:
        value = getattr(args, name, None)
        if name in _SWITCHES:
            if value:
                given[name] = True
        elif value is not None:
            given[name] = value
    return given


def run(args: argparse.Namespace) -> int:
    """Compare, print the report (text or JSON), and return 0 (all match) or 1 (a step diverges)."""
    from attention_stepper.core.compare import DEFAULT_ATOL, DEFAULT_RTOL, compare
    from attention_stepper.core.dumps import DumpError

    try:
        report = compare(args.dump, atol=DEFAULT_ATOL if args.atol is None else args.atol,
                         rtol=DEFAULT_RTOL if args.rtol is None else args.rtol, layout=args.layout,
                         **given_configuration(args))
    except DumpError as error:
        raise UsageError(str(error)) from None
    except MemoryError:
        raise UsageError(f"{args.dump}: not enough memory to compare this dump") from None
    try:
        print(report.to_json() if args.json else report.text())
        sys.stdout.flush()
    except BrokenPipeError:  # `… | head`: the reader left; say nothing more (Python's documented recipe)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0 if report.matches else 1
