"""chainrule without numpy, tqdm and a Graphviz program, as in a browser (Pyodide): issue 22, part 1.

A subprocess hides numpy and tqdm (``sys.modules[name] = None`` makes ``import name`` fail) and
forbids looking for a renderer program, then runs the 3-2-1 example, the stepper, ``draw(...).source``,
SVG and the player through a renderer given to ``set_renderer``, and nn's networks, losses,
optimizers and ``fit`` on lists. The expected numbers are the closed form of the network, written out
here with ``math``, not chainrule's output.
"""

from __future__ import annotations

import ast
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import Value, draw
from autograd.views import render as render_module
from autograd.views.render import RendererNotFoundError, RenderError, get_renderer, set_renderer

ROOT = Path(__file__).resolve().parent.parent


def closed_form_321() -> dict[str, float]:
    """The 3-2-1 network's forward values and first three backward derivatives, by hand."""
    def sigmoid(z: float) -> float:
        return 1.0 / (1.0 + math.exp(-z))

    x = [2.0, 3.0, -1.0]
    z1 = [0.2 * x[0] - 0.5 * x[1] + 0.1 * x[2] + 0.3, -0.3 * x[0] + 0.4 * x[1] + 0.2 * x[2] - 0.1]
    a1 = [sigmoid(z) for z in z1]
    a2 = sigmoid(0.5 * a1[0] + 0.2 * a1[1] + 0.1)
    dC_derr = 2 * (a2 - 1.0)
    return {"a2": a2, "C": (a2 - 1.0) ** 2, "dC_derr": dC_derr, "dC_da2": dC_derr,
            "sigma_prime": a2 * (1 - a2), "dC_dz2": a2 * (1 - a2) * dC_derr}


SCRIPT = r'''
import json, subprocess, sys
sys.modules["numpy"] = None     # import numpy fails, as under Pyodide
sys.modules["tqdm"] = None

import autograd, nn
from autograd import draw, player, step_through
from autograd.views import render
from autograd.examples import three_two_one

def no_programs():
    raise AssertionError("find_renderer was called: the renderer hook was not used")

render.find_renderer = no_programs
program = sys.argv[1]
calls = []

def fake_renderer(dot):            # stands in for viz.js: here the real graphviz-pure program
    calls.append(len(dot))
    return subprocess.run([program, "-Tsvg"], input=dot.encode(), capture_output=True,
                          check=True).stdout.decode()

out = {}
net = three_two_one()
out["a2"], out["C"] = net.a2.data, net.C.data
stepper = step_through(net.C)
out["steps"] = [repr(next(stepper)) for _ in range(3)]
out["dot"] = draw(net.C, step=3).source
try:
    draw(net.C).svg()
except Exception as error:
    out["no_renderer"] = f"{type(error).__name__}: {error}"
render.set_renderer(fake_renderer)
out["svg"] = draw(net.C, step=3).svg()
page = player(three_two_one().C)
out["player"] = [page.steps, page.html.count("<svg"), len(calls)]
try:
    draw(net.C).render("png")
except Exception as error:
    out["png"] = f"{type(error).__name__}: {error}"

from nn import MLP, SGD, Adam, fit, mse, half_squared_error, layer_view
X, Y = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0]
net2 = MLP(2, [2, 1], activations=["tanh", "linear"], weights=[[[0.5, -0.5], [0.25, 0.75]], [[1.0, -1.0]]],
           biases=[[0.0, 0.0], [0.0]])
out["sgd"] = fit(net2, mse, X, Y, SGD(net2.parameters(), lr=0.1), 2)
out["adam"] = fit(net2, half_squared_error, X, Y, Adam(net2.parameters()), 2, compiled=True)
for name, call in [("layer_view", lambda: layer_view(net2, X[1], Y[1])),
                   ("batch", lambda: fit(net2, mse, X, Y, SGD(net2.parameters(), lr=0.1), 1,
                                         compiled="batch"))]:
    try:
        call()
    except ModuleNotFoundError as error:
        out[name] = str(error)
out["numpy_loaded"] = sys.modules.get("numpy") is not None
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def without_numpy() -> dict:
    program = render_module.find_renderer()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(program)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_321_example_and_the_stepper_run_without_numpy(without_numpy):
    want = closed_form_321()
    assert without_numpy["a2"] == pytest.approx(want["a2"], rel=1e-15, abs=0)
    assert repr(without_numpy["a2"]) == "0.5888985125572694"
    assert without_numpy["C"] == pytest.approx(want["C"], rel=1e-14, abs=0)
    first, second, third = without_numpy["steps"]
    assert first.startswith("step 1/21  C = err ** 2: dC/derr += ")
    assert first.endswith(f"= {want['dC_derr']:.6f} × 1 = {want['dC_derr']:.6f}")
    assert second == f"step 2/21  err = a2 - 1: dC/da2 += 1 × dC/derr = 1 × {want['dC_derr']:.6f} " \
                     f"= {want['dC_da2']:.6f}"
    assert third == (f"step 3/21  a2 = sigmoid(z2): dC/dz2 += sigma'(z2) × dC/da2 = "
                     f"{want['sigma_prime']:.6f} × {want['dC_da2']:.6f} = {want['dC_dz2']:.6f}")
    assert not without_numpy["numpy_loaded"]


def test_draw_and_the_player_use_the_renderer_given_to_set_renderer(without_numpy):
    assert without_numpy["dot"].startswith("digraph chainrule {")
    assert without_numpy["dot"] == draw(__import__("autograd.examples").examples.three_two_one().C,
                                        step=3).source
    assert without_numpy["no_renderer"].startswith("AssertionError: find_renderer was called")
    assert "<svg" in without_numpy["svg"] and 'class="node value' in without_numpy["svg"]
    steps, pictures, calls = without_numpy["player"]
    assert steps == 21 and pictures >= 1 and calls >= 2   # draw's SVG, then the player's layout
    assert without_numpy["png"].startswith("RenderError: the renderer set with set_renderer "
                                           "(fake_renderer) writes SVG only, not PNG")


def test_nn_networks_losses_optimizers_and_fit_on_lists_run_without_numpy(without_numpy):
    # the same two trainings with numpy present give the same floats: chainrule does not use it there
    from nn import MLP, SGD, Adam, fit, half_squared_error, mse
    X, Y = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0]
    net = MLP(2, [2, 1], activations=["tanh", "linear"], weights=[[[0.5, -0.5], [0.25, 0.75]], [[1.0, -1.0]]],
              biases=[[0.0, 0.0], [0.0]])
    sgd = fit(net, mse, X, Y, SGD(net.parameters(), lr=0.1), 2, progress=False)
    adam = fit(net, half_squared_error, X, Y, Adam(net.parameters()), 2, compiled=True, progress=False)
    assert without_numpy["sgd"] == list(sgd) and without_numpy["adam"] == list(adam)
    # the first epoch's loss by hand: tanh hidden layer, linear output, the mean of (y - out)²
    outs = [math.tanh(0.5 * a - 0.5 * b) - math.tanh(0.25 * a + 0.75 * b) for a, b in X]
    assert sgd[0] == pytest.approx(sum((o - y) ** 2 for o, y in zip(outs, Y)) / 4, rel=1e-12)


def test_what_needs_numpy_says_so(without_numpy):
    assert without_numpy["layer_view"].startswith("the layer view (nn.layer_view) needs numpy")
    assert without_numpy["batch"].startswith("fit(compiled='batch') needs numpy")
    assert "pip install numpy" in without_numpy["batch"]


def _module_level_imports(tree: ast.Module) -> list[tuple[str, int]]:
    """Modules imported when the file is imported: top level, and inside top-level if/try blocks
    (but not ``if TYPE_CHECKING:``, which only type checkers run)."""
    found = []
    body = list(tree.body)
    while body:
        node = body.pop(0)
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                body += node.body + node.orelse
        elif isinstance(node, ast.Try):
            body += node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
    return found


@pytest.mark.parametrize("package", ["autograd", "nn"])
def test_no_module_imports_numpy_when_it_is_imported(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert len(files) >= 8
    offenders = [f"{path.name}:{line}" for path in files
                 for name, line in _module_level_imports(ast.parse(path.read_text(encoding="utf-8")))
                 if name.split(".")[0] in ("numpy", "tqdm", "matplotlib")]
    assert offenders == []


def test_the_ast_check_finds_a_module_level_numpy_import():
    tree = ast.parse("import os\ntry:\n    import numpy as np\nexcept ImportError:\n    pass\n"
                     "if TYPE_CHECKING:\n    import tqdm\ndef f():\n    import matplotlib\n")
    assert _module_level_imports(tree) == [("os", 1), ("numpy", 3)]


# --- the renderer hook ---------------------------------------------------------------------------
@pytest.fixture
def no_hook():
    before = set_renderer(None)
    yield
    set_renderer(before)


def test_a_hook_is_used_before_any_program_and_set_renderer_returns_the_one_before(no_hook, monkeypatch):
    def program_lookup():
        raise AssertionError("looked for a program")

    monkeypatch.setattr(render_module, "find_renderer", program_lookup)
    seen = []

    def fake(dot: str) -> str:
        seen.append(dot)
        return "<svg>fake</svg>"

    assert set_renderer(fake) is None and get_renderer() is fake
    graph = draw(Value(1.0, "x") * 2)
    assert graph.render("svg") == b"<svg>fake</svg>" and seen == [graph.source]
    assert set_renderer(None) is fake and get_renderer() is None


@pytest.mark.parametrize(("returned", "shown"), [("not svg at all", "'not svg at all'"), (b"<svg/>", "bytes"),
                                                 (None, "NoneType")])
def test_a_hook_that_does_not_return_svg_text_is_named(no_hook, returned, shown):
    def renderer(dot: str):
        return returned

    set_renderer(renderer)
    with pytest.raises(RenderError, match=rf"set_renderer \(renderer\) must return SVG text, got {shown}"):
        render_module.render_svg("digraph { a }")


def test_a_hook_that_fails_is_named_with_its_error(no_hook):
    def broken(dot: str) -> str:
        raise ValueError("syntax error in line 1")

    set_renderer(broken)
    with pytest.raises(RenderError, match=r"\(broken\) failed on the graph: ValueError: syntax error"):
        draw(Value(1.0)).svg()


def test_set_renderer_refuses_what_cannot_be_called(no_hook):
    with pytest.raises(TypeError, match=r"set_renderer: needs a function from DOT text .* got str"):
        set_renderer("viz.js")
    assert get_renderer() is None


def test_in_a_browser_without_a_hook_the_error_says_what_the_page_must_provide(no_hook, monkeypatch):
    monkeypatch.setattr(sys, "platform", "emscripten")
    with pytest.raises(RendererNotFoundError) as error:
        draw(Value(1.0, "x")).svg()
    message = str(error.value)
    assert "in the browser (Pyodide)" in message
    assert "the page must give it a renderer first" in message
    assert "autograd.set_renderer(fn)" in message and "DOT text to SVG text" in message


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_in_a_browser_png_and_jpg_say_they_are_not_available(no_hook, monkeypatch, tmp_path, suffix):
    set_renderer(lambda dot: "<svg/>")
    monkeypatch.setattr(sys, "platform", "emscripten")
    fmt = suffix[1:].upper()
    with pytest.raises(RenderError, match=f"{fmt} pictures are not available in the browser"):
        draw(Value(1.0)).save(tmp_path / f"x{suffix}")
    assert not (tmp_path / f"x{suffix}").exists()
    assert draw(Value(1.0)).save(tmp_path / "x.svg").read_text() == "<svg/>"
