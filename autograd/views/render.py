"""Turning Graphviz DOT source into SVG or PNG (the ``chainrule-render`` command is ``autograd.cli``).

The renderer is a function set with ``set_renderer(fn)`` (DOT text to SVG text: how a web page
running chainrule under Pyodide hands it viz.js), else the ``graphviz-pure`` program (installed
with chainrule from its wheel; looked for next to the running Python first, then on PATH), else
a system Graphviz ``dot`` on PATH. With none, ``RendererNotFoundError`` says what to install (in
a browser: what the page must provide).

>>> svg = render_svg("digraph { a -> b }")
>>> svg.lstrip().startswith("<?xml")
True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

__all__ = ["FORMATS", "RenderError", "Renderer", "RendererNotFoundError", "find_renderer", "get_renderer",
           "render", "render_svg", "set_renderer"]

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
    "renderer first, a function from DOT text to SVG text: autograd.set_renderer(fn), "
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


