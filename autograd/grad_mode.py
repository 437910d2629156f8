"""Switching graph recording off: ``no_grad()``, for evaluation and parameter updates.

Inside ``with no_grad():`` every op still computes its value, but the result is a
leaf: it records no parents and no local derivatives, so nothing flows back through it.

>>> from autograd import Value, no_grad
>>> x = Value(2.0)
>>> with no_grad():
...     y = x * 3
>>> y.is_leaf, y.data
(True, 6.0)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

recording: bool = True
"""True while ops record their parents and local derivatives (read by the engine on every op)."""


@contextmanager
def no_grad() -> Iterator[None]:
    """Within this block, ops build no graph: results are leaves. Nests and restores on exit.

    >>> from autograd import Value, no_grad
    >>> with no_grad():
    ...     (Value(1.0) + 1).op
    ''
    """
    global recording
    before, recording = recording, False
    try:
        yield
    finally:
        recording = before


def is_recording() -> bool:
    """Whether ops currently record the graph (False inside ``no_grad()``).

    >>> is_recording()
    True
    """
    return recording
