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

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.node import constants, operand_count, operands
from ..engine.rules import RULES, Rule
from ..engine.value import Value
from .program import (
    NOTE_CHARS,
    PROGRAM_NAMES,
    READABLE_CHARS,
    RESERVED,
    Namer,
    Program,
    Statement,
    _wrap,
    _wrap_list,
    note,
)
from .templates import _COMPARES_C, FLOAT_FUNCTIONS, Mode, Template, compile_template, fold, template

__all__ = ["Namer", "Program", "Statement", "Template", "compile_template", "fold", "note", "write_program"]

CHUNK = 1500
"""Statements per generated function: Python compiles many small functions much faster than one
huge one, so a large graph's program is split into parts of this many statements."""


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
    input is not a finite float, an op leaves its domain or a value overflows. The phases below
    write it in that order into one ``_Draft``.
    """
    _refuse_if_too_large(graph.order)
    draft = _Draft(graph, mode, entry)
    _mark_needed(draft)
    _read_leaves(draft)
    _write_forward(draft)
    _write_backward(draft)
    return _write_check_and_grads(draft)


def _refuse_if_too_large(order: Sequence[Any]) -> None:
    """``ProgramTooLargeError`` for a graph over ``MAX_SIZE`` nodes and edges, before any writing."""
    size = len(order) + sum(operand_count(v) for v in order)
    if size > MAX_SIZE:
        ops = sum(1 for v in order if not v.is_leaf)
        raise ProgramTooLargeError(
            f"trace: the recorded graph has {ops:,} ops and {size:,} nodes and edges, more than "
            f"codegen.MAX_SIZE = {MAX_SIZE:,}: its program would take more than about 10 s to write "
            f"and compile and more than 1.5 GB of memory. Use the Value path (backward(), "
            f"fit(compiled=False)), make the graph smaller with the fused rows (autograd.fused.dot, "
            f"total), or raise codegen.MAX_SIZE if you mean it.")


class _Draft:
    """A program being written: the names given so far, its statements, and what each phase leaves
    for the next (which gradients are needed, each op's fields and edges, the gradients' names)."""

    def __init__(self, graph: GraphText, mode: Mode, entry: str) -> None:
        self.graph, self.mode, self.entry = graph, mode, entry
        self.floats = mode == "floats"
        self.namer = Namer()
        self.namer.taken.add(entry)
        # the inputs first: each keeps its own name when that is safe and not Python's or the program's
        self.argument = {a: self.namer.readable(a, "x") for a in graph.arguments}
        self.inputs = tuple(self.argument[a] for a in graph.arguments)
        self.renamed = [(self.argument[a], a) for a in graph.arguments if self.argument[a] != a]
        self.varying = set(self.inputs)  # values that differ from sample to sample (arrays in a batch)
        self.templates: dict[str, Template] = {}
        self.var: dict[Any, str] = {}
        self.body: list[Statement] = []
        self.root = graph.order[-1]
        self.needs: dict[Any, bool] = {}
        self.holders: dict[str, Any] = {}  # the leaf Values, each under a name in the program's namespace
        self.holder: dict[int, str] = {}
        self.forward_reads: dict[Any, tuple[list[tuple[Any, dict[str, str]]], dict[str, str], list[str]]] = {}
        self.checked: list[str] = []  # values whose overflow the output would not show
        self.grad: dict[Any, str] = {}
        self.accumulators: list[tuple[str, int]] = []
        self.wanting: list[Any] = []
        self.local_fields: dict[str, tuple[tuple[str, ...], ...]] = {}  # each template's, worked out once

    def constant(self, c: float) -> str:
        """A plain-number operand's text: a literal, or the name of the input it came from."""
        text = self.graph.constant(c)
        return self.argument.get(text, text)


def _mark_needed(d: _Draft) -> None:
    """Which gradients are needed: a node's, if some leaf that wants a grad depends on it."""
    needs, wants_grad = d.needs, d.graph.wants_grad
    for v in d.graph.order:
        needs[v] = v in wants_grad if v.is_leaf else any(needs[p] for p in operands(v))


def _read_leaves(d: _Draft) -> None:
    """The leaves: inputs are arguments; parameters and other leaves are read from their slots now."""
    graph, var, names = d.graph, d.var, d.graph.names
    others = []
    for v in graph.order:
        if not v.is_leaf:
            continue
        if v in graph.input_of_leaf:
            var[v] = d.argument[graph.input_of_leaf[v]]
        else:
            others.append((graph.leaf_index[v], v))
    for index, v in sorted(others, key=lambda item: item[0]):  # made-up names in parameter order
        name = var[v] = d.namer.readable(names[v], "v")
        d.holder[index] = d.namer.derived("leaf", name)
        d.holders[d.holder[index]] = v
        d.body.append(Statement(f"{name} = {d.holder[index]}._data", name,  # the slots, as backward
                                note=note(names[v]) if names[v] != name else ""))


def _write_forward(d: _Draft) -> None:
    """Forward: one line per op (plus its template's temporaries and domain check)."""
    consumers_propagate: dict[Any, bool] = {}
    for v in d.graph.order:
        rule = v.rule
        if rule is None:
            continue
        edges = _write_op(d, v, rule)
        propagates = bool(rule.code and rule.code.propagates)
        for parent, _ in edges:
            if not parent.is_leaf:
                consumers_propagate[parent] = consumers_propagate.get(parent, True) and propagates
    d.checked = [d.var[v] for v in d.graph.order if not v.is_leaf and not consumers_propagate.get(v, True)]
    if d.var[d.root] not in d.checked and not d.root.is_leaf:
        d.checked.append(d.var[d.root])


def _write_op(d: _Draft, v: Any, rule: Rule) -> list[tuple[Any, dict[str, str]]]:
    """The lines of one op: its domain check, its temporaries and its output; returns its edges."""
    t = d.templates.get(rule.expr)
    if t is None:
        t = d.templates[rule.expr] = template(rule, d.mode)
    fields, edges, reads = _operands(v, d.var, d.constant)
    name = d.var[v] = d.namer.readable(d.graph.names[v], "t")
    fields["out"] = name
    if fields.get("dot") is not None:
        _dot_in_parts(d, fields, name)
    for temporary in t.temporaries:
        fields["t_" + temporary] = d.namer.derived(temporary, name)
    if t.domain is not None:
        condition = t.domain.format_map(fields)
        if "c" in fields and not fields["c"].isidentifier() and _COMPARES_C.search(t.domain):
            condition = fold(condition)
        if condition != "True":
            test = f"not ({condition})" if d.floats else f"not every({condition})"
            d.body.append(Statement(f"if {test}: raise REFUSED", None, tuple(reads)))
    temps = []
    for temporary, expression in t.setup:
        target = fields["t_" + temporary]
        d.body.append(Statement(f"{target} = {expression.format_map(fields)}", target, (*reads, *temps),
                                pure=True))
        temps.append(target)
    label = d.graph.names[v]
    d.body.append(Statement(f"{name} = {t.out.format_map(fields)}", name, (*reads, *temps), pure=True,
                            note=note(label) if label != name else ""))
    if not d.floats and any(x in d.varying for x in reads):  # batch: from the inputs, so an array
        d.varying.add(name)
        d.varying.update(temps)
    d.forward_reads[v] = (edges, fields, [*reads, *temps, name])
    return edges


def _dot_in_parts(d: _Draft, fields: dict[str, str], name: str) -> None:
    """w0 * x0 + w1 * x1 + …: a long sum in parts of ``SUM_TERMS``, added in the same order."""
    terms = fields["dot"]
    start, previous = 0, []
    while len(terms) - start + len(previous) > SUM_TERMS:
        part = d.namer.derived("dot", name)
        head = previous + terms[start:start + SUM_TERMS - len(previous)]
        start += len(head) - len(previous)
        d.body.append(Statement(f"{part} = {' + '.join(head)}", part,
                                tuple(x for term in head for x in term.split(" * ") if x.isidentifier())))
        if not d.floats and any(x in d.varying for x in d.body[-1].reads):
            d.varying.add(part)
        previous = [part]
    fields["dot"] = " + ".join(previous + terms[start:])


def _write_backward(d: _Draft) -> None:
    """Backward: d(root)/d(each value), one line per chain-rule edge, the leaves' sums started from
    the grads they hold (they accumulate, as with backward())."""
    graph, needs, var, grad = d.graph, d.needs, d.var, d.grad
    counts: dict[Any, int] = {}
    for v in graph.order:
        if not v.is_leaf and needs[v]:
            for parent, _ in d.forward_reads[v][0]:
                if needs[parent]:
                    counts[parent] = counts.get(parent, 0) + 1
    root_name = var[d.root]
    seeded = grad[d.root] = d.namer.derived(f"d{root_name}", f"d{root_name}")
    d.body.append(Statement(f"{seeded} = seed", seeded, ("seed",)))
    started: set[Any] = set()
    d.wanting = sorted((v for v in graph.order if v.is_leaf and v in graph.wants_grad and v in counts),
                       key=graph.leaf_index.__getitem__)
    for v in d.wanting if d.floats else ():  # leaves start from the grads they have (they accumulate)
        g = grad[v] = d.namer.derived(f"d{root_name}", f"d{var[v]}")
        index = graph.leaf_index[v]
        d.body.append(Statement(f"{g} = {d.holder[index]}._grad", g))
        d.accumulators.append((g, index))
        started.add(v)
    for v in reversed(graph.order):
        if not v.is_leaf and needs[v]:
            _write_edges(d, v, counts, started)


def _write_edges(d: _Draft, v: Any, counts: Mapping[Any, int], started: set[Any]) -> None:
    """The chain-rule lines of one op: upstream × local derivative into each needed parent's gradient."""
    rule = v.rule
    edges, fields, _ = d.forward_reads[v]
    t = d.templates[rule.expr]
    upstream = d.grad[v]
    constant_inputs = bool(constants(v))
    floats, grad, body = d.floats, d.grad, d.body
    used = d.local_fields.get(rule.expr)
    if used is None:
        used = d.local_fields[rule.expr] = t.local_fields
    for i, (parent, extra) in enumerate(edges):
        if not d.needs[parent]:
            continue
        kind = rule.edge_role(i, len(edges), constant_inputs)[0]  # which formula: the row says
        chosen = t.local[kind]
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
        line_reads = (upstream, *(x for f in used[kind]
                                  if (x := extra.get(f) or fields.get(f, "")).isidentifier()))
        varies = not floats and any(x in d.varying for x in line_reads)
        if parent in started:
            g = grad[parent]
            text = f"{g} += {contribution}" if floats else f"{g} = {g} + {contribution}"
            body.append(Statement(text, g, (*line_reads, g)))
        elif counts[parent] == 1 and contribution == upstream and (not parent.is_leaf or not floats):
            g = grad[parent] = upstream  # d(root)/d(parent) is the same number: no line needed
            started.add(parent)
        else:
            g = grad[parent] = d.namer.derived(f"d{d.var[d.root]}", f"d{d.var[parent]}")
            body.append(Statement(f"{g} = {contribution}", g, line_reads, pure=counts[parent] == 1))
            started.add(parent)
        if varies:
            d.varying.add(g)


def _write_check_and_grads(d: _Draft) -> Program:
    """The check that every number came out finite, then the leaves' grads; the program assembled."""
    graph, var, grad, body, floats = d.graph, d.var, d.grad, d.body, d.floats
    root_name = var[d.root]
    if not floats:  # each leaf's gradient summed over the samples
        for v in d.wanting:
            s = d.namer.derived(f"sum_d{root_name}", f"d{var[v]}")
            text = f"float({grad[v]}.sum())" if grad[v] in d.varying else f"{grad[v]} * n"
            body.append(Statement(f"{s} = {text}", s, (grad[v], "n")))
            d.accumulators.append((s, graph.leaf_index[v]))
    # inf or NaN anywhere makes the sum inf or NaN (a huge finite sum that overflows is a false alarm:
    # the checked replay then finds nothing wrong and gives the same numbers)
    terms = list(d.checked) if floats else [f"{x}.sum()" if x in d.varying else x for x in d.checked]
    terms += [g for g, _ in d.accumulators]
    if floats:
        terms += d.inputs  # an inf or NaN input, too
    for k in range(0, len(terms), 40):
        group = terms[k:k + 40]
        total_ = d.namer.derived("check")
        body.append(Statement(f"{total_} = {' + '.join(group)}", total_,
                              tuple(x.removesuffix(".sum()") for x in group)))
        body.append(Statement(f"if {total_} - {total_} != 0.0: raise REFUSED", None, (total_,)))
    for g, index in d.accumulators:
        # floats: straight into the slot (the check above found every number finite); a batch's
        # sum goes through the checked property, which makes a NumPy float a float
        text = f"{d.holder[index]}._grad = {g}" if floats else f"{d.holder[index]}.grad += {g}"
        body.append(Statement(text, None, (g,), shown_only=True))
    returned = root_name if floats else f"spread({root_name}, n)"
    program = _assemble(body, d.inputs, d.entry, d.mode, returned, checked_inputs=floats, namer=d.namer,
                        renamed=d.renamed)
    program.namespace.update(d.holders)
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
    source = _in_parts(body, head, tail, indent, arguments, returned, mode, namer)
    return Program(source, entry, body=body, inputs=arguments)


def _in_parts(full_body: list[Statement], head: list[str], tail: list[str], indent: str,
              arguments: tuple[str, ...], returned: str, mode: Mode, namer: Namer) -> str:
    """The source of a long program: functions of ``CHUNK`` statements each, then the entry that
    calls them in turn."""
    body = _fuse(full_body, returned.removeprefix("spread(").split(",")[0])
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
    return "\n\n".join([*parts, "\n".join(main)]) + "\n"


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
