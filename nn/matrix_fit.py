"""``fit(compiled="matrix")``: training with the replay's matrix program, parameters kept in arrays.

The per-sample loss is traced once (``autograd.trace``); its matrix program
(``autograd.replay.matrix_program``) computes each batch with one matrix product per layer. For the
whole run the parameters live in the program's arrays (W1, b1, ...), and ``SGD`` (with or without
momentum) and ``Adam`` step those arrays with the same float operations, in the same order, as
their ``step()`` on Values: the same numbers. The Values (``data`` and ``grad``) and the optimizer's
state (velocity, m, v, t) are brought up to date by ``publish()``: ``fit`` calls it after each epoch
when someone looks (a callback, the progress bar, ``param_change_below``), at the end, and when an
exception or Ctrl-C stops training.

Where the arrays cannot vouch for a number, the Values take over for that moment: a batch whose
matrix program meets inf, NaN or an op outside its domain runs the scalar batch replay (which gives
the numbers, or the error the Value path gives); an update that would overflow, or an Adam gradient
beyond 2**500, runs the optimizer's own ``step()`` on the Values. Another optimizer (anything with
``zero_grad`` and ``step``) works too, its ``step()`` run on the Values after each batch (correct,
but each batch then copies the parameters both ways).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, trace
from autograd.installation import numpy_for
from autograd.replay.matrix_program import MatrixProgram

from .optim import _HUGE, _HUGE_SQUARED, SGD, Adam

__all__ = ["MatrixTraining", "matrix_training"]


def matrix_training(model: Any, loss: Callable[..., Value], x: Sequence[Any], y: Sequence[Any],
                    optimizer: Any) -> MatrixTraining | None:
    """The matrix form of a compiled fit, or None where it does not apply (no layer found, or the
    loss decides on its inputs): then ``fit`` uses the scalar batch replay.

    >>> from nn import MLP, SGD, mse
    >>> net = MLP(2, [3, 1], activations="sigmoid", rng=0)
    >>> run = matrix_training(net, mse, [[0.0, 1.0], [1.0, 0.0]], [[1.0], [0.0]],
    ...                       SGD(net.parameters(), lr=0.5))
    >>> [layer.shape for layer in run.program.layers]
    [(3, 2), (1, 3)]
    """
    from .training import _compiled_rows, _single

    np = numpy_for("fit(compiled='matrix')")
    table = _numeric_table(np, x, y)
    if table is not None:  # arrays of finite numbers: checked at once
        samples, n_inputs, as_list = table
        first = samples[0].tolist()
    else:
        rows, n_inputs, as_list = _compiled_rows(x, y)
        samples, first = np.array(rows, dtype=float), rows[0]

    def sample_loss(*values: Any) -> Value:
        target = list(values[n_inputs:]) if as_list else values[n_inputs]
        return loss(_single(model(list(values[:n_inputs]))), target)

    parameters = model.parameters() if hasattr(model, "parameters") else None
    step = trace(sample_loss, params=parameters, example=first)
    program = step.matrix_program()
    if program is None or not program.layers:
        return None
    return MatrixTraining(step, program, samples, optimizer, np)


def _plain_array(np: Any, rows: Any) -> Any:
    """``rows`` as a float array if it is one (of real numbers) or lists of only int and float."""
    if isinstance(rows, np.ndarray):
        return rows
    if not isinstance(rows, (list, tuple)) or not rows:
        return None
    if all(type(row) in (list, tuple) for row in rows):
        kinds = {type(v) for row in rows for v in row}
    else:
        kinds = {type(v) for v in rows}
    if not kinds <= {float, int}:  # bool, str, numpy numbers...: fit's own checks say what is wrong
        return None
    try:
        return np.array(rows, dtype=float)
    except (ValueError, OverflowError):  # ragged, or an int beyond every float
        return None


def _numeric_table(np: Any, x: Any, y: Any) -> tuple[Any, int, bool] | None:
    """For finite real numbers (x: a 2-D array or lists of int and float, y: 1-D or 2-D): the samples
    as rows (inputs then targets), the number of inputs and whether targets are lists; None for
    anything else (then ``fit``'s own checks look at every number and name a bad one)."""
    x, y = _plain_array(np, x), _plain_array(np, y)
    if x is None or y is None:
        return None
    if x.ndim != 2 or y.ndim not in (1, 2) or len(x) != len(y) or x.dtype.kind not in "fiu" \
            or y.dtype.kind not in "fiu":
        return None
    table = np.concatenate([x, y.reshape(len(y), -1)], axis=1).astype(float, copy=False)
    if not np.isfinite(table).all():
        return None
    return table, x.shape[1], y.ndim == 2


class MatrixTraining:
    """One compiled fit in matrix form: ``run(indices)`` (a batch's mean loss, its gradient into the
    arrays), ``zero_grad()``, ``step()`` and ``publish()`` (the Values and the optimizer brought up to
    date). See the module docstring."""

    def __init__(self, step: Any, program: MatrixProgram, samples: Any, optimizer: Any, np: Any) -> None:
        self.step_function = step
        self.program = program
        self.samples = samples
        """One row per sample: its inputs, then its targets."""
        self._last: tuple[Any, Any] = (None, None)
        self.optimizer = optimizer
        self._np = np
        self.arrays = list(program.params)
        self.grads = list(program.grads)
        self.leaves = [list(leaves) for leaves in program.leaves]
        in_program = {v for leaves in self.leaves for v in leaves}
        params = getattr(optimizer, "params", None)
        kind = type(optimizer)
        self.in_arrays = (kind in (SGD, Adam) and params is not None
                          and in_program <= set(params))
        if self.in_arrays:
            extra = [p for p in params if p not in in_program]  # stepped too (momentum, Adam's m)
            if extra:
                self.arrays.append(np.zeros(len(extra)))
                self.grads.append(np.zeros(len(extra)))
                self.leaves.append(extra)
            position = {p: i for i, p in enumerate(params)}
            self._where = [np.array([position[v] for v in leaves], dtype=np.intp) for leaves in self.leaves]
        self._load_values()
        self._load_state()

    # --- the Values and the optimizer's state, both ways --------------------------------------------
    def _load_values(self) -> None:
        for array, grad, leaves in zip(self.arrays, self.grads, self.leaves):
            array.reshape(-1)[:] = [v._data for v in leaves]
            grad.reshape(-1)[:] = [v._grad for v in leaves]

    def _load_state(self) -> None:
        """The optimizer's state, gathered into arrays shaped as the parameters."""
        if not self.in_arrays:
            return
        np, opt = self._np, self.optimizer
        shaped = [lambda flat, a=a, w=w: np.asarray(flat, dtype=float)[w].reshape(a.shape)
                  for a, w in zip(self.arrays, self._where)]
        if type(opt) is SGD:
            self._velocity = [f(opt.velocity) for f in shaped]
        else:
            self._m = [f(opt.m) for f in shaped]
            self._v = [f(opt._v) for f in shaped]
            self._ordinary = not any(opt._v_exponent)

    def publish(self) -> None:
        """Write the arrays into the Values (data, grad) and the optimizer's state: what the Value
        path would show now."""
        for array, grad, leaves in zip(self.arrays, self.grads, self.leaves):
            for v, d, g in zip(leaves, array.reshape(-1).tolist(), grad.reshape(-1).tolist()):
                v._data = d  # the Values' own slots: numbers the arrays hold, all finite
                v._grad = g
        if not self.in_arrays:
            return
        opt = self.optimizer

        def scattered(state: list[Any], into: list[float]) -> list[float]:
            out = list(into)
            for array, where in zip(state, self._where):
                for i, x in zip(where.tolist(), array.reshape(-1).tolist()):
                    out[i] = x
            return out
        if type(opt) is SGD:
            opt.velocity = scattered(self._velocity, opt.velocity)
        else:
            opt.m = scattered(self._m, opt.m)
            opt._v = scattered(self._v, opt._v)

    # --- training --------------------------------------------------------------------------------
    def run(self, indices: Sequence[int]) -> float:
        """A batch's mean loss; its mean gradient added into the gradient arrays."""
        if indices is self._last[0]:  # full batch: the same list every epoch, the same columns
            X = self._last[1]
        else:
            X = self.samples[indices].T  # one column per sample
            self._last = (indices, X)
        n = X.shape[1]
        try:
            with self._np.errstate(all="ignore"):
                losses = self.program.function(X, 1.0 / n, n)
        except (ArithmeticError, ValueError, TypeError):  # Refused (or NumPy's complaint)
            losses = self._scalar_batch(X, n)
        return math.fsum(losses.tolist()) / n

    def _scalar_batch(self, X: Any, n: int) -> Any:
        """The batch the matrix program refused, by the scalar batch replay on the Values: its numbers,
        or the error the Value path gives (an overflow, an op outside its domain)."""
        self.publish()
        losses = self.step_function(*X, seed=1.0 / n)
        self._load_values()
        return losses

    def zero_grad(self) -> None:
        """Gradients to 0 (the optimizer's own ``zero_grad`` when it steps the Values)."""
        if self.in_arrays:
            for grad in self.grads:
                grad.fill(0.0)
        else:
            self.optimizer.zero_grad()
            self._load_values()

    def step(self) -> None:
        """One optimizer step on the arrays (or, where they cannot vouch for it, on the Values)."""
        if self.in_arrays and self._step_arrays():
            return
        self.publish()
        self.optimizer.step()  # raises what the Value path raises (an overflow), the Values unchanged
        self._load_values()
        self._load_state()

    def _step_arrays(self) -> bool:
        """SGD or Adam on the arrays, with the float operations of their ``step()``; False (nothing
        changed) if a result is not finite or Adam's guarded case applies."""
        np, opt = self._np, self.optimizer
        new_data: list[Any] = []
        if type(opt) is SGD:
            lr, momentum = opt.lr, opt.momentum
            new_velocity = []
            for array, grad, velocity in zip(self.arrays, self.grads, self._velocity):
                if momentum == 0.0:
                    new_data.append(array - lr * grad)
                else:
                    v = momentum * velocity + grad
                    new_velocity.append(v)
                    new_data.append(array - lr * v)
            if not all(np.isfinite(a).all() for a in new_data):
                return False
            for array, new in zip(self.arrays, new_data):
                array[...] = new
            if momentum != 0.0:
                for velocity, new in zip(self._velocity, new_velocity):
                    velocity[...] = new
            return True
        if not self._ordinary:
            return False
        t = opt.t + 1
        b1, b2, lr, eps = opt.beta1, opt.beta2, opt.lr, opt.eps
        c1 = 1.0 - b1**t if opt.bias_correction else 1.0
        c2 = 1.0 - b2**t if opt.bias_correction else 1.0
        new_m, new_v = [], []
        for array, g, m, v in zip(self.arrays, self.grads, self._m, self._v):
            if g.size and (np.abs(g).max() >= _HUGE or np.abs(v).max() >= _HUGE_SQUARED):
                return False
            m = b1 * m + (1.0 - b1) * g
            v = b2 * v + (1.0 - b2) * g * g
            new_m.append(m)
            new_v.append(v)
            new_data.append(array - lr * (m / c1) / (np.sqrt(v / c2) + eps))
        if not all(np.isfinite(a).all() and np.isfinite(m).all() for a, m in zip(new_data, new_m)):
            return False
        for array, new in zip(self.arrays, new_data):
            array[...] = new
        for old, new in zip(self._m, new_m):
            old[...] = new
        for old, new in zip(self._v, new_v):
            old[...] = new
        opt.t = t
        return True
