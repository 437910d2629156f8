"""The house rules of autograd/ (docs/architecture.md), read from the source with ``ast``.

Three wings whose imports point down only: leaves (text, atomic_file, installation) import nothing
of chainrule; the engine imports leaves and itself; the views import the engine, the leaves and
themselves; the replay imports the engine, the leaves, itself and the notation view; the face
(autograd/__init__.py, examples.py, cli.py) may import anything and nothing below imports it.
Every import counts, those inside functions too; only ``if TYPE_CHECKING:`` blocks are skipped
(they never run: annotations only). No circle among the modules, whatever the wings.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import types
from pathlib import Path

import pytest

import autograd

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "autograd"

LEAVES = {"autograd.text", "autograd.atomic_file", "autograd.installation"}
FACE = {"autograd", "autograd.examples", "autograd.cli"}
ALLOWED = {  # wing -> the wings (and single modules) it may import
    "leaf": set(),
    "engine": {"engine", "leaf"},
    "views": {"views", "engine", "leaf"},
    "replay": {"replay", "engine", "leaf", "autograd.views.notation"},
    "face": {"face", "replay", "views", "engine", "leaf"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def wing(module: str) -> str:
    if module in LEAVES:
        return "leaf"
    if module in FACE:
        return "face"
    parts = module.split(".")
    assert len(parts) >= 2 and parts[1] in ("engine", "views", "replay"), f"{module}: in no wing"
    return parts[1]


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` outside ``if TYPE_CHECKING:`` blocks."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def imports_of(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The chainrule modules that ``module``'s source imports (at any depth, TYPE_CHECKING aside)."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "autograd")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "autograd":
                continue
            for alias in node.names:  # from a package import a module: the arrow goes to the module
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return found - {module}


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p.read_text(encoding="utf-8"), module_name(p), p.name == "__init__.py",
                                       known) for p in paths}


def upward_arrows(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for source, targets in graph.items():
        for target in targets:
            if target in ("autograd.engine", "autograd.views", "autograd.replay"):
                bad.append(f"{source} -> {target} (import the module, not the wing's package)")
                continue
            allowed = ALLOWED[wing(source)]
            if wing(target) not in allowed and target not in allowed:
                bad.append(f"{source} ({wing(source)}) -> {target} ({wing(target)})")
    return sorted(bad)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph`` (one path around each strongly connected part)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm; the graph has a few dozen modules
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                parts.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return parts


def test_the_wings_import_downward_only():
    graph = import_graph()
    assert len(graph) >= 25
    assert {"autograd.engine.value", "autograd.views.draw", "autograd.replay.trace"} <= set(graph)
    assert upward_arrows(graph) == []


def test_no_import_circle():
    assert circles(import_graph()) == []


def test_the_checks_find_an_upward_arrow_and_a_circle():
    source = "def f():\n    from ..views.stepper import step_through\n"
    graph = import_graph()
    graph["autograd.engine.value"] = imports_of(source, "autograd.engine.value", False, set(graph))
    assert "autograd.engine.value (engine) -> autograd.views.stepper (views)" in upward_arrows(graph)
    pair = ["autograd.engine.value", "autograd.views.stepper"]
    assert pair in [[m for m in part if m in pair] for part in circles(graph)]
    leaf = imports_of("from .engine import value\n", "autograd.text", False, set(graph))
    assert leaf == {"autograd.engine.value"}
    skipped = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .value import Value\n"
    assert imports_of(skipped, "autograd.engine.backward", False, set(graph)) == set()


@pytest.mark.parametrize("name", autograd.__all__)
def test_a_public_name_is_never_a_module_shadowed_by_it(name):
    thing = getattr(autograd, name)
    if isinstance(thing, types.ModuleType):
        assert thing.__name__.startswith("autograd.")
        return
    assert importlib.util.find_spec(f"autograd.{name}") is None, f"autograd.{name} is also a module"


@pytest.mark.parametrize("module", ["draw", "player", "trace", "gradcheck", "backward"])
def test_the_module_and_the_function_each_have_their_own_path(module):
    found = importlib.import_module(next(f"autograd.{w}.{module}" for w in ("engine", "views", "replay")
                                         if importlib.util.find_spec(f"autograd.{w}.{module}")))
    assert isinstance(found, types.ModuleType) and callable(getattr(autograd, module))
    assert getattr(found, module) is getattr(autograd, module)


def test_the_views_methods_are_attached_from_the_face():
    from autograd import Graph, Value, step_through

    graph = import_graph()
    above = [t for t in graph["autograd.engine.value"] if t.startswith(("autograd.views", "autograd.replay"))]
    assert above == []
    w = Value(3.0, "w")
    loss = w * w + w
    steps = loss.backward_steps().run().total
    loss.zero_grad()
    assert steps == step_through(loss).run().total > 0
    assert "<pre" in loss._repr_html_() and Graph._repr_html_.__qualname__ == "Graph._repr_html_"


MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 60
LONG_ON_PURPOSE = {
    # the engine's measured hot path (the chain and MLP benchmarks): both forms of an op of a Value
    # and a number fill the node's slots inline instead of calling a helper (see its docstring)
    "autograd/engine/value.py:_number_op",
}
"""Functions allowed over ``MAX_FUNCTION_LINES`` (docstring included), each for a reason written
in its docstring."""


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def long_functions(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(root).as_posix()
    return [f"{where}:{node.name}" for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]


def test_every_file_of_autograd_is_under_600_lines():
    long = {p.relative_to(ROOT).as_posix(): n for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) >= MAX_FILE_LINES}
    assert long == {}


def test_no_function_is_over_60_lines_except_the_documented_hot_path():
    found = {name for path in _sources() for name in long_functions(path)}
    assert found == LONG_ON_PURPOSE
    for name in LONG_ON_PURPOSE:  # each exception says why in its docstring
        file, _, function = name.partition(":")
        tree = ast.parse((ROOT / file).read_text(encoding="utf-8"))
        node = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function)
        assert "hot path" in (ast.get_docstring(node) or "")


def test_the_length_check_finds_a_long_function(tmp_path):
    source = tmp_path / "autograd" / "long.py"
    source.parent.mkdir()
    source.write_text("def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES, encoding="utf-8")
    assert long_functions(source, tmp_path) == ["autograd/long.py:f"]
    source.write_text("def f():\n" + "    x = 1\n" * (MAX_FUNCTION_LINES - 1), encoding="utf-8")
    assert long_functions(source, tmp_path) == []
