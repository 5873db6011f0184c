"""Compare someone's attention implementation with the reference, step by step, and say what went wrong.

:func:`compare` takes a dump (see :mod:`.dumps`): the input x, the weights
and any of the user's intermediates under our trace names. It recomputes the
reference from x and the weights, measures every dumped step against it
(max absolute and relative error, the worst cell with its labels), finds the
first step that diverges, and then reruns the reference with each known
mistake of :mod:`.mistakes` that can happen in this configuration: the one
whose every step matches the dump is the diagnosis. ``"none"`` when nothing
diverges, ``"unknown"`` when no single mistake explains it.

Two conventions of real code are accepted as correct: scores or scaled
scores dumped after masking (a hidden cell holding −∞, −1e9 or anything at
least 1000 below the reference counts as masked), and, with ALiBi, the
scaled scores dumped with the bias already added.

>>> report = compare("dump.npz", causal=True, rope="half")       # doctest: +SKIP
>>> print(report.text())                                         # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .dump_layout import Dump, fit_dump, parameters_for
from .dumps import STEP_NAMES, DumpError, RawDump, read_dump
from .matrices import axis_labels, matrix_info
from .mistakes import MISTAKES, explanation, reference, run
from .parameters import Parameters
from .tokenize import tokenize, unique_labels

#: Tolerances: a cell matches when |yours − ours| ≤ atol + rtol·|ours|. They let float32 round-off pass.
DEFAULT_ATOL = 1e-5
DEFAULT_RTOL = 1e-5
#: A hidden score this far below the reference (and below −MASK_GAP) counts as masked by the user's code.
MASK_GAP = 1e3
#: The steps whose hidden cells the user's code may already have masked.
_MASKABLE = ("scores", "scaled")


@dataclass(frozen=True)
class Cell:
    """One cell of a step: ``head`` 0-based (None for whole matrices, -1 for one matrix given for all heads)."""

    head: int | None
    row: str
    column: str
    index: tuple[int, ...]
    yours: float
    ours: float

    def where(self, kv: bool = False) -> str:
        place = f"[{self.row}, {self.column}]"
        if self.head is None:
            return place
        if self.head < 0:
            return f"all heads {place}"
        return f"{'kv head' if kv else 'head'} {self.head + 1} {place}"


@dataclass(frozen=True)
class StepResult:
    """How one dumped step compares: the errors, the worst cell, how many cells are outside the tolerance."""

    step: str
    max_abs: float
    max_rel: float
    worst: Cell | None
    mismatched: int
    cells: int

    @property
    def matches(self) -> bool:
        return self.mismatched == 0


@dataclass(frozen=True, eq=False)
class Report:
    """The whole comparison: every dumped step, the first divergence and the diagnosis.

    ``yours`` and ``ours`` hold each step's two matrices in our layout (the
    user's as dumped, the reference's as it is compared with them) and
    ``difference(step)`` the cell-wise difference, for pictures.
    """

    source: str
    parameters: Parameters
    steps: tuple[StepResult, ...]
    first_divergence: str | None
    diagnosis: str
    also: tuple[str, ...]
    atol: float
    rtol: float
    tokens: int
    keys: int
    yours: Mapping[str, np.ndarray] = field(repr=False)
    ours: Mapping[str, np.ndarray] = field(repr=False)
    labels: Mapping[str, tuple[list[str], list[str]]] = field(repr=False)
    kv_steps: frozenset[str] = frozenset()
    hidden: np.ndarray | None = field(default=None, repr=False)

    @property
    def matches(self) -> bool:
        return self.first_divergence is None

    @property
    def explanation(self) -> tuple[str, str]:
        """(what the diagnosed mistake is, how to fix it)."""
        return explanation(self.diagnosis)

    def step(self, name: str) -> StepResult:
        return next(result for result in self.steps if result.step == name)

    def difference(self, name: str) -> np.ndarray:
        """yours − ours for one step (0 where both are −∞, or where your code masked a hidden score)."""
        return _difference(self.yours[name], self.ours[name], self._hidden(name))

    def _hidden(self, name: str) -> np.ndarray | None:
        return self.hidden if name in _MASKABLE else None

    def text(self) -> str:
        """The report as the command line prints it."""
        lines = [f"compare {self.source} with the reference: {describe(self.parameters, self.tokens, self.keys)} "
                 f"(atol {self.atol:g}, rtol {self.rtol:g})"]
        if not self.steps:
            lines.append("the dump holds none of the steps " + " ".join(STEP_NAMES) + "; nothing was compared")
        else:
            lines.append(f"{'step':<12} {'max abs error':>14} {'max rel error':>14}  {'worst cell':<24} "
                         f"{'yours':>12} {'ours':>12}")
        for result in self.steps:
            cell = result.worst
            where = cell.where(result.step in self.kv_steps) if cell else "-"
            values = f"{_value(cell.yours):>12} {_value(cell.ours):>12}" if cell else f"{'':>12} {'':>12}"
            verdict = "ok" if result.matches else f"DIFFERS ({result.mismatched} of {result.cells} cells)"
            lines.append(f"{result.step:<12} {_error(result.max_abs):>14} {_error(result.max_rel):>14}  "
                         f"{where:<24} {values}  {verdict}")
        lines.append(f"first divergence: {self.first_divergence}" if self.first_divergence else "all steps match")
        lines.append(f"diagnosis: {self.diagnosis}")
        what, fix = self.explanation
        lines.append(f"  {what}")
        if self.diagnosis != "none":
            lines.append(f"  Fix: {fix}")
        if self.also:
            lines.append(f"  (also consistent with: {', '.join(self.also)})")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        """The report as plain JSON-ready values (non-finite numbers as the strings "inf", "-inf", "nan")."""
        p = self.parameters
        what, fix = self.explanation
        return {
            "dump": self.source,
            "configuration": {name: getattr(p, name) for name in (
                "heads", "kv_heads", "d_model", "d_k", "d_v", "bias", "causal", "window", "rope", "rope_base",
                "alibi", "scale", "skip_scaling", "precision")} | {"scale_factor": p.scale_factor,
                                                                    "cross_attention": p.memory is not None},
            "tokens": self.tokens,
            "keys": self.keys,
            "atol": self.atol,
            "rtol": self.rtol,
            "steps": [{
                "step": result.step,
                "max_abs_error": _number(result.max_abs),
                "max_rel_error": _number(result.max_rel),
                "matches": result.matches,
                "mismatched_cells": result.mismatched,
                "cells": result.cells,
                "worst_cell": None if result.worst is None else {
                    "head": None if result.worst.head is None else ("all" if result.worst.head < 0
                                                                      else result.worst.head + 1),
                    "row": result.worst.row, "column": result.worst.column, "index": list(result.worst.index),
                    "yours": _number(result.worst.yours), "ours": _number(result.worst.ours)},
            } for result in self.steps],
            "first_divergence": self.first_divergence,
            "diagnosis": self.diagnosis,
            "also_consistent_with": list(self.also),
            "what": what,
            "fix": fix,
            "matches": self.matches,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)


def compare(dump: str | os.PathLike | Mapping[str, object] | RawDump, parameters: Parameters | None = None, *,
            atol: float = DEFAULT_ATOL, rtol: float = DEFAULT_RTOL, layout: str | None = None,
            **configuration: object) -> Report:
    """Compare a dump with the reference; see the module docstring. DumpError (a ValueError) for a bad dump.

    ``parameters`` gives the switches (causal, rope, window…) and, for weights
    in PyTorch's or HF's layout, the heads; the sizes the weights record win.
    ``configuration`` keywords are Parameters fields that must hold
    (``causal=True``); with neither, the dump's ``config.json`` or the defaults
    apply. ``layout`` ("bhsd" or "bshd") for per-head arrays whose shape fits both.
    """
    for name, value in (("atol", atol), ("rtol", rtol)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
            raise DumpError(f"{name} must be a number from 0 up; got {value!r}")
    raw = read_dump(dump)
    p = parameters_for(raw, parameters, configuration)
    fitted = fit_dump(raw, p, layout)
    return _compare(fitted, p, float(atol), float(rtol))


def assert_matches_reference(dump: str | os.PathLike | Mapping[str, object] | RawDump,
                             parameters: Parameters | None = None, **options: object) -> Report:
    """:func:`compare`, raising AssertionError with the report's text unless every step matches (for pytest)."""
    report = compare(dump, parameters, **options)
    if not report.matches:
        raise AssertionError(report.text())
    return report


def _compare(dump: Dump, p: Parameters, atol: float, rtol: float) -> Report:
    ours = reference(dump.x, dump.weights, p, dump.memory)
    results, aligned = [], {}
    labels = _all_labels(dump, p)
    for name, theirs in dump.steps.items():
        target = _best(name, theirs, ours, atol, rtol)
        aligned[name] = target
        results.append(_measure(name, theirs, target, ours.get("visible"), atol, rtol, labels[name]))
    first = next((result.step for result in results if not result.matches), None)
    matching = [] if first is None else _explaining(dump, p, atol, rtol)
    diagnosis = "none" if first is None else (matching[0] if matching else "unknown")
    kv_steps = frozenset(name for name, array in dump.steps.items()
                         if name in ("k", "v", "k_rotated") and dump.weights.kv_heads < dump.weights.heads
                         and array.shape[0] == dump.weights.kv_heads)
    return Report(dump.source, p, tuple(results), first, diagnosis, tuple(matching[1:]), atol, rtol, len(dump.x),
                  dump.keys, dict(dump.steps), aligned, labels, kv_steps,
                  None if "visible" not in ours else ~ours["visible"])


def _explaining(dump: Dump, p: Parameters, atol: float, rtol: float) -> list[str]:
    """The names of the mistakes one of whose variants matches every dumped step."""
    names = []
    n, m = len(dump.x), dump.keys
    for mistake in MISTAKES:
        for stages in mistake.variants(p, dump.weights, n, m):
            trace = run(dump.x, dump.weights, p, dump.memory, stages)
            if all(_matches(name, theirs, trace, atol, rtol) for name, theirs in dump.steps.items()):
                names.append(mistake.name)
                break
    return names


def _candidates(name: str, theirs: np.ndarray, trace: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    """What the user's ``name`` may be compared with: k and v after repeating the key/value heads when they have
    as many heads as the queries; with ALiBi the scaled scores with or without the bias."""
    shared = {"k": "k_shared", "v": "v_shared", "k_rotated": "k_rotated_shared"}
    if name in shared and trace[name].shape[0] != theirs.shape[0] and theirs.shape[0] != 1:
        return [trace[shared[name]]]
    if name == "scaled" and "biased" in trace:
        return [trace["scaled"], trace["biased"]]
    return [trace[name]]


def _best(name: str, theirs: np.ndarray, trace: Mapping[str, np.ndarray], atol: float, rtol: float) -> np.ndarray:
    options = _candidates(name, theirs, trace)
    hidden = _hidden_of(name, trace)
    return min(options, key=lambda target: int((~_within(theirs, target, atol, rtol, hidden)).sum()))


def _matches(name: str, theirs: np.ndarray, trace: Mapping[str, np.ndarray], atol: float, rtol: float) -> bool:
    hidden = _hidden_of(name, trace)
    return any(_within(theirs, target, atol, rtol, hidden).all() for target in _candidates(name, theirs, trace))


def _hidden_of(name: str, trace: Mapping[str, np.ndarray]) -> np.ndarray | None:
    return ~trace["visible"] if name in _MASKABLE and "visible" in trace else None


def _gaps(theirs: np.ndarray, ours: np.ndarray, hidden: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """|yours − ours| per cell (0 where both agree exactly, ∞ where one is NaN), and the broadcast reference."""
    theirs, ours = np.broadcast_arrays(theirs, np.asarray(ours, dtype=np.float64))
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.abs(theirs - ours)
    gap[(theirs == ours) | (np.isnan(theirs) & np.isnan(ours))] = 0.0
    gap[np.isnan(gap)] = np.inf
    if hidden is not None:
        with np.errstate(invalid="ignore"):
            masked = np.broadcast_to(hidden, theirs.shape) & (theirs <= np.minimum(-MASK_GAP, ours - MASK_GAP))
        gap[masked] = 0.0
    return gap, ours


def _within(theirs: np.ndarray, ours: np.ndarray, atol: float, rtol: float,
            hidden: np.ndarray | None) -> np.ndarray:
    gap, ours = _gaps(theirs, ours, hidden)
    with np.errstate(invalid="ignore", over="ignore"):
        return (gap == 0) | (np.isfinite(gap) & (gap <= atol + rtol * np.abs(ours)))


def _difference(theirs: np.ndarray, ours: np.ndarray, hidden: np.ndarray | None) -> np.ndarray:
    gap, ours_b = _gaps(theirs, ours, hidden)
    with np.errstate(invalid="ignore", over="ignore"):
        difference = np.broadcast_to(theirs, gap.shape) - ours_b
    return np.where(gap == 0, 0.0, difference)


def _measure(name: str, theirs: np.ndarray, ours: np.ndarray, visible: np.ndarray | None, atol: float,
             rtol: float, labels: tuple[list[str], list[str]]) -> StepResult:
    hidden = None if visible is None or name not in _MASKABLE else ~visible
    gap, ours_b = _gaps(theirs, ours, hidden)
    within = _within(theirs, ours, atol, rtol, hidden)
    if gap.size == 0:
        return StepResult(name, 0.0, 0.0, None, 0, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where((ours_b != 0) & np.isfinite(ours_b), gap / np.abs(ours_b), 0.0)
    outside = ~within
    pool = np.where(outside, gap, -1.0) if outside.any() else gap
    index = np.unravel_index(int(np.argmax(pool)), gap.shape)
    yours = np.broadcast_to(theirs, gap.shape)
    rows, columns = labels
    head = None if gap.ndim == 2 else (-1 if theirs.shape[0] == 1 and gap.shape[0] > 1 else int(index[0]))
    cell = Cell(head, rows[index[-2]], columns[index[-1]], tuple(int(i) for i in index), float(yours[index]),
                float(ours_b[index]))
    return StepResult(name, float(gap.max()), float(relative.max()), cell, int(outside.sum()), int(gap.size))


def _all_labels(dump: Dump, p: Parameters) -> dict[str, tuple[list[str], list[str]]]:
    """Row and column labels of every dumped step: tokens (from config.json's sentence when it fits) and widths."""
    n, m = len(dump.x), dump.keys
    tokens = _token_labels((dump.config or {}).get("sentence"), p.tokenizer, n, "t")
    if dump.memory is None:
        keys = tokens
    else:
        keys = _token_labels(p.memory or None, p.tokenizer, m, "m")
    sizes = p.sizes(n, m)
    labels = {}
    for name in dump.steps:
        matrix = matrix_info(name)
        labels[name] = (axis_labels(matrix.rows, sizes, tokens, keys), axis_labels(matrix.columns, sizes, tokens, keys))
    return labels


def _token_labels(sentence: object, tokenizer: str, count: int, prefix: str) -> list[str]:
    if isinstance(sentence, str):
        try:
            tokens = tokenize(sentence, tokenizer)
        except ValueError:
            tokens = []
        if len(tokens) == count:
            return unique_labels(list(tokens))
    return [f"{prefix}{i + 1}" for i in range(count)]


def describe(p: Parameters, tokens: int, keys: int) -> str:
    """The configuration in a few words: "4 tokens, heads 2, d_model 8, d_k 4, d_v 4, causal, RoPE half"."""
    parts = [f"{tokens} tokens", f"heads {p.heads}"]
    if p.kv_head_count != p.heads:
        parts.append(f"kv_heads {p.kv_head_count}")
    parts += [f"d_model {p.d_model}", f"d_k {p.d_k}", f"d_v {p.value_dim}"]
    if p.memory is not None:
        parts.append(f"cross-attention ({keys} memory tokens)")
    parts += [text for flag, text in ((p.bias, "biases"), (p.causal, "causal"),
                                      (p.window is not None, f"window {p.window}"),
                                      (p.rope, f"RoPE {p.rope} (base {p.rope_base:g})"), (p.alibi, "ALiBi"))
              if flag]
    if p.skip_scaling:
        parts.append("unscaled")
    elif p.scale is not None:
        parts.append(f"scale {p.scale:g}")
    if p.precision != "float64":
        parts.append(p.precision)
    return ", ".join(parts)


def _error(value: float) -> str:
    return "0" if value == 0 else f"{value:.3g}"


def _value(value: float) -> str:
    return f"{value:.6g}"


def _number(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)
