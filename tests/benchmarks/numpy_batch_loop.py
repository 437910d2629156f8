"""The 2-2-1 iris network trained with a hand-written NumPy batch loop: the batch form's baseline.

The book's equations (``book_iris_loop.py``) written once over the whole training set as NumPy
arrays, the way one vectorises them by hand: each line works on all 70 samples, and each of the
nine partial derivatives is a sum over the samples. Same initialisation, same result.

>>> import numpy as np
>>> from book_iris_loop import book_initial_parameters, train_book_221
>>> xs, ys = [[0.5, -1.0], [-0.5, 1.0]], [1, 0]
>>> p = book_initial_parameters(seed=0)
>>> np.allclose(train_numpy_batch_221(p, np.array(xs), np.array(ys, float), 5),
...             train_book_221(p, xs, ys, 5), rtol=1e-12, atol=1e-15)
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def train_numpy_batch_221(params: Sequence[float], x: np.ndarray, y: np.ndarray, epochs: int = 1000,
                          eta: float = 0.1) -> list[float]:
    """Full-batch gradient descent on the mean of ½(a2 − y)², all samples at once; w0..b2 returned."""
    w0, w1, w2, w3, w4, w5, b0, b1, b2 = (float(p) for p in params)
    x0, x1 = x[:, 0].copy(), x[:, 1].copy()
    m = len(y)
    for _ in range(epochs):
        a0 = 1.0 / (1.0 + np.exp(-(w0 * x0 + w2 * x1 + b0)))
        a1 = 1.0 / (1.0 + np.exp(-(w1 * x0 + w3 * x1 + b1)))
        d = w4 * a0 + w5 * a1 + b2 - y  # dC/da2 for each sample
        g0 = d * w4 * a0 * (1.0 - a0)  # dC/dz0
        g1 = d * w5 * a1 * (1.0 - a1)  # dC/dz1
        step = eta / m
        b2 -= step * d.sum()
        w4 -= step * (d * a0).sum()
        w5 -= step * (d * a1).sum()
        b1 -= step * g1.sum()
        w1 -= step * (g1 * x0).sum()
        w3 -= step * (g1 * x1).sum()
        b0 -= step * g0.sum()
        w0 -= step * (g0 * x0).sum()
        w2 -= step * (g0 * x1).sum()
    return [w0, w1, w2, w3, w4, w5, b0, b1, b2]
