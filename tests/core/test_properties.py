"""Property-based tests of the core: any text, any valid sizes, any parameter change.

Each property is stated from the documented rules (the docstrings of
core/tokenize.py, core/attention.py and core/lesson.py), not from the code,
so a change that breaks a rule fails here whatever example triggers it.
"""

from __future__ import annotations

import re
import unicodedata

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings

from attention_stepper.core import Parameters, Stepper, Weights, compute, forward, softmax
from attention_stepper.core.attention import TRACE_KEYS
from attention_stepper.core.embedding import embed
from attention_stepper.core.limits import MAX_MAGNITUDE, MAX_SENTENCE_CHARACTERS, MAX_TOKEN_CHARACTERS, MAX_TOKENS
from attention_stepper.core import pipeline_steps
from attention_stepper.core.tokenize import PADDING_TOKENS, jieba_available, tokenize

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NO_TOKENS = "the sentence has no tokens: type at least one word or character"
TOO_MANY = f"the sentence has more than {MAX_TOKENS} tokens; at most {MAX_TOKENS} are allowed"
TOO_LONG_TOKEN = re.compile(rf"a token has (\d+) characters \(.*\); at most {MAX_TOKEN_CHARACTERS} are allowed: "
                            rf"put spaces between words")
TOO_LONG = (f"the sentence has more than {MAX_SENTENCE_CHARACTERS} characters; "
            f"at most {MAX_SENTENCE_CHARACTERS} are allowed")

# --- the documented rules, restated independently of core/tokenize.py ---------------------------------------

JOINERS = {"\u200c", "\u200d"}
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Cn", "Co"}
_CJK_RANGES = ((0x2E80, 0x2FDF), (0x3040, 0x30FF), (0x3100, 0x312F), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
               (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


def invisibly_extends(char: str) -> bool:
    """A joiner, variation selector, tag or the combining grapheme joiner: part of the character before it."""
    code = ord(char)
    return (char in JOINERS or code == 0x034F or 0xFE00 <= code <= 0xFE0F or 0xE0020 <= code <= 0xE007F
            or 0xE0100 <= code <= 0xE01EF)


def separates(char: str) -> bool:
    """White space, or an invisible character (zero-width space, BOM, controls…): it separates words.

    Invisible characters that extend the one before them do not; with nothing before them they are
    dropped (see :func:`dropped`).
    """
    if invisibly_extends(char):
        return False
    return char.isspace() or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def dropped(text: str) -> list[bool]:
    """For each character: whether no token keeps it.

    Separators, and invisible extending characters with nothing visible before them in their word
    (issue 13: a sentence of only zero-width joiners has no tokens, like one of zero-width spaces).
    """
    marks, word_started = [], False
    for char in text:
        if separates(char):
            marks.append(True)
            word_started = False
        elif invisibly_extends(char) and not word_started:
            marks.append(True)
        else:
            marks.append(False)
            word_started = True
    return marks


def kept(text: str) -> str:
    """The characters of ``text`` that the tokens hold, in order."""
    return "".join(char for char, gone in zip(text, dropped(text)) if not gone)


def is_cjk(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in _CJK_RANGES)


def stands_alone(char: str) -> bool:
    """Punctuation and symbols are tokens of their own."""
    return unicodedata.category(char).startswith(("P", "S"))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- text strategies ----------------------------------------------------------------------------------------

TRICKY_PIECES = [
    "猫吃鱼", "我爱机器学习", "机器", "学习", "ひらがなカタカナ", "한국어", "𠀀𠀁",  # CJK, kana, Hangul, extension B
    "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "👍🏽", "🇨🇳", "1️⃣", "❤️",  # emoji, ZWJ sequences, modifiers, keycap
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",  # zero-width characters, BOM, soft hyphen
    "e\u0301", "\u0301", "a\u0301\u0302\u0323", "\u0301\u0301", "Z\u0351\u0352\u0353\u0354",  # combining marks
    "مرحبا بالعالم", "שָׁלוֹם", "\u202eabc\u202c", "\u200f", "\u200e",  # Arabic, Hebrew with points, bidi controls
    "learning.", "don't", "«»", "...", "ｆｕｌｌ", "Ω", "ǅ", "ß", "ﬁ",
    "x" * 3000, "长" * 700, "é" * 800, "x" * 300,  # very long words
    "。,", "שלום", "👨\u200d👩\u200d👧",  # (the pieces test_hypothesis_core.py drew, merged here)
    "\u3000", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\x00", "\x7f", "\ue000", "\U0010fffd",
]

SEPARATORS = [" ", "\u3000", "\u200b", "\t", "\n", "\u00a0", "\u2028", "\ufeff", "\u2060", "\x00"]

SEPARATOR_RUNS = st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=3).map("".join)

ANY_CHARACTER = st.characters(codec="utf-8", exclude_categories=("Cs",))
CHARACTER_CLASSES = st.one_of(
    ANY_CHARACTER,
    st.characters(categories=("Lo",), min_codepoint=0x3000, max_codepoint=0x9FFF),  # CJK
    st.characters(categories=("Mn", "Me", "Mc")),  # combining marks
    st.characters(categories=("Cf", "Zs", "Zl", "Zp", "Cc")),  # invisible and white space
    st.characters(categories=("So", "Sk")),  # symbols, emoji
    st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),  # Hebrew, Arabic
    st.sampled_from(sorted(JOINERS)),
)
PIECES = st.one_of(st.text(CHARACTER_CLASSES, max_size=12), st.sampled_from(TRICKY_PIECES))
TEXT = st.lists(st.tuples(PIECES, st.sampled_from(["", *SEPARATORS])), max_size=10).map(
    lambda parts: "".join(piece + separator for piece, separator in parts))


def longest_run(text: str) -> int:
    """The length of the longest run of characters without a separator between them."""
    longest = run = 0
    for char in text:
        run = 0 if separates(char) else run + 1
        longest = max(longest, run)
    return longest


def tokens_or_none(text: str, mode: str = "whitespace") -> list[str] | str | None:
    """The tokens; None for the documented "no tokens" error, "too many", "too long" for the others.

    Any other error, or a documented error the text does not deserve, fails the test.
    """
    try:
        return tokenize(text, mode)
    except ValueError as error:
        if TOO_LONG_TOKEN.fullmatch(str(error)):
            assert longest_run(nfc(text)) > MAX_TOKEN_CHARACTERS, "a token is never longer than a run between separators"
            return "too long"
        if str(error) == TOO_LONG:
            assert len(nfc(text)) > MAX_SENTENCE_CHARACTERS, "the text was within the limit"
            return "too long"
        assert str(error) in (NO_TOKENS, TOO_MANY), str(error)
        visible = len(kept(nfc(text)))
        if str(error) == NO_TOKENS:
            assert visible == 0, "a text with a visible character had no tokens"
            return None
        assert visible > MAX_TOKENS, "fewer visible characters than tokens"
        return "too many"


# --- tokenisation ---------------------------------------------------------------------------------------------


@FAST
@given(TEXT)
@example("")
@example("\u200b\u200d")
@example("\u0301")
def test_any_text_gives_nonempty_tokens_without_white_space(text):
    tokens = tokens_or_none(text)
    if not isinstance(tokens, list):
        return
    assert 1 <= len(tokens) <= MAX_TOKENS
    for token in tokens:
        assert isinstance(token, str) and token, tokens
        assert not any(char.isspace() for char in token), tokens
        assert not any(separates(char) for char in token), tokens
        assert unicodedata.is_normalized("NFC", token), tokens


@FAST
@given(TEXT)
def test_the_tokens_are_the_text_without_its_separators(text):
    """Nothing is lost, added or reordered: the tokens, concatenated, are the NFC text minus its white space."""
    tokens = tokens_or_none(text)
    if not isinstance(tokens, list):
        return
    assert "".join(tokens) == kept(nfc(text))


def is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


@FAST
@given(TEXT)
def test_punctuation_and_symbols_stand_alone_unless_joined_by_zwj(text):
    """A symbol inside a token only ever follows a zero-width joiner in a token that starts with a symbol,
    or is drawn as part of the character before it: a skin tone, the second regional indicator of a flag."""
    tokens = tokens_or_none(text)
    if not isinstance(tokens, list):
        return
    for token in tokens:
        if token in PADDING_TOKENS:  # <pad> and [PAD] are kept whole on purpose: the padding mask finds them
            continue
        for index, char in enumerate(token[1:], start=1):
            if stands_alone(char):
                before = token[:index]
                indicators = len(before) - len(before.rstrip("".join(map(chr, range(0x1F1E6, 0x1F200)))))
                assert ((token[index - 1] == "\u200d" and stands_alone(token[0]))
                        or 0x1F3FB <= ord(char) <= 0x1F3FF
                        or (is_regional_indicator(char) and indicators % 2 == 1)), (token, tokens)


@FAST
@given(TEXT)
@example("猫吃鱼\u200b")  # a trailing zero-width space must count as little as a trailing space
@example("\ufeff猫吃鱼")  # a byte-order mark pasted in front of the sentence
@example("机器\x00")
@example("猫 吃 鱼 the cat , 学习 é")  # words that always tokenise (test_hypothesis_core.py drew only those)
def test_tokens_joined_by_spaces_tokenise_to_themselves(text):
    """tokenize(" ".join(tokenize(s))) == tokenize(s) for every s: the tokens are stable under re-typing."""
    tokens = tokens_or_none(text)
    if not isinstance(tokens, list):
        return
    assert tokenize(" ".join(tokens)) == tokens


@FAST
@given(TEXT, SEPARATOR_RUNS, st.one_of(st.just(""), SEPARATOR_RUNS))
@example("猫吃鱼", "\u200b", "")
@example("猫吃鱼", "", "\ufeff")
@example("猫吃鱼", " ", "\u2060")
def test_white_space_around_the_sentence_changes_nothing(text, before, after):
    """Leading and trailing white space of any kind (zero-width, BOM…) neither adds tokens nor changes the split."""
    assert tokens_or_none(before + text + after) == tokens_or_none(text)


@FAST
@given(st.lists(st.text(CHARACTER_CLASSES, min_size=1, max_size=8).filter(lambda w: not all(map(separates, w))),
                min_size=2, max_size=8),
       st.data())
def test_every_kind_of_white_space_separates_alike(words, data):
    """Joining words with any separators gives the tokens of joining them with single spaces."""
    separators = data.draw(st.lists(SEPARATOR_RUNS, min_size=len(words) - 1, max_size=len(words) - 1))
    mixed = words[0] + "".join(separator + word for separator, word in zip(separators, words[1:]))
    assert tokens_or_none(mixed) == tokens_or_none(" ".join(words))


@FAST
@given(TEXT)
def test_composed_and_decomposed_text_give_the_same_tokens(text):
    assert tokens_or_none(unicodedata.normalize("NFD", text)) == tokens_or_none(text)
    assert tokens_or_none(nfc(text)) == tokens_or_none(text)


@FAST
@given(st.text(st.characters(categories=("Lo",), min_codepoint=0x4E00, max_codepoint=0x9FFF),
               min_size=1, max_size=40),
       st.sampled_from(["", " ", "\u200b", "\ufeff", "\n"]), st.sampled_from(["", " ", "\u200b", "\ufeff", "\n"]))
def test_chinese_without_spaces_is_one_token_per_character(hanzi, before, after):
    """The documented rule: a text with no white space between its characters splits into its characters."""
    assert tokenize(before + hanzi + after) == list(hanzi)


@FAST
@given(st.lists(st.text(st.characters(categories=("Lo",), min_codepoint=0x4E00, max_codepoint=0x9FFF),
                        min_size=1, max_size=4), min_size=2, max_size=8))
def test_typed_spaces_decide_the_chinese_words(words):
    assert tokenize(" ".join(words)) == words


@FAST
@given(TEXT)
def test_character_mode_agrees_with_white_space_mode_when_there_is_no_cjk(text):
    assume(not any(is_cjk(char) for char in nfc(text)))
    assert tokens_or_none(text, "characters") == tokens_or_none(text)


@FAST
@given(TEXT)
def test_character_mode_puts_each_cjk_character_in_its_own_token(text):
    tokens = tokens_or_none(text, "characters")
    if not isinstance(tokens, list):
        return
    assert "".join(tokens) == kept(nfc(text))
    for token in tokens:
        for index, char in enumerate(token[1:], start=1):
            if is_cjk(char):
                assert token[index - 1] == "\u200d", (token, tokens)  # only a ZWJ glues a character on


@pytest.mark.skipif(not jieba_available(), reason="jieba is not installed")
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_jieba_mode_also_gives_nonempty_tokens_without_white_space(text):
    tokens = tokens_or_none(text, "jieba")
    if not isinstance(tokens, list):
        return
    assert 1 <= len(tokens) <= MAX_TOKENS
    assert all(token and not any(separates(char) for char in token) for token in tokens), tokens


@QUICK
@given(st.integers(MAX_TOKENS - 5, MAX_TOKENS + 5), st.sampled_from(["w", "猫", ",", "é", "👍"]),
       st.sampled_from(SEPARATORS))
def test_at_most_max_tokens_are_allowed(count, word, separator):
    text = separator.join([word] * count)
    if count <= MAX_TOKENS:
        assert tokenize(text) == [word] * count
    else:
        with pytest.raises(ValueError) as raised:
            tokenize(text)
        assert str(raised.value) == TOO_MANY


@pytest.mark.parametrize("text", ["x" * MAX_TOKEN_CHARACTERS, "长" * MAX_TOKEN_CHARACTERS + " a",
                                  "a\u0301" * MAX_TOKEN_CHARACTERS])
def test_very_long_words_are_one_token(text):
    """Up to the limit of a token's length (issue 13: 200,000 characters were one token, and 687 MB of CSV)."""
    tokens = tokenize(text)
    assert "".join(tokens) == nfc(text).replace(" ", "")
    assert len(tokens) <= 2


@pytest.mark.parametrize("text", ["x" * 200_000, "长" * 100_000 + " a", "a\u0301" * 50_000, "x" * 101])
def test_longer_words_are_refused(text):
    assert tokens_or_none(text) == "too long"


def test_a_huge_text_is_refused_without_tokenising_all_of_it():
    with pytest.raises(ValueError, match="more than 512"):
        tokenize("a " * 1_000_000)
    with pytest.raises(ValueError, match="more than 512"):
        tokenize("猫" * 1_000_000)


# --- the trace for any valid sizes ----------------------------------------------------------------------------

WORDS = ["w0", "w1", "cat", "猫", "鱼", "é", ",", "👨\u200d👩\u200d👧", "שלום", "e\u0301", "the"]
SIZES = st.fixed_dictionaries({
    "words": st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    "heads": st.integers(1, 6),
    "d_model": st.integers(1, 16),
    "d_k": st.integers(1, 12),
    "d_v": st.one_of(st.none(), st.integers(1, 12)),
    "seed": st.integers(0, 2**31 - 1),
    "causal": st.booleans(),
    "positional_encoding": st.booleans(),
    "skip_scaling": st.booleans(),
})


def parameters_of(sizes: dict) -> Parameters:
    sizes = dict(sizes)
    words = sizes.pop("words")
    return Parameters(sentence=" ".join(words), **sizes)


@FAST
@given(SIZES)
def test_the_trace_has_the_documented_shapes_and_keys(sizes):
    parameters = parameters_of(sizes)
    computation = compute(parameters)
    trace = computation.trace
    n = len(sizes["words"])
    h, d_model, d_k, d_v = parameters.heads, parameters.d_model, parameters.d_k, parameters.value_dim
    assert list(computation.tokens) == [nfc(word) for word in sizes["words"]]
    expected = {"embed": (n, d_model), "q": (h, n, d_k), "k": (h, n, d_k), "v": (h, n, d_v),
                "scores": (h, n, n), "scaled": (h, n, n), "masked": (h, n, n), "weights": (h, n, n),
                "head_output": (h, n, d_v), "concat": (n, h * d_v), "output": (n, d_model)}
    if not parameters.causal:
        del expected["masked"]
    assert list(trace) == [key for key in TRACE_KEYS if key in expected]  # in computing order
    assert {key: trace[key].shape for key in trace} == expected
    for key, array in trace.items():
        assert array.dtype == np.float64, key
        assert not array.flags.writeable, key
    weights = computation.weights
    assert (weights.w_q.shape, weights.w_k.shape, weights.w_v.shape, weights.w_o.shape) == (
        (h, d_model, d_k), (h, d_model, d_k), (h, d_model, d_v), (h * d_v, d_model))
    assert [step.key for step in computation.steps] == [step.key for step in pipeline_steps(parameters.causal)]


@FAST
@given(SIZES)
def test_the_trace_is_finite_and_the_softmax_rows_sum_to_one(sizes):
    parameters = parameters_of(sizes)
    trace = compute(parameters).trace
    n = len(sizes["words"])
    above = np.triu(np.ones((n, n), dtype=bool), k=1)
    for key, array in trace.items():
        if key == "masked":
            assert np.all(array[:, above] == -np.inf)
            assert np.isfinite(array[:, ~above]).all()
            np.testing.assert_array_equal(array[:, ~above], trace["scaled"][:, ~above])
        else:
            assert np.isfinite(array).all(), key
    attention = trace["weights"]
    assert np.all(attention >= 0) and np.all(attention <= 1)
    np.testing.assert_allclose(attention.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    if parameters.causal:
        assert np.all(attention[:, above] == 0.0)  # exactly zero, not merely small
        assert np.all(attention[:, 0, 0] == 1.0)  # the first token can only look at itself
    divisor = 1.0 if parameters.skip_scaling else np.sqrt(parameters.d_k)
    np.testing.assert_array_equal(trace["scaled"], trace["scores"] / divisor)


@FAST
@given(SIZES)
def test_the_trace_steps_follow_from_each_other(sizes):
    """Each matrix is what its step's formula makes of the ones before it (to rounding)."""
    parameters = parameters_of(sizes)
    computation = compute(parameters)
    trace, weights = computation.trace, computation.weights
    tight = {"rtol": 1e-10, "atol": 1e-10}
    x = trace["embed"]
    np.testing.assert_array_equal(x, embed(list(computation.tokens), parameters.d_model, parameters.seed,
                                           parameters.positional_encoding))
    np.testing.assert_allclose(trace["q"], np.einsum("nd,hdk->hnk", x, weights.w_q), **tight)
    np.testing.assert_allclose(trace["k"], np.einsum("nd,hdk->hnk", x, weights.w_k), **tight)
    np.testing.assert_allclose(trace["v"], np.einsum("nd,hdk->hnk", x, weights.w_v), **tight)
    np.testing.assert_allclose(trace["scores"], np.einsum("htk,hsk->hts", trace["q"], trace["k"]), **tight)
    np.testing.assert_allclose(trace["head_output"], trace["weights"] @ trace["v"], **tight)
    heads = parameters.heads
    np.testing.assert_array_equal(trace["concat"], np.concatenate([trace["head_output"][i] for i in range(heads)],
                                                                  axis=1))
    np.testing.assert_allclose(trace["output"], trace["concat"] @ weights.w_o, **tight)
    if not parameters.positional_encoding:  # a repeated word has identical rows of X
        for i, token in enumerate(computation.tokens):
            first = computation.tokens.index(token)
            np.testing.assert_array_equal(x[i], x[first])


@FAST
@given(SIZES)
def test_the_same_parameters_give_the_same_trace(sizes):
    first, second = compute(parameters_of(sizes)).trace, compute(parameters_of(sizes)).trace
    assert list(first) == list(second)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])


# --- softmax and forward with huge scores ---------------------------------------------------------------------

ROWS = st.tuples(st.integers(1, 4), st.integers(1, 12), st.integers(1, 12))


def logits_of(draw_shape, elements):
    return draw_shape.flatmap(lambda shape: st.lists(elements, min_size=int(np.prod(shape)),
                                                     max_size=int(np.prod(shape)))
                              .map(lambda values: np.array(values, dtype=np.float64).reshape(shape)))


def assert_proper_softmax(weights: np.ndarray, logits: np.ndarray) -> None:
    assert weights.shape == logits.shape and weights.dtype == np.float64
    assert np.isfinite(weights).all()
    assert np.all(weights >= 0) and np.all(weights <= 1)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert np.all(weights[logits == -np.inf] == 0.0)
    # the largest score gets the largest weight, and larger scores never get smaller weights
    largest = logits.argmax(axis=-1)
    assert np.all(np.take_along_axis(weights, largest[..., None], axis=-1) >= 1.0 / logits.shape[-1] - 1e-12)
    order = np.argsort(logits, axis=-1, kind="stable")
    assert np.all(np.diff(np.take_along_axis(weights, order, axis=-1), axis=-1) >= 0)


@FAST
@given(logits_of(ROWS, st.floats(-1e6, 1e6, allow_nan=False)),
       st.one_of(st.sampled_from([1.0, 1e3, 1e6, 1e100, 1e300]), st.floats(1e3, 1e300)))
def test_softmax_of_scores_up_to_huge_magnitudes_is_finite(base, factor):
    logits = np.clip(base * factor, -1e307, 1e307)
    logits.flags.writeable = False  # trace arrays are read-only: softmax must not write into its input
    before = logits.copy()
    assert_proper_softmax(softmax(logits), logits)
    np.testing.assert_array_equal(logits, before)


@FAST
@given(logits_of(ROWS, st.one_of(st.floats(-1e6, 1e6), st.sampled_from([1e6, -1e6, 0.0]))), st.data())
def test_softmax_with_masked_scores_gives_them_exactly_zero(logits, data):
    hidden = data.draw(st.lists(st.booleans(), min_size=logits.size, max_size=logits.size))
    mask = np.array(hidden).reshape(logits.shape)
    mask[..., 0] = False  # every row keeps at least one score, as the causal mask's diagonal does
    masked = np.where(mask, -np.inf, logits)
    assert_proper_softmax(softmax(masked), masked)


@QUICK
@given(SIZES, st.integers(0, 140), st.integers(0, 3))
def test_forward_with_hugely_scaled_weights_still_gives_finite_weights(sizes, exponent, mantissa):
    parameters = parameters_of(sizes)
    base = compute(parameters).weights
    factor = (1 + mantissa) * 10.0 ** exponent
    # Weights are bounded by MAX_MAGNITUDE (issue 13): W_Q and W_K grow up to it and X by the rest,
    # which gives the scores the size that scaling W_Q and W_K by `factor` gave.
    largest = max(np.abs(base.w_q).max(), np.abs(base.w_k).max(), 1e-300)
    weight_factor = min(factor, MAX_MAGNITUDE / largest * (1 - 1e-9))  # (1 - 1e-9): the product rounds up
    weights = Weights(base.w_q * weight_factor, base.w_k * weight_factor, base.w_v, base.w_o)
    trace = forward(compute(parameters).trace["embed"] * (factor / weight_factor), weights,
                    causal=parameters.causal, scale=not parameters.skip_scaling)
    assert np.isfinite(trace["scores"]).all()  # (the factors are chosen so the scores themselves fit a double)
    assert_proper_softmax(trace["weights"], trace["masked" if parameters.causal else "scaled"])
    for key in ("head_output", "concat", "output"):
        assert np.isfinite(trace[key]).all(), key


# --- the stepper across parameter changes ---------------------------------------------------------------------

VALID_CHANGES = st.one_of(
    st.fixed_dictionaries({"heads": st.integers(1, 6)}),
    st.fixed_dictionaries({"d_model": st.integers(1, 16)}),
    st.fixed_dictionaries({"d_k": st.integers(1, 12)}),
    st.fixed_dictionaries({"d_v": st.one_of(st.none(), st.integers(1, 12))}),
    st.fixed_dictionaries({"seed": st.integers(0, 2**31 - 1)}),
    st.fixed_dictionaries({"causal": st.booleans()}),
    st.fixed_dictionaries({"positional_encoding": st.booleans()}),
    st.fixed_dictionaries({"skip_scaling": st.booleans()}),
    st.fixed_dictionaries({"tokenizer": st.sampled_from(["whitespace", "characters"])}),
    st.fixed_dictionaries({"sentence": st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)}),
    st.fixed_dictionaries({"heads": st.integers(1, 6), "d_k": st.integers(1, 12), "causal": st.booleans()}),
)

INVALID_CHANGES = [
    {"heads": 0}, {"heads": -1}, {"heads": 65}, {"heads": 2.5}, {"heads": True}, {"heads": "2"},
    {"d_k": 2000}, {"d_k": 5000}, {"d_k": 0}, {"d_v": 0}, {"d_v": 1025}, {"d_model": 0}, {"d_model": 4097},
    {"seed": -1}, {"seed": 2**31},
    {"sentence": ""}, {"sentence": "   "}, {"sentence": "\u200b\ufeff\u3000"}, {"sentence": None},
    {"sentence": " ".join(["w"] * (MAX_TOKENS + 1))},
    {"tokenizer": "bpe"},
    {"heads": 64, "d_model": 4096, "d_k": 1024},  # each within range, together beyond the memory budget
    {"heads": 3, "d_k": 0}, {"sentence": "new words", "heads": 0},  # a valid part does not slip through
]


DEFAULT_SIZES = {"words": Parameters().sentence.split(), **{name: getattr(Parameters(), name) for name in (
    "heads", "d_model", "d_k", "d_v", "seed", "causal", "positional_encoding", "skip_scaling")}}


@FAST
@given(SIZES, st.lists(st.one_of(VALID_CHANGES.map(lambda change: (True, change)),
                                st.sampled_from(INVALID_CHANGES).map(lambda change: (False, change))),
                      min_size=1, max_size=8),
       st.integers(0, 8))
@example(DEFAULT_SIZES, [(True, {"sentence": "猫吃鱼"}), (False, {"heads": 0}), (True, {"causal": True}),
                         (False, {"d_k": 5000}), (True, {"positional_encoding": True}), (False, {"sentence": ""})], 8)
def test_the_stepper_keeps_its_step_and_refuses_invalid_changes_without_damage(sizes, changes, start):
    stepper = Stepper(parameters_of(sizes))
    stepper.go_to(start % len(stepper.steps))
    for valid, change in changes:
        before_parameters, before_trace, before_key = stepper.parameters, stepper.trace, stepper.step.key
        before_computation, before_index = stepper.computation, stepper.index
        try:
            stepper.set(**change)
        except ValueError:
            assert not valid, change
            assert stepper.parameters == before_parameters
            assert stepper.computation is before_computation and stepper.trace is before_trace
            assert stepper.index == before_index and stepper.step.key == before_key
            continue
        assert valid, change
        for name, value in change.items():
            assert getattr(stepper.parameters, name) == value
        keys = [step.key for step in stepper.steps]
        expected = before_key if before_key in keys else "softmax"  # only the mask step can disappear
        assert stepper.step.key == expected
        assert ("mask" in keys) == stepper.parameters.causal
        assert ("masked" in stepper.trace) == stepper.parameters.causal
        assert stepper.trace["weights"].shape[0] == stepper.parameters.heads
        assert stepper.parameters == compute(stepper.parameters).parameters  # kept as compute would keep them


@QUICK
@given(SIZES, st.sampled_from(INVALID_CHANGES))
def test_an_invalid_change_leaves_the_trace_values_untouched(sizes, change):
    stepper = Stepper(parameters_of(sizes))
    copies = {key: array.copy() for key, array in stepper.trace.items()}
    with pytest.raises(ValueError):
        stepper.set(**change)
    assert set(stepper.trace) == set(copies)
    for key, array in copies.items():
        np.testing.assert_array_equal(stepper.trace[key], array)
