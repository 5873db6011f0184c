"""Tokens, embeddings, weights and the Stepper: the rules the README promises."""

import unicodedata

import numpy as np
import pytest

from attention_stepper.core import (
    STEP_KEYS,
    Parameters,
    Stepper,
    Weights,
    WeightsFileError,
    embed,
    init_weights,
    load_weights,
    pipeline_steps,
    save_weights,
    sinusoidal_positions,
    token_vector,
    tokenize,
)
from attention_stepper.core.limits import MAX_TOKENS
from attention_stepper.core.tokenize import unique_labels


@pytest.mark.parametrize("text, tokens", [
    ("我 爱 机器 学习", ["我", "爱", "机器", "学习"]),
    ("猫吃鱼", ["猫", "吃", "鱼"]),
    ("猫吃鱼。", ["猫", "吃", "鱼", "。"]),
    ("Hello, world!", ["Hello", ",", "world", "!"]),
    ("  spaced\tout\nwords  ", ["spaced", "out", "words"]),
    ("I love 机器学习.", ["I", "love", "机器学习", "."]),
    ("a\u200bb", ["a", "b"]),
])
def test_tokenize_rules(text, tokens):
    assert tokenize(text) == tokens


def test_tokenize_normalises_to_nfc():
    decomposed = unicodedata.normalize("NFD", "café au lait")
    assert tokenize(decomposed) == tokenize("café au lait") == ["café", "au", "lait"]


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\n\t"])
def test_no_token_is_a_clear_error(text):
    with pytest.raises(ValueError, match="no tokens"):
        tokenize(text)


def test_too_many_tokens_is_a_clear_error():
    assert len(tokenize(" ".join(["w"] * MAX_TOKENS))) == MAX_TOKENS
    with pytest.raises(ValueError, match=f"more than {MAX_TOKENS} tokens"):
        tokenize(" ".join(["w"] * (MAX_TOKENS + 1)))


def test_unique_labels_number_repeats():
    assert unique_labels(["the", "cat", "the", "the#2", "the"]) == ["the", "cat", "the#2", "the#2#2", "the#3"]
    assert len(set(unique_labels(["a", "a#2", "a"]))) == 3


def test_a_word_has_the_same_vector_in_every_sentence():
    one = embed(tokenize("我 爱 机器 学习"), 8, seed=3)
    two = embed(tokenize("机器 爱 我"), 8, seed=3)
    np.testing.assert_array_equal(one[2], two[0])
    np.testing.assert_array_equal(one[0], token_vector("我", 8, 3))
    repeated = embed(["the", "cat", "the"], 5)
    np.testing.assert_array_equal(repeated[0], repeated[2])
    assert not np.array_equal(token_vector("我", 8, 3), token_vector("我", 8, 4)), "the seed matters"


def test_positional_encoding_is_off_by_default_and_sinusoidal():
    tokens = ["a", "b", "c"]
    np.testing.assert_array_equal(embed(tokens, 6), np.stack([token_vector(t, 6, 0) for t in tokens]))
    encoding = sinusoidal_positions(3, 6)
    assert encoding[1, 0] == np.sin(1.0) and encoding[1, 1] == np.cos(1.0)
    assert encoding[2, 2] == pytest.approx(np.sin(2 / 10000 ** (2 / 6)), abs=1e-15)
    np.testing.assert_array_equal(embed(tokens, 6, positional_encoding=True), embed(tokens, 6) + encoding)
    assert sinusoidal_positions(2, 5).shape == (2, 5)


def test_init_weights_shapes_and_independent_d_k():
    weights = init_weights(d_model=10, heads=3, d_k=7, d_v=2, seed=1)
    assert weights.w_q.shape == weights.w_k.shape == (3, 10, 7)
    assert weights.w_v.shape == (3, 10, 2) and weights.w_o.shape == (6, 10)
    assert all(array.dtype == np.float64 for array in weights.arrays().values())
    assert init_weights(8, 2, 4).d_v == 4, "d_v defaults to d_k"
    assert init_weights(8, 2, 4, seed=5) == init_weights(8, 2, 4, seed=5)
    with pytest.raises(ValueError):
        weights.w_q[0, 0, 0] = 1.0


def test_adding_a_head_keeps_the_others():
    two, three = init_weights(8, 2, 4, seed=0), init_weights(8, 3, 4, seed=0)
    np.testing.assert_array_equal(three.w_q[:2], two.w_q)
    np.testing.assert_array_equal(three.w_v[:2], two.w_v)


@pytest.mark.parametrize("args, phrase", [
    ((0, 2, 4), "d_model must be a whole number from 1 to 4096; got 0"),
    ((8, 65, 4), "heads must be a whole number from 1 to 64; got 65"),
    ((8, 2, -1), "d_k must be a whole number from 1 to 1024; got -1"),
    ((8, 2, 4, 2000), "d_v must be a whole number from 1 to 1024; got 2000"),
    ((8, 2.5, 4), "heads must be a whole number from 1 to 64, not 2.5"),
])
def test_bad_sizes_name_the_parameter_and_range(args, phrase):
    with pytest.raises(ValueError) as error:
        init_weights(*args)
    assert str(error.value) == phrase


def test_weights_check_their_shapes_and_values():
    good = init_weights(4, 2, 3)
    with pytest.raises(ValueError, match="w_k must have the shape of w_q"):
        Weights(good.w_q, good.w_k[:, :, :2], good.w_v, good.w_o)
    with pytest.raises(ValueError, match="w_o must have shape"):
        Weights(good.w_q, good.w_k, good.w_v, good.w_o[:-1])
    nan = good.w_v.copy()
    nan[0, 0, 0] = np.inf
    with pytest.raises(ValueError, match="w_v holds NaN or infinite"):
        Weights(good.w_q, good.w_k, nan, good.w_o)


def test_weights_round_trip_through_npz(tmp_path):
    weights = init_weights(6, 3, 2, 5, seed=11)
    save_weights(weights, tmp_path / "w.npz")
    assert load_weights(tmp_path / "w.npz") == weights
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]


def test_truncated_weights_file_is_refused(tmp_path):
    save_weights(init_weights(6, 3, 2), tmp_path / "w.npz")
    data = (tmp_path / "w.npz").read_bytes()
    (tmp_path / "t.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(WeightsFileError, match="t.npz"):
        load_weights(tmp_path / "t.npz")


def test_strings_are_not_weights(tmp_path):
    arrays = dict(init_weights(4, 2, 2).arrays())
    arrays["w_v"] = np.array([["a"]])
    np.savez(tmp_path / "s.npz", **arrays)
    with pytest.raises(WeightsFileError, match="w_v has dtype"):
        load_weights(tmp_path / "s.npz")


def test_pipeline_order_with_and_without_the_mask():
    assert [step.key for step in pipeline_steps(True)] == list(STEP_KEYS)
    assert [step.key for step in pipeline_steps(False)] == [key for key in STEP_KEYS if key != "mask"]
    softmax = {step.key: step for step in pipeline_steps(True)}["softmax"]
    assert softmax.inputs == ("masked",)
    for step in pipeline_steps(True):
        assert step.title and step.formula and step.outputs


def test_stepper_walks_and_keeps_its_step_when_parameters_change():
    stepper = Stepper()
    assert stepper.step.key == "embed" and not stepper.previous()
    assert stepper.next() and stepper.step.key == "project"
    stepper.go_to("softmax")
    stepper.set(heads=4, d_k=6, sentence="猫吃鱼")
    assert stepper.step.key == "softmax"
    assert stepper.trace["weights"].shape == (4, 3, 3)
    stepper.last()
    assert stepper.step.key == "output" and not stepper.next()
    stepper.first()
    assert stepper.step.key == "embed"


def test_the_mask_step_comes_and_goes():
    stepper = Stepper(Parameters(causal=True))
    stepper.go_to("mask")
    stepper.set(causal=False)
    assert stepper.step.key == "softmax", "the step that shows the same scores"
    with pytest.raises(ValueError, match="causal"):
        stepper.go_to("mask")
    with pytest.raises(ValueError, match="unknown step"):
        stepper.go_to("banana")


def test_an_invalid_change_leaves_everything_as_it_was():
    stepper = Stepper()
    stepper.go_to("scores")
    before = stepper.computation
    for change in ({"heads": 0}, {"sentence": ""}, {"d_k": 2000},
                   {"heads": 64, "d_model": 4096, "d_k": 1024}):
        with pytest.raises(ValueError):
            stepper.set(**change)
        assert stepper.computation is before
        assert stepper.step.key == "scores"


def test_custom_weights_survive_sentence_changes_but_not_size_changes():
    weights = init_weights(8, 2, 4, seed=99)
    stepper = Stepper(weights=weights)
    stepper.set(sentence="猫吃鱼", causal=True)
    assert stepper.weights == weights
    stepper.set(heads=3)
    assert stepper.weights == init_weights(8, 3, 4, seed=0)
