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


def _updated(p: Value, step: float, where: str) -> float:
    """``p.data − step``, or an OverflowError naming the parameter if that is not finite."""
    new = p.data - step
    if not math.isfinite(new):
        raise OverflowError(f"{where}: updating parameter {_name(p)} "
                            f"(data={p.data!r}, grad={p.grad!r}) gives {new!r}; lower the learning rate")
    return new


def _name(p: Value) -> str:
    return p.label or "(unlabelled)"


def _count(n: int) -> str:
    return f"{n} parameter{'s' if n != 1 else ''}"


# Every step() computes the new value of every parameter and every state entry first, and only
# then writes them: an error (an overflow, Ctrl-C) leaves the parameters and the state as they were.


class SGD:
    """θ ← θ − lr·v with v ← momentum·v + grad (plain gradient descent when momentum is 0).

    >>> from autograd import Value
    >>> w = Value(0.0); opt = SGD([w], lr=0.5, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad(); (w - 1.0).backward(); opt.step()
    >>> w.data                     # −0.5·1, then −0.5·(0.9 + 1)
    -1.45
    >>> opt
    SGD(lr=0.5, momentum=0.9, 1 parameter)
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        self.params = _params(params, "SGD")
        self.lr = _number(lr, "lr", "SGD", 0.0, math.inf, True, True)
        self.momentum = _number(momentum, "momentum", "SGD", 0.0, 1.0, False, True)
        self.velocity = [0.0] * len(self.params)

    def __repr__(self) -> str:
        """One line: the settings and the number of parameters."""
        return f"SGD(lr={self.lr!r}, momentum={self.momentum!r}, {_count(len(self.params))})"

    def step(self) -> None:
        """Move every parameter against its gradient (all of them, or none if one overflows)."""
        lr, momentum = self.lr, self.momentum
        if momentum == 0.0:
            new = [_updated(p, lr * p.grad, "SGD") for p in self.params]
            for p, data in zip(self.params, new):
                p.data = data
            return
        velocity = []
        new = []
        for p, v in zip(self.params, self.velocity):
            v = momentum * v + p.grad
            if not math.isfinite(v) and math.isfinite(p.grad):
                raise OverflowError(f"SGD: the momentum buffer of parameter {_name(p)} overflows "
                                    f"({momentum!r}·{self.velocity[len(velocity)]!r} + {p.grad!r}); the "
                                    f"gradient is too large: scale the loss down or clip gradients")
            velocity.append(v)
            new.append(_updated(p, lr * v, "SGD"))
        for p, data in zip(self.params, new):
            p.data = data
        self.velocity = velocity

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0."""
        zero_grad(self.params)


_HUGE = 2.0**500
"""Gradients at least this large are scaled by a power of two before squaring (g² must stay finite)."""
_HUGE_SQUARED = _HUGE * _HUGE


class Adam:
    """Adam: m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², θ ← θ − lr·m̂/(√v̂ + eps).

    With ``bias_correction=True`` (standard Adam) m̂ = m/(1 − β1ᵗ) and v̂ = v/(1 − β2ᵗ), so the
    first step moves each parameter by about lr; with ``False``, m̂ = m and v̂ = v, and the first
    step is lr·(1 − β1)/√(1 − β2) ≈ 3.16·lr.

    A gradient above about 1.3e154 has a square beyond the float range. Such a parameter's v is
    then kept as a float times a power of 4 (exact scaling), so the update stays what exact
    arithmetic gives instead of v becoming inf and freezing the parameter; ``opt.v`` shows the
    true v (inf while it is beyond the float range), and ordinary v is stored as is.

    >>> from autograd import Value
    >>> w = Value(0.0); opt = Adam([w], lr=0.1)
    >>> (w * -2.0).backward(); opt.step(); round(w.data, 6)
    0.1
    >>> opt
    Adam(lr=0.1, betas=(0.9, 0.999), eps=1e-08, 1 parameter, t=1)
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
        self._v = [0.0] * len(self.params)
        self._v_exponent = [0] * len(self.params)  # the true v is _v·4**_v_exponent

    @property
    def v(self) -> list[float]:
        """The second moments β2·v + (1 − β2)·g² (inf where one is beyond the float range)."""
        return [v if e == 0 else _times_4_to_the(v, e) for v, e in zip(self._v, self._v_exponent)]

    def __repr__(self) -> str:
        """One line: the settings, the number of parameters and the step count."""
        correction = "" if self.bias_correction else ", bias_correction=False"
        return (f"Adam(lr={self.lr!r}, betas=({self.beta1!r}, {self.beta2!r}), eps={self.eps!r}"
                f"{correction}, {_count(len(self.params))}, t={self.t})")

    def step(self) -> None:
        """One Adam update of every parameter (all of them, or none if one overflows)."""
        t = self.t + 1
        b1, b2, lr, eps = self.beta1, self.beta2, self.lr, self.eps
        c1 = 1.0 - b1**t if self.bias_correction else 1.0
        c2 = 1.0 - b2**t if self.bias_correction else 1.0
        new_m, new_v, new_e, new_data = [], [], [], []
        for p, m, v, e in zip(self.params, self.m, self._v, self._v_exponent):
            g = p.grad
            m = b1 * m + (1.0 - b1) * g
            if not math.isfinite(m) and math.isfinite(g):  # only rounding at the top of the range
                raise OverflowError(f"Adam: the first moment of parameter {_name(p)} overflows "
                                    f"(gradient {g!r}); scale the loss down or clip gradients")
            if e == 0 and abs(g) < _HUGE and abs(v) < _HUGE_SQUARED:  # the ordinary case, unchanged
                v = b2 * v + (1.0 - b2) * g * g
                step = lr * (m / c1) / (math.sqrt(v / c2) + eps)
            else:
                v, e = _second_moment(v, e, g, b2)
                root = math.ldexp(math.sqrt(v / c2), e)  # √v̂ ≤ about max |g|: finite
                step = lr * ((m / (root + eps)) / c1)
            new_m.append(m)
            new_v.append(v)
            new_e.append(e)
            new_data.append(_updated(p, step, "Adam"))
        for p, data in zip(self.params, new_data):
            p.data = data
        self.t, self.m, self._v, self._v_exponent = t, new_m, new_v, new_e

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0."""
        zero_grad(self.params)


def _second_moment(v: float, e: int, g: float, b2: float) -> tuple[float, int]:
    """β2·v + (1 − β2)·g² for the true v = v·4**e, as a new (v, e) whose v is finite.

    The scale is a power of two, so scaling is exact; e returns to 0 when the result fits.
    """
    need = max(e, math.frexp(g)[1] - 500 if g else 0, 0)  # |g|/2**need < 2**500: its square fits
    if need > e:
        v, e = math.ldexp(v, -2 * (need - e)), need
    scaled = math.ldexp(g, -e)
    v = b2 * v + (1.0 - b2) * scaled * scaled
    if e and v < math.ldexp(1.0, 1000 - 2 * e):  # the true value fits a float again
        v, e = math.ldexp(v, 2 * e), 0
    return v, e


def _times_4_to_the(v: float, e: int) -> float:
    """v·4**e, or inf if that is beyond the float range."""
    try:
        return math.ldexp(v, 2 * e)
    except OverflowError:
        return math.inf
