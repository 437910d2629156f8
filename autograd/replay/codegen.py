"""Writing a recorded graph as a straight-line Python program: one line per op, one per chain-rule edge.

Each op's line comes from its row's ``Code`` template (``Rule.code``), so the program does the
same float operations in the same order as the graph's ``forward`` and ``backward``. The program is
written twice from the same lines: for one sample on floats (``where`` becomes ``x if c else y``)
and for a NumPy batch (``where`` is ``numpy.where``). ``autograd.trace`` records the graph, runs
these programs and explains what goes wrong; this module only writes text. It reads the graph
through the engine's reading API (``autograd.engine.node``); the program it writes reads and writes
the leaves' slots ``_data`` and ``_grad`` directly, for speed, as ``backward`` does: outside the
engine, the generated program is the only code that touches a Value's slots.

>>> template = compile_template(RULES["a·b"].code, "floats")
>>> template.out, template.local
('{a} * {b}', ('{b}', '{a}'))
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..engine.node import constants, operand_count, operands
from ..engine.rules import RULES, Code, Rule, excess
from ..engine.value import Value
from ..text import visible_text

Mode = Literal["floats", "batch"]

__all__ = ["Namer", "Program", "Statement", "Template", "compile_template", "note", "write_program"]

CHUNK = 1500
"""Statements per generated function: Python compiles many small functions much faster than one
huge one, so a large graph's program is split into parts of this many statements."""

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
PROGRAM_NAMES = frozenset({"step", "extra", "first_try", "seed", "n", "REFUSED", "MISSING", "spread",
                           "total", "S", "ai", "every", "where", *FLOAT_FUNCTIONS})
"""The names a generated program uses for itself (its arguments, its functions, its shared list)."""
RESERVED = frozenset({*keyword.kwlist, *keyword.softkwlist, *dir(builtins), *PROGRAM_NAMES})
"""Names no graph name or input name ever takes in a program: Python's own and the program's own."""


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


READABLE_CHARS = 24
"""The longest graph name a program uses as it is (longer ones get a made-up name and a comment)."""
NOTE_CHARS = 60
"""The longest label shown in a program's comment (longer ones end in ``...``)."""
_INDEXED_NAME = re.compile(r"([A-Za-z][A-Za-z0-9_]*)((?:\[[0-9]{1,6}\])+)")


class Namer:
    """Every variable name of one program, made here and only here: never a label run as code.

    A graph name (a label, a ``names=`` entry, an input's name) is used as it is only when it is a
    short ASCII identifier (``w``, ``t1``, ``z2``) or an indexed one (``W1[0][1]`` is ``W1_0_1``),
    not Python's or the program's own (``RESERVED``) and not taken; any other gets a made-up name
    from a safe alphabet (``t_4``, ``v_2``, ``x_1``), and its text is shown by ``note``. Names
    made from others (``dL_dw``, ``leaf_w``) are checked and numbered the same way.

    >>> names = Namer()
    >>> [names.readable(s, "v") for s in ("w", "W1[0][1]", "step", "a.b", "w", "x\\n__import__")]
    ['w', 'W1_0_1', 'v_1', 'v_2', 'v_3', 'v_4']
    >>> names.derived("leaf", "w"), names.derived("leaf", "w")
    ('leaf_w', 'leaf_w_2')
    """

    def __init__(self) -> None:
        self.taken: set[str] = set(RESERVED)
        self._counters: dict[str, int] = {}

    def readable(self, name: str, kind: str) -> str:
        """``name`` as a program variable when it is safe and free, else a fresh ``{kind}_{k}``."""
        if len(name) <= READABLE_CHARS:
            if name.isascii() and name.isidentifier() and name[0] != "_":  # [A-Za-z][A-Za-z0-9_]*
                candidate = name
            elif (match := _INDEXED_NAME.fullmatch(name)) is not None:
                candidate = match.group(1) + match.group(2).replace("[", "_").replace("]", "")
            else:
                candidate = ""
            if candidate and candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        return self.fresh(kind)

    def fresh(self, kind: str) -> str:
        """A made-up name ``{kind}_{k}``, not taken (``kind`` is the writer's own short word)."""
        k = self._counters.get(kind, 0)
        while True:
            k += 1
            name = f"{kind}_{k}"
            if name not in self.taken:
                self._counters[kind] = k
                self.taken.add(name)
                return name

    def derived(self, *parts: str) -> str:
        """A name made of program names and the writer's words (``d`` + ``L`` + ``_d`` + ``w``)."""
        base = "_".join(parts)
        result, k = base, 1
        while result in self.taken:
            k += 1
            result = f"{base}_{k}"
        self.taken.add(result)
        return result


def note(label: str, limit: int = NOTE_CHARS) -> str:
    r"""``label`` as a safe comment's text: one line of printable ASCII, at most ``limit`` characters.

    Control characters, line breaks and bidirectional controls are written as escapes, as the
    pictures and the console show them (``visible_text``), and so is any other non-ASCII character,
    so that the program prints on any console. Nothing in it can end the comment.

    >>> note("w\n__import__('os')"), note("权重"), note("x" * 80)[-5:]
    ("w\\n__import__('os')", '\\u6743\\u91cd', 'xx...')
    """
    text = visible_text(label, one_line=True).encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= limit else text[:limit - 3] + "..."


@dataclass(slots=True)
class Statement:
    """One line of a program: its text, the variable it sets (or None) and the variables it reads."""

    text: str
    target: str | None = None
    reads: tuple[str, ...] = ()
    pure: bool = False
    """A forward value (``target = expression``), which may be written into its one reader instead."""
    note: str = ""
    """What the line's value is called in the graph when the program names it otherwise (``W1[0]``):
    made by ``note``, written after the line as a comment."""
    shown_only: bool = False
    """A line that writes into a parameter's ``.grad``: ``walk`` shows it without running it."""

    def line(self, indent: str) -> str:
        """The statement as program text (wrapped near 100 columns), with its comment: after it, or
        on a line of its own above it when it would not fit in 100 columns."""
        text = _wrap(self.text, indent)
        if not self.note:
            return text
        if len(text) - text.rfind("\n") + len(self.note) + 3 <= 100:
            return f"{text}  # {self.note}"
        return f"{indent}# {self.note}\n{text}"


@dataclass
class Program:
    """A generated program: ``source`` (Python text) and ``namespace`` (what its names mean)."""

    source: str
    entry: str
    """The name of the function to call."""
    namespace: dict[str, Any] = field(default_factory=dict)
    body: list[Statement] = field(default_factory=list)
    """The statements of the program for one sample, for walking it line by line."""
    inputs: tuple[str, ...] = ()
    """The program's names of the inputs, in call order (an input's own name when it is safe)."""

    def function(self) -> Callable[..., Any]:
        """Compile ``source`` in ``namespace`` and return the entry function."""
        code = compile(self.source, f"<replay {self.entry}>", "exec")
        exec(code, self.namespace)
        return self.namespace[self.entry]


def _literal(x: float) -> str:
    """A float as Python source that reads back as exactly the same float."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


def _wrap(text: str, indent: str, width: int = 100) -> str:
    """A long statement broken inside parentheses, so that lines stay near ``width``: after ``+``
    signs (or ``and``), and a part still too long at its spaces. A program holds no string literal,
    so every space is between two tokens, where a line may break inside parentheses."""
    if len(indent) + len(text) <= width:
        return indent + text
    if text.startswith("if ") and text.endswith(": raise REFUSED"):  # if a + b + … != 0.0: / if not (…):
        inner = text[3:-len(": raise REFUSED")]
        joiner = " + " if " + " in inner else " and "
        lines = _fill(f"{indent}if (", inner, joiner, indent + "        ", width)
        lines[-1] += "):"
        return "\n".join([*lines, indent + "    raise REFUSED"])
    for assign in (" = ", " += "):
        if assign in text:
            break
    else:
        return indent + text
    head, expression = text.split(assign, 1)
    lines = _fill(f"{indent}{head}{assign}(", expression, " + ", indent + "    ", width)
    lines[-1] += ")"
    return "\n".join(lines)


def _fill(first: str, expression: str, joiner: str, indent: str, width: int) -> list[str]:
    """``first`` then ``expression`` as lines of at most ``width`` (when it can be), broken after each
    ``joiner``, or at spaces within a part longer than a line; later lines start with ``indent``."""
    pieces: list[str] = []
    parts = expression.split(joiner)
    room = width - len(indent) - len(joiner)
    for i, part in enumerate(parts):
        end = joiner if i < len(parts) - 1 else ""
        if len(part) <= room:
            pieces.append(part + end)
        else:
            words = part.split(" ")
            pieces += [word + " " for word in words[:-1]] + [words[-1] + end]
    lines, current = [], first
    for piece in pieces:
        if len(current) + len(piece.rstrip()) > width and current.strip() and (
                current != first or len(indent) + len(piece.rstrip()) <= width):
            lines.append(current.rstrip())
            current = indent
        current += piece
    lines.append(current.rstrip() if current.endswith(" ") else current)
    return lines


def _wrap_list(opening: str, items: str, closing: str, indent: str, width: int = 100) -> str:
    """``opening + items + closing`` broken after commas of ``items`` so that lines stay near ``width``
    (a function of many inputs: its signature, the call that passes them on)."""
    if len(opening) + len(items) + len(closing) <= width:
        return opening + items + closing
    words = items.split(", ")
    pieces = [word + ", " for word in words[:-1]] + [words[-1] + closing]
    lines, current = [], opening
    for piece in pieces:
        if len(current) + len(piece.rstrip()) > width and current.strip() not in (opening.strip(), ""):
            lines.append(current.rstrip())
            current = indent + "        "
        current += piece
    return "\n".join([*lines, current])


@dataclass
class GraphText:
    """What ``write_program`` needs to know about the recorded graph, prepared by ``autograd.trace``.

    ``order`` is the topological order (root last); ``names[v]`` the stepper's name of each node;
    ``leaf_index[v]`` the position of a leaf Value (parameter or constant) in ``leaves``;
    ``input_of_leaf[v]`` the argument name of a leaf made from an input; ``constant(c)`` the source
    text of a plain-number operand (a literal, or an input's argument name); ``wants_grad`` the
    leaves whose ``.grad`` the program adds to.
    """

    order: Sequence[Any]
    names: Mapping[Any, str]
    arguments: tuple[str, ...]
    leaf_index: Mapping[Any, int]
    input_of_leaf: Mapping[Any, str]
    constant: Callable[[float], str]
    wants_grad: set[Any]


MAX_SIZE = 1_000_000
"""The most nodes and edges (ops, leaves and each op's operands) a graph may have to be written as a
program: a 1e5-op chain is 4e5; one at the limit takes about 10 s and 1.5 GB to write and compile."""


class ProgramTooLargeError(ValueError):
    """The recorded graph is larger than ``MAX_SIZE``: refused before any of its program is written."""


SUM_TERMS = 100
"""Terms of a weighted sum written in one expression, at most: a longer one is added in parts (the
same additions in the same order), as Python's compiler recurses once per ``+`` of an expression."""


class _Terms(list):  # type: ignore[type-arg]
    """The terms ``w * x`` of a weighted sum, joined with `` + `` by the writer (in parts if long)."""


_NO_FIELDS: dict[str, str] = {}
"""An edge with no fields of its own (shared: never changed)."""


def _operands(node: Any, var: Mapping[Any, str], constant: Callable[[float], str]
              ) -> tuple[dict[str, str], list[tuple[Any, dict[str, str]]], list[str]]:
    """The format fields of ``node``'s template; each edge's (parent, extra fields); the variables read."""
    rule: Rule = node.rule
    values, numbers = operands(node), constants(node)
    if not rule.variadic:  # an op of one or two Values (and maybe a plain number c)
        a = values[0]
        name_a = var[a]
        if len(values) == 2:
            b = values[1]
            name_b = var[b]
            return {"a": name_a, "b": name_b}, [(a, _NO_FIELDS), (b, _NO_FIELDS)], [name_a, name_b]
        if not numbers:
            return {"a": name_a}, [(a, _NO_FIELDS)], [name_a]
        c = constant(numbers[0])
        return {"a": name_a, "c": c}, [(a, _NO_FIELDS)], [name_a, c] if c.isidentifier() else [name_a]
    texts = [var[p] for p in values]
    if rule.class_index:  # the logits, and the class index c: a literal, or an input the program
        listed = "[" + ", ".join(texts) + "]"  # reads (then it picks the logit itself)
        edges = [(p, {"a_i": texts[i], "i": str(i)}) for i, p in enumerate(values)]
        c = constant(numbers[-1])
        if c.isidentifier():
            fields = {"all": listed, "c": c, "a_c": f"pick({c}, {listed})", "classes": f"{len(texts)}.0"}
            return fields, edges, [*texts, c]
        k = int(numbers[-1])
        fields = {"all": listed, "c": str(k), "a_c": texts[k], "classes": f"{len(texts)}.0"}
        return fields, edges, texts
    parts = rule.split(values, [constant(c) for c in numbers])
    if not parts.weights:  # Σ: every parent, then the plain numbers
        terms = [var[p] if type(p) is Value else p for p in parts.terms]
        return {"all": "[" + ", ".join(terms) + "]"}, [(p, {}) for p in values], \
            [t for t in terms if t.isidentifier()]
    ws = [var[p] for p in parts.weights]
    xs = list(parts.inputs) if numbers else [var[p] for p in parts.inputs]
    fields = {"b": var[parts.bias], "dot": _Terms(f"{w} * {x}" for w, x in zip(ws, xs))}
    edges = [(p, {"x_i": xs[i]}) for i, p in enumerate(parts.weights)]
    edges.append((parts.bias, {}))
    edges += [(p, {"w_i": ws[i]}) for i, p in enumerate(parts.inputs if not numbers else ())]
    return fields, edges, [*ws, fields["b"], *(x for x in xs if x.isidentifier())]


def write_program(graph: GraphText, mode: Mode, entry: str) -> Program:
    """The program of ``graph`` for ``mode``: forward, then backward, then the leaves' grads.

    Floats: ``entry(*arguments, seed=1.0)`` runs one sample and returns the loss; batch:
    ``entry(*arguments, seed, n)`` runs n samples (arrays) and returns the n losses. Either adds the
    gradients into the leaves in ``wants_grad``, or raises ``REFUSED`` (and changes nothing) when an
    input is not a finite float, an op leaves its domain or a value overflows.
    """
    order, names = graph.order, graph.names
    size = len(order) + sum(operand_count(v) for v in order)
    if size > MAX_SIZE:
        ops = sum(1 for v in order if not v.is_leaf)
        raise ProgramTooLargeError(
            f"trace: the recorded graph has {ops:,} ops and {size:,} nodes and edges, more than "
            f"codegen.MAX_SIZE = {MAX_SIZE:,}: its program would take more than about 10 s to write "
            f"and compile and more than 1.5 GB of memory. Use the Value path (backward(), "
            f"fit(compiled=False)), make the graph smaller with the fused rows (autograd.fused.dot, "
            f"total), or raise codegen.MAX_SIZE if you mean it.")
    floats = mode == "floats"
    namer = Namer()
    namer.taken.add(entry)
    # the inputs first: each keeps its own name when that is safe and not Python's or the program's
    argument = {a: namer.readable(a, "x") for a in graph.arguments}
    inputs = tuple(argument[a] for a in graph.arguments)
    renamed = [(argument[a], a) for a in graph.arguments if argument[a] != a]

    def constant(c: float) -> str:
        text = graph.constant(c)  # a literal, or the name of the input it came from
        return argument.get(text, text)

    varying = set(inputs)  # values that differ from sample to sample (arrays in a batch)
    templates: dict[str, Template] = {}
    var: dict[Any, str] = {}
    body: list[Statement] = []
    root = order[-1]

    # --- which gradients are needed: a node's, if some leaf that wants a grad depends on it --------
    needs: dict[Any, bool] = {}
    for v in order:
        needs[v] = v in graph.wants_grad if v.is_leaf else any(needs[p] for p in operands(v))

    # --- the leaves: inputs are arguments; parameters and other leaves are read now ----------------
    leaves_read: list[tuple[str, int, Any]] = []
    others = []
    for v in order:
        if not v.is_leaf:
            continue
        if v in graph.input_of_leaf:
            var[v] = argument[graph.input_of_leaf[v]]
        else:
            others.append((graph.leaf_index[v], v))
    for index, v in sorted(others, key=lambda item: item[0]):  # made-up names in parameter order
        var[v] = namer.readable(names[v], "v")
        leaves_read.append((var[v], index, v))
    holders: dict[str, Any] = {}  # the leaf Values, each under a name in the program's namespace
    holder: dict[int, str] = {}
    for name, index, v in leaves_read:
        holder[index] = namer.derived("leaf", name)
        holders[holder[index]] = v
        body.append(Statement(f"{name} = {holder[index]}._data", name,  # the slots, as backward
                              note=note(names[v]) if names[v] != name else ""))

    # --- forward: one line per op (plus its template's temporaries and domain check) --------------
    forward_reads: dict[Any, tuple[list[tuple[Any, dict[str, str]]], dict[str, str], list[str]]] = {}
    checked: list[str] = []  # values whose overflow the output would not show
    consumers_propagate: dict[Any, bool] = {}
    for v in order:
        rule = v.rule
        if rule is None:
            continue
        t = templates.get(rule.expr)
        if t is None:
            t = templates[rule.expr] = template(rule, mode)
        fields, edges, reads = _operands(v, var, constant)
        name = var[v] = namer.readable(names[v], "t")
        fields["out"] = name
        terms = fields.get("dot")
        if terms is not None:  # w0 * x0 + w1 * x1 + …: long sums in parts, added in the same order
            start, previous = 0, []
            while len(terms) - start + len(previous) > SUM_TERMS:
                part = namer.derived("dot", name)
                head = previous + terms[start:start + SUM_TERMS - len(previous)]
                start += len(head) - len(previous)
                body.append(Statement(f"{part} = {' + '.join(head)}", part,
                                      tuple(x for term in head for x in term.split(" * ")
                                            if x.isidentifier())))
                if not floats and any(x in varying for x in body[-1].reads):
                    varying.add(part)
                previous = [part]
            fields["dot"] = " + ".join(previous + terms[start:])
        for temporary in t.temporaries:
            fields["t_" + temporary] = namer.derived(temporary, name)
        literal_c = "c" in fields and not fields["c"].isidentifier()
        if t.domain is not None:
            condition = t.domain.format_map(fields)
            if literal_c and _COMPARES_C.search(t.domain):
                condition = fold(condition)
            if condition != "True":
                test = f"not ({condition})" if floats else f"not every({condition})"
                body.append(Statement(f"if {test}: raise REFUSED", None, tuple(reads)))
        temps = []
        for temporary, expression in t.setup:
            target = fields["t_" + temporary]
            body.append(Statement(f"{target} = {expression.format_map(fields)}", target,
                                  (*reads, *temps), pure=True))
            temps.append(target)
        body.append(Statement(f"{name} = {t.out.format_map(fields)}", name, (*reads, *temps), pure=True,
                              note=note(names[v]) if names[v] != name else ""))
        if not floats and any(x in varying for x in reads):  # batch: from the inputs, so an array
            varying.add(name)
            varying.update(temps)
        forward_reads[v] = (edges, fields, [*reads, *temps, name])
        propagates = bool(rule.code and rule.code.propagates)
        for parent, _ in edges:
            if not parent.is_leaf:
                consumers_propagate[parent] = consumers_propagate.get(parent, True) and propagates
    checked = [var[v] for v in order if not v.is_leaf and not consumers_propagate.get(v, True)]
    if var[root] not in checked and not root.is_leaf:
        checked.append(var[root])

    # --- backward: d(root)/d(each value), one line per chain-rule edge ----------------------------
    root_name = var[root]
    grad: dict[Any, str] = {}
    counts: dict[Any, int] = {}
    for v in order:
        if not v.is_leaf and needs[v]:
            for parent, _ in forward_reads[v][0]:
                if needs[parent]:
                    counts[parent] = counts.get(parent, 0) + 1
    seeded = namer.derived(f"d{root_name}", f"d{root_name}")
    grad[root] = seeded
    body.append(Statement(f"{seeded} = seed", seeded, ("seed",)))
    started: set[Any] = set()
    accumulators: list[tuple[str, int]] = []
    local_fields: dict[tuple[str, Mode], tuple[tuple[str, ...], ...]] = {}
    wanting = sorted((v for v in order if v.is_leaf and v in graph.wants_grad and v in counts),
                     key=graph.leaf_index.__getitem__)
    for v in wanting if floats else ():  # leaves start from the grads they have (they accumulate)
        g = grad[v] = namer.derived(f"d{root_name}", f"d{var[v]}")
        index = graph.leaf_index[v]
        body.append(Statement(f"{g} = {holder[index]}._grad", g))
        accumulators.append((g, index))
        started.add(v)
    for v in reversed(order):
        rule = v.rule
        if rule is None or not needs[v]:
            continue
        edges, fields, _ = forward_reads[v]
        t = templates[rule.expr]
        upstream = grad[v]
        local_templates = t.local
        if (rule.expr, mode) not in local_fields:
            local_fields[rule.expr, mode] = t.local_fields
        constant_inputs = bool(constants(v))
        used = local_fields[rule.expr, mode]
        for i, (parent, extra) in enumerate(edges):
            if not needs[parent]:
                continue
            kind = rule.edge_role(i, len(edges), constant_inputs)[0]  # which formula: the row says
            chosen = local_templates[kind]
            local = chosen.format_map({**fields, **extra} if extra else fields)
            if "c" in fields and not fields["c"].isidentifier() and _COMPARES_C.search(chosen):
                local = fold(local)
            if local == "1.0":
                contribution = upstream
            elif local == "-1.0":
                contribution = f"-{upstream}"
            elif _SIMPLE.fullmatch(local):
                contribution = f"{local} * {upstream}"
            else:
                contribution = f"({local}) * {upstream}"
            kind_fields = used[kind]
            line_reads = (upstream, *(x for f in kind_fields
                                      if (x := extra.get(f) or fields.get(f, "")).isidentifier()))
            varies = not floats and any(x in varying for x in line_reads)
            if parent in started:
                g = grad[parent]
                text = f"{g} += {contribution}" if floats else f"{g} = {g} + {contribution}"
                body.append(Statement(text, g, (*line_reads, g)))
            elif counts[parent] == 1 and contribution == upstream and (not parent.is_leaf or not floats):
                g = grad[parent] = upstream  # d(root)/d(parent) is the same number: no line needed
                started.add(parent)
            else:
                g = grad[parent] = namer.derived(f"d{root_name}", f"d{var[parent]}")
                body.append(Statement(f"{g} = {contribution}", g, line_reads, pure=counts[parent] == 1))
                started.add(parent)
            if varies:
                varying.add(g)

    # --- the check, then the leaves' grads ----------------------------------------------------------
    if not floats:  # each leaf's gradient summed over the samples
        for v in wanting:
            index = graph.leaf_index[v]
            s = namer.derived(f"sum_d{root_name}", f"d{var[v]}")
            text = f"float({grad[v]}.sum())" if grad[v] in varying else f"{grad[v]} * n"
            body.append(Statement(f"{s} = {text}", s, (grad[v], "n")))
            accumulators.append((s, index))
    # inf or NaN anywhere makes the sum inf or NaN (a huge finite sum that overflows is a false alarm:
    # the checked replay then finds nothing wrong and gives the same numbers)
    finals = [g for g, _ in accumulators]
    terms = list(checked) if floats else [f"{x}.sum()" if x in varying else x for x in checked]
    terms += finals
    if floats:
        terms += inputs  # an inf or NaN input, too
    for k in range(0, len(terms), 40):
        group = terms[k:k + 40]
        reads_ = tuple(x.removesuffix(".sum()") for x in group)
        total_ = namer.derived("check")
        body.append(Statement(f"{total_} = {' + '.join(group)}", total_, reads_))
        body.append(Statement(f"if {total_} - {total_} != 0.0: raise REFUSED", None, (total_,)))
    for g, index in accumulators:
        # floats: straight into the slot (the check above found every number finite); a batch's
        # sum goes through the checked property, which makes a NumPy float a float
        text = f"{holder[index]}._grad = {g}" if floats else f"{holder[index]}.grad += {g}"
        body.append(Statement(text, None, (g,), shown_only=True))
    result = var[root]
    returned = result if floats else f"spread({result}, n)"
    program = _assemble(body, inputs, entry, mode, returned, checked_inputs=floats, namer=namer,
                        renamed=renamed)
    program.namespace.update(holders)
    return program


_SIMPLE = re.compile(r"[\w.]+|\(-[\d.e+-]+\)")


def _assemble(body: list[Statement], arguments: tuple[str, ...], entry: str, mode: Mode,
              returned: str, checked_inputs: bool, namer: Namer,
              renamed: Sequence[tuple[str, str]] = ()) -> Program:
    """The statements as one function, or as parts sharing a list when there are many of them.

    ``arguments`` are the program's names of the inputs; ``renamed`` pairs (program name, the
    input's own name) for the inputs whose own name could not be used (shown in a comment).
    """
    floats = mode == "floats"
    if floats:  # the step's own __call__: anything unusual goes to step.call_carefully
        signature = ", ".join(["step", *(f"{a}=MISSING" for a in arguments), "*extra", "seed=1.0",
                               "first_try=True"])
    else:
        signature = ", ".join([*arguments, "seed", "n"])
    head = [_wrap_list(f"def {entry}(", signature, "):", "")]
    what = ("One sample: returns the loss; adds d(loss)/d(parameter) into each .grad." if floats
            else "n samples (arrays): returns the n losses; adds the summed gradients.")
    head.append(f"    # {what}")
    head += [f"    # input {name}: {note(own)}" for name, own in renamed]
    indent = "    "
    if floats:
        head.append("    try:")
        indent = "        "
        if checked_inputs and arguments:
            types = " and ".join(f"type({a}) is float" for a in arguments)  # (finite: see check)
            head.append(_wrap(f"if extra or not ({types}): raise REFUSED", indent))
        else:
            head.append(f"{indent}if extra: raise REFUSED")
    tail = [] if not floats else [
        "    except (REFUSED, ArithmeticError, ValueError, TypeError):  # a closer look, and why",
        "        if not first_try:",
        "            raise",
        _wrap_list("        return step.call_carefully((", ", ".join([*arguments, "*extra"])
                   + ("," if not arguments else ""), "), seed)", "        ")]
    if len(body) <= CHUNK:
        lines = head + [s.line(indent) for s in body] + [f"{indent}return {returned}", *tail]
        return Program("\n".join(lines) + "\n", entry, body=body, inputs=arguments)
    full_body = body
    body = _fuse(body, returned.removeprefix("spread(").split(",")[0])
    # Many statements: parts of CHUNK statements; a value one part makes and a later part reads
    # travels in the shared list S.
    last_read: dict[str, int] = {}
    for i, s in enumerate(body):
        for name in s.reads:
            last_read[name] = i
    result_name = returned.removeprefix("spread(").split(",")[0]
    last_read[result_name] = len(body)
    slots: dict[str, int] = {}
    parts: list[str] = []
    part_names: list[str] = []
    defined_before: set[str] = set(arguments) | {"seed", "n"}
    for k, start in enumerate(range(0, len(body), CHUNK)):
        chunk = body[start:start + CHUNK]
        end = start + len(chunk)
        defined_here: dict[str, None] = {}  # in the order defined: the same source on every run
        imports: list[str] = []
        imported: set[str] = set()
        for s in chunk:
            for name in s.reads:
                if name not in defined_here and name not in imported and name in defined_before:
                    imports.append(name)
                    imported.add(name)
            if s.target is not None:
                defined_here[s.target] = None
        exports = [name for name in defined_here if last_read.get(name, -1) >= end]
        part = namer.derived(f"part_{k}")
        part_names.append(part)
        lines = [f"def {part}(S):"]
        for name in imports:
            slot = slots.setdefault(name, len(slots))
            lines.append(f"    {name} = S[{slot}]")
        lines += [s.line("    ") for s in chunk]
        for name in exports:
            slot = slots.setdefault(name, len(slots))
            lines.append(f"    S[{slot}] = {name}")
        parts.append("\n".join(lines))
        defined_before.update(defined_here)
    result_slot = slots.setdefault(result_name, len(slots))
    main = [*head, f"{indent}S = [None] * {len(slots)}"]
    for name in [*arguments, "seed", "n"][: len(arguments) + (1 if mode == "floats" else 2)]:
        if name in slots:
            main.append(f"{indent}S[{slots[name]}] = {name}")
    main += [f"{indent}{part}(S)" for part in part_names]
    main.append(f"{indent}{result_name} = S[{result_slot}]")
    main.append(f"{indent}return {returned}")
    main += tail
    source = "\n\n".join([*parts, "\n".join(main)]) + "\n"
    return Program(source, entry, body=full_body, inputs=arguments)


_WORDS = re.compile(r"(\w+)")
FUSE_DEPTH = 6
"""How many forward ops a large program writes into one expression, at most."""


def _fuse(body: list[Statement], result: str) -> list[Statement]:
    """A large program with each forward value that is read once written into its reader, up to
    ``FUSE_DEPTH`` ops per expression: the same operations in the same order, in fewer statements,
    which Python compiles and runs faster (a small program keeps one line per op, to be read)."""
    counts: dict[str, int] = {result: 2}
    for s in body:
        for name in s.reads:
            counts[name] = counts.get(name, 0) + 1
    pending: dict[str, tuple[str, int, tuple[str, ...]]] = {}
    fused: list[Statement] = []
    for s in body:
        text, reads, depth = s.text, s.reads, 0
        hit = False
        if pending:
            for name in reads:
                if name in pending:
                    hit = True
                    break
        if hit:
            pieces = _WORDS.split(text)
            new_reads: list[str] = []
            for k in range(1, len(pieces), 2):
                found = pending.pop(pieces[k], None) if k > 1 else None
                if found is not None:
                    pieces[k] = f"({found[0]})"
                    depth = max(depth, found[1] + 1)
                    new_reads += found[2]
            text = "".join(pieces)
            reads = (*(name for name in reads if name not in pending), *new_reads)
        if s.pure and counts.get(s.target or "", 0) == 1 and depth < FUSE_DEPTH:
            pending[s.target or ""] = (text.split(" = ", 1)[1], depth, reads)
        else:
            fused.append(Statement(text, s.target, reads, s.pure, s.note, s.shown_only) if hit else s)
    return fused


__all__ += ["CHUNK", "FLOAT_FUNCTIONS", "MAX_SIZE", "NOTE_CHARS", "PROGRAM_NAMES", "READABLE_CHARS",
            "RESERVED", "SUM_TERMS", "GraphText", "ProgramTooLargeError", "template"]
_ = RULES  # the templates come from the rows of RULES
