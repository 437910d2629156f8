"""The book's experiments (Kneusel, *Math for Deep Learning*, ch. 10), built from nn's parts.

nn's core (``nn.layers``, ``nn.losses``, ``nn.optim``, ``nn.training``, ``nn.datasets``) knows nothing
of any book; the networks, settings and whole runs of the book's examples live here:

- ``nn.book.iris``: the 2-2-1 network (``train_iris_221``), the 2-2-2 one-hot layer-toolkit network
  and the three-class extension;
- ``nn.book.digits``: the book's MNIST recipe on the bundled 8×8 digits (``train_digits``);
- ``nn.book.mnist``: the book's own 196-100-50-10 run on MNIST files you have (``train_book_mnist``).

The data they train on is loaded by nn's core (``nn.iris_book_split``, ``nn.digits_split``,
``nn.load_mnist``).

>>> from nn.book.iris import iris_221_network
>>> iris_221_network(0)
MLP(2 → [2 sigmoid, 1 linear], fused neurons)
"""

from __future__ import annotations

import os

from autograd.text import echo


def run_length(given: int | None, book: int, quick: int, unit: str) -> int:
    """How long a demo of the book trains: ``given``, else the book's ``book`` epochs or steps, or
    ``quick`` when ``CHAINRULE_FAST=1`` (how the tests run the demos). A length that is not the
    book's is said on the console, since the numbers then are not the book's.

    >>> run_length(None, book=1000, quick=100, unit="epochs") in (100, 1000)
    True
    >>> run_length(5, book=1000, quick=100, unit="epochs")
    (a quick run: 5 epochs instead of the book's 1000; the numbers are not the book's)
    5
    """
    if given is None:
        given = quick if os.environ.get("CHAINRULE_FAST") == "1" else book
    if given != book:
        echo(f"(a quick run: {given} {unit} instead of the book's {book}; the numbers are not the book's)")
    return given
