"""Every diagnosis, proved: an implementation written in this folder with exactly that mistake (user_attention.py)
is run through ``attention-stepper compare``, which must exit with status 1 and name it."""

from __future__ import annotations

import numpy as np
import pytest

from attention_stepper.gui.cli import main

from user_attention import Setup, user_attention

GQA = dict(heads=4, kv_heads=2, d_model=8, d_k=2)
GQA_ROPE = dict(heads=4, kv_heads=2, d_model=16, d_k=4)  # with d_k = 2 both RoPE pairings are the same
CASES = {
    "rope-style": [Setup(rope="half"), Setup(rope="interleaved", causal=True, **GQA_ROPE),
                   Setup(rope="half", causal=True, window=3, d_k=4, heads=2)],
    "rope-offset": [Setup(rope="half"), Setup(rope="interleaved", causal=True, **GQA)],
    "gqa-order": [Setup(**GQA), Setup(heads=6, kv_heads=3, d_model=12, d_k=2, causal=True, rope="half"),
                  Setup(heads=4, kv_heads=2, d_model=8, d_k=2, window=2, causal=True)],
    "heads-reshape": [Setup(), Setup(rope="half", **GQA), Setup(causal=True, window=2)],
    "concat-order": [Setup(), Setup(**GQA), Setup(m=3)],
    "softmax-axis": [Setup(), Setup(causal=True), Setup(rope="half", window=2, causal=True, **GQA), Setup(m=4)],
    "scale-missing": [Setup(), Setup(rope="interleaved", **GQA), Setup(alibi=True, causal=True, heads=4, d_k=2)],
    "scale-d-model": [Setup(), Setup(causal=True, window=3)],
    "scale-multiplied": [Setup(), Setup(m=6, **GQA)],
    "mask-inverted": [Setup(causal=True), Setup(window=2), Setup(causal=True, window=3, rope="half", **GQA)],
    "window-off-by-one": [Setup(causal=True, window=2), Setup(window=2), Setup(causal=True, window=3, **GQA)],
    "heads-averaged": [Setup(), Setup(rope="half", causal=True, **GQA)],
    "weights-transposed": [Setup(), Setup(bias=True, causal=True), Setup(heads=4, d_model=8, d_k=2, rope="half")],
    "alibi-slopes": [Setup(alibi=True, causal=True, heads=6, d_model=12, d_k=2),
                     Setup(alibi=True, heads=3, d_model=6, d_k=2)],
}


def diagnose(tmp_path, capsys, dump, *flags) -> tuple[int, str]:
    path = tmp_path / "dump.npz"
    np.savez(path, **dump)
    status = main(["compare", str(path), *flags])
    captured = capsys.readouterr()
    assert captured.err == ""
    return status, captured.out


@pytest.mark.parametrize("name, setup", [(name, setup) for name, setups in CASES.items() for setup in setups],
                         ids=lambda value: value if isinstance(value, str) else "")
def test_each_mistake_is_named(tmp_path, capsys, name, setup):
    status, out = diagnose(tmp_path, capsys, user_attention(setup, name), *setup.flags())
    assert status == 1, out
    assert f"\ndiagnosis: {name}\n" in out, out
    assert "\nfirst divergence: " in out


def test_the_correct_numpy_implementation_gives_none(tmp_path, capsys):
    for setup in {setup for setups in CASES.values() for setup in setups}:
        status, out = diagnose(tmp_path, capsys, user_attention(setup), *setup.flags())
        assert status == 0 and "\nall steps match\ndiagnosis: none\n" in out, (setup, out)


@pytest.mark.parametrize("fill", [-1e9, -10000.0])
def test_mask_inverted_whatever_the_fill_value(tmp_path, capsys, fill):
    """A finite fill leaves a row with nothing visible uniform, not NaN; the masked scaled scores still count."""
    setup = Setup(causal=True)
    status, out = diagnose(tmp_path, capsys, user_attention(setup, "mask-inverted", fill=fill), *setup.flags())
    assert status == 1 and "\ndiagnosis: mask-inverted\n" in out, out
    status, out = diagnose(tmp_path, capsys, user_attention(setup, fill=fill), *setup.flags())
    assert status == 0, out


def test_the_configuration_may_come_from_config_json_and_the_layout_from_bshd(tmp_path, capsys):
    setup = Setup(rope="half", causal=True, **GQA)
    dump = user_attention(setup, "gqa-order", layout="bshd")
    status, out = diagnose(tmp_path, capsys, {**dump, "config.json": setup.config()})
    assert status == 1 and "\ndiagnosis: gqa-order\n" in out, out
    assert "first divergence: scores" in out  # k is dumped before it is repeated, so it still matches


def test_a_window_one_too_narrow_is_off_by_one_too(tmp_path, capsys):
    setup = Setup(causal=True, window=3)
    status, out = diagnose(tmp_path, capsys, user_attention(setup, "window-one-too-few"), *setup.flags())
    assert status == 1 and "\ndiagnosis: window-off-by-one\n" in out, out


def test_a_mistake_is_found_from_the_steps_there_are(tmp_path, capsys):
    setup = Setup(causal=True, window=2)
    dump = user_attention(setup, "window-off-by-one", steps=("output",))
    status, out = diagnose(tmp_path, capsys, dump, *setup.flags())
    assert status == 1 and "first divergence: output\ndiagnosis: window-off-by-one\n" in out, out


@pytest.mark.parametrize("mistakes", [("scale-missing", "softmax-axis"), ("heads-reshape", "concat-order"),
                                      ("rope-style", "gqa-order")])
def test_two_mistakes_at_once_are_unknown(tmp_path, capsys, mistakes):
    setup = Setup(causal=True, rope="half", **GQA_ROPE)
    status, out = diagnose(tmp_path, capsys, user_attention(setup, mistakes), *setup.flags())
    assert status == 1 and "\ndiagnosis: unknown\n" in out, out


def test_noise_is_unknown_and_names_the_worst_cell(tmp_path, capsys):
    setup = Setup(causal=True)
    dump = user_attention(setup)
    dump["output"] = dump["output"].copy()
    dump["output"][0, 2, 5] += 0.5
    status, out = diagnose(tmp_path, capsys, dump, *setup.flags())
    lines = out.splitlines()
    row = next(line for line in lines if line.startswith("output "))
    assert "[t3, d6]" in row and "DIFFERS (1 of 40 cells)" in row
    assert status == 1 and lines[-4:-2] == ["first divergence: output", "diagnosis: unknown"], out
