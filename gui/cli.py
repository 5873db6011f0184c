"""The ``attention-stepper`` command: its parser and ``main``.

With no sub-command it opens the app. Each sub-command lives in a module of
its own: ``export`` (export_command.py) and ``compare`` (compare_command.py)
run the core alone and never import Qt; ``screenshot`` (screenshot.py)
imports the window only when run. The flags they share, and the computation
they describe, are in arguments.py. Imports go one way: only the console
script imports this module. Every mistake a person can make on the command
line ends with exit status 2 and one line on stderr that says what is wrong
and what would be accepted.
"""

from __future__ import annotations

import argparse
import sys

from attention_stepper.core import __version__
from attention_stepper.core.lesson import LESSON_KEYS

from . import compare_command
from .arguments import add_computation_arguments, block_sizes, cell_position, head_number, position_number
from .export_command import Stopped, run_export
from .screenshot import run_screenshot
from .usage_error import UsageError

PROGRAM = "attention-stepper"

#: The main window's tabs, as ``screenshot --tab`` names them.
SCREENSHOT_TABS = ("steps", "journey", "heads", "scaling", "compare", "tiles", "generate")


class _Parser(argparse.ArgumentParser):
    """argparse, but every error is one line and exit status 2 (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROGRAM, description="Watch multi-head self-attention being computed, step by step. "
                     "With no command, opens the app.")
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    export = commands.add_parser("export", help="write every matrix as CSV, with manifest.json and weights.npz",
                                 description="Compute attention and write every intermediate matrix to a folder.")
    add_computation_arguments(export)
    export.add_argument("--out", required=True, metavar="DIR", help="the folder to create")
    export.add_argument("--force", action="store_true", help="replace DIR if it exists and is not empty")
    export.add_argument("--tiles", type=block_sizes, metavar="BR,BC",
                        help="also write tiles.json: every head computed as FlashAttention does, in tiles of "
                        "BR queries × BC keys (each 1 to the number of tokens)")
    export.add_argument("--decode", action="store_true",
                        help="also write decode.json and decode.npz: the sentence generated one token at a time, "
                        "with the KV cache and the row computed at each step")

    screenshot = commands.add_parser("screenshot", help="render the main window at one step to a PNG",
                                     description="Render the real main window offscreen and save it as PNG.")
    add_computation_arguments(screenshot)
    screenshot.add_argument("--step", choices=LESSON_KEYS, metavar="STEP",
                            help=f"the step to show: {' '.join(LESSON_KEYS)} (needed for the steps tab)")
    screenshot.add_argument("--tab", choices=SCREENSHOT_TABS, default="steps",
                            help=f"the tab to show: {', '.join(SCREENSHOT_TABS)} (default steps); tiles and "
                            "generate are shown at their last tile or token unless --position says")
    screenshot.add_argument("--position", type=position_number, metavar="N",
                            help="with --tab tiles or generate: the tile or token to show (1-based)")
    screenshot.add_argument("--language", choices=("en", "zh_CN"), default="en",
                            help="the language of the window: en (default) or zh_CN")
    screenshot.add_argument("--out", required=True, metavar="FILE.png", help="the PNG file to write")
    screenshot.add_argument("--size", default="1280x800", metavar="WxH", help="window size (default 1280x800)")
    screenshot.add_argument("--head", type=head_number, default=None, metavar="N",
                            help="show head N (1-based) large; default: all heads side by side")
    screenshot.add_argument("--cell", type=cell_position, metavar="ROW,COL",
                            help="point at cell ROW,COL (1-based) of the step's result (of --head): the picture "
                            "shows the cells it is computed from lit and its arithmetic")
    compare_command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "export":
            return run_export(args)
        if args.command == "compare":
            return compare_command.run(args)
        if args.command == "screenshot":
            return run_screenshot(args)
        from attention_stepper.gui.app import main as run_app

        return run_app()
    except UsageError as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Stopped as stopped:
        return 128 + stopped.signum


if __name__ == "__main__":
    sys.exit(main())
