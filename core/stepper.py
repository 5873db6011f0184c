"""Where a person is in the lesson while the parameters change underneath.

The :class:`Stepper` holds the current computation and step; every change
recomputes at once, keeps the step (or the nearest one that still exists)
and keeps the person's typed-over cells where they still fit.
"""

from __future__ import annotations

import dataclasses

from .attention import Trace
from .computation import Computation, check_inputs, compute, computation_of, editable_shapes
from .edits import WEIGHT_EDIT_KEYS, Edits, cell_problem, check_cell
from .lesson import Step, check_step
from .parameters import Parameters
from .weights import Weights, seeded_weights


def _recompute(parameters: Parameters, weights: Weights | None, edits: Edits) -> Computation:
    """A computation for changed parameters; edits whose cell no longer exists are dropped."""
    return computation_of(check_inputs(parameters, weights, edits, fit_edits=True))


#: Changing one of these makes the weights anew (given ones are replaced by seeded ones of the new sizes).
_SHAPE_PARAMETERS = ("heads", "kv_heads", "d_model", "d_k", "d_v", "seed", "bias", "checkpoint", "layer")


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
    """

    def __init__(self, parameters: Parameters | None = None, weights: Weights | None = None,
                 edits: Edits | None = None):
        self._computation = compute(parameters or Parameters(), weights, edits)
        self._custom: Weights | None = weights
        self._seeded: tuple[tuple, Weights] | None = None  # see _base_weights
        self._index = 0

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

    # --- changing the computation ---------------------------------------------
    def set(self, **changes) -> None:
        """Change parameters (``heads=4``, ``sentence="…"``…) and recompute.

        Seeded weights follow the sizes and the seed; weights given by
        :meth:`set_weights` are kept while only the sentence, mask or
        positions change, and replaced by seeded ones when a size or the seed does.
        Edits follow the rule in the class docstring.
        """
        parameters = dataclasses.replace(self.parameters, **changes)
        keep_weights = self._custom is not None and not any(
            getattr(parameters, name) != getattr(self.parameters, name) for name in _SHAPE_PARAMETERS
        )
        custom = self._custom if keep_weights else None
        self._replace(_recompute(parameters, custom, self.edits), custom)

    def set_weights(self, weights: Weights | None) -> None:
        """Use these weights (their sizes become the parameters'); None returns to seeded ones.

        Either way the weight edits go (the weights are replaced whole, which
        is what "Reset weights" means); X edits stay where their cells still exist.
        """
        edits = self.edits.without_keys(WEIGHT_EDIT_KEYS)
        # Weights of one's own, or seeded ones, replace a checkpoint's layer (its sizes stay, for comparing).
        current = dataclasses.replace(self.parameters, checkpoint=None, layer=0)
        if weights is None:
            self._replace(_recompute(current, None, edits), None)
            return
        parameters = dataclasses.replace(
            current, heads=weights.heads, d_model=weights.d_model, d_k=weights.d_k,
            d_v=None if weights.d_v == weights.d_k else weights.d_v,
            kv_heads=None if weights.kv_heads == weights.heads else weights.kv_heads, bias=weights.has_bias,
        )
        self._replace(_recompute(parameters, weights, edits), weights)

    @property
    def has_custom_weights(self) -> bool:
        return self._custom is not None

    def set_cell(self, key: str, head: int | None, row: int, column: int, value: float) -> None:
        """Type ``value`` into one cell of X (``"embed"``) or of a W matrix and recompute.

        ``head`` is the 0-based head for w_q, w_k, w_v and None for embed and
        w_o; ``row`` and ``column`` are 0-based. ValueError (and no change) for
        another key, a cell that does not exist, or a value that is not a
        finite number within ±1e6.
        """
        cell = check_cell(key, head, row, column)
        problem = cell_problem(cell, editable_shapes(self._computation.sizes, self._computation.available))
        if problem:
            raise ValueError(problem)
        edits = self.edits.with_cell(*cell, value)
        self._replace(compute(self.parameters, self._base_weights(), edits), self._custom)

    def clear_cell(self, key: str, head: int | None, row: int, column: int) -> None:
        """Return one cell to its seeded (or loaded) value; nothing happens if it was not edited."""
        edits = self.edits.without_cell(key, head, row, column)
        if edits != self.edits:
            self._replace(compute(self.parameters, self._base_weights(), edits), self._custom)

    def reset_edits(self) -> None:
        """Drop every edit: X and the weights return to their seeded (or loaded) values."""
        if self.edits:
            self._replace(compute(self.parameters, self._base_weights()), self._custom)

    def _base_weights(self) -> Weights | None:
        """The weights under the edits: the given ones, or the seeded ones (None: a checkpoint's own).

        Seeded weights are kept once drawn for these sizes and seed, so that
        typing or dragging a value does not redraw every weight each time.
        """
        if self._custom is not None:
            return self._custom
        if self.parameters.checkpoint is not None:
            return None
        p = self.parameters
        sizes = (p.d_model, p.heads, p.d_k, p.value_dim, p.seed, p.kv_head_count, p.bias)
        if self._seeded is None or self._seeded[0] != sizes:
            seeded = (self.weights if not self.edits.has_weight_edits
                      else seeded_weights(*sizes))
            self._seeded = (sizes, seeded)
        return self._seeded[1]

    def restore(self, parameters: Parameters, weights: Weights | None = None, edits: Edits | None = None,
                step: str | None = None) -> None:
        """Replace everything at once (as when opening a saved session); ValueError leaves all as it was.

        ``weights`` None means seeded ones; every edit must fit. ``step`` (a
        key) is gone to if given, else the current step is kept when it exists.
        """
        computation = compute(parameters, weights, edits)
        if step is not None:
            check_step(step, computation.steps)
        self._replace(computation, weights)
        if step is not None:
            self.go_to(step)

    def _replace(self, computation: Computation, custom_weights: Weights | None) -> None:
        key = self.step.key
        self._computation = computation
        self._custom = custom_weights
        keys = [step.key for step in self.steps]
        self._index = keys.index(key if key in keys else "softmax")

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
