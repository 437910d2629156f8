"""The replay's matrix program: each layer found in the graph (``autograd.layers_found``) as one
matrix product, the rest of the graph as the batch replay's scalar lines, for a batch of samples.

A batch is a matrix ``X`` with one column per sample and one row per input of the traced function.
Layer k computes ``zk = Wk @ ak_1 + bk`` (Wk: neurons × inputs, bk a column) and its activation on
the whole array; backward, ``deltak = act'(zk) * dL_dak``, ``dL_dWk = deltak @ ak_1.T``,
``dL_dbk = deltak.sum(axis=1)`` and ``dL_dak_1 = Wk.T @ deltak``: the layer view's equations. A
value of the graph that is not in a layer is an array of n numbers (one per sample), computed by the
line its row's ``Code`` template gives (as in ``autograd.codegen``'s batch program); where it reads a
layer's output it reads a row of the matrix (``a2[3]``).

Same numbers as the scalar replay, except where sums are added in another order (allowed to about
1e-12 relative, for sums whose terms do not cancel): Σᵢ wⱼᵢ·xᵢ in ``W @ a`` (the graph adds left to
right; BLAS in blocks), Σⱼ wⱼᵢ·δⱼ in ``W.T @ delta`` and Σ over the samples in ``delta @ a.T`` and
``delta.sum`` (the graph adds each edge's term as the backward pass meets it). For a whole-neuron row
(``σ(w·x + b)``) the engine multiplies σ'(z)·xᵢ first and then δ; the matrix program multiplies
σ'(z)·δ first and then xᵢ: one rounding apart per term.

Parameters live in the program's arrays (``Wk``, ``bk``, and ``P`` for parameters outside layers);
``load()`` reads them from the Values and ``store()`` writes them back (data and grad), so that a
training loop can keep them in arrays for a whole run (``nn.matrix_fit``).
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Sequence
from typing import Any

from . import codegen
from .layers_found import FoundLayer, find_layers, find_rows
from .rules import RULES
from .value import Value

__all__ = ["MatrixProgram", "Refused"]


class Refused(ArithmeticError):
    """The matrix program met a value it cannot vouch for (inf, NaN, an op outside its domain): the
    caller runs the scalar replay instead, which gives the numbers or says what went wrong."""


_OWN = {"X", "n", "seed", "REFUSED", "zeros", "stack", "column", "spread", "total", "every", "addup",
        "where", "exp", "log", "log1p", "sqrt", "tanh", "floor", "excess", "pick", "largest", "fsum",
        "P", "grad_P", "check", "np"}


def _comment(text: str) -> str:
    """A label fit for a comment: printable ASCII only, on one line (no user text reaches code)."""
    kept = "".join(ch for ch in text if ch in string.printable and ch not in "\r\n\t\x0b\x0c")
    return kept[:60]


class MatrixProgram:
    """The matrix program of one recorded graph (see the module docstring).

    ``program(X, seed)``: X is (inputs × n) floats, one column per sample; returns the n losses
    and adds the gradients, summed over the samples and times ``seed``, into the program's gradient
    arrays (``grads``); raises ``Refused`` (changing nothing) when it cannot vouch for a number.
    """

    def __init__(self, order: Sequence[Value], names: dict[Value, str], arguments: tuple[str, ...],
                 wanted: set[Value], input_of_leaf: dict[Value, str],
                 input_name: Callable[[object], str | None], constant: Callable[[float], str],
                 leaf_order: Sequence[Value] = ()) -> None:
        from .installation import numpy_for
        np = numpy_for("the matrix replay")
        self.layers: list[FoundLayer] = find_layers(order, wanted, input_name, leaf_order)
        self.arguments = arguments
        layer_of: dict[Value, tuple[FoundLayer, int, str]] = {}  # node: its layer, row, z or out
        for layer in self.layers:
            for j, v in enumerate(layer.nodes):
                layer_of[v] = (layer, j, "z" if layer.activation_nodes else "out")
            for j, v in enumerate(layer.activation_nodes):
                layer_of[v] = (layer, j, "out")
        def out_name(layer: FoundLayer) -> str:
            return f"a{layer.number}" if layer.activation_row is not None else f"z{layer.number}"

        self.rows, self.sums = find_rows(order, self.layers, input_name)
        fixed = set(_OWN)  # the matrix program's own names: graph names never take them
        for layer in self.layers:
            k = layer.number
            fixed |= {f"W{k}", f"b{k}", f"z{k}", f"a{k}", f"in{k}", f"delta{k}", f"dL_dW{k}",
                      f"dL_db{k}", f"dL_da{k}", f"dL_dz{k}", f"grad_W{k}", f"grad_b{k}", f"dL_din{k}",
                      f"leaves_b{k}"}
            if layer.activation_row is not None:
                fixed |= {f"{temporary}{k}" for temporary in codegen.template(
                    RULES[layer.activation_row], "batch").temporaries}
        for block in self.rows:
            m = block.number
            fixed |= {f"r{m}", f"dL_dr{m}", f"cr{m}"}
            fixed |= {f"{temporary}_r{m}" for temporary in codegen.template(
                RULES[block.row], "batch").temporaries}
        if (fixed | codegen.RESERVED) & set(arguments):  # an argument named like a matrix (a1, W2) or
            self.layers, self.rows, self.sums = [], [], []  # a name of the program's: all scalar
        namer = codegen.Namer()  # every other name is made here (a label is never run as code)
        namer.taken |= set(arguments) | fixed
        var: dict[Value, str] = {}
        arg_index = {name: i for i, name in enumerate(arguments)}
        used_args: set[str] = set()

        matrix_name: dict[int, str] = {}  # id of a layer or rows block: the name of its matrix
        for layer in self.layers:
            matrix_name[id(layer)] = out_name(layer)
        for block in self.rows:
            matrix_name[id(block)] = f"r{block.number}"
        block_of: dict[Value, tuple[str, int, int]] = {}  # a row of a matrix: (matrix, row, rows)
        for layer in self.layers:
            for j, v in enumerate(layer.outputs):
                block_of[v] = (out_name(layer), j, layer.shape[0])
            for j, v in enumerate(layer.activation_nodes and layer.nodes):
                var[v] = f"z{layer.number}[{j}]"
        for block in self.rows:
            for j, v in enumerate(block.nodes):
                block_of[v] = (f"r{block.number}", j, len(block.nodes))
        for v, (m, j, _) in block_of.items():
            var[v] = f"{m}[{j}]"
        rows_of = {v: block for block in self.rows for v in block.nodes}
        sum_of = {found.node: found for found in self.sums}

        def text_of(c: float) -> str:
            t = constant(c)
            if t in arg_index:
                used_args.add(t)
            return t

        # --- the parameters: one flat array (theta) and its gradient; W1, b1, ... and P (the parameters
        # outside layers) are views into it, so an optimizer steps them all in one operation ---------
        namespace: dict[str, Any] = {}
        in_layers = {w for layer in self.layers for row in layer.weights for w in row}
        in_layers |= {b for layer in self.layers if layer.biases_wanted for b in layer.biases}
        scalar_params = [v for v in order if v.is_leaf and v in wanted and v not in in_layers]
        head: list[str] = []
        flat: list[Value] = []
        shapes: list[tuple[str, tuple[int, ...], int]] = []  # (name, shape, offset)
        for layer in self.layers:
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
        self.params: list[Any] = [theta]
        """The parameters' numbers, one flat array (W1 row by row, b1, W2, ..., then P)."""
        self.grads: list[Any] = [gradient]
        """Their gradients, in the same order."""
        self.leaves: list[list[Value]] = [flat]
        """The parameter Values, in the same order."""
        scalar_index = {v: i for i, v in enumerate(scalar_params)}
        for i, v in enumerate(scalar_params):
            var[v] = namer.readable(names[v], "v")
            head.append(f"{var[v]} = P[{i}]  # {_comment(names[v])}")
        for v, name in input_of_leaf.items():  # an input made a Value (x * w): the argument itself
            var[v] = name
            used_args.add(name)
        constant_biases = {b for layer in self.layers if not layer.biases_wanted for b in layer.biases}
        for v in order:
            if v.is_leaf and v not in var and v not in constant_biases and v not in in_layers:
                var[v] = namer.readable(names[v], "v")
                holder = namer.derived("leaf", var[v])
                namespace[holder] = v
                head.append(f"{var[v]} = {holder}._data  # a constant: {_comment(names[v])}")

        # --- which gradients are needed ------------------------------------------------------------
        needs: dict[Value, bool] = {}
        for v in order:
            needs[v] = (v in wanted) if v.is_leaf else any(needs[p] for p in v.parents)

        body: list[str] = []
        done_layers: set[int] = set()
        templates: dict[str, codegen.Template] = {}
        forward: dict[Value, tuple[dict[str, str], list[tuple[Value, dict[str, str]]]]] = {}
        checked: list[str] = []
        layer_input: dict[int, str] = {}
        done_rows: set[int] = set()
        row_fields: dict[int, dict[str, str]] = {}

        in_layer = {v for layer in self.layers for v in layer.nodes}
        consumers: dict[Value, list[Value]] = {}
        for v in order:
            for p in () if v.is_leaf else v.parents:
                consumers.setdefault(p, []).append(v)

        def hides(nodes: Sequence[Value]) -> bool:
            """True if an inf or NaN in one of ``nodes`` might not reach the loss or a gradient (an op
            after it does not pass it on: σ(inf) is 1), so the program checks it itself."""
            def passes(c: Value) -> bool:
                return c in in_layer or bool(c.rule and c.rule.code and c.rule.code.propagates)
            return any(v is order[-1] or not all(map(passes, consumers.get(v, ()))) for v in nodes)

        def tmpl(expr: str) -> codegen.Template:
            if expr not in templates:
                templates[expr] = codegen.template(RULES[expr], "batch")
            return templates[expr]

        outputs_of = {tuple(layer.outputs): layer for layer in self.layers}
        for v in order:
            if v.is_leaf:
                continue
            if v in layer_of:
                layer = layer_of[v][0]
                k = layer.number
                if k in done_layers:
                    continue
                done_layers.add(k)
                rows, cols = layer.shape
                if layer.from_data:
                    idx = [arg_index[name] for name in layer.inputs]
                    x_text = (f"X[{idx[0]}:{idx[-1] + 1}]" if idx == list(range(idx[0], idx[-1] + 1))
                              else f"X[{idx!r}]")
                    body.append(f"in{k} = {x_text}  # the inputs {_comment(', '.join(layer.inputs[:3]))}"
                                f"{' ...' if cols > 3 else ''}")
                    layer_input[k] = f"in{k}"
                else:
                    below = outputs_of.get(tuple(layer.inputs))
                    if below is not None:
                        layer_input[k] = out_name(below)
                    else:
                        parts = [var[p] for p in layer.inputs]
                        for p in parts:
                            if p in arg_index:
                                used_args.add(p)
                        body.append(f"in{k} = stack(n, [{', '.join(parts)}])")
                        layer_input[k] = f"in{k}"
                a_in = layer_input[k]
                act = (f", a{k} = {layer.activation}(z{k})" if layer.activation_row is not None
                       else " (no activation)")
                body.append(f"# layer {k}: z{k} = W{k} @ {a_in} + b{k}{act}; W{k} is {rows}x{cols}")
                body.append(f"z{k} = W{k} @ {a_in} + b{k}")
                if layer.activation_row is not None or hides(layer.nodes):
                    checked.append(f"z{k}")
                if layer.activation_row is not None:
                    t = tmpl(layer.activation_row)
                    fields = {"a": f"z{k}", "out": f"a{k}"}
                    if layer.slope is not None:
                        fields["c"] = codegen._literal(layer.slope)
                    for temporary in t.temporaries:
                        fields["t_" + temporary] = f"{temporary}{k}"
                    for temporary, expression in t.setup:  # (names kept free: see fixed)
                        body.append(f"{temporary}{k} = {expression.format_map(fields)}")
                    body.append(f"a{k} = {t.out.format_map(fields)}")
                    if hides(layer.activation_nodes):
                        checked.append(f"a{k}")
                continue
            if v in rows_of:  # one op on every row of a matrix: one line
                block = rows_of[v]
                m = block.number
                if m in done_rows:
                    continue
                done_rows.add(m)
                t = tmpl(block.row)
                fields = {"a": matrix_name[id(block.source)], "out": f"r{m}"}
                if isinstance(block.constants, tuple):
                    idx = [arg_index[name] for name in block.constants]
                    x_text = (f"X[{idx[0]}:{idx[-1] + 1}]" if idx == list(range(idx[0], idx[-1] + 1))
                              else f"X[{idx!r}]")
                    body.append(f"cr{m} = {x_text}  # the inputs {_comment(', '.join(block.constants[:3]))}"
                                f"{' ...' if len(idx) > 3 else ''}")
                    fields["c"] = f"cr{m}"
                elif block.constants is not None:
                    fields["c"] = codegen._literal(block.constants)
                for temporary in t.temporaries:
                    fields["t_" + temporary] = f"{temporary}_r{m}"
                if t.domain is not None:
                    condition = codegen.fold(t.domain.format_map(fields))
                    if condition != "True":
                        body.append(f"if not every({condition}): raise REFUSED")
                for temporary, expression in t.setup:
                    body.append(f"{fields['t_' + temporary]} = {expression.format_map(fields)}")
                body.append(f"r{m} = {t.out.format_map(fields)}  # {RULES[block.row].name} of each row")
                if hides(block.nodes):
                    checked.append(f"r{m}")
                row_fields[m] = fields
                continue
            if v in sum_of:  # Σ of every row of a matrix: a column sum
                name = var[v] = namer.readable(names[v], "t")
                body.append(f"{name} = {matrix_name[id(sum_of[v].source)]}.sum(axis=0)")
                if hides((v,)):
                    checked.append(name)
                continue
            # --- a value outside the layers: the batch replay's line -----------------------------
            t = tmpl(v.rule.expr)
            fields, edges, reads = _fields(v, var, text_of)
            for r in reads:
                if r in arg_index:
                    used_args.add(r)
            name = var[v] = namer.readable(names[v], "t")
            fields["out"] = name
            for temporary in t.temporaries:
                fields["t_" + temporary] = namer.derived(temporary, name)
            if t.domain is not None:
                condition = codegen.fold(t.domain.format_map(fields))
                if condition != "True":
                    body.append(f"if not every({condition}): raise REFUSED")
            for temporary, expression in t.setup:
                body.append(f"{fields['t_' + temporary]} = {expression.format_map(fields)}")
            body.append(f"{name} = {t.out.format_map(fields)}")
            if hides((v,)):
                checked.append(name)
            forward[v] = (fields, edges)

        # --- backward ------------------------------------------------------------------------------
        first_node: dict[int, Value] = {}  # a layer's (or rows block's) backward goes where its
        for v in order:                     # first node's would: after every consumer's
            if v in layer_of and (layer_of[v][2] == "z" or not layer_of[v][0].activation_nodes):
                first_node.setdefault(id(layer_of[v][0]), v)
            elif v in rows_of:
                first_node.setdefault(id(rows_of[v]), v)
        root = order[-1]
        root_name = var[root]
        grad: dict[Value, str] = {}
        started: set[str] = set()

        def add(target: Value, contribution: str) -> None:
            """Add a term into d(root)/d(target): a row of a matrix's gradient, or a value's own."""
            if target in block_of:
                m, j, rows = block_of[target]
                if f"dL_d{m}" not in started:
                    started.add(f"dL_d{m}")
                    if rows == 1:  # (0.0 + the term: the same number as the row's +=)
                        body.append(f"dL_d{m} = zeros((1, n)) + {contribution}")
                        return
                    body.append(f"dL_d{m} = zeros(({rows}, n))")
                body.append(f"dL_d{m}[{j}] += {contribution}")
                return
            if target in grad:
                body.append(f"{grad[target]} = {grad[target]} + {contribution}")
            else:
                target_name = var[target] if var[target].isidentifier() else "v"
                g = grad[target] = namer.derived(f"d{root_name}", f"d{target_name}")
                body.append(f"{g} = {contribution}")

        def add_whole(m: str, rows: int, contribution: str, full: bool) -> None:
            """Add a term into a whole matrix's gradient (``full``: the term has its shape)."""
            if f"dL_d{m}" in started:
                body.append(f"dL_d{m} += {contribution}")
                return
            started.add(f"dL_d{m}")
            if full:
                body.append(f"dL_d{m} = {contribution}{'.copy()' if contribution.isidentifier() else ''}")
            else:
                body.append(f"dL_d{m} = zeros(({rows}, n)) + {contribution}")

        body.append("# backward")
        grad[root] = namer.derived(f"d{root_name}", f"d{root_name}")
        body.append(f"{grad[root]} = seed")
        finals: list[tuple[str, str]] = []  # (per-call gradient, accumulator)
        for v in reversed(order):
            if v.is_leaf or not needs[v]:
                continue
            if v in layer_of:
                layer = layer_of[v][0]
                k = layer.number
                if v is not first_node[id(layer)]:
                    continue
                a_name = "a" if layer.activation_row is not None else "z"
                upstream = f"dL_d{a_name}{k}"
                if upstream not in started:  # no consumer needs it (cannot happen for a needed layer)
                    body.append(f"{upstream} = zeros(({layer.shape[0]}, n))")
                    started.add(upstream)
                body.append(f"# layer {k} backward")
                if layer.activation_row is not None:
                    t = tmpl(layer.activation_row)
                    fields = {"a": f"z{k}", "out": f"a{k}"}
                    if layer.slope is not None:
                        fields["c"] = codegen._literal(layer.slope)
                    for temporary in t.temporaries:
                        fields["t_" + temporary] = f"{temporary}{k}"
                    body.append(f"delta{k} = ({t.local[0].format_map(fields)}) * {upstream}")
                else:
                    body.append(f"delta{k} = {upstream}")
                a_in = layer_input[k]
                body.append(f"dL_dW{k} = delta{k} @ {a_in}.T")
                finals.append((f"dL_dW{k}", f"grad_W{k}"))
                if layer.biases_wanted:
                    body.append(f"dL_db{k} = delta{k}.sum(axis=1, keepdims=True)")
                    finals.append((f"dL_db{k}", f"grad_b{k}"))
                if not layer.from_data and any(needs[p] for p in layer.inputs):
                    below = outputs_of.get(tuple(layer.inputs))
                    if below is not None:
                        add_whole(out_name(below), below.shape[0], f"W{k}.T @ delta{k}", True)
                    else:
                        body.append(f"dL_din{k} = W{k}.T @ delta{k}")
                        for i, p in enumerate(layer.inputs):
                            if needs[p]:
                                add(p, f"dL_din{k}[{i}]")
                continue
            if v in rows_of:
                block = rows_of[v]
                if v is not first_node[id(block)]:
                    continue
                m = block.number
                upstream = f"dL_dr{m}"
                if upstream not in started:
                    body.append(f"{upstream} = zeros(({len(block.nodes)}, n))")
                    started.add(upstream)
                local = tmpl(block.row).local[0].format_map(row_fields[m])
                contribution = upstream if local == "1.0" else f"({local}) * {upstream}"
                source = block.source
                add_whole(matrix_name[id(source)], len(block.nodes), contribution, True)
                continue
            if v in sum_of:
                found = sum_of[v]
                add_whole(matrix_name[id(found.source)], len(found.rows), grad[v], False)
                continue
            fields, edges = forward[v]
            t = tmpl(v.rule.expr)
            g = grad[v]
            roles = v.rule.variadic and v.rule.roles != ("aᵢ",)
            n_w = (len(edges) - 1 if v.const is not None else (len(edges) - 1) // 2) if roles else 0
            for i, (parent, extra) in enumerate(edges):
                if not needs[parent]:
                    continue
                if roles:
                    local = t.local[0 if i < n_w else 1 if i == n_w else 2].format(**fields, **extra)
                else:
                    chosen = t.local[0 if len(t.local) == 1 else i]
                    local = chosen.format_map({**fields, **extra})
                contribution = g if local == "1.0" else f"({local}) * {g}"
                add(parent, contribution)

        # --- the check, then the grads ------------------------------------------------------------
        for v in order:
            if v.is_leaf and v in wanted and v in grad:
                i = scalar_index[v]
                s = namer.derived("sum", grad[v])
                body.append(f"{s} = total({grad[v]}, n)")
                finals.append((s, f"grad_P[{i}]"))
        terms = [f"addup({x})" for x in checked] + [f"addup({g})" if not g.startswith("sum_") else g
                                                   for g, _ in finals]
        body.append("check = " + " + ".join(terms or ["0.0"]))
        body.append("if check - check != 0.0: raise REFUSED")
        for g, accumulator in finals:
            body.append(f"{accumulator} += {g}")
        arguments_read = [f"{a} = X[{arg_index[a]}]" for a in arguments if a in used_args]
        accumulators = [a for _, a in finals if "[" not in a]
        lines = ["def forward_backward_matrix(X, seed, n):",
                 "    # n samples, one column each: returns the n losses; adds the summed gradients."]
        if accumulators:
            lines.append(f"    global {', '.join(accumulators)}")
        lines += [codegen._wrap(s, "    ") for s in [*arguments_read, *head, *body]]
        lines.append(f"    return spread({root_name}, n)")
        self.source = "\n".join(lines) + "\n"
        namespace.update(_functions(np), REFUSED=Refused)
        self.namespace = namespace
        code = compile(self.source, "<replay matrix>", "exec")
        exec(code, namespace)
        self.function: Callable[..., Any] = namespace["forward_backward_matrix"]
        """The compiled program: ``function(X, seed, n)``, under ``numpy.errstate(all="ignore")``."""
        self._np = np

    def __call__(self, X: Any, seed: float = 1.0) -> Any:
        """The n losses of the n columns of ``X``; the gradients (times ``seed``) added into ``grads``."""
        np = self._np
        with np.errstate(all="ignore"):
            try:
                return self.function(X, seed, X.shape[1])
            except (ArithmeticError, ValueError, TypeError) as error:
                if isinstance(error, Refused):
                    raise
                raise Refused(str(error)) from None

    def __getitem__(self, name: str) -> Any:
        """A matrix of the program by its name: ``program["W1"]``, ``program["grad_W1"]``, ``"P"``."""
        if not (name in self.namespace and type(self.namespace[name]) is type(self.params[0])):
            raise KeyError(f"the matrix program has no array {name!r}")
        return self.namespace[name]

    def load(self) -> None:
        """Read the parameters' numbers and grads from their Values into the arrays."""
        for array, grad, leaves in zip(self.params, self.grads, self.leaves):
            array.reshape(-1)[:] = [v._data for v in leaves]
            grad.reshape(-1)[:] = [v._grad for v in leaves]

    def store(self) -> None:
        """Write the arrays' numbers and grads back into the parameters' Values (what they show)."""
        for array, grad, leaves in zip(self.params, self.grads, self.leaves):
            for v, x, g in zip(leaves, array.reshape(-1).tolist(), grad.reshape(-1).tolist()):
                v._data = x  # the slots: these are the Values' own numbers, already checked
                v._grad = g

    def zero_grad(self) -> None:
        """Set every gradient array to 0."""
        for grad in self.grads:
            grad.fill(0.0)


def _functions(np: Any) -> dict[str, Any]:
    """The names the matrix program calls."""
    from .trace import _batch_functions, _total

    def stack(n: int, rows: Sequence[Any]) -> Any:
        out = np.empty((len(rows), n))
        for i, row in enumerate(rows):
            out[i] = row
        return out

    def column(values: Sequence[Value]) -> Any:
        return np.array([v._data for v in values]).reshape(-1, 1)

    def array_fsum(values: Sequence[Any]) -> Any:
        result = values[0] + 0.0
        for x in values[1:]:
            result = result + x
        return result

    ndarray = np.ndarray

    def spread(value: Any, n: int) -> Any:
        """The n losses as an array (a loss that is the same for every sample: n times)."""
        return value if type(value) is ndarray and value.shape == (n,) else np.full(n, value, dtype=float)

    reduce = np.add.reduce

    def addup(x: Any) -> Any:
        """Σ of every entry (for the check: inf or NaN anywhere makes it inf or NaN)."""
        return reduce(x, axis=None)

    return {**_batch_functions(), "fsum": array_fsum, "spread": spread, "total": _total,
            "zeros": np.zeros, "stack": stack, "column": column, "addup": addup}


def _fields(node: Value, var: dict[Value, str], text_of: Callable[[float], str]
            ) -> tuple[dict[str, str], list[tuple[Value, dict[str, str]]], list[str]]:
    """The format fields of ``node``'s template, each edge's (parent, extra fields), the names read."""
    rule = node.rule
    assert rule is not None
    parents = node.parents
    const = node.const
    if not rule.variadic:
        fields = {"a": var[parents[0]]}
        if len(parents) == 2:
            fields["b"] = var[parents[1]]
        elif const is not None:
            fields["c"] = text_of(const)  # type: ignore[arg-type]
        return fields, [(p, {}) for p in parents], list(fields.values())
    texts = [var[p] for p in parents]
    constants = [text_of(c) for c in (const or ())]  # type: ignore[union-attr]
    if rule.name == "cross_entropy":
        listed = "[" + ", ".join(texts) + "]"
        c = constants[0]
        a_c = f"pick({c}, {listed})" if c.isidentifier() else texts[int(float(c))]
        fields = {"all": listed, "c": c if c.isidentifier() else str(int(float(c))), "a_c": a_c,
                  "classes": f"{len(texts)}.0"}
        return fields, [(p, {"a_i": texts[i], "i": str(i)}) for i, p in enumerate(parents)], [*texts, c]
    if rule.roles == ("aᵢ",):
        return {"all": "[" + ", ".join(texts + constants) + "]"}, [(p, {}) for p in parents], texts
    n = len(parents) - 1 if const is not None else (len(parents) - 1) // 2
    ws = texts[:n]
    xs = constants if const is not None else texts[n + 1:]
    fields = {"b": texts[n], "dot": " + ".join(f"{w} * {x}" for w, x in zip(ws, xs))}
    edges = [(p, {"x_i": xs[i]}) for i, p in enumerate(parents[:n])]
    edges.append((parents[n], {}))
    edges += [(p, {"w_i": ws[i]}) for i, p in enumerate(parents[n + 1:])]
    return fields, edges, [*ws, texts[n], *xs]
