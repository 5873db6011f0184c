"""What the export-safety tests share: running the real command in this process and looking at folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

from command_line import PREFIX, refused_line  # noqa: F401 (what the export tests read refusals with)

from attention_stepper.core import Parameters, compute, export_computation
from attention_stepper.core import export as export_module

SMALL = ["--sentence", "a b", "--heads", "1", "--d-model", "2", "--d-k", "2"]


def snapshot(folder: Path) -> dict[str, bytes | str | None]:
    """Every entry under ``folder``, hidden ones too: bytes for a file, the target for a link, None for a folder."""
    entries: dict[str, bytes | str | None] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        entries[name] = os.readlink(path) if path.is_symlink() else None if path.is_dir() else path.read_bytes()
    return entries


def temporaries(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith((".part", ".old")))


def earlier_export(folder: Path, sentence: str = "the earlier one") -> dict:
    export_computation(compute(Parameters(sentence=sentence, heads=1, d_model=2, d_k=2)), folder)
    return snapshot(folder)


def tokens(folder: Path) -> list[str]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["tokens"]


def assert_whole_export(folder: Path) -> None:
    """``folder`` holds one complete export: its manifest, every CSV it lists and the .npz files, nothing else."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["file"] for entry in manifest["matrices"]}
    assert set(os.listdir(folder)) == listed | {"manifest.json", "matrices.npz", "weights.npz", "weights_torch.npz"}


def during_the_export(monkeypatch, action) -> list:
    """Run ``action()`` when the export writes its second CSV, i.e. after the target was checked."""
    real = export_module.write_matrix_csv
    calls = []

    def write(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            action()
        return real(*args, **kwargs)

    monkeypatch.setattr(export_module, "write_matrix_csv", write)
    return calls
