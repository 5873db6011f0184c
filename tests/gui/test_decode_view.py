"""The generate tab: fed one token at a time, its panels hold the core's decoding rows, and it follows the model."""

import dataclasses
import threading

import numpy as np
import pytest

from attention_stepper.core import Parameters, compute
from attention_stepper.core.attention import concat_heads
from attention_stepper.core.decoding import decode, full_pass_bytes, row_differences

from panel_checks import block_outlines, highlighted_row

SENTENCE = "the cat sat on a warm mat"


@pytest.fixture
def view(qtbot, model):
    from attention_stepper.gui.decode_view import DecodeView

    view = DecodeView(model)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    return view


def _assert_step_shown(view, computation, full, t):
    cache, row = decode(computation)[t]
    panels = view.panels
    labels = computation.token_labels
    for name, expected in (("q", row.q), ("k", row.k), ("v", row.v), ("scores", row.scores),
                           ("weights", row.weights), ("head_output", row.head_output),
                           ("output", row.output[None, :]), ("k_cache", concat_heads(cache.k)),
                           ("v_cache", concat_heads(cache.v))):
        np.testing.assert_array_equal(panels[name].matrix(), expected, err_msg=name)
    kv, h = computation.weights.kv_heads, computation.weights.heads
    assert panels["k_cache"].row_labels() == labels[:t + 1], "the cache grows one row per token"
    assert panels["k_cache"].matrix().shape == (t + 1, kv * computation.weights.d_k)
    assert [label for _, _, label in block_outlines(panels["v_cache"])] == [f"kv head {i + 1}" for i in range(kv)]
    assert highlighted_row(panels["k_cache"]) == t, "the row just appended"
    assert panels["q"].row_labels() == [f"h{i + 1}" for i in range(h)]
    assert panels["k"].row_labels() == [f"kv{i + 1}" for i in range(kv)]
    assert panels["scores"].column_labels() == labels[:t + 1], "one score per cached token"
    head = view.model.head or 0
    np.testing.assert_array_equal(panels["full"].matrix(), full.trace["weights"][head])
    assert highlighted_row(panels["full"]) == t
    np.testing.assert_allclose(panels["weights"].matrix(), full.trace["weights"][:, t, :t + 1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(panels["output"].matrix()[0], full.trace["output"][t], rtol=0, atol=1e-12)
    differences = row_differences(full, row)
    check = view.check_text()
    assert f"<b>Row {t + 1} of the full causal pass</b>: max |difference| of the weights " \
           f"{differences['weights']:.2g}, of head_output {differences['head_output']:.2g}, " \
           f"of the output {differences['output']:.2g}." in check
    weights = computation.weights
    assert (f"{t + 1} tokens × {kv} key/value heads × (d_k {weights.d_k} + d_v {weights.d_v}) × 8 bytes = "
            f"{cache.nbytes} bytes") in check
    assert cache.nbytes == (t + 1) * kv * (weights.d_k + weights.d_v) * 8
    assert f"all {t + 1} tokens again: {full_pass_bytes(computation, t)} bytes" in check


@pytest.mark.parametrize("options", [
    dict(causal=True),
    dict(causal=True, heads=4, kv_heads=2, rope="half"),
    dict(causal=True, heads=4, kv_heads=1, rope="interleaved", window=3),
    dict(causal=True, alibi=True, bias=True),
    dict(sentence="the cat <pad> sat", causal=True, heads=2, kv_heads=1),
])
def test_feeding_every_token_shows_the_cores_rows(view, model, options):
    options = {"sentence": SENTENCE, **options}
    model.set_parameters(**options)
    computation = compute(Parameters(**options))
    assert view.note_text() == "", "a causal computation needs no note"
    n = len(computation.tokens)
    assert len(view.steps()) == n and view.position() == 0
    for t in range(n):
        assert view.position() == t
        _assert_step_shown(view, computation, computation, t)
        assert f"token {t + 1} of {n}" in view.position_label.text()
        assert f"Step {t + 1} of {n}" in view.explanation_text()
        assert view.next() == (t < n - 1)


def test_grouped_heads_make_the_cache_smaller_and_say_so(view, model):
    model.set_parameters(heads=4, causal=True)
    view.last()
    plain = view.panels["k_cache"].matrix().shape
    model.set_parameter("kv_heads", 1)
    grouped = view.panels["k_cache"].matrix().shape
    assert plain == (4, 16) and grouped == (4, 4)
    assert "4 query heads share 1 key/value heads (grouped-query attention)" in view.explanation_text()
    assert "4 tokens × 1 key/value heads × (d_k 4 + d_v 4) × 8 bytes = 256 bytes" in view.check_text()


def test_rope_names_the_position_and_the_off_by_one(view, model):
    model.set_parameters(rope="half", causal=True)
    view.go_to(2)
    text = view.explanation_text()
    assert "turned by the angle of position 2" in text and "classic off-by-one" in text
    model.set_parameter("rope", None)
    assert "off-by-one" not in view.explanation_text()


def test_a_computation_that_is_not_causal_is_compared_with_the_causal_pass(view, model):
    model.set_parameters(sentence=SENTENCE, heads=4, kv_heads=2, rope="half", causal=False)
    assert "not causal, but generation is" in view.note_text()
    computation = model.computation
    full = compute(dataclasses.replace(computation.parameters, causal=True))
    assert view.full_pass().parameters.causal
    for t in range(len(computation.tokens)):
        view.go_to(t)
        _assert_step_shown(view, computation, full, t)
    model.set_parameter("causal", True)
    assert view.note_text() == ""


def test_with_a_memory_decoding_needs_self_attention(view, model):
    model.set_parameter("memory", "the cat")
    assert "needs self-attention" in view.note_text()
    assert view.steps() == [] and view.content.isHidden() and not view.walker.isEnabled()
    model.set_parameter("memory", None)
    assert view.note_text() != "" and not view.content.isHidden() and len(view.steps()) == 4


def test_the_view_follows_every_parameter_change_and_the_models_head(view, model):
    model.set_parameter("causal", True)
    view.go_to(3)
    model.set_parameter("d_k", 3)
    assert view.position() == 3
    _assert_step_shown(view, model.computation, model.computation, 3)
    model.set_parameters(heads=3)
    model.set_head(2)
    _assert_step_shown(view, model.computation, model.computation, 3)
    assert highlighted_row(view.panels["weights"]) == 2, "the followed head's row"
    model.set_parameter("sentence", "a b")  # shorter: the position is clamped
    assert view.position() == 1
    _assert_step_shown(view, model.computation, model.computation, 1)
    model.set_parameter("seed", 5)
    _assert_step_shown(view, model.computation, model.computation, 1)


def test_the_padding_token_is_explained(view, model):
    model.set_parameters(sentence="the cat <pad> sat", causal=True)
    view.go_to(2)
    assert "This is a padding token" in view.explanation_text()
    view.go_to(3)
    assert np.isneginf(view.panels["scores"].matrix()[:, 2]).all(), "nobody attends to it"


def test_play_feeds_every_token_and_stops(view, model):
    view.walker.play()
    for _ in range(10):
        view.walker.timer.timeout.emit()
    assert view.position() == 3 and not view.walker.playing


def test_the_view_speaks_chinese(view, model):
    from PySide6.QtWidgets import QApplication

    from attention_stepper.gui.i18n import install_language

    model.set_parameters(heads=4, kv_heads=2, rope="half")
    view.go_to(1)
    try:
        assert install_language("zh_CN")
        QApplication.processEvents()  # Qt posts LanguageChange to the widgets
        text = view.explanation_text()
        assert "缓存" in text and "差一" in text
        assert "因果" in view.note_text()
        assert "字节" in view.check_text()
    finally:
        install_language("en")
        QApplication.processEvents()
    assert "off-by-one" in view.explanation_text()


def test_the_window_has_the_tab_and_builds_it_when_shown(window, qtbot):
    tabs = window.tabs
    index = tabs.indexOf(window.decode_view)
    assert tabs.tabText(index) == "Generate (KV cache)" and tabs.tabToolTip(index)
    assert not window.decode_view.is_built()
    tabs.setCurrentIndex(index)
    qtbot.waitUntil(window.decode_view.is_built)
    window.controls.causal.editor.setChecked(True)
    assert window.decode_view.note_text() == ""


def test_a_large_decoding_is_generated_on_the_views_worker_and_the_newest_shown(view, model, qtbot, monkeypatch):
    """512 tokens take half a second to decode: past the model's at-once budget the GUI thread never does it."""
    from attention_stepper.gui import decode_view

    model.set_parameters(sentence=SENTENCE, causal=True)
    decoded_here = []
    monkeypatch.setattr(decode_view, "decode", lambda computation: decoded_here.append(
        (computation, threading.current_thread())) or decode(computation))
    model.immediate_seconds = -1.0  # everything counts as large: the model and the view use their workers
    model.set_parameter("sentence", "a dog ate the fish")
    qtbot.waitUntil(lambda: not model.busy, timeout=10_000)
    qtbot.waitUntil(lambda: view._decoded_for is model.computation, timeout=10_000)
    assert len(view.steps()) == 5
    computation, thread = decoded_here[-1]
    assert computation is model.computation and thread is not threading.main_thread()
    view.go_to(4)
    _assert_step_shown(view, model.computation, view.full_pass(), 4)
