"""Every matrix the program shows, exports or lets a person edit, described once.

A matrix's key, its title above a panel, how messages name it, what its rows
and columns are, whether there is one per head, whether it holds signed
numbers or probabilities, and whether a person may type into it: the step
view, the export, the edits, the labels and the sessions all read these
facts from :data:`MATRICES` and nowhere else. Adding a matrix is one entry
here plus the step that computes it.

Rows and columns are named by an *axis*: ``"tokens"`` (one per token of the
sentence, the queries), ``"keys"`` (one per token attended to: the sentence
again, or the memory sentence in cross-attention), ``"memory"`` (the memory
sentence's tokens), a width (``"d_model"``, ``"d_k"``, ``"d_v"``), all heads'
widths side by side (``"heads·d_k"``, ``"heads·d_v"``, ``"kv_heads·d_k"``,
``"kv_heads·d_v"``: the packed projections, concat and W_O's rows, where head i
owns one block of columns), ``"bias"``, the single row of a bias vector, or
``"pairs"``, the d_k/2 pairs of entries RoPE turns together.

A per-head matrix has one matrix per query head (``heads="heads"``) or per
key/value head (``heads="kv_heads"``: K, V and their weights, fewer than the
query heads with grouped-query attention).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The axes whose entries are tokens; the others are dimensions.
TOKEN_AXES = frozenset({"tokens", "keys", "memory"})


@dataclass(frozen=True)
class Matrix:
    """What one matrix is (see the module docstring).

    ``title`` is the panel's title, with ``{i}`` standing for the head's
    subscript (empty for shared matrices); ``name`` is how messages call it;
    ``source`` says where its numbers come from: ``"trace"`` (a step of the
    forward pass, keyed as in the trace), ``"weights"`` (an attribute of
    :class:`~.weights.Weights`) or ``"packed"`` (all heads' projections side
    by side, the product before the split into heads) or ``"derived"`` (worked
    out from the parameters alone, such as RoPE's angles); ``option`` names what
    makes it appear ("" for the 2017 attention's own matrices; "mask" for the
    masked scores).
    """

    key: str
    title: str
    name: str
    rows: str
    columns: str
    heads: str | None = None
    kind: str = "signed"
    editable: bool = False
    source: str = "trace"
    option: str = ""

    @property
    def per_head(self) -> bool:
        """Whether there is one matrix per (query or key/value) head, on the leading axis."""
        return self.heads is not None

    @property
    def token_rows(self) -> bool:
        """Whether row t is token t (so following a token outlines it here)."""
        return self.rows in TOKEN_AXES


#: In the order a forward pass computes them; the weights after the trace matrices.
MATRICES: tuple[Matrix, ...] = (
    Matrix("embed", "X", "X", "tokens", "d_model", editable=True),
    Matrix("memory", "memory", "memory", "memory", "d_model", option="memory"),
    Matrix("q", "Q{i}", "Q", "tokens", "d_k", heads="heads"),
    Matrix("k", "K{i}", "K", "keys", "d_k", heads="kv_heads"),
    Matrix("v", "V{i}", "V", "keys", "d_v", heads="kv_heads"),
    Matrix("q_rotated", "RoPE(Q{i})", "rotated Q", "tokens", "d_k", heads="heads", option="rope"),
    Matrix("k_rotated", "RoPE(K{i})", "rotated K", "keys", "d_k", heads="kv_heads", option="rope"),
    Matrix("rope_angles", "θ = t·B^(−2j/d_k)", "RoPE angles", "tokens", "pairs", source="derived", option="rope"),
    Matrix("k_repeated", "K{i} (shared)", "repeated K", "keys", "d_k", heads="heads", option="kv_heads"),
    Matrix("v_repeated", "V{i} (shared)", "repeated V", "keys", "d_v", heads="heads", option="kv_heads"),
    Matrix("scores", "scores{i} = Q{i}K{i}ᵀ", "scores", "tokens", "keys", heads="heads"),
    Matrix("scaled", "scaled{i} = scores{i} / √d_k", "scaled", "tokens", "keys", heads="heads"),
    Matrix("position_bias", "ALiBi{i} = −m{i}·|t−s|", "position bias", "tokens", "keys", heads="heads",
           option="alibi"),
    Matrix("biased", "scaled{i} + ALiBi{i}", "biased", "tokens", "keys", heads="heads", option="alibi"),
    Matrix("masked", "masked{i}", "masked", "tokens", "keys", heads="heads", option="mask"),
    Matrix("weights", "A{i} = softmax", "A", "tokens", "keys", heads="heads", kind="probability"),
    Matrix("head_output", "head{i} = A{i}V{i}", "head", "tokens", "d_v", heads="heads"),
    Matrix("concat", "concat", "concat", "tokens", "heads·d_v"),
    Matrix("output", "output = concat · W_O", "output", "tokens", "d_model"),
    Matrix("w_q", "W_Q{i}", "W_Q", "d_model", "d_k", heads="heads", editable=True, source="weights"),
    Matrix("w_k", "W_K{i}", "W_K", "d_model", "d_k", heads="kv_heads", editable=True, source="weights"),
    Matrix("w_v", "W_V{i}", "W_V", "d_model", "d_v", heads="kv_heads", editable=True, source="weights"),
    Matrix("w_o", "W_O", "W_O", "heads·d_v", "d_model", editable=True, source="weights"),
    Matrix("b_q", "b_Q{i}", "b_Q", "bias", "d_k", heads="heads", editable=True, source="weights", option="bias"),
    Matrix("b_k", "b_K{i}", "b_K", "bias", "d_k", heads="kv_heads", editable=True, source="weights", option="bias"),
    Matrix("b_v", "b_V{i}", "b_V", "bias", "d_v", heads="kv_heads", editable=True, source="weights", option="bias"),
    Matrix("b_o", "b_O", "b_O", "bias", "d_model", editable=True, source="weights", option="bias"),
    Matrix("packed_q", "X·[W_Q₁|W_Q₂|…]", "X·W_Q", "tokens", "heads·d_k", source="packed"),
    Matrix("packed_k", "X·[W_K₁|W_K₂|…]", "X·W_K", "keys", "kv_heads·d_k", source="packed"),
    Matrix("packed_v", "X·[W_V₁|W_V₂|…]", "X·W_V", "keys", "kv_heads·d_v", source="packed"),
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


#: Every key a forward pass can record, in computing order.
TRACE_ORDER = keys_from("trace")
#: The keys of the 2017 attention's trace ("masked" only with the causal mask), in computing order.
TRACE_KEYS = tuple(key for key in TRACE_ORDER if _BY_KEY[key].option in ("", "mask"))
#: The weight matrices and biases, as Weights and weights.npz name them.
WEIGHT_NAMES = keys_from("weights")
#: The biases among them (present only when the projections have biases).
BIAS_NAMES = tuple(key for key in WEIGHT_NAMES if key.startswith("b_"))
#: The matrices worked out from the parameters alone (shown, never exported as part of the trace).
DERIVED_KEYS = keys_from("derived")
#: The matrices a person may type into.
EDITABLE_KEYS = tuple(matrix.key for matrix in MATRICES if matrix.editable)
#: The matrices that hold one matrix per head (the leading axis).
PER_HEAD_KEYS = frozenset(matrix.key for matrix in MATRICES if matrix.per_head)


@dataclass(frozen=True)
class Sizes:
    """The sizes every matrix's shape is made of.

    ``tokens`` n (the queries), ``keys`` m (the tokens attended to: n, or the
    memory's length in cross-attention), heads h, key/value heads, d_model,
    d_k, d_v.
    """

    tokens: int
    heads: int
    d_model: int
    d_k: int
    d_v: int
    kv_heads: int | None = None
    keys: int | None = None

    @property
    def key_count(self) -> int:
        return self.tokens if self.keys is None else self.keys

    @property
    def kv_head_count(self) -> int:
        return self.heads if self.kv_heads is None else self.kv_heads

    def axis_length(self, axis: str) -> int:
        if "·" in axis:
            heads, width = axis.split("·")
            return self.head_count(heads) * self.axis_length(width)
        lengths = {"tokens": self.tokens, "keys": self.key_count, "memory": self.key_count, "bias": 1,
                   "d_model": self.d_model, "d_k": self.d_k, "d_v": self.d_v, "pairs": self.d_k // 2}
        return lengths[axis]

    def head_count(self, heads: str) -> int:
        """How many matrices a per-head matrix has: ``"heads"`` (query heads) or ``"kv_heads"``."""
        return self.heads if heads == "heads" else self.kv_head_count

    def shape(self, key: str) -> tuple[int, ...]:
        """The shape of matrix ``key`` at these sizes: (heads, rows, columns) for per-head ones."""
        matrix = matrix_info(key)
        shape = (self.axis_length(matrix.rows), self.axis_length(matrix.columns))
        return (self.head_count(matrix.heads), *shape) if matrix.per_head else shape

    def bytes(self, keys: tuple[str, ...]) -> int:
        """Bytes of float64 the matrices ``keys`` take at these sizes."""
        return 8 * sum(math.prod(self.shape(key)) for key in keys)


def axis_labels(axis: str, sizes: Sizes, token_labels: list[str], key_labels: list[str] | None = None) -> list[str]:
    """The labels along one axis: the tokens (or the keys'), ``d1 d2 …``, ``h1:d1 … h2:d1 …``, ``b``, or ``j0 j1 …``.

    RoPE's pairs are numbered j = 0 … d_k/2 − 1, as in the angle t · B^(−2j/d_k).
    """
    if axis == "tokens":
        return list(token_labels)
    if axis in ("keys", "memory"):
        return list(token_labels if key_labels is None else key_labels)
    if axis == "bias":
        return ["b"]
    if axis == "pairs":
        return [f"j{pair}" for pair in range(sizes.axis_length(axis))]
    if "·" in axis:
        heads, width = axis.split("·")
        return [f"h{head + 1}:d{i + 1}" for head in range(sizes.head_count(heads))
                for i in range(sizes.axis_length(width))]
    return [f"d{i + 1}" for i in range(sizes.axis_length(axis))]


def head_blocks(key: str, sizes: Sizes) -> list[tuple[int, int]]:
    """(first column, width) of each head's block, for a matrix whose columns hold all heads side by side.

    The split into heads is only bookkeeping: head i owns columns i·d to
    (i+1)·d of a packed projection, and the same columns of concat.
    Empty for every other matrix.
    """
    columns = matrix_info(key).columns
    if "·" not in columns:
        return []
    heads, width = columns.split("·")
    size = sizes.axis_length(width)
    return [(head * size, size) for head in range(sizes.head_count(heads))]
