"""``Neuron``, ``Layer`` and ``MLP``: fully connected networks of ``Value`` parameters.

Each neuron computes activation(w·x + b). With ``fused="neuron"`` the whole neuron is one
``autograd.dot`` node (activation included: the fastest); with ``fused=True`` (the default) the
pre-activation w·x + b is one ``dot`` node and the activation another; with ``fused=False`` it
is the fine-grained graph of multiplications and additions, the one to draw and step through
when teaching. Both give the same gradients.

Initialisation: weights are ``weight_scale·(U[0,1) − 0.5)`` and biases ``bias_scale·(U[0,1) − 0.5)``
(the book's formulas: scale 1e-4 for its 2-2-1 network, 1 for its layer toolkit), drawn from a
seedable ``random.Random`` in construction order (a scale of 0 gives exactly 0 and draws nothing);
or pass explicit ``weights`` and ``biases`` to type a network in exactly.

>>> net = MLP(3, [2, 1], activations="sigmoid",
...           weights=[[[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]], [[0.5, 0.2]]], biases=[[0.3, -0.1], [0.1]])
>>> round(net([2.0, 3.0, -1.0])[0].data, 6)
0.588899
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Literal

from autograd import Value, dot
from autograd.text import ascii_spelling, for_stream

from .module import Module

Activation = Literal["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
"""The activations a layer can use; ``linear`` means none."""

Number = int | float
Fusion = bool | Literal["neuron"]
"""How a neuron is built: False, the fine-grained graph of · and +; True, w·x + b as one ``dot``
node then the activation; "neuron", the whole neuron (activation included) as one node."""
FUSABLE = ("sigmoid", "tanh", "relu", "linear")
"""The activations a "neuron"-fused layer computes inside its one node (leaky_relu stays separate)."""
Input = Value | int | float
Seed = random.Random | int | None


class ShapeError(ValueError):
    """An input or an explicit weight list whose size does not fit the layer; names both sizes."""


class Outputs(list):  # type: ignore[type-arg]
    """An MLP's outputs: a list of Values, one per output neuron, that says what to do when it is used
    as if it were one Value (``out.backward()``, ``out.data``, ``out - y``).

    >>> out = Outputs([Value(0.5)])
    >>> out.backward()
    Traceback (most recent call last):
    ...
    AttributeError: 'list' object has no attribute 'backward': net(x) returns a list ... use out[0].backward()
    """

    __slots__ = ()

    def _advice(self, what: str) -> str:
        """``'use out[0].backward()'``, and for several outputs what to do with them all."""
        if len(self) == 1:
            return f"use out[0]{what}"
        return (f"use out[k]{what} for output k (0 to {len(self) - 1}), or first combine them into one "
                f"loss Value (nn.mean, nn.softmax_cross_entropy)")

    def _intro(self) -> str:
        n = len(self)
        return f"net(x) returns a list of Values, one per output neuron ({n} here)"

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") or not hasattr(Value, name):
            raise AttributeError(f"'list' object has no attribute {name!r}")
        attribute = getattr(Value, name)
        call = "()" if callable(attribute) and not isinstance(attribute, property) else ""
        raise AttributeError(f"'list' object has no attribute {name!r}: {self._intro()}; "
                             f"{self._advice(f'.{name}{call}')}")

    def _no_arithmetic(self, op: str, other: object) -> TypeError:
        return TypeError(f"unsupported operand type(s) for {op}: 'list' and {type(other).__name__!r}: "
                         f"{self._intro()}; {self._advice('')}")

    def __sub__(self, other: object) -> object:
        raise self._no_arithmetic("-", other)

    def __rsub__(self, other: object) -> object:
        raise self._no_arithmetic("-", other)

    def __pow__(self, other: object) -> object:
        raise self._no_arithmetic("**", other)

    def __truediv__(self, other: object) -> object:
        raise self._no_arithmetic("/", other)


def make_rng(rng: Seed) -> random.Random:
    """A ``random.Random`` from a seed, or the one given (shared, so draws continue), or a fresh one.

    >>> make_rng(0).random() == make_rng(0).random()
    True
    """
    if isinstance(rng, random.Random):
        return rng
    if rng is None:
        return random.Random()
    if isinstance(rng, bool) or not isinstance(rng, int):
        raise TypeError(f"rng must be a random.Random, an int seed or None, got {type(rng).__name__} {rng!r}")
    return random.Random(rng)


def _check_activation(activation: str, where: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation {activation!r}; choose one of "
                         f"{', '.join(ACTIVATIONS)}")
    return activation


def _parameter(x: Value | Number | None, scale: float, rng: random.Random, where: str) -> Value:
    """An explicit value (a Value is kept as it is, so it can be shared), or a uniform draw."""
    if isinstance(x, Value):
        return x
    if x is None:  # a scale of 0 draws nothing: exactly 0.0 (never -0.0)
        return Value(scale * (rng.random() - 0.5)) if scale != 0.0 else Value(0.0)
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{where} must be a number or a Value, got {type(x).__name__} {x!r}")
    return Value(x)


def _check_fusion(fused: object, where: str) -> Fusion:
    if fused is True or fused is False or fused == "neuron":
        return fused  # type: ignore[return-value]
    raise ValueError(f"{where}: fused must be True, False or 'neuron', got {fused!r}")


def _fusion_note(fused: Fusion) -> str:
    return {True: ", fused", False: "", "neuron": ", fused neurons"}[fused]


def _activate(z: Value, activation: str, slope: float) -> Value:
    if activation == "sigmoid":
        return z.sigmoid()
    if activation == "tanh":
        return z.tanh()
    if activation == "relu":
        return z.relu()
    if activation == "leaky_relu":
        return z.leaky_relu(slope)
    return z


def _pre_activation(w: list[Value], x: Sequence[Input], b: Value, fused: Fusion, where: str) -> Value:
    """w·x + b: one ``dot`` node, or the fine-grained chain w0·x0 + w1·x1 + ... + b."""
    if fused:
        try:
            return dot(w, x, b)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{where}: {error}") from None
    z = w[0] * x[0]
    for wi, xi in zip(w[1:], x[1:]):
        z = z + wi * xi
    return z + b


class _Unit(Module):
    """What a ``Neuron`` and a ``Layer`` share: a name for messages, an activation, a fusion mode."""

    def _configure(self, n_inputs: int, activation: Activation, fused: Fusion, leaky_slope: float,
                   name: str) -> None:
        """Check and keep the settings (private attributes: they are not parameters)."""
        _check_size(n_inputs, f"{name}: n_inputs")
        self._name = name
        self._activation = _check_activation(activation, name)
        self._fused = _check_fusion(fused, name)
        self._slope = float(leaky_slope)
        self._n_inputs = n_inputs

    @property
    def activation(self) -> str:
        """The activation's name (a layer's neurons all have the same one)."""
        return self._activation

    @property
    def n_inputs(self) -> int:
        """The size of the input vector (a neuron has one weight per input)."""
        return self._n_inputs


class Neuron(_Unit):
    """activation(w·x + b) for ``n_inputs`` inputs; parameters ``w`` (a list) and ``b``.

    >>> n = Neuron(2, "relu", weights=[1.0, -1.0], bias=0.5)
    >>> n([3.0, 1.0]).data
    2.5
    """

    def __init__(self, n_inputs: int, activation: Activation = "linear", *,
                 weights: Sequence[Value | Number] | None = None, bias: Value | Number | None = None,
                 weight_scale: float = 1.0, bias_scale: float = 0.0, rng: Seed = None,
                 fused: Fusion = True, leaky_slope: float = 0.01, name: str = "Neuron") -> None:
        self._configure(n_inputs, activation, fused, leaky_slope, name)
        generator = make_rng(rng)
        if weights is None:
            weights = [None] * n_inputs  # type: ignore[list-item]
        elif len(weights) != n_inputs:
            raise ShapeError(f"{name}: {len(weights)} explicit weights for {n_inputs} inputs")
        self.w = [_parameter(x, weight_scale, generator, f"{name}: weight {i}")
                  for i, x in enumerate(weights)]
        self.b = _parameter(bias, bias_scale, generator, f"{name}: bias")

    def __call__(self, x: Sequence[Input]) -> Value:
        """The neuron's output for one input vector ``x`` (numbers or Values)."""
        if len(x) != len(self.w):
            raise ShapeError(f"{self._name}: expects {len(self.w)} inputs, got {len(x)}")
        if self._fused == "neuron" and self._activation in FUSABLE:
            try:
                return dot(self.w, x, self.b, self._activation)
            except (TypeError, ValueError) as error:
                raise type(error)(f"{self._name}: {error}") from None
        z = _pre_activation(self.w, x, self.b, self._fused, self._name)
        return _activate(z, self._activation, self._slope)

    def __repr__(self) -> str:
        return f"Neuron({self.n_inputs} inputs, {self._activation}{_fusion_note(self._fused)})"


class Layer(_Unit):
    """``n_outputs`` neurons sharing one input vector; calling it always returns a list of Values.

    ``weights`` is one row per neuron (``n_outputs`` rows of ``n_inputs``), ``biases`` one per neuron.

    >>> layer = Layer(2, 1, "linear", weights=[[2.0, 3.0]], biases=[1.0])
    >>> [v.data for v in layer([1.0, 1.0])]      # a list even for one output
    [6.0]
    """

    def __init__(self, n_inputs: int, n_outputs: int, activation: Activation = "linear", *,
                 weights: Sequence[Sequence[Value | Number]] | None = None,
                 biases: Sequence[Value | Number] | None = None, weight_scale: float = 1.0,
                 bias_scale: float = 0.0, rng: Seed = None, fused: Fusion = True,
                 leaky_slope: float = 0.01, name: str = "Layer") -> None:
        self._configure(n_inputs, activation, fused, leaky_slope, name)
        _check_size(n_outputs, f"{name}: n_outputs")
        if weights is not None:
            if len(weights) != n_outputs:
                raise ShapeError(f"{name}: weights has {len(weights)} rows, but the layer has "
                                 f"{n_outputs} neurons (one row per neuron)")
            for i, row in enumerate(weights):
                if len(row) != n_inputs:
                    raise ShapeError(f"{name}: weights row {i} has {len(row)} numbers, but the layer "
                                     f"has {n_inputs} inputs")
        if biases is not None and len(biases) != n_outputs:
            raise ShapeError(f"{name}: {len(biases)} biases for {n_outputs} neurons")
        generator = make_rng(rng)
        self.neurons = [
            Neuron(n_inputs, activation, weights=None if weights is None else weights[i],
                   bias=None if biases is None else biases[i], weight_scale=weight_scale,
                   bias_scale=bias_scale, rng=generator, fused=fused, leaky_slope=leaky_slope,
                   name=f"{name} neuron {i}")
            for i in range(n_outputs)]

    @property
    def n_outputs(self) -> int:
        """The number of neurons, which is the size of the output list."""
        return len(self.neurons)

    def __call__(self, x: Sequence[Input]) -> list[Value]:
        """One output Value per neuron, for one input vector ``x``."""
        if len(x) != self._n_inputs:
            raise ShapeError(f"{self._name} ({self._n_inputs} inputs -> {len(self.neurons)} "
                             f"{self._activation}): got an input of size {len(x)}, expected "
                             f"{self._n_inputs}")
        fused, activation, slope, name = self._fused, self._activation, self._slope, self._name
        if fused == "neuron" and activation in FUSABLE:  # one node per neuron, no per-neuron calls
            try:
                return [dot(n.w, x, n.b, activation) for n in self.neurons]
            except (TypeError, ValueError) as error:
                raise type(error)(f"{name}: {error}") from None
        return [_activate(_pre_activation(n.w, x, n.b, fused, name), activation, slope)
                for n in self.neurons]

    def __repr__(self) -> str:
        return for_stream(f"Layer({self._n_inputs} → {len(self.neurons)}, {self._activation}"
                          f"{_fusion_note(self._fused)})")


class MLP(Module):
    """Layers in a row: ``MLP(2, [16, 1, 1], activations=...)`` has sizes 2→16→1→1.

    ``activations`` is one name for every layer or one per layer. ``weights[k]`` and ``biases[k]``
    are layer k's explicit rows and biases (see ``Layer``). Every parameter is labelled with its
    name (``layers.1.neurons.0.w.0``), so graphs and tables show where each one lives; with
    ``labels="tutorial"`` it is labelled the way tutorials write it instead (``W1[0][2]``, ``b2``:
    see ``tutorial_names``). ``named_parameters()`` and saved states keep the dotted names.

    >>> net = MLP(2, [16, 1, 1], activations=["tanh", "tanh", "linear"], rng=0)
    >>> out = net([0.5, -0.5]); isinstance(out, list), len(out)     # micrograd's bug: not here
    (True, 1)
    """

    def __init__(self, n_inputs: int, sizes: Sequence[int], activations: Activation | Sequence[Activation],
                 *, weights: Sequence[Sequence[Sequence[Value | Number]]] | None = None,
                 biases: Sequence[Sequence[Value | Number]] | None = None, weight_scale: float = 1.0,
                 bias_scale: float = 0.0, rng: Seed = None, fused: Fusion = True,
                 leaky_slope: float = 0.01, labels: Literal["names", "tutorial"] = "names") -> None:
        _check_size(n_inputs, "MLP: n_inputs")
        if labels not in ("names", "tutorial"):
            raise ValueError(f"MLP: labels must be 'names' (layers.0.neurons.1.w.2) or 'tutorial' "
                             f"(W1[1][2]), got {labels!r}")
        sizes = list(sizes)
        if not sizes:
            raise ValueError("MLP: sizes must name at least one layer, got []")
        if isinstance(activations, str):
            activations = [activations] * len(sizes)  # type: ignore[list-item]
        elif len(activations) != len(sizes):
            raise ValueError(f"MLP: {len(activations)} activations for {len(sizes)} layers {sizes}")
        for what, given in (("weights", weights), ("biases", biases)):
            if given is not None and len(given) != len(sizes):
                raise ShapeError(f"MLP: {what} is given for {len(given)} layers, but sizes {sizes} "
                                 f"has {len(sizes)}")
        generator = make_rng(rng)
        fan_in = [n_inputs, *sizes[:-1]]
        self.layers = [
            Layer(fan_in[k], sizes[k], activations[k], weights=None if weights is None else weights[k],
                  biases=None if biases is None else biases[k], weight_scale=weight_scale,
                  bias_scale=bias_scale, rng=generator, fused=fused, leaky_slope=leaky_slope,
                  name=f"MLP layer {k}")
            for k in range(len(sizes))]
        self.label_parameters()
        if labels == "tutorial":
            self.label_tutorial()

    @property
    def sizes(self) -> list[int]:
        """Input size, then each layer's output size: ``[3, 2, 1]``."""
        return [self.layers[0].n_inputs, *(layer.n_outputs for layer in self.layers)]

    def tutorial_names(self) -> list[tuple[str, Value]]:
        """Every parameter named as tutorials write it, in ``named_parameters()`` order.

        Layers count from 1. ``W{l}[j][i]`` is the weight from input ``i`` to neuron ``j`` of layer
        ``l`` and ``b{l}[j]`` that neuron's bias; a layer of one neuron drops the ``[j]``
        (``W2[i]``, ``b2``), as the hand-worked 3-2-1 example does. The pairs work as ``names=``
        for ``step_through``, ``draw`` and ``player``.

        >>> net = MLP(3, [2, 1], activations="sigmoid", rng=0)
        >>> [name for name, _ in net.tutorial_names()][:4], [name for name, _ in net.tutorial_names()][-3:]
        (['W1[0][0]', 'W1[0][1]', 'W1[0][2]', 'b1[0]'], ['W2[0]', 'W2[1]', 'b2'])
        """
        pairs: list[tuple[str, Value]] = []
        for number, layer in enumerate(self.layers, start=1):
            single = len(layer.neurons) == 1
            for j, neuron in enumerate(layer.neurons):
                row = "" if single else f"[{j}]"
                pairs += [(f"W{number}{row}[{i}]", w) for i, w in enumerate(neuron.w)]
                pairs.append((f"b{number}{row}", neuron.b))
        return pairs

    def label_tutorial(self) -> MLP:
        """Label every parameter with its ``tutorial_names()`` name (pictures, tables and steps use it).

        >>> net = MLP(2, [2, 1], activations="sigmoid", rng=0).label_tutorial()
        >>> net.layers[0].neurons[1].w[0].label, net.layers[1].neurons[0].b.label
        ('W1[1][0]', 'b2')
        """
        for name, value in self.tutorial_names():
            value.label = name
        return self

    def __call__(self, x: Sequence[Input]) -> list[Value]:
        """The last layer's outputs (always a list, ``Outputs``) for one input vector ``x``.

        >>> net = MLP(2, [1], activations="sigmoid", rng=0)
        >>> net([[1.0, 2.0], [3.0, 4.0]])
        Traceback (most recent call last):
        ...
        nn.layers.ShapeError: MLP(2 -> [1 sigmoid], fused) takes one sample, ... got a batch of 2 samples ...
        """
        self._check_sample(x)
        out: Sequence[Input] = x
        for layer in self.layers:
            out = layer(out)
        return Outputs(out)

    def _check_sample(self, x: object) -> None:
        """Refuse a number or a batch where one sample (a list of n_inputs numbers) belongs, saying how."""
        n = self.layers[0].n_inputs
        what = ascii_spelling(repr(self))
        if isinstance(x, (int, float, Value)) or getattr(x, "ndim", None) == 0:
            example = "[x0, x1, ...]" if n > 1 else f"[{x!r}]"
            raise TypeError(f"{what} takes one sample, a list of {n} number{'s' if n > 1 else ''}, but got "
                            f"{type(x).__name__} {x!r}: wrap it in a list, net({example})")
        try:
            first = x[0] if len(x) else None  # type: ignore[index, arg-type]
        except TypeError:
            return  # not a sequence: the layer says what it got
        if isinstance(first, (list, tuple)) or getattr(first, "ndim", 0) >= 1:
            raise ShapeError(f"{what} takes one sample, a list of {n} numbers, but got a batch of "
                             f"{len(x)} samples (a list of lists). Call it once per sample, "  # type: ignore[arg-type]
                             f"[net(x) for x in xs], or train on the whole batch with fit(net, loss, xs, "
                             f"ys, optimizer, batch_size=...) or trace(...)'s batch form "
                             f"(docs/static_graphs.md).")

    def __repr__(self) -> str:
        inner = ", ".join(f"{layer.n_outputs} {layer.activation}" for layer in self.layers)
        return for_stream(f"MLP({self.layers[0].n_inputs} → [{inner}]{_fusion_note(self.layers[0]._fused)})")


def _check_size(n: int, where: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{where} must be a positive int, got {n!r}")
