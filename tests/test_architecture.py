"""The package's shape, checked: no import cycle, short functions, tables read by name.

These rules keep the code readable as it grows (DESIGN.md, "How we write code"): a cycle
forces imports into functions and hides who depends on whom; a function over a screen or
two cannot be read at once; reading a display table by position breaks silently when a
column is added.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "winloss_xl"
#: The longest function the code may hold (lines, docstring included).
MAX_FUNCTION_LINES = 120


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return (PACKAGE.parent / Path(*name.split(".")) / "__init__.py").exists()


def _resolve(module: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The package modules an import statement names (a ``from .x import y`` may name the
    module ``x.y`` or the name ``y`` of module ``x``)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "winloss_xl"]
    if node.level:
        base = module.split(".") if _is_package(module) else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, *(node.module.split(".") if node.module else [])])
    else:
        target = node.module or ""
    if target.split(".")[0] != "winloss_xl":
        return []
    named = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
    return named or [target]


def _imports(module: str, tree: ast.Module, *, top_level_only: bool) -> set[str]:
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(t for t in _resolve(module, node) if t in MODULES and t != module)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def _without_packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's ``__init__`` re-exporting its modules is not a dependency of theirs on it."""
    return {m: {t for t in targets if not (_is_package(t) and m.startswith(t + "."))}
            for m, targets in graph.items()}


def test_no_import_cycle_at_import_time():
    graph = _without_packages({m: _imports(m, t, top_level_only=True) for m, t in MODULES.items()})
    assert _cycles(graph) == []


def test_no_import_cycle_even_through_imports_inside_functions():
    # an import moved into a function to dodge a cycle still makes the two modules one
    graph = _without_packages({m: _imports(m, t, top_level_only=False) for m, t in MODULES.items()})
    assert _cycles(graph) == []


def test_the_import_graph_sees_imports():
    # guards the checker itself: it must find the package's own, known dependencies
    graph = {m: _imports(m, t, top_level_only=True) for m, t in MODULES.items()}
    assert "winloss_xl.config" in graph["winloss_xl.session"]
    assert "winloss_xl.engine.findings" in graph["winloss_xl.engine.analysis"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _functions() -> list[tuple[str, str, int]]:
    out = []
    for module, tree in MODULES.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.append((module, node.name, node.end_lineno - node.lineno + 1))
    return out


def test_no_function_is_longer_than_two_screens():
    long = [f"{m}.{name}: {lines} lines" for m, name, lines in _functions()
            if lines > MAX_FUNCTION_LINES]
    assert long == []


def _positional_reads(tree: ast.Module) -> list[int]:
    """Lines that read a table row or column by position: ``row._3``, ``.iloc[:, 2]``."""
    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr[:1] == "_" and node.attr[1:].isdigit()):
            lines.append(node.lineno)
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
                and node.value.attr == "iloc" and isinstance(node.slice, ast.Tuple)
                and len(node.slice.elts) == 2 and isinstance(node.slice.elts[1], ast.Constant)):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("winloss_xl.engine")))
def test_engine_reads_tables_by_column_name(module):
    assert _positional_reads(MODULES[module]) == []


def test_positional_read_check_catches_both_forms():
    tree = ast.parse("x = row._3\ny = table.iloc[:, 0]\nz = table.iloc[0]\n")
    assert _positional_reads(tree) == [1, 2]


def test_one_definition_of_text_safety_and_value_conversion():
    defined: dict[str, list[str]] = {}
    for module, tree in MODULES.items():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                defined.setdefault(node.name, []).append(module)
    for name in ("safe_text", "to_cell", "excel_value", "cell_value"):
        assert len(defined.get(name, [])) <= 1, (name, defined.get(name))
    assert defined.get("to_cell") == ["winloss_xl.report.cells"]


def test_the_engine_knows_nothing_of_the_report_excel_or_files():
    # DESIGN.md's boundary: DataFrames in, results out; the layout and the writers come after
    outside = ("winloss_xl.report", "winloss_xl.excel", "winloss_xl.cli", "winloss_xl.ingestion")
    for module, tree in MODULES.items():
        if module.startswith("winloss_xl.engine"):
            used = _imports(module, tree, top_level_only=False)
            assert not [m for m in used if m.startswith(outside)], module
