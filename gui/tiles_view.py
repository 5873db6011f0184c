"""Online softmax (FlashAttention): one head's attention computed tile by tile, beside the usual pass.

For the chosen head and block sizes B_r × B_c, each tile shows its scores,
P = e^(S − m), the running row maximum m and sum ℓ before and after it, the
rescale factor e^(m_old − m_new), and the partial output O being rescaled
and accumulated; at the end of a query block, O / ℓ. The usual pass's
scores (or weights) and head_output sit beside them, the current tile
outlined and the tiles the mask skips crossed out. Every number comes from
core.tiles; this file only lays them out and words them.
"""

from __future__ import annotations

import functools
import html
import math

import numpy as np
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtCore import QSignalBlocker, Qt

from attention_stepper.core.computation import Computation
from attention_stepper.core.formulas import subscript
from attention_stepper.core.tiles import (
    Tile,
    TiledAttention,
    TileState,
    difference_from_full_pass,
    state_after,
    tiled_attention,
)

from .heatmap import MatrixPanel
from .i18n import Retranslating
from .lazy import RefreshWhenShown
from .model import AttentionModel, Change
from .worker import ComputeWorker
from .walker import CHECK_STYLE, WalkedView, Walker

#: The queries of a tile explained one by one, at most (the rest: "… and N more").
MAX_EXPLAINED_ROWS = 6
#: More tiles than this are computed on the view's own worker thread (256 tokens with B = 1 are
#: 65,536 tiles, seconds of Python): the window stays live and the last tiles stay shown meanwhile.
MAX_TILES_AT_ONCE = 2048
#: Beyond this many skipped tiles, the skipped tiles of a query block side by side are crossed out as one.
MAX_SKIPPED_MARKS = 256
#: The block sizes a new view starts with (cut to the sentence).
DEFAULT_BLOCK = 2
TILE_PANELS = ("scores", "p", "statistics", "o_old", "pv", "o", "finished")
TEXTBOOK_PANELS = ("full", "head_output")


def number(value: float) -> str:
    """A number in an explanation: four significant digits, a real minus sign, −∞."""
    if math.isinf(value):
        return "−∞" if value < 0 else "∞"
    return f"{value:.4g}".replace("-", "−")


def difference(first: float, second: float) -> str:
    """"a − b" as an exponent is written, with a negative b in brackets."""
    text = number(second)
    return f"{number(first)} − {f'({text})' if second < 0 else text}"


def tokens(labels: list[str]) -> str:
    """Tokens in a sentence of the explanation: each in italics, separated by commas (HTML)."""
    return ", ".join(f"<i>{html.escape(label)}</i>" for label in labels)


def logits_key(computation: Computation) -> str:
    """The trace's last matrix before softmax: what the tiles hold (scaled, biased, masked)."""
    return next(key for key in ("masked", "biased", "scaled") if key in computation.trace)


def skipped_marks(tiled: TiledAttention) -> list[tuple[int, int, int, int]]:
    """The skipped tiles as rectangles (row, column, rows, columns); merged along each query block when many."""
    skipped = [tile for tile in tiled.tiles if tile.skipped]
    marks = [(t.row_start, t.column_start, t.row_stop - t.row_start, t.column_stop - t.column_start) for t in skipped]
    if len(marks) <= MAX_SKIPPED_MARKS:
        return marks
    merged: list[list[int]] = []
    previous = None
    for tile in skipped:
        if previous is not None and previous.query_block == tile.query_block and \
                previous.key_block + 1 == tile.key_block:
            merged[-1][3] = tile.column_stop - merged[-1][1]
        else:
            merged.append([tile.row_start, tile.column_start, tile.row_stop - tile.row_start,
                           tile.column_stop - tile.column_start])
        previous = tile
    return [tuple(mark) for mark in merged]


class TilesView(WalkedView, RefreshWhenShown, Retranslating, QWidget):
    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._tiled: TiledAttention | None = None
        self._tiled_for: tuple | None = None  # (computation, head, B_r, B_c) the tiles were computed for
        self._model_head = model.head
        self.worker = ComputeWorker(self)
        self.worker.finished.connect(self._tiles_arrived)
        self.worker.failed.connect(self._tiles_failed)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.head = QSpinBox(self)
        self.block_rows = QSpinBox(self)
        self.block_columns = QSpinBox(self)
        self.head_label, self.rows_label, self.columns_label = QLabel(self), QLabel(self), QLabel(self)
        for label, box in ((self.head_label, self.head), (self.rows_label, self.block_rows),
                           (self.columns_label, self.block_columns)):
            label.setBuddy(box)
            box.setMinimum(1)
        self.block_rows.setValue(DEFAULT_BLOCK)
        self.block_columns.setValue(DEFAULT_BLOCK)
        self.walker = Walker(self, seconds=1.0)
        self.position_label = QLabel(self)
        # Its text is as long as the block sizes make it: it may be cut rather than widen the window.
        self.position_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top = QHBoxLayout()
        for widget in (self.head_label, self.head, self.rows_label, self.block_rows, self.columns_label,
                       self.block_columns):
            top.addWidget(widget)
        top.addSpacing(12)
        top.addWidget(self.walker)
        top.addWidget(self.position_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(top)
        self.head.valueChanged.connect(self._head_chosen)
        for box in (self.block_rows, self.block_columns):
            box.valueChanged.connect(self._sizes_chosen)
        self.walker.moved.connect(self.mark_stale)
        self._listen(model)
        self._follow_model()
        self.retranslate()

    def _listen(self, model: AttentionModel) -> None:
        """Every notification of the model goes to one method (it works out what changed itself)."""
        model.changed.connect(self._model_changed)

    # --- for tests and the window ------------------------------------------------------
    def tiled(self) -> TiledAttention:
        """The tiles for the current model, head and block sizes."""
        self.ensure_fresh()
        return self._tiled

    def set_sizes(self, block_rows: int, block_columns: int) -> None:
        self.block_rows.setValue(block_rows)
        self.block_columns.setValue(block_columns)

    # --- following the model and the choices -------------------------------------------
    def _model_changed(self, change: Change) -> None:
        if change.computation or change.head:
            self._follow_model()

    def _follow_model(self, *_signal_args) -> None:
        """Keep the spin boxes within the new sizes; follow a head chosen in the Steps tab."""
        computation = self.model.computation
        limits = ((self.head, computation.parameters.heads), (self.block_rows, len(computation.tokens)),
                  (self.block_columns, len(computation.key_labels)))
        for box, most in limits:
            with QSignalBlocker(box):
                box.setMaximum(most)  # clamps the value too
        if self.model.head != self._model_head:
            self._model_head = self.model.head
            if self.model.head is not None:
                with QSignalBlocker(self.head):
                    self.head.setValue(self.model.head + 1)
        self.mark_stale()

    def _head_chosen(self) -> None:
        self.mark_stale()

    def _sizes_chosen(self) -> None:
        self.walker.set_count(1)  # other tiles: start again at the first
        self.mark_stale()

    # --- drawing -----------------------------------------------------------------------
    def build(self) -> None:
        """The tile's panels, the usual pass's panels and the explanation (see RefreshWhenShown.build)."""
        self.panels = {name: MatrixPanel(self) for name in TILE_PANELS + TEXTBOOK_PANELS}
        for panel in self.panels.values():
            panel.setMinimumSize(70, 80)
        self.textbook_choice = QComboBox(self)
        self.textbook_choice.addItems(["", ""])
        self.textbook_choice.currentIndexChanged.connect(self.mark_stale)
        self.textbook_title = QLabel(self)
        tile_side = QWidget(self)
        tile_layout = QVBoxLayout(tile_side)
        tile_layout.setContentsMargins(0, 0, 0, 0)
        self.tile_title = QLabel(tile_side)
        tile_layout.addWidget(self.tile_title)
        self.update_rule = QLabel(tile_side)
        for label in (self.tile_title, self.update_rule):
            label.setWordWrap(True)  # else its text's width is the tab's least width
        for names in (("scores", "p", "statistics"), ("o_old", "pv", "o", "finished")):
            if names[0] == "o_old":
                tile_layout.addWidget(self.update_rule)
            row = QHBoxLayout()
            for name in names:
                row.addWidget(self.panels[name], 1)
            tile_layout.addLayout(row, 1)
        textbook_side = QWidget(self)
        textbook_layout = QVBoxLayout(textbook_side)
        textbook_layout.setContentsMargins(0, 0, 0, 0)
        choice_row = QHBoxLayout()
        self.textbook_title.setWordWrap(True)
        choice_row.addWidget(self.textbook_choice)
        choice_row.addWidget(self.textbook_title, 1)
        textbook_layout.addLayout(choice_row)
        textbook_layout.addWidget(self.panels["full"], 3)
        textbook_layout.addWidget(self.panels["head_output"], 2)
        sides = QSplitter(Qt.Orientation.Horizontal, self)
        sides.addWidget(tile_side)
        sides.addWidget(textbook_side)
        sides.setStretchFactor(0, 3)
        sides.setStretchFactor(1, 2)
        sides.setSizes([720, 480])
        textbook_side.setMinimumWidth(160)
        self.explanation = QTextBrowser(self)
        self.check = QLabel(self)
        self.check.setWordWrap(True)
        self.check.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check.setStyleSheet(CHECK_STYLE)
        text = QSplitter(Qt.Orientation.Vertical, self)
        text.addWidget(sides)
        text.addWidget(self.explanation)
        text.setStretchFactor(0, 3)
        text.setStretchFactor(1, 1)
        self.layout().addWidget(text, 1)
        self.layout().addWidget(self.check)
        self._retranslate_built()

    def _wanted(self) -> tuple:
        return self.model.computation, self.head.value() - 1, self.block_rows.value(), self.block_columns.value()

    def _is_known(self, wanted: tuple) -> bool:
        known = self._tiled_for
        return known is not None and wanted[0] is known[0] and wanted[1:] == known[1:]

    def _tiles_arrived(self, _ticket: int, result: tuple) -> None:
        wanted, tiled = result
        if wanted[0] is self.model.computation and wanted[1:] == self._wanted()[1:]:
            self._tiled, self._tiled_for = tiled, wanted
            self.redraw()

    def _tiles_failed(self, _ticket: int, error: BaseException) -> None:
        raise error  # to the application's exception hook, as when computed on the GUI thread

    def redraw(self) -> None:
        computation = self.model.computation
        wanted = self._wanted()
        if not self._is_known(wanted):
            _computation, _head, block_rows, block_columns = wanted
            count = math.ceil(len(computation.tokens) / block_rows) * math.ceil(
                len(computation.key_labels) / block_columns)
            if count > MAX_TILES_AT_ONCE and not self.worker.closed:
                self.worker.submit(functools.partial(_tiles_for, wanted))
                self.position_label.setText(self.tr("computing {0} tiles…").format(count))
                return
            self.worker.supersede()  # a result still coming is for other sizes
            self._tiled, self._tiled_for = tiled_attention(*wanted), wanted
        tiled = self._tiled
        self.walker.set_count(len(tiled.tiles))
        index = self.walker.position()
        tile = tiled.tiles[index]
        state = state_after(tiled, index)
        self.position_label.setText(self.tr("tile {0} of {1}: query block {2}, key block {3}{4}").format(
            index + 1, len(tiled.tiles), tile.query_block + 1, tile.key_block + 1,
            self.tr(" (skipped)") if tile.skipped else ""))
        self._draw_tile(computation, tiled, tile, state)
        self._draw_textbook(computation, tiled, tile)
        self.explanation.setHtml("".join(f"<p>{line}</p>" for line in self.explanation_lines(
            computation, tiled, index, state)))
        self.check.setText(self.check_line(computation, tiled))

    def _draw_tile(self, computation: Computation, tiled: TiledAttention, tile: Tile, state: TileState) -> None:
        queries = computation.token_labels[tile.row_start:tile.row_stop]
        keys = computation.key_labels[tile.column_start:tile.column_stop]
        dims = computation.labels("v")[1]
        i, j = subscript(tile.query_block + 1), subscript(tile.key_block + 1)
        panels = self.panels
        self.tile_title.setText(self.tr("<b>This tile</b> (queries {0}; keys {1}): what the kernel holds").format(
            tokens(queries), tokens(keys)))
        if tile.skipped:
            empty = np.zeros((0, 0))
            note = self.tr("skipped, never computed")
            panels["scores"].set_matrix(empty, [], [], f"S{i},{j}  {note}")
            panels["p"].set_matrix(empty, [], [], f"P{i},{j}  {note}")
            panels["pv"].set_matrix(empty, [], [], f"P{i},{j}V{j}  {note}")
            panels["statistics"].set_matrix(np.vstack([state.m, state.l]), ["m", "ℓ"], queries,
                                            f"m{i}, ℓ{i}  " + self.tr("kept"))
            panels["o_old"].set_matrix(state.o, queries, dims, f"O{i}  " + self.tr("before"))
            panels["o"].set_matrix(state.o, queries, dims, f"O{i}  " + self.tr("after: unchanged"))
        else:
            panels["scores"].set_matrix(tile.scores, queries, keys, f"S{i},{j}  " + self.tr("scores"))
            panels["p"].set_matrix(tile.p, queries, keys, f"P{i},{j} = e^(S − m)", kind="probability")
            panels["statistics"].set_matrix(
                np.vstack([tile.m_old, tile.m, tile.rescale, tile.l_old, tile.l]),
                ["m_old", "m", "rescale", "ℓ_old", "ℓ"], queries,
                f"m{i}, ℓ{i}")
            panels["o_old"].set_matrix(tile.o_old, queries, dims, f"O{i}  " + self.tr("before"))
            panels["pv"].set_matrix(tile.pv, queries, dims, f"P{i},{j}V{j}")
            panels["o"].set_matrix(tile.o, queries, dims, f"O{i}  " + self.tr("after"))
        if state.finished is not None:
            panels["finished"].set_matrix(state.finished, queries, dims,
                                          f"O{i}/ℓ{i}")
        else:
            panels["finished"].set_matrix(np.zeros((0, 0)), [], [], f"O{i}/ℓ{i}  " + self.tr("not yet"))

    def _draw_textbook(self, computation: Computation, tiled: TiledAttention, tile: Tile) -> None:
        head = tiled.head
        h = subscript(head + 1)
        n, m = len(computation.tokens), len(computation.key_labels)
        rows, keys = computation.token_labels, computation.key_labels
        full = self.panels["full"]
        usual = self.tr("the usual pass: all {0} × {1} at once").format(n, m)
        if self.textbook_choice.currentIndex() == 1:
            full.set_matrix(computation.trace["weights"][head], rows, keys, f"A{h}  {usual}", kind="probability")
        else:
            full.set_matrix(computation.trace[logits_key(computation)][head], rows, keys, f"S{h}  {usual}")
        place = (tile.row_start, tile.column_start, tile.row_stop - tile.row_start, tile.column_stop - tile.column_start)
        full.set_rectangles([place], skipped_marks(tiled))
        output = computation.trace["head_output"][head]
        self.panels["head_output"].set_matrix(output, rows, computation.labels("head_output")[1],
                                              f"head{h} = A{h}V  " + self.tr("the usual pass"))
        self.panels["head_output"].set_rectangles([(tile.row_start, 0, tile.row_stop - tile.row_start,
                                                    output.shape[1])])

    # --- words -------------------------------------------------------------------------
    def explanation_lines(self, computation: Computation, tiled: TiledAttention, index: int,
                          state: TileState) -> list[str]:
        """What happened at tile ``index``, with its numbers (HTML paragraphs)."""
        tile = tiled.tiles[index]
        queries = computation.token_labels[tile.row_start:tile.row_stop]
        keys = computation.key_labels[tile.column_start:tile.column_stop]
        lines = [self.tr("<b>Tile {0} of {1}</b>: the queries {2} ({3}) against the keys {4} ({5}).").format(
            index + 1, len(tiled.tiles), tokens(queries), self._rows_text(tile.row_start, tile.row_stop),
            tokens(keys), self._columns_text(tile.column_start, tile.column_stop))]
        if tile.skipped:
            lines.append(self.tr("Skipped: {0}. FlashAttention's kernels never compute such a tile; m, ℓ and O "
                                 "stay as they were.").format(self._skip_reason(computation, tile)))
        else:
            lines.append(self.tr(
                "The kernel computes this tile of scores (S = Q Kᵀ, scaled, biased and masked as in the usual "
                "pass) and P = e^(S − m) with each row's new maximum m (not yet divided by any sum); then the tile "
                "is thrown away."))
            for row, label in enumerate(queries[:MAX_EXPLAINED_ROWS]):
                lines.append(self._row_line(tile, row, html.escape(label)))
            if len(queries) > MAX_EXPLAINED_ROWS:
                lines.append(self.tr("… and {0} more queries, each the same way.").format(
                    len(queries) - MAX_EXPLAINED_ROWS))
        if state.finished is not None:
            lines.append(self.tr(
                "<b>End of query block {0}</b>: every key block has been seen, so O / ℓ gives {1} of "
                "head_output, the same numbers as softmax(S)·V of the usual pass.").format(
                tile.query_block + 1, self._rows_text(tile.row_start, tile.row_stop)))
        return lines

    def _row_line(self, tile: Tile, row: int, label: str) -> str:
        m_old, m_new, scale = float(tile.m_old[row]), float(tile.m[row]), float(tile.rescale[row])
        l_old, l_new, added = float(tile.l_old[row]), float(tile.l[row]), float(tile.p_sum[row])
        if np.isneginf(tile.scores[row]).all():
            return self.tr("{0}: every key of this tile is masked for this query, so its m, ℓ and O stay as "
                           "they were.").format(label)
        if math.isinf(m_old):
            return self.tr("{0}: the first keys this query sees. m = {1} (the largest score of the tile), "
                           "e^(m_old − m) = e^(−∞) = 0 (there is nothing before to keep), ℓ = Σ e^(s − m) = {2}, "
                           "and O = PV.").format(label, number(m_new), number(l_new))
        if m_new > m_old:
            return self.tr("{0}: the new row maximum {1} is larger than {2}, so the sum and the output so far "
                           "are multiplied by e^({7}) = {3}: ℓ = {3} × {4} + {5} = {6}, and "
                           "O = {3} × O + PV.").format(label, number(m_new), number(m_old), number(scale),
                                                         number(l_old), number(added), number(l_new),
                                                         difference(m_old, m_new))
        return self.tr("{0}: the row maximum stays {1} (no score of this tile is larger), so nothing is "
                       "rescaled (e^0 = 1): ℓ = {2} + {3} = {4}, and O = O + PV.").format(
            label, number(m_new), number(l_old), number(added), number(l_new))

    def _rows_text(self, start: int, stop: int) -> str:
        if stop - start == 1:
            return self.tr("row {0}").format(start + 1)
        return self.tr("rows {0}–{1}").format(start + 1, stop)

    def _columns_text(self, start: int, stop: int) -> str:
        if stop - start == 1:
            return self.tr("column {0}").format(start + 1)
        return self.tr("columns {0}–{1}").format(start + 1, stop)

    def _skip_reason(self, computation: Computation, tile: Tile) -> str:
        p = computation.parameters
        if p.causal and tile.column_start >= tile.row_stop:
            return self.tr("every key of it comes after every query of it (above the diagonal, hidden by the "
                           "causal mask)")
        if p.window is not None:
            return self.tr("all of its keys are outside the sliding window of every query of it")
        return self.tr("all of its keys are padding tokens")

    def check_line(self, computation: Computation, tiled: TiledAttention) -> str:
        n, m = len(computation.tokens), len(computation.key_labels)
        return self.tr(
            "Check: O / ℓ of the tiles equals head_output of the usual pass, max |difference| = {0}. "
            "The full {1} × {2} matrix of scores was never held: at most one tile, B_r × B_c × 8 = {3} × {4} × 8 "
            "= {5} bytes, against {1} × {2} × 8 = {6} bytes; {7} of {8} tiles computed, {9} skipped.").format(
            f"{difference_from_full_pass(computation, tiled):.2g}", n, m, tiled.block_rows, tiled.block_columns,
            tiled.tile_bytes, tiled.full_bytes, tiled.computed, len(tiled.tiles), tiled.skipped)

    def retranslate(self) -> None:
        self.intro.setText(self.tr(
            "FlashAttention computes the same attention in another order: the queries in blocks of B_r rows, "
            "the keys in blocks of B_c, one tile of scores at a time. Each query keeps a running maximum m, a "
            "running sum ℓ and a partial output O; when a larger score appears, what came before is multiplied "
            "by e^(m_old − m_new). At the end O / ℓ is softmax(S)·V, and the n × m scores never existed at once."))
        self.head_label.setText(self.tr("Head"))
        self.rows_label.setText(self.tr("B_r"))
        self.columns_label.setText(self.tr("B_c"))
        self.head.setToolTip(self.tr("The head to compute tile by tile (follows the head chosen in the Steps tab)"))
        self.block_rows.setToolTip(self.tr("B_r: queries per block, 1 to the number of tokens"))
        self.block_columns.setToolTip(self.tr("B_c: keys per block, 1 to the number of keys"))
        self.walker.set_tooltips(self.tr("First tile"), self.tr("Previous tile"),
                                 self.tr("Play / pause: the next tile automatically"), self.tr("Next tile"),
                                 self.tr("Last tile"), self.tr("Seconds per tile while playing"), self.tr(" s/tile"))
        if self.is_built():
            self._retranslate_built()
        self.mark_stale()

    def _retranslate_built(self) -> None:
        self.textbook_choice.setItemText(0, self.tr("scores"))
        self.textbook_choice.setItemText(1, self.tr("weights"))
        self.textbook_choice.setToolTip(self.tr("Show the usual pass's scores or its softmax weights"))
        self.update_rule.setText(self.tr(
            "Then O = rescale · O_old + PV  and  ℓ = rescale · ℓ_old + rowsum(P), with rescale = e^(m_old − m)"))
        self.textbook_title.setText(self.tr("<b>The usual pass</b> (the current tile outlined, skipped tiles "
                                            "crossed out)"))


def _tiles_for(wanted: tuple) -> tuple[tuple, TiledAttention]:
    """On the worker: the tiles, with what they were computed for (it may no longer be what is wanted)."""
    return wanted, tiled_attention(*wanted)
