"""The ``chainrule-render`` command: draw a graph (a demo network or a Value of your own) to a file.

``chainrule-render -o 321.svg`` (or ``python -m autograd.cli``) draws the hand-worked 3-2-1 network
after its backward pass; ``chainrule-render mymodel.py:loss`` draws a Value of your own (a module's
name, or a function of no arguments that returns one); ``--help`` lists the options. It sits above
the three wings (engine, views, replay) and may import any of them; nothing imports it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import os
import secrets
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from .atomic_file import check_writable, write_file
from .engine.value import Value
from .examples import three_two_one
from .views.draw import draw
from .views.player import LANGUAGES, player
from .views.render import FORMATS, RendererNotFoundError, RenderError
from .views.stepper import Stepper, step_through

__all__ = ["load_value", "main"]


class _LoadError(Exception):
    """A ``FILE.py:NAME`` or ``MODULE:NAME`` given to ``chainrule-render`` could not be loaded."""


def load_value(spec: str) -> tuple[Value, str]:
    """The Value named by ``spec`` ("mymodel.py:loss", "package.module:net.C") and a short description.

    The file or module is imported (never ``eval``-ed); the name is looked up attribute by
    attribute; a function of no arguments is called. Errors are ``ValueError`` in one line.

    >>> root, what = load_value("autograd.examples:three_two_one")
    Traceback (most recent call last):
    ...
    ValueError: autograd.examples:three_two_one is a function returning ThreeTwoOne, not a Value
    """
    where, colon, name = spec.rpartition(":")
    if not colon or not where or not name:
        raise ValueError(f"{spec!r}: name the Value to draw as FILE.py:NAME or MODULE:NAME "
                         f"(e.g. mymodel.py:loss)")
    try:
        module = _import_file(where) if where.endswith(".py") or os.sep in where or "/" in where \
            else _import_module(where)
    except _LoadError as error:
        raise ValueError(str(error)) from None
    found: object = module
    for i, part in enumerate(name.split(".")):
        try:
            found = getattr(found, part)
        except AttributeError:
            inside = ".".join([where, *name.split(".")[:i]]) if i else where
            raise ValueError(f"{spec}: {inside} has no name {part!r}{_values_in(found)}") from None
    if callable(found) and not isinstance(found, Value):
        function: Callable[[], object] = found
        try:
            found = function()
        except SystemExit as error:  # sys.exit() in the user's function: no Value came back
            raise ValueError(f"{spec}: calling it ended with sys.exit({error.code!r}){_place(error)}, "
                             f"so there is no Value to draw") from None
        except Exception as error:  # the user's own code: report it in one line
            raise ValueError(f"{spec}: calling it failed: {_one_line(error)}") from None
        if not isinstance(found, Value):
            raise ValueError(f"{spec} is a function returning {type(found).__name__}, not a Value")
    if not isinstance(found, Value):
        raise ValueError(f"{spec} is of type {type(found).__name__}, not a Value")
    return found, spec


def _values_in(thing: object) -> str:
    """``" (its Values: a, b)"`` for an error message, or nothing."""
    names = [n for n, v in vars(thing).items() if isinstance(v, Value) and not n.startswith("_")] \
        if hasattr(thing, "__dict__") else []
    return f" (its Values: {', '.join(names[:10])})" if names else ""


def _one_line(error: BaseException) -> str:
    """``ZeroDivisionError: division by zero (mymodel.py, line 3)``: an error and where it happened."""
    place = _place(error)
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}{place}" if text else f"{type(error).__name__}{place}"


def _place(error: BaseException) -> str:
    """`` (mymodel.py, line 3)``: the file and line where ``error`` was raised, or nothing."""
    frames = traceback.extract_tb(error.__traceback__)
    return f" ({Path(frames[-1].filename).name}, line {frames[-1].lineno})" if frames else ""


def _import_file(where: str) -> ModuleType:
    """Import the Python file ``where`` as a module, its folder first on ``sys.path`` (as ``python``)."""
    path = Path(where)
    if not path.is_file():
        raise _LoadError(f"{where}: no such file")
    folder = str(path.resolve().parent)
    module_name = f"_chainrule_user_{secrets.token_hex(4)}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise _LoadError(f"{where}: not a Python file chainrule can import")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as error:  # the user's own code: report it in one line
        raise _LoadError(f"importing {where} failed: {_one_line(error)}") from None
    finally:
        if sys.path and sys.path[0] == folder:
            del sys.path[0]
    return module


def _import_module(where: str) -> ModuleType:
    """Import the module ``where`` (dotted), from the current folder too, as ``python -m`` would."""
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(where)
    except ModuleNotFoundError as error:
        if error.name and where.startswith(error.name):
            raise _LoadError(f"{where}: no module named {error.name!r} (a file? write it as {where}.py)") \
                from None
        raise _LoadError(f"importing {where} failed: {_one_line(error)}") from None
    except (Exception, SystemExit) as error:  # the user's own code: report it in one line
        raise _LoadError(f"importing {where} failed: {_one_line(error)}") from None


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="chainrule-render",
        description="Draw a computation graph (after its backward pass) as SVG or PNG, or write the "
                    "step-by-step backward player as HTML: a demo network, or a Value of your own.")
    parser.add_argument("value", nargs="?", default=None, metavar="FILE.py:NAME",
                        help="draw your own Value: mymodel.py:loss or package.module:loss, where loss is "
                             "a Value or a function of no arguments returning one (imported, never "
                             "evaluated as text); backward() is run on it if its grad is still 0")
    parser.add_argument("-o", "--output", default=None,
                        help="the picture to write: .svg, .png, .jpg, .pdf (with a system Graphviz) or "
                             ".dot, or - for SVG on standard output (default: chainrule_321.svg, or "
                             "chainrule_NAME.svg); a FIFO or device is refused")
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
    parser.add_argument("--language", choices=LANGUAGES, default="en",
                        help="the --player page's interface language (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``chainrule-render`` command: draw a graph to a picture file; returns the exit status.

    Every error is one line on stderr (exit status 1); bad options are argparse's (status 2).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "g.svg"
    >>> main(["-o", str(out)])  # doctest: +ELLIPSIS
    wrote .../g.svg: the 3-2-1 network, 35 values, 21 backward steps
    0
    """
    args = _arguments(argv)
    try:
        return _run(args)
    except (OSError, ValueError, TypeError, RenderError, RendererNotFoundError) as error:
        print(f"chainrule-render: {' '.join(str(error).split())}", file=sys.stderr)
    except Exception as error:  # a bug: still one line, with what to report
        print(f"chainrule-render: unexpected {type(error).__name__}: {' '.join(str(error).split())} "
              f"(please report this)", file=sys.stderr)
    return 1


def _run(args: argparse.Namespace) -> int:
    """``main`` after the arguments are read; errors propagate to ``main``, which prints them."""
    if args.value is not None:
        name = args.value.rpartition(":")[2]
        default = f"chainrule_{''.join(c if c.isalnum() or c in '_-' else '_' for c in name)}.svg"
    else:
        default = "chainrule_321.svg"
    to_stdout = args.output == "-"
    output = Path("-") if to_stdout else check_writable(args.output or default, "-o")
    if not to_stdout and output.suffix.lower() not in (*FORMATS, ".dot", ".gv"):
        raise ValueError(f"-o {output}: the suffix names the format; use {', '.join(FORMATS)} or .dot "
                         f"(or -o - for SVG on standard output)")
    if args.player == "-":
        raise ValueError("--player -: only the picture goes to standard output (-o -); give the player "
                         "a file name such as backprop.html")
    if args.player:
        check_writable(args.player, "--player")
    names: dict[Value, str] | None = None
    if args.value is not None:
        with contextlib.redirect_stdout(sys.stderr) if to_stdout else contextlib.nullcontext():
            root, what = load_value(args.value)  # what the user's code prints stays out of the SVG
        if not root.label:  # the root is named after the variable or function it came from
            names = {root: args.value.rpartition(":")[2]}
        if root.grad == 0.0:
            root.backward()
            what += " (after root.backward())"
        stepper = Stepper(root, names=names, live=False).run()
    else:
        net = three_two_one(fused=args.example == "321-fused")
        root, what = net.C, "the 3-2-1 network"
        stepper = step_through(net.C).run()
    graph = draw(root, direction=args.direction, formulas=args.formulas, step=args.step, names=names)
    info = sys.stderr if to_stdout else sys.stdout  # with -o -, standard output holds the SVG only
    if to_stdout:
        sys.stdout.buffer.write(graph.svg().encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        write_file(output, graph._file_data(output, f"-o {output}"), "-o")
    shown = "the SVG to standard output" if to_stdout else output
    print(f"wrote {shown}: {what}, {len(stepper.order)} values, {stepper.total} backward steps", file=info)
    if args.player:
        page = player(root, direction=args.direction, names=names, language=args.language)
        write_file(args.player, page.html, "--player")
        print(f"wrote {args.player}: the backward player, open it in a browser", file=info)
    if args.table:
        print(stepper.table(), file=info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
