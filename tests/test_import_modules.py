"""The import's modules (issue 19): each one importable on its own, none over about 500 lines, and no
import cycle among the program's modules (errors.py and fields.py used to import each other)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "broker_desk"
STAGES = sorted(p.stem for p in (ROOT / "workbook" / "importing").glob("*.py") if p.stem != "__init__")


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in ROOT.rglob("*.py")}


def _imports(name: str, path: Path, everywhere: bool) -> set[str]:
    """The program's modules ``name`` imports: at its top level, or anywhere (inside functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree) if everywhere else tree.body:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            prefix = ".".join(base + ([node.module] if node.module else []))
            for a in node.names:
                whole = f"{prefix}.{a.name}"
                found.add(whole if whole in MODULES else prefix)
    return (found & MODULES.keys()) - {name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                cycles.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_no_module_of_the_program_imports_itself_round_about():
    graph = {name: _imports(name, path, everywhere=False) for name, path in MODULES.items()}
    assert _cycles(graph) == []


def test_the_import_the_errors_and_the_fields_import_no_cycle_even_inside_functions():
    graph = {name: _imports(name, path, everywhere=True) for name, path in MODULES.items()}
    ours = [c for c in _cycles(graph) if any(m.startswith("broker_desk.workbook") or m in (
        "broker_desk.errors", "broker_desk.fields", "broker_desk.fieldcompile") for m in c)]
    assert ours == []


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_imports_on_its_own_and_reads_in_one_sitting(stage):
    path = ROOT / "workbook" / "importing" / f"{stage}.py"
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500
    done = subprocess.run([sys.executable, "-c", f"import broker_desk.workbook.importing.{stage}"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_quick_ways_in_are_gone():
    assert not (ROOT / "workbook" / "quick.py").exists() and not (ROOT / "workbook" / "quickfront.py").exists()
    assert (ROOT / "workbook" / "importer.py").read_text(encoding="utf-8").count("\n") < 50  # the names, no more
