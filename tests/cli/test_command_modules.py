"""Imports among the command-line modules go one way (issue 14).

gui/cli.py and gui/screenshot.py imported each other (screenshot.py took
UsageError, computation_from and parse_size from cli.py, which imported
run_screenshot), and compare_command.py and checkpoint_cli.py reached back
into cli.py too. Now cli.py holds the parser and main, only the console
script imports it, and what the commands share lives below them
(arguments.py, usage_error.py). Lazy imports inside functions count: a loop
through them is a loop all the same.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

import attention_stepper.core
import attention_stepper.gui

CLI = "attention_stepper.gui.cli"
#: The modules of the command line: each must be on no import loop.
COMMAND_MODULES = {f"attention_stepper.gui.{name}" for name in (
    "cli", "arguments", "usage_error", "export_command", "screenshot", "compare_command", "checkpoint_cli")}


def modules() -> dict[str, Path]:
    """Every module of attention_stepper.core and attention_stepper.gui (subpackages too), by its dotted name."""
    found = {}
    for package in (attention_stepper.core, attention_stepper.gui):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            parts = [*path.relative_to(root).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package.__name__, *parts])] = path
    return found


def imported_by(name: str, path: Path) -> set[str]:
    """Every module the file names in an import, at its top or inside a function, relative imports resolved."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module
            if node.level:  # from .x import y, from .. import z: relative to the file's package
                package = here[:len(here) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import cli` names a module
    return names


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported_by(name, path) & set(known) for name, path in known.items()}


def test_the_module_list_is_the_package(graph):
    assert COMMAND_MODULES <= set(graph)
    assert "attention_stepper.gui.heatmap" in graph  # subpackages are read too


def test_no_module_imports_the_command_line_entry_point(graph):
    importers = sorted(name for name, imports in graph.items() if CLI in imports and name != CLI)
    assert importers == [], f"{importers} import {CLI}; import what they need from gui/arguments.py instead"


def test_the_command_line_modules_are_on_no_import_loop(graph):
    def reachable(start: str) -> set[str]:
        seen, todo = set(), list(graph[start])
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(graph.get(name, ()))
        return seen

    loops = sorted(name for name in COMMAND_MODULES if name in reachable(name))
    assert loops == []


def test_the_console_script_is_the_one_importer():
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"] == {"attention-stepper": f"{CLI}:main"}
