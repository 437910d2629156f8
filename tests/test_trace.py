"""trace(): the replayed program gives the graph's floats bit for bit, batches sum to per-sample results,
and what cannot be replayed is refused with a clear message.

Expected values come from the engine itself run afresh on the same inputs (a different code path:
Value objects and backward()), from closed forms, or from NumPy.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from ops_table import OPS

from autograd import RULES, DomainError, NonFiniteGradientError, Value, dot, total
from autograd.examples import three_two_one
from autograd.replay import codegen
from autograd.replay.trace import BranchError, trace
from nn import MLP, half_squared_error, iris_book_split, mse
from nn.book.iris import iris_221_network, iris_222_network


def bits(x: float) -> str:
    return float(x).hex()


def assert_same_bits(got: list[float], expected: list[float]) -> None:
    assert [bits(g) for g in got] == [bits(e) for e in expected]


# --- random graphs over every op ------------------------------------------------------------------
# A graph is a list of op specs, fixed before any number is seen (so the function never branches):
# (expr, operand indices into the pool of Values so far, plain-number operand). A plain number is a
# literal or an input ("in", k). Operands are passed through squashing ops where the op needs them
# positive or moderate, so every graph stays inside every op's domain.

N_INPUTS = 3


def positive(v):
    return v.sigmoid() + 0.25


def moderate(v):
    return v.tanh() * 2.0


def random_spec(rng: random.Random, must: str, n_ops: int = 8) -> list[tuple]:
    exprs = list(OPS)
    chosen = [rng.choice(exprs) for _ in range(n_ops)]
    chosen.insert(rng.randrange(n_ops + 1), must)
    spec = []
    for k, expr in enumerate(chosen):
        pool = 4 + N_INPUTS + k  # parameters, inputs as Values, then one Value per op so far
        picks = [rng.randrange(pool) for _ in range(5)]
        if rng.random() < 0.5:
            number = ("in", rng.randrange(N_INPUTS))
        else:
            number = ("lit", rng.choice([0.5, 1.5, -0.75, 2.0, 3.0, -2.0, 0.3]))
        spec.append((expr, picks, number, rng.random() < 0.5))
    return spec


def make_function(spec: list[tuple], params: list[Value]):
    """fn(x0, x1, x2) building the graph of ``spec`` on the given parameters; the loss is Σ of all."""

    def fn(*inputs):
        pool = [*params, *(Value(x) for x in inputs)]

        def number(which, positive_only=False, slope=False):
            kind, value = which
            x = inputs[value] if kind == "in" else value
            if slope:
                return 0.1 if kind == "lit" else x  # inputs are in [0.05, 2]: a fine slope too
            return abs(x) + 0.5 if positive_only and kind == "lit" else x

        for expr, picks, which, values_as_inputs in spec:
            a, b, c, d, e = (pool[i] for i in picks)
            op = OPS[expr].chainrule
            if expr in ("log(a)", "√a"):
                out = op(positive(a))
            elif expr == "exp(a)":
                out = op(moderate(a))
            elif expr == "a / b":
                out = op(a, positive(b))
            elif expr == "a ** b":
                out = op(positive(a), moderate(b))
            elif expr == "c / a":
                out = op(positive(a), number(which))
            elif expr == "a / c":
                out = op(a, number(which, positive_only=True))
            elif expr == "a ** c":
                out = op(positive(a), number(which))
            elif expr == "c ** a":
                out = op(moderate(a), number(which, positive_only=True))
            elif expr == "bce(a, c)":  # a probability, and a target in [0, 1]: input x2 or a literal
                kind, value = which
                out = op(a.sigmoid(), inputs[2] if kind == "in" else abs(value) % 1.0)
            elif expr == "leaky_relu(a, c)":
                out = op(a, number(which, slope=True))
            elif expr == "Σ aᵢ":
                out = total([a, b, number(which)]) if values_as_inputs else total([a, b, c])
            elif expr == "logsumexp(a)−a_c":  # the class index c: a literal 0, 1 or 2
                out = op(a, b, c, float(picks[3] % 3))
            elif expr == "w·x + b" or expr.endswith("(w·x + b)"):
                activation = None if expr == "w·x + b" else expr.split("(")[0].replace("σ", "sigmoid")
                xs = [c, d] if values_as_inputs else [number(which), 0.25]
                out = dot([a, b], xs, e, activation)
            elif OPS[expr].constant:
                out = op(moderate(a), number(which))
            elif len(RULES[expr].formulas) == 2:
                out = op(a, b)
            else:
                out = op(a)
            pool.append(moderate(out) if expr in ("exp(a)", "c ** a", "a ** b", "a ** c") else out)
        return total(pool[4 + N_INPUTS:])

    return fn


def engine_run(fn, params, inputs):
    """The loss and the parameters' grads from the engine: a fresh graph, then backward()."""
    for p in params:
        p.grad = 0.0
    loss = fn(*inputs)
    loss.backward()
    grads = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    return loss.data, grads


def replay_run(step, params, inputs, seed=1.0):
    for p in params:
        p.grad = 0.0
    loss = step(*inputs, seed=seed)
    grads = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    return loss, grads


def random_inputs(rng: random.Random) -> list[float]:
    # x2 is in [0.05, 1]: a target of binary cross-entropy too
    return [rng.uniform(0.5, 2.0) for _ in range(N_INPUTS - 1)] + [rng.uniform(0.05, 1.0)]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("expr", list(OPS))
def test_random_graphs_replay_bit_for_bit(expr, seed):
    rng = random.Random(f"{expr}-{seed}")
    params = [Value(rng.uniform(-1.0, 1.0), f"p{i}") for i in range(4)]
    fn = make_function(random_spec(rng, expr), params)
    step = trace(fn, params=params)
    first = random_inputs(rng)
    loss, grads = replay_run(step, params, first)
    # the first call equals the recorded graph's own backward()
    step.graph.backward()
    assert_same_bits([loss, *grads], [step.graph.data, *(p.grad for p in params)])
    # later calls, other inputs and moved parameters: equal to a fresh engine run, bit for bit
    for _ in range(3):
        inputs = random_inputs(rng)
        for p in params:
            p.data += rng.uniform(-0.1, 0.1)
        loss, grads = replay_run(step, params, inputs)
        ref_loss, ref_grads = engine_run(fn, params, inputs)
        assert_same_bits([loss, *grads], [ref_loss, *ref_grads])


@pytest.mark.parametrize("expr", list(OPS))
def test_random_graphs_batch_equals_the_sum_of_samples(expr):
    rng = random.Random(f"batch-{expr}")
    params = [Value(rng.uniform(-1.0, 1.0), f"p{i}") for i in range(4)]
    fn = make_function(random_spec(rng, expr), params)
    step = trace(fn, params=params)
    samples = [random_inputs(rng) for _ in range(6)]
    columns = [np.array(column) for column in zip(*samples)]
    losses, grads = replay_run(step, params, columns, seed=0.5)
    expected_losses, per_sample = [], []
    for sample in samples:
        loss, g = engine_run(fn, params, sample)
        expected_losses.append(loss)
        per_sample.append([0.5 * x for x in g])
    assert losses.shape == (6,)
    np.testing.assert_allclose(losses, expected_losses, rtol=1e-12, atol=0)
    for k in range(len(params)):
        scale = math.fsum(abs(g[k]) for g in per_sample)
        assert grads[k] == pytest.approx(math.fsum(g[k] for g in per_sample), rel=1e-12,
                                         abs=1e-12 * scale)


# --- the demos' networks -----------------------------------------------------------------------

def iris_cases():
    split = iris_book_split()
    samples = [(*x, float(y)) for x, y in zip(split.train_x, split.train_y)]
    for fused in ("neuron", True, False):
        net = iris_221_network(0, fused=fused)
        yield (f"iris 2-2-1 fused={fused}", net,
               lambda x0, x1, y, net=net: half_squared_error(net([x0, x1])[0], y), samples)
    net = iris_222_network(0)
    onehot = [(*x, float(y == 0), float(y == 1)) for x, y in zip(split.train_x, split.train_y)]
    yield ("iris 2-2-2 one-hot", net, lambda x0, x1, y0, y1, net=net: mse(net([x0, x1]), [y0, y1]),
           onehot)
    net = MLP(1, [8, 8, 1], activations="leaky_relu", weight_scale=2.0, bias_scale=0.2, rng=3)
    points = [(x / 10, 0.6 + 0.4 * x / 10) for x in range(-20, 20, 3)]
    yield ("leaky ReLU 1-8-8-1", net, lambda x, y, net=net: half_squared_error(net([x])[0], y), points)


@pytest.mark.parametrize("case", list(iris_cases()), ids=lambda case: case[0])
def test_demo_networks_replay_bit_for_bit(case):
    _, net, fn, samples = case
    params = net.parameters()
    step = trace(fn, params=params)
    for sample in samples[:: max(1, len(samples) // 12)]:
        assert_same_bits(*(lambda r, e: ([r[0], *r[1]], [e[0], *e[1]]))(
            replay_run(step, params, sample), engine_run(fn, params, sample)))


def test_three_two_one_replays_the_hand_worked_gradients():
    net = three_two_one()
    parameters = net.leaves[:9]

    def loss(x0, x1, x2):  # the tutorial's network, with its labels, on new inputs
        fresh = three_two_one()
        for mine, theirs in zip(parameters, fresh.leaves[:9]):
            theirs.data = mine.data
        return fresh.C

    # three_two_one builds its own parameters, so trace the graph as built: its leaves are constants
    step = trace(lambda: net.C, params=net.leaves)
    assert step() == net.C.data
    grads = [v.grad for v in net.leaves]
    for v in net.leaves:
        v.grad = 0.0
    net.C.backward()
    assert_same_bits(grads, [v.grad for v in net.leaves])
    assert "dC_dW1_0_0" in step.source and "a1_0 = " in step.source
    del loss


def test_full_batch_mean_is_per_sample_replay_with_seed_one_over_n():
    """fit's graph (mean of the losses, backward) equals the per-sample replay with seed 1/n, bit for
    bit: backward walks the samples' subgraphs one after the other, in sample order."""
    split = iris_book_split()
    net = iris_221_network(0)
    params = net.parameters()
    samples = [(*x, float(y)) for x, y in zip(split.train_x, split.train_y)]
    step = trace(lambda x0, x1, y: half_squared_error(net([x0, x1])[0], y), params=params)
    for p in params:
        p.data += 0.3  # away from the symmetric start
    losses = [step(*s, seed=1.0 / len(samples)) for s in samples]
    replayed = [p.grad for p in params]
    net.zero_grad()
    mean = total([half_squared_error(net([x0, x1])[0], y) for x0, x1, y in samples]) / len(samples)
    mean.backward()
    assert_same_bits(replayed, [p.grad for p in params])
    assert bits(math.fsum(losses) / len(samples)) == bits(mean.data)


def test_parameters_are_read_at_call_time_and_grads_accumulate():
    w = Value(2.0, "w")
    step = trace(lambda x: w * x, params=[w])
    assert step(3.0) == 6.0 and w.grad == 3.0
    w.data = -1.0
    assert step(4.0) == -4.0 and w.grad == 7.0


def test_inputs_used_as_values_and_as_numbers():
    w = Value(0.5, "w")
    step = trace(lambda x, y: (x * 2.0 + w).exp() * y, params=[w])
    assert step(1.0, 3.0) == math.exp(2.5) * 3.0
    assert w.grad == math.exp(2.5) * 3.0
    assert step.inputs == ("x", "y") and len(step) == 4


def test_ints_and_numpy_numbers_are_accepted_as_floats():
    w = Value(2.0)
    step = trace(lambda x: w * x, params=[w])
    assert step(3) == 6.0 and step(np.float64(3.0)) == 6.0


def test_large_graphs_are_compiled_in_parts(monkeypatch):
    monkeypatch.setattr(codegen, "CHUNK", 50)
    x = Value(1.0, "x")

    def chain():
        y = x
        for _ in range(400):
            y = (y * 1.0001 + 0.0001).tanh() * 1.5
        return y

    step = trace(chain, params=[x])
    loss, grads = replay_run(step, [x], ())
    assert "def part_7(S):" in step.source
    ref, ref_grads = engine_run(chain, [x], ())
    assert_same_bits([loss, *grads], [ref, *ref_grads])
    assert bits(step()) == bits(ref)


def test_batch_on_a_network():
    split = iris_book_split()
    net = iris_221_network(0)
    params = net.parameters()
    step = trace(lambda x0, x1, y: half_squared_error(net([x0, x1])[0], y), params=params)
    x0, x1 = (np.array([s[k] for s in split.train_x]) for k in (0, 1))
    y = np.array(split.train_y, dtype=float)
    losses, grads = replay_run(step, params, (x0, x1, y), seed=1 / 70)
    expected = [0.0] * len(params)
    for sample in zip(x0, x1, y):
        _, g = engine_run(lambda a, b, c: half_squared_error(net([a, b])[0], c), params,
                             [float(v) for v in sample])
        expected = [e + gi / 70 for e, gi in zip(expected, g)]
    assert grads == pytest.approx(expected, rel=1e-12, abs=1e-18)
    assert len(losses) == 70


# --- refusals --------------------------------------------------------------------------------

def test_branch_on_a_value_is_refused_with_the_comparison_and_the_line():
    w = Value(1.0, "w")

    def branchy(x):
        z = w * x
        if z > 0:
            return z
        return -z

    where = r"comparison Value\(data=2\) > 0 .*\n  at .*test_trace.py:\d+: if z > 0:"
    with pytest.raises(BranchError, match=where):
        trace(branchy, params=[w])(2.0)


@pytest.mark.parametrize("body, what", [
    (lambda w, x: max(w * x, w), r"comparison"),
    (lambda w, x: w * x if bool(w) else w, r"bool\('w'\)"),
    (lambda w, x: w * float(w * x), r"float\("),
    # decisions on an input (x > 1, round(x)) are checked on every call: see test_trace_decisions.py
    (lambda w, x: w * float(x), r"float\(x\) would use input x's number"),
    (lambda w, x: w * math.exp(x), r"float\(x\) would use input x's number"),
])
def test_other_branches_are_refused(body, what):
    w = Value(1.0, "w")
    with pytest.raises(BranchError, match=what):
        trace(lambda x: body(w, x), params=[w])(2.0)
    assert (w > 0.5) is True  # the engine's comparisons are back after the refusal


def test_wrong_calls_are_refused_clearly():
    w = Value(1.0, "w")
    step = trace(lambda x, y: half_squared_error(w * x, y), params=[w])
    step(1.0, 2.0)
    with pytest.raises(TypeError, match=r"takes 2 inputs \(x, y\), got 3"):
        step(1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match=r"input y must be a real number .*str 'a'"):
        step(1.0, "a")
    with pytest.raises(ValueError, match=r"input x must be finite, got nan"):
        step(float("nan"), 1.0)
    with pytest.raises(ValueError, match=r"different lengths \(x: 3, y: 2\)"):
        step(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"input y must be finite, got .*nan.* at sample 1"):
        step(np.zeros(3), np.array([0.0, np.nan, 1.0]))
    with pytest.raises(TypeError, match="not a mix"):
        step(np.zeros(3), 1.0)
    assert w.grad == -1.0  # only the one good call added into it


def test_domain_errors_are_detected_in_the_replay():
    w = Value(1.0, "w")
    step = trace(lambda x: (w * x).log(), params=[w])
    assert step(2.0) == math.log(2.0)
    before = w.grad
    with pytest.raises(DomainError, match=r"log\(a\) with a=-2.0: log\(a\) is defined only for a > 0"):
        step(-2.0)
    with pytest.raises(DomainError, match=r"sample 2: log\(a\) with a=-1.0"):
        step(np.array([1.0, 2.0, -1.0, -3.0]))
    assert w.grad == before  # a refused call changes no grad


def test_overflow_is_detected_in_the_replay():
    w = Value(1.0, "w")
    step = trace(lambda x: (w * x).exp(), params=[w])
    step(1.0)
    with pytest.raises(OverflowError, match=r"exp\(a\) with a=1000.0"):
        step(1000.0)
    with pytest.raises(OverflowError, match=r"sample 1: exp\(a\)"):
        step(np.array([1.0, 1000.0]))
    hidden = trace(lambda x: 1.0 / (w * x * 1e300), params=[w])  # inf, then 1/inf = 0
    hidden(1.0)
    with pytest.raises(OverflowError, match=r"a\*c with a=10000000000.0, c=1e\+300"):
        hidden(1e10)


def test_non_finite_gradient_is_detected():
    w = Value(1.0, "w")
    step = trace(lambda x: (w * x).sqrt() * 1e200, params=[w])  # d/dw = 1e200 · 0.5/√(w·x) · x
    step(1.0)
    with pytest.raises(NonFiniteGradientError,
                       match=r"replay: the gradient of node 't2' \(data=1e-300\) is inf"):
        step(1e-300)
    engine = (w * 1e-300).sqrt() * 1e200
    with pytest.raises(NonFiniteGradientError):
        engine.backward()


def test_a_function_that_returns_no_graph_is_refused():
    with pytest.raises(TypeError, match="must return a Value made by ops"):
        trace(lambda x: 3.0)(1.0)


# --- looking at the program ----------------------------------------------------------------

def test_source_is_named_like_the_stepper_and_is_ascii():
    net = three_two_one(fused=True)
    step = trace(lambda: net.C, params=net.leaves[:9])
    step()
    source = step.source
    assert source.isascii()
    assert "z2 = W2_0 * a1_0 + W2_1 * a1_1 + b2" in source
    assert "dC_da1_0 = W2_0 * dC_dz2" in source
    assert all(len(line) <= 100 for line in source.splitlines())
    compile(source, "<test>", "exec")


def test_walk_shows_each_line_with_its_number_and_leaves_grads_alone():
    w = Value(2.0, "w")
    step = trace(lambda x: (w * x).sigmoid(), params=[w], example=[1.0])
    walk = step.walk(0.5)
    assert w.grad == 0.0
    by_name = {line.name: line.value for line in walk if line.name}
    assert by_name["w"] == 2.0
    sigma = 1 / (1 + math.exp(-1.0))
    assert by_name["t1"] == 1.0 and by_name["L"] == pytest.approx(sigma, rel=1e-15)  # L: the output
    assert any(line.text.startswith("leaf_w._grad =") for line in walk)
    assert "# 0.731059" in repr(walk)


def test_not_traced_yet_says_what_to_do():
    step = trace(lambda x: Value(1.0) * x)
    with pytest.raises(RuntimeError, match="call it once"):
        _ = step.source
    assert "not traced yet" in repr(step)


def test_batch_of_a_loss_that_ignores_the_inputs():
    w = Value(3.0, "w")
    step = trace(lambda x: w * w, params=[w])
    losses = step(np.array([1.0, 2.0, 5.0]))
    assert list(losses) == [9.0, 9.0, 9.0] and w.grad == 18.0


def test_a_false_alarm_gives_the_numbers_of_the_checked_replay():
    """The check adds values up; a finite sum that overflows is looked at closely, and is fine."""
    w = Value(1.0, "w")
    step = trace(lambda x: w * x, params=[w])
    assert step(1.0) == 1.0 and w.grad == 1.0
    assert step(1.5e308) == 1.5e308 and w.grad == 1.5e308 + 1.0  # loss + grad overflows: looked at
    w.grad = 0.0
    assert list(step(np.array([1.5e308, 1.0]))) == [1.5e308, 1.0] and w.grad == 1.5e308 + 1.0


# --- fit(compiled=...) ---------------------------------------------------------------------------

def _trained(compiled, batch_size=None, shuffle=None, epochs=30):
    from nn import SGD, fit
    net = MLP(1, [8, 8, 1], activations="leaky_relu", weight_scale=2.0, bias_scale=0.2, rng=3)
    x = [[k / 10] for k in range(-20, 20)]
    y = [0.6 + 0.4 * k / 10 * math.sin(0.3 * k) for k in range(-20, 20)]
    history = fit(net, half_squared_error, x, y, SGD(net.parameters(), lr=0.05), epochs=epochs,
                  batch_size=batch_size, shuffle=shuffle, progress=False, compiled=compiled)
    return [p.data for p in net.parameters()], list(history)


@pytest.mark.parametrize("batch_size, shuffle", [(None, None), (8, 3), (1, 5)])
def test_fit_compiled_gives_the_same_floats_as_fit(batch_size, shuffle):
    expected = _trained(False, batch_size, shuffle)
    got = _trained(True, batch_size, shuffle)
    assert_same_bits(got[0] + got[1], expected[0] + expected[1])


def test_fit_compiled_batch_agrees_with_fit():
    expected = _trained(False, 8, 3)
    got = _trained("batch", 8, 3)
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-10)


def test_fit_compiled_on_iris_one_hot_targets():
    from nn import SGD, fit
    split = iris_book_split()
    targets = [[float(c == 0), float(c == 1)] for c in split.train_y]
    results = []
    for compiled in (False, True):
        net = iris_222_network(0)
        history = fit(net, mse, split.train_x, targets, SGD(net.parameters(), lr=0.1), epochs=5,
                      progress=False, compiled=compiled)
        results.append([p.data for p in net.parameters()] + list(history))
    assert_same_bits(results[1], results[0])


def test_replay_demo(capsys):
    import runpy
    from pathlib import Path

    demo = runpy.run_path(str(Path(__file__).resolve().parent.parent / "demos" / "replay_iris.py"),
                          run_name="demo")
    demo["main"](epochs=20)
    out = capsys.readouterr().out
    assert out.count("the same floats") == 2  # fit itself, and compiled=True
    assert "parameters within" in out  # the batch form: equal to about 1e-12
    assert "dC_dw0 += (s_a0 * x0) * dC_da0" in out


def test_fit_compiled_refuses_an_unknown_mode():
    from nn import SGD, fit
    net = MLP(1, [1], activations="linear", weights=[[[1.0]]], biases=[[0.0]])
    with pytest.raises(ValueError, match="compiled must be False, True, 'batch' or 'matrix', got 'fast'"):
        fit(net, half_squared_error, [[1.0]], [1.0], SGD(net.parameters(), lr=0.1), epochs=1,
            compiled="fast")


def test_the_recorded_graph_can_be_drawn_and_stepped():
    from autograd import draw, step_through
    w = Value(2.0, "w")
    step = trace(lambda x: (w * x).tanh(), params=[w], example=[0.5])
    assert "tanh" in draw(step.graph).source
    stepper = step_through(step.graph, live=False).run()
    assert len(stepper.steps) == len(step) == 2
