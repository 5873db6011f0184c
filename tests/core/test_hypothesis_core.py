"""Property-based tests: any text, any valid sizes, the documented behaviour or the documented error."""

import numpy as np
import hypothesis.strategies as st
from hypothesis import given, settings

from attention_stepper.core.attention import softmax
from attention_stepper.core.limits import MAX_TOKEN_CHARACTERS, MAX_TOKENS
from attention_stepper.core import Parameters, Stepper, compute
from attention_stepper.core.tokenize import tokenize

TRICKY = st.sampled_from([
    "猫吃鱼", "我 爱 机器 学习", "👨\u200d👩\u200d👧", "e\u0301", "\u200b", "\u200d", "مرحبا بالعالم", "שלום",
    "x" * 300, "\u0301\u0301", "🇨🇳", "Ω", "\u3000", "。,", "ｆｕｌｌ", "\t",
])
TEXT = st.lists(st.one_of(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
                          TRICKY), max_size=8).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_tokenises_or_raises_the_documented_error(text):
    try:
        tokens = tokenize(text)
    except ValueError as error:
        if str(error).startswith("a token has"):  # issue 13: a token has at most MAX_TOKEN_CHARACTERS
            assert max(map(len, text.split())) > MAX_TOKEN_CHARACTERS, str(error)
            return
        assert "no tokens" in str(error) or f"more than {MAX_TOKENS}" in str(error)
        return
    assert 1 <= len(tokens) <= MAX_TOKENS
    for token in tokens:
        assert token and not any(char.isspace() for char in token)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["猫", "吃", "鱼", "the", "cat", ",", "学习", "é"]), min_size=1, max_size=12))
def test_tokens_joined_by_spaces_tokenise_to_themselves(words):
    tokens = tokenize(" ".join(words))
    assert tokenize(" ".join(tokens)) == tokens


SIZES = st.fixed_dictionaries({
    "n": st.integers(1, 10), "heads": st.integers(1, 5), "d_model": st.integers(1, 12), "d_k": st.integers(1, 10),
    "d_v": st.one_of(st.none(), st.integers(1, 10)), "seed": st.integers(0, 2**31 - 1), "causal": st.booleans(),
    "positional_encoding": st.booleans(), "skip_scaling": st.booleans(),
})


@settings(max_examples=150, deadline=None)
@given(SIZES)
def test_any_valid_sizes_give_the_documented_trace(sizes):
    n = sizes.pop("n")
    parameters = Parameters(sentence=" ".join(f"w{i % 4}" for i in range(n)), **sizes)
    trace = compute(parameters).trace
    h, d_model, d_k = parameters.heads, parameters.d_model, parameters.d_k
    d_v = parameters.value_dim
    expected = {"embed": (n, d_model), "q": (h, n, d_k), "k": (h, n, d_k), "v": (h, n, d_v), "scores": (h, n, n),
                "scaled": (h, n, n), "weights": (h, n, n), "head_output": (h, n, d_v), "concat": (n, h * d_v),
                "output": (n, d_model)}
    if parameters.causal:
        expected["masked"] = (h, n, n)
    assert {key: trace[key].shape for key in trace} == expected
    for key, array in trace.items():
        if key == "masked":
            upper = np.triu(np.ones((n, n), dtype=bool), k=1)
            assert (array[:, upper] == -np.inf).all() and np.isfinite(array[:, ~upper]).all()
        else:
            assert np.isfinite(array).all(), key
    np.testing.assert_allclose(trace["weights"].sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert (trace["weights"] >= 0).all()
    if parameters.causal:
        assert (trace["weights"][:, np.triu(np.ones((n, n), dtype=bool), k=1)] == 0).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12), st.floats(1e3, 1e300))
def test_softmax_of_huge_scores_stays_finite(scores, scale):
    logits = np.array([scores]) * scale
    weights = softmax(logits)
    assert np.isfinite(weights).all()
    assert abs(weights.sum() - 1) < 1e-12


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    {"heads": 3}, {"d_k": 7}, {"d_model": 5}, {"sentence": "猫吃鱼"}, {"causal": True}, {"causal": False},
    {"heads": 0}, {"sentence": ""}, {"d_k": 5000}, {"d_v": 2}, {"d_v": None}, {"positional_encoding": True},
]), max_size=10), st.integers(0, 8))
def test_the_stepper_keeps_its_step_and_refuses_without_damage(changes, start):
    stepper = Stepper()
    stepper.go_to(min(start, len(stepper.steps) - 1))
    for change in changes:
        key, before = stepper.step.key, stepper.computation
        try:
            stepper.set(**change)
        except ValueError:
            assert stepper.computation is before and stepper.step.key == key
            continue
        keys = [step.key for step in stepper.steps]
        assert stepper.step.key == (key if key in keys else "softmax")
        assert stepper.parameters == compute(stepper.parameters).parameters
