"""Issue 2's speed and memory targets: chainrule against micrograd on the same workloads.

Run with ``python -m pytest tests/benchmarks --benchmark-only``; the summary prints the ratios.
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from conftest import COMPARISONS, MEASURES, Comparison
from peers import MicrogradValue, chain, chain_forward_backward, deep_stack, mlp_forward_backward

from autograd import Value


def collect_garbage() -> None:
    """Before each round: free the previous round's cyclic garbage, so no engine pays for another's."""
    gc.collect()


ENGINES = {"chainrule": Value, "micrograd": MicrogradValue}
CHAIN_LENGTH = 100_000

COMPARISONS["chain of 1e5 x*1.0001 + 0.0001, fwd + bwd"] = Comparison(
    "chain of 1e5 x*1.0001 + 0.0001, fwd + bwd", "micrograd", 10.0)
COMPARISONS["MLP 2-16-16-1 relu, 100 points, fwd + bwd"] = Comparison(
    "MLP 2-16-16-1 relu, 100 points, fwd + bwd", "micrograd", 8.0)


@pytest.mark.parametrize("engine", ENGINES)
def test_chain(benchmark, record, engine):
    value_class = ENGINES[engine]
    grad = benchmark.pedantic(lambda: deep_stack(lambda: chain_forward_backward(value_class, CHAIN_LENGTH)),
                              setup=collect_garbage, rounds=5, iterations=1, warmup_rounds=0)
    assert grad == pytest.approx(1.0001**CHAIN_LENGTH, rel=1e-9)
    record("chain of 1e5 x*1.0001 + 0.0001, fwd + bwd", engine, benchmark)


@pytest.mark.parametrize("engine", ENGINES)
def test_mlp(benchmark, record, engine):
    value_class = ENGINES[engine]
    loss = benchmark.pedantic(lambda: mlp_forward_backward(value_class), setup=collect_garbage, rounds=7,
                              iterations=1, warmup_rounds=1)
    assert loss > 0.0
    record("MLP 2-16-16-1 relu, 100 points, fwd + bwd", engine, benchmark)


def test_memory_per_node(benchmark):
    """Bytes per op node of a 1e5-node chain, as tracemalloc sees them (graph built, no backward)."""

    def measure() -> float:
        gc.collect()
        tracemalloc.start()
        try:
            graph = chain(Value, CHAIN_LENGTH // 2)  # two op nodes per step
            size, _ = tracemalloc.get_traced_memory()
            del graph
        finally:
            tracemalloc.stop()
        return size / CHAIN_LENGTH

    per_node = benchmark.pedantic(measure, rounds=1, iterations=1)
    MEASURES.append(("bytes per op node, 1e5-node chain", per_node, 130.0, "bytes"))
    assert per_node <= 130.0
