"""Check your own attention implementation against the reference, and be told what you got wrong.

>>> from attention_stepper.compare import compare, assert_matches_reference
>>> report = compare("dump.npz", causal=True)          # doctest: +SKIP
>>> assert_matches_reference("dump.npz", causal=True)  # doctest: +SKIP

The logic lives in :mod:`attention_stepper.core.compare`; this package is
its documented import path (see docs/compare.md).
"""

from attention_stepper.core.compare import DEFAULT_ATOL, DEFAULT_RTOL, Report, assert_matches_reference, compare
from attention_stepper.core.dumps import DumpError
from attention_stepper.core.mistakes import DIAGNOSES

__all__ = ["DEFAULT_ATOL", "DEFAULT_RTOL", "DIAGNOSES", "DumpError", "Report", "assert_matches_reference", "compare"]
