"""The pipeline of steps, compute(), and the Stepper a person walks through it with."""

from __future__ import annotations

import numpy as np
import pytest
from attention_stepper.core import (
    STEP_KEYS,
    STEPS,
    Parameters,
    Stepper,
    compute,
    init_weights,
    pipeline_steps,
)
from attention_stepper.core.matrices import WEIGHT_NAMES as WEIGHT_KEYS

ORDER = ["embed", "project", "scores", "scale", "mask", "softmax", "weighted_sum", "concat", "output"]


# --------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------

def test_steps_in_order():
    assert list(STEP_KEYS) == ORDER
    assert [s.key for s in pipeline_steps(causal=True)] == ORDER
    assert [s.key for s in pipeline_steps(causal=False)] == [k for k in ORDER if k != "mask"]


@pytest.mark.parametrize("causal", [False, True])
def test_every_step_has_title_formula_inputs_and_outputs_that_exist(causal):
    computation = compute(Parameters(causal=causal))
    available = set(computation.trace) | set(WEIGHT_KEYS)
    produced: set[str] = set()
    for step in computation.steps:
        assert step.title.strip() and step.formula.strip() and step.explanation.strip()
        assert step.outputs, step.key
        assert set(step.outputs) <= set(computation.trace), step.key
        # Each input is a weight or was produced by an earlier step.
        assert set(step.inputs) <= available, step.key
        assert set(step.inputs) - set(WEIGHT_KEYS) <= produced, step.key
        produced |= set(step.outputs)
    assert produced == set(computation.trace)


def test_softmax_reads_the_masked_scores_only_when_causal():
    softmax = {s.key: s for s in pipeline_steps(True)}["softmax"]
    assert softmax.inputs == ("masked",)
    softmax = {s.key: s for s in pipeline_steps(False)}["softmax"]
    assert softmax.inputs == ("scaled",)
    assert {s.key: s for s in STEPS}["mask"].outputs == ("masked",)


def test_formulas_say_what_each_step_computes():
    formulas = {s.key: s.formula for s in STEPS}
    assert "√d_k" in formulas["scale"]
    assert "softmax" in formulas["softmax"]
    assert "W_O" in formulas["output"]
    assert "−∞" in formulas["mask"]


# --------------------------------------------------------------------------
# compute()
# --------------------------------------------------------------------------

def test_compute_default_is_the_documented_example():
    computation = compute(Parameters())
    assert computation.tokens == ("我", "爱", "机器", "学习")
    assert computation.trace["output"].shape == (4, 8)
    assert computation.weights == init_weights(8, 2, 4)
    assert "masked" not in computation.trace


def test_compute_with_given_weights_uses_them():
    weights = init_weights(6, 3, 5, 2, seed=42)
    computation = compute(Parameters(sentence="a b", heads=3, d_model=6, d_k=5, d_v=2), weights)
    assert computation.weights == weights


def test_compute_refuses_weights_of_other_sizes():
    with pytest.raises(ValueError, match="the weights are for heads 3, d_model 6"):
        compute(Parameters(heads=2, d_model=6, d_k=5), init_weights(6, 3, 5))


@pytest.mark.parametrize("change, phrase", [
    ({"heads": 0}, "heads must be a whole number from 1 to 64"),
    ({"d_model": 5000}, "d_model must be a whole number from 1 to 4096"),
    ({"d_k": -1}, "d_k must be a whole number from 1 to 1024"),
    ({"d_v": 0}, "d_v must be a whole number from 1 to 1024"),
    ({"sentence": " "}, "no tokens"),
    ({"sentence": "w " * 600}, "at most 512"),
    ({"heads": 64, "d_model": 4096, "d_k": 1024}, "GiB"),
])
def test_compute_refuses_bad_parameters_with_a_message(change, phrase):
    with pytest.raises(ValueError, match=phrase.replace("(", r"\(")):
        compute(Parameters(**change))


def test_labels_make_repeated_tokens_unique():
    computation = compute(Parameters(sentence="the cat saw the cat"))
    rows, columns = computation.labels("weights")
    assert rows == columns == ["the", "cat", "saw", "the#2", "cat#2"]
    assert computation.labels("q")[1] == ["d1", "d2", "d3", "d4"]


# --------------------------------------------------------------------------
# Stepper
# --------------------------------------------------------------------------

def keys(stepper: Stepper) -> list[str]:
    return [s.key for s in stepper.steps]


def test_stepper_starts_at_embed_and_walks_forward_and_back():
    stepper = Stepper()
    assert stepper.step.key == "embed" and stepper.index == 0
    visited = [stepper.step.key]
    while stepper.next():
        visited.append(stepper.step.key)
    assert visited == keys(stepper)
    assert stepper.next() is False and stepper.step.key == "output"
    back = [stepper.step.key]
    while stepper.previous():
        back.append(stepper.step.key)
    assert back == visited[::-1]
    assert stepper.previous() is False and stepper.index == 0


def test_first_last_and_go_to():
    stepper = Stepper(Parameters(causal=True))
    stepper.last()
    assert stepper.step.key == "output"
    stepper.first()
    assert stepper.step.key == "embed"
    stepper.go_to("mask")
    assert stepper.step.key == "mask" and stepper.index == 4
    stepper.go_to(2)
    assert stepper.step.key == "scores"


@pytest.mark.parametrize("target, phrase", [
    ("attention", "unknown step 'attention'"),
    ("mask", "appears only with the causal mask on"),
    (8, "step index must be from 0 to 7; got 8"),
    (-1, "step index must be from 0 to 7; got -1"),
])
def test_go_to_a_step_that_is_not_there_is_refused_and_stays(target, phrase):
    stepper = Stepper()
    stepper.go_to("scale")
    with pytest.raises(ValueError, match=phrase):
        stepper.go_to(target)
    assert stepper.step.key == "scale"


def test_changing_a_parameter_recomputes_and_keeps_the_step():
    stepper = Stepper()
    stepper.go_to("scores")
    before = stepper.trace["scores"]
    stepper.set(heads=3)
    assert stepper.step.key == "scores"
    assert stepper.parameters.heads == 3
    assert stepper.trace["scores"].shape == (3, 4, 4)
    np.testing.assert_array_equal(stepper.trace["scores"][:2], before)  # the first heads are as they were


def test_changing_the_sentence_recomputes():
    stepper = Stepper()
    stepper.go_to("weighted_sum")
    stepper.set(sentence="猫吃鱼")
    assert stepper.tokens == ("猫", "吃", "鱼")
    assert stepper.trace["weights"].shape == (2, 3, 3)
    assert stepper.step.key == "weighted_sum"


def test_turning_causal_on_keeps_the_step_and_adds_mask():
    stepper = Stepper()
    stepper.go_to("softmax")
    stepper.set(causal=True)
    assert "mask" in keys(stepper)
    assert stepper.step.key == "softmax"
    assert "masked" in stepper.trace


def test_when_the_mask_step_disappears_the_stepper_moves_to_softmax():
    stepper = Stepper(Parameters(causal=True))
    stepper.go_to("mask")
    stepper.set(causal=False)
    assert "mask" not in keys(stepper)
    assert stepper.step.key == "softmax"
    assert "masked" not in stepper.trace


@pytest.mark.parametrize("change", [
    {"heads": 0}, {"heads": 65}, {"d_model": 0}, {"d_k": 2000}, {"d_v": -1}, {"seed": -5},
    {"sentence": ""}, {"sentence": "x " * 513}, {"heads": "four"}, {"heads": 64, "d_model": 4096, "d_k": 1024},
])
def test_invalid_change_raises_and_leaves_everything_as_it_was(change):
    stepper = Stepper(Parameters(sentence="the cat sat", causal=True))
    stepper.go_to("mask")
    computation = stepper.computation
    with pytest.raises(ValueError):
        stepper.set(**change)
    assert stepper.computation is computation
    assert stepper.parameters == Parameters(sentence="the cat sat", causal=True)
    assert stepper.step.key == "mask"


def test_seed_change_gives_new_weights_and_back_gives_the_old_ones():
    stepper = Stepper()
    original = stepper.trace["output"]
    stepper.set(seed=1)
    assert not np.array_equal(stepper.trace["output"], original)
    stepper.set(seed=0)
    np.testing.assert_array_equal(stepper.trace["output"], original)


def test_custom_weights_are_kept_while_only_the_sentence_changes():
    custom = init_weights(8, 2, 4, seed=77)
    stepper = Stepper()
    stepper.set_weights(custom)
    stepper.set(sentence="a b c", causal=True)
    assert stepper.weights == custom
    stepper.set(d_k=5)  # a size change: seeded weights of the new size
    assert stepper.weights == init_weights(8, 2, 5)
    assert not stepper.has_custom_weights
