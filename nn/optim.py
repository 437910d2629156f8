"""Optimizers: ``SGD`` (with optional momentum) and ``Adam`` (bias correction can be switched off).

Each updates its parameters' ``data`` in place from their ``grad`` on ``step()``; ``zero_grad()``
clears the gradients before the next backward pass.

>>> from autograd import Value
>>> w = Value(1.0); opt = SGD([w], lr=0.1)
>>> (w * w).backward(); opt.step(); w.data     # 1 − 0.1·2
0.8
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value, zero_grad


def _params(params: Iterable[Value], where: str) -> list[Value]:
    if isinstance(params, Value):
        raise TypeError(f"{where}: params must be a list of Values, got a single Value; wrap it in [...]")
    params = list(params)
    if not params:
        raise ValueError(f"{where}: params is empty, so there is nothing to optimize")
    seen: set[int] = set()
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"{where}: params[{i}] must be a Value, got {type(p).__name__} {p!r}")
        if not p.is_leaf:
            raise ValueError(f"{where}: params[{i}] ({p!r}) was computed by an op; only leaves can be "
                             f"parameters (its data would be recomputed anyway)")
        if id(p) in seen:
            raise ValueError(f"{where}: params[{i}] ({p!r}) appears twice; it would be updated twice")
        seen.add(id(p))
    return params


def _number(x: object, name: str, where: str, low: float, high: float, low_open: bool,
            high_open: bool) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ValueError(f"{where}: {name} must be a finite number, got {x!r}")
    x = float(x)
    below = x <= low if low_open else x < low
    above = x >= high if high_open else x > high
    if below or above:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{where}: {name} must be in {interval}, got {x!r}")
    return x


def _apply(p: Value, step: float, where: str) -> None:
    new = p.data - step
    if not math.isfinite(new):
        raise OverflowError(f"{where}: updating parameter {p.label or '(unlabelled)'} "
                            f"(data={p.data!r}, grad={p.grad!r}) gives {new!r}; lower the learning rate")
    p.data = new


class SGD:
    """θ ← θ − lr·v with v ← momentum·v + grad (plain gradient descent when momentum is 0).

    >>> from autograd import Value
    >>> w = Value(0.0); opt = SGD([w], lr=0.5, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad(); (w - 1.0).backward(); opt.step()
    >>> w.data                     # −0.5·1, then −0.5·(0.9 + 1)
    -1.45
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        self.params = _params(params, "SGD")
        self.lr = _number(lr, "lr", "SGD", 0.0, math.inf, True, True)
        self.momentum = _number(momentum, "momentum", "SGD", 0.0, 1.0, False, True)
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """Move every parameter against its gradient."""
        lr, momentum = self.lr, self.momentum
        if momentum == 0.0:
            for p in self.params:
                _apply(p, lr * p.grad, "SGD")
            return
        velocity = self.velocity
        for i, p in enumerate(self.params):
            velocity[i] = momentum * velocity[i] + p.grad
            _apply(p, lr * velocity[i], "SGD")

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0."""
        zero_grad(self.params)


class Adam:
    """Adam: m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², θ ← θ − lr·m̂/(√v̂ + eps).

    With ``bias_correction=True`` (standard Adam) m̂ = m/(1 − β1ᵗ) and v̂ = v/(1 − β2ᵗ), so the
    first step moves each parameter by about lr; with ``False``, m̂ = m and v̂ = v, and the first
    step is lr·(1 − β1)/√(1 − β2) ≈ 3.16·lr.

    >>> from autograd import Value
    >>> w = Value(0.0); opt = Adam([w], lr=0.1)
    >>> (w * -2.0).backward(); opt.step(); round(w.data, 6)
    0.1
    """

    def __init__(self, params: Iterable[Value], lr: float = 0.001,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 bias_correction: bool = True) -> None:
        self.params = _params(params, "Adam")
        self.lr = _number(lr, "lr", "Adam", 0.0, math.inf, True, True)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = _number(betas[0], "beta1", "Adam", 0.0, 1.0, False, True)
        self.beta2 = _number(betas[1], "beta2", "Adam", 0.0, 1.0, False, True)
        self.eps = _number(eps, "eps", "Adam", 0.0, math.inf, True, True)
        if not isinstance(bias_correction, bool):
            raise TypeError(f"Adam: bias_correction must be True or False, got {bias_correction!r}")
        self.bias_correction = bias_correction
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """One Adam update of every parameter."""
        self.t += 1
        b1, b2, lr, eps = self.beta1, self.beta2, self.lr, self.eps
        c1 = 1.0 - b1**self.t if self.bias_correction else 1.0
        c2 = 1.0 - b2**self.t if self.bias_correction else 1.0
        m, v = self.m, self.v
        for i, p in enumerate(self.params):
            g = p.grad
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            _apply(p, lr * (m[i] / c1) / (math.sqrt(v[i] / c2) + eps), "Adam")

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0."""
        zero_grad(self.params)
