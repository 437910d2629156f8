"""The matrix form's peers, written by hand: NumPy matrix loops and PyTorch, for the same networks.

Each starts from an ``nn.MLP``'s weights, takes the same minibatches in the same order, and returns
the trained weights, so the benchmark can check that every engine ends where chainrule does.

>>> import numpy as np
>>> from nn import MLP
>>> net = MLP(2, [2, 1], activations="sigmoid", rng=0, bias_scale=1.0)
>>> x, t = np.array([[0.5, -1.0], [1.0, 2.0]]), np.array([[1.0], [0.0]])
>>> a = train_numpy_matrix(weights_of(net), x, t, [[0, 1]], lr=0.5, loss="mse")
>>> b = train_torch(weights_of(net), x, t, [[0, 1]], lr=0.5, loss="mse", threads=1)
>>> all(np.allclose(p, q, rtol=1e-12) for p, q in zip(a, b))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def weights_of(net: Any) -> list[np.ndarray]:
    """W1, b1, W2, b2, ... of an ``nn.MLP`` as arrays (W: neurons × inputs, b: a vector)."""
    out = []
    for layer in net.layers:
        out.append(np.array([[w.data for w in neuron.w] for neuron in layer.neurons]))
        out.append(np.array([neuron.b.data for neuron in layer.neurons]))
    return out


def train_numpy_matrix(params: Sequence[np.ndarray], x: np.ndarray, t: np.ndarray,
                       groups: Sequence[Sequence[int]], lr: float, loss: str = "mse",
                       linear_output: bool = False) -> list[np.ndarray]:
    """SGD on sigmoid layers (the last one linear if ``linear_output``), one matrix product per
    layer, as one writes it by hand (samples as rows). ``loss``: "mse" (the mean of the squared
    errors over the outputs) or "half" (½(a − t)² of a single output); each minibatch's gradient is
    the mean over its samples."""
    ws = [p.copy() for p in params[0::2]]
    bs = [p.copy() for p in params[1::2]]
    outputs = t.shape[1]
    last = len(ws) - 1
    for idx in groups:
        a = [x[idx]]
        for k, (w, b) in enumerate(zip(ws, bs)):
            z = a[-1] @ w.T + b
            a.append(z if k == last and linear_output else 1.0 / (1.0 + np.exp(-z)))
        top = a[-1]
        error = top - t[idx]
        delta = (2.0 / outputs * error if loss == "mse" else error) / len(idx)
        if not linear_output:
            delta = delta * top * (1.0 - top)
        for k in range(last, -1, -1):
            gw, gb = delta.T @ a[k], delta.sum(0)
            if k:
                delta = (delta @ ws[k]) * a[k] * (1.0 - a[k])
            ws[k] -= lr * gw
            bs[k] -= lr * gb
    return [p for pair in zip(ws, bs) for p in pair]


def train_torch(params: Sequence[np.ndarray], x: np.ndarray, t: np.ndarray, groups: Sequence[Sequence[int]],
                lr: float, loss: str = "mse", threads: int | None = None) -> list[np.ndarray]:
    """The same with PyTorch on the CPU (float64, torch.nn.Linear + Sigmoid, torch.optim.SGD);
    ``threads`` sets torch's intra-op threads for the run (None: torch's default)."""
    import torch

    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        layers: list[Any] = []
        for w, b in zip(params[0::2], params[1::2]):
            linear = torch.nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(w))
                linear.bias.copy_(torch.from_numpy(b))
            layers += [linear, torch.nn.Sigmoid()]
        model = torch.nn.Sequential(*layers)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        xs, ts = torch.from_numpy(x), torch.from_numpy(t)
        for idx in groups:
            chosen = torch.as_tensor(idx)
            out = model(xs[chosen])
            diff = out - ts[chosen]
            value = (diff * diff).mean() if loss == "mse" else 0.5 * (diff * diff).mean()
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
        return [p.detach().numpy().copy() for p in model.parameters()]
    finally:
        torch.set_num_threads(before)
