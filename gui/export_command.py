"""``attention-stepper export``: every matrix of one computation written to a new folder.

Runs the core alone and never imports Qt. SIGTERM and SIGHUP unwind like
Ctrl-C, so the half-written temporary folder of a large export is removed
before the process ends.
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .arguments import computation_from
from .usage_error import UsageError


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl-C (temporaries are removed on the way), exit 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextmanager
def stop_cleanly_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Stopped`, as Python turns SIGINT into KeyboardInterrupt.

    Their default action ends the process on the spot and leaves a
    ``.NAME.*.part`` folder of a large export behind; raised as an exception,
    the export's clean-up runs first. After the first signal further ones are
    ignored so they cannot cut the clean-up short. Only the export command
    installs this (in the main thread), and the earlier handlers come back after.
    """
    signals = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        for number in signals:
            signal.signal(number, signal.SIG_IGN)
        raise Stopped(signum)

    previous = {number: signal.signal(number, stop) for number in signals}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_export(args: argparse.Namespace) -> int:
    """Compute, write the folder (whole or not at all), print what was written; UsageError for what cannot be."""
    from attention_stepper.core.export import export_computation
    from attention_stepper.core.files import LeftBehindError

    if not args.out:
        raise UsageError("--out is empty; give the folder to create (an empty path is not the current folder)")
    with stop_cleanly_on_signals():
        computation = computation_from(args)
        try:
            folder = export_computation(computation, args.out, force=args.force, tiles=args.tiles,
                                        decode=args.decode)
        except ValueError as error:  # block sizes too large for the sentence, decoding with a memory
            raise UsageError(str(error)) from None
        except FileExistsError as error:
            raise UsageError(str(error)) from None
        except LeftBehindError as error:
            raise UsageError(f"cannot write {args.out}: {error.strerror or error}; {error.note()}") from None
        except OSError as error:
            raise UsageError(f"cannot write {args.out}: {error.strerror or error}") from None
    count = sum(1 for _ in folder.glob("*.csv"))
    files = ["manifest.json", "matrices.npz", "weights.npz"]
    files += [name for name in ("weights_torch.npz", "tiles.json", "decode.json", "decode.npz")
              if (folder / name).exists()]
    print(f"wrote {count} CSV files, {', '.join(files[:-1])} and {files[-1]} to {folder}")
    return 0
