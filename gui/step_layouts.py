"""Where each matrix of the current step goes in the step view's grid: a pure function of the model's state.

Inputs first, then outputs. With all heads shown, per-head matrices get one
row per head and shared ones (X, concat, W_O…) span the rows; a key/value
head shared by several query heads spans their rows. With one head chosen,
that head's matrices fill one row. Biases are a short row under their
weights (b_Q under W_Q, b_O under W_O).

A matrix product is drawn as the textbook draws it: the right operand above
the result and the left one to its left, so that the row and the column a
cell is made of meet at the cell — Kᵀ above the scores and Q to their left
(K shown transposed: d_k rows × one column per key), V above A·V, W above
X·W, W_O above concat·W_O.
"""

from __future__ import annotations

from dataclasses import dataclass

from attention_stepper.core.matrices import WEIGHT_NAMES, matrix_info

from .model import AttentionModel

#: Weight matrices are shown per head only when one head is chosen (all heads would be too many panels).
PER_HEAD_WEIGHTS = frozenset(key for key in WEIGHT_NAMES if matrix_info(key).per_head)
#: More matrices than this for one head are laid out in two rows.
MAX_COLUMNS = 4
#: The steps drawn as a product per head: the right operand (its step input 1) is transposed at scores.
PRODUCT_STEPS = {"scores": True, "weighted_sum": False}
#: With all heads, this many heads' products side by side per line.
PRODUCTS_PER_LINE = 2


@dataclass(frozen=True)
class Slot:
    """One panel's place: which matrix, which head (None for shared ones), where in the grid.

    ``transposed``: the panel shows the matrix transposed (Kᵀ at the scores step).
    """

    key: str
    head: int | None
    row: int
    column: int
    row_span: int = 1
    transposed: bool = False


def matrix_head(computation, key: str, head: int) -> int | None:
    """Which of matrix ``key``'s matrices query head ``head`` reads: its own, its key/value head's, or None."""
    matrix = matrix_info(key)
    if not matrix.per_head:
        return None
    if matrix.heads == "kv_heads":
        return head // (computation.parameters.heads // computation.parameters.kv_head_count)
    return head


def _column(computation, key: str, column: int, heads: list[int], first_row: int = 0) -> list[Slot]:
    """One column of the all-heads grid: a row per head; a key/value head spans the rows of the heads sharing it."""
    matrix = matrix_info(key)
    if not matrix.per_head:
        return [Slot(key, None, first_row, column, len(heads))]
    if matrix.heads == "kv_heads":
        group = len(heads) // computation.parameters.kv_head_count
        return [Slot(key, shared, first_row + shared * group, column, group)
                for shared in range(computation.parameters.kv_head_count)]
    return [Slot(key, head, first_row + row, column) for row, head in enumerate(heads)]


def step_keys(model: AttentionModel) -> list[str]:
    """The matrices the current step shows: its inputs (with RoPE's angle table) and outputs."""
    step = model.step
    inputs = list(step.inputs)
    if step.key == "rope" and "rope_angles" in model.computation.available:
        inputs.append("rope_angles")
    keys = inputs + list(step.outputs)
    if model.head is None:
        keys = [key for key in keys if key not in PER_HEAD_WEIGHTS]
    return keys


def _project_one_head(computation, keys: list[str], head: int) -> list[Slot]:
    """One head's projections as products: a column per Q, K, V (W, then b, then X·W), X left of the products."""
    sources = [key for key in ("embed", "memory") if key in keys]
    product_row = 2 if any(matrix_info(key).rows == "bias" for key in keys) else 1
    slots = [Slot(key, None, product_row, column) for column, key in enumerate(sources)]
    for column, name in enumerate("qkv", start=len(sources)):
        for row, key in ((0, f"w_{name}"), (1, f"b_{name}"), (product_row, name)):
            if key in keys:
                slots.append(Slot(key, matrix_head(computation, key, head), row, column))
    return slots


def _output_product(keys: list[str]) -> list[Slot]:
    """concat · W_O (+ b_O): W_O above the output, b_O a short row under it, concat left of the output."""
    below = 2 if "b_o" in keys else 1
    slots = [Slot("concat", None, below, 0), Slot("w_o", None, 0, 1), Slot("output", None, below, 1)]
    if "b_o" in keys:
        slots.insert(2, Slot("b_o", None, 1, 1))
    return slots


def _products(computation, step, heads: list[int]) -> list[Slot] | None:
    """Each head's product (scores = Q·Kᵀ, head = A·V) as a 2×2 block: the right operand above the result,
    the left one to its left; blocks side by side, PRODUCTS_PER_LINE a line. None if two heads share an operand.
    """
    left, right = step.inputs
    result = step.outputs[0]
    transposed = PRODUCT_STEPS[step.key]
    per_line = min(len(heads), PRODUCTS_PER_LINE)
    slots = []
    for index, head in enumerate(heads):
        line, place = divmod(index, per_line)
        row, column = 2 * line, 2 * place
        slots += [Slot(left, matrix_head(computation, left, head), row + 1, column),
                  Slot(right, matrix_head(computation, right, head), row, column + 1, transposed=transposed),
                  Slot(result, matrix_head(computation, result, head), row + 1, column + 1)]
    if len({(slot.key, slot.head) for slot in slots}) < len(slots):
        return None  # a key/value head read by several query heads: one panel cannot be in two places
    return slots


def layout_slots(model: AttentionModel) -> list[Slot]:
    """Where each matrix of the current step goes (a pure function of the model's state)."""
    computation = model.computation
    step = model.step
    keys = step_keys(model)
    heads = list(range(computation.parameters.heads)) if model.head is None else [model.head]
    if step.key == "output":
        return _output_product(keys)
    if step.key in PRODUCT_STEPS and len(step.inputs) == 2:
        products = _products(computation, step, heads)
        if products is not None:
            return products
    if model.head is not None and step.key == "project":
        return _project_one_head(computation, keys, model.head)
    slots = []
    if model.head is None and step.key == "project":
        # The split made visible: each packed product X·[W₁ | W₂ | …] (one matmul for all heads) on
        # top, its head blocks outlined, and below it the per-head pieces Q_i, K_i, V_i it splits into.
        sources = [key for key in ("embed", "memory") if key in keys]
        for column, key in enumerate(sources):
            slots.append(Slot(key, None, 0, column, 1 + len(heads)))
        for column, key in enumerate(("q", "k", "v"), start=len(sources)):
            slots.append(Slot(f"packed_{key}", None, 0, column))
            slots.extend(_column(computation, key, column, heads, first_row=1))
        return slots
    if model.head is not None and len(keys) > MAX_COLUMNS:
        # One head with many matrices (RoPE: Q, K, θ, Q′, K′): inputs above, outputs below.
        outputs = [key for key in keys if key in step.outputs]
        for row, row_keys in enumerate(([key for key in keys if key not in outputs], outputs)):
            slots.extend(Slot(key, matrix_head(computation, key, model.head), row, column)
                         for column, key in enumerate(row_keys))
        return slots
    if model.head is not None:
        return [Slot(key, matrix_head(computation, key, model.head), 0, column) for column, key in enumerate(keys)]
    for column, key in enumerate(keys):
        slots.extend(_column(computation, key, column, heads))
    return slots
