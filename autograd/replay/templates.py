"""A row's replay template (``Rule.code``) made into format strings for the program writer: the
same expression for one sample on floats (``where`` becomes ``x if c else y``) and for a NumPy
batch, with the operands, the output and the temporaries as fields; constants folded.

>>> from autograd import RULES
>>> compile_template(RULES["relu(a)"].code, "floats").out
'{a} if {a} > 0.0 else 0.0'
"""

from __future__ import annotations

import ast
import math
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..engine.rules import Code, Rule, excess

Mode = Literal["floats", "batch"]

_OPERANDS = {"a", "b", "c", "i", "out", "classes"}
_VARIADIC = {"w", "x", "a"}
_TOKEN = re.compile(r"QQ(op|tmp)_(\w+?)QQ")


def _pick(c: float, values: Sequence[float]) -> float:
    """values[c]: the logit at a class index the program reads (checked whole and in range first)."""
    return values[int(c)]


FLOAT_FUNCTIONS = {"exp": math.exp, "log": math.log, "log1p": math.log1p, "sqrt": math.sqrt,
                   "tanh": math.tanh, "fsum": math.fsum, "floor": math.floor, "largest": max,
                   "excess": excess, "pick": _pick}
"""What the templates' function names mean in the program for one sample."""
@dataclass(frozen=True)
class Template:
    """A ``Code`` made into format strings: fields ``{a}``, ``{b}``, ``{c}``, ``{out}``, ``{w_i}``,
    ``{x_i}``, ``{a_i}``, ``{dot}`` (w0 * x0 + …), ``{all}`` (the list of operands) and ``{t_NAME}``
    for each temporary NAME."""

    setup: tuple[tuple[str, str], ...]
    """(temporary name, expression) pairs."""
    out: str
    local: tuple[str, ...]
    domain: str | None
    temporaries: tuple[str, ...]

    @property
    def local_fields(self) -> tuple[tuple[str, ...], ...]:
        """The format fields each local derivative reads (so a backward line knows what it reads)."""
        return tuple(tuple(f for _, f, _, _ in string.Formatter().parse(text) if f) for text in self.local)


class _ToTokens(ast.NodeTransformer):
    """Rewrites a template's names into tokens that become format fields (and ``where`` for floats)."""

    def __init__(self, temporaries: set[str], mode: Mode) -> None:
        self.temporaries = temporaries
        self.mode = mode

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in _OPERANDS:
            return ast.Name(f"QQop_{node.id}QQ", ast.Load())
        if node.id in self.temporaries:
            return ast.Name(f"QQtmp_{node.id}QQ", ast.Load())
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in _VARIADIC:  # w[i] -> {w_i}, a[c] -> {a_c}
            index = node.slice.id if isinstance(node.slice, ast.Name) else "i"
            return ast.Name(f"QQop_{node.value.id}_{index}QQ", ast.Load())
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name == "dot":
            return ast.Name("QQop_dotQQ", ast.Load())
        if name in ("fsum", "largest", "excess"):  # of all the operands: fsum(a) -> fsum([a0, a1, …])
            every = ast.Name("QQop_allQQ", ast.Load())
            argument = node.args[0]
            if isinstance(argument, ast.Name) and argument.id == "a":
                return ast.Call(node.func, [every], [])
            # of an expression of each operand: fsum(exp(a - m)) -> fsum([exp(ai - m) for ai in […]])
            each = _EachOperand().visit(argument)
            self.generic_visit(each)
            loop = ast.comprehension(ast.Name("ai", ast.Store()), every, [], 0)
            return ast.Call(node.func, [ast.ListComp(each, [loop])], [])
        self.generic_visit(node)
        if name == "where" and self.mode == "floats":
            test, body, orelse = node.args
            return ast.IfExp(test, body, orelse)
        return node


class _EachOperand(ast.NodeTransformer):
    """Names one operand of a variadic row ``ai`` (the loop variable of ``fsum(exp(a - m))``)."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name("ai", ast.Load()) if node.id == "a" else node


def compile_template(code: Code, mode: Mode) -> Template:
    """``code`` as format strings for ``mode`` ('floats' or 'batch'), ready for ``str.format``.

    >>> from autograd import RULES
    >>> compile_template(RULES["relu(a)"].code, "floats").out
    '{a} if {a} > 0.0 else 0.0'
    >>> compile_template(RULES["relu(a)"].code, "batch").out
    'where({a} > 0.0, {a}, 0.0)'
    """
    names = [line.split(" = ", 1)[0].strip() for line in code.setup]
    transformer = _ToTokens(set(names), mode)

    def render(expression: str) -> str:
        tree = transformer.visit(ast.parse(expression, mode="eval"))
        text = ast.unparse(ast.fix_missing_locations(tree))
        text = text.replace("{", "{{").replace("}", "}}")
        return _TOKEN.sub(lambda m: "{" + ("t_" if m.group(1) == "tmp" else "") + m.group(2) + "}", text)

    setup = tuple((name, render(line.split(" = ", 1)[1])) for name, line in zip(names, code.setup))
    return Template(setup, render(code.out), tuple(render(d) for d in code.local),
                    None if code.domain is None else render(code.domain), tuple(names))


class _Fold(ast.NodeTransformer):
    """Works out the parts of an expression that involve only literal numbers (``2.0 == floor(2.0)``)."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        node = super().generic_visit(node)
        if isinstance(node, (ast.Compare, ast.BinOp, ast.UnaryOp, ast.Call)) and all(
                isinstance(child, ast.Constant) for child in ast.iter_child_nodes(node)
                if not isinstance(child, (ast.cmpop, ast.operator, ast.unaryop, ast.Load))
                and not (isinstance(node, ast.Call) and child is node.func)):
            if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name)
                                                   and node.func.id == "floor"):
                return node
            try:
                tree = ast.fix_missing_locations(ast.Expression(node))
                value = eval(compile(tree, "<fold>", "eval"), {"floor": math.floor})
            except ArithmeticError:
                return node
            return ast.Constant(value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.BitAnd)):
            for known, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(known, ast.Constant) and type(known.value) is bool:
                    if isinstance(node.op, ast.BitOr):
                        return known if known.value else other
                    return other if known.value else known
        if isinstance(node, ast.IfExp) and isinstance(node.test, ast.Constant):
            return node.body if node.test.value else node.orelse
        return node


def fold(expression: str) -> str:
    """``expression`` with its literal-only parts worked out, as Python would at run time.

    >>> fold("(a >= 0.0) | (2.0 == floor(2.0))"), fold("2.0 * a ** (2.0 - 1.0) if 2.0 != 0.0 else 0.0")
    ('True', '2.0 * a ** 1.0')
    """
    return ast.unparse(_Fold().visit(ast.parse(expression, mode="eval")))


_COMPARES_C = re.compile(r"\{c\} [=!<>]=?|[=!<>]=? \{c\}|floor\(\{c\}\)")

_TEMPLATES: dict[tuple[str, Mode], Template] = {}


def template(rule: Rule, mode: Mode) -> Template:
    """The compiled template of ``rule`` for ``mode`` (compiled once, then cached).

    >>> from autograd import RULES
    >>> template(RULES["exp(a)"], "floats").local     # d exp(a)/da is the output itself
    ('{out}',)
    """
    key = (rule.expr, mode)
    found = _TEMPLATES.get(key)
    if found is None:
        if rule.code is None:
            raise ValueError(f"the rule {rule.expr!r} has no Code template, so it cannot be replayed")
        found = _TEMPLATES[key] = compile_template(rule.code, mode)
    return found
