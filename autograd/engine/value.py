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

import math
import numbers
import threading
import warnings
from collections.abc import Callable, Iterable
from typing import Any, Union

from ..text import ascii_spelling, python_maths
from . import grad_mode
from .backward import backward, topological_order
from .errors import DerivativeOverflowError, describe, not_finite_error, op_error, op_name
from .floats import _LEFT_THE_GRAPH, _NUMPY_OPERATORS, _as_operand, _numpy_operand, _short, as_float
from .grad_mode import state as _grad_state
from .rules import RULES, Rule

Number = int | float
Operand = Union["Value", int, float]

_new = object.__new__


class _Recording(threading.local):
    """The recorder of ``autograd.trace`` running in this thread, or None (the usual case)."""

    recorder: Any = None


_recording = _Recording()
recording_threads = 0
"""How many threads are recording a trace right now (0 almost always): while it is 0 the
methods below that look at a Value's number skip even the thread-local lookup."""


def _no_grad_opened() -> None:
    """Tell this thread's trace recorder that a ``no_grad()`` block opened (it refuses one)."""
    if recording_threads and _recording.recorder is not None:
        _recording.recorder.no_grad_opened()


grad_mode.no_grad_opened = _no_grad_opened  # grad_mode imports nothing above it: this module tells it


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
        x = a._data
        if check is not None and (why := check(x)) is not None:
            raise op_error(rule, (x,), why)
        try:
            out, d = forward(x)
            if out - out + d - d != 0.0:
                raise ArithmeticError
        except ArithmeticError:
            return _unrecorded(rule, (x,))
        if grad_mode.open_no_grad_blocks and not _grad_state.recording:
            return _leaf(out)
        node = _new(Value)
        node._data = out
        node._grad = 0.0
        node.label = ""
        node._rule = rule
        node._a = a
        node._da = d
        node._b = None
        node._db = None
        node._mark = None
        return node

    method.__name__ = method.__qualname__ = rule.name
    method.__doc__ = doc or rule.doc or f"``{expr}``, with d/da = {rule.formulas[0]}."
    return method


def _number_op(expr: str, values_expr: str | None = None) -> Callable[[Value, Operand], Value]:
    """The method computing ``RULES[expr]`` of self and a plain number c (``'a·c'``, ``'c − a'``).

    Over 60 lines on purpose: the method it returns is the engine's measured hot path (the chain and
    MLP benchmarks), so the two-Value and the one-Value forms fill the slots inline, as ``_unary_op``
    does (see the note above ``_unary_op``), instead of calling a shared helper.

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
                x = a._data
                y = c._data
                if values_check is not None and (why := values_check(x, y)) is not None:
                    raise op_error(values_rule, (x, y), why)
                try:
                    out, da, db = values_forward(x, y)
                    if out - out + da - da + db - db != 0.0:
                        raise ArithmeticError
                except ArithmeticError:
                    return _unrecorded(values_rule, (x, y))
                if grad_mode.open_no_grad_blocks and not _grad_state.recording:
                    return _leaf(out)
                node = _new(Value)
                node._data = out
                node._grad = 0.0
                node.label = ""
                node._rule = values_rule
                node._a = a
                node._da = da
                node._b = c
                node._db = db
                node._mark = None
                return node
            c = _as_operand(c, f"{expr}: operand c")
        x = a._data
        if check is not None and (why := check(x, c)) is not None:
            raise op_error(rule, (x, c), why)
        try:
            out, d = forward(x, c)
            if out - out + d - d != 0.0:
                raise ArithmeticError
        except ArithmeticError:
            return _unrecorded(rule, (x, c))
        if grad_mode.open_no_grad_blocks and not _grad_state.recording:
            return _leaf(out)
        node = _new(Value)
        node._data = out
        node._grad = 0.0
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
    Value(data=0.5, grad=0.235004, label='x')

    ``data`` and ``grad`` are checked when you assign them (finite real numbers; ``grad = None``
    means "no gradient yet" and stores 0.0). ``==`` is identity, as graph code needs; comparing
    with a number warns (compare ``v.data``). A Value is not a float: ``math.exp(v)`` and
    ``float(v)`` raise a TypeError that says what to use instead.
    """

    __slots__ = ("_a", "_b", "_da", "_data", "_db", "_grad", "_mark", "_rule", "label")
    # _data and _grad hold the number and its gradient; the engine reads and writes them directly
    # (the public ``data`` and ``grad`` properties check what you assign).
    # The operands, straight in slots so that a node is one allocation (no tuples, no closures):
    #   leaf:                      _a = None
    #   op of one Value a:         _a = a, _da = d(out)/da; _b = the plain number c (x * 3) or None
    #   op of two Values a, b:     _a, _da and _b, _db = d(out)/db
    #   op of many Values (sum):   _a = tuple of the Values, _da = tuple of their derivatives
    # _mark is scratch for graph walks (see backward.topological_order).

    def __init__(self, data: Number, label: str = "") -> None:
        """Wrap a finite real number; bools, strings, NaN and inf are refused with a clear error."""
        self._data = data if type(data) is float and data - data == 0.0 else _as_operand(
            data, "Value(data)")
        if not isinstance(label, str):
            raise TypeError(f"Value(label) must be a str, got {type(label).__name__} {label!r}")
        self._grad = 0.0
        self.label = label
        self._rule: Rule | None = None
        self._a: Value | tuple[Value, ...] | None = None
        self._da: float | tuple[float, ...] | None = None
        self._b: Value | float | None = None
        self._db: float | None = None
        self._mark: object = None

    # --- the number and its gradient ---------------------------------------------------------
    @property
    def data(self) -> float:
        """The number this Value holds. Assigning checks it as ``Value(data)`` does.

        While a function is traced, reading the number of a Value computed from an input is
        refused in the tracing thread (the replay could not update it: see ``autograd.trace``).

        >>> w = Value(1.0); w.data = 0.5; w.data
        0.5
        >>> w.data = "hello"
        Traceback (most recent call last):
        ...
        TypeError: Value.data must be a real number (int or float), got str 'hello'
        """
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.number_read(self, ".data")
        return self._data

    @data.setter
    def data(self, x: Number) -> None:
        self._data = as_float(x, "Value.data")

    @property
    def grad(self) -> float:
        """d(output)/d(this value) after ``backward()``; 0.0 before. Assigning checks it.

        ``v.grad = None`` is accepted as PyTorch users write it, meaning "no gradient yet": it
        stores 0.0 (the grad always reads as a float).

        >>> w = Value(1.0); w.grad = None; w.grad
        0.0
        """
        return self._grad

    @grad.setter
    def grad(self, g: Number | None) -> None:
        self._grad = 0.0 if g is None else as_float(g, "Value.grad")

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
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.number_read(self, ".const")
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
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.number_read(self, ".edges")
        a, b = self._a, self._b
        if type(a) is Value:
            return ((a, self._da), (b, self._db)) if type(b) is Value else ((a, self._da),)
        return () if a is None else tuple(zip(a, self._da))

    def __repr__(self) -> str:
        text = f"Value(data={_short(self._data)}, grad={_short(self._grad)}"
        if self._rule is not None:
            text += f", op={self._rule.name!r}"
        if self.label:
            text += f", label={self.label!r}"
        return text + ")"

    def __format__(self, spec: str) -> str:
        """``f"{v:.4f}"`` formats ``data``; a plain ``f"{v}"`` is the repr.

        >>> v = Value(0.16900421, "C")
        >>> f"{v:.4f}", f"{v}"
        ('0.1690', "Value(data=0.169004, grad=0.0, label='C')")
        """
        if spec and recording_threads and _recording.recorder is not None:
            _recording.recorder.number_read(self, f"format(..., {spec!r})")
        return repr(self) if not spec else format(self._data, spec)

    def __round__(self, ndigits: int | None = None) -> float | int:
        """``round(v, 3)`` rounds ``data`` (a plain number, outside the graph).

        >>> round(Value(0.16900421), 3)
        0.169
        """
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.number_read(self, "round()")
        return round(self._data, ndigits)

    def __float__(self) -> float:
        """Refused: a float taken from a Value leaves the graph, and its gradient is silently lost."""
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.value_decision(self, "float", None)
        raise TypeError(_LEFT_THE_GRAPH.format(what="float(Value) or a math function such as math.exp"))

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """NumPy arithmetic with a Value (``np.float64(2) * v``) builds the graph; a NumPy function
        (``np.exp(v)``) would leave it, and is refused with the Value op to use instead."""
        operator_ = _NUMPY_OPERATORS.get(ufunc.__name__)
        if method != "__call__" or kwargs or operator_ is None or len(inputs) != 2:
            raise TypeError(_LEFT_THE_GRAPH.format(what=f"np.{ufunc.__name__}(Value)"))
        a, b = (x if type(x) is Value else _numpy_operand(x, ufunc.__name__) for x in inputs)
        return operator_(a, b)

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

    exp = _unary_op("exp(a)")
    log = _unary_op("log(a)")
    sqrt = _unary_op("√a")
    tanh = _unary_op("tanh(a)")
    sigmoid = _unary_op("σ(a)")
    relu = _unary_op("relu(a)")
    softplus = _unary_op("softplus(a)")
    _leaky_relu = _number_op("leaky_relu(a, c)")
    _leaky_relu_1_at_0 = _number_op("leaky_relu1(a,c)")

    def leaky_relu(self, alpha: Number = 0.01, at_zero: str = "alpha") -> Value:
        """self if self > 0 else alpha·self. At exactly 0 the function has no derivative; its slope
        there is alpha by default (PyTorch's convention), or 1 with ``at_zero="one"`` (the first
        tutorial's "1 for y >= 0"). Each is its own row of RULES.

        >>> Value(-2.0).leaky_relu(0.1).data
        -0.2
        >>> a, b = Value(0.0), Value(0.0)
        >>> a.leaky_relu(0.1).backward(); b.leaky_relu(0.1, at_zero="one").backward(); a.grad, b.grad
        (0.1, 1.0)
        """
        if at_zero == "alpha":
            return self._leaky_relu(alpha)
        if at_zero == "one":
            return self._leaky_relu_1_at_0(alpha)
        raise ValueError(f"leaky_relu: at_zero must be 'alpha' (slope alpha at 0, as PyTorch) or 'one' "
                         f"(slope 1 at 0, as Deep learning for beginners (2)), got {at_zero!r}")

    # Comparisons look at data only (no graph). Equality stays identity, so Values hash and can
    # be kept in sets and dicts; == with a number warns, since it is never True.
    def __lt__(self, other: Operand) -> bool:
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.value_decision(self, "<", other)
        return self._data < _data_of(other)

    def __le__(self, other: Operand) -> bool:
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.value_decision(self, "<=", other)
        return self._data <= _data_of(other)

    def __gt__(self, other: Operand) -> bool:
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.value_decision(self, ">", other)
        return self._data > _data_of(other)

    def __ge__(self, other: Operand) -> bool:
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.value_decision(self, ">=", other)
        return self._data >= _data_of(other)

    def __eq__(self, other: object) -> bool:
        """Identity: ``v == w`` only when they are the same node. ``v == 2`` warns and is False.

        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     Value(2.0) == 2
        False
        >>> print(caught[0].message)
        Value(data=2.0, grad=0.0) == 2 is False: ... Compare the numbers: v.data == 2
        """
        if type(other) is not Value and isinstance(other, numbers.Number):
            warnings.warn(ValueComparisonWarning(
                f"{self!r} == {other!r} is False: == between a Value and a number compares identity, "
                f"never numbers. Compare the numbers: v.data == {other!r}"), stacklevel=2)
        return self is other

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        """True, with a warning: ``if v:`` never looks at the number (the graph needs Values true).

        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     bool(Value(0.0))
        True
        >>> print(caught[0].message)
        bool(Value(data=0.0, grad=0.0)) is True: ... Test the number: if v.data != 0: (or compare, if v > 0:)
        """
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.value_decision(self, "bool", None)
        warnings.warn(ValueComparisonWarning(
            f"bool({self!r}) is True: a Value is always true, whatever its number, so 'if v:' and "
            f"'v or w' never look at the data. Test the number: if v.data != 0: (or compare, if v > 0:)"),
            stacklevel=2)
        return True

    # --- the backward pass -------------------------------------------------------------------
    def backward(self, *, create_graph: bool = False) -> None:
        """Fill in ``grad`` for every Value this one depends on: d(self)/d(that value).

        Leaves accumulate across calls (zero them with ``zero_grad``); inner nodes are
        recomputed, as in PyTorch. See ``autograd.backward.backward``. ``create_graph=True`` is
        refused: gradients that can be differentiated again come from ``autograd.grad``.
        """
        if create_graph:
            raise TypeError(
                "backward(create_graph=True): chainrule keeps .grad a float; for gradients that can be "
                "differentiated again use autograd.grad(output, [x, ...], create_graph=True), which "
                "returns them as Values (see docs/higher_order.md)")
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.backward_called()
        backward(self)

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on every Value of this one's graph, leaves included: ``zero_grad(v)``.

        >>> w = Value(3.0); loss = w * w
        >>> loss.backward(); loss.backward(); w.grad
        12.0
        >>> loss.zero_grad(); w.grad
        0.0
        """
        zero_grad(self)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph.

        >>> y = (Value(2.0) * 3).detach()
        >>> y.is_leaf, y.data
        (True, 6.0)
        """
        if recording_threads and _recording.recorder is not None:
            _recording.recorder.number_read(self, "detach()")
        return _leaf(self._data, self.label)


def _node(data: float, rule: Rule | None, a: Value | tuple[Value, ...] | None,
          da: float | tuple[float, ...] | None, b: Value | float | tuple[float, ...] | None,
          db: float | None = None, label: str = "") -> Value:
    """A new node with every slot filled (the op factories above do the same inline, for speed)."""
    node = _new(Value)
    node._data = data
    node._grad = 0.0
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


def _unrecorded(rule: Rule, operands: tuple[float, ...]) -> Value:
    """After an op failed: inside ``no_grad()`` the value alone is enough, so a finite value whose
    local derivative overflows (``Value(5e-324).log()``) is still returned; else ``_explain``."""
    if not grad_mode.is_recording():
        try:
            out = rule.forward(*operands)[0]
        except (ArithmeticError, ValueError):
            out = math.nan
        if out - out == 0.0:
            return _leaf(out)
    raise _explain(rule, operands) from None  # the ArithmeticError that led here says nothing more


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
        if d - d != 0.0:  # the value is finite; its derivative is not (1e-160 ** -1, log(5e-324))
            return DerivativeOverflowError(ascii_spelling(
                f"{describe(rule, operands)}: the value {out!r} is finite, but the local derivative "
                f"{python_maths(rule.derivative_text(edge))} is not finite here ({d!r}: it overflows "
                f"the float range); inside no_grad() the value alone is computed"))
    return ArithmeticError(f"{op_name(rule)}: failed on operands {operands!r}")  # pragma: no cover


def _data_of(x: Operand) -> float:
    """The number to compare with: a Value's data, or the other operand as a checked float."""
    return x._data if type(x) is Value else as_float(x, "comparison with a Value")


class ValueComparisonWarning(UserWarning):
    """``Value == number`` was written: it compares identity, so it is never True."""


def zero_grad(values: Value | Iterable[Value]) -> None:
    """Set ``grad`` to 0.0: on each of ``values``, or, given one Value, on every Value of its graph.

    Leaf grads otherwise accumulate across ``backward()`` calls. Anything with a
    ``parameters()`` method (an ``nn`` model) is zeroed through it.

    >>> w = Value(1.0); loss = w * 2
    >>> loss.backward(); loss.backward(); w.grad
    4.0
    >>> zero_grad(loss); w.grad          # the whole graph of loss
    0.0
    >>> zero_grad(3)
    Traceback (most recent call last):
    ...
    TypeError: zero_grad: expected a Value (every Value of its graph is zeroed), ... got int 3
    """
    if type(values) is Value:
        values = topological_order(values)
    elif hasattr(values, "parameters") and callable(values.parameters):
        values = values.parameters()
    try:
        items = list(values)
    except TypeError:
        raise TypeError(f"zero_grad: expected a Value (every Value of its graph is zeroed), an iterable "
                        f"of Values or a model with parameters(), got {type(values).__name__} "
                        f"{values!r}") from None
    for i, v in enumerate(items):
        if type(v) is not Value:
            raise TypeError(f"zero_grad: item {i} is {type(v).__name__} {v!r}, not a Value")
    for v in items:
        v._grad = 0.0
