"""The step animated: its result filled in cell by cell, with the cells each number is made of lit.

"Show me" (and Play, step after step) starts it. Every tick of a QTimer
reveals one more cell of the step's result (one more row when the result
has more than :data:`ROW_BY_ROW_ABOVE` cells) and lights, in the input
panels, the cells that one was computed from — the query row and the key
row for a score, the weight row and the value column for a mixed value —
as :func:`core.provenance.lit_by` names them, with the new cell itself lit
in the result. Nothing waits in a loop: between ticks the event loop runs,
so every control keeps working. Esc, a change of the model (a parameter, a
step, a head) or ``stop()`` ends it at once and shows the whole result.

The driver reaches the panels only through StepView's public accessors
(``panels()``, ``panel(key, head)``, ``current_matrix()``) and each panel's
public methods (``set_revealed``, ``set_lit_cells``, ``clear_lit_cells``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from attention_stepper.core.provenance import STEP_OF, lit_by

from .model import AttentionModel, Change

#: A result with more cells than this fills in row by row.
ROW_BY_ROW_ABOVE = 300
#: One cell (or row) takes this share of the navigator's seconds per step…
UNIT_SHARE = 0.25
#: …but the whole fill takes at most this many of them,
MOST_STEPS_PER_FILL = 6
#: and a tick is never shorter than this (ms): faster than the screen shows it.
SHORTEST_TICK_MS = 15


def tick_ms(seconds_per_step: float, units: int) -> int:
    """How long each cell or row stays the newest: a share of a step's time, the whole fill bounded."""
    step_ms = max(seconds_per_step, 0.0) * 1000.0
    longest = step_ms * UNIT_SHARE
    bounded = step_ms * MOST_STEPS_PER_FILL / max(units, 1)
    return max(SHORTEST_TICK_MS, int(min(longest, bounded)))


class StepAnimation(QObject):
    """Fills the current step's result in (see the module docstring); ``start``, ``stop``, ``advance``."""

    #: A fill began.
    started = Signal()
    #: A fill ended: the whole result is shown again (it ran to its end, was skipped, or something changed).
    finished = Signal()

    def __init__(self, model: AttentionModel, step_view, seconds_per_step: Callable[[], float] = lambda: 1.5,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.step_view = step_view
        self.seconds_per_step = seconds_per_step
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.advance)
        self._filling: list[tuple[str, int | None, object]] = []  # (key, head, panel) being filled
        self._lit: set[object] = set()  # panels lit now
        self._unit = "cell"
        self._units = 0
        self._shown = 0  # cells (or rows) revealed so far
        self._shape = (0, 0)
        self._step_key = ""
        #: Esc shows the whole result at once (only while a fill runs: otherwise Esc is the panels').
        self.skip_action = QAction(self)
        self.skip_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.skip_action.setEnabled(False)
        self.skip_action.triggered.connect(lambda _checked=False: self.stop())
        if isinstance(parent, QWidget):
            parent.addAction(self.skip_action)
        model.changed.connect(self._model_changed)

    # --- reading -------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return bool(self._filling)

    @property
    def unit(self) -> str:
        """"cell" or "row": what one tick reveals."""
        return self._unit

    @property
    def units(self) -> int:
        """How many cells (or rows) the fill has in all."""
        return self._units

    @property
    def shown(self) -> int:
        """How many cells (or rows) are revealed so far."""
        return self._shown

    def result_panels(self) -> list[tuple[str, int | None, object]]:
        """(key, head, panel) of every panel being filled (one matrix, every head shown of it)."""
        return list(self._filling)

    def result_key(self) -> str | None:
        """The matrix the fill would animate now: the selected one if the step computes it, else its first output."""
        step = self.model.step
        shown = {key for key, _, _ in self.step_view.panels()}
        key, _head = self.step_view.current_matrix()
        if STEP_OF.get(key) == step.key and key in shown:
            return key
        return next((key for key in step.outputs if key in shown), None)

    # --- driving -----------------------------------------------------------------------
    def start(self) -> bool:
        """Fill the current step's result in from its first cell; False if the step shows none."""
        self.stop(quietly=True)
        key = self.result_key()
        if key is None:
            return False
        filling = [(k, head, panel) for k, head, panel in self.step_view.panels() if k == key]
        rows, cols = filling[0][2].matrix().shape
        if rows * cols == 0:
            return False
        self._filling = filling
        self._shape = (rows, cols)
        self._step_key = self.model.step.key
        self._unit = "row" if rows * cols > ROW_BY_ROW_ABOVE else "cell"
        self._units = rows if self._unit == "row" else rows * cols
        self._shown = 0
        for _, _, panel in filling:
            panel.set_revealed(0, self._unit)
        self.skip_action.setEnabled(True)
        self._timer.start(tick_ms(self.seconds_per_step(), self._units))
        self.started.emit()
        return True

    def advance(self) -> None:
        """One tick: reveal the next cell (or row) and light where it comes from; past the last, finish."""
        if not self._filling:
            return
        if self._shown >= self._units:
            self.stop()
            return
        self._shown += 1
        for _, _, panel in self._filling:
            panel.set_revealed(self._shown, self._unit)
        self._light(self._shown - 1)
        self._timer.setInterval(tick_ms(self.seconds_per_step(), self._units))  # the speed may have changed

    def stop(self, quietly: bool = False) -> None:
        """Show the whole result at once and put the lights out (Esc); ``finished`` unless ``quietly``."""
        if not self._filling:
            return
        self._timer.stop()
        self.skip_action.setEnabled(False)
        for _, _, panel in self._filling:
            panel.set_revealed(None)
        for panel in self._lit:
            panel.clear_lit_cells()
        self._filling, self._lit = [], set()
        if not quietly:
            self.finished.emit()

    # --- lighting --------------------------------------------------------------------------
    def newest_cells(self, unit: int | None = None) -> list[tuple[int, int]]:
        """The cells of the result revealed at tick ``unit`` (the newest by default), row after row."""
        unit = self._shown - 1 if unit is None else unit
        rows, cols = self._shape
        if unit < 0:
            return []
        if self._unit == "row":
            return [(unit, column) for column in range(cols)]
        return [divmod(unit, cols)]

    def _light(self, unit: int) -> None:
        computation = self.model.computation
        cells = self.newest_cells(unit)
        groups: dict[object, dict[tuple[tuple[int, ...], tuple[int, ...]], None]] = {}
        for key, head, panel in self._filling:
            groups.setdefault(panel, {})[(tuple(sorted({row for row, _ in cells})),
                                          tuple(column for _, column in cells))] = None
            for row, column in cells:
                for source in lit_by(computation, self._step_key, key, head, row, column):
                    try:
                        target = self.step_view.panel(source.key, source.head)
                    except KeyError:  # not on screen (W_Q with all heads shown)
                        continue
                    # Kᵀ at the scores step: the panel's (row, column) is the matrix's (column, row).
                    flipped = self.step_view.is_transposed(source.key, source.head)
                    cells_of = (source.columns, source.rows) if flipped else (source.rows, source.columns)
                    groups.setdefault(target, {})[cells_of] = None
        for panel in self._lit - groups.keys():
            panel.clear_lit_cells()
        for panel, lit in groups.items():
            panel.set_lit_cells(list(lit))
        self._lit = set(groups)

    def _model_changed(self, change: Change) -> None:
        if change:  # any change: the panels may show other numbers, another step or other heads
            self.stop()
