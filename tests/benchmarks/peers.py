"""The peers chainrule is measured against, and workloads written once for any engine.

Each workload takes the engine's ``Value`` class, so chainrule and micrograd run the
very same Python code. micrograd 0.1.0 (from PyPI) has no ``exp``; importing this module
adds one to its Value in micrograd's own closure style, and sigmoid built as 1 / (1 + e^-x).
"""

from __future__ import annotations

import itertools
import math
import random
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest

micrograd_engine = pytest.importorskip("micrograd.engine",
                                       reason="micrograd is the peer: pip install '.[bench]'")


def _micrograd_exp(self: Any) -> Any:
    """e**self for micrograd, written in micrograd's closure style."""
    out = MicrogradValue(math.exp(self.data), (self,), "exp")

    def _backward() -> None:
        self.grad += out.data * out.grad

    out._backward = _backward
    return out


def _micrograd_sigmoid(self: Any) -> Any:
    """1 / (1 + e**-self), from micrograd's own ops plus exp."""
    return 1 / (1 + (-self).exp())


MicrogradValue = micrograd_engine.Value
"""micrograd's Value, with ``exp`` and ``sigmoid`` added (its ops return this same class)."""
MicrogradValue.exp = _micrograd_exp
MicrogradValue.sigmoid = _micrograd_sigmoid


def deep_stack(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a thread with a 512 MiB stack and a high recursion limit.

    micrograd's backward sorts the graph recursively: a 100,000-op chain needs this.
    chainrule's does not, but it runs the same way so both pay the same overhead.
    """
    result: list[Any] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as error:  # re-raised in the caller's thread
            errors.append(error)

    old_limit, old_size = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 1024 * 1024)
    try:
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if errors:
        raise errors[0]
    return result[0]


def chain(value_class: type, n: int) -> Any:
    """``y = y * 1.0001 + 0.0001`` n times from a leaf x; returns x (for its grad) and y."""
    x = value_class(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.0001
    return x, y


def mlp_forward_backward(value_class: type, points: int = 100, seed: int = 0) -> Any:
    """A 2-16-16-1 ReLU network's squared error over ``points`` points as one graph, then backward.

    Built from plain ``+`` and ``*`` (and ``relu``), the way micrograd's own MLP builds it.
    Returns the loss (the root of the graph).
    """
    rng = random.Random(seed)
    sizes = [2, 16, 16, 1]
    layers = [[([value_class(rng.uniform(-1, 1)) for _ in range(n_in)], value_class(0.0))
               for _ in range(n_out)] for n_in, n_out in itertools.pairwise(sizes)]
    data = [((rng.uniform(-2, 2), rng.uniform(-2, 2)), rng.uniform(-1, 1)) for _ in range(points)]
    loss = value_class(0.0)
    for x, y in data:
        activations: list[Any] = list(x)
        for depth, layer in enumerate(layers):
            outputs = []
            for weights, bias in layer:
                z = bias
                for w, a in zip(weights, activations):
                    z = z + w * a
                outputs.append(z.relu() if depth < len(layers) - 1 else z)
            activations = outputs
        diff = activations[0] - y
        loss = loss + diff * diff
    loss.backward()
    return loss


def micrograd_iris_221(params: list[float], xs: list[list[float]], ys: list[int], epochs: int = 1000,
                       lr: float = 0.1) -> list[Any]:
    """The book's 2-2-1 iris training written with micrograd's Value, as a micrograd user would.

    ``params`` are the initial w0..w5, b0..b2 (``book_iris_loop.PARAMETER_NAMES`` order). Each
    epoch builds the graph of the mean of ½(a2 − y)² over all samples (each neuron from ``*`` and
    ``+``, sigmoid as 1 / (1 + e^-z)), zeroes the grads, runs backward and takes a gradient step.
    Returns the parameters (micrograd Values).
    """
    w0, w1, w2, w3, w4, w5, b0, b1, b2 = parameters = [MicrogradValue(p) for p in params]
    n = len(xs)
    for _ in range(epochs):
        losses = []
        for (x0, x1), y in zip(xs, ys):
            a0 = (w0 * x0 + w2 * x1 + b0).sigmoid()
            a1 = (w1 * x0 + w3 * x1 + b1).sigmoid()
            d = w4 * a0 + w5 * a1 + b2 - y
            losses.append(d * d * 0.5)
        loss = sum(losses) * (1.0 / n)
        for p in parameters:
            p.grad = 0.0
        loss.backward()
        for p in parameters:
            p.data -= lr * p.grad
    return parameters
