"""The step-by-step backward pass: same grads as backward(), lines that read like a hand calculation."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import NonFiniteGradientError, Value, dot, step_through, topological_order, total
from autograd.examples import three_two_one
from autograd.views.stepper import GradientAccumulationWarning, Stepper

# --- the hand-worked 3-2-1 example: every number typed in from hand_worked_321.md --------------

REFERENCE_GRADS = {
    "W1[0][0]": -0.0409054, "W1[0][1]": -0.0613582, "W1[0][2]": 0.0204527,
    "W1[1][0]": -0.0194641, "W1[1][1]": -0.0291961, "W1[1][2]": 0.00973203,
    "b1[0]": -0.0204527, "b1[1]": -0.00973203,
    "W2[0]": -0.0575363, "W2[1]": -0.114344, "b2": -0.199053,
    "x0": -0.00117094, "x1": 0.00633355, "x2": -0.00399168,
    "a2": -0.822203, "z2": -0.199053, "a1[0]": -0.0995265, "a1[1]": -0.0398106,
    "z1[0]": -0.0204527, "z1[1]": -0.00973203,
}


def test_the_issue_line_for_the_output_sigmoid():
    steps = list(step_through(three_two_one().C))
    assert repr(steps[2]) == ("step 3/21  a2 = sigmoid(z2): dC/dz2 += sigma'(z2) × dC/da2 = "
                              "0.242097 × -0.822203 = -0.199053")


def test_321_step_lines_match_the_reference():
    steps = list(step_through(three_two_one().C))
    assert len(steps) == 21
    assert repr(steps[1]) == "step 2/21  err = a2 - 1: dC/da2 += 1 × dC/derr = 1 × -0.822203 = -0.822203"
    by_name = {step.name: step for step in steps}
    hidden = by_name["a1[0]"].edge_line(by_name["a1[0]"].edges[0])
    assert hidden == "dC/dz1[0] += sigma'(z1[0]) × dC/da1[0] = 0.2055 × -0.0995265 = -0.0204527"
    hidden = by_name["a1[1]"].edge_line(by_name["a1[1]"].edges[0])
    assert hidden == "dC/dz1[1] += sigma'(z1[1]) × dC/da1[1] = 0.244458 × -0.0398106 = -0.00973203"
    # the products feeding z2: dC/dW2 and dC/da1, one line per edge
    w2_lines = [step.edge_line(e) for step in steps for e in step.edges if e.parent_name.startswith("W2")]
    assert w2_lines == ["dC/dW2[0] += a1[0] × dC/dt2 = 0.28905 × -0.199053 = -0.0575363",
                        "dC/dW2[1] += a1[1] × dC/dt8 = 0.574443 × -0.199053 = -0.114344"]


def test_321_every_gradient_matches_the_reference_to_1e6():
    net = three_two_one()
    stepper = step_through(net.C).run()
    names = stepper.names
    for v in stepper.order:
        if names[v] in REFERENCE_GRADS:
            assert v.grad == pytest.approx(REFERENCE_GRADS[names[v]], abs=1e-6, rel=1e-5), names[v]
    assert {names[v] for v in stepper.order} >= set(REFERENCE_GRADS)


def test_321_fused_has_eight_steps_and_the_same_gradients():
    net = three_two_one(fused=True)
    stepper = step_through(net.C).run()
    assert stepper.total == 8
    assert net.W1[0][1].grad == pytest.approx(-0.0613582, abs=1e-7)
    assert net.x[1].grad == pytest.approx(0.00633355, abs=1e-8)
    z2 = next(s for s in stepper.steps if s.name == "z2")
    assert z2.expression == "W2[0]*a1[0] + W2[1]*a1[1] + b2"
    assert [e.local_symbol for e in z2.edges] == ["a1[0]", "a1[1]", "1", "W2[0]", "W2[1]"]


def test_table_has_one_row_per_edge_and_the_leaf_gradients():
    net = three_two_one()
    stepper = step_through(net.C)
    table = stepper.table().render(width=None)
    head, rule, *rest = table.splitlines()
    assert head.split()[:3] == ["step", "node", "chain"]
    assert set(rule.replace(" ", "")) == {"-"}
    rows = rest[: rest.index("")]
    assert len(rows) == sum(len(v.edges) for v in stepper.order)
    assert rows[2].startswith("3/21") and "dC/dz2 += sigma'(z2) × dC/da2" in rows[2]
    assert "-0.199053" in rows[2]
    leaves = rest[rest.index("") + 2:]
    assert leaves[0] == "  dC/dW1[0][0] = -0.0409054"
    assert "  dC/dx1 = 0.00633355" in leaves and len(leaves) == 14
    assert stepper.table().render(width=None) == table  # stable: asking again gives the same text


# --- the same policy and numbers as backward(), on random graphs --------------------------------

finite = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_infinity=False)


@st.composite
def graphs(draw):
    """A random graph: leaves, then ops on earlier nodes (Values shared freely), one root."""
    nodes = [Value(draw(finite), f"x{i}") for i in range(draw(st.integers(1, 4)))]
    for _ in range(draw(st.integers(1, 14))):
        op = draw(st.sampled_from(["add", "sub", "mul", "rmul", "tanh", "sigmoid", "square", "total",
                                   "dot", "neg", "leaky", "pysum"]))
        pick = st.sampled_from(nodes)
        a, b = draw(pick), draw(pick)
        if op == "add":
            out = a + b
        elif op == "sub":
            out = a - b
        elif op == "mul":
            out = a * b
        elif op == "rmul":
            out = draw(finite) * a
        elif op == "tanh":
            out = a.tanh()
        elif op == "sigmoid":
            out = a.sigmoid()
        elif op == "square":
            out = a**2
        elif op == "neg":
            out = -a
        elif op == "leaky":
            out = a.leaky_relu(0.1)
        elif op == "total":
            out = total([a, b, draw(pick), 1.5])
        elif op == "pysum":  # Python's sum(): 0 + a + b, a "+ 0" node the stepper folds
            out = sum([a, b, draw(pick)])
        else:
            out = dot([a, b], [draw(pick), draw(pick)], draw(pick))
        nodes.append(out)
    return nodes


@given(graphs(), st.lists(finite, min_size=4, max_size=4))
def test_stepper_equals_backward(nodes, leaf_start):
    root = nodes[-1]
    leaves = [v for v in nodes if v.is_leaf]
    # leaves start from some earlier grads (they accumulate), inner nodes from stale ones (reset)
    for v, g in zip(leaves, leaf_start * 2):
        v.grad = g
    for v in nodes:
        if not v.is_leaf:
            v.grad = 123.0
    start = {v: v.grad for v in nodes}
    root.backward()
    expected = {v: v.grad for v in topological_order(root)}  # sum() makes nodes not in `nodes`
    for v in nodes:
        v.grad = start[v]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GradientAccumulationWarning)  # leaves hold grads on purpose
        stepper = step_through(root)
    steps = list(stepper)
    inner = [v for v in stepper.order if not v.is_leaf]
    assert len(steps) == stepper.total == len(inner) - len(stepper.folded)
    for v in nodes:
        if v in stepper.initial:
            assert v.grad == expected[v], v  # bit for bit: same order of the same additions
    for step in steps:
        assert step.upstream == expected[step.node] or step.node is root
        for e in step.edges:
            assert e.contribution == e.local * step.upstream
            assert e.after == e.before + e.contribution


@given(graphs())
def test_not_live_walks_a_fresh_pass_and_leaves_values_alone(nodes):
    root = nodes[-1]
    for v in nodes:
        v.grad = 7.0
    stepper = step_through(root, live=False).run()
    assert all(v.grad == 7.0 for v in nodes)
    for v in nodes:
        v.grad = 0.0
    root.backward()
    final = stepper.grads_at(stepper.total)
    assert all(final[v] == v.grad for v in stepper.order)


def test_grads_at_each_step_and_range_errors():
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    s = step_through(y, live=False)
    assert s.grads_at(0) == {x: 0.0, y: 1.0}
    assert s.grads_at(1)[x] == 6.0
    with pytest.raises(IndexError, match="has 1 steps"):
        s.grads_at(2)


def test_iterator_protocol_backward_steps_and_repr():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b + a
    c.label = "c"
    stepper = c.backward_steps()
    assert isinstance(stepper, Stepper) and len(stepper) == 2 and c.grad == 1.0
    assert "0 of 2 steps" in repr(stepper)
    first = next(stepper)
    assert first.index == 1 and first.total == 2 and first.equation == "c = t1 + a"
    stepper.run()
    with pytest.raises(StopIteration):
        next(stepper)
    assert (a.grad, b.grad) == (-2.0, 2.0)
    second = repr(stepper.steps[1]).splitlines()
    assert second[0] == "step 2/2  t1 = a*b: dc/da += b × dc/dt1 = -3 × 1 = -3"
    assert second[1].strip() == "dc/db += a × dc/dt1 = 2 × 1 = 2"
    assert second[1].index("dc/db") == second[0].index("dc/da")


def test_names_from_named_parameters_pairs():
    w, b = Value(0.5), Value(0.1)
    out = (w * 2.0 + b).tanh()
    steps = list(step_through(out, names=[("layer.w", w), ("layer.b", b)]))
    assert steps[-1].edges[0].parent_name == "layer.w"
    assert "dL/dlayer.w" in repr(steps[-1])
    with pytest.raises(TypeError, match="pairs"):
        step_through(out, names=[(1, 2)])


def test_non_finite_gradient_stops_like_backward():
    x = Value(1e-300, "x")
    y = x.sqrt().sqrt() * 1e300  # finite going forward; dy/dx = 1e300 · 5e74 · 5e149 overflows
    y.label = "y"
    stepper = step_through(y)
    with pytest.raises(NonFiniteGradientError):
        stepper.run()


def test_a_deep_chain_steps_without_recursion():
    x = Value(1.0, "x")
    y = x
    for _ in range(20_000):
        y = y * 1.0
    stepper = step_through(y).run()
    assert stepper.total == 20_000 and x.grad == 1.0
    assert math.isclose(sum(1 for _ in stepper.steps), 20_000)


def test_whole_neuron_and_loss_nodes_read_like_hand_calculations():
    """The single-node neuron σ(w·x + b) and loss ½(a − y)² are written out in their operands."""
    import math

    from autograd import dot
    from autograd.engine.fused import half_squared_error

    w, b = [Value(0.5, "w0"), Value(-0.25, "w1")], Value(0.1, "b")
    a = dot(w, [2.0, 4.0], b, "sigmoid")
    a.label = "a"
    loss = half_squared_error(a, 1.0)
    loss.label = "L"
    s = 1 / (1 + math.exp(-0.1))  # σ(z) at z = 0.5·2 − 0.25·4 + 0.1 = 0.1
    steps = list(step_through(loss))
    assert repr(steps[0]) == (f"step 1/2  L = 0.5*(a - 1)**2: dL/da += (a - 1) × dL/dL = "
                              f"{s - 1:.6g} × 1 = {s - 1:.6g}")
    head, first, *_ = repr(steps[1]).splitlines()  # 105 columns on one line: the edges go below
    slope = s * (1 - s)
    assert head == "step 2/2  a = sigmoid(w0*2 + w1*4 + b):"
    assert first == (f"    dL/dw0 += sigma'(z)*2 × dL/da = "
                     f"{2 * slope:.6g} × {s - 1:.6g} = {2 * slope * (s - 1):.6g}")
    assert w[1].grad == pytest.approx(4 * slope * (s - 1), rel=1e-12)
    assert b.grad == pytest.approx(slope * (s - 1), rel=1e-12)


# --- issue 9: no silent traps, readable text ----------------------------------------------------

def test_stepper_after_backward_warns_and_shows_this_pass_derivatives():
    net = three_two_one()
    net.C.backward()  # the student's natural order: backward, look at the grads, then step
    with pytest.warns(GradientAccumulationWarning) as caught:
        stepper = step_through(net.C)
    message = str(caught[0].message)
    assert message.startswith("step_through(C): 14 of the 14 inputs and parameters already hold a "
                              "gradient (W1[0][0].grad = -0.0409054 and 13 more)")
    assert "not dC/d(leaf)" in message and "zero_grad" in message and "live=False" in message
    text = stepper.run().table().render(width=None)
    # the summary is this pass's derivative (the hand-worked reference), the sum is labelled .grad
    assert "gradients of the leaves (this pass):" in text
    assert "  dC/dW2[0] = -0.0575363   (.grad = -0.115073: accumulated with the earlier one)" in text
    assert "dC/dW2[0] = -0.115073" not in text
    assert ".grad: before → after" in text.splitlines()[0]
    assert "d(parent): before" not in text
    for name, value in REFERENCE_GRADS.items():
        leaf = next((v for v in stepper.order if stepper.names[v] == name and v.is_leaf), None)
        if leaf is not None:
            assert stepper.derivative(leaf) == pytest.approx(value, abs=1e-6, rel=1e-5), name
            assert leaf.grad == pytest.approx(2 * value, abs=2e-6, rel=1e-5), name
    fresh = three_two_one()
    fresh.C.backward()
    assert [stepper.derivative(v) for v in net.leaves] == [v.grad for v in fresh.leaves]  # bit for bit


def test_a_fresh_pass_gives_no_warning_and_the_derivative_column():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stepper = step_through(three_two_one().C)
        text = stepper.table().render(width=None)
    assert "dC/d(parent): before → after" in text.splitlines()[0]
    assert "  dC/dW2[0] = -0.0575363\n" in text


def test_an_overflowing_leaf_gradient_stops_the_stepper_as_it_stops_backward():
    def graph():
        x = Value(1e-310, "x")
        t = x * 1e10      # 1e-300
        y = t * 1e300     # 1.0; dy/dt = 1e300 is finite, dy/dx = 1e300 * 1e10 overflows on the leaf
        y.label = "y"
        return x, y

    x, y = graph()
    with pytest.raises(NonFiniteGradientError, match="node 'x'") as from_backward:
        y.backward()
    assert x.grad == math.inf
    x, y = graph()
    stepper = step_through(y)
    with pytest.raises(NonFiniteGradientError, match="node 'x'") as from_stepper:
        stepper.run()
    assert str(from_stepper.value) == str(from_backward.value)
    assert x.grad == math.inf and len(stepper.steps) == 2  # both steps shown, then the leaf's turn
    x, y = graph()
    with pytest.raises(NonFiniteGradientError):
        step_through(y, live=False).run()
    assert x.grad == 0.0


def test_an_unlabelled_root_is_called_L_and_the_repr_says_how_to_name_nodes():
    x = Value(2.0, "x")
    y = x * x + x
    stepper = step_through(y)
    assert next(stepper).equation == "L = t1 + x"
    text = repr(stepper)
    assert text == ("<Stepper for 'L': 1 of 2 steps taken; names like t1 are made up: "
                    "pass names= or set .label>")
    assert len(text) <= 100 and "\n" not in text
    z = Value(1.0, "L") * x
    assert step_through(z, live=False).names[z] == "out"
    named = x * 3
    named.label = "y"
    assert repr(step_through(named, live=False)) == "<Stepper for 'y': 0 of 1 steps taken>"


def test_python_sum_adds_no_visible_plus_zero_step():
    w = [Value(v, f"w{i}") for i, v in enumerate([0.5, -1.0, 2.0])]
    x = [1.0, 2.0, 3.0]
    y = sum(wi * xi for wi, xi in zip(w, x))  # 0 + w0*1 + w1*2 + w2*3
    y.label = "y"
    stepper = step_through(y)
    steps = list(stepper)
    assert len(stepper.folded) == 1 and stepper.total == 5 == len(steps)  # not 6: the "+ 0" is folded
    assert steps[0].equation == "y = t1 + t4"
    assert steps[1].equation == "t1 = t2 + t3"
    assert [e.parent_name for e in steps[1].edges] == ["t2", "t3"]  # t2 = w0*1 itself, not t2 + 0
    assert [s.equation for s in steps[2:]] == ["t2 = w0*1", "t3 = w1*2", "t4 = w2*3"]
    text = stepper.table().render(width=None)
    assert "+ 0" not in text and "total(values)" in text
    assert [v.grad for v in w] == [1.0, 2.0, 3.0]
    # the same numbers as backward, for every node, the folded one included
    grads = step_through(y, live=False).grads_at(5)
    for v in stepper.order:
        v.grad = 0.0
    y.backward()
    assert all(grads[v] == v.grad for v in stepper.order)


def test_table_prints_itself_within_100_columns_and_in_full_on_request():
    stepper = step_through(three_two_one().C)
    table = stepper.table()
    text = str(table)
    assert repr(table) == text and "\n" in text
    assert max(map(len, text.splitlines())) <= 100
    assert "3/21  a2 = sigmoid(z2)   (upstream dC/da2 = -0.822203)" in text.splitlines()
    assert "  dC/dz2 += sigma'(z2) × dC/da2            0.242097     -0.199053  0 → -0.199053" in text
    full = table.render(width=None)
    assert max(map(len, full.splitlines())) > 100  # one line per edge
    html = table._repr_html_()
    assert html.startswith("<table") and "sigma&#x27;(z2) × dC/da2" in html and "<td" in html
    # a console that is not UTF-8 gets ASCII: no U+2212, arrows as ->, × as *
    ascii_text = table.render(rich=False)
    assert ascii_text.isascii() and "0 -> -0.199053" in ascii_text
    assert "dC/dz2 += sigma'(z2) * dC/da2" in ascii_text


def test_long_names_still_fit_100_columns():
    from nn import MLP

    net = MLP(3, [2, 1], activations="sigmoid", fused=False, rng=0)
    loss = (net([2.0, 3.0, -1.0])[0] - 1.0) ** 2
    text = str(step_through(loss, names=net.named_parameters()).table())
    assert max(map(len, text.splitlines())) <= 100
    assert "dL/dlayers.0.neurons.1.w.2 += x2 ×" not in text  # x2 is a number here
    assert "dL/dlayers.0.neurons.1.w.2 += 2 × dL/dt" in text or "layers.0.neurons.1.w.2" in text


def test_the_accumulation_warning_points_at_the_students_line():
    net = three_two_one()
    net.C.backward()
    with pytest.warns(GradientAccumulationWarning) as caught:
        net.C.backward_steps()  # through Value.backward_steps and step_through: still this file
    assert caught[0].filename == __file__


@given(st.sampled_from([1e-300, 1e-160, 1.0, 1e150]),
       st.lists(st.sampled_from([1e300, 1e-300, 1e200, 1e-200, 1e150, 2.0, 0.5, -3.0]),
                min_size=1, max_size=6),
       st.sampled_from([None, 1e300, -1e300, 1.0]))
def test_stepper_and_backward_agree_when_gradients_overflow(start, factors, second):
    """Chains of large and small factors: finite going forward, the gradient may overflow anywhere."""
    def graph():
        x = Value(start, "x")
        y = x
        try:
            for c in factors:
                y = y * c
            if second is not None:  # x feeds a second path: its grad is a sum that may overflow
                y = y + x * second
        except OverflowError:
            return None
        return x, y

    made = graph()
    assume(made is not None)
    _, y = made
    try:
        y.backward()
        error = None
    except NonFiniteGradientError as raised:
        error = str(raised)
    expected = [v.grad for v in topological_order(y)]
    _, y = graph()
    stepper = step_through(y)
    try:
        stepper.run()
        assert error is None
    except NonFiniteGradientError as raised:
        assert str(raised) == error
    assert [v.grad for v in stepper.order] == pytest.approx(expected, nan_ok=True, rel=0, abs=0)


# --- issue 18: one rule for a live stepper and backward(), in every order -------------------------

def _leaf(net, name):
    return {"W2[0]": net.W2[0], "W2[1]": net.W2[1], "b2": net.b2, "W1[0][0]": net.W1[0][0]}[name]


def test_looking_at_the_table_first_then_backward_gives_single_gradients():
    net = three_two_one()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stepper = step_through(net.C)
        text = str(stepper.table())  # a view: no .grad changes
        assert net.W2[0].grad == 0.0 and net.b2.grad == 0.0
        net.C.backward()             # nothing of the stepper is in .grad: no warning
    for name in ("W2[0]", "W2[1]", "b2", "W1[0][0]"):
        assert _leaf(net, name).grad == pytest.approx(REFERENCE_GRADS[name], abs=1e-6, rel=1e-5)
    assert "  dC/dW2[0] = -0.0575363" in text and "not taken yet" not in text
    with pytest.raises(RuntimeError) as raised:
        next(stepper)                # stepping now would add a second time
    assert str(raised.value) == (
        "step_through(C): backward() ran over this graph when this pass was before the first of its 21 "
        "steps, and filled every gradient; taking the next step would add a second time. For a fresh "
        "pass, set the gradients to 0 (zero_grad(C) or net.zero_grad()) and call step_through again; to "
        "look without changing .grad, use step_through(..., live=False).")


def test_a_finished_stepper_then_backward_warns_with_the_numbers():
    net = three_two_one()
    stepper = step_through(net.C).run()
    with pytest.warns(GradientAccumulationWarning) as caught:
        net.C.backward()
    w = REFERENCE_GRADS["W1[0][0]"]
    assert net.W1[0][0].grad == pytest.approx(2 * w, rel=1e-5)
    assert str(caught[0].message) == (
        f"backward(): a live step_through(C) pass (all 21 steps taken) had already put gradients into 14 "
        f"of the 14 inputs and parameters, and backward() added its own to them: W1[0][0].grad = "
        f"{net.W1[0][0].grad:.6g} = {w:.6g} (step_through) + {w:.6g} (backward); 13 more likewise. "
        f"For dC/d(leaf) alone, set the gradients to 0 first (zero_grad(C) or net.zero_grad()) and run "
        f"one pass; to look without changing .grad, use step_through(..., live=False).")
    assert caught[0].filename == __file__
    assert net.W2[0].grad == pytest.approx(2 * REFERENCE_GRADS["W2[0]"], rel=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.C.backward()   # told once: a third pass is backward()'s own accumulation, as in PyTorch
    assert stepper.interrupted is None


def test_backward_in_the_middle_of_a_live_stepper_warns_and_stops_the_stepper():
    net = three_two_one()
    stepper = step_through(net.C)
    for _ in range(5):
        next(stepper)      # steps 1-5: b2 has its gradient, W2[0] not yet
    with pytest.warns(GradientAccumulationWarning) as caught:
        net.C.backward()
    b = REFERENCE_GRADS["b2"]
    assert str(caught[0].message) == (
        f"backward(): a live step_through(C) pass (at step 5 of 21) had already put gradients into 1 of "
        f"the 14 inputs and parameters, and backward() added its own to them: b2.grad = {2 * b:.6g} = "
        f"{b:.6g} (step_through) + {b:.6g} (backward). That pass stops here (its next step raises). For "
        f"dC/d(leaf) alone, set the gradients to 0 first (zero_grad(C) or net.zero_grad()) and run one "
        f"pass; to look without changing .grad, use step_through(..., live=False).")
    assert net.W2[0].grad == pytest.approx(REFERENCE_GRADS["W2[0]"], rel=1e-5)
    with pytest.raises(RuntimeError, match=r"^step_through\(C\): backward\(\) ran over this graph when "
                                           r"this pass was at step 5 of 21, and filled every gradient"):
        next(stepper)
    with pytest.raises(RuntimeError, match="at step 5 of 21"):
        stepper.table()    # no table whose "before" column is not what .grad held


def test_a_second_live_stepper_stops_the_first():
    net = three_two_one()
    first = step_through(net.C)
    next(first), next(first)
    with pytest.warns(GradientAccumulationWarning) as caught:
        second = step_through(net.C)
    assert str(caught[0].message) == (
        "step_through: another live step_through(C) pass was at step 2 of 21 on this graph; it stops here "
        "(its next step raises), and this pass starts from the gradients it left. Finish one pass before "
        "starting the next, or use live=False.")
    with pytest.raises(RuntimeError, match=r"another live step_through pass began on this graph when this "
                                           r"one was at step 2 of 21"):
        next(first)
    second.run()
    assert net.b2.grad == pytest.approx(REFERENCE_GRADS["b2"], rel=1e-5)
    with pytest.warns(GradientAccumulationWarning, match=r"probably from an earlier backward\(\) or "
                                                         r"step_through pass"):
        step_through(net.C)  # a finished pass's gradients are held: the next one says so


def test_gradients_changed_under_a_live_stepper_stop_it_with_the_numbers():
    net = three_two_one()
    stepper = step_through(net.C)
    next(stepper)
    net.C.zero_grad()
    with pytest.raises(RuntimeError) as raised:
        next(stepper)
    assert str(raised.value) == (
        "step_through(C): err.grad is 0, but this pass left -0.822203 there: something else (backward(), "
        "zero_grad, an assignment) changed the gradients when this pass was at step 1 of 21, so its next "
        "step would add to numbers it did not make. Start a fresh pass: zero_grad(C), then step_through "
        "again (or live=False to look without changing .grad).")


def test_the_table_of_a_half_taken_pass_changes_nothing_and_says_so():
    net = three_two_one()
    stepper = step_through(net.C)
    for _ in range(3):
        next(stepper)
    grads = [v.grad for v in stepper.order]
    text = str(stepper.table())
    assert [v.grad for v in stepper.order] == grads and len(stepper.steps) == 3
    assert ("note: steps 4 to 21 are not taken yet: the table shows them without changing .grad;\n"
            "      .grad changes as you step (next(stepper), or stepper.run() for the rest).") in text
    stepper.run()
    fresh = three_two_one()
    fresh.C.backward()
    assert [v.grad for v in net.leaves] == [v.grad for v in fresh.leaves]  # bit for bit
    # every "before" the table shows is what .grad held when the step ran
    seen = {v: v.grad for v in stepper.order}
    replay = step_through(three_two_one().C, live=False).run()
    assert [e.before for s in replay.steps for e in s.edges] == [
        e.before for s in stepper.steps for e in s.edges]
    assert seen


def test_backward_of_an_unrelated_graph_leaves_a_live_stepper_alone():
    net, other = three_two_one(), three_two_one()
    stepper = step_through(net.C)
    next(stepper)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        other.C.backward()
    next(stepper)
    assert stepper.interrupted is None
