"""Opening and saving weights from the app, in our layout and PyTorch's."""

import numpy as np

from attention_stepper.core import compute
from attention_stepper.core.torch_layout import load_torch_weights
from attention_stepper.core.weights import init_weights, load_weights, save_weights

from panel_checks import displayed, shown_image


def test_open_weights_of_other_sizes_recomputes_everything(window, tmp_path):
    weights = init_weights(d_model=6, heads=3, d_k=5, d_v=2, seed=42)
    save_weights(weights, tmp_path / "w.npz")
    assert window.exporter.open_weights(tmp_path / "w.npz")
    parameters = window.model.parameters
    assert (parameters.heads, parameters.d_model, parameters.d_k, parameters.value_dim) == (3, 6, 5, 2)
    assert window.controls.heads.editor.value() == 3 and window.controls.d_v.editor.value() == 2
    window.model.go_to("output")
    expected = compute(parameters, weights)
    np.testing.assert_array_equal(shown_image(window.step_view.panel("output")), displayed(expected.trace["output"]))
    window.reset_weights_action.trigger()
    assert not window.model.has_custom_weights
    assert window.model.computation.weights == init_weights(6, 3, 5, 2, seed=0)


def test_a_bad_weights_file_changes_nothing(window, tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    before = window.model.computation.weights
    assert not window.exporter.open_weights(tmp_path / "bad.npz")
    assert "bad.npz" in window.exporter.last_message
    assert window.model.computation.weights is before


def test_save_weights_in_both_layouts_round_trips(window, tmp_path):
    window.controls.d_model.editor.setValue(8)
    window.controls.heads.editor.setValue(2)
    window.controls.d_k.editor.setValue(4)  # d_k = d_model / h: PyTorch's layout applies
    current = window.model.computation.weights
    ours = window.exporter.save_weights(tmp_path / "ours.npz", torch_layout=False)
    assert load_weights(ours) == current
    torch = window.exporter.save_weights(tmp_path / "torch.npz", torch_layout=True)
    assert load_torch_weights(torch, heads=2) == current
    assert window.exporter.open_weights(torch)
    assert window.model.computation.weights == current


def test_pytorch_layout_needs_d_k_equal_to_d_model_over_heads(window, tmp_path):
    window.controls.d_k.editor.setValue(3)
    assert window.exporter.save_weights(tmp_path / "torch.npz", torch_layout=True) is None
    assert "Nothing was written" in window.exporter.last_message
    assert not (tmp_path / "torch.npz").exists()
