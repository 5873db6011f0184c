"""Where a person is in the lesson while the parameters change underneath.

The :class:`Stepper` holds the current computation and step; every change
keeps the step (or the nearest one that still exists) and keeps the
person's typed-over cells where they still fit.

Each change is made in two halves, so that a program can compute somewhere
else (the GUI does it on a worker thread) while the stepper stays the one
owner of the state: a ``plan…`` method checks the change and says what must
be computed, without computing it (a :class:`Plan`); ``plan.compute()`` is
pure and may run on any thread; :meth:`Stepper.accept` applies the finished
result. ``set``, ``set_cell`` and the other methods do the three in a row.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .attention import Trace
from .computation import Computation, Inputs, check_inputs, computation_of, editable_shapes
from .edits import WEIGHT_EDIT_KEYS, Edits, cell_problem, check_cell
from .lesson import Step, check_step, steps_for
from .matrices import TRACE_ORDER, WEIGHT_NAMES
from .parameters import Parameters
from .weights import Weights

#: Changing one of these makes the weights anew (given ones are replaced by seeded ones of the new sizes).
SHAPE_PARAMETERS = ("heads", "kv_heads", "d_model", "d_k", "d_v", "seed", "bias", "checkpoint", "layer")

#: Rough speeds for :meth:`Plan.estimated_seconds`, taken low (a shared, busy two-core machine): matrix
#: products in float64, elementwise work per matrix entry held, and seeded draws per weight entry.
_PRODUCT_FLOPS_PER_SECOND = 2e9
_ENTRIES_PER_SECOND = 1e8
_DRAWS_PER_SECOND = 5e7


@dataclass(frozen=True, eq=False)
class Plan:
    """A change, checked, and what the stepper will hold once its computation is accepted.

    ``inputs`` are what :meth:`compute` computes (validated parameters, tokens,
    the weights under the edits, or None for seeded ones, and the edits);
    ``custom_weights`` the loaded weights the stepper keeps afterwards (None:
    seeded ones); ``step`` a step key to go to on acceptance (opening a session).
    A plan holds only immutable values, so :meth:`compute` may run on any thread.
    """

    inputs: Inputs
    custom_weights: Weights | None
    step: str | None = None

    @property
    def parameters(self) -> Parameters:
        return self.inputs.parameters

    @property
    def edits(self) -> Edits:
        return self.inputs.edits

    def compute(self) -> Computation:
        """The computation this plan describes (the core's arithmetic; touches nothing else)."""
        return computation_of(self.inputs)

    def estimated_seconds(self) -> float:
        """About how long :meth:`compute` takes, from the sizes alone (on the slow side).

        The four matrix products' multiply-adds, every entry of every matrix
        held (elementwise steps, copies), and the seeded weights to draw.
        A caller uses it to decide where to compute (see gui/model.py).
        """
        sizes = self.inputs.sizes
        n, m, h, kv = sizes.tokens, sizes.key_count, sizes.heads, sizes.kv_head_count
        d_model, d_k, d_v = sizes.d_model, sizes.d_k, sizes.d_v
        products = 2 * (n * d_model * h * d_k + m * d_model * kv * (d_k + d_v)
                        + h * n * m * (d_k + d_v) + n * h * d_v * d_model)
        held = [key for key in self.inputs.available() if key in TRACE_ORDER or key in WEIGHT_NAMES]
        entries = sizes.bytes(tuple(held)) // 8
        weights = d_model * (h * d_k + kv * (d_k + d_v)) + h * d_v * d_model
        draws = (weights if self.inputs.weights is None else 0) + n * d_model
        return products / _PRODUCT_FLOPS_PER_SECOND + entries / _ENTRIES_PER_SECOND + draws / _DRAWS_PER_SECOND


@dataclass(frozen=True)
class _State:
    """What a plan is made relative to: the accepted computation's, or an earlier plan's."""

    parameters: Parameters
    custom: Weights | None
    edits: Edits
    inputs: Inputs | None  # None for the accepted computation (whose sizes are the computation's)
    step: str | None = None  # an earlier plan's step to go to, kept by the plans made after it


class Stepper:
    """The parameters, their computation and the step a person is looking at.

    Changing a parameter recomputes at once and keeps the current step; if
    that step disappears (the mask, when causal is switched off) the stepper
    moves to softmax, which shows the same scores. A change that is invalid
    raises ValueError and leaves everything as it was.

    Typed-over cells (:meth:`set_cell`) are kept through every parameter
    change in which their cell still exists, the seed included: an edit is
    a deliberate act a person should not lose to a spin box, it stays marked,
    and :meth:`reset_edits` removes all of them at once. X edits belong to a
    token position (row t stays row t when the sentence changes), weight
    edits to a (head, row, column); cells that no longer exist (fewer tokens,
    heads or dimensions) are dropped, since there is nothing left to put them
    in, and do not come back when the size grows again.

    Every ``plan…`` method takes an optional earlier plan, ``after``, not yet
    accepted: the new plan is then made relative to the state that plan
    describes (a person who changes heads, then d_k, before the first result
    arrives means both). Accepting the newest plan alone gives the same state
    as accepting each in turn.
    """

    def __init__(self, parameters: Parameters | None = None, weights: Weights | None = None,
                 edits: Edits | None = None):
        self._computation = computation_of(check_inputs(parameters or Parameters(), weights, edits))
        self._custom: Weights | None = weights
        self._seeded: tuple[tuple, Weights] | None = None  # see _seeded_base
        self._index = 0
        self._remember_seeded(self._computation, weights)

    # --- what there is to see -------------------------------------------------
    @property
    def computation(self) -> Computation:
        return self._computation

    @property
    def parameters(self) -> Parameters:
        return self._computation.parameters

    @property
    def trace(self) -> Trace:
        return self._computation.trace

    @property
    def tokens(self) -> tuple[str, ...]:
        return self._computation.tokens

    @property
    def weights(self) -> Weights:
        """The weights in use, edits included."""
        return self._computation.weights

    @property
    def custom_weights(self) -> Weights | None:
        """The weights given by :meth:`set_weights` (before edits), or None when they are the seeded ones."""
        return self._custom

    @property
    def edits(self) -> Edits:
        return self._computation.edits

    @property
    def steps(self) -> tuple[Step, ...]:
        return self._computation.steps

    @property
    def index(self) -> int:
        return self._index

    @property
    def step(self) -> Step:
        return self.steps[self._index]

    @property
    def has_custom_weights(self) -> bool:
        return self._custom is not None

    # --- changing the computation ---------------------------------------------
    def set(self, **changes) -> None:
        """Change parameters (``heads=4``, ``sentence="…"``…) and recompute.

        Seeded weights follow the sizes and the seed; weights given by
        :meth:`set_weights` are kept while only the sentence, mask or
        positions change, and replaced by seeded ones when a size or the seed does.
        Edits follow the rule in the class docstring.
        """
        self._run(self.plan(**changes))

    def set_weights(self, weights: Weights | None) -> None:
        """Use these weights (their sizes become the parameters'); None returns to seeded ones.

        Either way the weight edits go (the weights are replaced whole, which
        is what "Reset weights" means); X edits stay where their cells still exist.
        """
        self._run(self.plan_weights(weights))

    def set_cell(self, key: str, head: int | None, row: int, column: int, value: float) -> None:
        """Type ``value`` into one cell of X (``"embed"``) or of a W matrix and recompute.

        ``head`` is the 0-based head for w_q, w_k, w_v and None for embed and
        w_o; ``row`` and ``column`` are 0-based. ValueError (and no change) for
        another key, a cell that does not exist, or a value that is not a
        finite number within ±1e6.
        """
        self._run(self.plan_cell(key, head, row, column, value))

    def clear_cell(self, key: str, head: int | None, row: int, column: int) -> None:
        """Return one cell to its seeded (or loaded) value; nothing happens if it was not edited."""
        plan = self.plan_clear_cell(key, head, row, column)
        if plan is not None:
            self._run(plan)

    def reset_edits(self) -> None:
        """Drop every edit: X and the weights return to their seeded (or loaded) values."""
        plan = self.plan_reset_edits()
        if plan is not None:
            self._run(plan)

    def restore(self, parameters: Parameters, weights: Weights | None = None, edits: Edits | None = None,
                step: str | None = None) -> None:
        """Replace everything at once (as when opening a saved session); ValueError leaves all as it was.

        ``weights`` None means seeded ones; every edit must fit. ``step`` (a
        key) is gone to if given, else the current step is kept when it exists.
        """
        self._run(self.plan_restore(parameters, weights, edits, step))

    # --- the two halves: plan (check, no arithmetic) and accept -----------------
    def plan(self, after: Plan | None = None, /, **changes) -> Plan:
        """What :meth:`set` would compute for ``changes``; ValueError if they are refused. Changes nothing."""
        base = self._state(after)
        parameters = dataclasses.replace(base.parameters, **changes)
        keep_weights = base.custom is not None and not any(
            getattr(parameters, name) != getattr(base.parameters, name) for name in SHAPE_PARAMETERS
        )
        custom = base.custom if keep_weights else None
        return self._plan(parameters, custom, base.edits, fit_edits=True, step=base.step)

    def plan_weights(self, weights: Weights | None, after: Plan | None = None) -> Plan:
        """What :meth:`set_weights` would compute; ValueError if the weights cannot be used."""
        base = self._state(after)
        edits = base.edits.without_keys(WEIGHT_EDIT_KEYS)
        # Weights of one's own, or seeded ones, replace a checkpoint's layer (its sizes stay, for comparing).
        current = dataclasses.replace(base.parameters, checkpoint=None, layer=0)
        if weights is None:
            return self._plan(current, None, edits, fit_edits=True, step=base.step)
        parameters = dataclasses.replace(
            current, heads=weights.heads, d_model=weights.d_model, d_k=weights.d_k,
            d_v=None if weights.d_v == weights.d_k else weights.d_v,
            kv_heads=None if weights.kv_heads == weights.heads else weights.kv_heads, bias=weights.has_bias,
        )
        return self._plan(parameters, weights, edits, fit_edits=True, step=base.step)

    def plan_cell(self, key: str, head: int | None, row: int, column: int, value: float,
                  after: Plan | None = None) -> Plan:
        """What :meth:`set_cell` would compute; ValueError (see there) if the cell or value is refused."""
        base = self._state(after)
        cell = check_cell(key, head, row, column)
        if base.inputs is None:
            sizes, available = self._computation.sizes, self._computation.available
        else:
            sizes, available = base.inputs.sizes, base.inputs.available()
        problem = cell_problem(cell, editable_shapes(sizes, available))
        if problem:
            raise ValueError(problem)
        return self._plan(base.parameters, base.custom, base.edits.with_cell(*cell, value), step=base.step)

    def plan_clear_cell(self, key: str, head: int | None, row: int, column: int,
                        after: Plan | None = None) -> Plan | None:
        """What :meth:`clear_cell` would compute, or None when that cell was not edited."""
        base = self._state(after)
        edits = base.edits.without_cell(key, head, row, column)
        return None if edits == base.edits else self._plan(base.parameters, base.custom, edits, step=base.step)

    def plan_reset_edits(self, after: Plan | None = None) -> Plan | None:
        """What :meth:`reset_edits` would compute, or None when there are no edits."""
        base = self._state(after)
        return self._plan(base.parameters, base.custom, Edits(), step=base.step) if base.edits else None

    def plan_restore(self, parameters: Parameters, weights: Weights | None = None, edits: Edits | None = None,
                     step: str | None = None) -> Plan:
        """What :meth:`restore` would compute; ValueError for anything it would refuse (the step included)."""
        plan = self._plan(parameters, weights, edits or Edits(), step=step)
        if step is not None:
            check_step(step, steps_for(plan.inputs.available()))
        return plan

    def accept(self, computation: Computation, plan: Plan) -> None:
        """Make ``computation`` (``plan.compute()``'s result, from any thread) the current one.

        The step is kept where it still exists (else softmax), or is the plan's
        step. Only the newest plan should be accepted: it describes the whole
        state, every earlier plan's changes included.
        """
        if computation.parameters != plan.parameters or computation.edits != plan.edits:
            raise ValueError("this computation is not the one the plan describes")
        key = plan.step or self.step.key
        self._computation = computation
        self._custom = plan.custom_weights
        keys = [step.key for step in self.steps]
        self._index = keys.index(key if key in keys else "softmax")
        self._remember_seeded(computation, plan.custom_weights)

    # --- helpers ----------------------------------------------------------------
    def _run(self, plan: Plan) -> None:
        self.accept(plan.compute(), plan)

    def _state(self, after: Plan | None) -> _State:
        if after is None:
            return _State(self.parameters, self._custom, self.edits, None)
        return _State(after.parameters, after.custom_weights, after.edits, after.inputs, after.step)

    def _plan(self, parameters: Parameters, custom: Weights | None, edits: Edits, fit_edits: bool = False,
              step: str | None = None) -> Plan:
        """Check the inputs (ValueError names the problem); the weights under the edits: given or seeded."""
        inputs = check_inputs(parameters, custom, edits, fit_edits=fit_edits)
        if custom is None:
            inputs = dataclasses.replace(inputs, weights=self._seeded_base(inputs.parameters))
        return Plan(inputs, custom, step)

    def _seeded_base(self, parameters: Parameters) -> Weights | None:
        """The seeded weights of these sizes and seed if already drawn (None: ``compute`` draws them,
        or reads a checkpoint's layer).

        Kept once drawn, so that typing or dragging a value does not redraw every weight each time.
        """
        p = parameters
        if p.checkpoint is not None:
            return None
        sizes = (p.d_model, p.heads, p.d_k, p.value_dim, p.seed, p.kv_head_count, p.bias)
        if self._seeded is not None and self._seeded[0] == sizes:
            return self._seeded[1]
        return None

    def _remember_seeded(self, computation: Computation, custom: Weights | None) -> None:
        """Keep the seeded weights under a computation that has them untouched (see _seeded_base)."""
        p = computation.parameters
        if custom is None and p.checkpoint is None and not computation.edits.has_weight_edits:
            self._seeded = ((p.d_model, p.heads, p.d_k, p.value_dim, p.seed, p.kv_head_count, p.bias),
                            computation.weights)

    # --- moving through the steps ---------------------------------------------
    def go_to(self, step: str | int) -> None:
        """Go to a step by key (``"softmax"``) or by index in :attr:`steps`."""
        keys = [s.key for s in self.steps]
        if isinstance(step, str):
            check_step(step, self.steps)
            self._index = keys.index(step)
        else:
            if not 0 <= step < len(keys):
                raise ValueError(f"step index must be from 0 to {len(keys) - 1}; got {step}")
            self._index = step

    def next(self) -> bool:
        """Move one step on; False (and no move) at the last step."""
        if self._index + 1 < len(self.steps):
            self._index += 1
            return True
        return False

    def previous(self) -> bool:
        """Move one step back; False (and no move) at the first step."""
        if self._index > 0:
            self._index -= 1
            return True
        return False

    def first(self) -> None:
        self._index = 0

    def last(self) -> None:
        self._index = len(self.steps) - 1
