"""Writing the matrix program's source (``autograd.replay.matrix_program``), phase by phase over one
``_MatrixDraft``: the names of the matrices, the parameters in one flat array, the forward pass
(a layer, a block of rows, a column sum, or a scalar line each), the backward pass, then the check
and the gradients."""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Sequence
from typing import Any

from ..engine.node import constants, operands
from ..engine.rules import RULES
from ..engine.value import Value
from . import codegen
from .layers_found import FoundLayer, FoundRows, FoundSum
from .program import _wrap, float_literal

__all__ = ["write_matrix_program"]

_OWN = {"X", "n", "seed", "REFUSED", "zeros", "stack", "column", "spread", "total", "every", "addup",
        "where", "exp", "log", "log1p", "sqrt", "tanh", "floor", "excess", "pick", "largest", "fsum",
        "P", "grad_P", "check", "np"}


def _comment(text: str) -> str:
    """A label fit for a comment: printable ASCII only, on one line (no user text reaches code)."""
    kept = "".join(ch for ch in text if ch in string.printable and ch not in "\r\n\t\x0b\x0c")
    return kept[:60]


def _out_name(layer: FoundLayer) -> str:
    """The name of a layer's output matrix: a1 after an activation, z1 without one."""
    return f"a{layer.number}" if layer.activation_row is not None else f"z{layer.number}"


def _inputs_text(idx: list[int]) -> str:
    """The rows of X holding the inputs at positions ``idx``: a slice when they are consecutive."""
    return f"X[{idx[0]}:{idx[-1] + 1}]" if idx == list(range(idx[0], idx[-1] + 1)) else f"X[{idx!r}]"


def program_names(layers: Sequence[FoundLayer], rows: Sequence[FoundRows]) -> set[str]:
    """The matrix program's own names (W1, a1, r1, ...): graph names never take them."""
    fixed = set(_OWN)
    for layer in layers:
        k = layer.number
        fixed |= {f"W{k}", f"b{k}", f"z{k}", f"a{k}", f"in{k}", f"delta{k}", f"dL_dW{k}",
                  f"dL_db{k}", f"dL_da{k}", f"dL_dz{k}", f"grad_W{k}", f"grad_b{k}", f"dL_din{k}",
                  f"leaves_b{k}"}
        if layer.activation_row is not None:
            fixed |= {f"{temporary}{k}" for temporary in codegen.template(
                RULES[layer.activation_row], "batch").temporaries}
    for block in rows:
        m = block.number
        fixed |= {f"r{m}", f"dL_dr{m}", f"cr{m}"}
        fixed |= {f"{temporary}_r{m}" for temporary in codegen.template(
            RULES[block.row], "batch").temporaries}
    return fixed


class _MatrixDraft:
    """What the phases of writing share: the graph, the names given so far, the lines written."""

    def __init__(self, order: Sequence[Value], names: dict[Value, str], arguments: tuple[str, ...],
                 wanted: set[Value], input_of_leaf: dict[Value, str], constant: Callable[[float], str],
                 layers: list[FoundLayer], rows: list[FoundRows], sums: list[FoundSum],
                 layer_of: dict[Value, tuple[FoundLayer, int, str]], fixed: set[str]) -> None:
        self.order, self.names, self.arguments, self.wanted = order, names, arguments, wanted
        self.input_of_leaf, self.constant = input_of_leaf, constant
        self.layers, self.rows, self.sums, self.layer_of = layers, rows, sums, layer_of
        self.namer = codegen.Namer()  # every other name is made here (a label is never run as code)
        self.namer.taken |= set(arguments) | fixed
        self.var: dict[Value, str] = {}
        self.arg_index = {name: i for i, name in enumerate(arguments)}
        self.used_args: set[str] = set()
        self.matrix_name: dict[int, str] = {}  # id of a layer or rows block: the name of its matrix
        self.block_of: dict[Value, tuple[str, int, int]] = {}  # a row of a matrix: (matrix, row, rows)
        self.rows_of = {v: block for block in rows for v in block.nodes}
        self.sum_of = {found.node: found for found in sums}
        self.namespace: dict[str, Any] = {}
        self.head: list[str] = []
        self.body: list[str] = []
        self.in_layers: set[Value] = set()
        self.scalar_index: dict[Value, int] = {}
        self.needs: dict[Value, bool] = {}
        self.templates: dict[str, codegen.Template] = {}
        self.forward: dict[Value, tuple[dict[str, str], list[tuple[Value, dict[str, str]]]]] = {}
        self.checked: list[str] = []
        self.layer_input: dict[int, str] = {}
        self.row_fields: dict[int, dict[str, str]] = {}
        self.in_layer = {v for layer in layers for v in layer.nodes}
        self.consumers: dict[Value, list[Value]] = {}
        self.outputs_of = {tuple(layer.outputs): layer for layer in layers}
        self.grad: dict[Value, str] = {}
        self.root_name = ""
        self.started: set[str] = set()
        self.finals: list[tuple[str, str]] = []  # (per-call gradient, accumulator)

    def text_of(self, c: float) -> str:
        """The source text of a plain-number operand (an argument read is remembered)."""
        t = self.constant(c)
        if t in self.arg_index:
            self.used_args.add(t)
        return t

    def hides(self, nodes: Sequence[Value]) -> bool:
        """True if an inf or NaN in one of ``nodes`` might not reach the loss or a gradient (an op
        after it does not pass it on: σ(inf) is 1), so the program checks it itself."""
        def passes(c: Value) -> bool:
            return c in self.in_layer or bool(c.rule and c.rule.code and c.rule.code.propagates)
        return any(v is self.order[-1] or not all(map(passes, self.consumers.get(v, ()))) for v in nodes)

    def tmpl(self, expr: str) -> codegen.Template:
        """The batch template of a row, made once."""
        if expr not in self.templates:
            self.templates[expr] = codegen.template(RULES[expr], "batch")
        return self.templates[expr]

    def add(self, target: Value, contribution: str) -> None:
        """Add a term into d(root)/d(target): a row of a matrix's gradient, or a value's own."""
        body = self.body
        if target in self.block_of:
            m, j, rows = self.block_of[target]
            if f"dL_d{m}" not in self.started:
                self.started.add(f"dL_d{m}")
                if rows == 1:  # (0.0 + the term: the same number as the row's +=)
                    body.append(f"dL_d{m} = zeros((1, n)) + {contribution}")
                    return
                body.append(f"dL_d{m} = zeros(({rows}, n))")
            body.append(f"dL_d{m}[{j}] += {contribution}")
            return
        grad = self.grad
        if target in grad:
            body.append(f"{grad[target]} = {grad[target]} + {contribution}")
        else:
            target_name = self.var[target] if self.var[target].isidentifier() else "v"
            g = grad[target] = self.namer.derived(f"d{self.root_name}", f"d{target_name}")
            body.append(f"{g} = {contribution}")

    def add_whole(self, m: str, rows: int, contribution: str, full: bool) -> None:
        """Add a term into a whole matrix's gradient (``full``: the term has its shape)."""
        body = self.body
        if f"dL_d{m}" in self.started:
            body.append(f"dL_d{m} += {contribution}")
            return
        self.started.add(f"dL_d{m}")
        if full:
            body.append(f"dL_d{m} = {contribution}{'.copy()' if contribution.isidentifier() else ''}")
        else:
            body.append(f"dL_d{m} = zeros(({rows}, n)) + {contribution}")


def write_matrix_program(order: Sequence[Value], names: dict[Value, str], arguments: tuple[str, ...],
                         wanted: set[Value], input_of_leaf: dict[Value, str],
                         constant: Callable[[float], str], layers: list[FoundLayer],
                         rows: list[FoundRows], sums: list[FoundSum], np: Any
                         ) -> tuple[str, dict[str, Any], tuple[Any, Any, list[Value]], list[FoundLayer],
                                    list[FoundRows], list[FoundSum]]:
    """The matrix program's source, its namespace (the parameter arrays), the parameters (flat
    array, its gradient, the Values) and the layers, rows and sums it kept (none when an argument
    is named like one of its matrices)."""
    layer_of: dict[Value, tuple[FoundLayer, int, str]] = {}  # node: its layer, row, z or out
    for layer in layers:
        for j, v in enumerate(layer.nodes):
            layer_of[v] = (layer, j, "z" if layer.activation_nodes else "out")
        for j, v in enumerate(layer.activation_nodes):
            layer_of[v] = (layer, j, "out")
    fixed = program_names(layers, rows)
    if (fixed | codegen.RESERVED) & set(arguments):  # an argument named like a matrix (a1, W2) or
        layers, rows, sums, layer_of = [], [], [], {}  # a name of the program's: all scalar
    d = _MatrixDraft(order, names, arguments, wanted, input_of_leaf, constant, layers, rows, sums,
                     layer_of, fixed)
    _name_matrices(d)
    parameters = _parameters(d, np)
    _forward(d)
    _backward(d)
    return _source(d), d.namespace, parameters, layers, rows, sums


def _name_matrices(d: _MatrixDraft) -> None:
    """Each layer's and rows block's matrix, and the row of it that holds each of their nodes."""
    for layer in d.layers:
        d.matrix_name[id(layer)] = _out_name(layer)
    for block in d.rows:
        d.matrix_name[id(block)] = f"r{block.number}"
    for layer in d.layers:
        for j, v in enumerate(layer.outputs):
            d.block_of[v] = (_out_name(layer), j, layer.shape[0])
        for j, v in enumerate(layer.activation_nodes and layer.nodes):
            d.var[v] = f"z{layer.number}[{j}]"
    for block in d.rows:
        for j, v in enumerate(block.nodes):
            d.block_of[v] = (f"r{block.number}", j, len(block.nodes))
    for v, (m, j, _) in d.block_of.items():
        d.var[v] = f"{m}[{j}]"


def _parameters(d: _MatrixDraft, np: Any) -> tuple[Any, Any, list[Value]]:
    """The parameters: one flat array (theta) and its gradient; W1, b1, ... and P (the parameters
    outside layers) are views into it, so an optimizer steps them all in one operation. Then the
    lines that read the scalar parameters, and the names of the inputs and constant leaves."""
    namespace, head, var, names = d.namespace, d.head, d.var, d.names
    in_layers = d.in_layers
    in_layers |= {w for layer in d.layers for row in layer.weights for w in row}
    in_layers |= {b for layer in d.layers if layer.biases_wanted for b in layer.biases}
    scalar_params = [v for v in d.order if v.is_leaf and v in d.wanted and v not in in_layers]
    flat: list[Value] = []
    shapes: list[tuple[str, tuple[int, ...], int]] = []  # (name, shape, offset)
    for layer in d.layers:
        k = layer.number
        rows, cols = layer.shape
        shapes.append((f"W{k}", (rows, cols), len(flat)))
        flat += [w for row in layer.weights for w in row]
        if layer.biases_wanted:
            shapes.append((f"b{k}", (rows, 1), len(flat)))
            flat += layer.biases
        else:
            namespace[f"leaves_b{k}"] = layer.biases
            head.append(f"b{k} = column(leaves_b{k})  # constant biases, read from their Values")
    shapes.append(("P", (len(scalar_params),), len(flat)))
    flat += scalar_params
    theta, gradient = np.zeros(len(flat)), np.zeros(len(flat))
    for name, shape, offset in shapes:
        size = math.prod(shape)
        namespace[name] = theta[offset:offset + size].reshape(shape)
        namespace[f"grad_{name}"] = gradient[offset:offset + size].reshape(shape)
    d.scalar_index.update({v: i for i, v in enumerate(scalar_params)})
    for i, v in enumerate(scalar_params):
        var[v] = d.namer.readable(names[v], "v")
        head.append(f"{var[v]} = P[{i}]  # {_comment(names[v])}")
    for v, name in d.input_of_leaf.items():  # an input made a Value (x * w): the argument itself
        var[v] = name
        d.used_args.add(name)
    constant_biases = {b for layer in d.layers if not layer.biases_wanted for b in layer.biases}
    for v in d.order:
        if v.is_leaf and v not in var and v not in constant_biases and v not in in_layers:
            var[v] = d.namer.readable(names[v], "v")
            holder = d.namer.derived("leaf", var[v])
            namespace[holder] = v
            head.append(f"{var[v]} = {holder}._data  # a constant: {_comment(names[v])}")
    return theta, gradient, flat


def _forward(d: _MatrixDraft) -> None:
    """Which gradients are needed, then the forward pass: one line block per layer, per rows block
    and per column sum, the batch replay's line for every other value."""
    for v in d.order:
        d.needs[v] = (v in d.wanted) if v.is_leaf else any(d.needs[p] for p in operands(v))
    for v in d.order:
        for p in () if v.is_leaf else operands(v):
            d.consumers.setdefault(p, []).append(v)
    done_layers: set[int] = set()
    done_rows: set[int] = set()
    for v in d.order:
        if v.is_leaf:
            continue
        if v in d.layer_of:
            layer = d.layer_of[v][0]
            if layer.number not in done_layers:
                done_layers.add(layer.number)
                _forward_layer(d, layer)
        elif v in d.rows_of:  # one op on every row of a matrix: one line
            block = d.rows_of[v]
            if block.number not in done_rows:
                done_rows.add(block.number)
                _forward_rows(d, block)
        elif v in d.sum_of:  # Σ of every row of a matrix: a column sum
            name = d.var[v] = d.namer.readable(d.names[v], "t")
            d.body.append(f"{name} = {d.matrix_name[id(d.sum_of[v].source)]}.sum(axis=0)")
            if d.hides((v,)):
                d.checked.append(name)
        else:
            _forward_scalar(d, v)


def _activation_fields(layer: FoundLayer, t: codegen.Template) -> dict[str, str]:
    """The format fields of layer k's activation template (z_k in, a_k out)."""
    k = layer.number
    fields = {"a": f"z{k}", "out": f"a{k}"}
    if layer.slope is not None:
        fields["c"] = float_literal(layer.slope)
    for temporary in t.temporaries:
        fields["t_" + temporary] = f"{temporary}{k}"
    return fields


def _forward_layer(d: _MatrixDraft, layer: FoundLayer) -> None:
    """z_k = W_k @ a_k-1 + b_k, then its activation on the whole array."""
    body, k = d.body, layer.number
    rows, cols = layer.shape
    if layer.from_data:
        idx = [d.arg_index[name] for name in layer.inputs]
        body.append(f"in{k} = {_inputs_text(idx)}  # the inputs {_comment(', '.join(layer.inputs[:3]))}"
                    f"{' ...' if cols > 3 else ''}")
        d.layer_input[k] = f"in{k}"
    else:
        below = d.outputs_of.get(tuple(layer.inputs))
        if below is not None:
            d.layer_input[k] = _out_name(below)
        else:
            parts = [d.var[p] for p in layer.inputs]
            for p in parts:
                if p in d.arg_index:
                    d.used_args.add(p)
            body.append(f"in{k} = stack(n, [{', '.join(parts)}])")
            d.layer_input[k] = f"in{k}"
    a_in = d.layer_input[k]
    act = (f", a{k} = {layer.activation}(z{k})" if layer.activation_row is not None
           else " (no activation)")
    body.append(f"# layer {k}: z{k} = W{k} @ {a_in} + b{k}{act}; W{k} is {rows}x{cols}")
    body.append(f"z{k} = W{k} @ {a_in} + b{k}")
    if layer.activation_row is not None or d.hides(layer.nodes):
        d.checked.append(f"z{k}")
    if layer.activation_row is not None:
        t = d.tmpl(layer.activation_row)
        fields = _activation_fields(layer, t)
        for temporary, expression in t.setup:  # (names kept free: see program_names)
            body.append(f"{temporary}{k} = {expression.format_map(fields)}")
        body.append(f"a{k} = {t.out.format_map(fields)}")
        if d.hides(layer.activation_nodes):
            d.checked.append(f"a{k}")


def _forward_rows(d: _MatrixDraft, block: FoundRows) -> None:
    """One op on every row of a matrix: one line on the whole array."""
    body, m = d.body, block.number
    t = d.tmpl(block.row)
    fields = {"a": d.matrix_name[id(block.source)], "out": f"r{m}"}
    if isinstance(block.constants, tuple):
        idx = [d.arg_index[name] for name in block.constants]
        body.append(f"cr{m} = {_inputs_text(idx)}  # the inputs {_comment(', '.join(block.constants[:3]))}"
                    f"{' ...' if len(idx) > 3 else ''}")
        fields["c"] = f"cr{m}"
    elif block.constants is not None:
        fields["c"] = float_literal(block.constants)
    for temporary in t.temporaries:
        fields["t_" + temporary] = f"{temporary}_r{m}"
    _domain_and_setup(body, t, fields)
    body.append(f"r{m} = {t.out.format_map(fields)}  # {RULES[block.row].name} of each row")
    if d.hides(block.nodes):
        d.checked.append(f"r{m}")
    d.row_fields[m] = fields


def _domain_and_setup(body: list[str], t: Any, fields: dict[str, str]) -> None:
    """A template's domain check (a whole batch refused at once) and its shared temporaries."""
    if t.domain is not None:
        condition = codegen.fold(t.domain.format_map(fields))
        if condition != "True":
            body.append(f"if not every({condition}): raise REFUSED")
    for temporary, expression in t.setup:
        body.append(f"{fields['t_' + temporary]} = {expression.format_map(fields)}")


def _forward_scalar(d: _MatrixDraft, v: Value) -> None:
    """A value outside the layers: the batch replay's line."""
    body = d.body
    t = d.tmpl(v.rule.expr)  # type: ignore[union-attr]
    fields, edges, reads = _fields(v, d.var, d.text_of)
    for r in reads:
        if r in d.arg_index:
            d.used_args.add(r)
    name = d.var[v] = d.namer.readable(d.names[v], "t")
    fields["out"] = name
    for temporary in t.temporaries:
        fields["t_" + temporary] = d.namer.derived(temporary, name)
    _domain_and_setup(body, t, fields)
    body.append(f"{name} = {t.out.format_map(fields)}")
    if d.hides((v,)):
        d.checked.append(name)
    d.forward[v] = (fields, edges)


def _backward(d: _MatrixDraft) -> None:
    """The backward pass: a layer's (or rows block's) backward goes where its first node's would,
    after every consumer's; each other value's edges as the batch replay writes them."""
    first_node: dict[int, Value] = {}
    for v in d.order:
        if v in d.layer_of and (d.layer_of[v][2] == "z" or not d.layer_of[v][0].activation_nodes):
            first_node.setdefault(id(d.layer_of[v][0]), v)
        elif v in d.rows_of:
            first_node.setdefault(id(d.rows_of[v]), v)
    root = d.order[-1]
    d.root_name = d.var[root]
    d.body.append("# backward")
    d.grad[root] = d.namer.derived(f"d{d.root_name}", f"d{d.root_name}")
    d.body.append(f"{d.grad[root]} = seed")
    for v in reversed(d.order):
        if v.is_leaf or not d.needs[v]:
            continue
        if v in d.layer_of:
            layer = d.layer_of[v][0]
            if v is first_node[id(layer)]:
                _backward_layer(d, layer)
        elif v in d.rows_of:
            block = d.rows_of[v]
            if v is first_node[id(block)]:
                _backward_rows(d, block)
        elif v in d.sum_of:
            found = d.sum_of[v]
            d.add_whole(d.matrix_name[id(found.source)], len(found.rows), d.grad[v], False)
        else:
            _backward_scalar(d, v)


def _backward_layer(d: _MatrixDraft, layer: FoundLayer) -> None:
    """delta_k, dL_dW_k, dL_db_k and the gradient of the layer's inputs."""
    body, k = d.body, layer.number
    a_name = "a" if layer.activation_row is not None else "z"
    upstream = f"dL_d{a_name}{k}"
    if upstream not in d.started:  # no consumer needs it (cannot happen for a needed layer)
        body.append(f"{upstream} = zeros(({layer.shape[0]}, n))")
        d.started.add(upstream)
    body.append(f"# layer {k} backward")
    if layer.activation_row is not None:
        t = d.tmpl(layer.activation_row)
        fields = _activation_fields(layer, t)
        body.append(f"delta{k} = ({t.local[0].format_map(fields)}) * {upstream}")
    else:
        body.append(f"delta{k} = {upstream}")
    a_in = d.layer_input[k]
    body.append(f"dL_dW{k} = delta{k} @ {a_in}.T")
    d.finals.append((f"dL_dW{k}", f"grad_W{k}"))
    if layer.biases_wanted:
        body.append(f"dL_db{k} = delta{k}.sum(axis=1, keepdims=True)")
        d.finals.append((f"dL_db{k}", f"grad_b{k}"))
    if not layer.from_data and any(d.needs[p] for p in layer.inputs):
        below = d.outputs_of.get(tuple(layer.inputs))
        if below is not None:
            d.add_whole(_out_name(below), below.shape[0], f"W{k}.T @ delta{k}", True)
        else:
            body.append(f"dL_din{k} = W{k}.T @ delta{k}")
            for i, p in enumerate(layer.inputs):
                if d.needs[p]:
                    d.add(p, f"dL_din{k}[{i}]")


def _backward_rows(d: _MatrixDraft, block: FoundRows) -> None:
    """The gradient through one op on every row of a matrix: one line."""
    m = block.number
    upstream = f"dL_dr{m}"
    if upstream not in d.started:
        d.body.append(f"{upstream} = zeros(({len(block.nodes)}, n))")
        d.started.add(upstream)
    local = d.tmpl(block.row).local[0].format_map(d.row_fields[m])
    contribution = upstream if local == "1.0" else f"({local}) * {upstream}"
    d.add_whole(d.matrix_name[id(block.source)], len(block.nodes), contribution, True)


def _backward_scalar(d: _MatrixDraft, v: Value) -> None:
    """Each edge of a value outside the layers, as the batch replay writes it."""
    fields, edges = d.forward[v]
    rule = v.rule
    assert rule is not None
    t = d.tmpl(rule.expr)
    g = d.grad[v]
    roles = rule.variadic and rule.roles != ("aᵢ",)
    n_w = (len(edges) - 1 if constants(v) else (len(edges) - 1) // 2) if roles else 0
    for i, (parent, extra) in enumerate(edges):
        if not d.needs[parent]:
            continue
        if roles:
            local = t.local[0 if i < n_w else 1 if i == n_w else 2].format(**fields, **extra)
        else:
            chosen = t.local[0 if len(t.local) == 1 else i]
            local = chosen.format_map({**fields, **extra})
        contribution = g if local == "1.0" else f"({local}) * {g}"
        d.add(parent, contribution)


def _source(d: _MatrixDraft) -> str:
    """The check (an inf or NaN anywhere refuses the batch), the gradients added, and the function."""
    body = d.body
    for v in d.order:
        if v.is_leaf and v in d.wanted and v in d.grad:
            i = d.scalar_index[v]
            s = d.namer.derived("sum", d.grad[v])
            body.append(f"{s} = total({d.grad[v]}, n)")
            d.finals.append((s, f"grad_P[{i}]"))
    terms = [f"addup({x})" for x in d.checked] + [f"addup({g})" if not g.startswith("sum_") else g
                                                 for g, _ in d.finals]
    body.append("check = " + " + ".join(terms or ["0.0"]))
    body.append("if check - check != 0.0: raise REFUSED")
    for g, accumulator in d.finals:
        body.append(f"{accumulator} += {g}")
    arguments_read = [f"{a} = X[{d.arg_index[a]}]" for a in d.arguments if a in d.used_args]
    accumulators = [a for _, a in d.finals if "[" not in a]
    lines = ["def forward_backward_matrix(X, seed, n):",
             "    # n samples, one column each: returns the n losses; adds the summed gradients."]
    if accumulators:
        lines.append(f"    global {', '.join(accumulators)}")
    lines += [_wrap(s, "    ") for s in [*arguments_read, *d.head, *body]]
    lines.append(f"    return spread({d.root_name}, n)")
    return "\n".join(lines) + "\n"


def _fields(node: Value, var: dict[Value, str], text_of: Callable[[float], str]
            ) -> tuple[dict[str, str], list[tuple[Value, dict[str, str]]], list[str]]:
    """The format fields of ``node``'s template, each edge's (parent, extra fields), the names read."""
    rule = node.rule
    assert rule is not None
    parents = operands(node)
    numbers = constants(node)
    if not rule.variadic:
        fields = {"a": var[parents[0]]}
        if len(parents) == 2:
            fields["b"] = var[parents[1]]
        elif numbers:
            fields["c"] = text_of(numbers[0])
        return fields, [(p, {}) for p in parents], list(fields.values())
    texts = [var[p] for p in parents]
    given = [text_of(c) for c in numbers]
    if rule.name == "cross_entropy":
        listed = "[" + ", ".join(texts) + "]"
        c = given[0]
        a_c = f"pick({c}, {listed})" if c.isidentifier() else texts[int(float(c))]
        fields = {"all": listed, "c": c if c.isidentifier() else str(int(float(c))), "a_c": a_c,
                  "classes": f"{len(texts)}.0"}
        return fields, [(p, {"a_i": texts[i], "i": str(i)}) for i, p in enumerate(parents)], [*texts, c]
    if rule.roles == ("aᵢ",):
        return {"all": "[" + ", ".join(texts + given) + "]"}, [(p, {}) for p in parents], texts
    n = len(parents) - 1 if numbers else (len(parents) - 1) // 2
    ws = texts[:n]
    xs = given if numbers else texts[n + 1:]
    fields = {"b": texts[n], "dot": " + ".join(f"{w} * {x}" for w, x in zip(ws, xs))}
    edges = [(p, {"x_i": xs[i]}) for i, p in enumerate(parents[:n])]
    edges.append((parents[n], {}))
    edges += [(p, {"w_i": ws[i]}) for i, p in enumerate(parents[n + 1:])]
    return fields, edges, [*ws, texts[n], *xs]
