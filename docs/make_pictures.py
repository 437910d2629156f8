"""Draw the documentation's pictures into docs/assets: ``python docs/make_pictures.py [--check]``.

Each picture is one entry of ``PICTURES``: a file name and a function that builds the graph (any
object with ``.svg()``, such as ``autograd.draw``'s ``Graph``). To add one, write a function that
returns the graph and add a line to ``PICTURES``; then run the script and commit the new file.
``tests/test_docs_pictures.py`` checks that every committed picture is what its function draws
now, so a change to the engine or to ``draw`` that changes a picture is noticed (rerun the script).
``--check`` does the same without writing: it lists the pictures that differ.

The pictures are laid out top to bottom (``direction="TB"``) to fit a 980-pixel page column.

>>> sorted(PICTURES)[5:7]
['graph_layer_forward.svg', 'graph_layer_step_a0.svg']
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ASSETS = Path(__file__).resolve().parent / "assets"
if str(ROOT) not in sys.path:  # run as a script from anywhere: import this checkout's autograd
    sys.path.insert(0, str(ROOT))

from autograd import Value, draw  # noqa: E402
from autograd.views.stepper import step_through  # noqa: E402


def line_graph() -> Any:
    """The book's figure 10-3: y = m·x + b, with m = 2, x = 3, b = 1, after backward."""
    m, x, b = Value(2.0, "m"), Value(3.0, "x"), Value(1.0, "b")
    t = m * x
    t.label = "m*x"
    y = t + b
    y.label = "y"
    y.backward()
    return draw(y, direction="TB")


def neuron_graph() -> Any:
    """One neuron a = sigmoid(w·x + b), with w = 0.5, x = 2, b = -0.5, after backward."""
    w, x, b = Value(0.5, "w"), Value(2.0, "x"), Value(-0.5, "b")
    t = w * x
    t.label = "w*x"
    z = t + b
    z.label = "z"
    a = z.sigmoid()
    a.label = "a"
    a.backward()
    return draw(a, direction="TB")


def layer() -> Value:
    """The book's figure 10-4 in scalar form: a layer a = sigmoid(W·x + b) of two neurons on two
    inputs, written out as products and sums, and the loss E = 0.5*((a0 - 1)**2 + (a1 - 0)**2)."""
    x = [Value(1.0, "x0"), Value(-2.0, "x1")]
    W = [[Value(0.3, "W00"), Value(-0.2, "W01")], [Value(0.1, "W10"), Value(0.4, "W11")]]
    b = [Value(0.1, "b0"), Value(-0.1, "b1")]
    squares = []
    for j, target in enumerate((1.0, 0.0)):
        z = W[j][0] * x[0] + W[j][1] * x[1] + b[j]
        z.label = f"z{j}"
        a = z.sigmoid()
        a.label = f"a{j}"
        e = a - target
        e.label = f"e{j}"
        squares.append(e * e)
    loss = 0.5 * (squares[0] + squares[1])
    loss.label = "E"
    return loss


def step_of(root: Value, name: str) -> int:
    """The number of the backward step that sends the gradient back from the node labelled ``name``."""
    for step in step_through(root, live=False):
        if step.name == name:
            return step.index
    raise ValueError(f"step_of: no backward step for a node labelled {name!r}")


def layer_forward() -> Any:
    """The layer's forward graph, before backward: each op's port holds its local derivative."""
    return draw(layer(), direction="TB", grads=False)


def layer_backward_at(name: str) -> Callable[[], Any]:
    """A function drawing the layer's backward pass as it stands after the step of node ``name``."""

    def frame() -> Any:
        loss = layer()
        return draw(loss, direction="TB", step=step_of(loss, name))

    frame.__doc__ = f"The layer's backward pass after the step of {name} (a frame of the stepper)."
    return frame


def from_demo(demo: str, name: str) -> Callable[[], Any]:
    """A function drawing the picture ``name`` of ``demos/<demo>.py`` (from its ``drawings()``)."""

    def picture() -> Any:
        spec = importlib.util.spec_from_file_location(demo, ROOT / "demos" / f"{demo}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.drawings()[name]

    picture.__doc__ = f"demos/{demo}.py's {name}."
    return picture


PICTURES: dict[str, Callable[[], Any]] = {
    **{name: from_demo("see_backprop", name) for name in (
        "321_output.svg", "321_hidden0.svg", "321_fused_formulas.svg", "321_neurons.svg", "321_step3.svg")},
    **{name: from_demo("higher_order", name) for name in (
        "tanh_d2.svg", "neuron_forward.svg", "neuron_gradient.svg")},
    "graph_line.svg": line_graph,
    "graph_neuron.svg": neuron_graph,
    "graph_layer_forward.svg": layer_forward,
    "graph_layer_step_a0.svg": layer_backward_at("a0"),
    "graph_layer_step_z1.svg": layer_backward_at("z1"),
}
"""Every picture this script draws: file name in docs/assets, and the function that draws it."""


def render(name: str) -> bytes:
    """The picture ``name`` as the bytes of its SVG file."""
    return PICTURES[name]().svg().encode("utf-8")


def main(argv: list[str]) -> int:
    """Write every picture (or with ``--check``, only report those that differ); exit status 1 if any do."""
    check = "--check" in argv
    differ = []
    for name in PICTURES:
        data = render(name)
        target = ASSETS / name
        if target.exists() and target.read_bytes() == data:
            continue
        differ.append(name)
        if not check:
            ASSETS.mkdir(exist_ok=True)
            target.write_bytes(data)
            print(f"wrote {target.relative_to(ROOT)}")
    if check:
        print("\n".join(f"differs: {name}" for name in differ) or "every picture is up to date")
    return 1 if check and differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
