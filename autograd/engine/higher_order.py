"""Higher-order gradients: the gradient as a graph of Values, which can be differentiated again.

``grad(output, inputs)`` returns d(output)/d(input) for each input without touching ``.grad``.
With ``create_graph=True`` each gradient is built from ordinary ops: every edge's local
derivative comes from its row's ``derivatives`` (``RULES["σ(a)"]``: ``out·(1 − out)``), times
the upstream gradient, summed over the paths, so that ``grad`` of it gives the second derivative,
and so on to any order. Without it the gradients are constants (leaf Values holding the same
floats ``backward()`` computes).

>>> from autograd import Value
>>> x = Value(2.0, "x")
>>> y = x ** 4 - 2 * x ** 2
>>> dy, = grad(y, [x], create_graph=True)      # 4x³ − 4x
>>> d2y, = grad(dy, [x])                        # 12x² − 4
>>> dy.data, d2y.data
(24.0, 44.0)

Choices (compared with PyTorch's ``torch.autograd.grad``):

- **Unused inputs give 0.** An input the output does not depend on gets a constant ``Value(0.0)``
  (PyTorch raises unless ``allow_unused=True`` and then gives None): every answer is a Value, so
  code that loops over derivatives never branches. The same holds for an input that is reached only
  through edges whose local derivative is the constant 0 (relu left of its kink).
- **Kinks.** relu, leaky_relu and |a| have piecewise-constant derivatives (relu'(0) = 0,
  leaky_relu'(0) = c, |a|'(0) = 0, as in PyTorch): their second derivative is 0 everywhere.
- **retain_graph** is accepted for PyTorch's sake and changes nothing: chainrule never frees a
  graph, so a graph can always be walked again.
- **backward(create_graph=True)** is not supported: a gradient Value on every node would need a
  tenth slot on every Value (8 more bytes on each of them, above the memory target of 130 bytes per
  node), for what ``grad()`` already gives. ``Value.backward(create_graph=True)`` says so.

The walk is a loop over ``topological_order`` in reverse, as ``backward`` is: a chain of 1e5 ops
has its second derivative at Python's default recursion limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .backward import topological_order
from .errors import gradient_overflow, node_name
from .fused import total
from .grad_mode import enable_grad
from .value import Value, _leaf, as_float

__all__ = ["derivative_name", "grad", "hessian", "hvp", "local_name"]

Scalar = Value | float


def _checked_inputs(where: str, inputs: object) -> list[Value]:
    """``inputs`` as a list of Values (one Value counts as a list of one), or a clear error."""
    if isinstance(inputs, Value):
        return [inputs]
    if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__"):
        raise TypeError(f"{where}: inputs must be a Value or a list of Values, got "
                        f"{type(inputs).__name__} {inputs!r}")
    items = list(inputs)  # type: ignore[call-overload]
    if not items:
        raise ValueError(f"{where}: inputs is empty; pass the Values to differentiate with respect to")
    for i, v in enumerate(items):
        if not isinstance(v, Value):
            raise TypeError(f"{where}: inputs[{i}] is {type(v).__name__} {v!r}, not a Value")
    return items


def _checked_output(where: str, output: object) -> Value:
    """``output`` if it is one Value; a clear error for a list of them or anything else."""
    if isinstance(output, Value):
        return output
    if isinstance(output, (list, tuple)):
        raise TypeError(f"{where}: output must be one Value (a scalar), got a {type(output).__name__} "
                        f"of {len(output)}; differentiate one of them, or their sum (autograd.total)")
    raise TypeError(f"{where}: output must be a Value, got {type(output).__name__} {output!r}")


def _operands(node: Value) -> tuple[object, ...]:
    """The operands ``node``'s rule computed it from (Values, then plain-number constants)."""
    a, b = node._a, node._b
    if type(a) is Value:
        return (a,) if b is None else (a, b)
    return (*a, *(b or ()))  # type: ignore[misc]


def _times(local: Scalar, upstream: Scalar) -> Scalar | None:
    """local × upstream, skipping exact 1s and 0s of plain numbers (no node for x·1); None for 0."""
    if type(local) is float:
        if local == 0.0:
            return None
        if local == 1.0:
            return upstream
        if local == -1.0:
            return -upstream
    if type(upstream) is float and upstream == 1.0:
        return local
    if type(upstream) is float and upstream == -1.0:
        return -local
    return local * upstream


_ORDER_K = re.compile(r"d(\d*)(\w[\w\[\].]*)/d(\w[\w\[\].]*?)(\d*)")


def derivative_name(of: str, by: str) -> str:
    """The name of d(of)/d(by): ``dy/dx``, then ``d2y/dx2``, ``d3y/dx3``; ``d(dy/dx)/dz`` when mixed.

    An unlabelled output is called ``L`` (as the stepper calls an unlabelled root), an unlabelled
    input ``x``.

    >>> derivative_name("y", "x"), derivative_name("dy/dx", "x"), derivative_name("d2y/dx2", "x")
    ('dy/dx', 'd2y/dx2', 'd3y/dx3')
    >>> derivative_name("dy/dx", "w"), derivative_name("", "")
    ('d(dy/dx)/dw', 'dL/dx')
    """
    of, by = of or "L", by or "x"
    m = _ORDER_K.fullmatch(of)
    if m is not None and m.group(3) == by and m.group(1) == m.group(4):
        k = int(m.group(1) or 1) + 1
        return f"d{k}{m.group(2)}/d{by}{k}"
    return f"d{of}/d{by}" if re.fullmatch(r"[\w\[\].]+", of) else f"d({of})/d{by}"


def local_name(node: Value, edge: int, n_edges: int) -> str:
    """The name of the node that computes ``node``'s local derivative on ``edge``, from its rule.

    A function's reads as a hand calculation writes it, in its operand's label: ``sigma'(z)``,
    ``tanh'(a)``; any other op's is the left side of its row's formula in Python: ``d(a/b)/db``.

    >>> from autograd import Value
    >>> z = Value(0.5, "z")
    >>> local_name(z.sigmoid(), 0, 1), local_name(z / Value(2.0), 1, 2), local_name(z ** 3, 0, 1)
    ("sigma'(z)", 'd(a/b)/db', 'd(a**c)/da')
    """
    from ..text import python_maths  # printing lives in autograd/text.py; the engine does not load it

    rule = node._rule
    assert rule is not None
    if rule.function:
        return rule.slope_text(node._a.label or "a")  # type: ignore[union-attr]
    text = python_maths(rule.edge_text(edge, n_edges, type(node._b) is tuple)).split(" = ")[0]
    return text.replace(" / ", "/").replace(" ** ", "**")


def grad(output: Value, inputs: Value | Sequence[Value], *, create_graph: bool = False,
         retain_graph: bool | None = None) -> list[Value]:
    """d(output)/d(input) for each of ``inputs``, as Values; ``.grad`` is left alone.

    With ``create_graph=True`` the results are made of ordinary ops (each a node of the graph,
    recorded even inside ``no_grad()``), so ``grad`` can be applied to them again. Otherwise they
    are constants: new leaves holding the numbers ``backward()`` would give. An input the output
    does not depend on gets ``Value(0.0)``. ``retain_graph`` changes nothing (graphs are never freed).

    >>> from autograd import Value
    >>> x = Value(0.5, "x"); y = x.tanh()
    >>> d1, = grad(y, [x], create_graph=True)            # 1 − tanh²
    >>> d2, = grad(d1, x, create_graph=True)             # −2 tanh (1 − tanh²)
    >>> round(d1.data, 12), round(d2.data, 12), d1.is_leaf
    (0.786447732966, -0.726861981384, False)
    >>> grad(y, [])
    Traceback (most recent call last):
    ...
    ValueError: grad: inputs is empty; pass the Values to differentiate with respect to
    """
    output = _checked_output("grad", output)
    wanted = _checked_inputs("grad", inputs)
    order = topological_order(output)
    if not create_graph:
        return [_leaf(g) for g in _float_gradients(output, order, wanted)]
    in_graph = set(order)
    with enable_grad():
        grads = _value_gradients(output, order, in_graph)
    results: list[Value] = []
    for v in wanted:
        g = grads.get(v, 0.0)
        if type(g) is float:
            g = _leaf(g)
        elif g not in in_graph:  # a new node: name it for pictures and steps
            g.label = derivative_name(output.label, v.label)
        results.append(g)
    return results


def _float_gradients(output: Value, order: list[Value], wanted: list[Value]) -> list[float]:
    """The gradients as ``backward`` computes them (same order of additions), in a private dict.

    A walk of its own, not ``backward``'s: ``grad`` must leave every ``.grad`` as it was, while
    ``backward``'s walk writes the slots directly for speed (the hot path)."""
    grads: dict[Value, float] = {output: 1.0}
    for node in reversed(order):
        g = grads.get(node)
        if g is None:
            continue
        if g - g != 0.0:  # inf or NaN: stop at the first node it shows up in, as backward does
            raise gradient_overflow("grad", node_name(node), node.data, g, output.data)
        a = node._a
        if type(a) is Value:
            grads[a] = grads.get(a, 0.0) + node._da * g  # type: ignore[operator]
            b = node._b
            if type(b) is Value:
                grads[b] = grads.get(b, 0.0) + node._db * g  # type: ignore[operator]
        elif a is not None:
            for parent, local in zip(a, node._da):  # type: ignore[arg-type]
                grads[parent] = grads.get(parent, 0.0) + local * g
    return [grads.get(v, 0.0) for v in wanted]


def _value_gradients(output: Value, order: list[Value], in_graph: set[Value]) -> dict[Value, Scalar]:
    """d(output)/d(node) for every node reached, as Values built from the rows' ``derivatives``."""
    grads: dict[Value, Scalar] = {output: 1.0}
    for node in reversed(order):
        g = grads.get(node)
        rule = node._rule
        if g is None or rule is None:
            continue
        if rule.derivatives is None:
            raise NotImplementedError(
                f"grad(create_graph=True): the op {rule.name!r} ({rule.expr}) has no derivatives "
                f"written as Values in its row of RULES, so its gradient cannot be differentiated")
        locals_ = rule.derivatives(*_operands(node), node)
        for k, (parent, _) in enumerate(node.edges):
            local = locals_[k]
            if type(local) is Value and local not in in_graph and not local.label:  # a new node
                local.label = local_name(node, k, len(locals_))
            contribution = _times(local, g)
            if contribution is None:
                continue
            have = grads.get(parent)
            grads[parent] = contribution if have is None else have + contribution
    return grads


def hessian(f: Callable[..., Value], inputs: Sequence[Value]) -> list[list[float]]:
    """The matrix of second derivatives d²f/(dxᵢ dxⱼ) of ``f(*inputs)`` at the inputs' values.

    ``f`` is called once with the inputs; row i is ``grad`` of the i-th first derivative.

    >>> from autograd import Value
    >>> x, y = Value(1.0), Value(2.0)
    >>> hessian(lambda x, y: x * x * y + y ** 3, [x, y])    # [[2y, 2x], [2x, 6y]]
    [[4.0, 2.0], [2.0, 12.0]]
    """
    xs = _checked_inputs("hessian", inputs)
    out = _checked_output("hessian: f(*inputs)", f(*xs))
    first = grad(out, xs, create_graph=True)
    return [[g.data for g in grad(d, xs)] for d in first]


def hvp(f: Callable[..., Value], inputs: Sequence[Value], vector: Sequence[float]) -> list[float]:
    """The Hessian of ``f(*inputs)`` times ``vector``, without the Hessian: grad of (∇f · v).

    >>> from autograd import Value
    >>> x, y = Value(1.0), Value(2.0)
    >>> hvp(lambda x, y: x * x * y + y ** 3, [x, y], [1.0, 0.0])    # the first column
    [4.0, 2.0]
    """
    xs = _checked_inputs("hvp", inputs)
    v = [as_float(c, f"hvp: vector[{i}]") for i, c in enumerate(vector)]
    if len(v) != len(xs):
        raise ValueError(f"hvp: {len(xs)} inputs but a vector of {len(v)} numbers")
    out = _checked_output("hvp: f(*inputs)", f(*xs))
    first = grad(out, xs, create_graph=True)
    with enable_grad():
        terms = [g * c for g, c in zip(first, v) if c != 0.0]
    if not terms:
        return [0.0] * len(xs)
    return [g.data for g in grad(total(terms), xs)]
