"""Skipping the division by √d_k: forward(scale=False), Parameters.skip_scaling, manifest.

The ``--skip-scaling`` flag is checked in tests/cli/test_skip_scaling_flag.py.
"""

import json

import numpy as np

from attention_stepper.core.attention import forward, softmax
from attention_stepper.core.export import export_computation, manifest
from attention_stepper.core import Parameters, Stepper, compute
from attention_stepper.core.formulas import shape_lines
from attention_stepper.core.weights import init_weights


def test_forward_without_scaling_divides_by_one():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 8))
    weights = init_weights(8, 2, 16, seed=1)
    trace = forward(x, weights, scale=False)
    np.testing.assert_array_equal(trace["scaled"], trace["scores"])
    np.testing.assert_array_equal(trace["weights"], softmax(trace["scores"]))
    assert trace["scaled"] is not trace["scores"]


def test_forward_scales_by_default_and_with_scale_true():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 8))
    weights = init_weights(8, 2, 16, seed=2)
    default, explicit = forward(x, weights), forward(x, weights, scale=True)
    np.testing.assert_array_equal(default["scaled"], default["scores"] / 4.0)
    for key in default:
        np.testing.assert_array_equal(default[key], explicit[key])


def test_skipping_keeps_the_causal_mask():
    x = np.random.default_rng(5).standard_normal((4, 8))
    trace = forward(x, init_weights(8, 2, 4), causal=True, scale=False)
    assert np.isneginf(trace["masked"][:, 0, 1:]).all()
    np.testing.assert_array_equal(trace["weights"][:, 0, 0], 1.0)


def test_unscaled_softmax_is_sharper_for_large_d_k():
    scaled = compute(Parameters(d_k=256))
    unscaled = compute(Parameters(d_k=256, skip_scaling=True))
    np.testing.assert_array_equal(scaled.trace["scores"], unscaled.trace["scores"])
    assert unscaled.trace["weights"].max(axis=-1).mean() > scaled.trace["weights"].max(axis=-1).mean()


def test_parameters_default_and_validation():
    assert Parameters().skip_scaling is False
    assert Parameters(skip_scaling=1).validated().skip_scaling is True


def test_stepper_keeps_the_step_when_scaling_is_switched():
    stepper = Stepper()
    stepper.go_to("scale")
    stepper.set(skip_scaling=True)
    assert stepper.step.key == "scale"
    np.testing.assert_array_equal(stepper.trace["scaled"], stepper.trace["scores"])


def test_shape_line_says_scaling_is_skipped():
    skipped = compute(Parameters(skip_scaling=True))
    assert shape_lines(skipped, "scale") == ["scaled₁ = scores₁ (scaling skipped) : 4×4"]
    assert shape_lines(skipped, "scale", head=1) == ["scaled₂ = scores₂ (scaling skipped) : 4×4"]
    assert shape_lines(compute(Parameters()), "scale") == ["scaled₁ = scores₁ / √4 : 4×4"]


def test_manifest_records_skip_scaling(tmp_path):
    assert manifest(compute(Parameters()))["skip_scaling"] is False
    folder = export_computation(compute(Parameters(skip_scaling=True)), tmp_path / "out")
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["skip_scaling"] is True
