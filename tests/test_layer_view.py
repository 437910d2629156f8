"""nn.layer_view: the matrix formulas give the scalar engine's gradients, entry by entry (issue 11 §1).

Expected numbers come from ../shared/reference/hand_worked_321.md (computed at 50 digits) or from
the engine's own backward pass on the same network; never from the layer view's output.
"""

from __future__ import annotations

import io
import random
import re
import sys

import numpy as np
import pytest

from nn import (
    MLP,
    half_mse,
    half_squared_error,
    iris_book_split,
    layer_view,
    mse,
    one_hot,
    squared_error,
)
from nn.book.iris import iris_221_network

W1 = [[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]]
B1 = [0.3, -0.1]


def net_321(**kw) -> MLP:
    return MLP(3, [2, 1], activations="sigmoid", weights=[W1, [[0.5, 0.2]]], biases=[B1, [0.1]], **kw)


def test_the_3_2_1_layer_by_layer_matches_the_verified_values():
    view = layer_view(net_321(), [2.0, 3.0, -1.0], 1.0, squared_error)
    first, second = view.layers
    def close(got, want):  # the reference's 50-digit values, shown there to 6 significant digits
        assert [[float(f"{x:.6g}") for x in row] for row in got] == want
    close(view.dE_dy, [[-0.822203]])
    close(second.slope, [[0.242097]])
    close(second.delta, [[-0.199053]])
    close(second.dW, [[-0.0575363, -0.114344]])
    close(second.db, [[-0.199053]])
    close(second.dE_da_in, [[-0.0995265], [-0.0398106]])
    close(first.slope, [[0.205500], [0.244458]])
    close(first.delta, [[-0.0204527], [-0.00973203]])
    close(first.dW, [[-0.0409054, -0.0613582, 0.0204527], [-0.0194641, -0.0291961, 0.00973203]])
    close(first.dE_da_in, [[-0.00117094], [0.00633355], [-0.00399168]])
    assert second.dW.shape == second.W.shape == (1, 2) and first.dW.shape == (2, 3)
    assert view.check() < 1e-12


@pytest.mark.parametrize("fused", [True, False, "neuron"])
def test_the_3_2_1_equals_backward_in_every_fusion(fused):
    view = layer_view(net_321(fused=fused), [2.0, 3.0, -1.0], 1.0, squared_error)
    ours, engine = dict(view.gradients()), dict(view.engine_gradients())
    assert list(ours) == [name for name, _ in net_321().tutorial_names()]
    assert max(abs(ours[k] - engine[k]) for k in ours) < 1e-12


def test_the_iris_network_on_one_flower_and_as_the_mean_over_70():
    split = iris_book_split()
    net = MLP(2, [2, 1], activations=["sigmoid", "linear"], rng=5, weight_scale=2.0, bias_scale=1.0)
    assert layer_view(net, split.train_x[3], split.train_y[3], half_squared_error).check() < 1e-12
    batch = layer_view(net, split.train_x, split.train_y, half_squared_error)
    assert batch.batch == 70 and batch.layers[0].delta.shape == (2, 70)
    assert batch.check() < 1e-12
    singles = [layer_view(net, x, y, half_squared_error) for x, y in zip(split.train_x, split.train_y)]
    for k in range(2):  # the minibatch's dW is the mean of the per-sample ones
        np.testing.assert_allclose(batch.layers[k].dW, np.mean([s.layers[k].dW for s in singles], axis=0),
                                   rtol=0, atol=1e-15)
    assert layer_view(iris_221_network(0), split.train_x, split.train_y, half_squared_error).check() < 1e-12


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("loss", [mse, half_mse])
def test_a_random_4_layer_mlp(seed, loss):
    rng = random.Random(seed)
    net = MLP(3, [4, 5, 3, 2], activations=["tanh", "leaky_relu", "sigmoid", "linear"], rng=seed,
              weight_scale=2.0, bias_scale=1.0, leaky_slope=0.1)
    xs = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(6)]
    ys = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(6)]
    view = layer_view(net, xs, ys, loss)
    assert [layer.dW.shape for layer in view.layers] == [(4, 3), (5, 4), (3, 5), (2, 3)]
    assert view.check() < 1e-12
    assert layer_view(net, xs[0], ys[0], loss).check() < 1e-12


def test_relu_and_any_other_loss_go_through_the_engine_for_dE_dy():
    def l1(outputs, target):  # not one of nn's squared errors: dE/dy comes from backward()
        return sum((abs(o - t) for o, t in zip(outputs, target)), start=0.0)

    net = MLP(2, [3, 2], activations=["relu", "linear"], rng=3, bias_scale=1.0)
    view = layer_view(net, [[0.3, -0.7], [1.2, 0.4]], [[1.0, 0.0], [0.0, 1.0]], l1)
    assert "backward" in view.loss_text
    assert view.check() < 1e-12


def test_the_printed_form_has_shapes_and_numbers_and_fits_any_console(monkeypatch):
    view = layer_view(net_321(), [2.0, 3.0, -1.0], 1.0, squared_error)
    rich = view.text(rich=True)
    wanted = r"dE/dW2 = delta2 · a1ᵀ +\(1×1\)·\(1×2\) → \(1×2\)  \[\[-0\.0575363 -0\.114344\]\]"
    assert re.search(wanted, rich)
    plain = view.text(rich=False)
    assert "dE/dW2 = delta2 @ a1.T" in plain and "(1x1)@(1x2) -> (1x2)  [[-0.0575363 -0.114344]]" in plain
    assert plain.isascii()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="gbk"))
    assert str(view).isascii()
    split = iris_book_split()
    wide = layer_view(MLP(2, [2, 2], activations=["sigmoid", "linear"], rng=0), split.train_x,
                      [one_hot(y, 2) for y in split.train_y], mse)
    text = wide.text()
    assert max(map(len, text.splitlines())) <= 100
    assert "dE/dW2 = delta2 · a1ᵀ / 70" in text and "(2×70)·(70×2) → (2×2)" in text


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"sample 0 has 2 inputs.*takes 3"):
        layer_view(net_321(), [1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="2 samples but 1 targets"):
        layer_view(net_321(), [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], [1.0])
    with pytest.raises(ValueError, match="1 outputs, but the target"):
        layer_view(net_321(), [1.0, 2.0, 3.0], [1.0, 0.0])
    with pytest.raises(TypeError, match=r"nn\.MLP"):
        layer_view(object(), [1.0], 1.0)  # type: ignore[arg-type]
