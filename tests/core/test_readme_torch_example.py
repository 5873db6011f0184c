"""The PyTorch example of docs/export.md runs as written, so it cannot rot."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "docs" / "export.md"


def torch_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## PyTorch layout\n", 1)
    assert len(section) == 2, "docs/export.md has no '## PyTorch layout' section"
    body = re.split(r"\n## ", section[1], maxsplit=1)[0]
    blocks = re.findall(r"```python\n(.*?)```", body, flags=re.DOTALL)
    assert blocks, "the '## PyTorch layout' section has no ```python block"
    return blocks[0]


def test_readme_has_the_example():
    code = torch_example()
    assert "weights_torch.npz" in code and "MultiheadAttention" in code and "bias=False" in code
    assert "average_attn_weights=False" in code
    compile(code, "docs/export.md", "exec")


def test_readme_torch_example_runs(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)
    exec(compile(torch_example(), "docs/export.md (## PyTorch layout)", "exec"), {"__name__": "readme_example"})
    assert (tmp_path / "example" / "weights_torch.npz").exists()
