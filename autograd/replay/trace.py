"""Record once, replay fast: a function's graph recorded once and replayed as straight-line Python.

``trace(fn, params=...)`` returns a ``Traced``. Its first call runs ``fn`` with the engine (define-by-run:
every op becomes a node, as always) and keeps that graph; from it ``autograd.codegen`` writes the
program the chain rule implies, one line per op and one line per edge of the backward pass, each
op's lines from its row of ``RULES``. Every call, the first included, runs that program
(define-and-run): on floats for one sample, or on NumPy arrays for a whole batch at once. It reads
the parameters' ``.data`` when called, adds d(loss)/d(parameter) into their ``.grad`` (as
``backward()`` does, with the same floats) and returns the loss.

While ``fn`` is recorded, its arguments are input objects, not floats: they compute like Values,
ops take them as their plain numbers, decisions on them (comparisons, ``bool``, ``int``, ``round``)
are checked on every call (a call that decides otherwise runs, or records, its own program), and
anything else that would take their number out (``float(x)``, ``v.data`` of a Value computed from
them) is refused with the line. Recording touches only the recording thread.

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
import numbers
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import grad_mode
from ..engine import value as _engine
from ..engine.backward import topological_order
from ..engine.errors import NonFiniteGradientError, op_error
from ..engine.node import constants, number_of, operands, store_grad
from ..engine.value import Value, _explain, as_float
from ..text import visible_text
from ..views.notation import Names, format_number, node_names, normalise_names
from . import codegen

__all__ = ["MAX_VARIANTS", "BranchError", "Traced", "trace"]

_AUTOGRAD = Path(__file__).resolve().parent.parent
_PACKAGES = (_AUTOGRAD, _AUTOGRAD.parent / "nn")
"""chainrule's packages: a refusal names the first line outside them (their wings included)."""
"""chainrule's own packages: a refusal names the first line outside them (the user's line)."""

MAX_VARIANTS = 32
"""How many programs one traced function may have, one per outcome of its decisions on the inputs
(``int(y)``, ``y > 0``, ...): past that, the recording is refused (decide inside ops instead)."""


class BranchError(TypeError):
    """``fn`` decided on a number the replay cannot follow (a Value's, or an input's outside the
    checked forms) while being traced: the recording is refused, naming the decision and the line."""


class _Refused(Exception):
    """Raised by a generated program that cannot finish: ``Traced`` then finds out why and says so."""


_MISSING = object()
"""An input left out of a call (the generated program's default): the call is then looked at closely."""

_VALUE_ADVICE = (
    "A traced function must run the same ops whatever the numbers are: the replay cannot take\n"
    "the other branch. Write it without comparing Values (relu(), abs(), leaky_relu() and the\n"
    "loss functions handle both sides inside one op), or use the Value path (backward()).")
_INPUT_ADVICE = (
    "An input's number reaches the program only through ops (x * w, x.exp(), Value(x)) and the\n"
    "decisions the replay checks on every call (comparisons, bool, int, round, floor, ceil of the\n"
    "input itself): see docs/static_graphs.md, or use the Value path (backward()).")


def _in_packages(path: Path) -> bool:
    return any(folder in path.parents for folder in _PACKAGES)


def _user_line() -> str:
    """``file:line: source`` of the innermost caller outside chainrule's packages."""
    frame = sys._getframe(2)
    while frame is not None and (_in_packages(Path(frame.f_code.co_filename).resolve())
                                 or frame.f_globals.get("__name__") == "contextlib"):
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
        return repr(x.label) if x.label else f"Value(data={format_number(number_of(x))})"
    return repr(x)


def _branch(what: str, advice: str = _VALUE_ADVICE) -> BranchError:
    """The refusal of a decision: what decided it, where, and what to write instead."""
    return BranchError(f"trace: {what}\n  at {_user_line()}\n{advice}")


_COUNT_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Guard:
    """A decision made on the inputs while recording, as conditions that hold for every sample the
    recorded program is right for: ``floats`` on the numbers ``inputs[i]``, ``batch`` on arrays."""

    readable: str
    floats: str
    batch: str


class _Recorder:
    """One recording, in one thread: the inputs' numbers handed to ops, their leaves, the decisions
    made on them (guards), and the refusals of what the replay could not follow."""

    def __init__(self) -> None:
        self.given: dict[int, tuple[str, float]] = {}
        self.leaves: dict[str, Value] = {}
        self.guards: list[_Guard] = []
        self._depends: dict[Value, str | None] = {}

    # --- the inputs' numbers, handed only to ops ----------------------------------------------
    def hand_over(self, x: _Input) -> float:
        """A fresh float object for input ``x``, remembered: where the graph keeps it as an op's
        plain number (or a leaf's), the program reads the input instead."""
        number = x._number * 1.0  # a new object (float arithmetic never returns a cached one)
        self.given[id(number)] = (x._name, number)
        return number

    def input_name(self, x: object) -> str | None:
        """The input a float of the graph came from (the very object handed out), or None."""
        found = self.given.get(id(x))
        return found[0] if found is not None and found[1] is x else None

    @contextmanager
    def recording(self) -> Iterator[None]:
        """This recorder active in this thread (only): Values and inputs report to it."""
        state = _engine._recording
        previous = state.recorder
        with _COUNT_LOCK:
            _engine.recording_threads += 1
        state.recorder = self
        try:
            yield
        finally:
            state.recorder = previous
            with _COUNT_LOCK:
                _engine.recording_threads -= 1

    # --- what Value and grad_mode report (autograd/value.py, autograd/grad_mode.py) -----------
    def value_decision(self, v: Value, symbol: str, other: object) -> None:
        """A comparison, ``bool`` or ``float`` of a Value while recording: refused."""
        if symbol == "bool":
            raise _branch(f"bool({_shown(v)}) (an if or while on a Value) decides a branch")
        if symbol == "float":
            raise _branch(f"float({_shown(v)}) turns a Value into a number the replay would never update")
        raise _branch(f"the comparison {_shown(v)} {symbol} {_shown(other)} decides a branch")

    def number_read(self, v: Value, what: str) -> None:
        """``v.data`` (``round(v)``, ``detach()``, ...) while recording: refused if v was computed
        from an input, whose number the program would otherwise keep from this sample."""
        name = self.depends(v)
        if name is not None:
            raise _branch(f"{what} of {_shown(v)} reads the number of a value computed from input "
                          f"{name}; the replay would keep this sample's number", _INPUT_ADVICE)

    def no_grad_opened(self) -> None:
        """``no_grad()`` inside a traced function: refused (its values would be baked in)."""
        raise _branch("no_grad() inside a traced function: the values computed in it would become "
                      "constants of the program", _INPUT_ADVICE)

    def backward_called(self) -> None:
        """``backward()`` inside a traced function: refused (the grads it leaves would be read as
        numbers of this sample; the program does its own backward pass)."""
        raise _branch("backward() inside a traced function: the program runs its own backward pass, "
                      "and grads read from this one would be this sample's numbers", _INPUT_ADVICE)

    def depends(self, v: Value) -> str | None:
        """The name of an input ``v`` was computed from (its number or an op's plain number), or None."""
        memo = self._depends
        stack = [v]
        while stack:
            u = stack[-1]
            if u in memo:
                stack.pop()
                continue
            found = None
            if u.is_leaf:
                found = self.input_name(number_of(u))
            else:
                for c in constants(u):
                    found = found or self.input_name(c)
            parents = operands(u)
            pending = []
            for p in parents:
                if p not in memo:
                    pending.append(p)
                elif found is None:
                    found = memo[p]
            if pending and found is None:
                stack.extend(pending)
                continue
            memo[u] = found
            stack.pop()
        return memo[v]

    def guard(self, readable: str, floats: str, batch: str) -> None:
        """Remember a decision on the inputs (with its outcome) that the replay checks on every call."""
        self.guards.append(_Guard(readable, floats, batch))


def _literal(x: float) -> str:
    """A float as source that reads back as itself (``inf`` is a name in the guards' namespace)."""
    return codegen._literal(x) if x - x == 0.0 else ("inf" if x > 0 else "(-inf)")


def _compare(symbol: str, test: Callable[[float, float], bool]) -> Callable[[_Input, Any], Any]:
    """A comparison of an input: the outcome, checked on every call (a guard)."""
    def compare(self: _Input, other: Any) -> Any:
        self._check()
        if isinstance(other, _Input):
            other._check()
            number, text, readable = other._number, f"inputs[{other._index}]", other._name
        elif isinstance(other, Value):
            raise _branch(f"the comparison {self._name} {symbol} {_shown(other)} decides a branch")
        elif isinstance(other, numbers.Real):
            try:
                number = float(other)
            except OverflowError:  # beyond every float: the same outcome for any finite input
                return test(self._number, other)  # type: ignore[arg-type]
            if number != number:  # NaN: the same outcome for any input
                return test(self._number, number)
            text = readable = _literal(number)
        else:
            return NotImplemented
        outcome = test(self._number, number)
        condition = f"inputs[{self._index}] {symbol} {text}"
        self._recorder.guard(f"{self._name} {symbol} {readable}" if outcome else
                             f"not {self._name} {symbol} {readable}",
                             condition if outcome else f"not ({condition})",
                             f"({condition})" if outcome else f"~({condition})")
        return outcome
    return compare


def _integral(how: str, batch: str, function: Callable[[float], int]) -> Callable[[_Input], int]:
    """``int(x)``, ``math.floor(x)``, ...: the whole number, checked on every call (a guard)."""
    def whole(self: _Input) -> int:
        self._check()
        k = function(self._number)
        condition = f"{how}(inputs[{self._index}]) == {_literal(float(k))}"
        self._recorder.guard(f"{how}({self._name}) == {k}", condition,
                             f"({batch}(inputs[{self._index}]) == {_literal(float(k))})")
        return k
    return whole


def _refuse(what: str) -> Callable[..., Any]:
    """A method of an input that would hand out its number unchecked: refused."""
    def refuse(self: _Input, *other: Any) -> Any:
        raise _branch(f"{what.format(x=self._name)} would use input {self._name}'s number for this "
                      f"sample only", _INPUT_ADVICE)
    return refuse


class _Input:
    """An input while ``fn`` is traced: not a number. It computes like a Value (``x * 2``,
    ``x.exp()``, ``w * x``), is handed to ops as their plain number (a data sample in ``dot``, a
    loss's target, a class index), and decisions on it (comparisons, ``bool``, ``int``, ``round``,
    ``floor``, ``ceil``) give this sample's outcome and are checked on every call. Anything else
    that would take its number out (``float(x)``, ``math.exp(x)``, ``hash``, ``%``) is refused."""

    __slots__ = ("_index", "_name", "_number", "_recorder")

    def __init__(self, number: float, name: str, index: int, recorder: _Recorder) -> None:
        self._number = number
        self._name = name
        self._index = index
        self._recorder = recorder

    def _check(self) -> None:
        """Refuse the input outside its recording (kept for later, or used from another thread)."""
        if _engine._recording.recorder is not self._recorder:
            raise _branch(f"input {self._name} of a traced function was used outside its recording "
                          f"(after it, or in another thread)", _INPUT_ADVICE)

    def _engine_operand(self, where: str) -> float:
        """The number for an op of the engine (``autograd.value._as_operand``), remembered."""
        self._check()
        return self._recorder.hand_over(self)

    def _value(self) -> Value:
        """The input's leaf Value (made on first use), for computing with the input."""
        self._check()
        leaf = self._recorder.leaves.get(self._name)
        if leaf is None:
            leaf = self._recorder.leaves[self._name] = Value(self, self._name)
        return leaf

    def __getattr__(self, name: str) -> Any:  # x.exp(), x.sigmoid(), ...
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._value(), name)

    def __repr__(self) -> str:
        return f"<input {self._name} while tracing>"

    def __format__(self, spec: str) -> str:
        if spec:
            raise _branch(f"format({self._name}, {spec!r}) would use input {self._name}'s number for "
                          f"this sample only", _INPUT_ADVICE)
        return repr(self)

    def __pos__(self) -> _Input:
        return self

    def __bool__(self) -> bool:
        self._check()
        outcome = self._number != 0.0
        condition = f"inputs[{self._index}] != 0.0"
        self._recorder.guard(f"bool({self._name}) is {outcome}", condition if outcome else
                             f"not ({condition})", f"({condition})" if outcome else f"~({condition})")
        return outcome

    def __round__(self, ndigits: Any = None) -> Any:
        self._check()
        if ndigits is None:
            k = round(self._number)
            literal = _literal(float(k))
            self._recorder.guard(f"round({self._name}) == {k}", f"round(inputs[{self._index}]) == "
                                 f"{literal}", f"(rint(inputs[{self._index}]) == {literal})")
            return k
        if isinstance(ndigits, _Input) or isinstance(ndigits, bool) or not isinstance(ndigits, int):
            raise _branch(f"round({self._name}, {ndigits!r}): ndigits must be a plain int",
                          _INPUT_ADVICE)
        r = round(self._number, ndigits)
        literal = _literal(r)
        self._recorder.guard(f"round({self._name}, {ndigits}) == {literal}",
                             f"round(inputs[{self._index}], {ndigits}) == {literal}",
                             f"(round_each(inputs[{self._index}], {ndigits}) == {literal})")
        return r

    __int__ = __trunc__ = _integral("trunc", "trunc", math.trunc)
    __floor__ = _integral("floor", "floor", math.floor)
    __ceil__ = _integral("ceil", "ceil", math.ceil)
    __lt__ = _compare("<", lambda a, b: a < b)
    __le__ = _compare("<=", lambda a, b: a <= b)
    __gt__ = _compare(">", lambda a, b: a > b)
    __ge__ = _compare(">=", lambda a, b: a >= b)
    __eq__ = _compare("==", lambda a, b: a == b)  # type: ignore[assignment]
    __ne__ = _compare("!=", lambda a, b: a != b)  # type: ignore[assignment]
    __float__ = _refuse("float({x})")
    __complex__ = _refuse("complex({x})")
    __index__ = _refuse("{x} as an index or a count (write int({x}), which the replay checks)")
    __hash__ = _refuse("hash({x}) (a dict or set lookup)")  # type: ignore[assignment]


numbers.Real.register(_Input)  # so that engine checks say "an input", not "not a number"


def _delegate(method: str) -> Callable[..., Any]:
    """An arithmetic method of an input that computes with the input's leaf Value instead."""
    def apply(self: _Input, *other: Any) -> Any:
        return getattr(self._value(), method)(*other)
    return apply


for _method in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
                "__rtruediv__", "__pow__", "__rpow__", "__neg__", "__abs__"):
    setattr(_Input, _method, _delegate(_method))
for _method in ("__mod__", "__rmod__", "__floordiv__", "__rfloordiv__", "__divmod__", "__rdivmod__"):
    setattr(_Input, _method, _refuse(_method.strip("_") + "({x})"))


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


class _NumPyOnFirstUse:
    """numpy, imported when the batch replay first needs it, so that ``import autograd`` and the
    one-sample replay work without numpy (in the browser, under Pyodide). The first attribute read
    puts the real module in this name's place."""

    def __getattr__(self, name: str) -> Any:
        from ..installation import numpy_for
        module = numpy_for("a traced step called with a batch (arrays or lists)")
        globals()["np"] = module
        return getattr(module, name)


np: Any = _NumPyOnFirstUse()


def _is_array(x: Any) -> bool:
    """True for a numpy array (never True while numpy has not been imported, so it needs no numpy)."""
    numpy = sys.modules.get("numpy")
    return numpy is not None and type(x) is numpy.ndarray


def _array_excess(values: Sequence[Any]) -> Any:
    """``rules.excess`` elementwise over the batch: the sum of the terms other than the first 1.0."""
    stacked = np.array(np.broadcast_arrays(*values), dtype=float)
    first = np.argmax(stacked >= 1.0, axis=0)
    if stacked.ndim == 1:
        stacked[first] = 0.0
    else:
        stacked[first, np.arange(stacked.shape[1])] = 0.0
    return stacked.sum(axis=0)


def _array_pick(c: Any, values: Sequence[Any]) -> Any:
    """values[c] elementwise over the batch (c a whole-number array, checked by the domain line)."""
    return np.choose(np.asarray(c).astype(np.intp), values)


def _round_each(x: np.ndarray, ndigits: int) -> np.ndarray:
    """Python's ``round(v, ndigits)`` of each sample (NumPy's rounding is not the same)."""
    return np.array([round(v, ndigits) for v in x.tolist()])


@functools.cache
def _batch_functions() -> dict[str, Any]:
    """The batch program's functions: numpy's, elementwise over the batch."""
    return {"exp": np.exp, "log": np.log, "log1p": np.log1p, "sqrt": np.sqrt, "tanh": np.tanh,
            "floor": np.floor, "where": np.where, "every": np.all, "excess": _array_excess,
            "pick": _array_pick, "largest": lambda values: functools.reduce(np.maximum, values)}


_GUARD_FLOATS = {"trunc": math.trunc, "floor": math.floor, "ceil": math.ceil, "round": round,
                 "inf": math.inf}


@functools.cache
def _guard_batch() -> dict[str, Any]:
    """The functions a batch guard uses: numpy's, elementwise over the batch."""
    return {"trunc": np.trunc, "floor": np.floor, "ceil": np.ceil, "rint": np.rint,
            "round_each": _round_each, "inf": math.inf}


def _array_fsum(values: Sequence[Any]) -> Any:
    """Σ values, elementwise over the batch, added left to right."""
    result = values[0] + 0.0
    for x in values[1:]:
        result = result + x
    return result


def _total(value: Any, n: int) -> float:
    """Σ over the batch of a per-sample value (a number that does not depend on the sample: n times)."""
    return float(value.sum()) if _is_array(value) else float(value) * n


def _spread(value: Any, n: int) -> np.ndarray:
    """The n losses as an array (a loss that does not depend on the inputs is the same n times)."""
    return value if _is_array(value) and value.shape == (n,) else np.full(n, value, dtype=float)


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


class _Variant:
    """One recorded graph and its programs, right for the samples whose decisions (``guards``) come
    out as they did when it was recorded (every sample, if the function decided nothing)."""

    def __init__(self, order: list[Value], recorder: _Recorder, leaves: tuple[Value, ...],
                 wanted: set[Value], input_of_leaf: dict[Value, str], graph_text: codegen.GraphText,
                 root: Value) -> None:
        self.order, self.recorder, self.leaves = order, recorder, leaves
        self.wanted, self.input_of_leaf, self.graph_text, self.root = wanted, input_of_leaf, graph_text, root
        self.guards = tuple(recorder.guards)
        self.floats = codegen.write_program(graph_text, "floats", "forward_backward")
        self.floats.namespace.update(codegen.FLOAT_FUNCTIONS, REFUSED=_Refused, MISSING=_MISSING)
        self.function = self.floats.function()
        self.batch: Callable[..., Any] | None = None
        self.batch_text: codegen.Program | None = None
        floats = " and ".join(g.floats for g in self.guards) or "True"
        batch = " & ".join(g.batch for g in self.guards) or "True"
        self.accepts: Callable[..., bool] = eval(f"lambda *inputs: {floats}", dict(_GUARD_FLOATS))
        self._batch_guards = batch
        self._accepts_batch: Callable[..., Any] | None = None

    def accepts_batch(self, arrays: Sequence[np.ndarray], n: int) -> np.ndarray:
        """A mask of the samples this variant's decisions hold for."""
        if self._accepts_batch is None:  # made on first use: it needs numpy
            self._accepts_batch = eval(f"lambda *inputs: {self._batch_guards}", dict(_guard_batch()))
        return np.broadcast_to(np.asarray(self._accepts_batch(*arrays), dtype=bool), (n,))

    def batch_program(self) -> Callable[..., Any]:
        if self.batch is None:
            with _collector_paused():
                self.batch_text = codegen.write_program(self.graph_text, "batch", "forward_backward_batch")
                self.batch_text.namespace.update(_batch_functions(), fsum=_array_fsum, spread=_spread,
                                                 total=_total, REFUSED=_Refused)
                self.batch = self.batch_text.function()
        return self.batch


_DISPATCH = """\
def dispatch(step, *inputs, seed=1.0):
    try:
        k = ({choices}) if len(inputs) == {n} else -1
    except Exception:  # a non-number: call_carefully says what is wrong
        k = -1
    if k < 0:
        return step.call_carefully(inputs, seed)
    return functions[k](step, *inputs, seed=seed)
"""


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
        self._variants: list[_Variant] = []
        self._lock = threading.RLock()
        self._n = -1 if self._arguments is None else len(self._arguments)

    # --- recording ----------------------------------------------------------------------------
    def _record(self, sample: Sequence[float]) -> _Variant:
        """The variant for ``sample``: found, or recorded now by running ``fn`` on it with the engine."""
        with self._lock:  # one recording at a time per step; another thread may have made it
            for variant in self._variants:
                if variant.accepts(*sample):
                    return variant
            if len(self._variants) >= MAX_VARIANTS:
                last = "; ".join(g.readable for g in self._variants[-1].guards)
                raise RuntimeError(
                    f"{self._label}: {MAX_VARIANTS} programs recorded already, one per outcome of the "
                    f"function's decisions on its inputs (the last: {last}): decide inside ops "
                    f"(relu(), abs(), a loss's own row) or use the Value path")
            variant = self._recorded(sample)
            self._variants.append(variant)
            self._install()
            return variant

    def _install(self) -> None:
        """Calling the step runs the program directly (one variant that decided nothing) or through
        a dispatcher that checks each variant's decisions (no extra call otherwise)."""
        variants = self._variants
        if len(variants) == 1 and not variants[0].guards:
            call = variants[0].function
        else:
            choices = " else ".join(f"{k} if {' and '.join(g.floats for g in v.guards) or 'True'}"
                                    for k, v in enumerate(variants)) + " else -1"
            namespace: dict[str, Any] = dict(_GUARD_FLOATS, functions=[v.function for v in variants])
            exec(compile(_DISPATCH.format(choices=choices, n=self._n), "<replay dispatch>", "exec"),
                 namespace)
            call = namespace["dispatch"]
        self.__class__ = type("Traced", (Traced,), {"__call__": call, "__doc__": Traced.__doc__})

    def _recorded(self, sample: Sequence[float]) -> _Variant:
        """Run ``fn`` once on ``sample`` with the engine, keep its graph and write its program."""
        if not grad_mode.is_recording():
            raise RuntimeError("trace: the first call ran inside no_grad(), so no graph could be "
                               "recorded; call the step outside no_grad()")
        arguments = self._arguments or tuple(f"x{i}" for i in range(len(sample)))
        recorder = _Recorder()
        placeholders = [_Input(x, name, i, recorder) for i, (x, name) in enumerate(zip(sample, arguments))]
        with recorder.recording():
            result = self._fn(*placeholders)
        if isinstance(result, list) and len(result) == 1:
            result = result[0]
        if type(result) is not Value or result.is_leaf:
            raise TypeError(f"trace: {self._label} must return a Value made by ops (the loss), got "
                            f"{_shown(result) if not isinstance(result, Value) else 'a leaf'}")
        order = topological_order(result)
        input_of_leaf: dict[Value, str] = {}
        leaves: list[Value] = []
        for v in order:
            if v.is_leaf:
                name = recorder.input_name(number_of(v))
                if name is not None:
                    input_of_leaf[v] = name
                else:
                    leaves.append(v)
        wanted = set(leaves) if self._params is None else set(self._params) & set(leaves)
        if self._params is not None:  # the parameters in the order given, then other leaves
            position = {p: i for i, p in enumerate(self._params)}
            leaves.sort(key=lambda v: position.get(v, len(position)))
        names = dict(self._names)
        names.update({leaf: name for name, leaf in recorder.leaves.items()})

        given, literals = recorder.given, {}

        def constant(c: float) -> str:
            found = given.get(id(c))
            if found is not None and found[1] is c:
                return found[0]
            text = literals.get(c) if c else None  # (0.0 and -0.0 are equal keys: not cached)
            if text is None:
                text = literals[c] = codegen._literal(c)
            return text

        with _collector_paused():
            graph_text = codegen.GraphText(order, node_names(order, names), arguments,
                                           {v: i for i, v in enumerate(leaves)}, input_of_leaf,
                                           constant, wanted)
            self._arguments = arguments
            self._n = len(arguments)
            return _Variant(order, recorder, tuple(leaves), wanted, input_of_leaf, graph_text, result)

    def _variant_for(self, sample: Sequence[float]) -> _Variant:
        """The variant whose decisions hold for ``sample`` (recorded now if there is none)."""
        for variant in self._variants:
            if variant.accepts(*sample):
                return variant
        return self._record(sample)

    # --- calling --------------------------------------------------------------------------------
    def __call__(self, *inputs: Any, seed: float = 1.0) -> Any:
        """Forward and backward on one sample (floats) or a batch (1-D arrays of one length n).

        Adds d(loss)/d(parameter), times ``seed``, into each parameter's ``.grad`` (for a batch:
        summed over the samples) and returns the loss (for a batch: the n losses).
        """
        return self.call_carefully(inputs, seed)  # the first call: records the graph

    def _fast_batch(self, inputs: tuple[Any, ...], seed: float) -> np.ndarray | None:
        """The batch program on float arrays of one length, or None if anything needs a closer look."""
        first = inputs[0]
        if first.ndim != 1 or len(inputs) != self._n:
            return None
        n = len(first)
        shape = (n,)
        if n == 0:
            return None
        for x in inputs:
            if type(x) is not np.ndarray or x.dtype != np.float64 or x.shape != shape:
                return None
        with np.errstate(all="ignore"):
            check = sum([x.sum() for x in inputs])
            if check - check != 0.0:
                return None
            return self._run_batch(inputs, seed, n)

    def _run_batch(self, arrays: Sequence[np.ndarray], seed: float, n: int) -> np.ndarray | None:
        """The batch programs on checked arrays (each variant on its samples), or None (and no grad
        changed) if a program refused."""
        variants = self._variants
        if len(variants) == 1 and not variants[0].guards:
            try:
                return variants[0].batch_program()(*arrays, seed, n)
            except (_Refused, ArithmeticError, ValueError, TypeError):
                return None
        chosen = np.full(n, -1)
        done = 0
        while True:
            for k in range(done, len(self._variants)):
                free = chosen < 0
                chosen[self._variants[k].accepts_batch(arrays, n) & free] = k
            done = len(self._variants)
            left = np.flatnonzero(chosen < 0)
            if not left.size:
                break
            i = int(left[0])
            try:
                self._record([float(a[i]) for a in arrays])
            except (ValueError, ArithmeticError) as error:
                raise type(error)(f"sample {i}: {error}") from None
        variants = self._variants
        saved = {leaf: leaf.grad for v in variants for leaf in v.wanted}
        losses = np.empty(n)
        try:
            for k, variant in enumerate(variants):
                where = np.flatnonzero(chosen == k)
                if where.size:
                    part = variant.batch_program()(*[a[where] for a in arrays], seed, where.size)
                    losses[where] = part
        except (_Refused, ArithmeticError, ValueError, TypeError):
            for leaf, grad in saved.items():
                store_grad(leaf, grad)
            return None
        return losses

    def call_carefully(self, inputs: tuple[Any, ...], seed: float) -> Any:
        """A call the generated program did not finish: check the inputs, record the graph on the first
        call (or for a new outcome of its decisions), run a batch, or find out what went wrong (and
        say it as the engine would)."""
        inputs = tuple(x for x in inputs if x is not _MISSING)
        if self._variants and inputs and _is_array(inputs[0]):
            losses = self._fast_batch(inputs, seed)
            if losses is not None:
                return losses
        if self._n >= 0 and len(inputs) != self._n:
            raise TypeError(f"{self._label} takes {self._n} input{'s' if self._n != 1 else ''} "
                            f"({', '.join(self._arguments or ())}), got {len(inputs)}")
        seed = as_float(seed, f"{self._label}: seed")
        batch = [_is_array(x) or isinstance(x, (list, tuple)) for x in inputs]
        if any(batch):
            if not all(batch):
                raise TypeError(f"{self._label}: give every input as a number (one sample) or every "
                                f"input as a 1-D array (a batch), not a mix")
            return self._call_batch(inputs, seed)
        names = self._arguments or tuple(f"x{i}" for i in range(len(inputs)))
        sample = [_checked(x, f"{self._label}: input {name}") for x, name in zip(inputs, names)]
        variant = self._variant_for(sample)
        try:
            return variant.function(self, *sample, seed=seed, first_try=False)
        except (_Refused, ArithmeticError, ValueError, TypeError):
            pass
        loss, grads = self._interpret(variant, sample, seed)  # raises what the engine would, or
        for leaf, grad in grads.items():                        # (a false alarm) gives the same numbers
            leaf.grad = grad
        return loss

    def _call_batch(self, inputs: tuple[Any, ...], seed: float) -> np.ndarray:
        names = self._arguments or tuple(f"x{i}" for i in range(len(inputs)))
        arrays = [_batch_array(x, f"{self._label}: input {name}") for x, name in zip(inputs, names)]
        lengths = {len(a) for a in arrays}
        if len(lengths) > 1:
            shown = ", ".join(f"{name}: {len(a)}" for name, a in zip(names, arrays))
            raise ValueError(f"{self._label}: the input arrays have different lengths ({shown})")
        n = lengths.pop() if lengths else 1
        if n == 0:
            raise ValueError(f"{self._label}: the input arrays are empty")
        if not self._variants:
            try:
                self._record([float(a[0]) for a in arrays])
            except (ValueError, ArithmeticError) as error:
                raise type(error)(f"sample 0: {error}") from None
        with np.errstate(all="ignore"):
            losses = self._run_batch(arrays, seed, n)
        if losses is not None:
            return losses
        saved = {leaf: leaf.grad for v in self._variants for leaf in v.wanted}
        losses = np.empty(n)
        for i in range(n):  # sample by sample, checked: the first bad one is named
            sample = [float(a[i]) for a in arrays]
            try:
                losses[i], grads = self._interpret(self._variant_for(sample), sample, seed)
            except (ArithmeticError, ValueError) as error:
                for leaf, grad in saved.items():
                    store_grad(leaf, grad)
                raise type(error)(f"sample {i}: {error}") from None
            for leaf, grad in grads.items():
                leaf.grad = grad
        return losses

    # --- explaining a refusal: the recorded graph, op by op, with the engine's checks ----------
    def _interpret(self, variant: _Variant, sample: Sequence[float],
                   seed: float) -> tuple[float, dict[Value, float]]:
        """The graph replayed op by op with each rule's forward and check, as the engine runs it: raises
        what the engine would raise, else returns the loss and the wanted leaves' new grads."""
        given = dict(zip(self._arguments or (), sample))
        recorder = variant.recorder

        def number(c: float) -> float:
            name = recorder.input_name(c)
            return c if name is None else given[name]

        data: dict[Value, float] = {}
        local: dict[Value, Sequence[float]] = {}
        for v in variant.order:
            rule = v.rule
            if rule is None:
                data[v] = given[variant.input_of_leaf[v]] if v in variant.input_of_leaf else number_of(v)
                continue
            parents = operands(v)  # every row takes its Values, then its plain numbers
            args = (*[data[p] for p in parents], *[number(c) for c in constants(v)])
            if not rule.variadic:
                if rule.check is not None and (why := rule.check(*args)) is not None:
                    raise op_error(rule, args, why)
                try:
                    out, *d = rule.forward(*args)
                    if out - out + math.fsum(x - x for x in d) != 0.0:
                        raise ArithmeticError
                except ArithmeticError:
                    raise _explain(rule, args) from None
            else:
                if rule.check is not None and (why := rule.check(*args)) is not None:
                    raise ValueError(f"softmax_cross_entropy: {why}")  # the one variadic row with a check
                try:
                    out, *d = rule.forward(*args)
                except (ArithmeticError, ValueError):
                    raise OverflowError(f"{rule.expr}: the result overflows the float range "
                                        f"(about ±1.8e308)") from None
                d = d[: len(parents)]
                if out - out != 0.0 or any(x - x != 0.0 for x in d):
                    raise OverflowError(f"{rule.expr}: the result ({out!r}) or a local derivative "
                                        f"overflows the float range (about ±1.8e308)")
            data[v], local[v] = out, d
        names = variant.graph_text.names
        grads = {v: (v.grad if v in variant.wanted else 0.0) for v in variant.order}
        root = variant.order[-1]
        grads[root] += seed
        for v in reversed(variant.order):
            g = grads[v]
            if g - g != 0.0:
                raise NonFiniteGradientError(
                    f"replay: the gradient of node {names[v]!r} (data={data[v]!r}) is {g!r}; "
                    f"d(output)/d(node) overflowed the float range on the way back from the output "
                    f"(data={data[root]!r}). Scale the inputs or the loss down.")
            if not v.is_leaf:
                for parent, d in zip(operands(v), local[v]):
                    grads[parent] += d * g
        return data[root], {leaf: grads[leaf] for leaf in variant.wanted}

    # --- looking at it -----------------------------------------------------------------------
    def _first(self) -> _Variant:
        if not self._variants:
            raise RuntimeError(f"{self._label} has not been traced yet: call it once (it records the "
                               f"graph on its first call), or pass example=(...) to trace()")
        return self._variants[0]

    @property
    def source(self) -> str:
        """The generated Python for one sample: one line per forward op and per chain-rule edge
        (of the first recording; see ``decisions`` for a function that decides on its inputs)."""
        return self._first().floats.source

    @property
    def batch_source(self) -> str:
        """The generated Python for a NumPy batch (the same lines, on arrays)."""
        variant = self._first()
        variant.batch_program()
        assert variant.batch_text is not None
        return variant.batch_text.source

    @property
    def decisions(self) -> list[tuple[str, ...]]:
        """For each recorded program, the decisions on the inputs it was recorded with (each is
        checked on every call; a call whose decisions differ runs, or records, another program).

        >>> from autograd import Value
        >>> w = Value(2.0, "w")
        >>> step = trace(lambda x: w * x if x > 0 else w * -x, params=[w])
        >>> step(3.0), step(-3.0), step.decisions
        (6.0, 6.0, [('x > 0.0',), ('not x > 0.0',)])
        """
        self._first()
        return [tuple(g.readable for g in v.guards) for v in self._variants]

    @property
    def graph(self) -> Value:
        """The recorded graph's output (the loss of the first call's inputs): draw it, step through it."""
        return self._first().root

    @property
    def inputs(self) -> tuple[str, ...]:
        """The names of the inputs, in call order."""
        return self._arguments or ()

    def __len__(self) -> int:
        """The number of ops in the recorded graph."""
        return sum(1 for v in self._first().order if not v.is_leaf)

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
        dL_dw = leaf_w._grad                                         # 0
        dL_dw += x * dL_dL                                            # 2
        check = L + dL_dw + x                                         # 10
        if check - check != 0.0: raise REFUSED
        leaf_w._grad = dL_dw
        """
        self._first()
        names = self._arguments or ()
        sample = [_checked(x, f"{self._label}: input {name}") for x, name in zip(inputs, names)]
        if len(sample) != self._n or len(inputs) != self._n:
            raise TypeError(f"{self._label}.walk takes {self._n} inputs, got {len(inputs)}")
        variant = self._variant_for(sample)
        # one scope for the program's names and its variables, so that a comprehension in a line
        # (fsum([exp(ai - m_L) for ai in ...])) sees them too
        scope: dict[str, Any] = dict(variant.floats.namespace)
        scope.update(zip(variant.floats.inputs, sample), seed=as_float(seed, "walk: seed"))
        lines = Walk()
        for statement in variant.floats.body:
            if statement.shown_only:  # it writes into a .grad
                lines.append(Line(statement.text, None, None))
                continue
            try:
                exec(statement.text, scope)
            except (_Refused, ArithmeticError, ValueError):
                self._interpret(variant, sample, scope["seed"])
                raise
            value = scope.get(statement.target) if statement.target else None
            lines.append(Line(statement.text, statement.target, value, statement.note))
        return lines

    def __repr__(self) -> str:
        if not self._variants:
            return f"<Traced {self._label}: not traced yet (traces on its first call)>"
        more = f", {len(self._variants)} programs" if len(self._variants) > 1 else ""
        return f"<Traced {self._label}: {len(self)} ops, inputs ({', '.join(self.inputs)}){more}>"


def _checked(x: object, where: str) -> float:
    """One input of one sample as a finite float, refused as ``Value(x)`` refuses it."""
    if _is_array(x):  # a 0-d array: one number, but a batch has 1-D arrays
        raise TypeError(f"{where} must be a number or a 1-D array, got a {x.ndim}-d array")
    return as_float(x, where)


def _batch_array(x: object, where: str) -> np.ndarray:
    """One input of a batch as a 1-D float array, its numbers refused as ``Value(x)`` refuses them,
    naming the first bad sample."""
    if isinstance(x, np.ndarray) and x.dtype.kind in "fiu":
        array = x
    else:
        items = x.tolist() if isinstance(x, np.ndarray) else x
        if isinstance(x, np.ndarray) and x.ndim != 1:
            raise ValueError(f"{where} must be 1-D (one number per sample), got shape {x.shape}")
        for i, item in enumerate(items):  # type: ignore[arg-type]
            if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Real):
                raise TypeError(f"{where} must hold real numbers (int or float), got "
                                f"{type(item).__name__} {item!r} at sample {i}")
        try:
            array = np.asarray(items, dtype=float)
        except OverflowError:
            array = np.array([as_float(item, f"{where}, sample {i}")
                              for i, item in enumerate(items)])  # type: ignore[arg-type]
    if array.ndim != 1:
        raise ValueError(f"{where} must be 1-D (one number per sample), got shape {array.shape}")
    array = array.astype(float, copy=False)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(f"{where} must be finite, got {float(array[bad[0]])!r} at sample {bad[0]}")
    return array


def trace(fn: Callable[..., Any], params: Iterable[Value] | None = None, *, names: Names | None = None,
          example: Sequence[float] | None = None) -> Traced:
    """Record ``fn``'s graph once (on the first call, or now on ``example``) and replay it after that.

    ``fn`` takes plain numbers (one sample) and returns a loss Value. ``params``: the leaves whose
    ``.grad`` each call adds into (None: every leaf that is not an input). ``names`` names Values
    in the generated code, as for ``step_through``. Decisions on an input (``if y > 0``,
    ``int(y)``) are checked on every call: a call that decides otherwise gets its own recording.
    See the module docstring and docs/static_graphs.md.

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
        step._record([_checked(x, f"{label}: example") for x in example])
    return step
