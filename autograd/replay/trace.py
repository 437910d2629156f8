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

import inspect
import numbers
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..engine import grad_mode
from ..engine.backward import topological_order
from ..engine.node import number_of, store_grad
from ..engine.value import Value, as_float
from ..text import visible_text
from ..views.notation import Names, node_names, normalise_names
from . import codegen
from .program import float_literal
from .recording import _MISSING, BranchError, _Input, _Recorder, _Refused, _shown
from .variants import _GUARD_FLOATS, _collector_paused, _is_array, _Variant, np
from .walking import Line, Walk, interpret

__all__ = ["MAX_VARIANTS", "BranchError", "Traced", "trace"]

MAX_VARIANTS = 32
"""How many programs one traced function may have, one per outcome of its decisions on the inputs
(``int(y)``, ``y > 0``, ...): past that, the recording is refused (decide inside ops instead)."""


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

    def _install(self, write: bool = False) -> None:
        """Calling the step runs the program directly (one variant that decided nothing) or through
        a dispatcher that checks each variant's decisions (no extra call otherwise). Until each
        variant's program for one sample is written (on the first call on floats, or ``write``),
        calls go through ``call_carefully``."""
        variants = self._variants
        if any(v._function is None for v in variants) and not write:
            self.__class__ = Traced
            return
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
                text = literals[c] = float_literal(c)
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
        function = variant.function  # written on first use: its refusals (too large, no template) are raised
        try:
            loss = function(self, *sample, seed=seed, first_try=False)
        except (_Refused, ArithmeticError, ValueError, TypeError):
            pass
        else:
            if type(self) is Traced:  # the programs for one sample were written just now
                with self._lock:
                    self._install(write=True)
            return loss
        loss, grads = interpret(variant, self._arguments, sample, seed)  # raises what the engine would, or
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
                losses[i], grads = interpret(self._variant_for(sample), self._arguments, sample, seed)
            except (ArithmeticError, ValueError) as error:
                for leaf, grad in saved.items():
                    store_grad(leaf, grad)
                raise type(error)(f"sample {i}: {error}") from None
            for leaf, grad in grads.items():
                leaf.grad = grad
        return losses

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

    def matrix_program(self) -> Any:
        """The batch program with each layer of the graph as one matrix product (an
        ``autograd.replay.matrix_program.MatrixProgram``, made on first use), or None when the
        function decided on its inputs (then only the scalar replay follows each sample's decisions).

        >>> from autograd import Value, dot
        >>> w, b = [Value(0.5), Value(-1.0)], Value(0.25)
        >>> step = trace(lambda x0, x1: dot(w, [x0, x1], b, "tanh") ** 2, example=[1.0, 2.0])
        >>> [(layer.number, layer.shape, layer.activation) for layer in step.matrix_program().layers]
        [(1, (1, 2), 'tanh')]
        """
        variant = self._first()
        if len(self._variants) > 1 or variant.guards:
            return None
        if variant.matrix is None:
            from .matrix_program import MatrixProgram  # the replay's matrix form: numpy, on first use
            graph = variant.graph_text
            variant.matrix = MatrixProgram(variant.order, dict(graph.names), graph.arguments,
                                           variant.wanted, variant.input_of_leaf,
                                           variant.recorder.input_name, graph.constant, variant.leaves)
        return variant.matrix

    @property
    def matrix_source(self) -> str:
        """The matrix program's Python: each layer as ``z = W @ a + b``, the rest as ``batch_source``
        (see ``matrix_program``); a function that decides on its inputs has none (ValueError)."""
        program = self.matrix_program()
        if program is None:
            raise ValueError(f"{self._label} decides on its inputs ({'; '.join(self.decisions[0])}): "
                             f"it has no matrix program, only the scalar replay")
        return program.source

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
                interpret(variant, self._arguments, sample, scope["seed"])
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
