"""What a person chooses: the sentence, the sizes and the switches of one computation."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .limits import check_whole_number
from .matrices import Sizes
from .tokenize import TOKENIZERS

DEFAULT_SENTENCE = "我 爱 机器 学习"


@dataclass(frozen=True)
class Parameters:
    """Everything that determines one computation. ``d_v=None`` means d_v follows d_k.

    ``skip_scaling`` leaves out the division by √d_k (to see the softmax
    saturate); ``tokenizer`` is one of :data:`~.tokenize.TOKENIZERS`.
    """

    sentence: str = DEFAULT_SENTENCE
    heads: int = 2
    d_model: int = 8
    d_k: int = 4
    d_v: int | None = None
    seed: int = 0
    causal: bool = False
    positional_encoding: bool = False
    skip_scaling: bool = False
    tokenizer: str = "whitespace"

    @property
    def value_dim(self) -> int:
        return self.d_k if self.d_v is None else self.d_v

    def validated(self) -> Parameters:
        """Return a copy with every value checked (ValueError names the bad one)."""
        if not isinstance(self.sentence, str):
            raise ValueError(f"the sentence must be text, not {type(self.sentence).__name__}")
        if self.tokenizer not in TOKENIZERS:
            raise ValueError(f"the tokenizer must be one of {', '.join(TOKENIZERS)}; got {self.tokenizer!r}")
        return dataclasses.replace(
            self,
            heads=check_whole_number("heads", self.heads),
            d_model=check_whole_number("d_model", self.d_model),
            d_k=check_whole_number("d_k", self.d_k),
            d_v=None if self.d_v is None else check_whole_number("d_v", self.d_v),
            seed=check_whole_number("seed", self.seed),
            causal=bool(self.causal),
            positional_encoding=bool(self.positional_encoding),
            skip_scaling=bool(self.skip_scaling),
        )

    def sizes(self, tokens: int) -> Sizes:
        """The sizes of every matrix for a sentence of ``tokens`` tokens."""
        return Sizes(tokens=tokens, heads=self.heads, d_model=self.d_model, d_k=self.d_k, d_v=self.value_dim)

    def weight_sizes(self) -> tuple[int, int, int, int]:
        """(heads, d_model, d_k, d_v): what weights must have to be used with these parameters."""
        return self.heads, self.d_model, self.d_k, self.value_dim
