"""Pictures for the demos, with matplotlib as an optional extra (the ``plot`` extra: ``pip install ".[plot]"``
in the chainrule clone, or just matplotlib).

Every function here takes plain numbers (lists of floats, a confusion matrix), draws one figure and
saves it as PNG (or SVG: the file name's extension decides) with ``save``. None of them is needed to
learn anything: the demos print every number first and draw only when matplotlib is there.
``plotting_available()`` says whether it is, and ``how_to_get_pictures()`` what to install.

>>> isinstance(plotting_available(), bool)
True
>>> print(how_to_get_pictures())
(no pictures: matplotlib is not installed; to get them, run
  ... -m pip install "matplotlib>=3.7")
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from autograd.atomic_file import write_file

_PYTHON = f'"{sys.executable}"' if " " in sys.executable else sys.executable
INSTALL_HINT = f'{_PYTHON} -m pip install "matplotlib>=3.7"'
"""What to run to get the pictures: this interpreter's pip installs the plot extra's one package
(chainrule is installed from its folder, not from a package index, so ``chainrule[plot]`` is no name
pip could find)."""


def plotting_available() -> bool:
    """Whether matplotlib can be imported (``CHAINRULE_NO_PLOTS=1`` pretends it cannot).

    >>> plotting_available() in (True, False)
    True
    """
    if os.environ.get("CHAINRULE_NO_PLOTS") == "1":
        return False
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def how_to_get_pictures() -> str:
    """The line a demo prints instead of saving pictures when matplotlib is missing.

    >>> "pip install" in how_to_get_pictures() and "chainrule[plot]" not in how_to_get_pictures()
    True
    """
    return f"(no pictures: matplotlib is not installed; to get them, run\n  {INSTALL_HINT})"


def _pyplot() -> Any:
    """matplotlib's pyplot with the file-only Agg backend (no window, works on any server)."""
    if not plotting_available():
        raise ModuleNotFoundError(f"nn.plots needs matplotlib: {INSTALL_HINT}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(figure: Any, path: str | os.PathLike[str]) -> Path:
    """Save and close ``figure``; the extension (.png or .svg) picks the format."""
    target = Path(path)
    if target.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"nn.plots: save as .png or .svg, got {str(target)!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    picture = io.BytesIO()
    figure.savefig(picture, format=target.suffix.lower()[1:], dpi=100, bbox_inches="tight",
                   metadata=_metadata(target))
    _pyplot().close(figure)
    return write_file(path, picture.getvalue(), "nn.plots")  # whole or not at all, as every save


def _metadata(target: Path) -> dict[str, Any]:
    """File metadata without dates, so the same picture gives the same file."""
    return {"Software": None} if target.suffix.lower() == ".png" else {"Date": None, "Creator": None}


def loss_curves(curves: Mapping[str, Sequence[float]], path: str | os.PathLike[str], *,
                title: str = "training loss", xlabel: str = "epoch", ylabel: str = "loss",
                log: bool = True, epochs: Sequence[int] | None = None) -> Path:
    """One line per named curve (loss per epoch), on a log scale by default; returns the path.

    ``epochs`` gives the x value of each point when they are not epochs 1, 2, 3, ...

    >>> import tempfile, pathlib
    >>> if plotting_available():
    ...     out = loss_curves({"a": [1.0, 0.5, 0.25]}, pathlib.Path(tempfile.mkdtemp()) / "a.png")
    ...     assert out.stat().st_size > 0
    """
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 4))
    for name, values in curves.items():
        xs = list(epochs) if epochs is not None else list(range(1, len(values) + 1))
        axes.plot(xs, list(values), label=name, linewidth=1.2, marker="." if epochs is not None else None)
    if log:
        axes.set_yscale("log")
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    axes.grid(True, alpha=0.3)
    if len(curves) > 1:
        axes.legend()
    return _save(figure, path)


def confusion_image(matrix: Sequence[Sequence[int]], path: str | os.PathLike[str], *,
                    labels: Sequence[str] | None = None, title: str = "confusion matrix") -> Path:
    """The confusion matrix ``[actual][predicted]`` as an image, each cell with its count.

    >>> import tempfile, pathlib
    >>> if plotting_available():
    ...     out = confusion_image([[3, 1], [0, 4]], pathlib.Path(tempfile.mkdtemp()) / "c.png")
    """
    plt = _pyplot()
    n = len(matrix)
    names = [str(k) for k in range(n)] if labels is None else list(labels)
    figure, axes = plt.subplots(figsize=(0.55 * n + 2.2, 0.55 * n + 1.8))
    axes.imshow(matrix, cmap="Blues")
    high = max(max(row) for row in matrix) or 1
    for a in range(n):
        for p in range(n):
            count = matrix[a][p]
            axes.text(p, a, str(count), ha="center", va="center", fontsize=9,
                      color="white" if count > high / 2 else "black")
    axes.set_xticks(range(n), names)
    axes.set_yticks(range(n), names)
    axes.set(title=title, xlabel="predicted", ylabel="actual")
    return _save(figure, path)


def class_scatter(points: Sequence[Sequence[float]], classes: Sequence[int], path: str | os.PathLike[str],
                  *, names: Sequence[str], xlabel: str, ylabel: str, title: str = "") -> Path:
    """A scatter plot of 2-D points, one marker and colour per class (the book's figure 10-2).

    >>> import tempfile, pathlib
    >>> if plotting_available():
    ...     out = class_scatter([[0, 0], [1, 1]], [0, 1], pathlib.Path(tempfile.mkdtemp()) / "s.png",
    ...                         names=["a", "b"], xlabel="x", ylabel="y")
    """
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6, 4.5))
    markers = "o^sDv"
    for k, name in enumerate(names):
        chosen = [pt for pt, c in zip(points, classes) if c == k]
        axes.scatter([pt[0] for pt in chosen], [pt[1] for pt in chosen], marker=markers[k % len(markers)],
                     label=name, alpha=0.75)
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    axes.legend()
    axes.grid(True, alpha=0.3)
    return _save(figure, path)


def descent_path(f: Callable[[float], float], xs: Sequence[float], path: str | os.PathLike[str], *,
                 title: str = "gradient descent", span: tuple[float, float] | None = None) -> Path:
    """The curve y = f(x) and the iterates x₀, x₁, ... on it, joined in order (descent on a parabola).

    >>> import tempfile, pathlib
    >>> if plotting_available():
    ...     out = descent_path(lambda x: x * x, [2.0, 1.0, 0.5], pathlib.Path(tempfile.mkdtemp()) / "d.png")
    """
    plt = _pyplot()
    low, high = span if span is not None else (min(xs), max(xs))
    margin = 0.1 * (high - low or 1.0)
    grid = [low - margin + (high - low + 2 * margin) * i / 400 for i in range(401)]
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(grid, [f(x) for x in grid], color="0.6", linewidth=1)
    axes.plot(list(xs), [f(x) for x in xs], "o-", color="C3", markersize=4, linewidth=1)
    axes.annotate("start", (xs[0], f(xs[0])), textcoords="offset points", xytext=(5, 5))
    axes.set(title=title, xlabel="x", ylabel="f(x)")
    axes.grid(True, alpha=0.3)
    return _save(figure, path)


def loss_curves_line(curves: Mapping[str, Sequence[float]], name: str, **options: Any) -> str:
    """The line a demo prints about its loss curves: ``picture: PATH`` after saving them with
    ``loss_curves`` as ``pictures_folder() / name``, or ``how_to_get_pictures()`` without matplotlib.

    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, CHAINRULE_NO_PLOTS="1"):     # as without matplotlib
    ...     loss_curves_line({"loss": [1.0, 0.5]}, "loss.png") == how_to_get_pictures()
    True
    """
    if not plotting_available():
        return how_to_get_pictures()
    return f"picture: {loss_curves(curves, pictures_folder() / name, **options)}"


def pictures_folder(default: str = "pictures") -> Path:
    """Where demos save pictures: ``$CHAINRULE_PICTURES`` if set, else ``./pictures``.

    >>> isinstance(pictures_folder(), Path)
    True
    """
    return Path(os.environ.get("CHAINRULE_PICTURES", default))
