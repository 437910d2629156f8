"""backward(): the chain rule over the whole graph, its accumulation policy, depth and errors."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import NonFiniteGradientError, Value, topological_order


def test_a_reused_node_gets_the_sum_of_its_paths():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0 and b.grad == 2.0


def test_product_rule_through_reuse():
    x = Value(3.0)
    (x * x * x).backward()
    assert x.grad == 27.0


def test_leaves_accumulate_inner_nodes_are_recomputed():
    w = Value(2.0)
    h = w * 3
    y = h * h
    y.backward()
    assert (w.grad, h.grad, y.grad) == (36.0, 12.0, 1.0)
    y.backward()
    assert (w.grad, h.grad, y.grad) == (72.0, 12.0, 1.0)  # leaf doubled, inner nodes not


def test_a_leaf_root_accumulates_too():
    x = Value(5.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_million_op_chain_at_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_builtin_sum_of_100k_terms():
    xs = [Value(float(i)) for i in range(100_000)]
    total = sum(xs)
    total.backward()
    assert total.data == sum(range(100_000))
    assert all(x.grad == 1.0 for x in xs)


def test_overflowing_gradients_name_the_first_bad_node():
    x = Value(1e-300, "x")
    y = x.log()  # local derivative 1e300
    y.label = "logx"
    z = y * 1e10
    w = z * 1e10
    w.label = "w"
    with pytest.raises(NonFiniteGradientError, match="'x'") as error:
        w.backward()
    assert "inf" in str(error.value)


def test_topological_order_puts_parents_first_and_each_node_once():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert len(order) == len(set(map(id, order))) == 5
    position = {id(v): i for i, v in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    assert order[-1] is e


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from("+*")),
                min_size=1, max_size=40))
def test_backward_matches_forward_mode_on_random_dags(steps):
    """Random DAGs of + and * over three leaves: backward's grads equal forward-mode derivatives."""
    leaves = [Value(0.5), Value(-1.25), Value(2.0)]
    nodes = list(leaves)
    # forward mode: each node carries (value, d/dleaf0, d/dleaf1, d/dleaf2)
    tangents = [[1.0 if i == j else 0.0 for j in range(3)] for i in range(3)]
    for i, j, op in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        ta, tb = tangents[i % len(nodes)], tangents[j % len(nodes)]
        if op == "+":
            nodes.append(a + b)
            tangents.append([p + q for p, q in zip(ta, tb)])
        else:
            nodes.append(a * b)
            tangents.append([p * b.data + a.data * q for p, q in zip(ta, tb)])
        if abs(nodes[-1].data) > 1e100:
            break
    nodes[-1].backward()
    for leaf, expected in zip(leaves, tangents[len(nodes) - 1]):
        assert math.isclose(leaf.grad, expected, rel_tol=1e-12, abs_tol=1e-300)
