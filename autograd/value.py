"""``Value``: one number in a computation graph, with its gradient and its parent edges.

Each op computes its output *and* the local derivative d(out)/d(parent) for every
parent right away, from the row of ``RULES`` that describes it, and stores both on
the new node. ``backward()`` then only multiplies and adds along recorded edges.

>>> a, b = Value(2.0, "a"), Value(-3.0, "b")
>>> c = a * b + a
>>> c.backward()
>>> a.grad, b.grad            # dc/da = b + 1, dc/db = a
(-2.0, 2.0)
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from typing import Any, Union

from . import grad_mode
from .errors import not_finite_error, op_error
from .rules import RULES, Rule

Number = int | float
Operand = Union["Value", int, float]

_new = object.__new__

# --- how an op becomes a node ------------------------------------------------------------------
# Each factory turns rows of RULES into a method. The method is the engine's hot path: it checks
# the operands against the rule's domain, runs the rule's forward (the output and its local
# derivatives), rejects inf/NaN (x - x is 0.0 exactly when x is finite), and fills the slots of
# one new node. They fill the slots inline rather than calling ``_node`` (below, the same thing as
# a function), because each extra Python call here costs about a tenth of an op.


def _unary_op(expr: str, doc: str | None = None) -> Callable[[Value], Value]:
    """The method computing ``RULES[expr]`` (an op of one Value, e.g. ``'exp(a)'``) on self."""
    rule = RULES[expr]
    forward, check = rule.forward, rule.check

    def method(a: Value) -> Value:
        x = a.data
        if check is not None and (why := check(x)) is not None:
            raise op_error(rule, (x,), why)
        try:
            out, d = forward(x)
            if out - out + d - d != 0.0:
                raise ArithmeticError
        except ArithmeticError:
            raise _explain(rule, (x,)) from None
        if not grad_mode.recording:
            return _leaf(out)
        node = _new(Value)
        node.data = out
        node.grad = 0.0
        node.label = ""
        node._rule = rule
        node._a = a
        node._da = d
        node._b = None
        node._db = None
        node._mark = None
        return node

    method.__name__ = method.__qualname__ = rule.name
    method.__doc__ = doc or f"``{expr}``, with d/da = {rule.formulas[0]}."
    return method


def _number_op(expr: str, values_expr: str | None = None) -> Callable[[Value, Operand], Value]:
    """The method computing ``RULES[expr]`` of self and a plain number c (``'a·c'``, ``'c − a'``).

    With ``values_expr`` (``'a·b'``), the method also takes a Value b and then uses that rule:
    this is how ``__mul__`` serves both ``x * 3`` and ``x * y``.
    """
    rule = RULES[expr]
    forward, check = rule.forward, rule.check
    values_rule = None if values_expr is None else RULES[values_expr]
    values_forward = None if values_rule is None else values_rule.forward
    values_check = None if values_rule is None else values_rule.check

    def method(a: Value, c: Operand) -> Value:
        if type(c) is not float or c - c != 0.0:  # ints become floats; bool, str, NaN, inf: errors
            if values_rule is not None and type(c) is Value:  # an op of two Values: a and b = c
                x = a.data
                y = c.data
                if values_check is not None and (why := values_check(x, y)) is not None:
                    raise op_error(values_rule, (x, y), why)
                try:
                    out, da, db = values_forward(x, y)
                    if out - out + da - da + db - db != 0.0:
                        raise ArithmeticError
                except ArithmeticError:
                    raise _explain(values_rule, (x, y)) from None
                if not grad_mode.recording:
                    return _leaf(out)
                node = _new(Value)
                node.data = out
                node.grad = 0.0
                node.label = ""
                node._rule = values_rule
                node._a = a
                node._da = da
                node._b = c
                node._db = db
                node._mark = None
                return node
            c = as_float(c, f"{expr}: operand c")
        x = a.data
        if check is not None and (why := check(x, c)) is not None:
            raise op_error(rule, (x, c), why)
        try:
            out, d = forward(x, c)
            if out - out + d - d != 0.0:
                raise ArithmeticError
        except ArithmeticError:
            raise _explain(rule, (x, c)) from None
        if not grad_mode.recording:
            return _leaf(out)
        node = _new(Value)
        node.data = out
        node.grad = 0.0
        node.label = ""
        node._rule = rule
        node._a = a
        node._da = d
        node._b = c
        node._db = None
        node._mark = None
        return node

    method.__doc__ = f"``{expr}`` for a plain number c" + (
        "" if values_expr is None else f", or ``{values_expr}`` for a Value b") + "."
    return method


class Value:
    """A float in a computation graph: ``data``, its ``grad``, a ``label``, and how it was made.

    A leaf (made by you) has no parents; a node made by an op records that op's rule,
    its parents, and the local derivative on each parent edge (see ``edges``).

    >>> x = Value(0.5, label="x")
    >>> y = x.sigmoid(); y.label = "y"
    >>> y.backward()
    >>> x
    Value(data=0.5, grad=0.235, label='x')
    """

    __slots__ = ("_a", "_b", "_da", "_db", "_mark", "_rule", "data", "grad", "label")
    # The operands, straight in slots so that a node is one allocation (no tuples, no closures):
    #   leaf:                      _a = None
    #   op of one Value a:         _a = a, _da = d(out)/da; _b = the plain number c (x * 3) or None
    #   op of two Values a, b:     _a, _da and _b, _db = d(out)/db
    #   op of many Values (sum):   _a = tuple of the Values, _da = tuple of their derivatives
    # _mark is scratch for graph walks (see backward.topological_order).

    __array_ufunc__ = None  # numpy scalars defer to our reflected ops: np.float64(2) * Value(3)

    def __init__(self, data: Number, label: str = "") -> None:
        """Wrap a finite real number; bools, strings, NaN and inf are refused with a clear error."""
        self.data = as_float(data, "Value(data)")
        if not isinstance(label, str):
            raise TypeError(f"Value(label) must be a str, got {type(label).__name__} {label!r}")
        self.grad = 0.0
        self.label = label
        self._rule: Rule | None = None
        self._a: Value | tuple[Value, ...] | None = None
        self._da: float | tuple[float, ...] | None = None
        self._b: Value | float | None = None
        self._db: float | None = None
        self._mark: object = None

    # --- what this node is -----------------------------------------------------------------
    @property
    def op(self) -> str:
        """The name of the op that made this node (``'mul'``, ``'sigmoid'``), or ``''`` for a leaf."""
        return "" if self._rule is None else self._rule.name

    @property
    def rule(self) -> Rule | None:
        """The row of ``RULES`` this node was made by, or None for a leaf."""
        return self._rule

    @property
    def is_leaf(self) -> bool:
        """True for a value no recorded op produced (inputs, parameters, constants)."""
        return self._rule is None

    @property
    def const(self) -> float | tuple[float, ...] | None:
        """The op's plain-number operand (the 3 in ``x * 3``, leaky_relu's slope), or None.

        For ``total``/``dot`` with plain-number operands, the tuple of those numbers.
        """
        b = self._b
        return None if b is None or type(b) is Value else b

    @property
    def formulas(self) -> tuple[str, ...]:
        """The local derivative on each edge written as maths, in ``edges`` order.

        >>> (Value(2.0) * Value(3.0)).formulas
        ('d(a·b)/da = b', 'd(a·b)/db = a')
        """
        rule = self._rule
        if rule is None:
            return ()
        n = len(self.edges)
        return tuple(rule.edge_text(i, n, type(self._b) is tuple) for i in range(n))

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this node was computed from, in operand order."""
        return tuple(parent for parent, _ in self.edges)

    @property
    def edges(self) -> tuple[tuple[Value, float], ...]:
        """``(parent, d(self)/d(parent))`` for each parent edge, as recorded at forward time.

        >>> a = Value(3.0); y = a * a
        >>> [(p.data, d) for p, d in y.edges]
        [(3.0, 3.0), (3.0, 3.0)]
        """
        a, b = self._a, self._b
        if type(a) is Value:
            return ((a, self._da), (b, self._db)) if type(b) is Value else ((a, self._da),)
        return () if a is None else tuple(zip(a, self._da))

    def __repr__(self) -> str:
        text = f"Value(data={_short(self.data)}, grad={_short(self.grad)}"
        if self._rule is not None:
            text += f", op={self._rule.name!r}"
        if self.label:
            text += f", label={self.label!r}"
        return text + ")"

    def __float__(self) -> float:
        return self.data

    # --- ops: each method is made from its rows of RULES by the factories below the class -------
    __add__ = _number_op("a + c", "a + b")
    __radd__ = _number_op("a + c")  # c + a is computed as a + c
    __sub__ = _number_op("a − c", "a − b")
    __rsub__ = _number_op("c − a")
    __mul__ = _number_op("a·c", "a·b")
    __rmul__ = _number_op("a·c")
    __truediv__ = _number_op("a / c", "a / b")
    __rtruediv__ = _number_op("c / a")
    __pow__ = _number_op("a ** c", "a ** b")
    __rpow__ = _number_op("c ** a")
    __neg__ = _unary_op("−a")
    __abs__ = _unary_op("|a|")

    exp = _unary_op("exp(a)", """e**self; an OverflowError past about 709.78, never inf.

        >>> Value(0.0).exp().data
        1.0
        """)
    log = _unary_op("log(a)", """Natural logarithm; a DomainError for self <= 0.

        >>> Value(1.0).log().data
        0.0
        """)
    sqrt = _unary_op("√a", """Square root, for self > 0 (at 0 its derivative would be infinite).

        >>> Value(9.0).sqrt().data
        3.0
        """)
    tanh = _unary_op("tanh(a)", """Hyperbolic tangent; tanh(±1000) is ±1.0 with gradient 0.0.

        >>> Value(0.0).tanh().data
        0.0
        """)
    sigmoid = _unary_op("σ(a)", """Logistic sigmoid 1/(1 + e**-self), stable for any finite input.

        >>> Value(0.0).sigmoid().data, Value(-1000.0).sigmoid().data
        (0.5, 0.0)
        """)
    relu = _unary_op("relu(a)", """max(self, 0); its derivative at exactly 0 is 0 (as in PyTorch).

        >>> Value(-2.0).relu().data
        0.0
        """)
    softplus = _unary_op("softplus(a)", """ln(1 + e**self), a smooth relu whose derivative is σ(self).

        >>> round(Value(0.0).softplus().data, 6)
        0.693147
        """)
    _leaky_relu = _number_op("leaky_relu(a, c)")

    def leaky_relu(self, alpha: Number = 0.01) -> Value:
        """self if self > 0 else alpha·self; the derivative at exactly 0 is alpha (as in PyTorch).

        >>> Value(-2.0).leaky_relu(0.1).data
        -0.2
        """
        return self._leaky_relu(alpha)

    # Comparisons look at data only (no graph). Equality stays identity, so Values hash and can
    # be kept in sets and dicts.
    def __lt__(self, other: Operand) -> bool:
        return self.data < _data_of(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data_of(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data_of(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data_of(other)

    # --- the backward pass -------------------------------------------------------------------
    def backward(self) -> None:
        """Fill in ``grad`` for every Value this one depends on: d(self)/d(that value).

        Leaves accumulate across calls (zero them with ``zero_grad``); inner nodes are
        recomputed, as in PyTorch. See ``autograd.backward.backward``.
        """
        from .backward import backward  # backward.py walks Values, so it imports this module

        backward(self)

    def backward_steps(self) -> Any:
        """The backward pass as an iterator of steps you can walk one at a time (see ``stepper``)."""
        from .stepper import step_through

        return step_through(self)

    def _repr_html_(self) -> str:
        """Jupyter shows a Value as its repr, with its graph's picture when that is small enough to read."""
        from .display import value_html  # a view: imported only when a notebook asks

        return value_html(self)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph.

        >>> y = (Value(2.0) * 3).detach()
        >>> y.is_leaf, y.data
        (True, 6.0)
        """
        return _leaf(self.data, self.label)


def _node(data: float, rule: Rule | None, a: Value | tuple[Value, ...] | None,
          da: float | tuple[float, ...] | None, b: Value | float | tuple[float, ...] | None,
          db: float | None = None, label: str = "") -> Value:
    """A new node with every slot filled (the op factories above do the same inline, for speed)."""
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = label
    node._rule = rule
    node._a = a
    node._da = da
    node._b = b
    node._db = db
    node._mark = None
    return node


def _leaf(data: float, label: str = "") -> Value:
    """A new leaf: what ops make inside ``no_grad()``, and what ``detach`` returns."""
    return _node(data, None, None, None, None, None, label)


def _explain(rule: Rule, operands: tuple[float, ...]) -> ArithmeticError | ValueError:
    """Why ``rule`` failed on these operands: overflow, a bad constant, or an infinite derivative.

    Only called after a failure, so it can afford to look at each piece separately.
    """
    if any(x - x != 0.0 for x in operands):
        return not_finite_error(rule, operands, None)
    try:
        out, *local = rule.forward(*operands)
    except ArithmeticError:  # math.exp(1000), 1e200 ** 2: the checks leave only overflow
        return not_finite_error(rule, operands, None)
    if out - out != 0.0:
        return not_finite_error(rule, operands, out)
    for edge, d in enumerate(local):
        if d - d != 0.0:
            return op_error(rule, operands, f"the local derivative {rule.derivative_text(edge)} "
                                            f"is not finite here")
    return ArithmeticError(f"{rule.expr}: failed on operands {operands!r}")  # pragma: no cover


def as_float(x: object, where: str) -> float:
    """``x`` as a finite float, or a TypeError/ValueError that says ``where`` it was passed.

    >>> as_float(3, "Value(data)")
    3.0
    >>> as_float(True, "Value(data)")
    Traceback (most recent call last):
    ...
    TypeError: Value(data) must be a real number (int or float), got bool True
    """
    if type(x) is float:
        f = x
    elif isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{where} must be a real number (int or float), got {type(x).__name__} {x!r}")
    else:
        try:
            f = float(x)
        except OverflowError:
            raise OverflowError(f"{where}: {x!r} is too large for a float") from None
    if f - f != 0.0:
        raise ValueError(f"{where} must be finite, got {f!r}")
    return f


def _short(x: float) -> str:
    """Four significant digits, always reading as a float: 0.5889, -0.8222, 1.0, 1.234e+05."""
    text = f"{x:.4g}"
    return text if any(ch in text for ch in ".en") else text + ".0"


def _data_of(x: Operand) -> float:
    return x.data if type(x) is Value else as_float(x, "comparison with a Value")


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``grad`` to 0.0 on each of ``values`` (leaf grads otherwise accumulate).

    >>> w = Value(1.0); (w * 2).backward(); (w * 2).backward(); w.grad
    4.0
    >>> zero_grad([w]); w.grad
    0.0
    """
    for v in values:
        v.grad = 0.0
