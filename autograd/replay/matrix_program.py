"""The replay's matrix program: each layer found in the graph (``autograd.replay.layers_found``) as one
matrix product, the rest of the graph as the batch replay's scalar lines, for a batch of samples.

A batch is a matrix ``X`` with one column per sample and one row per input of the traced function.
Layer k computes ``zk = Wk @ ak_1 + bk`` (Wk: neurons × inputs, bk a column) and its activation on
the whole array; backward, ``deltak = act'(zk) * dL_dak``, ``dL_dWk = deltak @ ak_1.T``,
``dL_dbk = deltak.sum(axis=1)`` and ``dL_dak_1 = Wk.T @ deltak``: the layer view's equations. A
value of the graph that is not in a layer is an array of n numbers (one per sample), computed by the
line its row's ``Code`` template gives (as in ``autograd.replay.codegen``'s batch program); where it reads a
layer's output it reads a row of the matrix (``a2[3]``).

Same numbers as the scalar replay, except where sums are added in another order (allowed to about
1e-12 relative, for sums whose terms do not cancel): Σᵢ wⱼᵢ·xᵢ in ``W @ a`` (the graph adds left to
right; BLAS in blocks), Σⱼ wⱼᵢ·δⱼ in ``W.T @ delta`` and Σ over the samples in ``delta @ a.T`` and
``delta.sum`` (the graph adds each edge's term as the backward pass meets it). For a whole-neuron row
(``σ(w·x + b)``) the engine multiplies σ'(z)·xᵢ first and then δ; the matrix program multiplies
σ'(z)·δ first and then xᵢ: one rounding apart per term.

Parameters live in the program's arrays (``Wk``, ``bk``, and ``P`` for parameters outside layers);
``load()`` reads them from the Values and ``store()`` writes them back (data and grad), so that a
training loop can keep them in arrays for a whole run (``nn.matrix_fit``). The source is written
phase by phase in ``autograd.replay.matrix_writing``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..engine.node import number_of, store_grad
from ..engine.value import Value
from .layers_found import FoundLayer, find_layers, find_rows
from .matrix_writing import write_matrix_program

__all__ = ["MatrixProgram", "Refused"]


class Refused(ArithmeticError):
    """The matrix program met a value it cannot vouch for (inf, NaN, an op outside its domain): the
    caller runs the scalar replay instead, which gives the numbers or says what went wrong."""


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
        from ..installation import numpy_for
        np = numpy_for("the matrix replay")
        layers: list[FoundLayer] = find_layers(order, wanted, input_name, leaf_order)
        self.arguments = arguments
        rows, sums = find_rows(order, layers, input_name)
        self.source, namespace, (theta, gradient, flat), self.layers, self.rows, self.sums = \
            write_matrix_program(order, names, arguments, wanted, input_of_leaf, constant, layers, rows,
                                 sums, np)
        self.params: list[Any] = [theta]
        """The parameters' numbers, one flat array (W1 row by row, b1, W2, ..., then P)."""
        self.grads: list[Any] = [gradient]
        """Their gradients, in the same order."""
        self.leaves: list[list[Value]] = [flat]
        """The parameter Values, in the same order."""
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
            array.reshape(-1)[:] = [number_of(v) for v in leaves]
            grad.reshape(-1)[:] = [v.grad for v in leaves]

    def store(self) -> None:
        """Write the arrays' numbers and grads back into the parameters' Values (what they show)."""
        for array, grad, leaves in zip(self.params, self.grads, self.leaves):
            for v, x, g in zip(leaves, array.reshape(-1).tolist(), grad.reshape(-1).tolist()):
                v._data = x  # the slot (no node API writes data): the Values' own numbers, already checked
                store_grad(v, g)

    def zero_grad(self) -> None:
        """Set every gradient array to 0."""
        for grad in self.grads:
            grad.fill(0.0)


def _functions(np: Any) -> dict[str, Any]:
    """The names the matrix program calls."""
    from .variants import _batch_functions, _total

    def stack(n: int, rows: Sequence[Any]) -> Any:
        out = np.empty((len(rows), n))
        for i, row in enumerate(rows):
            out[i] = row
        return out

    def column(values: Sequence[Value]) -> Any:
        return np.array([number_of(v) for v in values]).reshape(-1, 1)

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
