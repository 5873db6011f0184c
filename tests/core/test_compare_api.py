"""The Python API: ``from attention_stepper.compare import compare, assert_matches_reference``, one line in pytest."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest

from attention_stepper.compare import DIAGNOSES, DumpError, Report, assert_matches_reference, compare
from attention_stepper.core import compare as core_compare
from attention_stepper.core.mistakes import MISTAKES, explanation

from user_attention import Setup, user_attention

ROOT = Path(__file__).resolve().parents[2]


def test_the_documented_path_is_the_core_module_and_is_packaged():
    assert compare is core_compare.compare and assert_matches_reference is core_compare.assert_matches_reference
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "attention_stepper.compare" in setuptools["packages"]
    assert setuptools["package-dir"]["attention_stepper.compare"] == "compare"


def test_the_diagnosis_names_are_the_contract():
    assert DIAGNOSES == ("rope-style", "rope-offset", "gqa-order", "heads-reshape", "concat-order", "softmax-axis",
                         "scale-missing", "scale-d-model", "scale-multiplied", "mask-inverted", "window-off-by-one",
                         "heads-averaged", "weights-transposed", "alibi-slopes", "unknown", "none")
    for name in DIAGNOSES:
        what, fix = explanation(name)
        assert what.endswith(".") and fix.endswith(".")
    assert len({mistake.what for mistake in MISTAKES}) == len(MISTAKES)


def test_compare_a_mapping_with_keywords():
    setup = Setup(rope="half", causal=True, heads=4, kv_heads=2, d_model=16)
    report = compare(user_attention(setup, "rope-offset"), heads=4, rope="half", causal=True)
    assert isinstance(report, Report)
    assert (report.first_divergence, report.diagnosis) == ("q_rotated", "rope-offset")
    assert not report.matches and report.step("q").matches and not report.step("q_rotated").matches
    assert report.step("q_rotated").worst.row.startswith("t")


def test_assert_matches_reference_passes_quietly_and_fails_with_the_report():
    setup = Setup(causal=True)
    assert assert_matches_reference(user_attention(setup), heads=2, causal=True).matches
    with pytest.raises(AssertionError) as caught:
        assert_matches_reference(user_attention(setup, "scale-d-model"), heads=2, causal=True)
    text = str(caught.value)
    assert "first divergence: scaled\ndiagnosis: scale-d-model\n" in text and "Fix: Divide by √d_k" in text


def test_tolerance_keywords_and_bad_values():
    dump = user_attention(Setup())
    dump["output"] = dump["output"] + 1e-3
    assert not compare(dump, heads=2).matches
    assert compare(dump, heads=2, atol=1e-2).matches
    with pytest.raises(DumpError, match="rtol must be a number from 0 up"):
        compare(dump, heads=2, rtol=float("nan"))
    with pytest.raises(DumpError, match="unknown configuration field 'casual'"):
        compare(dump, heads=2, casual=True)


def test_labels_come_from_config_json_sentence_and_differences_ignore_masked_cells():
    setup = Setup(causal=True, n=4)
    dump = user_attention(setup, "scale-missing")
    dump["config.json"] = json.dumps({"heads": 2, "causal": True, "sentence": "the cat sat down"})
    report = compare(dump)
    rows, columns = report.labels["scaled"]
    assert rows == columns == ["the", "cat", "sat", "down"]
    assert report.step("scaled").worst.row in rows
    difference = report.difference("scaled")
    hidden = np.triu(np.ones((4, 4), dtype=bool), 1)
    assert np.isneginf(report.yours["scaled"][:, hidden]).all()  # the user's scaled scores are already masked
    assert (difference[:, hidden] == 0).all() and (difference[:, ~hidden] != 0).any()


def test_as_dict_is_plain_json():
    report = compare(user_attention(Setup(), "concat-order"), heads=2)
    data = json.loads(report.to_json())
    assert data == report.as_dict()
    assert data["diagnosis"] == "concat-order" and data["first_divergence"] == "concat"
    assert [step["step"] for step in data["steps"]] == ["q", "k", "v", "scores", "scaled", "weights",
                                                        "head_output", "concat", "output"]
