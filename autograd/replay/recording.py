"""Recording a traced function: the recorder Values and ``no_grad`` report to while it runs, the
inputs it is called with (``_Input``: a number handed only to ops), and the refusals of a decision
the replay could not follow (``BranchError``), each naming the user's line. ``trace.py`` runs it."""

from __future__ import annotations

import linecache
import math
import numbers
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import value as _engine
from ..engine.node import constants, number_of, operands
from ..engine.value import Value
from ..views.notation import format_number
from .program import float_literal

_AUTOGRAD = Path(__file__).resolve().parent.parent
_PACKAGES = (_AUTOGRAD, _AUTOGRAD.parent / "nn")
"""chainrule's packages: a refusal names the first line outside them (the user's line)."""


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

    # --- what Value and grad_mode report (autograd/engine/value.py, grad_mode.py) -----------
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
    return float_literal(x) if x - x == 0.0 else ("inf" if x > 0 else "(-inf)")


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
