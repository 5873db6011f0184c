"""``export --weights FILE --heads H`` with weights in torch.nn.MultiheadAttention's layout, through the real command.

(Split from tests/core/test_torch_layout.py, which checks the layout itself.)
"""

import numpy as np
from command_line import assert_refused, run_cli

from attention_stepper.core.torch_layout import save_torch_weights
from attention_stepper.core.weights import init_weights


def test_cli_reads_torch_weights_with_heads(tmp_path):
    first = run_cli("export", "--sentence", "猫吃鱼", "--heads", "4", "--d-model", "8", "--d-k", "2",
                    "--seed", "3", "--out", "first", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "weights_torch.npz" in first.stdout
    again = run_cli("export", "--sentence", "猫吃鱼", "--weights", "first/weights_torch.npz", "--heads", "4",
                    "--seed", "3", "--out", "again", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    one, two = np.load(tmp_path / "first" / "matrices.npz"), np.load(tmp_path / "again" / "matrices.npz")
    assert one.files == two.files
    for key in one.files:
        np.testing.assert_array_equal(one[key], two[key])


def test_cli_torch_weights_need_heads(tmp_path):
    save_torch_weights(init_weights(8, 2, 4), tmp_path / "torch.npz")
    result = run_cli("export", "--weights", "torch.npz", "--out", "out", cwd=tmp_path)
    assert_refused(result, "torch.npz", "--heads", "PyTorch")
    assert not (tmp_path / "out").exists()


def test_cli_torch_weights_heads_must_divide(tmp_path):
    save_torch_weights(init_weights(8, 2, 4), tmp_path / "torch.npz")
    result = run_cli("export", "--weights", "torch.npz", "--heads", "3", "--out", "out", cwd=tmp_path)
    assert_refused(result, "does not divide")
