"""Grad mode per thread: no_grad/enable_grad in every interleaving of two threads, driven by events."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import pytest

from autograd import Value, enable_grad, is_recording, no_grad

WAIT = 10.0  # seconds; only reached if a thread is stuck (then the test fails, it never sleeps)


def records() -> bool:
    """Whether an op made now in this thread records its parents (checked on a real op)."""
    return not (Value(1.5) * Value(2.0)).is_leaf


class Worker:
    """A thread that runs one command at a time when told to, so the test fixes the interleaving."""

    def __init__(self) -> None:
        self.go, self.done = threading.Event(), threading.Event()
        self.command: Callable[[], object] | None = None
        self.result: object = None
        self.error: BaseException | None = None
        self.blocks: list[object] = []
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            assert self.go.wait(WAIT)
            self.go.clear()
            command = self.command
            if command is None:
                self.done.set()
                return
            try:
                self.result = command()
            except BaseException as error:  # handed back to the test thread
                self.error = error
            self.done.set()

    def run(self, command: Callable[[], object]) -> object:
        """Run ``command`` in this worker's thread and wait for it; re-raise its error here."""
        self.command, self.result, self.error = command, None, None
        self.done.clear()
        self.go.set()
        assert self.done.wait(WAIT), "worker thread did not answer"
        if self.error is not None:
            raise self.error
        return self.result

    def enter(self, make: Callable[[], object]) -> None:
        def command() -> None:
            block = make()
            block.__enter__()  # type: ignore[attr-defined]
            self.blocks.append(block)
        self.run(command)

    def exit(self) -> None:
        self.run(lambda: self.blocks.pop().__exit__(None, None, None))  # type: ignore[attr-defined]

    def observe(self) -> tuple[bool, bool]:
        return self.run(lambda: (is_recording(), records()))  # type: ignore[return-value]

    def stop(self) -> None:
        self.command = None
        self.done.clear()
        self.go.set()
        assert self.done.wait(WAIT)
        self.thread.join(WAIT)


def interleavings(a: list[str], b: list[str]) -> list[list[tuple[int, str]]]:
    """Every merge of the step lists a (thread 0) and b (thread 1) that keeps each list's order."""
    n = len(a) + len(b)
    result = []
    for positions in itertools.combinations(range(n), len(a)):
        ia, ib = iter(a), iter(b)
        result.append([(0, next(ia)) if k in positions else (1, next(ib)) for k in range(n)])
    return result


SCENARIOS = {
    # thread 0 is inside no_grad while thread 1 builds graphs, also inside its own no_grad
    "no_grad/no_grad": (["no_grad", "exit"], ["no_grad", "exit"]),
    "no_grad/none": (["no_grad", "exit"], []),
    # nesting: enable_grad inside no_grad in one thread, a no_grad in the other
    "nested/no_grad": (["no_grad", "enable_grad", "exit", "exit"], ["no_grad", "exit"]),
}


@pytest.mark.native("threads")
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_interleaving_of_two_threads_keeps_each_threads_own_state(name):
    steps_a, steps_b = SCENARIOS[name]
    orders = interleavings(steps_a, steps_b)
    for order in orders:
        workers = [Worker(), Worker()]
        expected: list[list[bool]] = [[True], [True]]  # each thread's own stack of recording states
        try:
            for who, step in order:
                worker, stack = workers[who], expected[who]
                if step == "exit":
                    worker.exit()
                    stack.pop()
                else:
                    worker.enter(no_grad if step == "no_grad" else enable_grad)
                    stack.append(step == "enable_grad")
                for w, s in zip(workers, expected):
                    assert w.observe() == (s[-1], s[-1]), f"{name}: after {order}"
            assert [w.observe() for w in workers] == [(True, True), (True, True)]
        finally:
            for w in workers:
                w.stop()
        assert is_recording() and records()  # the test's own thread was never touched


@pytest.mark.native("threads")
def test_a_new_thread_starts_recording_even_when_started_inside_no_grad():
    seen: list[tuple[bool, bool]] = []
    with no_grad():
        thread = threading.Thread(target=lambda: seen.append((is_recording(), records())))
        thread.start()
        thread.join(WAIT)
        assert not is_recording() and not records()
    assert seen == [(True, True)]


def test_enable_grad_inside_no_grad_and_restores_on_exit():
    x = Value(2.0)
    with no_grad():
        assert (x * 3).is_leaf
        with enable_grad():
            y = x * 3
            assert is_recording()
        assert not is_recording() and (x * 3).is_leaf
    assert is_recording()
    y.backward()
    assert x.grad == 3.0


def test_state_is_restored_after_an_error_and_blocks_work_as_decorators():
    with pytest.raises(ZeroDivisionError), no_grad():
        with enable_grad():
            1 / 0  # noqa: B018
    assert is_recording()

    @no_grad()
    def evaluate() -> bool:
        return records()

    @enable_grad()
    def train_step() -> bool:
        return records()

    assert evaluate() is False and records()
    with no_grad():
        assert train_step() is True and not records()


@pytest.mark.native("threads")
def test_overlapping_blocks_in_two_threads_never_leave_recording_off():
    """The old process-wide flag: A enters, B enters, A exits, B exits left recording off for good."""
    a, b = Worker(), Worker()
    try:
        a.enter(no_grad)
        assert b.observe() == (True, True)  # A's no_grad does not reach B
        b.enter(no_grad)
        a.exit()
        b.exit()
        assert a.observe() == b.observe() == (True, True)
    finally:
        a.stop()
        b.stop()
    assert records()


def test_interleavings_are_all_the_merges():
    merges = interleavings(["x", "y"], ["p", "q"])
    assert len(merges) == 6 and len({tuple(m) for m in merges}) == 6  # C(4, 2)
    assert [(1, "p"), (0, "x"), (1, "q"), (0, "y")] in merges
