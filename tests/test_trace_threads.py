"""Recording a trace is per thread: it never changes how Value behaves in another thread, and two
threads can record (and train with fit(compiled=True)) at the same time.

Before issue 17 recording patched Value's comparison methods for the whole process, so two threads
tracing at once could leave ``Value < Value``, ``bool(v)`` and ``float(v)`` refused for good.
"""

from __future__ import annotations

import threading

import pytest

from autograd import Value, trace
from autograd.replay.trace import BranchError
from nn import MLP, SGD, fit, softmax_cross_entropy

X = [[0.5, 1.0], [1.0, 2.0], [-1.0, 0.3], [0.2, -0.7], [1.5, -0.2]]
Y = [2, 0, 1, 0, 2]


def train(seed: int, compiled: bool | str = True) -> tuple[list[float], list[float]]:
    model = MLP(2, [3, 3], activations=["tanh", "linear"], rng=seed)
    history = fit(model, softmax_cross_entropy, X, Y, SGD(model.parameters(), lr=0.1), 4,
                  batch_size=2, shuffle=seed, progress=False, compiled=compiled)
    return list(history), [p.data for p in model.parameters()]


def value_comparisons_work() -> bool:
    a, b = Value(1.0), Value(2.0)
    return (a < b) is True and (b >= a) is True and bool(a) is True and (a > b) is False


def run_threads(*targets):
    errors: list[BaseException] = []

    def guarded(target):
        def run():
            try:
                target()
            except BaseException as error:  # reported by the main thread
                errors.append(error)
        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    if errors:
        raise errors[0]


def test_two_threads_train_compiled_at_once_with_single_thread_results():
    expected = {seed: train(seed, False) for seed in (1, 2)}
    assert expected[1] == train(1, True)  # compiled in one thread: the Value path's floats
    results: dict[int, list] = {1: [], 2: []}
    start = threading.Barrier(2)

    def worker(seed: int):
        def run():
            for _ in range(15):
                start.wait(timeout=60)  # both threads record and replay at the same moment
                results[seed].append(train(seed, True))
                assert value_comparisons_work()
        return run

    run_threads(worker(1), worker(2))
    for seed in (1, 2):
        assert len(results[seed]) == 15 and all(r == expected[seed] for r in results[seed])
    assert value_comparisons_work()


def test_recording_in_one_thread_leaves_value_alone_in_another():
    """A deterministic interleaving: thread A is held in the middle of its recording while thread B
    compares Values, records a trace of its own (two recordings at once) and replays it."""
    inside, release = threading.Event(), threading.Event()
    w_a, w_b = Value(2.0, "w_a"), Value(3.0, "w_b")
    seen: dict[str, object] = {}

    def held(x):
        y = w_a * x
        inside.set()
        assert release.wait(timeout=60)
        with pytest.raises(BranchError):  # still refused in A's recording after B's
            y < 0  # noqa: B015
        return y * y

    def thread_a():
        seen["a"] = trace(held, params=[w_a])(1.5)

    def thread_b():
        assert inside.wait(timeout=60)
        seen["comparisons"] = value_comparisons_work()
        step = trace(lambda x: (w_b * x).tanh() if x > 0 else w_b * x, params=[w_b])
        seen["b"] = (step(0.5), step(-0.5))
        release.set()

    run_threads(thread_a, thread_b)
    assert seen["comparisons"] is True
    assert seen["a"] == (2.0 * 1.5) ** 2
    assert seen["b"] == (Value(1.5).tanh().data, -1.5)
    assert value_comparisons_work()


def test_one_step_shared_by_threads_records_once_per_outcome():
    """Threads calling one traced step for the first time together: one program per outcome."""
    w = Value(0.5, "w")
    step = trace(lambda x: w * x if x > 0 else w * -x, params=[w])
    barrier = threading.Barrier(4)
    losses: list[float] = []
    lock = threading.Lock()

    def call(x):
        def run():
            barrier.wait(timeout=60)
            loss = step(x)
            with lock:
                losses.append(loss)
        return run

    run_threads(call(2.0), call(-2.0), call(4.0), call(-4.0))
    assert sorted(losses) == [1.0, 1.0, 2.0, 2.0]
    assert sorted(step.decisions) == [("not x > 0.0",), ("x > 0.0",)]
    assert value_comparisons_work()
