"""One recorded graph and its two programs (one sample on floats, a NumPy batch), with the guards
that say which samples it is right for (a function that decides on an input has one variant per
outcome), and the NumPy helpers the batch program calls (numpy imported on first use only)."""

from __future__ import annotations

import functools
import gc
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..engine.value import Value
from . import codegen
from .recording import _MISSING, _Recorder, _Refused


class _NumPyOnFirstUse:
    """numpy, imported when the batch replay first needs it, so that ``import autograd`` and the
    one-sample replay work without numpy (in the browser, under Pyodide). The first attribute read
    puts the real module in this name's place."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # introspection (doctest, inspect, copy) must not import numpy
            raise AttributeError(name)
        from ..installation import numpy_for
        module = numpy_for("a traced step called with a batch (arrays or lists)")
        globals()["np"] = module
        self.__dict__ = module.__dict__  # trace.py holds this object too: it now reads numpy's own names
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


class _Variant:
    """One recorded graph and its programs, right for the samples whose decisions (``guards``) come
    out as they did when it was recorded (every sample, if the function decided nothing)."""

    def __init__(self, order: list[Value], recorder: _Recorder, leaves: tuple[Value, ...],
                 wanted: set[Value], input_of_leaf: dict[Value, str], graph_text: codegen.GraphText,
                 root: Value) -> None:
        self.order, self.recorder, self.leaves = order, recorder, leaves
        self.wanted, self.input_of_leaf, self.graph_text, self.root = wanted, input_of_leaf, graph_text, root
        self.guards = tuple(recorder.guards)
        self._floats: codegen.Program | None = None
        self._function: Callable[..., Any] | None = None
        self.batch: Callable[..., Any] | None = None
        self.matrix: Any = None  # the matrix program (replay.matrix_program), made on first use
        self.batch_text: codegen.Program | None = None
        floats = " and ".join(g.floats for g in self.guards) or "True"
        batch = " & ".join(g.batch for g in self.guards) or "True"
        self.accepts: Callable[..., bool] = eval(f"lambda *inputs: {floats}", dict(_GUARD_FLOATS))
        self._batch_guards = batch
        self._accepts_batch: Callable[..., Any] | None = None

    @property
    def floats(self) -> codegen.Program:
        """The program for one sample, written on first use (a matrix fit never needs it)."""
        if self._floats is None:
            with _collector_paused():
                program = codegen.write_program(self.graph_text, "floats", "forward_backward")
                program.namespace.update(codegen.FLOAT_FUNCTIONS, REFUSED=_Refused, MISSING=_MISSING)
                self._function = program.function()
                self._floats = program
        return self._floats

    @property
    def function(self) -> Callable[..., Any]:
        """The compiled program for one sample (see ``floats``)."""
        if self._function is None:
            _ = self.floats
        return self._function  # type: ignore[return-value]

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
