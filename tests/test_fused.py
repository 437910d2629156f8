"""total and dot: one node, the same gradients as the fine-grained graph."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, dot, no_grad, total

small = st.floats(min_value=-5, max_value=5, allow_nan=False)


@given(st.lists(small, min_size=1, max_size=6), st.data())
def test_dot_matches_the_fine_grained_neuron(weights, data):
    xs = data.draw(st.lists(small, min_size=len(weights), max_size=len(weights)))
    bias = data.draw(small)
    for inputs_are_values in (False, True):
        fused_w, fine_w = [Value(w) for w in weights], [Value(w) for w in weights]
        fused_b, fine_b = Value(bias), Value(bias)
        fused_x = [Value(x) for x in xs] if inputs_are_values else xs
        fine_x = [Value(x) for x in xs] if inputs_are_values else xs
        fused = dot(fused_w, fused_x, fused_b).tanh()
        fine = fine_b
        for w, x in zip(fine_w, fine_x):
            fine = fine + w * x
        fine = fine.tanh()
        assert fused.data == pytest.approx(fine.data, rel=1e-12, abs=1e-12)
        fused.backward()
        fine.backward()
        for a, b in zip([*fused_w, fused_b], [*fine_w, fine_b]):
            assert a.grad == pytest.approx(b.grad, rel=1e-9, abs=1e-12)
        if inputs_are_values:
            for a, b in zip(fused_x, fine_x):
                assert a.grad == pytest.approx(b.grad, rel=1e-9, abs=1e-12)


def test_dot_records_its_edges_and_constants():
    w, b = [Value(0.5, "w0"), Value(-2.0, "w1")], Value(0.1, "b")
    z = dot(w, [3.0, 4.0], b)
    assert z.op == "dot" and z.const == (3.0, 4.0)
    assert z.edges == ((w[0], 3.0), (w[1], 4.0), (b, 1.0))
    assert z.formulas == ("d(w·x + b)/dw0 = x0", "d(w·x + b)/dw1 = x1", "d(w·x + b)/db = 1")
    x = [Value(3.0), Value(4.0)]
    z = dot(w, x, b)
    assert z.const is None and len(z.edges) == 5 and z.formulas[4] == "d(w·x + b)/dx1 = w1"


def test_dot_shape_and_type_mistakes():
    w, b = [Value(1.0), Value(2.0)], Value(0.0)
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        dot(w, [1.0, 2.0, 3.0], b)
    with pytest.raises(TypeError, match="all Values or all numbers"):
        dot(w, [Value(1.0), 2.0], b)
    with pytest.raises(TypeError, match="must be Values"):
        dot([1.0, 2.0], [1.0, 2.0], b)
    with pytest.raises(TypeError):
        dot(w, ["a", "b"], b)


def test_total_is_one_node_with_unit_edges():
    xs = [Value(float(i)) for i in range(1000)]
    s = total([*xs, 0.5])
    assert s.data == sum(range(1000)) + 0.5 and len(s.edges) == 1000 and s.const == (0.5,)
    s.backward()
    assert all(x.grad == 1.0 for x in xs)
    with pytest.raises(ValueError, match="at least one Value"):
        total([1.0, 2.0])


def test_fused_ops_respect_no_grad():
    with no_grad():
        assert total([Value(1.0), Value(2.0)]).is_leaf
        assert dot([Value(1.0)], [2.0], Value(0.0)).is_leaf
