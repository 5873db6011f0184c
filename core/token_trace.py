"""One token's journey through one head: the seed article's worked example with 爱, for any token.

Everything here is read from the trace (plus the products that define
the weighted sum), so what the journey view shows is exactly what the
panels show. With the variants the journey follows what the head really
uses: the turned query and keys (RoPE), its shared key/value head (GQA),
the memory's tokens as keys (cross-attention), ALiBi's penalty and every
mask (causal, window, padding).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .computation import Computation
from .numbers import format_number, subscript
from .variants import MASK_REASONS, alibi_slopes

#: How the arithmetic names each reason a key is hidden (MASK_REASONS order); the causal mask is the plain one.
_HIDDEN_BECAUSE = {"causal": "(masked)", "window": "(masked: outside the window)", "padding": "(masked: padding)"}
#: The words inside the arithmetic, translated by the app (``translate``) before they are filled in.
JOURNEY_PHRASES = (*_HIDDEN_BECAUSE.values(), "… {count} more", "… {count} more terms", "… and {count} more weights",
                   "{token} may see no key, so every weight is 0")


@dataclass(frozen=True, eq=False)
class TokenJourney:
    """Token ``token`` (0-based) through head ``head`` (0-based).

    ``query`` is the token's query and ``keys`` the keys it is compared with,
    as the scores use them: turned by RoPE when it is on, and the key/value
    head ``kv_head`` this query head shares. ``dot[s]`` = q·k_s (the scores
    row); ``scaled`` that row times ``scale``; ``position_bias`` ALiBi's row
    (None without ALiBi); ``logits`` what softmax is given before the mask
    (scaled, plus the bias); ``reasons[s]`` why key s is hidden (0 visible,
    else 1 + its index in :data:`~.variants.MASK_REASONS`); ``weights`` the
    softmax row; ``values`` the values it mixes, ``weighted_values[s]`` =
    weights[s]·v_s, and ``output`` their sum, the token's row of head_output.
    ``labels`` are the sentence's tokens, ``key_labels`` the tokens attended
    to (the memory's in cross-attention).
    """

    token: int
    head: int
    labels: list[str]
    key_labels: list[str]
    kv_head: int
    query: np.ndarray
    keys: np.ndarray
    dot: np.ndarray
    scale: float
    scaled: np.ndarray
    position_bias: np.ndarray | None
    slope: float | None
    logits: np.ndarray
    reasons: np.ndarray
    visible: np.ndarray
    weights: np.ndarray
    values: np.ndarray
    weighted_values: np.ndarray
    output: np.ndarray
    rotated: bool

    @property
    def label(self) -> str:
        return self.labels[self.token]

    @property
    def masked(self) -> np.ndarray:
        """True where a mask hides key s (its score became −∞, its weight 0)."""
        return ~self.visible


def token_journey(computation: Computation, head: int, token: int) -> TokenJourney:
    trace = computation.trace
    p = computation.parameters
    heads, n = trace["weights"].shape[:2]
    if not (0 <= head < heads and 0 <= token < n):
        raise ValueError(f"head must be from 1 to {heads} and token from 1 to {n}; got {head + 1}, {token + 1}")
    kv_head = head // (p.heads // p.kv_head_count)
    queries = trace["q_rotated"] if "q_rotated" in trace else trace["q"]
    keys = trace["k_rotated"] if "k_rotated" in trace else trace["k"]
    weights = trace["weights"][head, token]
    values = trace["v"][kv_head]
    reasons = computation.mask_reasons()[token]
    bias = trace["position_bias"][head, token] if "position_bias" in trace else None
    return TokenJourney(
        token=token, head=head, labels=computation.token_labels, key_labels=computation.key_labels,
        query=queries[head, token], keys=keys[kv_head],
        dot=trace["scores"][head, token], scaled=trace["scaled"][head, token], visible=reasons == 0,
        weights=weights, values=values, weighted_values=weights[:, None] * values,
        output=trace["head_output"][head, token], kv_head=kv_head, scale=p.scale_factor,
        rotated="q_rotated" in trace, position_bias=bias,
        logits=trace["biased"][head, token] if "biased" in trace else trace["scaled"][head, token],
        reasons=reasons, slope=float(alibi_slopes(p.heads)[head]) if bias is not None else None,
    )


def _number(value: float) -> str:
    return format_number(value, 3)


def _vector(values: np.ndarray, most: int, more_text: str) -> str:
    shown = [_number(v) for v in values[:most]]
    more = len(values) - most
    return "[" + ", ".join(shown) + (", " + more_text.format(count=more) if more > 0 else "") + "]"


def _row(names: list[str], values: np.ndarray, indices: list[int], most: int, more_text: str) -> str:
    """``a 0.123, b −0.456, …`` for the keys ``indices``, shortened past ``most``."""
    shown = ", ".join(f"{names[s]} {_number(values[s])}" for s in indices[:most])
    return shown + (", " + more_text.format(count=len(indices) - most) if len(indices) > most else "")


def arithmetic_lines(journey: TokenJourney, max_terms: int = 6, translate: Callable[[str], str] = str) -> list[str]:
    """The arithmetic written out: the dot products term by term, the scaling (and ALiBi), the softmax, the sum.

    Sums longer than ``max_terms`` are shortened with "… N more terms". ``translate`` is applied to each
    of :data:`JOURNEY_PHRASES` before it is filled in (the app passes its Qt translation).
    """
    phrase = {text: translate(text) for text in JOURNEY_PHRASES}
    more, more_terms = phrase["… {count} more"], phrase["… {count} more terms"]
    label, keys = journey.label, journey.key_labels
    turned = "′" if journey.rotated else ""
    lines = []
    d_k = len(journey.query)
    for s, key in enumerate(journey.keys):
        terms = [f"({_number(a)})({_number(b)})" for a, b in zip(journey.query[:max_terms], key[:max_terms])]
        if d_k > max_terms:
            terms.append(more_terms.format(count=d_k - max_terms))
        lines.append(f"q{turned}({label})·k{turned}({keys[s]}) = " + " + ".join(terms) + f" = {_number(journey.dot[s])}")
    every_key = list(range(len(keys)))
    # The default ÷√d_k needs no line of its own (the softmax line shows the scaled scores); a scale of
    # one's own and ALiBi's penalty do, with what softmax is then given.
    default = math.isclose(journey.scale, 1 / math.sqrt(d_k), rel_tol=1e-12)
    scaling = "" if journey.scale == 1.0 else (f"÷ √{d_k}" if default else f"× {journey.scale:.4g}")
    if journey.position_bias is not None:
        change = ", ".join(part for part in (scaling, f"− {journey.slope:.4g}·|t − s|") if part)
        lines.append(f"{change} → " + _row(keys, journey.logits, every_key, max_terms, more))
    elif scaling and not default:
        lines.append(f"{scaling} → " + _row(keys, journey.scaled, every_key, max_terms, more))
    visible = [s for s in every_key if journey.visible[s]]
    exps = " + ".join(f"e^{_number(journey.logits[s])}" for s in visible[:max_terms])
    if len(visible) > max_terms:
        exps += " + " + more_terms.format(count=len(visible) - max_terms)
    for s in visible[:max_terms]:
        lines.append(f"softmax → {keys[s]}: e^{_number(journey.logits[s])} / ({exps}) = {_number(journey.weights[s])}")
    if len(visible) > max_terms:
        lines.append(phrase["… and {count} more weights"].format(count=len(visible) - max_terms))
    for code, reason in enumerate(MASK_REASONS, start=1):
        hidden = [keys[s] for s in every_key if journey.reasons[s] == code]
        if hidden:
            names = ", ".join(hidden[:max_terms]) + (", " + more.format(count=len(hidden) - max_terms)
                                                     if len(hidden) > max_terms else "")
            lines.append(f"softmax → {names}: e^−∞ = 0 {phrase[_HIDDEN_BECAUSE[reason]]}")
    if not visible:
        lines.append("softmax: " + phrase["{token} may see no key, so every weight is 0"].format(token=label))
    parts = [f"{_number(journey.weights[s])}·v({keys[s]})" for s in visible[:max_terms]]
    if len(visible) > max_terms:
        parts.append(more_terms.format(count=len(visible) - max_terms))
    total = " + ".join(parts) if parts else "0"
    lines.append(f"head{subscript(journey.head + 1)}[{label}] = {total} = {_vector(journey.output, max_terms, more)}")
    return lines
