"""The Stepper's two halves: plan (check, compute nothing) and accept (apply a finished result).

The GUI computes a plan on a worker thread; these tests hold that planning
changes nothing, that plan + compute + accept is exactly ``set``, and that a
plan made after a pending one means both changes.
"""

import numpy as np
import pytest

import attention_stepper.core.computation as computation_module
from attention_stepper.core import Parameters
from attention_stepper.core.computation import compute
from attention_stepper.core.stepper import Stepper
from attention_stepper.core.weights import init_weights


def assert_same_state(a: Stepper, b: Stepper) -> None:
    assert a.parameters == b.parameters
    assert a.step.key == b.step.key
    assert a.edits == b.edits
    assert a.has_custom_weights == b.has_custom_weights
    for key in a.trace:
        np.testing.assert_array_equal(a.trace[key], b.trace[key])


def test_planning_checks_but_computes_and_changes_nothing(monkeypatch):
    stepper = Stepper()
    before = stepper.computation
    calls = []
    monkeypatch.setattr(computation_module, "forward", lambda *a, **k: calls.append(1))
    plan = stepper.plan(heads=3, d_k=5)
    assert calls == [] and stepper.computation is before
    assert plan.parameters.heads == 3 and plan.parameters.d_k == 5
    with pytest.raises(ValueError, match="heads must be a whole number from 1 to 64; got 0"):
        stepper.plan(heads=0)
    assert stepper.computation is before


def test_plan_compute_accept_is_set():
    planned, direct = Stepper(), Stepper()
    for stepper in (planned, direct):
        stepper.go_to("softmax")
    plan = planned.plan(causal=True, heads=3)
    planned.accept(plan.compute(), plan)
    direct.set(causal=True, heads=3)
    assert_same_state(planned, direct)


def test_a_plan_after_a_pending_one_means_both_changes():
    stepper, reference = Stepper(), Stepper()
    stepper.set_cell("embed", None, 0, 0, 2.5)
    reference.set_cell("embed", None, 0, 0, 2.5)
    first = stepper.plan(heads=4)
    second = stepper.plan(first, d_k=6)
    third = stepper.plan_cell("w_q", 3, 0, 0, 1.5, second)  # head 3 exists only after the first plan
    stepper.accept(third.compute(), third)
    reference.set(heads=4)
    reference.set(d_k=6)
    reference.set_cell("w_q", 3, 0, 0, 1.5)
    assert_same_state(stepper, reference)


def test_a_cell_plan_is_checked_against_the_pending_sizes():
    stepper = Stepper()
    smaller = stepper.plan(d_model=2)
    with pytest.raises(ValueError):
        stepper.plan_cell("embed", None, 0, 5, 1.0, smaller)
    stepper.plan_cell("embed", None, 0, 5, 1.0)  # fine at the accepted d_model 8


def test_custom_weights_are_kept_through_a_plan_after_a_pending_one():
    weights = init_weights(8, 2, 4, seed=5)
    stepper = Stepper(weights=weights)
    first = stepper.plan(causal=True)
    second = stepper.plan(first, sentence="猫 吃 鱼")
    stepper.accept(second.compute(), second)
    assert stepper.custom_weights is weights
    np.testing.assert_array_equal(stepper.weights.w_q, weights.w_q)
    np.testing.assert_array_equal(stepper.trace["embed"], compute(second.parameters, weights).trace["embed"])


def test_a_restored_step_survives_a_change_planned_after_it():
    stepper = Stepper()
    restore = stepper.plan_restore(Parameters(causal=True), step="mask")
    after = stepper.plan(restore, d_k=6)
    stepper.accept(after.compute(), after)
    assert stepper.step.key == "mask" and stepper.parameters.d_k == 6


def test_accept_refuses_a_computation_of_another_plan():
    stepper = Stepper()
    plan = stepper.plan(heads=3)
    other = stepper.plan(heads=4)
    with pytest.raises(ValueError, match="not the one the plan describes"):
        stepper.accept(other.compute(), plan)
    assert stepper.parameters.heads == 2


def test_nothing_to_reset_or_clear_plans_nothing():
    stepper = Stepper()
    assert stepper.plan_reset_edits() is None
    assert stepper.plan_clear_cell("embed", None, 0, 0) is None


def test_the_estimate_grows_with_the_sizes():
    small = Stepper().plan(d_k=5).estimated_seconds()
    sentence = " ".join(f"w{i}" for i in range(256))
    large = Stepper().plan(sentence=sentence, heads=8, d_model=64).estimated_seconds()
    wide = Stepper().plan(d_model=4096, d_k=256).estimated_seconds()
    assert 0 < small < 1e-3 < large and small < wide
