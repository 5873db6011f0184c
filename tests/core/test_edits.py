"""Typed-over cells of X and the W matrices: exactly the downstream matrices change, reset restores all."""

import json

import numpy as np
import pytest

from attention_stepper.core.attention import forward
from attention_stepper.core.edits import MAX_CELL_VALUE, Edits
from attention_stepper.core.embedding import embed
from attention_stepper.core.export import export_computation
from attention_stepper.core import Parameters, Stepper, compute
from attention_stepper.core.tokenize import tokenize
from attention_stepper.core.weights import Weights, init_weights

PARAMETERS = Parameters(sentence="the cat saw the dog", heads=3, d_model=6, d_k=4, d_v=2, seed=3, causal=True,
                        positional_encoding=True)
VALUE = 3.25

#: For an edit of each matrix: the trace matrices that must not move at all.
UPSTREAM = {
    "embed": (),
    "w_q": ("embed", "k", "v"),
    "w_k": ("embed", "q", "v"),
    "w_v": ("embed", "q", "k", "scores", "scaled", "masked", "weights"),
    "w_o": ("embed", "q", "k", "v", "scores", "scaled", "masked", "weights", "head_output", "concat"),
}
CELLS = [("embed", None, 1, 2), ("w_q", 1, 0, 3), ("w_k", 2, 5, 0), ("w_v", 0, 3, 1), ("w_o", None, 4, 5)]


def by_hand(parameters, cells, weights=None):
    """The trace of an independent computation: X and the weights edited with plain indexing, then forward."""
    x = embed(tokenize(parameters.sentence, parameters.tokenizer), parameters.d_model, parameters.seed,
              parameters.positional_encoding)
    base = weights or init_weights(parameters.d_model, parameters.heads, parameters.d_k, parameters.d_v,
                                   parameters.seed)
    arrays = {name: np.array(array) for name, array in base.arrays().items()}
    for (key, head, row, column), value in cells.items():
        target = x if key == "embed" else arrays[key]
        index = (row, column) if head is None else (head, row, column)
        target[index] = value
    edited = Weights(**arrays)
    return forward(x, edited, causal=parameters.causal, scale=not parameters.skip_scaling), edited


def assert_same_trace(actual, expected):
    assert list(actual) == list(expected)
    for key in expected:
        assert np.array_equal(actual[key], expected[key]), key


@pytest.mark.parametrize("cell", CELLS, ids=[cell[0] for cell in CELLS])
def test_an_edit_changes_what_an_independent_computation_says_and_nothing_upstream(cell):
    key, head, row, column = cell
    stepper = Stepper(PARAMETERS)
    before = stepper.computation
    stepper.set_cell(key, head, row, column, VALUE)
    after = stepper.computation
    expected_trace, expected_weights = by_hand(PARAMETERS, {cell: VALUE})
    assert_same_trace(after.trace, expected_trace)
    assert after.weights == expected_weights
    for upstream in UPSTREAM[key]:
        assert np.array_equal(after.trace[upstream], before.trace[upstream]), upstream
    assert not np.array_equal(after.trace["output"], before.trace["output"])
    assert after.matrix(key, head)[row, column] == VALUE
    if head is not None:  # the other heads' projections do not move
        projection = {"w_q": "q", "w_k": "k", "w_v": "v"}[key]
        others = [h for h in range(PARAMETERS.heads) if h != head]
        assert np.array_equal(after.trace[projection][others], before.trace[projection][others])
        assert not np.array_equal(after.trace[projection][head], before.trace[projection][head])


def test_an_x_edit_moves_only_its_row_of_the_projections():
    stepper = Stepper(PARAMETERS)
    before = stepper.computation
    stepper.set_cell("embed", None, 2, 0, -1.5)
    after = stepper.computation
    others = [0, 1, 3, 4]
    for key in ("q", "k", "v"):
        assert np.array_equal(after.trace[key][:, others], before.trace[key][:, others]), key
        assert not np.array_equal(after.trace[key][:, 2], before.trace[key][:, 2]), key
    assert after.trace["embed"][2, 0] == -1.5  # replaces X after the positions are added


def test_several_edits_together_match_the_independent_computation():
    cells = {cell: VALUE + i for i, cell in enumerate(CELLS)}
    stepper = Stepper(PARAMETERS)
    for (key, head, row, column), value in cells.items():
        stepper.set_cell(key, head, row, column, value)
    expected_trace, expected_weights = by_hand(PARAMETERS, cells)
    assert_same_trace(stepper.trace, expected_trace)
    assert stepper.weights == expected_weights
    assert compute(PARAMETERS, edits=Edits(cells)).weights == expected_weights


def test_reset_restores_the_seeded_trace_bit_for_bit():
    seeded = compute(PARAMETERS)
    stepper = Stepper(PARAMETERS)
    for key, head, row, column in CELLS:
        stepper.set_cell(key, head, row, column, VALUE)
    stepper.reset_edits()
    assert not stepper.edits
    assert_same_trace(stepper.trace, seeded.trace)
    assert stepper.weights == seeded.weights
    assert stepper.computation.edited_cells("embed") == []


def test_reset_returns_custom_weights_to_their_loaded_values():
    weights = init_weights(6, 3, 4, 2, seed=77)
    stepper = Stepper(PARAMETERS, weights)
    stepper.set_cell("w_o", None, 0, 0, VALUE)
    stepper.set(sentence="a b c", causal=False)  # custom weights survive, and the edit on top of them
    assert stepper.weights.w_o[0, 0] == VALUE and stepper.custom_weights == weights
    expected, _ = by_hand(stepper.parameters, {("w_o", None, 0, 0): VALUE}, weights)
    assert_same_trace(stepper.trace, expected)
    stepper.reset_edits()
    assert stepper.weights == weights
    assert_same_trace(stepper.trace, compute(stepper.parameters, weights).trace)


def test_edited_cells_reports_each_matrix_and_head():
    stepper = Stepper(PARAMETERS)
    stepper.set_cell("w_q", 1, 0, 3, 1.0)
    stepper.set_cell("w_q", 1, 2, 1, 2.0)
    stepper.set_cell("embed", None, 4, 5, 3.0)
    stepper.set_cell("w_o", None, 1, 0, 4.0)
    computation = stepper.computation
    assert computation.edited_cells("w_q", 1) == [(0, 3), (2, 1)]
    assert computation.edited_cells("w_q", 0) == []
    assert computation.edited_cells("embed") == [(4, 5)]
    assert computation.edited_cells("w_o") == [(1, 0)]
    assert computation.edited_cells("q", 1) == [] and computation.edited_cells("output") == []
    assert stepper.edits == Edits({("w_q", 1, 0, 3): 1.0, ("w_q", 1, 2, 1): 2.0, ("embed", None, 4, 5): 3.0,
                                   ("w_o", None, 1, 0): 4.0})


def test_typing_over_a_cell_again_replaces_it_and_clear_cell_undoes_one():
    stepper = Stepper(PARAMETERS)
    stepper.set_cell("w_k", 0, 0, 0, 1.0)
    stepper.set_cell("w_k", 0, 0, 0, 2.0)
    stepper.set_cell("w_v", 2, 1, 1, 5.0)
    assert stepper.edits.cells == {("w_k", 0, 0, 0): 2.0, ("w_v", 2, 1, 1): 5.0}
    stepper.clear_cell("w_k", 0, 0, 0)
    expected, _ = by_hand(PARAMETERS, {("w_v", 2, 1, 1): 5.0})
    assert_same_trace(stepper.trace, expected)
    before = stepper.computation
    stepper.clear_cell("w_k", 0, 0, 0)  # not edited: nothing happens
    assert stepper.computation is before


@pytest.mark.parametrize("call, message", [
    (("x", None, 0, 0, 1.0), "only X and the W matrices"),
    (("q", 0, 0, 0, 1.0), "only X and the W matrices"),
    (("w_q", None, 0, 0, 1.0), "one matrix per head"),
    (("embed", 0, 0, 0, 1.0), "shared by all heads"),
    (("w_o", 1, 0, 0, 1.0), "shared by all heads"),
    (("w_k", 3, 0, 0, 1.0), "no head 3"),
    (("embed", None, 5, 0, 1.0), "no row 5"),
    (("embed", None, 0, 6, 1.0), "no column 6"),
    (("w_v", 0, 0, 2, 1.0), "no column 2"),
    (("w_o", None, 6, 0, 1.0), "no row 6"),
    (("embed", None, -1, 0, 1.0), "must not be negative"),
    (("embed", None, 0, 1.5, 1.0), "whole number"),
    (("embed", None, True, 0, 1.0), "whole number"),
    (("embed", None, 0, 0, float("nan")), "finite"),
    (("embed", None, 0, 0, float("inf")), "finite"),
    (("embed", None, 0, 0, "2"), "must be a number"),
    (("embed", None, 0, 0, None), "must be a number"),
    (("embed", None, 0, 0, True), "must be a number"),
    (("embed", None, 0, 0, MAX_CELL_VALUE * 1.5), "from -1000000 to 1000000"),
])
def test_a_bad_cell_or_value_is_refused_and_changes_nothing(call, message):
    stepper = Stepper(PARAMETERS)
    stepper.set_cell("w_q", 0, 0, 0, 1.0)
    before = stepper.computation
    with pytest.raises(ValueError, match=message):
        stepper.set_cell(*call)
    assert stepper.computation is before


def test_the_largest_allowed_values_keep_the_trace_finite():
    stepper = Stepper(Parameters(sentence="a b", heads=1, d_model=2, d_k=1))
    for row in range(2):
        for column in range(2):
            stepper.set_cell("embed", None, row, column, MAX_CELL_VALUE)
    stepper.set_cell("w_q", 0, 0, 0, -MAX_CELL_VALUE)
    stepper.set_cell("w_k", 0, 1, 0, MAX_CELL_VALUE)
    assert all(np.isfinite(array).all() for array in stepper.trace.values())
    stepper.set_cell("w_v", 0, 0, 0, np.float32(0.5))  # NumPy numbers are numbers too
    assert stepper.weights.w_v[0, 0, 0] == 0.5


def test_parameter_changes_keep_the_edits_that_still_fit():
    stepper = Stepper(PARAMETERS)
    cells = {("embed", None, 4, 5): 1.0, ("embed", None, 0, 0): 2.0, ("w_q", 2, 5, 3): 3.0, ("w_q", 0, 1, 1): 4.0,
             ("w_v", 1, 0, 1): 5.0, ("w_o", None, 5, 2): 6.0, ("w_o", None, 1, 1): 7.0}
    for (key, head, row, column), value in cells.items():
        stepper.set_cell(key, head, row, column, value)

    stepper.set(sentence="a b c")  # 3 tokens: X row 4 is gone, row 0 stays at its position
    assert ("embed", None, 4, 5) not in stepper.edits.cells
    assert stepper.edits.cells[("embed", None, 0, 0)] == 2.0 and len(stepper.edits) == 6
    stepper.set(heads=2)  # head 3 and W_O's rows 4 and 5 are gone
    assert set(stepper.edits.cells) == {("embed", None, 0, 0), ("w_q", 0, 1, 1), ("w_v", 1, 0, 1),
                                        ("w_o", None, 1, 1)}
    stepper.set(heads=3)  # dropped edits do not come back
    assert len(stepper.edits) == 4
    stepper.set(d_v=1)  # W_V has one column now; W_O has 3 rows
    assert set(stepper.edits.cells) == {("embed", None, 0, 0), ("w_q", 0, 1, 1), ("w_o", None, 1, 1)}
    stepper.set(causal=False, positional_encoding=False, skip_scaling=True, d_k=2)  # (1, 1) still fits d_k 2
    assert len(stepper.edits) == 3
    expected, _ = by_hand(stepper.parameters, dict(stepper.edits.cells))
    assert_same_trace(stepper.trace, expected)


def test_a_seed_change_keeps_the_edits_on_top_of_the_new_seeded_values():
    stepper = Stepper(PARAMETERS)
    stepper.set_cell("w_k", 1, 2, 3, VALUE)
    stepper.set_cell("embed", None, 0, 1, VALUE)
    stepper.set(seed=4)
    assert stepper.edits.cells == {("w_k", 1, 2, 3): VALUE, ("embed", None, 0, 1): VALUE}
    expected, weights = by_hand(stepper.parameters, dict(stepper.edits.cells))
    assert_same_trace(stepper.trace, expected)
    assert stepper.weights == weights


def test_new_or_reset_weights_drop_the_weight_edits_but_keep_x_edits():
    stepper = Stepper(PARAMETERS)
    stepper.set_cell("w_q", 0, 0, 0, VALUE)
    stepper.set_cell("embed", None, 1, 1, VALUE)
    loaded = init_weights(6, 3, 4, 2, seed=50)
    stepper.set_weights(loaded)
    assert stepper.edits.cells == {("embed", None, 1, 1): VALUE}
    assert stepper.weights == loaded and stepper.custom_weights == loaded
    stepper.set_cell("w_o", None, 0, 0, VALUE)
    stepper.set_weights(None)  # "Reset weights": the seeded values
    assert stepper.edits.cells == {("embed", None, 1, 1): VALUE}
    assert stepper.weights == compute(PARAMETERS).weights and stepper.custom_weights is None


def test_compute_refuses_edits_whose_cell_does_not_exist():
    with pytest.raises(ValueError, match="no row 5"):
        compute(PARAMETERS, edits=Edits({("embed", None, 5, 0): 1.0}))
    with pytest.raises(ValueError, match="no head 3"):
        compute(PARAMETERS, edits=Edits({("w_v", 3, 0, 0): 1.0}))


def test_restore_replaces_everything_at_once_or_nothing():
    stepper = Stepper()
    edits = Edits({("w_q", 2, 0, 0): VALUE})
    weights = init_weights(6, 3, 4, 2, seed=8)
    stepper.restore(PARAMETERS, weights, edits, step="mask")
    assert stepper.step.key == "mask" and stepper.custom_weights == weights and stepper.edits == edits
    before = stepper.computation
    with pytest.raises(ValueError):
        stepper.restore(PARAMETERS, None, Edits({("embed", None, 9, 0): 1.0}))
    with pytest.raises(ValueError, match="causal"):
        stepper.restore(Parameters(), step="mask")
    assert stepper.computation is before and stepper.step.key == "mask"


def test_edits_are_an_immutable_value():
    edits = Edits({("w_o", None, 0, 1): 2, ("embed", None, 0, 0): 1.0})
    assert list(edits.cells) == [("embed", None, 0, 0), ("w_o", None, 0, 1)]  # a fixed order
    assert isinstance(edits.cells[("w_o", None, 0, 1)], float)
    with pytest.raises(TypeError):
        edits.cells[("embed", None, 0, 0)] = 5.0
    with pytest.raises(AttributeError):
        edits.cells = {}
    changed = edits.with_cell("w_q", 0, 0, 0, 1.0)
    assert len(edits) == 2 and len(changed) == 3
    assert edits == Edits({("embed", None, 0, 0): 1.0, ("w_o", None, 0, 1): 2.0})
    assert hash(edits) == hash(Edits({("embed", None, 0, 0): 1.0, ("w_o", None, 0, 1): 2.0}))
    assert not Edits() and Edits() == Edits({})
    with pytest.raises(ValueError):
        Edits({("embed", None, 0, 0): float("nan")})


def test_records_round_trip_with_heads_counted_from_one():
    edits = Edits({("w_v", 0, 1, 2): -0.1, ("embed", None, 3, 4): 1e-300, ("w_o", None, 5, 0): 7.0})
    records = edits.to_records()
    assert records[0] == {"matrix": "embed", "head": None, "row": 3, "column": 4, "value": 1e-300}
    assert records[1]["head"] == 1
    assert Edits.from_records(json.loads(json.dumps(records))) == edits
    for bad in ({"matrix": "w_q", "head": 0, "row": 0, "column": 0, "value": 1.0},
                {"matrix": "w_q", "head": 1, "row": 0, "column": 0},
                {"matrix": "w_q", "head": 1, "row": 0, "column": 0, "value": "1"},
                [1, 2]):
        with pytest.raises(ValueError, match="edit 1"):
            Edits.from_records([bad])
    with pytest.raises(ValueError, match="twice"):
        Edits.from_records(records + records[:1])


def test_export_writes_the_edited_matrices_weights_and_the_edits(tmp_path):
    stepper = Stepper(PARAMETERS)
    stepper.set_cell("w_q", 2, 0, 1, VALUE)
    stepper.set_cell("embed", None, 3, 0, -VALUE)
    folder = export_computation(stepper.computation, tmp_path / "out")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["edits"] == [
        {"matrix": "embed", "head": None, "row": 3, "column": 0, "value": -VALUE},
        {"matrix": "w_q", "head": 3, "row": 0, "column": 1, "value": VALUE},
    ]
    with np.load(folder / "weights.npz", allow_pickle=False) as archive:
        assert archive["w_q"][2, 0, 1] == VALUE
        for name in ("w_q", "w_k", "w_v", "w_o"):
            assert np.array_equal(archive[name], getattr(stepper.weights, name)), name
    with np.load(folder / "matrices.npz", allow_pickle=False) as archive:
        assert archive["embed"][3, 0] == -VALUE
        assert np.array_equal(archive["output"], stepper.trace["output"])
    plain = export_computation(compute(PARAMETERS), tmp_path / "plain")
    assert json.loads((plain / "manifest.json").read_text(encoding="utf-8"))["edits"] == []


def test_edits_after_each_size_or_seed_change_sit_on_that_change_s_seeded_weights():
    stepper = Stepper(PARAMETERS)
    stepper.set_cell("w_q", 0, 0, 0, VALUE)
    for change in ({"seed": 5}, {"heads": 2}, {"d_k": 3}, {"d_v": None}, {"d_model": 7}, {"seed": 3}):
        stepper.set(**change)
        stepper.set_cell("w_o", None, 0, 1, VALUE + 1)
        stepper.set_cell("embed", None, 0, 2, VALUE + 2)
        expected, weights = by_hand(stepper.parameters, dict(stepper.edits.cells))
        assert_same_trace(stepper.trace, expected)
        assert stepper.weights == weights, change
        stepper.reset_edits()
        assert stepper.weights == compute(stepper.parameters).weights, change
        stepper.set_cell("w_q", 0, 0, 0, VALUE)
