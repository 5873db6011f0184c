"""``attention-stepper screenshot``: the real main window, rendered offscreen to a PNG."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from .arguments import computation_from, parse_size
from .usage_error import UsageError

#: What Qt's offscreen platform says whenever a window with a minimum or maximum size is shown.
OFFSCREEN_SIZE_HINTS_WARNING = "This plugin does not support propagateSizeHints()"


def quiet_offscreen_size_hints() -> Callable | None:
    """Drop the offscreen platform's size-hints warning; pass every other Qt message on as before.

    Offscreen there is no window manager to hand size hints to, so the warning (printed once per
    window shown) is no news to someone asking for a picture, and reads like a fault. Returns the
    handler it replaced (None for Qt's own), so a test can put it back.
    """
    from PySide6.QtCore import qFormatLogMessage, qInstallMessageHandler

    previous = None

    def handler(mode, context, message):
        if message == OFFSCREEN_SIZE_HINTS_WARNING:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(qFormatLogMessage(mode, context, message), file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    return previous


def check_out(out: str) -> None:
    """Refuse an ``--out`` that names no file: empty (not the current folder), or a folder or a link to one.

    Writing over a symbolic link to a folder used to replace the link itself
    with the picture; a link to a file is written through (the link stays).
    """
    if not out:
        raise UsageError("--out is empty; give the PNG file to write, such as window.png")
    if os.path.isdir(out):
        what = "a symbolic link to a folder" if os.path.islink(out) else "a folder"
        raise UsageError(f"--out {out} is {what}; give the PNG file to write, such as "
                         f"{os.path.join(out, 'window.png')}")


def run_screenshot(args) -> int:
    """Check the flags, build the window offscreen at the asked step or tab, save it as PNG."""
    check_out(args.out)
    width, height = parse_size(args.size)
    computation = computation_from(args)
    parameters = computation.parameters
    if args.position is not None and args.tab not in ("tiles", "generate"):
        raise UsageError("--position is for --tab tiles or --tab generate")
    if args.step is None and args.tab == "steps":
        raise UsageError("the steps tab needs --step STEP, the step to show")
    shown = [step.key for step in computation.steps]
    if args.step is not None and args.step not in shown and parameters.checkpoint is not None:
        raise UsageError(f"layer {parameters.layer} of {args.checkpoint} has no {args.step} step; its steps are "
                         f"{' '.join(shown)}")
    if args.step is not None and args.step not in shown:
        option = {"mask": "--causal, --window or padding tokens", "rope": "--rope", "repeat_kv": "--kv-heads",
                  "position_bias": "--alibi"}[args.step]
        raise UsageError(f"the {args.step} step exists only with {option}")
    if args.head is not None and not 1 <= args.head <= parameters.heads:
        raise UsageError(f"--head must be from 1 to {parameters.heads} (the number of heads); got {args.head}")
    cell = getattr(args, "cell", None)
    if cell is not None:
        check_cell(computation, args.tab, args.step, cell)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from .fonts import apply_app_font
    from .i18n import install_language
    from .main_window import MainWindow
    from .model import AttentionModel

    quiet_offscreen_size_hints()
    app = QApplication.instance() or QApplication([])
    apply_app_font(app)
    install_language(args.language)
    weights = computation.weights if args.weights else None
    model = AttentionModel(parameters, weights)
    if args.step is not None:
        model.go_to(args.step)
    model.set_head(None if args.head is None else args.head - 1)
    window = MainWindow(model)
    window.resize(width, height)
    page = window.tab_pages[args.tab]
    window.tabs.setCurrentWidget(page)
    window.show()
    app.processEvents()
    if cell is not None:
        point_at(window, *cell)
    if args.tab in ("tiles", "generate"):
        page.last()  # by default the whole computation done: every tile, or the whole sentence generated
        if args.position is not None:
            count = page.position() + 1
            if not 1 <= args.position <= count:
                window.close()
                raise UsageError(f"--position must be from 1 to {count} (the number of "
                                 f"{'tiles' if args.tab == 'tiles' else 'tokens'}); got {args.position}")
            page.go_to(args.position - 1)
        app.processEvents()
    _wait_for_workers(window, app)
    try:
        path = window.exporter.save_window_png(args.out, window)
    except OSError as error:
        raise UsageError(f"cannot write {args.out}: {error.strerror or error}") from None
    finally:
        window.close()
    shown = f"step {args.step}" if args.tab == "steps" else f"tab {args.tab}"
    print(f"wrote {path} ({width}x{height}, {shown})")
    return 0


def check_cell(computation, tab: str, step: str | None, cell: tuple[int, int]) -> None:
    """Refuse a --cell that is not a cell of the step's result (1-based), or given for another tab."""
    if tab != "steps":
        raise UsageError("--cell is for the steps tab (--step STEP)")
    key = next(s for s in computation.steps if s.key == step).outputs[0]
    rows, columns = computation.matrix(key, 0 if computation.is_per_head(key) else None).shape
    if not (cell[0] <= rows and cell[1] <= columns):
        raise UsageError(f"--cell must be within the {step} step's result, {rows}×{columns} (rows 1 to {rows}, "
                         f"columns 1 to {columns}); got {cell[0]},{cell[1]}")


def point_at(window, row: int, column: int) -> None:
    """Select cell (row, column) (1-based) of the step's result panel, as a click does: its sources light up."""
    window.step_view.result_panel().select_cell(row - 1, column - 1)


def _wait_for_workers(window, app) -> None:
    """A picture shows finished views: wait for what the tabs compute on their workers (large sizes)."""
    from .worker import ComputeWorker

    while True:
        app.processEvents()
        running = [worker for worker in window.findChildren(ComputeWorker) if worker.is_running()]
        if window.model.worker.is_running():
            running.append(window.model.worker)
        if not running:
            break
        for worker in running:
            worker.wait()
    app.processEvents()
