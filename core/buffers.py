"""Memory for the n × n matrices of a forward pass, reused once nothing refers to the old ones.

A forward pass keeps every intermediate: each head's scores, scaled scores, masked scores and
weights (32 MB each at 512 tokens and 16 heads). Memory fresh from the operating system is zeroed
page by page the first time it is written, and here that cost more than the arithmetic: forward at
128 tokens, 8 heads, d_model 256 took 4.7 ms with fresh memory and 1.9 ms with reused memory
(measured on the development machine by letting the C allocator keep freed memory).

So the arrays of the last two forward passes are remembered, and the next pass writes into one of
them when it has the shape it needs and nothing else refers to it any more: not a trace, not a
panel showing it, not a view of it, not a variable. That is asked of CPython's reference count,
which counts exactly those; where it cannot be trusted (a free-threaded build) nothing is reused.
A weak reference is not counted: an array held only weakly may be written over (copy it instead).

Memory: a pass first lets go of remembered arrays of shapes it will not ask for (a new sentence
length, a small sentence after a long one), so a pass never holds more than the trace in use, the
one being made, and (between passes) the previous one. Passes larger than MAX_REMEMBERED_BYTES
are not remembered: near the size limits, holding a second trace would cost more than it saves.
"""

from __future__ import annotations

import math
import sys
import threading

import numpy as np

#: Smaller arrays come cheaply from the allocator's own free lists: not worth remembering.
MIN_BYTES = 1 << 18
#: How many forward passes' arrays are remembered (the current one and the one before).
GENERATIONS = 2
#: A pass whose large arrays add up to more than this is not remembered (512 tokens, 16 heads: 130 MB).
MAX_REMEMBERED_BYTES = 256 << 20

_lock = threading.Lock()
_generations: list[list[np.ndarray]] = []


def _references(generation: list[np.ndarray], index: int) -> int:
    """How many references the array at ``generation[index]`` has (the list's own included)."""
    return sys.getrefcount(generation[index])


#: The count an array has when only the remembered list refers to it (measured, not assumed).
_FREE = _references([np.empty(1)], 0)
_ENABLED = getattr(sys, "_is_gil_enabled", lambda: True)()


def empty(shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
    """Like ``np.empty``: a remembered array of this shape and dtype that nothing refers to, if any."""
    dtype = np.dtype(dtype)
    shape = tuple(int(size) for size in shape)
    if _ENABLED and math.prod(shape) * dtype.itemsize >= MIN_BYTES:  # a smaller one: not worth a search
        with _lock:
            for generation in _generations:
                for index in range(len(generation)):
                    if (generation[index].shape == shape and generation[index].dtype == dtype
                            and _references(generation, index) == _FREE):
                        array = generation.pop(index)
                        array.flags.writeable = True  # it owns its memory; the trace that froze it is gone
                        return array
    return np.empty(shape, dtype)


def keep_only(shapes: set[tuple[int, ...]]) -> None:
    """Let go of every remembered array whose shape is not in ``shapes`` (the ones a pass will ask for)."""
    if not _generations:
        return
    with _lock:
        for generation in _generations:
            generation[:] = [array for array in generation if array.shape in shapes]


def remember(arrays: list[np.ndarray]) -> None:
    """Remember one forward pass's large arrays; those of passes before the last are forgotten."""
    kept = [array for array in arrays if array.base is None and array.nbytes >= MIN_BYTES] if _ENABLED else []
    if sum(array.nbytes for array in kept) > MAX_REMEMBERED_BYTES:
        kept = []
    if not kept and not _generations:
        return
    with _lock:
        _generations.append(kept)
        del _generations[:-GENERATIONS]


def forget() -> None:
    """Let go of every remembered array (for tests, and to give memory back after a large sentence)."""
    with _lock:
        _generations.clear()


def remembered_bytes() -> int:
    with _lock:
        return sum(array.nbytes for generation in _generations for array in generation)
