"""Weights are bounded in magnitude, so that no product can overflow (issue 13, item 8).

Finite but huge weights (1e308) were accepted and gave NaN and inf in every
matrix, in the command's export, the app and a session. Every path now
refuses a weight beyond ±MAX_MAGNITUDE with the same message, because the
check is in Weights itself; and within the bound the largest sizes give a
finite trace, as the arithmetic in core/limits.py says.
"""

from __future__ import annotations

import numpy as np
import pytest
from bounded import assert_refused, run_command

from attention_stepper.core import (
    Parameters,
    SessionFileError,
    Weights,
    WeightsFileError,
    compute,
    from_torch_state,
    init_weights,
    load_session,
    load_torch_weights,
    load_weights,
    save_weights,
)
from attention_stepper.core.edits import MAX_CELL_VALUE, Edits
from attention_stepper.core.limits import MAX_MAGNITUDE
from attention_stepper.core.session import JSON_NAME, session_json
from attention_stepper.core.torch_layout import to_torch_state

MESSAGE = "every weight must be from -1000000 to 1000000, so that no product overflows"


def huge(value: float = 1e308, name: str = "w_k") -> dict[str, np.ndarray]:
    arrays = {key: np.array(array) for key, array in init_weights(8, 2, 4).arrays().items()}
    arrays[name][1, 2, 0] = value
    return arrays


def test_typed_cells_and_weights_share_one_bound():
    assert MAX_MAGNITUDE == MAX_CELL_VALUE == 1e6


@pytest.mark.parametrize("value, shown", [(1e308, "1e+308"), (-1e7, "-1e+07"), (1_000_000.5, "1e+06")])
def test_the_python_api_refuses_huge_weights(value, shown):
    with pytest.raises(ValueError) as raised:
        Weights(**huge(value))
    assert str(raised.value) == f"w_k holds {shown}; {MESSAGE}"


def test_weights_at_the_bound_are_accepted():
    assert Weights(**huge(MAX_MAGNITUDE)).w_k[1, 2, 0] == MAX_MAGNITUDE
    assert Weights(**huge(-MAX_MAGNITUDE)).w_k[1, 2, 0] == -MAX_MAGNITUDE


def test_a_weights_file_with_huge_values_is_refused(tmp_path):
    path = tmp_path / "huge.npz"
    np.savez(path, **huge())
    with pytest.raises(WeightsFileError) as raised:
        load_weights(path)
    assert str(raised.value) == f"{path}: w_k holds 1e+308; {MESSAGE}"


def test_the_command_refuses_huge_weights_instead_of_exporting_nan(tmp_path):
    path = tmp_path / "huge.npz"
    np.savez(path, **huge())
    result = run_command("export", "--weights", path, "--out", tmp_path / "out")
    assert_refused(result, str(path), "w_k holds 1e+308", MESSAGE)
    assert not (tmp_path / "out").exists()


def test_a_torch_layout_file_with_huge_values_is_refused_naming_its_array(tmp_path):
    state = to_torch_state(init_weights(8, 2, 4))
    state["out_proj.weight"] = state["out_proj.weight"].copy()
    state["out_proj.weight"][0, 0] = -3e200
    with pytest.raises(ValueError, match=f"out_proj.weight holds -3e\\+200; {MESSAGE}"):
        from_torch_state(state, 2)
    path = tmp_path / "torch.npz"
    np.savez(path, **state)
    with pytest.raises(WeightsFileError) as raised:
        load_torch_weights(path, 2)
    assert str(raised.value) == f"{path}: out_proj.weight holds -3e+200; {MESSAGE}"


def test_a_session_with_huge_weights_is_refused(tmp_path):
    path = tmp_path / "huge.attn.npz"
    np.savez(path, **{JSON_NAME: np.array(session_json(Parameters(), Edits()))}, **huge())
    with pytest.raises(SessionFileError) as raised:
        load_session(path)
    assert str(raised.value) == f"{path}: w_k holds 1e+308; {MESSAGE}"


def test_a_saved_file_at_the_bound_round_trips(tmp_path):
    weights = Weights(**huge(-MAX_MAGNITUDE))
    assert load_weights(save_weights(weights, tmp_path / "w.npz")) == weights


@pytest.mark.parametrize("heads, d_model, d_k", [(1, 4096, 1024), (64, 64, 1024)])
def test_the_largest_sizes_at_the_bound_give_a_finite_trace(heads, d_model, d_k):
    """Every weight and every cell of X at +1e6, scaling skipped: the worst case of limits.py's arithmetic."""
    weights = Weights(np.full((heads, d_model, d_k), MAX_MAGNITUDE), np.full((heads, d_model, d_k), MAX_MAGNITUDE),
                      np.full((heads, d_model, d_k), MAX_MAGNITUDE), np.full((heads * d_k, d_model), MAX_MAGNITUDE))
    edits = Edits({("embed", None, row, column): MAX_CELL_VALUE for row in range(2) for column in range(d_model)})
    parameters = Parameters(sentence="the cat", heads=heads, d_model=d_model, d_k=d_k, skip_scaling=True,
                            causal=True)
    computation = compute(parameters, weights, edits)
    for key, matrix in computation.trace.items():
        finite = matrix[np.isfinite(matrix)] if key == "masked" else matrix  # the causal mask's -inf is by design
        assert np.isfinite(finite).all(), key
        assert np.abs(finite).max() < 1e70, key
