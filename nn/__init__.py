"""chainrule's neural-network layer: modules, losses, optimizers and data, built only from Values.

>>> from nn import MLP, SGD, half_squared_error, fit
>>> net = MLP(2, [2, 1], activations=["sigmoid", "linear"], weight_scale=1e-4, rng=0)
>>> [name for name, _ in net.named_parameters()][:3]
['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1', 'layers.0.neurons.0.b']
"""

from .installation import check_autograd

check_autograd()  # before the modules below import from it: a foreign autograd is named, with the fix

from .batching import batches, full_batch, minibatches, per_sample, random_subsets
from .confusion import confusion_matrix, format_confusion
from .datasets import (
    IrisSplit,
    IrisTable,
    bumpy_regression,
    digits_split,
    iris_book_split,
    load_digits,
    load_iris,
    one_hot,
    two_moons,
    xor,
)
from .layer_matrices import LayerGradients, LayerView, layer_view
from .layers import ACTIVATIONS, MLP, Layer, Neuron, ShapeError
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    half_mse,
    half_squared_error,
    hinge,
    mean,
    mse,
    softmax,
    softmax_cross_entropy,
    squared_error,
)
from .mnist import load_mnist, read_idx
from .module import Module, StateError
from .optim import SGD, Adam
from .training import History, batch_loss, evaluate, fit

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Adam",
    "History",
    "IrisSplit",
    "IrisTable",
    "Layer",
    "LayerGradients",
    "LayerView",
    "Module",
    "Neuron",
    "ShapeError",
    "StateError",
    "batch_loss",
    "batches",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "bumpy_regression",
    "confusion_matrix",
    "digits_split",
    "evaluate",
    "fit",
    "format_confusion",
    "full_batch",
    "half_mse",
    "half_squared_error",
    "hinge",
    "iris_book_split",
    "layer_view",
    "load_digits",
    "load_iris",
    "load_mnist",
    "mean",
    "minibatches",
    "mse",
    "one_hot",
    "per_sample",
    "random_subsets",
    "read_idx",
    "softmax",
    "softmax_cross_entropy",
    "squared_error",
    "two_moons",
    "xor",
]
