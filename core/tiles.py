"""FlashAttention's order of work: one head's attention tile by tile, never holding the n × m scores.

Algorithm 1 of Dao et al. (2022), forward pass. The queries are cut into
blocks of B_r rows and the keys into blocks of B_c; for each query block the
key blocks are walked in turn. Each tile of scores is used once and thrown
away: a running row maximum m and a running sum ℓ of exponentials are kept
per query, and the partial output O is rescaled by e^(m_old − m_new) every
time a larger score appears, so that at the end O / ℓ is exactly softmax(S) V.

The numbers agree with the ordinary pass to round-off (~1e-16); the tiles a
mask hides entirely (above the diagonal with the causal mask, outside a
sliding window) are skipped, as the real kernels skip them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .attention import scale_scores
from .variants import alibi_bias, alibi_slopes, apply_mask, visible_keys

if TYPE_CHECKING:
    from .computation import Computation


def online_softmax_step(m: np.ndarray, l: np.ndarray, o: np.ndarray, scores_tile: np.ndarray,
                        v_tile: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fold one tile into the running (m, ℓ, O) of its query rows: returns (m, ℓ, O, rescale).

    m_new = max(m, rowmax(S)), rescale = e^(m − m_new), P = e^(S − m_new),
    ℓ_new = rescale·ℓ + rowsum(P), O_new = rescale·O + P V. A row that has seen
    no visible key yet keeps m = −∞, ℓ = 0 and O = 0.
    """
    fold = _fold(m, l, o, scores_tile, v_tile)
    return fold.m, fold.l, fold.o, fold.rescale


@dataclass(frozen=True, eq=False)
class _Fold:
    """Everything one step of the online softmax computes, for the view to show each piece."""

    m: np.ndarray
    l: np.ndarray
    o: np.ndarray
    rescale: np.ndarray
    p: np.ndarray  # P̃ = e^(S − m_new), the tile's exponentials
    p_sum: np.ndarray  # rowsum(P̃)
    pv: np.ndarray  # P̃ V


def _fold(m: np.ndarray, l: np.ndarray, o: np.ndarray, scores_tile: np.ndarray, v_tile: np.ndarray) -> _Fold:
    m_new = np.maximum(m, scores_tile.max(axis=1))
    shift = np.where(m_new == -np.inf, 0.0, m_new)  # nothing visible yet: e^(−∞ − 0) = 0, not e^(nan)
    rescale = np.exp(m - shift)
    p = np.exp(scores_tile - shift[:, None])
    p_sum, pv = p.sum(axis=1), p @ v_tile
    return _Fold(m_new, rescale * l + p_sum, rescale[:, None] * o + pv, rescale, p, p_sum, pv)


@dataclass(frozen=True, eq=False)
class Tile:
    """One tile: query rows [row_start, row_stop) against keys [column_start, column_stop).

    ``skipped`` tiles were never computed (every score hidden by the mask) and
    hold no arrays. Otherwise ``scores`` is the tile of logits (scaled, biased,
    masked), ``m_old``/``m`` and ``l_old``/``l`` the running max and sum before
    and after it, ``rescale`` = e^(m_old − m) and ``o`` the partial output after it.
    The pieces in between, for a view to show: ``o_old`` the partial output
    before it, ``p`` = P̃ = e^(S − m), ``p_sum`` = rowsum(P̃) and ``pv`` = P̃ V, so
    that ``l`` = rescale·``l_old`` + ``p_sum`` and ``o`` = rescale·``o_old`` + ``pv``.
    """

    query_block: int
    key_block: int
    row_start: int
    row_stop: int
    column_start: int
    column_stop: int
    skipped: bool
    scores: np.ndarray | None = None
    m_old: np.ndarray | None = None
    m: np.ndarray | None = None
    l_old: np.ndarray | None = None
    l: np.ndarray | None = None
    rescale: np.ndarray | None = None
    o: np.ndarray | None = None
    o_old: np.ndarray | None = None
    p: np.ndarray | None = None
    p_sum: np.ndarray | None = None
    pv: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class TiledAttention:
    """One head's attention computed tile by tile: every tile, and the result O / ℓ (n, d_v)."""

    head: int
    block_rows: int
    block_columns: int
    tiles: tuple[Tile, ...]
    output: np.ndarray
    row_max: np.ndarray
    row_sum: np.ndarray

    @property
    def tile_bytes(self) -> int:
        """The most memory the scores took at once: one tile of B_r × B_c float64 numbers."""
        return self.block_rows * self.block_columns * 8

    @property
    def full_bytes(self) -> int:
        """What the whole n × m matrix of scores would take."""
        return self.output.shape[0] * self.tiles[-1].column_stop * 8 if self.tiles else 0

    @property
    def computed(self) -> int:
        return sum(not tile.skipped for tile in self.tiles)

    @property
    def skipped(self) -> int:
        """How many tiles the mask hid entirely, never computed."""
        return sum(tile.skipped for tile in self.tiles)


def _blocks(length: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, length)) for start in range(0, length, size)]


def tiled_attention(computation: Computation, head: int, block_rows: int, block_columns: int) -> TiledAttention:
    """Head ``head`` (0-based) of ``computation`` by FlashAttention's tiles of B_r × B_c (each 1…n).

    Starts from the same queries, keys and values as the ordinary pass (after
    RoPE, with the head's shared key/value head), and applies the same scale,
    ALiBi bias and masks, tile by tile.
    """
    p, trace = computation.parameters, computation.trace
    queries = trace["q_rotated" if "q_rotated" in trace else "q"][head]
    shared = head // (p.heads // p.kv_head_count)
    keys = trace["k_rotated" if "k_rotated" in trace else "k"][shared]
    values = trace["v"][shared]
    n, m = len(queries), len(keys)
    for name, size, most in (("B_r", block_rows, n), ("B_c", block_columns, m)):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 1 <= size <= most:
            raise ValueError(f"{name} must be a whole number from 1 to {most}; got {size!r}")
    padding = computation.padding
    slopes = alibi_slopes(p.heads)[head:head + 1] if p.alibi else None
    tiles, outputs, maxima, sums = [], [], [], []
    for query_block, (row_start, row_stop) in enumerate(_blocks(n, block_rows)):
        rows = row_stop - row_start
        m_run, l_run, o_run = np.full(rows, -np.inf), np.zeros(rows), np.zeros((rows, values.shape[1]))
        for key_block, (column_start, column_stop) in enumerate(_blocks(m, block_columns)):
            visible = visible_keys(rows, column_stop - column_start, p.causal, p.window,
                                   padding[column_start:column_stop], row_start, column_start)
            place = (query_block, key_block, row_start, row_stop, column_start, column_stop)
            if not visible.any():
                tiles.append(Tile(*place, skipped=True))
                continue
            scores = queries[row_start:row_stop] @ keys[column_start:column_stop].T
            if p.skip_scaling:
                scores = scores * 1.0
            elif p.scale is None:
                scores = scale_scores(scores, p.d_k)
            else:
                scores = scores * p.scale
            if slopes is not None:
                scores = scores + alibi_bias(slopes, rows, column_stop - column_start, row_start, column_start)[0]
            scores = apply_mask(scores, visible)
            m_old, l_old, o_old = m_run, l_run, o_run
            fold = _fold(m_run, l_run, o_run, scores, values[column_start:column_stop])
            m_run, l_run, o_run = fold.m, fold.l, fold.o
            tiles.append(Tile(*place, skipped=False, scores=scores, m_old=m_old, m=m_run, l_old=l_old, l=l_run,
                              rescale=fold.rescale, o=o_run, o_old=o_old, p=fold.p, p_sum=fold.p_sum, pv=fold.pv))
        outputs.append(np.divide(o_run, l_run[:, None], out=np.zeros_like(o_run), where=l_run[:, None] > 0))
        maxima.append(m_run)
        sums.append(l_run)
    return TiledAttention(head, block_rows, block_columns, tuple(tiles), np.concatenate(outputs),
                          np.concatenate(maxima), np.concatenate(sums))


@dataclass(frozen=True, eq=False)
class TileState:
    """The running m, ℓ and O of a tile's query rows once that tile is done (skipped tiles change nothing).

    ``finished`` is O / ℓ, those rows of the result, when the tile is the last
    of its query block, and None before.
    """

    m: np.ndarray
    l: np.ndarray
    o: np.ndarray
    finished: np.ndarray | None


def state_after(tiled: TiledAttention, index: int) -> TileState:
    """What the kernel holds for tile ``index``'s query rows after it (0-based, in the order they are walked)."""
    tile = tiled.tiles[index]
    done = [earlier for earlier in tiled.tiles[:index + 1]
            if earlier.query_block == tile.query_block and not earlier.skipped]
    rows = tile.row_stop - tile.row_start
    if done:
        m, l, o = done[-1].m, done[-1].l, done[-1].o
    else:  # no key of the block visible yet: the starting values
        m, l, o = np.full(rows, -np.inf), np.zeros(rows), np.zeros((rows, tiled.output.shape[1]))
    last = index + 1 == len(tiled.tiles) or tiled.tiles[index + 1].query_block != tile.query_block
    return TileState(m, l, o, tiled.output[tile.row_start:tile.row_stop] if last else None)


def difference_from_full_pass(computation: Computation, tiled: TiledAttention) -> float:
    """max |O / ℓ − head_output| against the ordinary pass of the same head (round-off: ~1e-16)."""
    full = computation.trace["head_output"][tiled.head]
    return float(np.abs(tiled.output - full).max()) if full.size else 0.0


def tiles_record(tiled: TiledAttention) -> dict:
    """The tiles as plain data for ``tiles.json``: each tile's place, m, ℓ and O (null when skipped)."""

    def numbers(array: np.ndarray | None) -> list | None:
        return None if array is None else np.where(np.isfinite(array), array, None).tolist()

    return {
        "head": tiled.head + 1,
        "block_rows": tiled.block_rows,
        "block_columns": tiled.block_columns,
        "tile_bytes": tiled.tile_bytes,
        "full_bytes": tiled.full_bytes,
        "tiles": [{"query_block": tile.query_block + 1, "key_block": tile.key_block + 1,
                   "rows": [tile.row_start, tile.row_stop], "columns": [tile.column_start, tile.column_stop],
                   "skipped": tile.skipped, "m": numbers(tile.m), "l": numbers(tile.l), "o": numbers(tile.o)}
                  for tile in tiled.tiles],
    }
