"""The README's compare example runs as written and prints exactly the output shown there."""

from __future__ import annotations

import re
from pathlib import Path

from attention_stepper.gui.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def section() -> str:
    text = README.read_text(encoding="utf-8")
    parts = text.split("\n## Compare with your own implementation\n", 1)
    assert len(parts) == 2, "README.md has no '## Compare with your own implementation' section"
    return re.split(r"\n## ", parts[1], maxsplit=1)[0]


def test_readme_compare_example_prints_what_the_readme_says(tmp_path, monkeypatch, capsys):
    body = section()
    code = re.findall(r"```python\n(.*?)```", body, flags=re.DOTALL)[0]
    shown = re.findall(r"```text\n(.*?)```", body, flags=re.DOTALL)[0].splitlines()
    assert shown[0] == "$ attention-stepper compare dump.npz --causal" and shown[-2:] == ["$ echo $?", "1"]
    assert "/ np.sqrt(d_model)" in code, "the deliberate mistake"
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md (## Compare with your own implementation)", "exec"), {"__name__": "readme"})
    status = main(["compare", "dump.npz", "--causal"])
    assert status == 1
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == len(shown) - 3
    for line, expected in zip(printed, shown[1:-2]):
        assert same(line, expected), f"README shows\n{expected}\nbut the command prints\n{line}"


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def same(line: str, expected: str) -> bool:
    """Equal but for round-off: errors of matching steps (2.2e-16 here, 0 or 4.4e-16 with another BLAS)."""
    if NUMBER.sub("#", line).split() != NUMBER.sub("#", expected).split():
        return False
    for got, want in zip(map(float, NUMBER.findall(line)), map(float, NUMBER.findall(expected))):
        if not (abs(got) < 1e-12 and abs(want) < 1e-12) and abs(got - want) > 1e-5 * max(1.0, abs(want)):
            return False
    return True
