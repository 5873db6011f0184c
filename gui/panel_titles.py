"""What each panel of the step view is called, and why its colourless cells have no colour.

The registry (core/matrices.py) gives every matrix one title; the variants
change what a matrix is, so its title says so: a key/value head names the
query heads that share it, a shared copy names the head it copies, ALiBi's
matrix shows its head's slope, a scale of one's own or a bias appears in the
formula. None of this computes anything: the numbers come from the core.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication

from attention_stepper.core.computation import Computation
from attention_stepper.core.formulas import subscript
from attention_stepper.core.matrices import matrix_info
from attention_stepper.core.variants import MASK_REASONS, alibi_slopes

from .heatmap.levels import GAPS

#: The gap (heatmap.levels.GAPS) of each code of Computation.mask_reasons(): a −∞ cell no mask hides overflowed.
_REASON_GAPS = np.array([GAPS.index("overflow"), *(GAPS.index(reason) for reason in MASK_REASONS)], dtype=np.int8)


def panel_title(computation: Computation, key: str, head: int | None, shape: tuple[int, ...],
                transposed: bool = False) -> str:
    """The title of matrix ``key`` (of ``head``, 0-based, or shared) as the step view shows it, with its shape.

    ``transposed``: the panel shows the matrix transposed, and its title says so: K₁ᵀ, K′₁ᵀ,
    K₁ᵀ = K_kv₁ᵀ (``shape`` is then the transposed one).
    """
    p = computation.parameters
    info = matrix_info(key)
    i = "" if head is None else subscript(head + 1)
    title = info.title.format(i=i)
    group = p.heads // p.kv_head_count
    if head is not None and info.heads == "kv_heads" and group > 1:
        if key == "k_rotated":
            title = f"K′_kv{i}"
        elif info.source == "trace":  # K_kv₂, as the formulas name key/value head 2 (the weights keep W_K₂)
            title = info.title.format(i="_kv" + i)
        title = QCoreApplication.translate("PanelTitles", "{0} (heads {1}–{2})").format(
            title, head * group + 1, (head + 1) * group)
    elif head is not None and key in ("k_repeated", "v_repeated"):
        letter = key[0].upper()
        title = f"{letter}{i} = {letter}_kv{subscript(head // group + 1)}"
    elif key in ("q_rotated", "k_rotated") and head is not None:
        title = f"{key[0].upper()}′{i}"  # as the formulas write RoPE(Q_i)
    elif key == "rope_angles":
        title = "θ[t, j]"
    elif key == "scores" and p.rope:
        title = f"scores{i} = Q′{i}K′{i}ᵀ"
    elif key == "scaled" and p.skip_scaling:
        title = f"scaled{i} = scores{i}"
    elif key == "scaled" and p.scale is not None:
        title = f"scaled{i} = {p.scale:g}·scores{i}"
    elif key == "position_bias" and head is not None:
        title = f"ALiBi{i} = −{alibi_slopes(p.heads)[head]:.4g}·|t−s|"
    elif key == "memory":  # the formulas call it M
        title = QCoreApplication.translate("PanelTitles", "memory M")
    elif key in ("packed_k", "packed_v") and p.memory is not None:
        title = "M" + title.removeprefix("X")
    if p.bias and key.startswith("packed_"):
        title += f" + b_{key[-1].upper()}"
    elif p.bias and key == "output":
        title += " + b_O"
    if transposed:
        title = " = ".join(f"{name}ᵀ" for name in title.split(" = "))
    return f"{title}  ({'×'.join(map(str, shape))})"


def mask_gaps(computation: Computation) -> np.ndarray:
    """The gap (index into heatmap.levels.GAPS) of each cell of the masked scores: every head's the same."""
    return _REASON_GAPS[computation.mask_reasons()]


def gap_reasons(computation: Computation, key: str, matrix: np.ndarray,
                masked: np.ndarray | None = None) -> np.ndarray | None:
    """Why each −∞ cell of this panel's matrix is −∞ (indices into heatmap.levels.GAPS), or None for "masked".

    In the masked scores a cell is hidden by padding, the causal mask or the
    window, each drawn differently; a −∞ cell no mask hides (anywhere) is
    float16's (or float32's) overflow. In float64 only masks give −∞.
    ``masked``: :func:`mask_gaps`, if already worked out for this computation.
    """
    if key == "masked":
        return mask_gaps(computation) if masked is None else masked
    if computation.parameters.precision != "float64" and np.isneginf(matrix).any():
        return np.full(matrix.shape, GAPS.index("overflow"), dtype=np.int8)
    return None
