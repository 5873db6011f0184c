"""``--skip-scaling`` on the command line: export records it and keeps the scores unscaled; screenshot takes it.

(Split from tests/core/test_skip_scaling.py, which checks forward(scale=False) and Parameters.skip_scaling.)
"""

import json

import numpy as np
import pytest
from command_line import assert_refused, run_cli


def test_cli_export_skip_scaling(tmp_path):
    result = run_cli("export", "--skip-scaling", "--d-k", "64", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    contents = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert contents["skip_scaling"] is True
    matrices = np.load(tmp_path / "out" / "matrices.npz")
    np.testing.assert_array_equal(matrices["scaled_head1"], matrices["scores_head1"])
    plain = run_cli("export", "--d-k", "64", "--out", "plain", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert json.loads((tmp_path / "plain" / "manifest.json").read_text(encoding="utf-8"))["skip_scaling"] is False


def test_cli_skip_scaling_takes_no_value(tmp_path):
    result = run_cli("export", "--skip-scaling=yes", "--out", "out", cwd=tmp_path)
    assert_refused(result, "--skip-scaling")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_cli_screenshot_skip_scaling(tmp_path):
    pytest.importorskip("PySide6")
    result = run_cli("screenshot", "--step", "scale", "--skip-scaling", "--out", "scale.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "scale.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
