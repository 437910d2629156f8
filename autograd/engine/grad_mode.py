"""Graph recording on and off, per thread: ``no_grad()``, ``enable_grad()``, ``is_recording()``.

Inside ``with no_grad():`` every op still computes its value, but the result is a
leaf: it records no parents and no local derivatives, so nothing flows back through it.
``enable_grad()`` turns recording back on inside a ``no_grad()`` block. Both nest, work as
decorators too, and on exit restore the state the thread had before, whatever other threads do.

>>> from autograd import Value, enable_grad, no_grad
>>> x = Value(2.0)
>>> with no_grad():
...     y = x * 3
...     with enable_grad():
...         z = x * 3
>>> y.is_leaf, y.data, z.is_leaf
(True, 6.0, False)

**Per thread, as in PyTorch.** The flag lives in a ``threading.local``: each thread has its
own, and a new thread starts with recording on. One thread's ``no_grad()`` never changes what
another thread records.

Why ``threading.local`` and not ``contextvars``: it is what PyTorch does (its grad mode is
thread-local), so code and habits carry over, and a new thread always starts with recording on
(on free-threaded Python 3.14 a thread inherits its parent's context by default, so a
``ContextVar`` set by ``no_grad()`` would leak into threads started inside the block). The price
is asyncio: all tasks of one event loop run in one thread and so share the flag. A task that
holds ``no_grad()`` across an ``await`` turns recording off for the other tasks that run
meanwhile (a ``ContextVar`` would give each task its own copy). Keep ``with no_grad():`` blocks
free of ``await`` in async code, as in PyTorch. Reading a ``threading.local`` costs about 40 ns,
a tenth of an op, so the engine first reads ``open_no_grad_blocks`` (below), a plain module
global: while no thread is inside ``no_grad()`` an op costs what it did before.

A ``Value`` graph is not meant to be shared between threads while one of them runs
``backward()``: gradients are accumulated in place on the nodes (leaves too) without locks; see
docs/security_and_threads.md.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager


class _GradState(threading.local):
    """This thread's recording flag. The class attribute is the default a new thread sees."""

    recording: bool = True
    """True while ops in this thread record parents and local derivatives."""


state = _GradState()
"""The one instance: ``state.recording`` is the calling thread's flag."""

open_no_grad_blocks: int = 0
"""How many ``no_grad()`` blocks are open, in all threads together. While it is 0, no thread's
flag can be False, so the engine's hot path reads only this module global (as cheap as the old
process-wide flag) and looks at the slower ``threading.local`` only while some block is open:
``if grad_mode.open_no_grad_blocks and not state.recording``."""

_count_lock = threading.Lock()

no_grad_opened: Callable[[], None] | None = None
"""Called when a ``no_grad()`` block opens: set by value.py at load, so that a trace recording in
this thread refuses the block (this module imports nothing above it)."""


@contextmanager
def _recording(on: bool) -> Iterator[None]:
    """Set this thread's flag to ``on`` for the block, then restore the thread's previous value."""
    global open_no_grad_blocks
    local = state
    before = local.recording
    if not on:
        if no_grad_opened is not None:  # a traced function refuses no_grad(): see autograd.trace
            no_grad_opened()
        with _count_lock:  # counted before the flag goes off, uncounted after it is restored
            open_no_grad_blocks += 1
    local.recording = on
    try:
        yield
    finally:
        local.recording = before
        if not on:
            with _count_lock:
                open_no_grad_blocks -= 1


def no_grad() -> AbstractContextManager[None]:
    """Within this block, ops in this thread build no graph: results are leaves. Nests and restores.

    >>> from autograd import Value, no_grad
    >>> with no_grad():
    ...     (Value(1.0) + 1).op
    ''
    """
    return _recording(False)


def enable_grad() -> AbstractContextManager[None]:
    """Within this block, ops in this thread record the graph again (e.g. inside ``no_grad()``).

    >>> from autograd import Value, enable_grad, no_grad
    >>> with no_grad(), enable_grad():
    ...     (Value(1.0) + 1).op
    'add'
    """
    return _recording(True)


def is_recording() -> bool:
    """Whether ops in the calling thread currently record the graph (False inside ``no_grad()``).

    >>> is_recording()
    True
    """
    return state.recording

