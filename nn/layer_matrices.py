"""The layer view: an MLP's backward pass as vectors and matrices, the way the book writes it.

Layer l of an ``MLP`` is a fully connected layer z_l = W_l·a_{l-1} + b_l followed by an activation
layer a_l = σ(z_l). Backward, with δ_l = ∂E/∂z_l (the fully connected layer's δ, "∂E/∂y of a
layer"):

- output:            ∂E/∂a_L = the loss's derivative at the outputs
- activation layer:  δ_l = σ'(z_l) ⊙ ∂E/∂a_l
- fully connected:   ∂E/∂W_l = δ_l·a_{l-1}ᵀ,  ∂E/∂b_l = δ_l,  ∂E/∂a_{l-1} = W_lᵀ·δ_l

``layer_view(net, x, y, loss)`` computes every one of them with NumPy, from the weights alone (no
graph), for one sample or for a minibatch. Vectors are columns: a sample's δ_l is (n_l×1); a
minibatch of N samples puts one column per sample side by side (n_l×N), so that δ_l·a_{l-1}ᵀ sums
over the samples and ``/ N`` makes it the mean gradient, as the book's minibatch step does.
``check()`` then compares every entry with the scalar engine's ``backward()`` on the same net:
same mathematics, so they agree to rounding. The slopes σ'(z) and the loss's derivative come from
RULES, the engine's one table of derivatives; what is new here is only the matrix bookkeeping.

>>> from nn import MLP, squared_error
>>> net = MLP(3, [2, 1], activations="sigmoid",
...           weights=[[[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]], [[0.5, 0.2]]], biases=[[0.3, -0.1], [0.1]])
>>> view = layer_view(net, [2.0, 3.0, -1.0], 1.0, squared_error)
>>> view.layers[1].dW.round(6)          # dE/dW2 = delta2 · a1ᵀ, in W2's shape (1×2)
array([[-0.057536, -0.114344]])
>>> view.check() < 1e-12                 # the largest difference from backward()'s gradients
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd import RULES, Value
from autograd.installation import numpy_for
from autograd.text import CONSOLE, Table, console_width, fit_line, for_stream, rich_symbols
from autograd.views.notation import format_number

from .layers import MLP
from .losses import half_mse, half_squared_error, mse, squared_error

if TYPE_CHECKING:
    import numpy as np

__all__ = ["LayerGradients", "LayerView", "layer_view", "leaky_relu_tutorial_notation"]

Loss = Callable[[Any, Any], Value]


@dataclass(frozen=True)
class LayerGradients:
    """One layer's forward values and backward matrices (columns: one per sample).

    Shapes, for a layer of ``n_in`` inputs, ``n_out`` outputs and a batch of N samples:
    ``W`` and ``dW`` (n_out×n_in); ``b`` and ``db`` (n_out×1); ``a_in`` and ``dE_da_in``
    (n_in×N); ``z``, ``a``, ``dE_da``, ``slope`` and ``delta`` (n_out×N).
    """

    number: int
    """The layer's number as tutorials count: 1 for the first layer."""
    activation: str
    W: np.ndarray
    """The weights, row j holding neuron j's weights: W[j][i] multiplies input i."""
    b: np.ndarray
    a_in: np.ndarray
    """The layer's input a_{l-1} (the network's input for layer 1)."""
    z: np.ndarray
    """z_l = W·a_in + b."""
    a: np.ndarray
    """a_l = σ(z_l)."""
    dE_da: np.ndarray
    """∂E/∂a_l: the δ arriving at the activation layer from above."""
    slope: np.ndarray
    """σ'(z_l), from the activation's row of RULES."""
    delta: np.ndarray
    """δ_l = ∂E/∂z_l = σ'(z_l) ⊙ ∂E/∂a_l: the fully connected layer's δ."""
    dE_da_in: np.ndarray
    """∂E/∂a_{l-1} = Wᵀ·δ_l: what the layer below receives."""
    dW: np.ndarray
    """∂E/∂W = δ_l·a_{l-1}ᵀ / N, in W's shape."""
    db: np.ndarray
    """∂E/∂b = δ_l averaged over the N columns, in b's shape (n_out×1)."""


def _shape(a: np.ndarray, rich: bool) -> str:
    times = "×" if rich else "x"
    return f"({a.shape[0]}{times}{a.shape[1]})"


def format_matrix(a: np.ndarray, most: int = 4) -> str:
    """A matrix as NumPy prints it, 6 significant digits, on one line: ``[[-0.0575363 -0.114344]]``.

    A row of more than ``most`` numbers (a minibatch's columns) shows its first three and its last.

    >>> import numpy as np
    >>> format_matrix(np.array([[1.0, -0.5], [0.25, 2.0]]))
    '[[1 -0.5] [0.25 2]]'
    >>> format_matrix(np.arange(6.0).reshape(1, 6))
    '[[0 1 2 ... 5]]'
    """
    np = numpy_for('the layer view (nn.layer_view)')
    def row_text(row: np.ndarray) -> str:
        cells = [f"{x:.6g}" for x in row]
        if len(cells) > most:
            cells = [*cells[:3], "...", cells[-1]]
        return "[" + " ".join(cells) + "]"

    return "[" + " ".join(row_text(row) for row in np.atleast_2d(a)) + "]"


@dataclass(frozen=True)
class LayerView:
    """The whole backward pass in layer form: ``layers[0]`` is layer 1; ``dE_dy`` the loss's δ.

    ``print(view)`` shows each equation with its shapes and numbers, top layer first (the order
    backprop runs in), ASCII on a console that is not UTF-8, within 100 columns.
    """

    net: MLP
    loss: Loss
    x: list[list[float]]
    y: list[Any]
    layers: list[LayerGradients]
    dE_dy: np.ndarray
    """∂E/∂(output) per sample (one column each): the loss's own derivative at the outputs."""
    loss_text: str
    """How ∂E/∂y was computed, e.g. ``2*(a2 - y)``."""

    @property
    def batch(self) -> int:
        """N, the number of samples (columns)."""
        return self.dE_dy.shape[1]

    def gradients(self) -> list[tuple[str, float]]:
        """Every parameter's gradient from the matrices, named as tutorials write it, in the
        order of ``net.tutorial_names()`` (W1[0][0], ..., b1[0], ..., b2).

        >>> from nn import MLP, squared_error
        >>> net = MLP(1, [1], activations="linear", weights=[[[2.0]]], biases=[[0.0]])
        >>> layer_view(net, [1.5], 1.0, squared_error).gradients()        # 2*(3 - 1)*1.5, 2*(3 - 1)
        [('W1[0]', 6.0), ('b1', 4.0)]
        """
        out = []
        names = iter(self.net.tutorial_names())
        for layer in self.layers:
            for j in range(layer.W.shape[0]):
                for i in range(layer.W.shape[1]):
                    out.append((next(names)[0], float(layer.dW[j, i])))
                out.append((next(names)[0], float(layer.db[j, 0])))
        return out

    def engine_gradients(self) -> list[tuple[str, float]]:
        """The same gradients from the scalar engine: the mean loss's graph and ``backward()``.

        It overwrites the parameters' ``.grad`` (they are zeroed first) and leaves them there.

        >>> from nn import MLP, squared_error
        >>> net = MLP(1, [1], activations="linear", weights=[[[2.0]]], biases=[[0.0]])
        >>> layer_view(net, [1.5], 1.0, squared_error).engine_gradients()
        [('W1[0]', 6.0), ('b1', 4.0)]
        """
        from .training import batch_loss

        self.net.zero_grad()
        batch_loss(self.net, self.loss, self.x, self.y).backward()
        return [(name, v.grad) for name, v in self.net.tutorial_names()]

    def check(self) -> float:
        """The largest absolute difference between the matrices' gradients and the engine's.

        >>> from nn import MLP, half_squared_error
        >>> net = MLP(2, [2, 1], activations=["sigmoid", "linear"], rng=1)
        >>> layer_view(net, [[0.5, -1.0], [1.0, 2.0]], [0.0, 1.0], half_squared_error).check() < 1e-12
        True
        """
        ours = self.gradients()
        theirs = self.engine_gradients()
        return max(abs(a - b) for (_, a), (_, b) in zip(ours, theirs))

    # --- text ----------------------------------------------------------------------------------
    def lines(self, rich: bool = True) -> list[str]:
        """The equations, one per line (before fitting them to a width); symbols only if ``rich``.

        >>> from nn import MLP, squared_error
        >>> net = MLP(1, [1], activations="linear", weights=[[[2.0]]], biases=[[0.0]])
        >>> layer_view(net, [1.5], 1.0, squared_error).lines(rich=False)[3]
        'dE/dW1 = delta1 @ x.T         (1x1)@(1x1) -> (1x1)  [[6]]'
        """
        dot, t, odot, arrow = ("·", "ᵀ", "⊙", "→") if rich else ("@", ".T", "*", "->")
        n = self.batch
        mean = f" / {n}" if n > 1 else ""
        top = len(self.layers)
        rows: list[tuple[str, str, str, np.ndarray]] = []
        rows.append((f"dE/da{top}", self.loss_text, _shape(self.dE_dy, rich), self.dE_dy))
        for layer in reversed(self.layers):
            k = layer.number
            below = "x" if k == 1 else f"a{k - 1}"
            slope = self._slope_text(layer.activation, k, rich)
            rows += [
                (f"delta{k}", f"{slope} {odot} dE/da{k}",
                 f"{_shape(layer.slope, rich)}{odot}{_shape(layer.dE_da, rich)} {arrow} "
                 f"{_shape(layer.delta, rich)}", layer.delta),
                (f"dE/dW{k}", f"delta{k} {dot} {below}{t}{mean}",
                 f"{_shape(layer.delta, rich)}{dot}{_shape(layer.a_in.T, rich)} {arrow} "
                 f"{_shape(layer.dW, rich)}", layer.dW),
                (f"dE/db{k}", f"delta{k}" + (f" summed{mean}" if n > 1 else ""),
                 _shape(layer.db, rich), layer.db),
                (f"dE/d{below}", f"W{k}{t} {dot} delta{k}",
                 f"{_shape(layer.W.T, rich)}{dot}{_shape(layer.delta, rich)} {arrow} "
                 f"{_shape(layer.dE_da_in, rich)}", layer.dE_da_in),
            ]
        name_w = max(len(r[0]) for r in rows)
        formula_w = max(len(r[1]) for r in rows)
        shape_w = max(len(r[2]) for r in rows)
        head = (f"layer view of {self.net!r} on {n} sample{'s' if n > 1 else ''}: columns are samples"
                if n > 1 else f"layer view of {self.net!r} on one sample")
        out = [head if rich else for_stream(head, encoding="ascii")]
        for name, formula, shapes, value in rows:
            out.append(f"{name:<{name_w}} = {formula:<{formula_w}}   {shapes:<{shape_w}}  "
                       f"{format_matrix(value)}")
        return out

    @staticmethod
    def _slope_text(activation: str, k: int, rich: bool) -> str:
        if activation == "sigmoid":
            return f"sigma'(z{k})"
        if activation == "linear":
            return "1"
        return f"{activation}'(z{k})"

    def text(self, width: int | None = CONSOLE, rich: bool = True) -> str:
        """The printed form: each line at most ``width`` columns (long matrices continue below).

        >>> from nn import MLP, squared_error
        >>> net = MLP(1, [1], activations="linear", weights=[[[2.0]]], biases=[[0.0]])
        >>> print(layer_view(net, [1.5], 1.0, squared_error).text(rich=False))
        layer view of MLP(1 -> [1 linear], fused) on one sample
        dE/da1 = 2*(a1 - y)           (1x1)                 [[4]]
        delta1 = 1 * dE/da1           (1x1)*(1x1) -> (1x1)  [[4]]
        dE/dW1 = delta1 @ x.T         (1x1)@(1x1) -> (1x1)  [[6]]
        dE/db1 = delta1               (1x1)                 [[4]]
        dE/dx  = W1.T @ delta1        (1x1)@(1x1) -> (1x1)  [[8]]
        """
        lines = self.lines(rich)
        if width is None:
            return "\n".join(lines)
        return "\n".join(part for line in lines for part in fit_line(line, width))

    def __str__(self) -> str:
        """As ``print`` shows it: symbols only on a UTF console, within 100 columns."""
        return for_stream(self.text(console_width(), rich_symbols()))

    def __repr__(self) -> str:
        return str(self)


def _activation(activation: str, z: np.ndarray, leaky_slope: float) -> tuple[np.ndarray, np.ndarray]:
    """σ(z) and σ'(z) elementwise, both from the activation's own row of RULES (the engine's forward)."""
    np = numpy_for('the layer view (nn.layer_view)')
    if activation == "linear":
        return z.copy(), np.ones_like(z)
    expr = {"sigmoid": "σ(a)", "tanh": "tanh(a)", "relu": "relu(a)"}.get(activation)
    forward = RULES[expr or "leaky_relu(a, c)"].forward
    constants = () if expr is not None else (leaky_slope,)
    pairs = [forward(float(v), *constants) for v in z.flat]
    shape = z.shape
    return (np.array([p[0] for p in pairs]).reshape(shape), np.array([p[1] for p in pairs]).reshape(shape))


def _output_gradient(loss: Loss, out: np.ndarray, target: Any, top: int) -> tuple[np.ndarray, str]:
    """∂E/∂(outputs) of one sample's loss, a column; and how it was computed, for the printed form.

    nn's squared errors use their RULES row; any other loss is applied to the outputs as leaf
    Values and differentiated by the engine (one node, the loss alone: no layer is involved).
    """
    np = numpy_for('the layer view (nn.layer_view)')
    k = out.shape[0]
    ys = np.atleast_1d(np.asarray(target, dtype=float)).reshape(-1, 1)
    if ys.shape[0] != k:
        raise ValueError(f"layer_view: the network has {k} outputs, but the target {target!r} has "
                         f"{ys.shape[0]}")
    rows = {squared_error: ("(a − c)²", 1, f"2*(a{top} - y)"),
            half_squared_error: ("½(a − c)²", 1, f"a{top} - y"),
            mse: ("(a − c)²", k, f"2*(a{top} - y) / {k}" if k > 1 else f"2*(a{top} - y)"),
            half_mse: ("(a − c)²", 2 * k, f"(a{top} - y) / {k}" if k > 1 else f"a{top} - y")}
    if loss in rows:
        expr, divide, text = rows[loss]
        forward = RULES[expr].forward
        grad = np.array([[forward(float(p), float(t))[1] / divide] for p, t in zip(out[:, 0], ys[:, 0])])
        return grad, text
    leaves = [Value(float(p)) for p in out[:, 0]]
    value = loss(leaves[0] if k == 1 else leaves, target)
    value.backward()
    return np.array([[leaf.grad] for leaf in leaves]), "dE/dy (the loss, by backward())"


def layer_view(net: MLP, x: Sequence[Any], y: Any, loss: Loss = squared_error) -> LayerView:
    """Each layer's δ, σ'⊙δ, Wᵀδ, ∂E/∂W and ∂E/∂b for ``net`` on one sample or a minibatch.

    ``x`` is one input vector with its target ``y``, or a list of input vectors with a list of
    targets (a minibatch: E is the mean of the per-sample losses, as ``fit`` takes it).
    ``loss(output, target)`` is a per-sample loss as ``fit`` takes it (``squared_error``,
    ``half_squared_error``, ``mse``, ``half_mse``, or any other).

    >>> from nn import MLP, half_squared_error
    >>> net = MLP(1, [1], activations="linear", weights=[[[2.0]]], biases=[[0.5]])
    >>> view = layer_view(net, [[1.0], [3.0]], [0.0, 0.0], half_squared_error)
    >>> view.layers[0].delta, view.layers[0].dW          # one column per sample; dW is the mean
    (array([[2.5, 6.5]]), array([[11.]]))
    """
    np = numpy_for('the layer view (nn.layer_view)')
    if not isinstance(net, MLP):
        raise TypeError(f"layer_view: needs an nn.MLP, got {type(net).__name__}")
    single = len(x) > 0 and not isinstance(x[0], (Sequence, np.ndarray))
    xs = [list(x)] if single else [list(sample) for sample in x]
    ys = [y] if single else list(y)
    if len(xs) == 0:
        raise ValueError("layer_view: no samples")
    if len(xs) != len(ys):
        raise ValueError(f"layer_view: {len(xs)} samples but {len(ys)} targets")
    n_in = net.sizes[0]
    for i, sample in enumerate(xs):
        if len(sample) != n_in:
            raise ValueError(f"layer_view: sample {i} has {len(sample)} inputs; {net!r} takes {n_in}")
    a = np.array([[float(getattr(v, "data", v)) for v in sample] for sample in xs]).T  # n_in × N
    forward = []
    for layer in net.layers:
        W = np.array([[w.data for w in neuron.w] for neuron in layer.neurons])
        b = np.array([[neuron.b.data] for neuron in layer.neurons])
        z = W @ a + b
        out, slope = _activation(layer.activation, z, layer._slope)
        forward.append((layer, W, b, a, z, out, slope))
        a = out
    top = len(net.layers)
    columns = [_output_gradient(loss, a[:, [s]], ys[s], top) for s in range(len(xs))]
    dE_dy = np.hstack([c[0] for c in columns])
    upstream = dE_dy
    n = len(xs)
    done: list[LayerGradients] = []
    for number, (layer, W, b, a_in, z, out, slope) in reversed(list(enumerate(forward, start=1))):
        delta = slope * upstream
        below = W.T @ delta
        done.append(LayerGradients(number=number, activation=layer.activation, W=W, b=b, a_in=a_in,
                                   z=z, a=out, dE_da=upstream, slope=slope, delta=delta,
                                   dE_da_in=below, dW=delta @ a_in.T / n,
                                   db=delta.sum(axis=1, keepdims=True) / n))
        upstream = below
    return LayerView(net=net, loss=loss, x=xs, y=ys, layers=done[::-1], dE_dy=dE_dy,
                     loss_text=columns[0][1])


def leaky_relu_tutorial_notation(net: MLP, x: Sequence[float]) -> Table:
    """The leaky-ReLU tutorial's names for a layered network beside chainrule's, with values at ``x``.

    The tutorial writes x₁ = W₁x + b₁, σ(x₁), x₂ = W₂σ(x₁) + b₂, σ(x₂), y = W₃σ(x₂) + b₃, σ(y):
    its x_l is a layer's weighted sum (chainrule's z_l, as the layer view writes it), σ(x_l) the
    layer's output (a_l), w_ij^l the weight in row i, column j of W_l (chainrule's Wl[i-1][j-1],
    or Wl[j-1] for a layer of one neuron). One row per matrix or vector, with its first entry.

    >>> from nn import MLP
    >>> net = MLP(1, [8, 2, 1], activations="leaky_relu", rng=0)
    >>> print(*leaky_relu_tutorial_notation(net, [0.5]).rows[-2][:3])
    y = W_3 sigma(x_2) + b_3 1x1 z3[0]
    """
    pairs = dict((id(v), name) for name, v in net.tutorial_names())
    rows: list[tuple[str, str, str, str]] = []
    inputs = [float(v) for v in x]
    last = len(net.layers)
    for k, layer in enumerate(net.layers, start=1):
        n, m = layer.n_outputs, layer.n_inputs
        first_w, first_b = layer.neurons[0].w[0], layer.neurons[0].b
        below = "x" if k == 1 else f"sigma(x_{k - 1})"
        z = [math.fsum([*(w.data * a for w, a in zip(neuron.w, inputs)), neuron.b.data])
             for neuron in layer.neurons]
        outputs = [v.data for v in layer(inputs)]
        name = "y" if k == last else f"x_{k}"
        rows += [
            (f"W_{k} = [w_ij^{k}]", f"{n}x{m}", f"W{k}[i-1][j-1]" if n > 1 else f"W{k}[j-1]",
             f"w_11^{k} = {pairs[id(first_w)]} = {format_number(first_w.data)}"),
            (f"b_{k}", f"{n}x1", f"b{k}[i-1]" if n > 1 else f"b{k}",
             f"b_1^{k} = {pairs[id(first_b)]} = {format_number(first_b.data)}"),
            (f"{name} = W_{k} {below} + b_{k}", f"{n}x1", f"z{k}[i-1]" if n > 1 else f"z{k}[0]",
             f"{name}[1] = {format_number(z[0])}"),
            (f"sigma({name})", f"{n}x1", f"a{k}[i-1]" if k < last else "net(x)[0]",
             f"sigma({name})[1] = {format_number(outputs[0])}"),
        ]
        inputs = outputs
    return Table(("tutorial", "shape", "chainrule", "first entry"), rows,
                 notes=(f"at x = {[float(v) for v in x]}; the tutorial counts from 1 (w_11^3 is row 1, "
                        f"column 1 of W_3), chainrule from 0;",
                        "z_l and a_l are the layer view's names (nn.layer_view) for a layer's weighted "
                        "sum and output."))
