"""The layout stays readable: no import cycles, imports at the top, no private names across modules,
functions short enough to read (or a written reason beside them). `lint-imports` checks the layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "helsinki_compliance"
#: Imports that may stay inside a function: optional or heavy third-party libraries only.
# duckdb, pyarrow (the `scale` extra), pyspark, sqlglot (the `spark` extra): optional engines, heavy to import
LAZY_ALLOWED = {"pandas", "ryml", "matplotlib", "readline", "duckdb", "pyarrow", "pyspark", "sqlglot"}
#: A function longer than this needs a ``# long: <reason>`` comment on the line above its ``def``.
MAX_LINES = 80


def modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        out[name] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return out


def _resolve(mod: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.split(".")[: -node.level] if not mod.endswith("__init__") else mod.split(".")
    return ".".join([*base, node.module] if node.module else base)


def top_level_edges(trees: dict[str, ast.Module]) -> dict[str, set[str]]:
    """Module -> project modules it imports at import time (module level, not under TYPE_CHECKING)."""
    edges: dict[str, set[str]] = {m: set() for m in trees}
    for mod, tree in trees.items():
        for node in tree.body:
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                base = _resolve(mod, node)
                for alias in node.names:
                    targets.append(f"{base}.{alias.name}" if f"{base}.{alias.name}" in trees else base)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for t in targets:
                if t in trees and t != mod:
                    edges[mod].add(t)
    return edges


def test_no_import_cycles() -> None:
    edges = top_level_edges(modules())
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(edges[m]):
            if n.startswith("helsinki_compliance") and n == "helsinki_compliance":
                continue  # the package facade re-exports; nothing inside imports it
            if state.get(n) == 1:
                cycles.append(" -> ".join([*stack[stack.index(n) :], n]))
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    assert not cycles, "\n".join(cycles)


def test_nothing_inside_the_package_imports_the_facade() -> None:
    bad = [
        m for m, e in top_level_edges(modules()).items() if "helsinki_compliance" in e and m != "helsinki_compliance"
    ]
    assert not bad, bad


def test_imports_inside_functions_are_only_optional_libraries() -> None:
    bad = []
    for mod, tree in modules().items():
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import):
                    names = [a.name.split(".")[0] for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [(node.module or "").split(".")[0]] if node.level == 0 else ["<relative>"]
                else:
                    continue
                for n in names:
                    if n not in LAZY_ALLOWED:
                        bad.append(f"{mod}:{node.lineno} imports {n} inside {fn.name}()")
    assert not bad, "\n".join(bad)


def test_no_private_name_is_used_across_modules() -> None:
    trees = modules()
    bad = []
    for mod, tree in trees.items():
        project_aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").startswith("helsinki_compliance")
            ):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        bad.append(f"{mod}:{node.lineno} imports {alias.name}")
                    project_aliases.add(alias.asname or alias.name)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in project_aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                bad.append(f"{mod}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert not bad, "\n".join(bad)


def test_functions_are_short_or_say_why_not() -> None:
    long = []
    for path in sorted(PKG.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                above = first - 2
                comments = []
                while above >= 0 and lines[above].strip().startswith("#"):
                    comments.append(lines[above].strip())
                    above -= 1
                if size > MAX_LINES and not any(c.startswith("# long:") for c in comments):
                    long.append(f"{path.relative_to(PKG)}:{node.lineno} {node.name}() is {size} lines")
    assert not long, "\n".join(long)


@pytest.mark.parametrize("layer", ["model", "load", "engine", "render", "observe", "cli", "tools"])
def test_each_layer_is_a_package(layer: str) -> None:
    assert (PKG / layer / "__init__.py").is_file()
