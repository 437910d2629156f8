"""Batching: which samples each gradient step averages over (full batch, minibatches, one at a time).

Each schedule yields lists of sample indices; ``fit`` takes the mean loss over each list.

>>> list(minibatches(5, 2))
[[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from .datasets import _check_count, _rng


def batches(n_samples: int, batch_size: int | None = None,
            shuffle: int | random.Random | None = None) -> Iterator[list[int]]:
    """Index lists covering 0..n_samples−1 once: ``batch_size=None`` is one full batch, 1 is
    per-sample, anything else minibatches (the last one may be smaller). ``shuffle`` seeds an order.

    >>> list(batches(5, 2))
    [[0, 1], [2, 3], [4]]
    >>> list(batches(3)), list(batches(3, 1))
    ([[0, 1, 2]], [[0], [1], [2]])
    """
    _check_count(n_samples, "batches")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int)
                                   or batch_size < 1):
        raise ValueError(f"batches: batch_size must be a positive int or None (full batch), "
                         f"got {batch_size!r}")
    order = list(range(n_samples))
    if shuffle is not None:
        _rng(shuffle).shuffle(order)
    size = n_samples if batch_size is None else batch_size
    for start in range(0, n_samples, size):
        yield order[start:start + size]


def random_subsets(n_samples: int, batch_size: int, count: int,
                   shuffle: int | random.Random | None = None) -> Iterator[list[int]]:
    """``count`` minibatches, each ``batch_size`` different samples drawn at random from all of them.

    The book's scheme (Kneusel, ch. 10): training is counted in minibatches, not epochs, and each
    minibatch is a fresh random subset, so a sample may come twice before another comes once.
    ``shuffle`` seeds the draws.

    >>> list(random_subsets(5, 2, 3, shuffle=0))
    [[3, 4], [0, 2], [4, 3]]
    """
    _check_count(n_samples, "random_subsets")
    for name, k in (("batch_size", batch_size), ("count", count)):
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"random_subsets: {name} must be a positive int, got {k!r}")
    if batch_size > n_samples:
        raise ValueError(f"random_subsets: batch_size {batch_size} is more than the {n_samples} samples")
    rng = _rng(shuffle) if shuffle is not None else random.Random()
    for _ in range(count):
        yield rng.sample(range(n_samples), batch_size)


def full_batch(n_samples: int) -> Iterator[list[int]]:
    """One batch of every sample (full-batch gradient descent).

    >>> list(full_batch(3))
    [[0, 1, 2]]
    """
    return batches(n_samples, None)


def minibatches(n_samples: int, batch_size: int,
                shuffle: int | random.Random | None = None) -> Iterator[list[int]]:
    """Consecutive batches of ``batch_size`` indices, optionally in a seeded shuffled order.

    >>> list(minibatches(4, 3))
    [[0, 1, 2], [3]]
    """
    return batches(n_samples, batch_size, shuffle)


def per_sample(n_samples: int, shuffle: int | random.Random | None = None) -> Iterator[list[int]]:
    """Batches of one sample each (stochastic gradient descent).

    >>> list(per_sample(2))
    [[0], [1]]
    """
    return batches(n_samples, 1, shuffle)
