"""The book's own MNIST network, for those who have the MNIST files: 196-100-50-10, all sigmoid.

Kneusel (ch. 10) averages each 28×28 image over 2×2 blocks to 14×14, divides by 255, and trains
a 196-100-50-10 network with a sigmoid after every layer on one-hot targets: 40,000 minibatches
of 64 images, each a random subset of the 60,000, lr 1.0, loss the mean squared error; 97.2 % of
the 10,000 test images right. MNIST does not ship with chainrule: give the folder holding the
four standard files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
t10k-labels-idx1-ubyte, gzipped or not).

It trains with the matrix replay (``fit(compiled="matrix")``: one matrix product per layer), so the
book's whole run, ``--minibatches 40000``, takes about a minute of CPU time (the Value path would
take about 8.5 hours: docs/digits.md). The default, 200 minibatches, takes seconds: enough to see
the loss fall.

Run:  python demos/mnist_book.py FOLDER [--minibatches N]
(Without a folder it says what it needs and exits; demos/digits.py is the same experiment on the
8×8 digits that ship with chainrule.)
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from autograd.text import echo
from nn.book.digits import largest_confusions
from nn.book.mnist import train_book_mnist


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The book's 196-100-50-10 network on MNIST files you have.")
    parser.add_argument("folder", nargs="?", help="the folder with the four MNIST files")
    parser.add_argument("--minibatches", type=int, default=200, help="updates (the book: 40000)")
    args = parser.parse_args(argv)
    if args.folder is None:
        echo("No MNIST folder given. Usage: python demos/mnist_book.py FOLDER [--minibatches N]")
        echo("The folder must hold train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte")
        echo("and t10k-labels-idx1-ubyte (each may end in .gz). The book's run (--minibatches 40000) takes")
        echo("about 8.5 hours of CPU time in chainrule; demos/digits.py runs the same experiment on the")
        echo("8x8 digits that ship with chainrule in about two minutes.")
        return
    if not Path(args.folder).is_dir():
        _stop(f"no folder {args.folder!r}")
    echo(f"196-100-50-10 sigmoid network, {args.minibatches} minibatches of 64 random training images, "
         f"lr 1.0")
    try:
        run = train_book_mnist(args.folder, minibatches=args.minibatches)
    except (OSError, ValueError) as error:  # a missing or unreadable MNIST file: what, and what to do
        _stop(str(error))
    first = run.losses[: min(10, len(run.losses))]
    last = run.losses[-min(10, len(run.losses)):]
    echo(f"mean loss of the first {len(first)} minibatches {math.fsum(first) / len(first):.6f}, "
         f"of the last {len(last)} {math.fsum(last) / len(last):.6f}")
    total = sum(map(sum, run.confusion))
    right = sum(run.confusion[k][k] for k in range(10))
    echo(f"test accuracy: {right}/{total} = {100 * run.accuracy:.1f}%  (the book, after 40,000: 97.2%)")
    echo("test confusion matrix (rows: the digit shown; columns: the answer):")
    for digit, row in enumerate(run.confusion):
        echo(f"  {digit}  " + " ".join(f"{c:>5}" for c in row) + f"   total {sum(row)}")
    echo("largest confusions: " + ", ".join(f"{a} taken for {p} ({n})"
                                            for n, a, p in largest_confusions(run.confusion)))
    echo(f"training took {run.cpu_seconds:.1f} s of CPU time "
         f"({1000 * run.cpu_seconds / (64 * args.minibatches):.1f} ms per image)")


def _stop(why: str) -> None:
    """One line on stderr that says what is wrong and what to give instead; exit status 1."""
    echo(f"mnist_book: {why}; give the folder that holds MNIST's four files (run without a folder "
         f"to see their names)", file=sys.stderr, width=None)
    raise SystemExit(1)


if __name__ == "__main__":
    main()
