"""nn's shape (issue 20): files under 600 lines, functions a reader can hold (at most 60 lines, the
docstring included), no module hidden behind a function of its name, and the book's experiments
(nn/book/) built on nn's core, never the other way round.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
import textwrap
import types
from pathlib import Path

import pytest

import nn

ROOT = Path(__file__).resolve().parent.parent
NN = ROOT / "nn"
MAX_FILE_LINES = 599
MAX_FUNCTION_LINES = 60

LONG_FUNCTIONS: dict[str, str] = {}
"""``"path:function"`` -> why it may be longer than MAX_FUNCTION_LINES (a measured hot path, say).
Empty: every function in nn/ fits."""


def _sources() -> list[Path]:
    return sorted(NN.rglob("*.py"))


def long_functions(tree: ast.AST, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int]]:
    """(name, lines) of every function or method, nested ones too, longer than ``limit`` lines from
    its ``def`` to its last line (decorators not counted, the docstring counted)."""
    return [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > limit]


def shadowed_modules(package: str) -> list[str]:
    """The modules of ``package`` (and its subpackages) that ``import package.name as m`` does not
    give, because the package's attribute of that name is something else (a function, say)."""
    found = []
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        namespace: dict[str, object] = {}
        exec(f"import {info.name} as m", namespace)  # exactly what a reader would type
        if not isinstance(namespace["m"], types.ModuleType):
            found.append(info.name)
    return found


def test_the_sources_are_found():
    names = {path.relative_to(NN).as_posix() for path in _sources()}
    assert {"__init__.py", "training.py", "module.py", "book/iris.py", "book/digits.py"} <= names


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.relative_to(NN).as_posix())
def test_every_file_is_under_600_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_FILE_LINES


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.relative_to(NN).as_posix())
def test_every_function_is_at_most_60_lines(path):
    where = path.relative_to(NN).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    too_long = [(name, lines) for name, lines in long_functions(tree)
                if f"{where}:{name}" not in LONG_FUNCTIONS]
    assert too_long == [], f"nn/{where}: split these into phases with names, or document why not"


def test_the_exceptions_are_real():
    """An exception listed for a function that no longer needs it is taken out of the list."""
    for key in LONG_FUNCTIONS:
        where, name = key.split(":")
        tree = ast.parse((NN / where).read_text(encoding="utf-8"))
        assert name in dict(long_functions(tree)), key


def test_the_length_check_counts_the_docstring_and_nested_functions():
    body = "\n".join(f"    x{i} = {i}" for i in range(57))
    source = f'def outer():\n    """Doc."""\n    def inner():\n        pass\n{body}\n'
    tree = ast.parse(source)
    assert long_functions(tree) == [("outer", 61)]
    assert long_functions(tree, limit=61) == []
    nested = ast.parse("class A:\n" + textwrap.indent(source, "    "))
    assert long_functions(nested) == [("outer", 61)]


def test_no_nn_module_is_shadowed_by_a_function():
    assert shadowed_modules("nn") == []


def test_the_shadow_check_finds_a_shadowed_module(tmp_path, monkeypatch):
    package = tmp_path / "shadowpkg"
    package.mkdir()
    (package / "__init__.py").write_text("from .draw import draw\nfrom .other import helper\n")
    (package / "draw.py").write_text("def draw():\n    return 1\n")
    (package / "other.py").write_text("def helper():\n    return 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert shadowed_modules("shadowpkg") == ["shadowpkg.draw"]
    finally:
        for name in [n for n in sys.modules if n == "shadowpkg" or n.startswith("shadowpkg.")]:
            del sys.modules[name]


def _nn_imports(path: Path) -> set[str]:
    """The nn modules a file imports anywhere (in functions too), as dotted names."""
    package = ["nn", *path.relative_to(NN).parent.parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "nn" or name.startswith("nn.")}


def test_nn_core_does_not_import_the_book():
    core = [path for path in _sources() if path.relative_to(NN).parts[0] != "book"]
    assert len(core) >= 10
    offenders = {path.relative_to(NN).as_posix(): sorted(n for n in _nn_imports(path)
                                                         if n == "nn.book" or n.startswith("nn.book."))
                 for path in core}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_reader_resolves_relative_imports():
    imports = _nn_imports(NN / "book" / "iris.py")
    assert {"nn.training", "nn.datasets"} <= imports
    assert "nn.book.iris" not in imports


def test_the_public_names_are_still_there():
    assert [name for name in nn.__all__ if not hasattr(nn, name)] == []
    assert {"iris_book_split", "digits_split", "load_digits", "read_idx", "batches"} <= set(nn.__all__)
    assert isinstance(nn.layer_view, types.FunctionType)
