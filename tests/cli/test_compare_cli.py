"""``attention-stepper compare``: the output lines, --json, exit statuses 0/1/2, and one line for every bad dump."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from attention_stepper.gui.cli import main

from user_attention import Setup, user_attention


def run(capsys, *arguments) -> tuple[int, str, str]:
    status = main(["compare", *map(str, arguments)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def save(tmp_path, arrays, name="dump.npz"):
    np.savez(tmp_path / name, **arrays)
    return tmp_path / name


def test_a_matching_dump_prints_every_step_and_exits_0(tmp_path, capsys):
    setup = Setup(causal=True)
    status, out, err = run(capsys, save(tmp_path, user_attention(setup)), *setup.flags())
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith(f"compare {tmp_path / 'dump.npz'} with the reference: 5 tokens, heads 2,")
    steps = [line.split()[0] for line in lines[2:] if line.endswith("  ok")]
    assert steps == ["q", "k", "v", "scores", "scaled", "weights", "head_output", "concat", "output"]
    assert lines[-3:-1] == ["all steps match", "diagnosis: none"]


def test_json_report(tmp_path, capsys):
    setup = Setup(causal=True, window=2)
    status, out, _ = run(capsys, save(tmp_path, user_attention(setup, "window-off-by-one")), *setup.flags(),
                         "--json")
    report = json.loads(out)
    assert status == 1
    assert report["first_divergence"] == "weights" and report["diagnosis"] == "window-off-by-one"
    assert report["configuration"]["window"] == 2 and report["matches"] is False
    weights = next(step for step in report["steps"] if step["step"] == "weights")
    assert weights["matches"] is False and weights["worst_cell"]["head"] in (1, 2)
    assert set(weights["worst_cell"]) == {"head", "row", "column", "index", "yours", "ours"}
    assert report["what"] and report["fix"]


def test_nan_in_a_step_is_a_divergence_not_a_crash(tmp_path, capsys):
    dump = user_attention(Setup())
    dump["output"] = np.full_like(dump["output"], np.nan)
    status, out, _ = run(capsys, save(tmp_path, dump), "--heads", "2", "--json")
    report = json.loads(out)
    assert status == 1 and report["first_divergence"] == "output"
    assert report["steps"][-1]["max_abs_error"] == "inf"


def test_tolerances_decide(tmp_path, capsys):
    dump = user_attention(Setup())
    dump["output"] = dump["output"] + 1e-4
    path = save(tmp_path, dump)
    assert run(capsys, path, "--heads", "2")[0] == 1
    assert run(capsys, path, "--heads", "2", "--atol", "2e-4")[0] == 0
    status, _, err = run(capsys, path, "--heads", "2", "--atol", "-1")
    assert status == 2 and err.count("\n") == 1 and "atol must be a number from 0 up" in err


def _bad_dumps(tmp_path) -> dict[str, tuple[object, list[str], str]]:
    good = user_attention(Setup(heads=2, n=3))
    (tmp_path / "empty.npz").write_bytes(b"")
    (tmp_path / "text.npz").write_text("x = [1, 2, 3]\n")
    (tmp_path / "plain.pkl").write_bytes(pickle.dumps(good))
    np.savez(tmp_path / "objects.npz", x=np.array([{"a": 1}], dtype=object))
    data = save(tmp_path, good, "good.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with zipfile.ZipFile(tmp_path / "config.npz", "w") as archive:
        archive.writestr("config.json", "{not json")
    x_nan = {**good, "x": np.where(good["x"] > 1, np.nan, good["x"])}
    return {
        "empty file": (tmp_path / "empty.npz", [], "the file is empty"),
        "not a dump": (tmp_path / "text.npz", [], "not an .npz"),
        "a pickle": (tmp_path / "plain.pkl", [], "pickle"),
        "object arrays": (tmp_path / "objects.npz", [], "pickle"),
        "truncated": (tmp_path / "cut.npz", [], "not a readable .npz"),
        "missing file": (tmp_path / "nothing.npz", [], "no such file"),
        "unknown array": ({**good, "attn_scores": good["scores"]}, ["--heads", "2"], "unknown array 'attn_scores'"),
        "shape fits no layout": ({**good, "scores": good["scores"][..., :2]}, ["--heads", "2"], "fits neither"),
        "NaN in the input": (x_nan, ["--heads", "2"], "x holds NaN"),
        "no heads for HF weights": (good, [], "do not record the number of heads"),
        "sizes contradict": (good, ["--heads", "2", "--d-model", "16"], "d_model 16 was given"),
        "ambiguous layout": ({**user_attention(Setup(heads=4, d_model=8, d_k=2, n=4), layout="bshd")},
                             ["--heads", "4"], "give --layout"),
        "bad config.json": (tmp_path / "config.npz", [], "config.json is not valid JSON"),
        "memory without memory": (good, ["--heads", "2", "--memory", "a b c"], "no memory array"),
        "rope with cross-attention": (user_attention(Setup(m=3)), ["--heads", "2", "--rope", "half"],
                                      "cross-attention"),
        "bad flag": (good, ["--heads", "zero"], "heads must be a whole number"),
    }


@pytest.mark.parametrize("kind", ["empty file", "not a dump", "a pickle", "object arrays", "truncated",
                                  "missing file", "unknown array", "shape fits no layout", "NaN in the input",
                                  "no heads for HF weights", "sizes contradict", "ambiguous layout",
                                  "bad config.json", "memory without memory", "rope with cross-attention",
                                  "bad flag"])
def test_bad_dumps_exit_2_with_one_line(tmp_path, capsys, kind):
    dump, flags, expected = _bad_dumps(tmp_path)[kind]
    path = dump if not isinstance(dump, dict) else save(tmp_path, dump)
    status, out, err = run(capsys, path, *flags)
    assert (status, out) == (2, "")
    assert err.startswith("attention-stepper: error: ") and err.count("\n") == 1, err
    assert expected in err


def test_the_command_never_imports_qt_and_never_shows_a_traceback(tmp_path):
    setup = Setup(causal=True)
    good = save(tmp_path, user_attention(setup, "softmax-axis"))
    (tmp_path / "bad.npz").write_bytes(good.read_bytes()[:300])
    script = ("import sys; from attention_stepper.gui.cli import main; status = main(sys.argv[1:]); "
              "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))], 'Qt imported'; "
              "sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", script, "compare", str(good), *setup.flags()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "diagnosis: softmax-axis" in done.stdout, done.stderr
    done = subprocess.run([sys.executable, "-c", script, "compare", str(tmp_path / "bad.npz")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_help_names_the_flags(capsys):
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    out = capsys.readouterr().out
    for flag in ("--heads", "--kv-heads", "--d-model", "--d-k", "--d-v", "--causal", "--window", "--rope",
                 "--rope-base", "--alibi", "--bias", "--scale", "--skip-scaling", "--memory", "--layout", "--atol",
                 "--rtol", "--json"):
        assert flag in out


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path):
    """`attention-stepper compare dump.npz --json | head -1`: the pipe closes while the report is printed."""
    setup = Setup(causal=True)
    good = save(tmp_path, user_attention(setup, "softmax-axis"))
    script = "import sys; from attention_stepper.gui.cli import main; sys.exit(main(sys.argv[1:]))"
    process = subprocess.Popen([sys.executable, "-c", script, "compare", str(good), *setup.flags(), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # before anything is read: the print meets a closed pipe
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_memory_text_labels_the_memory_columns(tmp_path, capsys):
    dump = user_attention(Setup(m=3), "softmax-axis")
    status, out, _ = run(capsys, save(tmp_path, dump), "--heads", "2", "--memory", "猫 吃 鱼", "--json")
    report = json.loads(out)
    assert status == 1 and report["configuration"]["cross_attention"] and report["keys"] == 3
    weights = next(step for step in report["steps"] if step["step"] == "weights")
    assert weights["worst_cell"]["column"] in ("猫", "吃", "鱼") and weights["worst_cell"]["row"].startswith("t")
    status, out, _ = run(capsys, save(tmp_path, dump), "--heads", "2", "--memory", "only two", "--json")
    weights = next(step for step in json.loads(out)["steps"] if step["step"] == "weights")
    assert status == 1 and weights["worst_cell"]["column"] in ("m1", "m2", "m3")  # another length: positions
