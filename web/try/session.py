"""The try page's Python side: what the page's Web Worker asks chainrule for, under Pyodide.

The worker runs this file once, after chainrule's wheel is installed, then calls ``forward``,
``step``, ``player_html`` and ``run_cell``; each returns plain data (str, int, dict) that crosses
to JavaScript as JSON. Also runs under CPython (tests/test_try_page.py checks it there).

>>> forward()["a2"]
'0.5888985125572694'
"""

from __future__ import annotations

import contextlib
import io
import json
import linecache
import traceback

from autograd import Value, draw, player
from autograd.examples import three_two_one
from autograd.views.draw import shown_text
from autograd.views.stepper import Stepper

CELL = "<cell>"
"""The file name of the learner's code in tracebacks."""

_state: dict[str, object] = {}


def _set_root(root: Value) -> dict:
    """Walk ``root``'s backward pass once (on a private copy of the grads) and keep it for ``step``."""
    stepper = Stepper(root, live=False).run()
    _state.update(root=root, stepper=stepper)
    return {"total": stepper.total, "root": stepper.names[root]}


def forward() -> dict:
    """The 3-2-1 network of ``autograd.examples.three_two_one()``: its forward values for the page."""
    net = three_two_one()
    result = _set_root(net.C)
    result.update(a2=repr(net.a2.data), C=repr(net.C.data), printed="")
    return result


def step(k: int) -> dict:
    """Step ``k`` of the current backward pass: the stepper's lines up to it, the picture (SVG) after it.

    >>> _ = forward()
    >>> step(2)["lines"][-1]
    'step 2/21  err = a2 - 1: dC/da2 += 1 × dC/derr = 1 × -0.822203 = -0.822203'
    """
    stepper = _state["stepper"]
    lines = [repr(s) for s in stepper.steps[:k]]
    svg = draw(_state["root"], step=k).svg()
    return {"k": k, "total": stepper.total, "lines": lines, "svg": svg}


def player_html(language: str) -> str:
    """chainrule's own player for the current network, a whole HTML page.

    >>> _ = forward()
    >>> player_html("zh_CN").count("<title>C 的反向传播：逐步演示</title>")
    1
    """
    return player(_state["root"], language=language).html


def _python_error(error: BaseException) -> str:
    """The traceback of an error in the learner's code, from the first line of the cell on."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != CELL:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb)).rstrip()


def run_cell(code: str, words: str) -> dict:
    """Run the learner's cell in a fresh namespace; it must set ``C``, the loss (a Value).

    ``words`` is a JSON object of the page's messages in its language (``no_loss``, ``not_set``). Returns the
    printed text and the new forward values, or ``error``: Python's own message and traceback.

    >>> run_cell("from autograd import Value\\nC = Value(3.0) ** 2", '{}')["C"]
    '9.0'
    >>> run_cell("C = 1 / 0", '{}')["error"].splitlines()[1:3]
    ['  File "<cell>", line 1, in <module>', '    C = 1 / 0']
    """
    said = json.loads(words)
    linecache.cache[CELL] = (len(code), None, code.splitlines(keepends=True), CELL)
    namespace: dict[str, object] = {"__name__": "__main__"}
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            exec(compile(code, CELL, "exec"), namespace)  # the learner's own code, in their own browser
    except BaseException as error:  # SystemExit and KeyboardInterrupt too: show them, keep the page
        return {"error": _python_error(error), "printed": printed.getvalue()}
    root = namespace.get("C")
    if not isinstance(root, Value):
        got = said["not_set"] if "C" not in namespace else f"{type(root).__name__} {shown_text(repr(root))}"
        return {"error": said["no_loss"].format(got=got), "printed": printed.getvalue()}
    result = _set_root(root)
    a2 = namespace.get("a2")
    result.update(
        a2=repr(a2.data) if isinstance(a2, Value) else "", C=repr(root.data), printed=printed.getvalue()
    )
    return result
