"""Shared helpers: interleaved timing, medians, a machine line and small tables.

These machines are shared and noisy, so every benchmark times the thing
and its baseline alternately in the same run and reports the median ratio;
an absolute time alone would mostly measure the neighbours.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable


def interleaved(candidate: Callable[[], object], baseline: Callable[[], object], repeats: int,
                warmup: int = 2, block: int = 1) -> tuple[list[float], list[float]]:
    """Time candidate and baseline alternately; return both lists of seconds.

    ``block`` calls of one side run back to back before the other side's turn (``block=1``: strict
    alternation). Blocks suit two libraries in one process: right after one library's call, its
    thread pool still spins on the other core and its code fills the caches, so the other library's
    next call pays for it; within a block each side mostly follows itself, as it would in a program
    that uses only one of them, and the blocks still alternate every few milliseconds, so a change
    in the machine's load reaches both sides alike.
    """
    for _ in range(warmup):
        candidate()
        baseline()
    ours, theirs = [], []
    for index in range(-(-repeats // block)):
        pair = [(candidate, ours), (baseline, theirs)]
        if index % 2:
            pair.reverse()  # neither side always runs first
        for function, times in pair:
            for _ in range(min(block, repeats - index * block)):
                start = time.perf_counter()
                function()
                times.append(time.perf_counter() - start)
    return ours, theirs


def median_ratio(ours: list[float], theirs: list[float]) -> float:
    return statistics.median(ours) / statistics.median(theirs)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            for line in stream:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def table(header: list[str], rows: list[list[object]]) -> str:
    cells = [header] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f}"
