"""Generate (KV cache): the sentence fed one token at a time, as a decoder writes text.

At each step the new token's q, k and v; k and v appended to the cache (one
row per token, per key/value head: grouped heads make it smaller); only the
new query row of scores, weights and output. Beside them, the full causal
pass with row t outlined, the difference from it (~0) and the cache's size
in bytes. Every number comes from core.decoding; this file only lays them
out and words them.
"""

from __future__ import annotations

import functools
import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from attention_stepper.core.attention import concat_heads
from attention_stepper.core.computation import Computation
from attention_stepper.core.decoding import (
    DecodeRow,
    KVCache,
    causal_pass,
    decode,
    full_pass_bytes,
    row_differences,
)
from attention_stepper.core.formulas import subscript

from .heatmap import MatrixPanel
from .i18n import Retranslating
from .lazy import RefreshWhenShown
from .model import AttentionModel, Change
from .walker import CHECK_STYLE, WalkedView, Walker
from .worker import ComputeWorker

PANELS = ("q", "k", "v", "k_cache", "v_cache", "scores", "weights", "head_output", "output", "full")
NOTE_STYLE = "QLabel { background: #fff8e1; border: 1px solid #ffe082; padding: 4px; }"


class DecodeView(WalkedView, RefreshWhenShown, Retranslating, QWidget):
    def __init__(self, model: AttentionModel, parent=None):
        super().__init__(parent)
        self.model = model
        self._decoded: list[tuple[KVCache, DecodeRow]] = []
        self._full: Computation | None = None
        self._decoded_for: Computation | None = None
        self.worker = ComputeWorker(self)
        self.worker.finished.connect(self._decoded_arrived)
        self.worker.failed.connect(self._decoding_failed)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.walker = Walker(self, seconds=1.5)
        self.position_label = QLabel(self)
        # Its text is as long as the block sizes make it: it may be cut rather than widen the window.
        self.position_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        top = QHBoxLayout()
        top.addWidget(self.walker)
        top.addWidget(self.position_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(top)
        layout.addWidget(self.note)
        self.walker.moved.connect(self.mark_stale)
        self._listen(model)
        self.retranslate()

    def _listen(self, model: AttentionModel) -> None:
        """Every notification of the model goes to one method."""
        model.changed.connect(self._model_changed)

    def _model_changed(self, change: Change) -> None:
        if change.computation or change.head:
            self._follow_model()

    def _follow_model(self, *_signal_args) -> None:
        self.mark_stale()

    # --- for tests and the window ------------------------------------------------------
    def steps(self) -> list[tuple[KVCache, DecodeRow]]:
        """The cache and the row after each token (empty with a memory: no decoding)."""
        self.ensure_fresh()
        return self._decoded

    def full_pass(self) -> Computation | None:
        """The full causal pass the rows are compared with."""
        self.ensure_fresh()
        return self._full

    def note_text(self) -> str:
        """The note over the panels (generation is causal; decoding needs self-attention), "" when none."""
        self.ensure_fresh()
        return self.note.text() if not self.note.isHidden() else ""

    # --- drawing -----------------------------------------------------------------------
    def build(self) -> None:
        """The panels, the check beside them and the explanation (see RefreshWhenShown.build)."""
        self.panels = {name: MatrixPanel(self) for name in PANELS}
        for panel in self.panels.values():
            panel.setMinimumSize(70, 70)
        self.content = QSplitter(Qt.Orientation.Vertical, self)
        computing = QWidget(self.content)
        grid = QVBoxLayout(computing)
        grid.setContentsMargins(0, 0, 0, 0)
        self.row_titles = [QLabel(computing) for _ in range(3)]
        for title in self.row_titles:
            title.setWordWrap(True)  # else its text's width is the tab's least width
        for title, names in zip(self.row_titles, (("q", "k", "v"), ("k_cache", "v_cache"),
                                                  ("scores", "weights", "head_output", "output"))):
            grid.addWidget(title)
            row = QHBoxLayout()
            for name in names:
                row.addWidget(self.panels[name], 1)
            grid.addLayout(row, 1)
        side = QWidget(self.content)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.side_title = QLabel(side)
        self.side_title.setWordWrap(True)
        self.check = QLabel(side)
        self.check.setWordWrap(True)
        self.check.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check.setStyleSheet(CHECK_STYLE)
        side_layout.addWidget(self.side_title)
        side_layout.addWidget(self.panels["full"], 1)
        side_layout.addWidget(self.check)
        sides = QSplitter(Qt.Orientation.Horizontal, self.content)
        sides.addWidget(computing)
        sides.addWidget(side)
        sides.setStretchFactor(0, 3)
        sides.setStretchFactor(1, 1)
        sides.setSizes([900, 300])
        side.setMinimumWidth(160)
        self.explanation = QTextBrowser(self.content)
        self.content.addWidget(sides)
        self.content.addWidget(self.explanation)
        self.content.setStretchFactor(0, 3)
        self.content.setStretchFactor(1, 1)
        self.layout().addWidget(self.content, 1)
        self._retranslate_built()

    def _current_steps(self, computation: Computation) -> bool:
        """Whether the decoding of ``computation`` is known; large ones are sent to the worker (False)."""
        if self._decoded_for is computation:
            return True
        if not self.model.computes_at_once(self.model.estimated_seconds()):
            self.worker.submit(functools.partial(_decoded, computation))
            return False
        self.worker.supersede()  # a result still coming is for an older computation
        self._decoded, self._full = _decoded(computation)[1:]
        self._decoded_for = computation
        return True

    def _decoded_arrived(self, _ticket: int, result: tuple) -> None:
        computation, decoded, full = result
        if computation is self.model.computation:
            self._decoded, self._full, self._decoded_for = decoded, full, computation
            self.redraw()

    def _decoding_failed(self, _ticket: int, error: BaseException) -> None:
        raise error  # to the application's exception hook, as when computed on the GUI thread

    def redraw(self) -> None:
        computation = self.model.computation
        parameters = computation.parameters
        if parameters.memory is not None:
            self._decoded, self._full, self._decoded_for = [], None, None
            self.note.setText(self.tr(
                "Decoding caches the keys and values of the tokens generated so far, so it needs self-attention: "
                "with a memory (cross-attention) the keys and values come from the memory, computed once. "
                "Leave out the memory sentence to see generation."))
            self.note.show()
            self.content.hide()
            self.walker.set_count(1)
            self.walker.setEnabled(False)
            self.position_label.setText("")
            return
        if not self._current_steps(computation):
            self.position_label.setText(self.tr("generating {0} tokens…").format(len(computation.tokens)))
            return  # the last decoding stays shown until this one arrives
        self.walker.setEnabled(True)
        self.content.show()
        if parameters.causal:
            self.note.hide()
        else:
            self.note.setText(self.tr(
                "The computation in the Steps tab is not causal, but generation is: a token cannot attend to "
                "words not written yet. Each row here is compared with the causal pass of the same sentence "
                "and weights."))
            self.note.show()
        self.walker.set_count(len(self._decoded))
        t = self.walker.position()
        cache, row = self._decoded[t]
        labels = computation.token_labels
        self.position_label.setText(self.tr("token {0} of {1}: {2}").format(t + 1, len(labels), labels[t]))
        self._draw(computation, cache, row)
        self.explanation.setHtml("".join(f"<p>{line}</p>" for line in self.explanation_lines(computation, row)))
        self.check.setText(self.check_line(computation, cache, row))

    def _draw(self, computation: Computation, cache: KVCache, row: DecodeRow) -> None:
        t, panels = row.position, self.panels
        labels = computation.token_labels
        token = labels[t]
        heads = [f"h{i + 1}" for i in range(row.q.shape[0])]
        kv_heads = [f"kv{i + 1}" for i in range(row.k.shape[0])]
        d_k, d_v = computation.labels("q")[1], computation.labels("v")[1]
        panels["q"].set_matrix(row.q, heads, d_k, f"q({token})")
        panels["k"].set_matrix(row.k, kv_heads, d_k, f"k({token})")
        panels["v"].set_matrix(row.v, kv_heads, d_v, f"v({token})")
        size = self.tr("{0} tokens").format(cache.tokens)
        for name, array, dims in (("k_cache", cache.k, d_k), ("v_cache", cache.v, d_v)):
            panel = panels[name]
            columns = [f"{kv}:{dim}" for kv in kv_heads for dim in dims]
            panel.set_matrix(concat_heads(array), labels[:t + 1], columns,
                             f"{'K' if name == 'k_cache' else 'V'}_cache  {size}")
            panel.set_block_outlines([(i * len(dims), len(dims), self.tr("kv head {0}").format(i + 1))
                                      for i in range(len(kv_heads))])
            panel.highlight_row(t)  # the row this step appended
        seen = labels[:t + 1]
        panels["scores"].set_matrix(row.scores, heads, seen, f"scores({token})")
        panels["weights"].set_matrix(row.weights, heads, seen, f"weights({token})", kind="probability")
        panels["head_output"].set_matrix(row.head_output, heads, d_v, f"head_output({token})")
        panels["output"].set_matrix(row.output[None, :], [token], computation.labels("output")[1],
                                    f"output({token})")
        head = self.model.head or 0
        h = subscript(head + 1)
        panels["weights"].highlight_row(head)
        panels["full"].set_matrix(self._full.trace["weights"][head], labels, labels,
                                  f"A{h}  " + self.tr("the full causal pass"), kind="probability")
        panels["full"].highlight_row(t)

    # --- words -------------------------------------------------------------------------
    def explanation_lines(self, computation: Computation, row: DecodeRow) -> list[str]:
        """What this step did, with its sizes (HTML paragraphs)."""
        p, weights = computation.parameters, computation.weights
        t, labels = row.position, computation.token_labels
        h, kv = weights.heads, weights.kv_heads
        lines = [self.tr("<b>Step {0} of {1}: the token <i>{2}</i></b> (position {3}). Its embedding x is "
                         "projected once: q for each of the {4} query heads, k and v for each of the {5} "
                         "key/value heads.").format(t + 1, len(labels), html.escape(labels[t]), t, h, kv),
                 self.tr("k and v are appended to the cache, one row per key/value head: it now holds {0} "
                         "tokens. The keys and values of the earlier tokens are read from it, never computed "
                         "again.").format(t + 1)]
        if kv < h:
            lines.append(self.tr("{0} query heads share {1} key/value heads (grouped-query attention), so the "
                                 "cache holds {1} heads of keys and values, not {0}: it is that much smaller.").format(
                h, kv))
        if p.rope:
            lines.append(self.tr(
                "With RoPE, q and k are turned by the angle of position {0}: the token's index in the sequence, "
                "which is the number of tokens already in the cache. Counting from 1 instead, or turning every "
                "new token as if it were at position 0, is the classic off-by-one of hand-written decoders: the "
                "cached keys would no longer be those of the full pass.").format(t))
        lines.append(self.tr("Only the new query row is computed: per head {0} scores (one per cached token), "
                             "their softmax weights and the weighted sum of the cached values; W_O then gives "
                             "this token's output.").format(t + 1))
        if p.window is not None:
            lines.append(self.tr("With the sliding window of {0}, only the last {0} tokens (this one included) "
                                 "are visible; older keys stay in this cache but are masked (a real "
                                 "sliding-window cache drops them).").format(p.window))
        if computation.padding[t]:
            lines.append(self.tr("This is a padding token: it is cached like the others, but no query attends "
                                 "to it."))
        return lines

    def check_line(self, computation: Computation, cache: KVCache, row: DecodeRow) -> str:
        t, weights = row.position, computation.weights
        differences = row_differences(self._full, row)
        return "<br>".join([
            self.tr("<b>Row {0} of the full causal pass</b>: max |difference| of the weights {1}, of "
                    "head_output {2}, of the output {3}.").format(
                t + 1, *(f"{differences[name]:.2g}" for name in ("weights", "head_output", "output"))),
            self.tr("<b>Cache</b>: {0} tokens × {1} key/value heads × (d_k {2} + d_v {3}) × 8 bytes = {4} bytes, "
                    "kept from step to step; this step appended {5} bytes.").format(
                cache.tokens, weights.kv_heads, weights.d_k, weights.d_v, cache.nbytes, row.cache_bytes_added),
            self.tr("<b>Without a cache</b> this step would compute K and V of all {0} tokens again: {1} bytes "
                    "of new keys and values instead of {2}.").format(
                t + 1, full_pass_bytes(computation, t), row.cache_bytes_added),
        ])

    def retranslate(self) -> None:
        self.intro.setText(self.tr(
            "A decoder writes one token at a time. Each new token's query attends to the keys of every token so "
            "far; those keys and values never change, so they are kept in the KV cache and only the new token's "
            "k and v are computed and appended. One row of scores, weights and output per step, equal to that "
            "row of the full causal pass."))
        self.walker.set_tooltips(self.tr("First token"), self.tr("Previous token"),
                                 self.tr("Play / pause: feed the next token automatically"), self.tr("Next token"),
                                 self.tr("Last token"), self.tr("Seconds per token while playing"),
                                 self.tr(" s/token"))
        if self.is_built():
            self._retranslate_built()
        self.mark_stale()

    def _retranslate_built(self) -> None:
        self.row_titles[0].setText(self.tr("<b>The new token</b>, projected once"))
        self.row_titles[1].setText(self.tr("<b>The KV cache</b>, one row per token per key/value head "
                                           "(the outlined row was just appended)"))
        self.row_titles[2].setText(self.tr("<b>Only the new query row</b>: its scores, weights and output"))
        self.side_title.setText(self.tr("<b>The full causal pass</b> (row t outlined): what the rows must equal"))


def _decoded(computation: Computation) -> tuple:
    """On the worker (or here, when small): the decoding and the full causal pass it is checked against."""
    return computation, decode(computation), causal_pass(computation)
