"""Seeded weights, their validation, the size limits, and the .npz round trip."""

from __future__ import annotations

import numpy as np
import pytest
from attention_stepper.core import (
    MAX_D_K,
    MAX_D_MODEL,
    MAX_HEADS,
    MAX_TOKENS,
    Weights,
    WeightsFileError,
    init_weights,
    limits,
    load_weights,
    save_weights,
)

# --------------------------------------------------------------------------
# init_weights
# --------------------------------------------------------------------------

@pytest.mark.parametrize("d_model, heads, d_k, d_v", [(8, 2, 4, None), (8, 3, 7, None), (5, 4, 9, 2), (1, 1, 1, 1)])
def test_shapes_and_dtype(d_model, heads, d_k, d_v):
    """d_k is free (not forced to d_model / heads) and d_v follows d_k unless given."""
    w = init_weights(d_model, heads, d_k, d_v)
    value_dim = d_k if d_v is None else d_v
    assert w.w_q.shape == (heads, d_model, d_k)
    assert w.w_k.shape == (heads, d_model, d_k)
    assert w.w_v.shape == (heads, d_model, value_dim)
    assert w.w_o.shape == (heads * value_dim, d_model)
    assert (w.heads, w.d_model, w.d_k, w.d_v) == (heads, d_model, d_k, value_dim)
    for array in w.arrays().values():
        assert array.dtype == np.float64
        assert np.isfinite(array).all()


def test_keyword_defaults():
    w = init_weights(d_model=8, heads=2, d_k=4)
    assert w == init_weights(8, 2, 4, d_v=4, seed=0)


def test_same_seed_same_weights_other_seed_other_weights():
    assert init_weights(8, 2, 4, seed=5) == init_weights(8, 2, 4, seed=5)
    assert init_weights(8, 2, 4, seed=5) != init_weights(8, 2, 4, seed=6)


def test_existing_heads_are_unchanged_when_heads_grow():
    """Going from 2 to 3 heads adds a head; heads 1 and 2 keep W_Q, W_K, W_V exactly.

    W_O's per-head blocks keep their direction; they are scaled by 1/√h so the
    output keeps its size, which is the only thing allowed to change.
    """
    two = init_weights(8, 2, 4, seed=3)
    three = init_weights(8, 3, 4, seed=3)
    for name in ("w_q", "w_k", "w_v"):
        np.testing.assert_array_equal(getattr(three, name)[:2], getattr(two, name))
    np.testing.assert_allclose(three.w_o[:8] * np.sqrt(3), two.w_o * np.sqrt(2), rtol=1e-15)
    assert not np.array_equal(three.w_q[2], three.w_q[1])


def test_heads_differ_from_each_other_and_q_differs_from_k():
    w = init_weights(8, 2, 4)
    assert not np.array_equal(w.w_q[0], w.w_q[1])
    assert not np.array_equal(w.w_q[0], w.w_k[0])


def test_entries_have_variance_about_one_over_fan_in():
    """Scaled by 1/√d_model so Q and K entries stay near unit size whatever d_model is."""
    w = init_weights(256, 4, 64)
    assert 0.8 / 256 < w.w_q.var() < 1.2 / 256


def test_weights_are_read_only_copies():
    source = np.ones((1, 2, 2))
    w = Weights(source, source, source, np.ones((2, 2)))
    source[0, 0, 0] = 5.0
    assert w.w_q[0, 0, 0] == 1.0
    with pytest.raises(ValueError):
        w.w_q[0, 0, 0] = 2.0


@pytest.mark.parametrize("name, kwargs, range_text", [
    ("heads", {"heads": 0}, "from 1 to 64"),
    ("heads", {"heads": 65}, "from 1 to 64"),
    ("d_model", {"d_model": 0}, "from 1 to 4096"),
    ("d_model", {"d_model": 4097}, "from 1 to 4096"),
    ("d_k", {"d_k": 0}, "from 1 to 1024"),
    ("d_k", {"d_k": -4}, "from 1 to 1024"),
    ("d_k", {"d_k": 1025}, "from 1 to 1024"),
    ("d_v", {"d_v": 0}, "from 1 to 1024"),
    ("d_v", {"d_v": 2000}, "from 1 to 1024"),
    ("seed", {"seed": -1}, "from 0 to 2147483647"),
    ("heads", {"heads": 2.5}, "from 1 to 64"),
    ("heads", {"heads": "2"}, "from 1 to 64"),
    ("d_k", {"d_k": True}, "from 1 to 1024"),
    ("d_model", {"d_model": None}, "from 1 to 4096"),
])
def test_invalid_sizes_name_the_parameter_and_the_range(name, kwargs, range_text):
    arguments = {"d_model": 8, "heads": 2, "d_k": 4, "d_v": None, "seed": 0} | kwargs
    with pytest.raises(ValueError) as caught:
        init_weights(**arguments)
    message = str(caught.value)
    assert message.startswith(f"{name} must be a whole number {range_text}")
    assert repr(kwargs[name]) in message or str(kwargs[name]) in message  # says what was given


def test_numpy_integers_are_accepted():
    assert init_weights(np.int64(8), np.int32(2), np.int16(4)).w_q.shape == (2, 8, 4)


def test_limits_are_the_documented_ones():
    assert (MAX_TOKENS, MAX_HEADS, MAX_D_MODEL, MAX_D_K) == (512, 64, 4096, 1024)
    assert limits.RANGES["heads"] == (1, 64)
    assert limits.RANGES["d_model"] == (1, 4096)
    assert limits.RANGES["d_k"] == limits.RANGES["d_v"] == (1, 1024)


def test_largest_sizes_are_refused_by_the_memory_budget_not_attempted():
    """Each size is in range, but together 8 GiB of weights: a message, not a MemoryError."""
    with pytest.raises(ValueError, match=r"GiB.*lower heads, d_model, d_k or d_v"):
        limits.check_matrix_budget(4, MAX_HEADS, MAX_D_MODEL, MAX_D_K, MAX_D_K)
    limits.check_matrix_budget(MAX_TOKENS, 8, 512, 64, 64, causal=True)  # a realistic size fits


def test_memory_budget_counts_the_trace_not_only_the_weights():
    needed = limits.matrix_bytes(512, 64, 8, 1, 1, causal=True)
    # four (n, n) matrices per head dominate: scores, scaled, masked, weights
    assert needed >= 8 * 64 * 4 * 512 * 512


@pytest.mark.parametrize("change, phrase", [
    ({"w_k": np.zeros((2, 8, 3))}, "w_k must have the shape of w_q"),
    ({"w_v": np.zeros((2, 7, 4))}, "w_v must have shape (h, d_model, d_v)"),
    ({"w_o": np.zeros((8, 7))}, "w_o must have shape (h*d_v, d_model) = (8, 8)"),
    ({"w_q": np.zeros((8, 4))}, "w_q must have 3 dimensions"),
    ({"w_o": np.zeros((2, 4, 8))}, "w_o must have 2 dimensions"),
    ({"w_v": np.full((2, 8, 4), np.nan)}, "w_v holds NaN or infinite values"),
    ({"w_o": np.full((8, 8), np.inf)}, "w_o holds NaN or infinite values"),
])
def test_weights_constructor_refuses_what_does_not_fit(change, phrase):
    arrays = init_weights(8, 2, 4).arrays() | change
    with pytest.raises(ValueError) as caught:
        Weights(**arrays)
    assert phrase in str(caught.value)


def test_weights_constructor_refuses_sizes_out_of_range():
    with pytest.raises(ValueError, match="heads must be a whole number from 1 to 64"):
        Weights(np.zeros((65, 1, 1)), np.zeros((65, 1, 1)), np.zeros((65, 1, 1)), np.zeros((65, 1)))


# --------------------------------------------------------------------------
# .npz round trip and refusal of bad files
# --------------------------------------------------------------------------

def test_save_and_load_round_trip_exactly(tmp_path):
    w = init_weights(6, 3, 5, 2, seed=9)
    path = save_weights(w, tmp_path / "w.npz")
    loaded = load_weights(path)
    assert loaded == w
    for name, array in loaded.arrays().items():
        assert array.dtype == np.float64
        np.testing.assert_array_equal(array, getattr(w, name))
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]  # no temporary left behind


def test_hand_written_npz_with_integer_weights_loads(tmp_path):
    path = tmp_path / "hand.npz"
    np.savez(path, w_q=np.ones((1, 2, 2), dtype=int), w_k=np.ones((1, 2, 2), dtype=int),
             w_v=np.ones((1, 2, 3), dtype=np.float32), w_o=np.ones((3, 2)))
    loaded = load_weights(path)
    assert loaded.w_q.dtype == np.float64 and (loaded.heads, loaded.d_model, loaded.d_k, loaded.d_v) == (1, 2, 2, 3)


def _good_arrays():
    return init_weights(4, 2, 3).arrays()


def _write_pickled(path):
    arrays = _good_arrays()
    arrays["w_o"] = np.array([{"not": "numbers"}, None], dtype=object)
    np.savez(path, **arrays)


def _write_nan(path):
    arrays = _good_arrays()
    arrays["w_k"] = arrays["w_k"].copy()
    arrays["w_k"][1, 2, 0] = np.nan
    np.savez(path, **arrays)


def _write_inf(path):
    arrays = _good_arrays()
    arrays["w_q"] = arrays["w_q"].copy()
    arrays["w_q"][0, 0, 0] = -np.inf
    np.savez(path, **arrays)


def _write_truncated(path):
    save_weights(init_weights(4, 2, 3), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _write_wrong_names(path):
    arrays = _good_arrays()
    np.savez(path, query=arrays["w_q"], key=arrays["w_k"], value=arrays["w_v"], out=arrays["w_o"])


def _write_wrong_shape(path):
    arrays = _good_arrays()
    arrays["w_o"] = np.ones((5, 4))
    np.savez(path, **arrays)


def _write_strings(path):
    arrays = _good_arrays()
    arrays["w_v"] = np.array([["a", "b"]])
    np.savez(path, **arrays)


BAD_FILES = {
    "zero-byte": (lambda path: path.write_bytes(b""), "the file is empty"),
    "truncated": (_write_truncated, "not a readable .npz weights file"),
    "text": (lambda path: path.write_text("w_q = [[1, 2]]\n"), "not an .npz archive"),
    "pickled": (_write_pickled, "pickled objects, which are never loaded"),
    "nan": (_write_nan, "w_k holds NaN or infinite values"),
    "inf": (_write_inf, "w_q holds NaN or infinite values"),
    "wrong names": (_write_wrong_names, "missing w_q, w_k, w_v, w_o"),
    "wrong shape": (_write_wrong_shape, "w_o must have shape (h*d_v, d_model) = (6, 4)"),
    "strings": (_write_strings, "w_v has dtype <U1; weights must be real numbers"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_weights_files_are_refused_naming_the_file(tmp_path, kind):
    write, phrase = BAD_FILES[kind]
    path = tmp_path / "bad weights.npz"
    write(path)
    with pytest.raises(WeightsFileError) as caught:
        load_weights(path)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert message.startswith(str(path))
    assert phrase in message
    assert "\n" not in message


def test_missing_weights_file_is_refused(tmp_path):
    with pytest.raises(WeightsFileError, match="no such file"):
        load_weights(tmp_path / "absent.npz")


def test_folder_instead_of_weights_file_is_refused(tmp_path):
    with pytest.raises(WeightsFileError, match="is a folder"):
        load_weights(tmp_path)


def test_pickled_file_is_never_unpickled(tmp_path, monkeypatch):
    """allow_pickle=False: loading must not run the pickle machinery at all."""
    import pickle

    path = tmp_path / "p.npz"
    _write_pickled(path)

    def forbidden(*args, **kwargs):
        raise AssertionError("load_weights unpickled something")

    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    with pytest.raises(WeightsFileError):
        load_weights(path)


def test_saving_over_a_file_is_atomic(tmp_path, monkeypatch):
    """A failure while writing leaves the earlier file whole and no temporary behind."""
    path = tmp_path / "w.npz"
    first = init_weights(4, 1, 2, seed=1)
    save_weights(first, path)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        save_weights(init_weights(4, 1, 2, seed=2), path)
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]
    assert load_weights(path) == first
