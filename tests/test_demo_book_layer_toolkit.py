"""demos/book_layer_toolkit.py: the hand-written NumPy toolkit and chainrule agree; the book's result.

The toolkit and chainrule's engine are two independent implementations of the same mathematics;
the confusion matrix [[14, 1], [0, 15]] is the book's (../shared/reference/iris_221.md).
"""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pytest

DEMO = Path(__file__).resolve().parent.parent / "demos" / "book_layer_toolkit.py"


@pytest.fixture(scope="module")
def demo():
    return runpy.run_path(str(DEMO), run_name="demo")


def test_the_toolkits_gradients_are_chainrules(demo):
    table = demo["compare_gradients"](0)
    assert len(table.rows) == 12
    for _, toolkit, engine, view in table.rows:
        assert abs(float(toolkit) - float(engine)) < 1e-12 and abs(float(toolkit) - float(view)) < 1e-12


def test_trained_on_the_same_random_minibatches_they_end_with_the_same_weights(demo):
    kit, net, reports, history = demo["train_both"](0, (25, 8, 0.1))
    assert len(history) == 25 and [k for k, _ in reports] == [0, 10, 20, 24]
    for k, error in reports:
        assert abs(error - history[k]) < 1e-12
    for ours, theirs in zip(kit.weights(), demo["chainrule_weights"](net)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_a_toolkit_gradient_by_finite_differences(demo):
    """The toolkit's own backward against central differences of its own forward (no chainrule)."""
    x, t, _, _ = demo["data"]()
    from nn.book.iris import iris_222_network

    kit = demo["toolkit_from"](iris_222_network(0))
    kit.gradient_pass(x, t)
    fc = kit.layers[0]
    h = 1e-6
    for j in range(2):
        for i in range(2):
            fc.W[j, i] += h
            up = kit.error(kit.forward(x), t)
            fc.W[j, i] -= 2 * h
            down = kit.error(kit.forward(x), t)
            fc.W[j, i] += h
            assert abs((up - down) / (2 * h) - fc.dW[j, i] / fc.count) < 1e-8


def test_the_books_training_gives_the_books_confusion_matrix(demo, capsys):
    demo["main"](0)
    out = capsys.readouterr().out
    count = demo["BOOK"][0]
    assert "largest difference: " in out and out.count("e-1") >= 2
    if count == 4000:
        assert "test confusion matrix [actual][predicted]: [[14, 1], [0, 15]]" in out
