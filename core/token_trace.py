"""One token's journey through one head: the seed article's worked example with 爱, for any token.

Everything here is read from the trace (plus the products that define
the weighted sum), so what the journey view shows is exactly what the
panels show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .computation import Computation
from .formulas import subscript
from .numbers import format_number


@dataclass(frozen=True, eq=False)
class TokenJourney:
    """Token ``token`` (0-based) through head ``head`` (0-based).

    ``dot[s]`` = q·k_s (the scores row), ``scaled`` that row divided by √d_k,
    ``visible[s]`` False where the causal mask hides token s, ``weights`` the
    softmax row, ``weighted_values[s]`` = weights[s]·v_s, and ``output`` their
    sum, the token's row of head_output.
    """

    token: int
    head: int
    labels: list[str]
    query: np.ndarray
    keys: np.ndarray
    dot: np.ndarray
    scaled: np.ndarray
    visible: np.ndarray
    weights: np.ndarray
    values: np.ndarray
    weighted_values: np.ndarray
    output: np.ndarray

    @property
    def label(self) -> str:
        return self.labels[self.token]

    @property
    def masked(self) -> np.ndarray:
        """True where the causal mask hides token s (its scaled score became −∞, its weight 0)."""
        return ~self.visible


def token_journey(computation: Computation, head: int, token: int) -> TokenJourney:
    trace = computation.trace
    heads, n = trace["weights"].shape[:2]
    if not (0 <= head < heads and 0 <= token < n):
        raise ValueError(f"head must be from 1 to {heads} and token from 1 to {n}; got {head + 1}, {token + 1}")
    weights = trace["weights"][head, token]
    values = trace["v"][head]
    visible = np.isfinite(trace["masked"][head, token]) if "masked" in trace else np.ones(n, dtype=bool)
    return TokenJourney(
        token=token, head=head, labels=computation.token_labels,
        query=trace["q"][head, token], keys=trace["k"][head],
        dot=trace["scores"][head, token], scaled=trace["scaled"][head, token], visible=visible,
        weights=weights, values=values, weighted_values=weights[:, None] * values,
        output=trace["head_output"][head, token],
    )


def _number(value: float) -> str:
    return format_number(value, 3)


def _vector(values: np.ndarray, most: int) -> str:
    shown = [_number(v) for v in values[:most]]
    more = len(values) - most
    return "[" + ", ".join(shown) + (f", … {more} more" if more > 0 else "") + "]"


def arithmetic_lines(journey: TokenJourney, max_terms: int = 6) -> list[str]:
    """The arithmetic written out: the dot products term by term, the softmax, the weighted sum.

    Sums longer than ``max_terms`` are shortened with "… N more terms".
    """
    label, labels = journey.label, journey.labels
    lines = []
    d_k = len(journey.query)
    for s, key in enumerate(journey.keys):
        terms = [f"({_number(a)})({_number(b)})" for a, b in zip(journey.query[:max_terms], key[:max_terms])]
        if d_k > max_terms:
            terms.append(f"… {d_k - max_terms} more terms")
        lines.append(f"q({label})·k({labels[s]}) = " + " + ".join(terms) + f" = {_number(journey.dot[s])}")
    visible = [s for s in range(len(labels)) if journey.visible[s]]
    exps = " + ".join(f"e^{_number(journey.scaled[s])}" for s in visible[:max_terms])
    if len(visible) > max_terms:
        exps += f" + … {len(visible) - max_terms} more terms"
    for s in visible[:max_terms]:
        lines.append(f"softmax → {labels[s]}: e^{_number(journey.scaled[s])} / ({exps}) = {_number(journey.weights[s])}")
    if len(visible) > max_terms:
        lines.append(f"… and {len(visible) - max_terms} more weights")
    hidden = [labels[s] for s in range(len(labels)) if not journey.visible[s]]
    if hidden:
        names = ", ".join(hidden[:max_terms]) + (f", … {len(hidden) - max_terms} more" if len(hidden) > max_terms else "")
        lines.append(f"softmax → {names}: e^−∞ = 0 (masked)")
    parts = [f"{_number(journey.weights[s])}·v({labels[s]})" for s in visible[:max_terms]]
    if len(visible) > max_terms:
        parts.append(f"… {len(visible) - max_terms} more terms")
    lines.append(f"head{subscript(journey.head + 1)}[{label}] = " + " + ".join(parts) + f" = {_vector(journey.output, max_terms)}")
    return lines
