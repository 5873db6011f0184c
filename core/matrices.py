"""Every matrix the program shows, exports or lets a person edit, described once.

A matrix's key, its title above a panel, how messages name it, what its rows
and columns are, whether there is one per head, whether it holds signed
numbers or probabilities, and whether a person may type into it: the step
view, the export, the edits, the labels and the sessions all read these
facts from :data:`MATRICES` and nowhere else. Adding a matrix is one entry
here plus the step that computes it.

Rows and columns are named by an *axis*: ``"tokens"`` (one per token of the
sentence, the queries), ``"keys"`` (one per token attended to), a width
(``"d_model"``, ``"d_k"``, ``"d_v"``), or all heads' widths side by side
(``"heads·d_k"``, ``"heads·d_v"``: the packed projections, concat and W_O's
rows, where head i owns one block of columns).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The axes whose entries are tokens; the others are dimensions.
TOKEN_AXES = frozenset({"tokens", "keys"})


@dataclass(frozen=True)
class Matrix:
    """What one matrix is (see the module docstring).

    ``title`` is the panel's title, with ``{i}`` standing for the head's
    subscript (empty for shared matrices); ``name`` is how messages call it;
    ``source`` says where its numbers come from: ``"trace"`` (a step of the
    forward pass, keyed as in the trace), ``"weights"`` (an attribute of
    :class:`~.weights.Weights`) or ``"packed"`` (all heads' projections side
    by side, the product before the split into heads).
    """

    key: str
    title: str
    name: str
    rows: str
    columns: str
    per_head: bool = False
    kind: str = "signed"
    editable: bool = False
    source: str = "trace"

    @property
    def token_rows(self) -> bool:
        """Whether row t is token t (so following a token outlines it here)."""
        return self.rows in TOKEN_AXES


#: In the order a forward pass computes them; the weights after the trace matrices.
MATRICES: tuple[Matrix, ...] = (
    Matrix("embed", "X", "X", "tokens", "d_model", editable=True),
    Matrix("q", "Q{i}", "Q", "tokens", "d_k", per_head=True),
    Matrix("k", "K{i}", "K", "keys", "d_k", per_head=True),
    Matrix("v", "V{i}", "V", "keys", "d_v", per_head=True),
    Matrix("scores", "scores{i} = Q{i}K{i}ᵀ", "scores", "tokens", "keys", per_head=True),
    Matrix("scaled", "scaled{i} = scores{i} / √d_k", "scaled", "tokens", "keys", per_head=True),
    Matrix("masked", "masked{i}", "masked", "tokens", "keys", per_head=True),
    Matrix("weights", "A{i} = softmax", "A", "tokens", "keys", per_head=True, kind="probability"),
    Matrix("head_output", "head{i} = A{i}V{i}", "head", "tokens", "d_v", per_head=True),
    Matrix("concat", "concat", "concat", "tokens", "heads·d_v"),
    Matrix("output", "output = concat · W_O", "output", "tokens", "d_model"),
    Matrix("w_q", "W_Q{i}", "W_Q", "d_model", "d_k", per_head=True, editable=True, source="weights"),
    Matrix("w_k", "W_K{i}", "W_K", "d_model", "d_k", per_head=True, editable=True, source="weights"),
    Matrix("w_v", "W_V{i}", "W_V", "d_model", "d_v", per_head=True, editable=True, source="weights"),
    Matrix("w_o", "W_O", "W_O", "heads·d_v", "d_model", editable=True, source="weights"),
    Matrix("packed_q", "X·[W_Q₁|W_Q₂|…]", "X·W_Q", "tokens", "heads·d_k", source="packed"),
    Matrix("packed_k", "X·[W_K₁|W_K₂|…]", "X·W_K", "keys", "heads·d_k", source="packed"),
    Matrix("packed_v", "X·[W_V₁|W_V₂|…]", "X·W_V", "keys", "heads·d_v", source="packed"),
)

_BY_KEY = {matrix.key: matrix for matrix in MATRICES}


def matrix_info(key: str) -> Matrix:
    """The description of matrix ``key``; ValueError for a key that names no matrix."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown matrix {key!r}; the matrices are {', '.join(_BY_KEY)}") from None


def keys_from(source: str) -> tuple[str, ...]:
    """The keys of every matrix of one source ("trace", "weights", "packed"), in registry order."""
    return tuple(matrix.key for matrix in MATRICES if matrix.source == source)


#: The forward pass's keys in computing order ("masked" only when a mask applies).
TRACE_KEYS = keys_from("trace")
#: The weight matrices, as Weights and weights.npz name them.
WEIGHT_NAMES = keys_from("weights")
#: The matrices a person may type into.
EDITABLE_KEYS = tuple(matrix.key for matrix in MATRICES if matrix.editable)
#: The matrices that hold one matrix per head (the leading axis).
PER_HEAD_KEYS = frozenset(matrix.key for matrix in MATRICES if matrix.per_head)


@dataclass(frozen=True)
class Sizes:
    """The sizes every matrix's shape is made of: tokens n, heads h, d_model, d_k, d_v."""

    tokens: int
    heads: int
    d_model: int
    d_k: int
    d_v: int

    def axis_length(self, axis: str) -> int:
        lengths = {
            "tokens": self.tokens, "keys": self.tokens, "d_model": self.d_model, "d_k": self.d_k, "d_v": self.d_v,
            "heads·d_k": self.heads * self.d_k, "heads·d_v": self.heads * self.d_v,
        }
        return lengths[axis]

    def shape(self, key: str) -> tuple[int, ...]:
        """The shape of matrix ``key`` at these sizes: (heads, rows, columns) for per-head ones."""
        matrix = matrix_info(key)
        shape = (self.axis_length(matrix.rows), self.axis_length(matrix.columns))
        return (self.heads, *shape) if matrix.per_head else shape

    def bytes(self, keys: tuple[str, ...]) -> int:
        """Bytes of float64 the matrices ``keys`` take at these sizes."""
        return 8 * sum(math.prod(self.shape(key)) for key in keys)


def axis_labels(axis: str, sizes: Sizes, token_labels: list[str]) -> list[str]:
    """The labels along one axis: the tokens, ``d1 d2 …``, or ``h1:d1 … h2:d1 …`` for all heads' widths."""
    if axis in TOKEN_AXES:
        return list(token_labels)
    if axis.startswith("heads·"):
        width = sizes.axis_length(axis.removeprefix("heads·"))
        return [f"h{head + 1}:d{i + 1}" for head in range(sizes.heads) for i in range(width)]
    return [f"d{i + 1}" for i in range(sizes.axis_length(axis))]


def head_blocks(key: str, sizes: Sizes) -> list[tuple[int, int]]:
    """(first column, width) of each head's block, for a matrix whose columns hold all heads side by side.

    The split into heads is only bookkeeping: head i owns columns i·d to
    (i+1)·d of a packed projection, and the same columns of concat.
    Empty for every other matrix.
    """
    columns = matrix_info(key).columns
    if not columns.startswith("heads·"):
        return []
    width = sizes.axis_length(columns.removeprefix("heads·"))
    return [(head * width, width) for head in range(sizes.heads)]
