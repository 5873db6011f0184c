"""The Steps tab shows where every number comes from: pointing at a cell lights its sources, and its arithmetic.

Hovering (or selecting with the keyboard) a cell of any step's panels
lights, in the other panels shown, the cells it is computed from — or, for
an input, the cells it feeds — and the strip under the panels writes its
arithmetic with its numbers. The expected cells are written out by hand per
step (the query row and the key column of Kᵀ at the scores, the whole row of
logits at softmax…); the arithmetic is the core's, in the app's language. A
product is drawn as a product: Kᵀ above the scores and Q to their left.
(The panel's own lighting and pointing are tests/gui/test_panel_provenance.py's.)
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from attention_stepper.core import Parameters
from attention_stepper.core.cell_arithmetic import cell_arithmetic, number
from command_line import assert_refused, run_cli

SENTENCE = "我 爱 机器 学习"


@pytest.fixture
def view(qtbot):
    """The step view of a model of the four-token sentence, shown large enough for its panels."""
    from attention_stepper.gui.model import AttentionModel
    from attention_stepper.gui.step_view import StepView

    def make(step: str, head: int | None = 0, **options) -> StepView:
        model = AttentionModel(Parameters(sentence=SENTENCE, **options))
        model.go_to(step)
        model.set_head(head)
        shown = StepView(model)
        qtbot.addWidget(shown)
        shown.resize(1200, 900)
        shown.show()
        qtbot.waitExposed(shown)
        return shown

    return make


def lit(view) -> dict[tuple[str, int | None], set[tuple[int, int]]]:
    """Every panel's lit cells, in the panel's own (row, column), for the panels that have any."""
    return {(key, head): set(panel.lit_cells()) for key, head, panel in view.panels() if panel.lit_cells()}


def cells(rows, columns) -> set[tuple[int, int]]:
    return {(row, column) for row in rows for column in columns}


def factor(value: float) -> str:
    """A number inside a product, as the arithmetic writes it: (−0.45)×0.30."""
    return f"({number(value)})" if number(value).startswith("−") else number(value)


def arithmetic(view, key: str, head: int | None, row: int, column: int) -> list[str]:
    """What the core writes for that cell, in the language the app shows (English here)."""
    from attention_stepper.gui.i18n import core_text

    return cell_arithmetic(view.model.computation, key, head, row, column, translate=core_text)


def test_a_scores_cell_lights_its_query_row_and_its_key_column_of_kt_and_writes_its_dot_product(view):
    view = view("scores")
    view.panel("scores", 0).hover_cell(1, 2)  # scores₁[爱, 机器]
    assert lit(view) == {("q", 0): cells([1], range(4)),  # the query 爱's row of Q₁
                         ("k", 0): cells(range(4), [2])}  # the key 机器's column of K₁ᵀ (its row of K₁)
    computation = view.model.computation
    q, k = computation.matrix("q", 0), computation.matrix("k", 0)
    first = view.arithmetic.lines()[0]
    products = " + ".join(f"{factor(a)}×{factor(b)}" for a, b in zip(q[1], k[2]))
    assert first == f"scores₁[爱, 机器] = q₁(爱)·k₁(机器) = {products} = {number(computation.matrix('scores', 0)[1, 2])}"
    assert view.arithmetic.lines() == arithmetic(view, "scores", 0, 1, 2)
    assert view.pointed_cell() == ("scores", 0, 1, 2)


def test_kt_is_drawn_above_the_scores_and_q_to_their_left_so_row_and_column_meet_at_the_cell(view):
    view = view("scores")
    computation = view.model.computation
    q, k, scores = view.panel("q", 0), view.panel("k", 0), view.panel("scores", 0)
    place = {name: view.grid.getItemPosition(view.grid.indexOf(panel))[:2]
             for name, panel in (("q", q), ("k", k), ("scores", scores))}
    assert place == {"k": (0, 1), "q": (1, 0), "scores": (1, 1)}
    assert k.geometry().left() == scores.geometry().left() and k.geometry().bottom() < scores.geometry().top()
    assert q.geometry().top() == scores.geometry().top() and q.geometry().right() < scores.geometry().left()
    assert view.is_transposed("k", 0) and not view.is_transposed("q", 0) and not view.is_transposed("scores", 0)
    np.testing.assert_array_equal(k.matrix(), computation.matrix("k", 0).T)
    assert k.row_labels() == ["d1", "d2", "d3", "d4"]
    assert k.column_labels() == SENTENCE.split()
    assert k.title() == "K₁ᵀ  (4×4)"
    assert scores.column_labels() == k.column_labels()  # the column of Kᵀ over the column of the scores


def test_all_heads_products_side_by_side_each_with_its_kt_above(view):
    view = view("scores", head=None)
    place = {(key, head): view.grid.getItemPosition(view.grid.indexOf(panel))[:2]
             for key, head, panel in view.panels()}
    assert place == {("q", 0): (1, 0), ("k", 0): (0, 1), ("scores", 0): (1, 1),
                     ("q", 1): (1, 2), ("k", 1): (0, 3), ("scores", 1): (1, 3)}
    view.panel("scores", 1).hover_cell(3, 0)
    assert lit(view) == {("q", 1): cells([3], range(4)), ("k", 1): cells(range(4), [0])}


def test_pointing_at_a_cell_of_kt_lights_the_scores_column_it_feeds(view):
    view = view("scores")
    view.panel("k", 0).hover_cell(2, 3)  # Kᵀ row d3, column 学习: K₁[学习, d3]
    assert lit(view) == {("scores", 0): cells(range(4), [3])}
    assert view.pointed_cell() == ("k", 0, 3, 2)
    assert view.arithmetic.lines() == arithmetic(view, "k", 0, 3, 2)
    assert view.arithmetic.lines()[0].startswith("K₁[学习, d3] = x(学习)·W_K₁[:, d3] = ")


def test_a_query_row_lights_the_scores_row_it_feeds(view):
    view = view("scores")
    view.panel("q", 0).hover_cell(0, 1)
    assert lit(view) == {("scores", 0): cells([0], range(4))}


# (options, step, head, pointed (key, head, row, column), lit {(key, head): cells}, words in the arithmetic)
CASES = [
    ({}, "project", 0, ("q", 0, 1, 2), {("embed", None): cells([1], range(8)), ("w_q", 0): cells(range(8), [2])},
     "Q₁[爱, d3] = x(爱)·W_Q₁[:, d3] = "),
    ({}, "project", 0, ("embed", None, 2, 5),
     {("q", 0): cells([2], range(4)), ("k", 0): cells([2], range(4)), ("v", 0): cells([2], range(4))},
     "X[机器, d6] = word vector of 机器"),
    ({}, "project", 0, ("w_v", 0, 3, 1), {("v", 0): cells(range(4), [1])}, "W_V₁[d4, d2] = "),
    ({"bias": True}, "project", 0, ("k", 0, 0, 3),
     {("embed", None): cells([0], range(8)), ("w_k", 0): cells(range(8), [3]), ("b_k", 0): {(0, 3)}},
     " + b_K₁[d4] = "),
    ({}, "scale", 0, ("scaled", 0, 1, 2), {("scores", 0): {(1, 2)}}, "scaled₁[爱, 机器] = scores₁[爱, 机器] / √4"),
    ({"causal": True}, "mask", 0, ("masked", 0, 1, 2), {("scaled", 0): {(1, 2)}},
     "hidden by the causal mask: 机器 comes after 爱"),
    ({"causal": True}, "mask", 0, ("masked", 0, 2, 1), {("scaled", 0): {(2, 1)}}, "visible: no mask hides"),
    ({}, "softmax", 0, ("weights", 0, 1, 2), {("scaled", 0): cells([1], range(4))}, "A₁[爱, 机器] = e^{"),
    ({}, "softmax", 1, ("scaled", 1, 3, 0), {("weights", 1): cells([3], range(4))}, "scaled₂[学习, 我] = "),
    ({}, "weighted_sum", 0, ("head_output", 0, 1, 2),
     {("weights", 0): cells([1], range(4)), ("v", 0): cells(range(4), [2])}, "head₁[爱, d3] = A₁[爱, :]·V₁[:, d3] = "),
    ({}, "weighted_sum", 0, ("v", 0, 0, 1), {("head_output", 0): cells(range(4), [1])}, "V₁[我, d2] = "),
    ({}, "concat", None, ("concat", None, 1, 5), {("head_output", 1): {(1, 1)}}, "concat[爱, h2:d2] = head₂[爱, d2] = "),
    ({}, "output", None, ("output", None, 1, 3), {("concat", None): cells([1], range(8)),
                                                  ("w_o", None): cells(range(8), [3])}, "output[爱, d4] = concat[爱, :]·W_O[:, d4] = "),
    ({"bias": True}, "output", None, ("b_o", None, 0, 6), {("output", None): cells(range(4), [6])}, "b_O[d7] = "),
    ({"rope": "half"}, "rope", 0, ("q_rotated", 0, 1, 0), {("q", 0): {(1, 0), (1, 2)}, ("rope_angles", None): {(1, 0)}},
     "·cos θ − "),
    ({"rope": "half"}, "rope", 0, ("k_rotated", 0, 3, 3), {("k", 0): {(3, 1), (3, 3)}, ("rope_angles", None): {(3, 1)}},
     "·sin θ"),
    ({"rope": "interleaved"}, "rope", 0, ("k", 0, 2, 3), {("k_rotated", 0): {(2, 2), (2, 3)}}, "K₁[机器, d4] = "),
    ({"rope": "half"}, "scores", 0, ("scores", 0, 1, 2),
     {("q_rotated", 0): cells([1], range(4)), ("k_rotated", 0): cells(range(4), [2])}, "q′₁(爱)·k′₁(机器)"),
    ({"kv_heads": 1}, "repeat_kv", 1, ("k_repeated", 1, 1, 2), {("k", 0): {(1, 2)}}, "K₂[爱, d3] = K_kv₁[爱, d3]"),
    ({"kv_heads": 1}, "repeat_kv", 1, ("v", 0, 3, 0), {("v_repeated", 1): {(3, 0)}}, "V_kv₁[学习, d1] = "),
    ({"kv_heads": 1}, "scores", 1, ("scores", 1, 0, 3),
     {("q", 1): cells([0], range(4)), ("k_repeated", 1): cells(range(4), [3])}, "q₂(我)·k₂(学习)"),
    ({"alibi": True}, "position_bias", 0, ("biased", 0, 3, 1),
     {("scaled", 0): {(3, 1)}, ("position_bias", 0): {(3, 1)}}, "biased₁[学习, 爱] = scaled₁[学习, 爱] + ALiBi₁[学习, 爱]"),
    ({"alibi": True}, "position_bias", 0, ("position_bias", 0, 3, 1), {("biased", 0): {(3, 1)}}, "−m₁·|3 − 1|"),
    ({"causal": True, "window": 2}, "mask", 0, ("masked", 0, 3, 0), {("scaled", 0): {(3, 0)}},
     "hidden by the window: 我 is 3 tokens from 学习, the window is 2"),
]


@pytest.mark.parametrize("options, step, head, pointed, expected, words", CASES,
                         ids=[f"{case[1]}-{case[3][0]}-{'-'.join(case[0]) or 'plain'}" for case in CASES])
def test_every_step_lights_what_a_cell_is_made_of_or_feeds_and_writes_its_arithmetic(view, options, step, head,
                                                                                    pointed, expected, words):
    view = view(step, head, **options)
    key, matrix_head, row, column = pointed
    panel = view.panel(key, matrix_head)
    if view.is_transposed(key, matrix_head):
        row, column = column, row
    panel.hover_cell(row, column)
    assert lit(view) == expected
    lines = view.arithmetic.lines()
    assert lines == arithmetic(view, *pointed)
    assert words in "\n".join(lines)
    assert lines[0].endswith(f" = {number(view.model.computation.matrix(key, matrix_head)[pointed[2], pointed[3]])}")


def test_leaving_clears_the_lit_cells_and_the_arithmetic(view):
    view = view("softmax")
    panel = view.panel("weights", 0)
    panel.hover_cell(2, 2)
    assert lit(view)
    panel.hover_cell(-1, -1)  # the mouse leaves the cells
    assert lit(view) == {}
    assert view.arithmetic.lines() == [] and view.arithmetic.text().startswith("Point at a cell")
    assert view.pointed_cell() is None


def test_the_keyboard_s_selected_cell_lights_too_and_moving_it_moves_the_light(view, qtbot):
    view = view("weighted_sum")
    panel = view.panel("head_output", 0)
    panel.setFocus()
    panel.select_cell(0, 0)
    assert lit(view) == {("weights", 0): cells([0], range(4)), ("v", 0): cells(range(4), [0])}
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    qtbot.keyClick(panel, Qt.Key.Key_Down)
    assert panel.selected_cell() == (1, 1)
    assert lit(view) == {("weights", 0): cells([1], range(4)), ("v", 0): cells(range(4), [1])}
    assert view.arithmetic.lines() == arithmetic(view, "head_output", 0, 1, 1)
    panel.hover_cell(3, 3)  # the mouse wins while it is over a cell…
    assert view.pointed_cell() == ("head_output", 0, 3, 3)
    panel.hover_cell(-1, -1)  # …and the selection is pointed at again when it leaves
    assert view.pointed_cell() == ("head_output", 0, 1, 1)
    assert lit(view) == {("weights", 0): cells([1], range(4)), ("v", 0): cells(range(4), [1])}


def test_a_new_computation_re_points_the_cell_and_a_cell_that_went_clears(view):
    view = view("scores")
    model = view.model
    view.panel("scores", 0).select_cell(3, 3)
    before = view.arithmetic.lines()
    model.set_parameters(seed=7)  # other numbers, the same cells
    assert model.parameters.seed == 7
    assert view.arithmetic.lines() == arithmetic(view, "scores", 0, 3, 3) != before
    assert lit(view) == {("q", 0): cells([3], range(4)), ("k", 0): cells(range(4), [3])}
    model.set_parameters(sentence="我 爱 你")  # three tokens: row 4 is gone
    assert view.pointed_cell() is None and lit(view) == {} and view.arithmetic.lines() == []


def test_moving_to_another_step_lights_the_cell_still_selected_there(view):
    view = view("scores")
    view.panel("scores", 0).select_cell(1, 2)
    view.model.go_to("scale")  # scores is the input here: its selected cell lights what it feeds
    assert view.pointed_cell() == ("scores", 0, 1, 2)
    assert lit(view) == {("scaled", 0): {(1, 2)}}


def test_the_arithmetic_follows_the_language(window, qtbot):
    from attention_stepper.gui import i18n

    window.model.set_parameters(sentence=SENTENCE, causal=True)
    window.model.go_to("mask")
    view = window.step_view
    assert view.arithmetic.isVisible()
    view.panel("masked", 0).hover_cell(0, 3)
    assert "hidden by the causal mask" in view.arithmetic.text()
    window.language_actions["zh_CN"].trigger()
    qtbot.wait(50)
    try:
        text = view.arithmetic.text()
        assert view.arithmetic.lines() == cell_arithmetic(view.model.computation, "masked", 0, 0, 3,
                                                          translate=i18n.core_text)
        assert "因果掩码" in text and "hidden" not in text
        view.panel("masked", 0).hover_cell(-1, -1)
        assert "指向一个单元格" in view.arithmetic.text()
    finally:
        window.language_actions["en"].trigger()
        qtbot.wait(50)


def test_the_arithmetic_strip_keeps_its_height_so_pointing_never_lays_the_panels_out_again(view):
    view = view("position_bias", alibi=True)
    strip = view.arithmetic
    heights = {strip.height()}
    geometry = view.panel("scaled", 0).geometry()
    for key, head, row, column in (("biased", 0, 3, 1), ("position_bias", 0, 0, 0), ("scaled", 0, 2, 2)):
        view.panel(key, head).hover_cell(row, column)
        heights.add(strip.height())
    view.panel("scaled", 0).hover_cell(-1, -1)
    heights.add(strip.height())
    assert len(heights) == 1
    assert view.panel("scaled", 0).geometry() == geometry
    below = max(panel.geometry().bottom() for _, _, panel in view.panels())
    assert strip.geometry().top() > below, "the arithmetic is under the panels, not over them"


# --- screenshot --cell ---------------------------------------------------------------
def test_screenshot_cell_selects_the_result_cell_so_its_sources_light(window):
    from attention_stepper.gui.screenshot import point_at

    window.model.set_parameters(sentence=SENTENCE)
    window.model.go_to("weighted_sum")
    window.model.set_head(0)
    point_at(window, 2, 3)
    view = window.step_view
    assert view.panel("head_output", 0).selected_cell() == (1, 2)
    assert lit(view) == {("weights", 0): cells([1], range(4)), ("v", 0): cells(range(4), [2])}
    assert view.arithmetic.lines()[0].startswith("head₁[爱, d3] = A₁[爱, :]·V₁[:, d3] = ")


def test_the_screenshot_command_draws_a_cell_s_provenance(tmp_path):
    out = tmp_path / "provenance.png"
    result = run_cli("screenshot", "--step", "scores", "--sentence", SENTENCE, "--head", "1", "--cell", "2,3",
                     "--out", out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    assert "wrote" in result.stdout


@pytest.mark.parametrize("arguments, phrases", [
    (["--step", "scores", "--cell", "5,1"], ["--cell must be within the scores step's result, 4×4", "5,1"]),
    (["--step", "concat", "--cell", "1,9"], ["4×8", "columns 1 to 8"]),
    (["--step", "scores", "--cell", "0,1"], ["--cell must be a row and a column from 1 such as 2,3", "'0,1'"]),
    (["--step", "scores", "--cell", "2"], ["--cell must be a row and a column"]),
    (["--step", "scores", "--cell", "２,3"], ["--cell must be a row and a column"]),
    (["--tab", "journey", "--cell", "1,1"], ["--cell is for the steps tab"]),
])
def test_the_screenshot_command_refuses_a_cell_that_is_not_the_result_s(tmp_path, arguments, phrases):
    out = tmp_path / "never.png"
    result = run_cli("screenshot", "--sentence", SENTENCE, *arguments, "--out", out)
    assert_refused(result, *phrases)
    assert not out.exists()



@pytest.mark.parametrize("options", [
    {"causal": True, "bias": True},
    {"rope": "half", "heads": 4, "kv_heads": 2, "alibi": True, "causal": True, "window": 2},
    {"memory": "猫 吃 鱼", "bias": True, "heads": 3},
], ids=["causal-bias", "llama-like", "cross-attention"])
def test_every_panel_of_every_step_lights_what_the_core_names_there_and_nothing_else(view, options):
    """A sweep: the first and last cell of every panel, every step, all heads and one head."""
    from attention_stepper.core.provenance import lit_by

    view = view("embed", None, **options)
    model = view.model
    for step in model.computation.steps:
        model.go_to(step.key)
        for head in (None, 1):
            model.set_head(head)
            for key, matrix_head, panel in view.panels():
                if key == "rope_angles":
                    continue  # the angle table is read by no step's provenance
                rows, columns = panel.matrix().shape
                for row, column in ((0, 0), (rows - 1, columns - 1)):
                    panel.hover_cell(row, column)
                    cell = (column, row) if view.is_transposed(key, matrix_head) else (row, column)
                    expected = {}
                    for group in lit_by(model.computation, step.key, key, matrix_head, *cell):
                        if (group.key, group.head) in {(k, h) for k, h, _ in view.panels()}:
                            groups = cells(group.rows, group.columns)
                            if view.is_transposed(group.key, group.head):
                                groups = {(c, r) for r, c in groups}
                            expected[(group.key, group.head)] = expected.get((group.key, group.head), set()) | groups
                    shown = {name: lit_cells for name, lit_cells in lit(view).items() if name[0] != "rope_angles"}
                    assert shown == {name: lit_cells for name, lit_cells in expected.items() if lit_cells}, \
                        (step.key, head, key, matrix_head, cell)
                    assert view.arithmetic.lines() == arithmetic(view, key, matrix_head, *cell)
                panel.hover_cell(-1, -1)
                assert lit(view) == {}
