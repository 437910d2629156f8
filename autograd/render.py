"""Turning Graphviz DOT source into SVG or PNG, writing files safely, and ``chainrule-render``.

The renderer is a function set with ``set_renderer(fn)`` (DOT text to SVG text: how a web page
running chainrule under Pyodide hands it viz.js), else the ``graphviz-pure`` program (installed
with chainrule from its wheel; looked for next to the running Python first, then on PATH), else
a system Graphviz ``dot`` on PATH. With none, ``RendererNotFoundError`` says what to install (in
a browser: what the page must provide).

>>> svg = render_svg("digraph { a -> b }")
>>> svg.lstrip().startswith("<?xml")
True

Command line: ``chainrule-render -o 321.svg`` (or ``python -m autograd.render``) draws the
hand-worked 3-2-1 network after its backward pass; ``chainrule-render mymodel.py:loss`` draws
a Value of your own (a module's name, or a function of no arguments that returns one);
``--help`` lists the options.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import os
import secrets
import shutil
import subprocess
import sys
import sysconfig
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .atomic_file import check_writable, write_file  # the one writer; kept importable from here

if TYPE_CHECKING:
    from .value import Value

__all__ = ["FORMATS", "RenderError", "Renderer", "RendererNotFoundError", "check_writable",
           "find_renderer", "get_renderer", "load_value", "main", "render", "render_svg", "set_renderer",
           "write_file"]

FORMATS = {".svg": "svg", ".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".pdf": "pdf"}
"""File suffixes a picture can be saved as, and the renderer's format for each (``.dot``/``.gv``
save the DOT source itself). graphviz-pure writes all but PDF; a system Graphviz writes PDF too."""
_MAGIC = {"png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8",), "pdf": (b"%PDF",)}

RENDER_TIMEOUT = 120.0
"""Seconds a renderer may take on one graph before chainrule gives up on it."""


class RendererNotFoundError(RuntimeError):
    """Neither ``graphviz-pure`` nor a system ``dot`` could be found; the message says what to install."""


class RenderError(RuntimeError):
    """The renderer ran but failed on the graph; the message holds what it printed."""


Renderer = Callable[[str], str]
"""A renderer function: Graphviz DOT text in, SVG text out (``dot -Tsvg`` as a function)."""

_renderer: Renderer | None = None


def set_renderer(fn: Renderer | None) -> Renderer | None:
    """Draw SVG with ``fn`` (DOT text to SVG text) instead of a Graphviz program; returns the one before.

    ``set_renderer(None)`` goes back to looking for graphviz-pure or ``dot``. In a browser, where
    no program can run, the page passes a JavaScript renderer (viz.js's ``renderString``) through
    Pyodide; elsewhere it lets a test or a notebook use any renderer it likes.

    >>> from autograd import Value, draw
    >>> before = set_renderer(lambda dot: f'<svg><!-- {len(dot)} characters of DOT --></svg>')
    >>> render_svg("digraph { a -> b }")
    '<svg><!-- 18 characters of DOT --></svg>'
    >>> set_renderer(before) is not None
    True
    """
    global _renderer
    if fn is not None and not callable(fn):
        raise TypeError(f"set_renderer: needs a function from DOT text to SVG text (or None), "
                        f"got {type(fn).__name__}")
    before, _renderer = _renderer, fn
    return before


def get_renderer() -> Renderer | None:
    """The function set with ``set_renderer``, or None (a Graphviz program is used).

    >>> get_renderer() is None
    True
    """
    return _renderer


def _in_browser() -> bool:
    """True under Pyodide (WebAssembly in a browser or Node), where no program can be run."""
    return sys.platform == "emscripten"


_BROWSER_RENDERER = (
    "chainrule cannot run Graphviz programs in the browser (Pyodide): the page must give it a "
    "renderer first, a function from DOT text to SVG text: autograd.render.set_renderer(fn), "
    "for example viz.js's renderString passed in through Pyodide. Without one, draw(...).source "
    "is the DOT text.")


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
    if _in_browser():
        raise RendererNotFoundError(_BROWSER_RENDERER)
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


def render(source: str, fmt: str = "svg", timeout: float = RENDER_TIMEOUT) -> bytes:
    """The DOT graph ``source`` laid out with ``dot`` and written as ``fmt`` ("svg", "png", "jpg", "pdf").

    A renderer that cannot write ``fmt`` gives a ``RenderError`` naming the formats that work;
    what comes back is checked to be that format (never SVG text in a PNG). A function set with
    ``set_renderer`` comes first; it writes SVG only.

    >>> render("digraph { a -> b }", "png")[:4]
    b'\\x89PNG'
    """
    if fmt not in set(FORMATS.values()):
        raise ValueError(f"render(fmt={fmt!r}): use one of {', '.join(sorted(set(FORMATS.values())))}")
    if _in_browser() and fmt != "svg":
        raise RenderError(f"{fmt.upper()} pictures are not available in the browser (no Graphviz "
                          f"program can run there): save the picture as .svg, or draw(...).svg()")
    if _renderer is not None:
        return _render_with_hook(_renderer, source, fmt)
    program = find_renderer()
    try:
        done = subprocess.run([str(program), f"-T{fmt}"], input=source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{program} took more than {timeout:g} s to lay out the graph; "
                          f"draw a smaller part of it or collapse groups of nodes") from None
    message = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode != 0 and "not recognized" in message:
        raise RenderError(f"{program.name} cannot write {fmt.upper()} files; it writes "
                          f"{_formats_of(program.name)}{_PDF_HINT if fmt == 'pdf' else ''}")
    if done.returncode != 0:
        message = message or f"exit status {done.returncode}"
        raise RenderError(f"{program} failed to render the graph: {message}")
    out = done.stdout
    if not (out.startswith(_MAGIC[fmt]) if fmt in _MAGIC else b"<svg" in out[:2000]):
        raise RenderError(f"{program} was asked for {fmt.upper()} but wrote something else "
                          f"(it begins {out[:16]!r}); nothing was saved")
    return out


def _render_with_hook(fn: Renderer, source: str, fmt: str) -> bytes:
    """``render`` by the function given to ``set_renderer``: SVG only, checked to be SVG text."""
    name = getattr(fn, "__name__", None) or type(fn).__name__
    if fmt != "svg":
        raise RenderError(f"the renderer set with set_renderer ({name}) writes SVG only, not "
                          f"{fmt.upper()}; save as .svg, or call set_renderer(None) to use graphviz-pure")
    try:
        out = fn(source)
    except Exception as error:
        raise RenderError(f"the renderer set with set_renderer ({name}) failed on the graph: "
                          f"{type(error).__name__}: {' '.join(str(error).split())}") from None
    if not isinstance(out, str) or "<svg" not in out[:2000]:
        shown = repr(out[:40]) if isinstance(out, str) else type(out).__name__
        raise RenderError(f"the renderer set with set_renderer ({name}) must return SVG text, "
                          f"got {shown}; nothing was saved")
    return out.encode("utf-8")


_PDF_HINT = " (for PDF, install a system Graphviz: its 'dot' writes PDF)"


def _formats_of(program: str) -> str:
    """The picture formats a renderer writes, for error messages."""
    if program.startswith("graphviz-pure"):
        return ".svg, .png and .jpg"
    return ".svg, .png, .jpg and .pdf"


def render_svg(source: str, timeout: float = RENDER_TIMEOUT) -> str:
    """The SVG text of the DOT graph ``source``, laid out with ``dot`` by the renderer found.

    >>> "<svg" in render_svg('digraph { x [label="x"] }')
    True
    """
    return render(source, "svg", timeout).decode("utf-8")


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
    from .value import Value

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
    from .value import Value

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
    from .player import LANGUAGES

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
    # the classes as draw.py sees them: run as `python -m autograd.render`, this module is __main__
    from .render import RendererNotFoundError, RenderError

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
    from .draw import draw
    from .examples import three_two_one
    from .player import player
    from .stepper import Stepper, step_through

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
