"""Session files: a round trip gives the same computation bit for bit; every damaged file is refused by name."""

import json
import zipfile

import numpy as np
import pytest

from attention_stepper.core import session as session_module
from attention_stepper.core.edits import Edits
from attention_stepper.core import Parameters, Stepper, compute
from attention_stepper.core.session import (
    JSON_NAME,
    SESSION_FORMAT,
    SESSION_SUFFIX,
    Session,
    SessionFileError,
    load_session,
    save_session,
    session_json,
)
from attention_stepper.core.weights import init_weights, save_weights

PARAMETERS = Parameters(sentence="the cat saw the dog", heads=3, d_model=6, d_k=4, d_v=2, seed=11, causal=True,
                        positional_encoding=True)
EDITS = Edits({("embed", None, 4, 5): -2.5, ("w_q", 2, 0, 3): 1.0 / 3.0, ("w_o", None, 5, 0): 1e-17})


def assert_same_computation(a, b):
    assert a.parameters == b.parameters and a.tokens == b.tokens
    assert a.weights == b.weights and a.edits == b.edits
    assert list(a.trace) == list(b.trace)
    for key in a.trace:
        assert np.array_equal(a.trace[key], b.trace[key]), key


def test_round_trip_with_seeded_weights_edits_causal_and_d_v_unlinked(tmp_path):
    path = tmp_path / f"lesson{SESSION_SUFFIX}"
    assert save_session(path, PARAMETERS, None, EDITS, "mask", 2) == path
    loaded = load_session(path)
    assert loaded == Session(PARAMETERS, None, EDITS, "mask", 2)
    assert loaded.parameters.d_v == 2 and loaded.parameters.causal
    with np.load(path, allow_pickle=False) as archive:
        assert archive.files == [JSON_NAME], "seeded weights are not stored"
        assert archive[JSON_NAME].dtype.kind == "U" and archive[JSON_NAME].ndim == 0
        data = json.loads(str(archive[JSON_NAME]))
    assert data["format"] == SESSION_FORMAT and data["format_version"] == 1
    assert data["head"] == 3 and data["step"] == "mask" and data["parameters"]["d_v"] == 2
    assert data["edits"][1] == {"matrix": "w_q", "head": 3, "row": 0, "column": 3, "value": 1.0 / 3.0}
    assert_same_computation(compute(loaded.parameters, loaded.weights, loaded.edits),
                            compute(PARAMETERS, None, EDITS))


def test_round_trip_with_custom_weights_and_a_stepper(tmp_path):
    weights = init_weights(6, 3, 4, 2, seed=1234)
    stepper = Stepper(PARAMETERS, weights)
    stepper.set_cell("w_k", 0, 1, 1, 9.0)
    stepper.set(sentence="我 爱 机器 学习", skip_scaling=True, tokenizer="characters")
    stepper.go_to("weighted_sum")
    path = tmp_path / "custom.attn.npz"
    save_session(path, stepper.parameters, stepper.custom_weights, stepper.edits, stepper.step.key, None)
    loaded = load_session(path)
    assert loaded.weights == weights, "the weights before edits are stored; the edits apart"
    assert loaded.edits == stepper.edits and loaded.step == "weighted_sum" and loaded.head is None
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted([JSON_NAME, "w_q", "w_k", "w_v", "w_o"])
        assert archive["w_q"].dtype == np.float64
    other = Stepper()
    other.restore(loaded.parameters, loaded.weights, loaded.edits, loaded.step)
    assert_same_computation(other.computation, stepper.computation)
    assert other.step.key == "weighted_sum" and other.custom_weights == weights


def test_defaults_and_a_compressed_file_written_by_hand_load(tmp_path):
    path = tmp_path / "plain.attn.npz"
    save_session(path, Parameters(), None, Edits())
    assert load_session(path) == Session(Parameters(), None, Edits(), None, None)
    text = session_json(PARAMETERS, EDITS, "softmax", 0)
    weights = init_weights(6, 3, 4, 2, seed=5)
    np.savez_compressed(tmp_path / "compressed.npz", **{JSON_NAME: np.array(text)}, **weights.arrays())
    loaded = load_session(tmp_path / "compressed.npz")
    assert loaded == Session(PARAMETERS, weights, EDITS, "softmax", 0)


def test_a_session_that_does_not_hold_together_is_not_written(tmp_path):
    path = tmp_path / "s.attn.npz"
    save_session(path, PARAMETERS, None, EDITS)
    before = path.read_bytes()
    for arguments in ((Parameters(heads=0), None, None), (PARAMETERS, init_weights(8, 2, 4), None),
                      (PARAMETERS, None, Edits({("embed", None, 5, 0): 1.0})),
                      (Parameters(), None, None, "mask"), (PARAMETERS, None, None, "nowhere"),
                      (PARAMETERS, None, None, None, 3)):
        with pytest.raises(ValueError):
            save_session(path, *arguments)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.attn.npz"]


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "s.attn.npz"
    save_session(path, PARAMETERS, None, EDITS)
    before = path.read_bytes()

    def broken(stream, **arrays):
        stream.write(b"PK half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_module.np, "savez", broken)
    with pytest.raises(OSError):
        save_session(path, Parameters(), None, None)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.attn.npz"]


# --- damaged and foreign files -------------------------------------------------------

def good_data():
    return json.loads(session_json(PARAMETERS, EDITS, "scores", 1))


def write(path, data=None, text=None, **arrays):
    """A session file by hand: ``data`` (a dict) or raw JSON ``text``, plus any arrays."""
    if text is None:
        text = json.dumps(good_data() if data is None else data)
    np.savez(path, **{JSON_NAME: np.array(text)}, **arrays)
    return path


def changed(section=None, **changes):
    data = good_data()
    (data if section is None else data[section]).update(changes)
    return data


def refused(path, *fragments):
    with pytest.raises(SessionFileError) as caught:
        load_session(path)
    message = str(caught.value)
    assert str(path) in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.attn.npz"
    path.write_bytes(b"")
    refused(path, "empty")


def test_truncated_file(tmp_path):
    path = tmp_path / "whole.attn.npz"
    save_session(path, PARAMETERS, init_weights(6, 3, 4, 2), EDITS)
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 30):
        broken = tmp_path / f"cut{cut}.attn.npz"
        broken.write_bytes(data[:cut])
        refused(broken, "not a readable session file")


def test_not_a_zip(tmp_path):
    path = tmp_path / "notes.attn.npz"
    path.write_text("sentence: the cat\n", encoding="utf-8")
    refused(path, "not a session file")


def test_a_damaged_member_inside_the_zip(tmp_path):
    path = write(tmp_path / "bad.attn.npz")
    data = bytearray(path.read_bytes())
    start = data.index(b"\x93NUMPY")
    data[start + 60:start + 90] = b"\xff" * 30  # inside the JSON array's bytes: the CRC no longer matches
    path.write_bytes(bytes(data))
    refused(path, "not a readable session file")


def test_pickled_object_arrays_are_never_loaded(tmp_path):
    path = tmp_path / "pickled.attn.npz"
    np.savez(path, **{JSON_NAME: np.array([json.dumps(good_data())], dtype=object)})
    refused(path, "pickled")
    path = tmp_path / "pickled_weights.attn.npz"
    weights = {name: np.array(array, dtype=object) for name, array in init_weights(6, 3, 4, 2).arrays().items()}
    write(path, **weights)
    refused(path, "pickled")


@pytest.mark.parametrize("text, fragment", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('"just text"', "JSON object"),
    ("", "not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
])
def test_wrong_json(tmp_path, text, fragment):
    refused(write(tmp_path / "s.attn.npz", text=text), fragment)


def test_json_that_is_not_one_string(tmp_path):
    path = tmp_path / "s.attn.npz"
    np.savez(path, **{JSON_NAME: np.array([json.dumps(good_data())] * 2)})
    refused(path, "one text string")
    np.savez(path, **{JSON_NAME: np.frombuffer(json.dumps(good_data()).encode(), dtype=np.uint8)})
    refused(path, "one text string")


@pytest.mark.parametrize("data, fragments", [
    (changed(format="attention-stepper-weights"), ("not an Attention Stepper session",)),
    ({"parameters": {}}, ("not an Attention Stepper session",)),
    (changed(format_version=2), ("version 2", "reads version 1")),
    (changed(format_version="1"), ("version '1'",)),
    (changed(format_version=True), ("version True",)),
    (changed(extra=1), ("unknown extra",)),
    ({k: v for k, v in good_data().items() if k != "edits"}, ("missing edits",)),
    (changed("parameters", heads=0), ("bad parameters", "heads must be a whole number from 1 to 64")),
    (changed("parameters", heads=2.5), ("bad parameters", "heads")),
    (changed("parameters", d_model="8"), ("bad parameters", "d_model")),
    (changed("parameters", d_v=5000), ("bad parameters", "d_v")),
    (changed("parameters", seed=-1), ("bad parameters", "seed")),
    (changed("parameters", causal=1), ("causal must be true or false",)),
    (changed("parameters", tokenizer="spaces"), ("tokenizer must be one of",)),
    (changed("parameters", sentence=7), ("sentence must be text",)),
    (changed("parameters", sentence="   "), ()),
    (changed("parameters", colour="red"), ("unknown parameters colour",)),
    (changed(parameters=[]), ("parameters must be a JSON object",)),
    ({**good_data(), "parameters": {k: v for k, v in good_data()["parameters"].items() if k != "seed"}},
     ("missing parameters seed",)),
    (changed("parameters", heads=64, d_model=4096, d_k=1024, d_v=None), ("GiB",)),
    (changed(step="nowhere"), ("unknown step 'nowhere'",)),
    (changed(step=3), ("step must be",)),
    ({**changed("parameters", causal=False), "step": "mask"}, ("appears only with the causal mask",)),
    (changed(head=4), ("from 1 to 3", "got 4")),
    (changed(head=0), ("from 1 to 3", "got 0")),
    (changed(head="1"), ("head must be a whole number",)),
    (changed(edits={}), ("bad edits", "list")),
    (changed(edits=[{"matrix": "embed", "head": None, "row": 9, "column": 0, "value": 1.0}]),
     ("no row 9",)),
    (changed(edits=[{"matrix": "w_q", "head": 4, "row": 0, "column": 0, "value": 1.0}]), ("no head 3",)),
    (changed(edits=[{"matrix": "scores", "head": 1, "row": 0, "column": 0, "value": 1.0}]), ("bad edits",)),
    (changed(edits=[{"matrix": "w_o", "head": None, "row": 0, "column": 0, "value": 1e7}]), ("1000000",)),
])
def test_wrong_contents(tmp_path, data, fragments):
    refused(write(tmp_path / "s.attn.npz", data), *fragments)


def test_nan_and_infinity_are_refused_in_the_json_and_in_the_weights(tmp_path):
    text = json.dumps(good_data()).replace("-2.5", "NaN")
    assert "NaN" in text
    refused(write(tmp_path / "nan.attn.npz", text=text), "NaN")
    text = json.dumps(good_data()).replace("-2.5", "-Infinity")
    refused(write(tmp_path / "inf.attn.npz", text=text), "Infinity")
    arrays = {name: np.array(array) for name, array in init_weights(6, 3, 4, 2).arrays().items()}
    arrays["w_v"][1, 2, 0] = np.nan
    refused(write(tmp_path / "nan_weights.attn.npz", **arrays), "w_v", "NaN")


def test_weights_that_do_not_fit_the_parameters(tmp_path):
    refused(write(tmp_path / "sizes.attn.npz", **init_weights(8, 3, 4, 2).arrays()),
            "weights are for heads 3, d_model 8", "d_model 6")
    arrays = init_weights(6, 3, 4, 2).arrays()
    refused(write(tmp_path / "some.attn.npz", w_q=arrays["w_q"]), "missing w_k, w_v, w_o")
    refused(write(tmp_path / "complex.attn.npz", **{**arrays, "w_o": arrays["w_o"].astype(complex)}),
            "w_o has dtype complex128")
    refused(write(tmp_path / "text.attn.npz", **{**arrays, "w_k": np.full((3, 6, 4), "x")}), "w_k has dtype")
    refused(write(tmp_path / "shape.attn.npz", **{**arrays, "w_o": arrays["w_o"][:, :5]}), "w_o must have shape")
    refused(write(tmp_path / "extra.attn.npz", **arrays, notes=np.zeros(2)), "unexpected arrays notes")


def test_a_weights_file_is_told_apart(tmp_path):
    path = save_weights(init_weights(8, 2, 4), tmp_path / "weights.npz")
    refused(path, "no session.json", "Open weights")


def test_missing_file_and_folder(tmp_path):
    refused(tmp_path / "nowhere.attn.npz", "no such file")
    (tmp_path / "folder.attn.npz").mkdir()
    refused(tmp_path / "folder.attn.npz", "folder")


def test_a_zip_that_is_not_an_npz(tmp_path):
    path = tmp_path / "zip.attn.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("session.json", json.dumps(good_data()))
    refused(path)


def test_session_file_error_is_a_value_error():
    assert issubclass(SessionFileError, ValueError)


@pytest.mark.parametrize("compressed", [False, True])
def test_any_damaged_byte_or_cut_gives_a_session_file_error_or_the_session(tmp_path, compressed):
    """Flip bytes all over a good file and cut it everywhere: never another exception, never a wrong session."""
    good = tmp_path / "good.attn.npz"
    save = np.savez_compressed if compressed else np.savez
    arrays = init_weights(6, 3, 4, 2, seed=3).arrays()
    save(good, **{JSON_NAME: np.array(session_json(PARAMETERS, EDITS, "scores", 1))}, **arrays)
    expected = load_session(good)
    data = good.read_bytes()
    path = tmp_path / "damaged.attn.npz"
    for position in range(0, len(data), max(1, len(data) // 300)):
        damaged = bytearray(data)
        damaged[position] ^= 0x5A
        path.write_bytes(bytes(damaged))
        try:
            loaded = load_session(path)
        except SessionFileError as error:
            assert str(path) in str(error)
        else:  # a byte the reader does not depend on (zip comments, timestamps)
            assert loaded == expected, position
    for cut in range(2, len(data), max(1, len(data) // 100)):  # 0 and 1 byte: "empty", "not a session file"
        path.write_bytes(data[:cut])
        with pytest.raises(SessionFileError, match="damaged"):
            load_session(path)


def test_a_session_too_large_to_load_back_is_refused_when_saved_and_nothing_is_written(tmp_path, monkeypatch):
    from attention_stepper.core import session as session_module

    monkeypatch.setattr(session_module, "MAX_SESSION_JSON_CHARACTERS", 200)
    path = tmp_path / "big.attn.npz"
    with pytest.raises(ValueError, match="at most 200"):
        session_module.save_session(path, Parameters(), None)
    assert not path.exists()


# --- numbers in the session's JSON are JSON whole numbers (issue 13, item 15; from test_number_arguments.py) ---


def session_with(tmp_path, **parameters):
    data = json.loads(session_json(Parameters(), Edits()))
    data["parameters"].update(parameters)
    path = tmp_path / "s.attn.npz"
    # json.dumps cannot write a 5,000-digit int as such: write the number by hand.
    text = json.dumps(data).replace('"__huge__"', "9" * 4000)
    np.savez(path, **{JSON_NAME: np.array(text)})
    return path


@pytest.mark.parametrize("value, fragment", [(True, "not True"), (2.0, "not 2.0"), ("2", "not '2'"),
                                             ("__huge__", "got 99999999999999999999…"), (-1, "got -1")])
def test_a_session_number_must_be_a_json_whole_number_in_range(tmp_path, value, fragment):
    path = session_with(tmp_path, heads=value)
    with pytest.raises(SessionFileError) as raised:
        load_session(path)
    message = str(raised.value)
    assert "heads must be a whole number from 1 to 64" in message and fragment in message, message
    assert len(message) < len(str(path)) + 200, message


def test_a_session_with_whole_numbers_loads(tmp_path):
    assert load_session(session_with(tmp_path, heads=4, seed=7)).parameters == Parameters(heads=4, seed=7)
