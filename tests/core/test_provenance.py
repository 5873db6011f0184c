"""Where every number comes from: for every step and option, each cell follows from the cells named as its sources.

The provenance is right when a cell can be computed again from the cells it
names and nothing else (the dot product of the named q row and k row is the
scores cell, and so on for every step), for every cell of every step of
every combination of the options; and when "which cells does this input
feed" is exactly the inverse of "which cells is this output made from".
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from attention_stepper.core import Parameters, compute
from attention_stepper.core.edits import Edits
from attention_stepper.core.cell_arithmetic import ARITHMETIC_PHRASES, MAX_TERMS, cell_arithmetic
from attention_stepper.core.formulas import TRANSLATABLE_TEXTS
from attention_stepper.core.lesson import LESSON
from attention_stepper.core.matrices import matrix_info
from attention_stepper.core.numbers import format_number
from attention_stepper.core.provenance import MASK_RULES, STEP_OF, Cells, feeds, lit_by, mask_rule, sources
from attention_stepper.core.variants import alibi_slopes, rope_angles, visible_keys


def _options():
    """Every combination of the options (cross-attention without the ones that compare positions)."""
    for causal, gqa, rope, alibi, window, padding, bias in itertools.product(
            (False, True), (False, True), (None, "half", "interleaved"), (False, True), (None, 2), (False, True),
            (False, True)):
        yield dict(causal=causal, gqa=gqa, rope=rope, alibi=alibi, window=window, padding=padding, bias=bias,
                   memory=False)
    for gqa, padding, bias in itertools.product((False, True), (False, True), (False, True)):
        yield dict(causal=False, gqa=gqa, rope=None, alibi=False, window=None, padding=padding, bias=bias,
                   memory=True)


OPTIONS = list(_options())


def _computation(causal, gqa, rope, alibi, window, padding, bias, memory):
    """Small but lopsided sizes (3 tokens, 4 memory tokens, d_model 3, d_k 4, d_v 2; with GQA 4 heads
    sharing 2 key/value heads), so that a row taken for a column, n for m or one head for another cannot pass."""
    sentence = "我 <pad> 爱" if padding and not memory else "我 爱 机器"
    return compute(Parameters(
        sentence=sentence, heads=4 if gqa else 2, kv_heads=2 if gqa else None, d_model=3, d_k=4, d_v=2,
        causal=causal, rope=rope, alibi=alibi, window=window, bias=bias, positional_encoding=True,
        memory=("猫 <pad> 吃 鱼" if padding else "猫 吃 鱼 了") if memory else None))


def _name(options) -> str:
    return "-".join(f"{key}={value}" for key, value in options.items() if value)


def _cells_of(computation, key):
    """(head, row, column) of every cell of matrix ``key``."""
    shape = computation.sizes.shape(key)
    heads = range(shape[0]) if matrix_info(key).per_head else [None]
    rows, columns = shape[-2:]
    return [(head, row, column) for head in heads for row in range(rows) for column in range(columns)]


def _outputs(step):
    return list(step.outputs) + ([f"packed_{part}" for part in "qkv"] if step.key == "project" else [])


def _values(computation, group: Cells) -> np.ndarray:
    """The named cells' numbers, rows × columns: all the recomputation below may read."""
    matrix = np.asarray(computation.matrix(group.key, group.head), dtype=np.float64)
    return matrix[np.ix_(group.rows, group.columns)]


def _recompute(computation, provenance) -> float:
    """The cell computed again from its sources alone (and the step's constants: scale, angles, slopes)."""
    p = computation.parameters
    groups = provenance.sources
    values = [_values(computation, group) for group in groups]
    (_, head, (row,), (column,)) = (provenance.cell.key, provenance.cell.head, provenance.cell.rows,
                                    provenance.cell.columns)
    step = provenance.step
    if step == "project" or step == "output":
        assert values[0].shape[0] == 1 and values[1].shape[1] == 1, "a row of the input and a column of W"
        total = float(values[0].ravel() @ values[1].ravel())
        return total + (float(values[2][0, 0]) if len(values) == 3 else 0.0)
    if step == "rope":
        ((a, b),) = values[0]
        first, second = groups[0].columns
        pair = first if p.rope == "half" else first // 2
        assert second == (first + p.d_k // 2 if p.rope == "half" else first + 1)
        angle = rope_angles(row + 1, p.d_k, p.rope_base)[row, pair]
        return a * np.cos(angle) - b * np.sin(angle) if column == first else b * np.cos(angle) + a * np.sin(angle)
    if step in ("repeat_kv", "concat"):
        ((value,),) = values[0]
        return float(value)
    if step in ("scores", "weighted_sum"):
        left, right = values
        assert left.shape[0] == 1 and (right.shape[0] == 1 if step == "scores" else right.shape[1] == 1)
        return float(left.ravel() @ right.ravel())
    if step == "scale":
        return float(values[0][0, 0]) * p.scale_factor
    if step == "position_bias":
        assert groups[1].key == "position_bias"
        assert values[1][0, 0] == -alibi_slopes(p.heads)[head] * abs(row - column)
        return float(values[0][0, 0] + values[1][0, 0])
    if step == "mask":
        return float(values[0][0, 0]) if provenance.rule == "visible" else -np.inf
    if step == "softmax":
        logits = values[0].ravel()
        assert len(logits) == computation.sizes.key_count
        if not np.isfinite(logits).any():
            return 0.0
        exponentials = np.exp(logits - logits[np.isfinite(logits)].max())
        return float(exponentials[column] / exponentials.sum())
    raise AssertionError(step)


def _check_sources(computation, rel: float = 1e-12) -> None:
    """Every cell of every step is computed again from its sources alone and equals the trace's."""
    for step in computation.steps:
        for key in _outputs(step):
            for head, row, column in _cells_of(computation, key):
                provenance = sources(computation, key, head, row, column)
                assert provenance.step == step.key and provenance.cell == Cells(key, head, (row,), (column,))
                for group in provenance.sources:  # what a step reads: its resolved inputs (and the packed W)
                    assert group.key in step.inputs, (key, group)
                value = float(computation.matrix(key, head)[row, column])
                if step.key == "embed":
                    assert provenance.sources == ()
                    continue
                again = _recompute(computation, provenance)
                if np.isinf(value):
                    assert again == value, (key, head, row, column)
                else:
                    assert again == pytest.approx(value, rel=rel, abs=rel), (key, head, row, column)


def _check_inverse(computation) -> None:
    """What each input cell feeds is exactly the set of output cells that name it among their sources."""
    for step in computation.steps:
        if not step.inputs:
            continue
        fed: dict[tuple, set] = {}
        for key in _outputs(step):
            for head, row, column in _cells_of(computation, key):
                for group in sources(computation, key, head, row, column).sources:
                    for source_row, source_column in group:
                        fed.setdefault((group.key, group.head, source_row, source_column), set()).add(
                            (key, head, row, column))
        for key in step.inputs:
            for head, row, column in _cells_of(computation, key):
                found = {(group.key, group.head, out_row, out_column)
                         for group in feeds(computation, step.key, key, head, row, column)
                         for out_row, out_column in group}
                assert found == fed.get((key, head, row, column), set()), (step.key, key, head, row, column)


def _check_arithmetic(computation) -> None:
    """Every cell of every matrix a step shows has its arithmetic, ending in the cell as its panel writes it."""
    shown = {key for step in computation.steps for key in (*step.inputs, *_outputs(step))}
    for key in sorted(shown):
        for head, row, column in _cells_of(computation, key):
            lines = cell_arithmetic(computation, key, head, row, column)
            value = computation.matrix(key, head)[row, column]
            assert lines[0].rsplit(" = ", 1)[1] == format_number(value, 2), lines
            assert all(line for line in lines)


@pytest.mark.slow
@pytest.mark.parametrize("options", OPTIONS, ids=_name)
def test_every_cell_of_every_step_follows_from_its_sources_alone(options):
    _check_sources(_computation(**options))


@pytest.mark.slow
@pytest.mark.parametrize("options", OPTIONS, ids=_name)
def test_what_an_input_feeds_is_exactly_the_inverse_of_the_sources(options):
    _check_inverse(_computation(**options))


@pytest.mark.slow
@pytest.mark.parametrize("options", OPTIONS, ids=_name)
def test_the_arithmetic_of_every_cell_ends_in_the_cell_as_its_panel_writes_it(options):
    _check_arithmetic(_computation(**options))


@pytest.mark.slow
@pytest.mark.parametrize("kind, layer", [("gpt2", 1), ("qwen2", 2), ("bert", 0)])
def test_a_real_layer_s_cells_follow_from_their_sources_too(tiny_checkpoints, kind, layer):
    """A checkpoint's layer (biases, GQA, RoPE, a causal window) read through the same provenance."""
    computation = compute(Parameters(sentence="the cat sat 我爱猫", checkpoint=str(tiny_checkpoints[kind]),
                                     layer=layer))
    _check_sources(computation, rel=1e-9)
    _check_inverse(computation)
    _check_arithmetic(computation)
    assert cell_arithmetic(computation, "embed", None, 0, 0)[0].startswith(
        f"X[{computation.token_labels[0]}, d1] = hidden state entering layer {layer} = ")


@pytest.mark.parametrize("options", OPTIONS, ids=_name)
def test_the_mask_rule_says_what_hides_each_key(options):
    computation = _computation(**options)
    if "masked" not in computation.trace:
        return
    p = computation.parameters
    n, m = computation.sizes.tokens, computation.sizes.key_count
    visible = visible_keys(n, m, p.causal, p.window, computation.padding)
    for head, row, column in _cells_of(computation, "masked"):
        rule = sources(computation, "masked", head, row, column).rule
        assert rule == mask_rule(computation, row, column) and rule in MASK_RULES
        assert (rule == "visible") == visible[row, column]
        if rule == "causal":
            assert column > row
        elif rule == "window":
            assert not visible_keys(n, m, False, p.window)[row, column] if not p.causal else row - column >= p.window
        elif rule == "padding":
            assert computation.padding[column]


def test_precision_float16_keeps_the_sources_right():
    computation = compute(Parameters(heads=2, d_model=8, d_k=4, precision="float16", causal=True, rope="half"))
    for step in computation.steps:
        for key in _outputs(step):
            if step.key == "embed":
                continue
            for head, row, column in _cells_of(computation, key):
                value = float(computation.matrix(key, head)[row, column])
                again = _recompute(computation, sources(computation, key, head, row, column))
                assert again == pytest.approx(value, rel=2e-2, abs=2e-2) or again == value


# --- the seed article's example, 爱 -------------------------------------------------------
@pytest.fixture(scope="module")
def seed():
    return compute(Parameters())  # 我 爱 机器 学习, 2 heads, d_model 8, d_k 4


def test_the_seed_example_names_its_sources(seed):
    assert sources(seed, "scores", 0, 1, 2).sources == (Cells("q", 0, (1,), (0, 1, 2, 3)),
                                                        Cells("k", 0, (2,), (0, 1, 2, 3)))
    assert sources(seed, "scaled", 0, 1, 2).sources == (Cells("scores", 0, (1,), (2,)),)
    assert sources(seed, "weights", 0, 1, 2).sources == (Cells("scaled", 0, (1,), (0, 1, 2, 3)),)
    assert sources(seed, "head_output", 1, 1, 3).sources == (Cells("weights", 1, (1,), (0, 1, 2, 3)),
                                                            Cells("v", 1, (0, 1, 2, 3), (3,)))
    assert sources(seed, "concat", None, 1, 5).sources == (Cells("head_output", 1, (1,), (1,)),)
    assert sources(seed, "output", None, 1, 0).sources == (Cells("concat", None, (1,), tuple(range(8))),
                                                          Cells("w_o", None, tuple(range(8)), (0,)))
    assert sources(seed, "q", 1, 1, 2).sources == (Cells("embed", None, (1,), tuple(range(8))),
                                                  Cells("w_q", 1, tuple(range(8)), (2,)))
    assert sources(seed, "packed_q", None, 1, 6).sources == sources(seed, "q", 1, 1, 2).sources
    # Pointing at q₁(爱)'s first entry lights its row of scores; at k₁(机器)'s, the column of 机器.
    assert lit_by(seed, "scores", "q", 0, 1, 0) == (Cells("scores", 0, (1,), (0, 1, 2, 3)),)
    assert lit_by(seed, "scores", "k", 0, 2, 3) == (Cells("scores", 0, (0, 1, 2, 3), (2,)),)
    assert lit_by(seed, "scores", "scores", 0, 1, 2) == sources(seed, "scores", 0, 1, 2).sources
    assert lit_by(seed, "scores", "weights", 0, 1, 2) == (), "a matrix the step does not show"


def test_the_seed_example_written_out(seed):
    assert cell_arithmetic(seed, "scores", 0, 1, 2) == [
        "scores₁[爱, 机器] = q₁(爱)·k₁(机器) = (−0.45)×(−0.51) + (−0.16)×(−1.11) + (−1.20)×(−1.36) + "
        "(−0.16)×(−0.61) = 2.13"]
    assert cell_arithmetic(seed, "scaled", 0, 1, 2) == [
        "scaled₁[爱, 机器] = scores₁[爱, 机器] / √4 = 2.13 / 2.00 = 1.07"]
    assert cell_arithmetic(seed, "weights", 0, 1, 2) == [
        "A₁[爱, 机器] = e^{1.07−1.08} / Σ e^{…} = 0.98 / (1.00 + 0.43 + 0.98 + 0.45) = 0.98 / 2.87 "
        "= 0.34",
        "subtracting the row's largest logit, 1.08, changes no weight but keeps e^x from overflowing"]
    assert cell_arithmetic(seed, "head_output", 0, 1, 2) == [
        "head₁[爱, d3] = A₁[爱, :]·V₁[:, d3] = 0.35×(−0.50) + 0.15×(−0.38) + 0.34×0.25 + 0.16×(−1.85) "
        "= −0.43"]
    assert cell_arithmetic(seed, "concat", None, 1, 2) == ["concat[爱, h1:d3] = head₁[爱, d3] = −0.43"]
    assert cell_arithmetic(seed, "q", 0, 1, 2) == [
        "Q₁[爱, d3] = x(爱)·W_Q₁[:, d3] = (−0.16)×0.40 + (−0.31)×(−0.15) + (−0.82)×0.34 + "
        "(−0.21)×(−0.02) + (−1.24)×0.69 + 0.47×0.44 + (−0.39)×0.13 + (−0.28)×0.73 = −1.20"]
    assert cell_arithmetic(seed, "output", None, 1, 2) == [
        "output[爱, d3] = concat[爱, :]·W_O[:, d3] = 0.15×(−0.03) + (−0.59)×(−0.02) + "
        "(−0.43)×(−0.87) + (−1.16)×(−0.06) + 0.17×(−0.19) + (−0.65)×(−0.36) + (−0.31)×0.91 + 0.01×0.19 "
        "= 0.38"]
    assert cell_arithmetic(seed, "embed", None, 1, 0) == ["X[爱, d1] = word vector of 爱 = −0.16"]
    assert cell_arithmetic(seed, "w_q", 0, 1, 2) == ["W_Q₁[d2, d3] = −0.15"]


def test_the_seed_numbers_are_the_trace_s(seed):
    """The hand-written numbers above, checked against the trace (so the strings are not merely copied output)."""
    q, k = seed.trace["q"][0, 1], seed.trace["k"][0, 2]
    np.testing.assert_allclose(q, [-0.445, -0.161, -1.196, -0.157], atol=5e-4)
    np.testing.assert_allclose(k, [-0.514, -1.111, -1.359, -0.614], atol=5e-4)
    assert f"{q @ k:.2f}" == "2.13" and f"{q @ k / 2:.2f}" == "1.07"
    row = seed.trace["scaled"][0, 1]
    assert f"{row.max():.2f}" == "1.08"
    assert f"{np.exp(row[2] - row.max()) / np.exp(row - row.max()).sum():.2f}" == "0.34"


def test_the_options_written_out():
    computation = compute(Parameters(causal=True, rope="half", kv_heads=1, bias=True, alibi=True, window=2,
                                     positional_encoding=True))
    assert cell_arithmetic(computation, "embed", None, 1, 0) == [
        "X[爱, d1] = word vector of 爱 + positional encoding of position 1 = −0.16 + 0.84 = 0.68"]
    assert cell_arithmetic(computation, "q_rotated", 0, 1, 2) == [
        "Q′₁[爱, d3] = Q₁[爱, d3]·cos θ + Q₁[爱, d1]·sin θ = 0.31×0.54 + 0.15×0.84 = 0.29",
        "θ = 1 · 10000^(−0/4) = 1.00: how far the pair (d1, d3) turns at position 1"]
    assert cell_arithmetic(computation, "k_repeated", 1, 1, 2) == [
        "K′₂[爱, d3] = K′_kv₁[爱, d3] = −1.16", "query heads 1–2 share key/value head 1"]
    assert cell_arithmetic(computation, "biased", 0, 1, 2) == [
        "biased₁[爱, 机器] = scaled₁[爱, 机器] + ALiBi₁[爱, 机器] = (−0.26) + (−0.06) = −0.32",
        "ALiBi₁[爱, 机器] = −m₁·|1 − 2| = −0.0625 × 1 = −0.06", "slope m₁ = 0.0625"]
    assert cell_arithmetic(computation, "masked", 0, 1, 2) == [
        "masked₁[爱, 机器] = −∞", "hidden by the causal mask: 机器 comes after 爱"]
    assert cell_arithmetic(computation, "masked", 0, 3, 1) == [
        "masked₁[学习, 爱] = −∞", "hidden by the window: 爱 is 2 tokens from 学习, the window is 2"]
    assert cell_arithmetic(computation, "masked", 0, 1, 1)[1] == "visible: no mask hides 爱 from 爱"
    assert cell_arithmetic(computation, "weights", 0, 1, 2) == [
        "A₁[爱, 机器] = e^{−∞} / Σ e^{…} = 0.00", "a hidden key: its weight is exactly 0"]
    with_bias = cell_arithmetic(computation, "q", 0, 1, 2)[0]
    assert with_bias.startswith("Q₁[爱, d3] = x(爱)·W_Q₁[:, d3] + b_Q₁[d3] = ")
    assert with_bias.endswith(" + 0.06 = 0.31")
    padded = compute(Parameters(sentence="我 爱 <pad>"))
    assert cell_arithmetic(padded, "masked", 0, 0, 2) == ["masked₁[我, <pad>] = −∞", "hidden: <pad> is padding"]
    unscaled = compute(Parameters(skip_scaling=True))
    assert cell_arithmetic(unscaled, "scaled", 0, 1, 2) == ["scaled₁[爱, 机器] = scores₁[爱, 机器] = 2.13",
                                                            "(scaling skipped)"]
    times = compute(Parameters(scale=0.5))
    assert cell_arithmetic(times, "scaled", 0, 1, 2) == [
        "scaled₁[爱, 机器] = scores₁[爱, 机器] × 0.5 = 2.13 × 0.5 = 1.07"]
    typed = compute(Parameters(), edits=Edits({("embed", None, 1, 0): 0.5}))
    assert cell_arithmetic(typed, "embed", None, 1, 0) == ["X[爱, d1] = typed in = 0.50"]


def test_long_sums_are_shortened_past_eight_terms():
    computation = compute(Parameters(d_model=8, d_k=20))
    line = cell_arithmetic(computation, "scores", 0, 1, 2)[0]
    assert line.count("×") == MAX_TERMS and " + … = " in line


def test_every_phrase_is_translated_through_the_hook_and_listed_for_the_translation_files():
    assert set(ARITHMETIC_PHRASES) <= set(TRANSLATABLE_TEXTS)
    assert len(set(TRANSLATABLE_TEXTS)) == len(TRANSLATABLE_TEXTS), "a text listed twice would be added twice"
    computation = compute(Parameters(causal=True))
    chinese = {"hidden by the causal mask: {key} comes after {query}": "被因果掩码隐藏：{key} 在 {query} 之后"}
    lines = cell_arithmetic(computation, "masked", 0, 1, 2, translate=lambda text: chinese.get(text, text))
    assert lines == ["masked₁[爱, 机器] = −∞", "被因果掩码隐藏：机器 在 爱 之后"]
    asked = []
    cell_arithmetic(computation, "weights", 0, 1, 0, translate=lambda text: asked.append(text) or text)
    assert set(asked) == set(ARITHMETIC_PHRASES)


def test_cells_that_do_not_exist_are_refused_with_a_message(seed):
    with pytest.raises(ValueError, match="no cell"):
        sources(seed, "scores", 0, 4, 0)
    with pytest.raises(ValueError, match="heads 0 to 1"):
        sources(seed, "scores", 2, 0, 0)
    with pytest.raises(ValueError, match="shared"):
        sources(seed, "concat", 0, 0, 0)
    with pytest.raises(ValueError, match="input"):
        sources(seed, "w_q", 0, 0, 0)
    with pytest.raises(ValueError, match="no matrix"):
        sources(seed, "masked", 0, 0, 0)
    with pytest.raises(ValueError, match="no step"):
        feeds(seed, "mask", "scaled", 0, 0, 0)
    with pytest.raises(ValueError):
        cell_arithmetic(seed, "scores", None, 0, 0)
    assert feeds(seed, "scores", "weights", 0, 0, 0) == ()
    assert set(STEP_OF.values()) <= {step.key for step in LESSON}


def _chinese() -> dict[str, str]:
    """The finished Chinese translations of the core's texts, read from the translation source (no Qt needed)."""
    import xml.etree.ElementTree as ElementTree
    from pathlib import Path

    ts_file = Path(__file__).resolve().parents[2] / "resources" / "translations" / "attention_stepper_zh_CN.ts"
    (core,) = [context for context in ElementTree.parse(ts_file).getroot().findall("context")
               if context.findtext("name") == "core"]
    return {message.findtext("source"): message.findtext("translation") for message in core.findall("message")
            if message.find("translation").get("type") is None}


def test_the_phrases_have_chinese_translations_with_full_width_punctuation():
    import re

    chinese = _chinese()
    for phrase in ARITHMETIC_PHRASES:
        translation = chinese.get(phrase)
        assert translation, f"no Chinese for {phrase!r}"
        assert sorted(re.findall(r"\{\w+\}", translation)) == sorted(re.findall(r"\{\w+\}", phrase)), phrase
        assert not re.search(r"[,;:()!?]", re.sub(r"\{\w+\}", "", translation)), translation
    computation = compute(Parameters(causal=True, window=2))
    lines = cell_arithmetic(computation, "masked", 0, 3, 1, translate=lambda text: chinese.get(text, text))
    assert lines == ["masked₁[学习, 爱] = −∞", "被窗口遮住：爱 与 学习 相距 2 个词，窗口为 2"]
