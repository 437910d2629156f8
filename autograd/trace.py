"""Record once, replay fast: a function's graph recorded once and replayed as straight-line Python.

``trace(fn, params=...)`` returns a ``Traced``. Its first call runs ``fn`` with the engine (define-by-run:
every op becomes a node, as always) and keeps that graph; from it ``autograd.codegen`` writes the
program the chain rule implies, one line per op and one line per edge of the backward pass, each
op's lines from its row of ``RULES``. Every call, the first included, runs that program
(define-and-run): on floats for one sample, or on NumPy arrays for a whole batch at once. It reads
the parameters' ``.data`` when called, adds d(loss)/d(parameter) into their ``.grad`` (as
``backward()`` does, with the same floats) and returns the loss.

The name is ``trace`` (not ``compile``, a Python builtin): it records a trace of the ops.

>>> from autograd import Value
>>> w = Value(3.0, "w")
>>> step = trace(lambda x: (w * x).sigmoid(), params=[w])
>>> graph_path = Value(1.5).sigmoid().data
>>> step(0.5) == graph_path                 # the same float as the graph
True
>>> print(step.source)     # one line per op, one per chain-rule edge, named as the stepper names them
def forward_backward(step, x=MISSING, *extra, seed=1.0, first_try=True):
    # One sample: returns the loss; adds d(loss)/d(parameter) into each .grad.
    try:
        if extra or not (type(x) is float): raise REFUSED
        w = leaf_w._data
        t1 = w * x
        e_L = exp(-abs(t1))
        q_L = 1.0 + e_L
        L = 1.0 / q_L if t1 >= 0.0 else e_L / q_L
        dL_dL = seed
        dL_dw = leaf_w._grad
        dL_dt1 = (e_L / (q_L * q_L)) * dL_dL
        dL_dw += x * dL_dt1
        check = t1 + L + dL_dw + x
        if check - check != 0.0: raise REFUSED
        leaf_w._grad = dL_dw
        return L
    except (REFUSED, ArithmeticError, ValueError, TypeError):  # a closer look, and why
        if not first_try:
            raise
        return step.call_carefully((x, *extra), seed)
<BLANKLINE>
"""

from __future__ import annotations

import functools
import gc
import inspect
import linecache
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import codegen, grad_mode
from .backward import topological_order
from .errors import NonFiniteGradientError, op_error
from .notation import Names, format_number, node_names, normalise_names
from .text import visible_text
from .value import Value, _explain, as_float

__all__ = ["BranchError", "Traced", "trace"]

_HERE = Path(__file__).resolve().parent


class BranchError(TypeError):
    """``fn`` compared a Value (or an input) while being traced: the replay cannot take the other branch."""


class _Refused(Exception):
    """Raised by a generated program that cannot finish: ``Traced`` then finds out why and says so."""


_MISSING = object()
"""An input left out of a call (the generated program's default): the call is then looked at closely."""


def _user_line() -> str:
    """``file:line: source`` of the innermost caller outside chainrule's engine."""
    frame = sys._getframe(2)
    while frame is not None and Path(frame.f_code.co_filename).resolve().parent == _HERE:
        frame = frame.f_back
    if frame is None:  # pragma: no cover
        return "(unknown line)"
    text = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return f"{frame.f_code.co_filename}:{frame.f_lineno}: {text}"


def _shown(x: object) -> str:
    """How a refusal names a Value or an input: its label, its name, or its number."""
    if isinstance(x, _Input):
        return x._name
    if type(x) is Value:
        return repr(x.label) if x.label else f"Value(data={format_number(x.data)})"
    return repr(x)


def _branch(what: str) -> BranchError:
    """The refusal of a branch: what decided it, where, and what to write instead."""
    return BranchError(
        f"trace: {what}\n  at {_user_line()}\n"
        f"A traced function must run the same ops whatever the numbers are: the replay cannot take\n"
        f"the other branch. Write it without comparing Values (relu(), abs(), leaky_relu() and the\n"
        f"loss functions handle both sides inside one op), or use the Value path (backward()).")


def _refuse_comparison(symbol: str) -> Callable[[Any, Any], bool]:
    """A comparison method that refuses (Values and inputs have these while a function is traced)."""
    def compare(self: Any, other: Any) -> bool:
        raise _branch(f"the comparison {_shown(self)} {symbol} {_shown(other)} decides a branch")
    return compare


def _refuse_bool(self: Any) -> bool:
    """``if v:`` while tracing: refused."""
    raise _branch(f"bool({_shown(self)}) (an if or while on a Value) decides a branch")


def _refuse_float(self: Any) -> float:
    """``float(v)`` while tracing: refused (the number would be baked into the program)."""
    raise _branch(f"float({_shown(self)}) turns a Value into a number the replay would never update")


_PATCHES = {"__lt__": _refuse_comparison("<"), "__le__": _refuse_comparison("<="),
            "__gt__": _refuse_comparison(">"), "__ge__": _refuse_comparison(">="),
            "__bool__": _refuse_bool, "__float__": _refuse_float}


class _Input(float):
    """An input while ``fn`` is traced: a number where the engine wants a number (a data sample in
    ``dot``, a loss's target), a Value where it is computed with (``x * 2``, ``x.exp()``)."""

    def __new__(cls, value: float, name: str, tracer: _Tracer) -> _Input:
        self = super().__new__(cls, value)
        self._name = name
        self._tracer = tracer
        return self

    def __float__(self) -> float:
        # A fresh float object each time, remembered: where the graph keeps it as an op's plain
        # number, the replay puts this input instead.
        number = float.__float__(self)
        self._tracer.given[id(number)] = (self._name, number)
        return number

    def _value(self) -> Value:
        """The input's leaf Value (made on first use), for computing with the input."""
        leaf = self._tracer.leaves.get(self._name)
        if leaf is None:
            leaf = self._tracer.leaves[self._name] = Value(float(self), self._name)
        return leaf

    def __getattr__(self, name: str) -> Any:  # x.exp(), x.sigmoid(), ...
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._value(), name)

    def __repr__(self) -> str:
        return f"<input {self._name} = {float.__repr__(self)} while tracing>"

    __hash__ = float.__hash__


def _delegate(method: str) -> Callable[..., Any]:
    """An arithmetic method of an input that computes with the input's leaf Value instead."""
    def apply(self: _Input, *other: Any) -> Any:
        return getattr(self._value(), method)(*other)
    return apply


for _method in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
                "__rtruediv__", "__pow__", "__rpow__", "__neg__", "__abs__"):
    setattr(_Input, _method, _delegate(_method))
for _method, _symbol in (("__lt__", "<"), ("__le__", "<="), ("__gt__", ">"), ("__ge__", ">="),
                         ("__eq__", "=="), ("__ne__", "!=")):
    setattr(_Input, _method, _refuse_comparison(_symbol))
_Input.__bool__ = _refuse_bool  # type: ignore[assignment]


def _refuse_number(what: str) -> Callable[..., Any]:
    """A method of an input that would make a plain number from it (``round(x)``): refused."""
    def refuse(self: _Input, *other: Any) -> Any:
        raise _branch(f"{what}({self._name}) makes a plain number the replay would never update")
    return refuse


for _method in ("__int__", "__round__", "__trunc__", "__floor__", "__ceil__", "__mod__", "__rmod__",
                "__floordiv__", "__rfloordiv__", "__divmod__", "__rdivmod__"):
    setattr(_Input, _method, _refuse_number(_method.strip("_")))


class _Tracer:
    """The inputs of one recording: the floats handed out for them, and their leaves."""

    def __init__(self) -> None:
        self.given: dict[int, tuple[str, float]] = {}
        self.leaves: dict[str, Value] = {}

    def input_name(self, x: object) -> str | None:
        """The input a float of the graph came from (the very object handed out), or None."""
        found = self.given.get(id(x))
        return found[0] if found is not None and found[1] is x else None


def _arguments(fn: Callable[..., Any]) -> tuple[str, ...] | None:
    """The names of ``fn``'s positional parameters, or None if it takes ``*args``."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    names = []
    for p in parameters:
        if p.kind is p.VAR_POSITIONAL:
            return None
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty:
            names.append(p.name)
    return tuple(names)


_BATCH_FUNCTIONS = {"exp": np.exp, "log": np.log, "log1p": np.log1p, "sqrt": np.sqrt, "tanh": np.tanh,
                    "floor": np.floor, "where": np.where, "every": np.all,
                    "largest": lambda values: functools.reduce(np.maximum, values)}


def _array_fsum(values: Sequence[Any]) -> Any:
    """Σ values, elementwise over the batch, added left to right."""
    result = values[0] + 0.0
    for x in values[1:]:
        result = result + x
    return result


def _total(value: Any, n: int) -> float:
    """Σ over the batch of a per-sample value (a number that does not depend on the sample: n times)."""
    return float(value.sum()) if type(value) is np.ndarray else float(value) * n


def _spread(value: Any, n: int) -> np.ndarray:
    """The n losses as an array (a loss that does not depend on the inputs is the same n times)."""
    return value if type(value) is np.ndarray and value.shape == (n,) else np.full(n, value, dtype=float)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a program is written and compiled: those make
    hundreds of thousands of objects and no cycles, and each collection would scan the whole graph."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class Line:
    """One line of the generated program, run for one sample: its text and the number it made.

    ``label``: the value's name in the graph when the program calls it otherwise (``W1[0]``, a
    label that is not a short identifier), as shown in the program's comment (always one safe line).
    """

    text: str
    name: str | None
    value: float | None
    label: str = ""

    def __repr__(self) -> str:
        if self.value is None:
            return self.text
        shown = f"  ({self.label})" if self.label else ""
        return f"{self.text:<60}  # {format_number(self.value)}{shown}"


class Walk(list):  # type: ignore[type-arg]
    """The generated program's lines with their numbers for one sample (a list of ``Line``)."""

    def __repr__(self) -> str:
        return "\n".join(repr(line) for line in self)


class Traced:
    """A traced function: call it on floats (one sample) or on arrays (a batch). See ``trace``.

    >>> from autograd import Value
    >>> w = Value(0.5, "w")
    >>> step = trace(lambda x: (w * x).exp(), params=[w])
    >>> step(2.0) == Value(1.0).exp().data, len(step), step.inputs
    (True, 2, ('x',))
    """

    def __init__(self, fn: Callable[..., Any], params: Iterable[Value] | None, names: Names | None,
                 label: str) -> None:
        if not callable(fn):
            raise TypeError(f"trace(fn): fn must be callable, got {type(fn).__name__} {fn!r}")
        self._fn = fn
        self._label = label
        self._arguments = _arguments(fn)
        self._params: list[Value] | None = None
        if params is not None:
            self._params = []
            for i, p in enumerate(params):
                if type(p) is not Value:
                    raise TypeError(f"trace(params): item {i} is {type(p).__name__} {p!r}, not a Value")
                if not p.is_leaf:
                    raise ValueError(f"trace(params): item {i} ({_shown(p)}) is made by an op; "
                                     f"parameters are leaf Values")
                self._params.append(p)
        self._names = normalise_names(names)
        self._root: Value | None = None
        self._batch: Callable[..., Any] | None = None
        self._n = -1 if self._arguments is None else len(self._arguments)

    # --- recording ----------------------------------------------------------------------------
    def _record(self, sample: Sequence[float]) -> None:
        """Run ``fn`` once on ``sample`` with the engine, keep its graph and write its program."""
        if not grad_mode.is_recording():
            raise RuntimeError("trace: the first call ran inside no_grad(), so no graph could be "
                               "recorded; call the step outside no_grad()")
        arguments = self._arguments or tuple(f"x{i}" for i in range(len(sample)))
        tracer = _Tracer()
        placeholders = [_Input(x, name, tracer) for x, name in zip(sample, arguments)]
        saved = {name: Value.__dict__.get(name) for name in _PATCHES}
        try:
            for name, method in _PATCHES.items():
                setattr(Value, name, method)
            result = self._fn(*placeholders)
        finally:
            for name, method in saved.items():
                if method is None:
                    delattr(Value, name)
                else:
                    setattr(Value, name, method)
        if isinstance(result, list) and len(result) == 1:
            result = result[0]
        if type(result) is not Value or result.is_leaf:
            raise TypeError(f"trace: {self._label} must return a Value made by ops (the loss), got "
                            f"{_shown(result) if not isinstance(result, Value) else 'a leaf'}")
        order = topological_order(result)
        input_of_leaf: dict[Value, str] = {}
        leaves: list[Value] = []
        for v in order:
            if v._rule is None:
                name = tracer.input_name(v.data)
                if name is not None:
                    input_of_leaf[v] = name
                else:
                    leaves.append(v)
        wanted = set(leaves) if self._params is None else set(self._params) & set(leaves)
        if self._params is not None:  # the parameters in the order given, then other leaves
            position = {p: i for i, p in enumerate(self._params)}
            leaves.sort(key=lambda v: position.get(v, len(position)))
        names = dict(self._names)
        names.update({leaf: name for name, leaf in tracer.leaves.items()})

        given, literals = tracer.given, {}

        def constant(c: float) -> str:
            found = given.get(id(c))
            if found is not None and found[1] is c:
                return found[0]
            text = literals.get(c) if c else None  # (0.0 and -0.0 are equal keys: not cached)
            if text is None:
                text = literals[c] = codegen._literal(c)
            return text

        with _collector_paused():
            self._graph_text = codegen.GraphText(order, node_names(order, names), arguments,
                                                 {v: i for i, v in enumerate(leaves)}, input_of_leaf,
                                                 constant, wanted)
            self._order, self._tracer, self._leaves = order, tracer, tuple(leaves)
            self._wanted, self._input_of_leaf = wanted, input_of_leaf
            self._arguments = arguments
            self._n = len(arguments)
            self._floats = codegen.write_program(self._graph_text, "floats", "forward_backward")
            self._floats.namespace.update(codegen.FLOAT_FUNCTIONS, REFUSED=_Refused, MISSING=_MISSING)
            self._root = result
            # From now on, calling the step runs the generated program directly (no extra call).
            self.__class__ = type("Traced", (Traced,), {"__call__": self._floats.function(),
                                                        "__doc__": Traced.__doc__})

    def _batch_program(self) -> Callable[..., Any]:
        if self._batch is None:
            with _collector_paused():
                self._batch_text = codegen.write_program(self._graph_text, "batch",
                                                         "forward_backward_batch")
                self._batch_text.namespace.update(_BATCH_FUNCTIONS, fsum=_array_fsum, spread=_spread,
                                                  total=_total, REFUSED=_Refused)
                self._batch = self._batch_text.function()
        return self._batch

    # --- calling --------------------------------------------------------------------------------
    def __call__(self, *inputs: Any, seed: float = 1.0) -> Any:
        """Forward and backward on one sample (floats) or a batch (1-D arrays of one length n).

        Adds d(loss)/d(parameter), times ``seed``, into each parameter's ``.grad`` (for a batch:
        summed over the samples) and returns the loss (for a batch: the n losses).
        """
        return self.call_carefully(inputs, seed)  # the first call: records the graph

    def _fast_batch(self, inputs: tuple[Any, ...], seed: float) -> np.ndarray | None:
        """The batch program on float arrays of one length, or None if anything needs a closer look."""
        n = len(inputs[0])
        shape = (n,)
        if n == 0:
            return None
        for x in inputs:
            if type(x) is not np.ndarray or x.dtype != np.float64 or x.shape != shape:
                return None
        run = self._batch_program()
        with np.errstate(all="ignore"):
            check = sum([x.sum() for x in inputs])
            if check - check != 0.0:
                return None
            try:
                return run(*inputs, seed, n)
            except (_Refused, ArithmeticError, ValueError, TypeError):
                return None

    def call_carefully(self, inputs: tuple[Any, ...], seed: float) -> Any:
        """A call the generated program did not finish: check the inputs, record the graph on the first
        call, run a batch, or find out what went wrong (and say it as the engine would)."""
        inputs = tuple(x for x in inputs if x is not _MISSING)
        if self._root is not None and inputs and type(inputs[0]) is np.ndarray:
            losses = self._fast_batch(inputs, seed)
            if losses is not None:
                return losses
        if self._n >= 0 and len(inputs) != self._n:
            raise TypeError(f"{self._label} takes {self._n} input{'s' if self._n != 1 else ''} "
                            f"({', '.join(self._arguments or ())}), got {len(inputs)}")
        seed = as_float(seed, f"{self._label}: seed")
        batch = [isinstance(x, (np.ndarray, list, tuple)) for x in inputs]
        if any(batch):
            if not all(batch):
                raise TypeError(f"{self._label}: give every input as a number (one sample) or every "
                                f"input as a 1-D array (a batch), not a mix")
            return self._call_batch(inputs, seed)
        names = self._arguments or tuple(f"x{i}" for i in range(len(inputs)))
        sample = [as_float(x, f"{self._label}: input {name}") for x, name in zip(inputs, names)]
        if self._root is None:
            self._record(sample)
        try:
            return type(self).__call__(self, *sample, seed=seed, first_try=False)
        except (_Refused, ArithmeticError, ValueError, TypeError):
            pass
        loss, grads = self._interpret(sample, seed)  # raises what the engine would, or
        for leaf, grad in grads.items():             # (a false alarm) gives the same numbers
            leaf.grad = grad
        return loss

    def _call_batch(self, inputs: tuple[Any, ...], seed: float) -> np.ndarray:
        names = self._arguments or tuple(f"x{i}" for i in range(len(inputs)))
        arrays = []
        for x, name in zip(inputs, names):
            try:
                array = np.asarray(x, dtype=float)
            except (TypeError, ValueError):
                raise TypeError(f"{self._label}: input {name} must be an array of numbers") from None
            if array.ndim != 1:
                raise ValueError(f"{self._label}: input {name} must be 1-D (one number per sample), "
                                 f"got shape {array.shape}")
            bad = np.flatnonzero(~np.isfinite(array))
            if bad.size:
                raise ValueError(f"{self._label}: input {name} must be finite, got {array[bad[0]]!r} "
                                 f"at sample {bad[0]}")
            arrays.append(array)
        lengths = {len(a) for a in arrays}
        if len(lengths) > 1:
            shown = ", ".join(f"{name}: {len(a)}" for name, a in zip(names, arrays))
            raise ValueError(f"{self._label}: the input arrays have different lengths ({shown})")
        n = lengths.pop() if lengths else 1
        if n == 0:
            raise ValueError(f"{self._label}: the input arrays are empty")
        if self._root is None:
            self._record([float(a[0]) for a in arrays])
        run = self._batch_program()
        with np.errstate(all="ignore"):
            try:
                return run(*arrays, seed, n)
            except (_Refused, ArithmeticError, ValueError):
                pass
        saved = {leaf: leaf.grad for leaf in self._wanted}
        losses = np.empty(n)
        for i in range(n):  # sample by sample, checked: the first bad one is named
            try:
                losses[i], grads = self._interpret([float(a[i]) for a in arrays], seed)
            except (ArithmeticError, ValueError) as error:
                for leaf, grad in saved.items():
                    leaf.grad = grad
                raise type(error)(f"sample {i}: {error}") from None
            for leaf, grad in grads.items():
                leaf.grad = grad
        return losses

    # --- explaining a refusal: the recorded graph, op by op, with the engine's checks ----------
    def _interpret(self, sample: Sequence[float], seed: float) -> tuple[float, dict[Value, float]]:
        """The graph replayed op by op with each rule's forward and check, as the engine runs it: raises
        what the engine would raise, else returns the loss and the wanted leaves' new grads."""
        given = dict(zip(self._arguments or (), sample))
        tracer = self._tracer

        def number(c: float) -> float:
            name = tracer.input_name(c)
            return c if name is None else given[name]

        data: dict[Value, float] = {}
        local: dict[Value, Sequence[float]] = {}
        for v in self._order:
            rule = v._rule
            if rule is None:
                data[v] = given[self._input_of_leaf[v]] if v in self._input_of_leaf else v.data
                continue
            a, b = v._a, v._b
            if type(a) is Value:
                operands = (data[a],) if b is None else (data[a], data[b] if type(b) is Value
                                                         else number(b))
                if rule.check is not None and (why := rule.check(*operands)) is not None:
                    raise op_error(rule, operands, why)
                try:
                    out, *d = rule.forward(*operands)
                    if out - out + math.fsum(x - x for x in d) != 0.0:
                        raise ArithmeticError
                except ArithmeticError:
                    raise _explain(rule, operands) from None
            else:
                constants = tuple(number(c) for c in (b or ()))
                values = [data[p] for p in a]
                if rule.roles == ("aᵢ",):
                    operands = (*values, *constants)
                else:
                    n = len(a) - 1 if b is not None else (len(a) - 1) // 2
                    operands = (*values[: n + 1], *(constants or values[n + 1:]))
                try:
                    out, *d = rule.forward(*operands)
                except (ArithmeticError, ValueError):
                    raise OverflowError(f"{rule.expr}: the result overflows the float range "
                                        f"(about ±1.8e308)") from None
                d = d[: len(a)]
                if out - out != 0.0 or any(x - x != 0.0 for x in d):
                    raise OverflowError(f"{rule.expr}: the result ({out!r}) or a local derivative "
                                        f"overflows the float range (about ±1.8e308)")
            data[v], local[v] = out, d
        names = self._graph_text.names
        grads = {v: (v.grad if v in self._wanted else 0.0) for v in self._order}
        root = self._order[-1]
        grads[root] += seed
        for v in reversed(self._order):
            g = grads[v]
            if g - g != 0.0:
                raise NonFiniteGradientError(
                    f"replay: the gradient of node {names[v]!r} (data={data[v]!r}) is {g!r}; "
                    f"d(output)/d(node) overflowed the float range on the way back from the output "
                    f"(data={data[root]!r}). Scale the inputs or the loss down.")
            if v._rule is not None:
                for (parent, _), d in zip(v.edges, local[v]):
                    grads[parent] += d * g
        return data[root], {leaf: grads[leaf] for leaf in self._wanted}

    # --- looking at it -----------------------------------------------------------------------
    def _traced(self) -> None:
        if self._root is None:
            raise RuntimeError(f"{self._label} has not been traced yet: call it once (it records the "
                               f"graph on its first call), or pass example=(...) to trace()")

    @property
    def source(self) -> str:
        """The generated Python for one sample: one line per forward op and per chain-rule edge."""
        self._traced()
        return self._floats.source

    @property
    def batch_source(self) -> str:
        """The generated Python for a NumPy batch (the same lines, on arrays)."""
        self._traced()
        self._batch_program()
        return self._batch_text.source

    @property
    def graph(self) -> Value:
        """The recorded graph's output (the loss of the first call's inputs): draw it, step through it."""
        self._traced()
        assert self._root is not None
        return self._root

    @property
    def inputs(self) -> tuple[str, ...]:
        """The names of the inputs, in call order."""
        return self._arguments or ()

    def __len__(self) -> int:
        """The number of ops in the recorded graph."""
        self._traced()
        return sum(1 for v in self._order if v._rule is not None)

    def walk(self, *inputs: float, seed: float = 1.0) -> Walk:
        """Run the program for one sample line by line; each line with the number it computed.

        Leaves every ``.grad`` alone (the lines that add into them are shown, not run).

        >>> from autograd import Value
        >>> w = Value(3.0, "w")
        >>> step = trace(lambda x: w * x, params=[w], example=[1.0])
        >>> step.walk(2.0)
        w = leaf_w._data                                              # 3
        L = w * x                                                     # 6
        dL_dL = seed                                                  # 1
        dL_dw = leaf_w._grad                                          # 0
        dL_dw += x * dL_dL                                            # 2
        check = L + dL_dw + x                                         # 10
        if check - check != 0.0: raise REFUSED
        leaf_w._grad = dL_dw
        """
        self._traced()
        names = self._arguments or ()
        sample = [as_float(x, f"{self._label}: input {name}") for x, name in zip(inputs, names)]
        if len(sample) != self._n:
            raise TypeError(f"{self._label}.walk takes {self._n} inputs, got {len(inputs)}")
        # one scope for the program's names and its variables, so that a comprehension in a line
        # (fsum([exp(ai - m_L) for ai in ...])) sees them too
        scope: dict[str, Any] = dict(self._floats.namespace)
        scope.update(zip(self._floats.inputs, sample), seed=as_float(seed, "walk: seed"))
        lines = Walk()
        for statement in self._floats.body:
            if statement.shown_only:  # it writes into a .grad
                lines.append(Line(statement.text, None, None))
                continue
            try:
                exec(statement.text, scope)
            except (_Refused, ArithmeticError, ValueError):
                self._interpret(sample, scope["seed"])
                raise
            value = scope.get(statement.target) if statement.target else None
            lines.append(Line(statement.text, statement.target, value, statement.note))
        return lines

    def __repr__(self) -> str:
        if self._root is None:
            return f"<Traced {self._label}: not traced yet (traces on its first call)>"
        return f"<Traced {self._label}: {len(self)} ops, inputs ({', '.join(self.inputs)})>"


def trace(fn: Callable[..., Any], params: Iterable[Value] | None = None, *, names: Names | None = None,
          example: Sequence[float] | None = None) -> Traced:
    """Record ``fn``'s graph once (on the first call, or now on ``example``) and replay it after that.

    ``fn`` takes plain numbers (one sample) and returns a loss Value. ``params``: the leaves whose
    ``.grad`` each call adds into (None: every leaf that is not an input). ``names`` names Values
    in the generated code, as for ``step_through``. See the module docstring and
    docs/static_graphs.md.

    >>> from autograd import Value
    >>> w = Value(2.0, "w")
    >>> step = trace(lambda x, y: (w * x - y) ** 2, params=[w])
    >>> step(3.0, 1.0), w.grad                       # (2·3 − 1)² and 2·(2·3 − 1)·3
    (25.0, 30.0)
    >>> w.data = 1.0; step(3.0, 1.0), w.grad          # parameters are read at call time
    (4.0, 42.0)
    """
    label = f"trace({visible_text(str(getattr(fn, '__name__', 'fn')), one_line=True)})"  # printable
    step = Traced(fn, params, names, label)
    if example is not None:
        step._record([as_float(x, f"{label}: example") for x in example])
    return step
