"""The book's hand-derived training loop for the 2-2-1 iris network: the speed baseline of issue 3.

Written from the equations in Kneusel's *Math for Deep Learning*, ch. 10 (``iris_221.md``), in
plain Python floats, with no autograd: the forward pass, the nine partial derivatives of
½(a2 − y)² worked out by hand, their mean over the training samples, and a step of gradient
descent. chainrule's iris training is timed against this loop on the same data and the same
initial parameters.

Network: z0 = w0·x0 + w2·x1 + b0, a0 = σ(z0); z1 = w1·x0 + w3·x1 + b1, a1 = σ(z1);
a2 = w4·a0 + w5·a1 + b2 (linear output).

>>> params = book_initial_parameters(seed=0)
>>> trained = train_book_221(params, [[0.5, -1.0], [-0.5, 1.0]], [1, 0], epochs=3)
>>> len(trained), trained == params
(9, False)
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

PARAMETER_NAMES = ("w0", "w1", "w2", "w3", "w4", "w5", "b0", "b1", "b2")


def book_initial_parameters(seed: int = 0) -> list[float]:
    """The book's initialisation: weights 0.0001·(U[0,1) − 0.5), biases 0; in ``PARAMETER_NAMES`` order."""
    rng = random.Random(seed)
    return [0.0001 * (rng.random() - 0.5) for _ in range(6)] + [0.0, 0.0, 0.0]


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def numpy_sigmoid(z: float) -> float:
    """The book's sigmoid, ``1 / (1 + np.exp(-z))``, for the loop run on NumPy arrays as the book does."""
    import numpy as np

    return 1.0 / (1.0 + np.exp(-z))


def train_book_221(params: Sequence[float], xs: Sequence[Sequence[float]], ys: Sequence[float],
                   epochs: int = 1000, eta: float = 0.1, sigmoid: Callable[[float], float] = sigmoid
                   ) -> list[float]:
    """Full-batch gradient descent on the mean of ½(a2 − y)²; returns the trained parameters.

    Written as the book writes it: the parameters in a dict ``net``, a loop over the samples,
    each of the nine partial derivatives spelled out as its own chain-rule product, then the
    mean gradient and one step of size ``eta`` per epoch. The book runs it on NumPy arrays
    (``xs``, ``ys``) with ``np.exp``: pass those and ``numpy_sigmoid`` to time it that way; with
    lists of floats and ``math.exp`` the same loop is about 4x faster.
    """
    net = dict(zip(PARAMETER_NAMES, params))
    m = len(ys)
    for _ in range(epochs):
        dw0 = dw1 = dw2 = dw3 = dw4 = dw5 = db0 = db1 = db2 = 0.0
        for k in range(m):
            x0, x1, y = xs[k][0], xs[k][1], ys[k]  # NumPy scalars when xs, ys are arrays
            # forward
            z0 = net["w0"] * x0 + net["w2"] * x1 + net["b0"]
            a0 = sigmoid(z0)
            z1 = net["w1"] * x0 + net["w3"] * x1 + net["b1"]
            a1 = sigmoid(z1)
            a2 = net["w4"] * a0 + net["w5"] * a1 + net["b2"]
            # the nine partial derivatives of ½(a2 − y)², by hand (σ'(z) = σ(z)(1 − σ(z)))
            db2 += a2 - y
            dw4 += (a2 - y) * a0
            dw5 += (a2 - y) * a1
            db1 += (a2 - y) * net["w5"] * a1 * (1 - a1)
            dw1 += (a2 - y) * net["w5"] * a1 * (1 - a1) * x0
            dw3 += (a2 - y) * net["w5"] * a1 * (1 - a1) * x1
            db0 += (a2 - y) * net["w4"] * a0 * (1 - a0)
            dw0 += (a2 - y) * net["w4"] * a0 * (1 - a0) * x0
            dw2 += (a2 - y) * net["w4"] * a0 * (1 - a0) * x1
        # the mean gradient over the m samples, one step of size eta
        net["b2"] -= eta * db2 / m
        net["w4"] -= eta * dw4 / m
        net["w5"] -= eta * dw5 / m
        net["b1"] -= eta * db1 / m
        net["w1"] -= eta * dw1 / m
        net["w3"] -= eta * dw3 / m
        net["b0"] -= eta * db0 / m
        net["w0"] -= eta * dw0 / m
        net["w2"] -= eta * dw2 / m
    return [net[name] for name in PARAMETER_NAMES]


def book_mean_loss(params: Sequence[float], xs: Sequence[Sequence[float]], ys: Sequence[float]) -> float:
    """Mean ½(a2 − y)² over the samples, for checking that a trained network matches the book's."""
    w0, w1, w2, w3, w4, w5, b0, b1, b2 = params
    total = 0.0
    for (x0, x1), y in zip(xs, ys):
        a2 = w4 * sigmoid(w0 * x0 + w2 * x1 + b0) + w5 * sigmoid(w1 * x0 + w3 * x1 + b1) + b2
        total += 0.5 * (a2 - y) ** 2
    return total / len(xs)
