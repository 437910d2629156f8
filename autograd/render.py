"""Turning Graphviz DOT source into SVG, and the ``chainrule-render`` command.

The renderer is the ``graphviz-pure`` program (installed with chainrule from its wheel;
looked for next to the running Python first, then on PATH), else a system Graphviz
``dot`` on PATH. With neither, ``RendererNotFoundError`` says what to install.

>>> svg = render_svg("digraph { a -> b }")
>>> svg.lstrip().startswith("<?xml")
True

Command line: ``chainrule-render -o 321.svg`` (or ``python -m autograd.render``) draws the
hand-worked 3-2-1 network after its backward pass; ``--help`` lists the options.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path

__all__ = ["RenderError", "RendererNotFoundError", "find_renderer", "main", "render_svg"]

RENDER_TIMEOUT = 120.0
"""Seconds a renderer may take on one graph before chainrule gives up on it."""


class RendererNotFoundError(RuntimeError):
    """Neither ``graphviz-pure`` nor a system ``dot`` could be found; the message says what to install."""


class RenderError(RuntimeError):
    """The renderer ran but failed on the graph; the message holds what it printed."""


def _executable(name: str) -> str:
    return name + ".exe" if os.name == "nt" else name


def _beside_python() -> list[Path]:
    """Where pip puts a wheel's programs for the running Python: its scripts dir, next to it."""
    places = [Path(sys.executable).parent]
    scripts = sysconfig.get_path("scripts")
    if scripts:
        places.append(Path(scripts))
    return places


def find_renderer() -> Path:
    """The program that turns DOT into SVG: graphviz-pure (beside Python, then PATH), else ``dot``.

    >>> find_renderer().name in ("graphviz-pure", "graphviz-pure.exe", "dot", "dot.exe")
    True
    """
    for place in _beside_python():
        candidate = place / _executable("graphviz-pure")
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    for name in ("graphviz-pure", "dot"):
        found = shutil.which(name)
        if found:
            return Path(found)
    raise RendererNotFoundError(
        "chainrule cannot draw graphs: no Graphviz renderer found. It looked for the 'graphviz-pure' "
        f"program next to this Python ({Path(sys.executable).parent}) and on PATH, and for a system "
        "Graphviz 'dot' on PATH. Install one of them:\n"
        f"  {sys.executable} -m pip install graphviz-pure     (self-contained, recommended)\n"
        "or the Graphviz package of your system (apt-get install graphviz / brew install graphviz / "
        "winget install graphviz).")


def render_svg(source: str, timeout: float = RENDER_TIMEOUT) -> str:
    """The SVG text of the DOT graph ``source``, laid out with ``dot`` by the renderer found.

    >>> "<svg" in render_svg('digraph { x [label="x"] }')
    True
    """
    program = find_renderer()
    try:
        done = subprocess.run([str(program), "-Tsvg"], input=source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{program} took more than {timeout:g} s to lay out the graph; "
                          f"draw a smaller part of it or collapse groups of nodes") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        raise RenderError(f"{program} failed to render the graph: {message}")
    return done.stdout.decode("utf-8")


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="chainrule-render",
        description="Draw a demo network's computation graph (after its backward pass) as SVG, "
                    "or write the step-by-step backward player as HTML.")
    parser.add_argument("-o", "--output", default="chainrule_321.svg",
                        help="the SVG file to write (default: %(default)s)")
    parser.add_argument("--example", choices=("321", "321-fused"), default="321",
                        help="321: the hand-worked 3-2-1 network, one node per op; 321-fused: the same "
                             "with each neuron's w·x + b as one node (default: %(default)s)")
    parser.add_argument("--direction", choices=("LR", "TB"), default="LR",
                        help="left to right or top to bottom (default: %(default)s)")
    parser.add_argument("--formulas", action="store_true", help="write each edge's derivative formula")
    parser.add_argument("--step", type=int, default=None,
                        help="highlight step K of the backward pass instead of the finished pass")
    parser.add_argument("--player", metavar="HTML", default=None,
                        help="also write the backward player (one self-contained HTML file) here")
    parser.add_argument("--table", action="store_true", help="also print the chain-rule table")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``chainrule-render`` command: draw a demo graph to an SVG file; returns the exit status.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "g.svg"
    >>> main(["-o", str(out)])  # doctest: +ELLIPSIS
    wrote .../g.svg: the 3-2-1 network, 35 values, 21 backward steps
    0
    """
    from .draw import draw
    from .examples import three_two_one
    from .player import player
    from .stepper import step_through

    args = _arguments(argv)
    net = three_two_one(fused=args.example == "321-fused")
    stepper = step_through(net.C).run()
    try:
        graph = draw(net.C, direction=args.direction, formulas=args.formulas, step=args.step)
        graph.save(args.output)
    except (RendererNotFoundError, RenderError, ValueError) as error:
        print(f"chainrule-render: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}: the 3-2-1 network, {len(stepper.order)} values, "
          f"{stepper.total} backward steps")
    if args.player:
        player(net.C, args.player, direction=args.direction)
        print(f"wrote {args.player}: the backward player, open it in a browser")
    if args.table:
        print(stepper.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
