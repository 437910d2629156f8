"""See backprop: the 3-2-1 network's graph with all its gradients, and the backward player.

Writes into the folder given (default: ``see_backprop_output`` in the current one, never the current
folder itself):
  321_graph.svg     the whole graph after backward(): every value's data and grad, and in each op's
                    ports the local derivative of each input
  321_output.svg    the output neuron and the loss, each hidden neuron drawn as one box
  321_hidden0.svg   inside hidden neuron 0
  321_fused_formulas.svg  hidden neuron 0 alone, its w·x + b one node and x plain numbers (as nn
                    builds it for a data sample), each port with its formula
  321_neurons.svg   every neuron as one box
  321_step3.svg     step 3 of the backward pass (a2 = sigmoid(z2)), hidden neurons as boxes
  321_player.html   the backward pass step by step in a browser (one file, works offline)
  iris_player.html  the same for the book's 2-2-1 iris network on one training flower, its
                    parameters named as tutorials write them (W1[0][0], ..., b2: MLP.tutorial_names)
and prints the 3-2-1 chain-rule table. The pictures are drawn top to bottom, each but the whole
graph narrow enough to read in a 980-pixel column; docs/make_pictures.py draws the same parts
into docs/assets for docs/seeing_backprop.md.

Run:  python demos/see_backprop.py [folder]
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograd import Graph, Value, dot, draw, player, step_through
from autograd.examples import three_two_one
from autograd.text import echo
from nn import half_squared_error, iris_book_split
from nn.book.iris import iris_221_network


def drawings(whole: bool = False) -> dict[str, Graph]:
    """The 3-2-1 network's pictures after its backward pass, by file name (docs/make_pictures.py
    draws the same ones for docs/assets).

    ``whole`` adds the whole graph in one picture: 1177 pt wide, too wide for a docs column, whose
    pictures are the parts below.
    """
    net = three_two_one()
    net.C.backward()
    hidden = {"hidden 0": net.a1[0], "hidden 1": net.a1[1]}
    # hidden neuron 0 on its own as nn builds it for a data sample: w·x + b as one node, x plain numbers
    w = [Value(0.2, "W1[0][0]"), Value(-0.5, "W1[0][1]"), Value(0.1, "W1[0][2]")]
    z = dot(w, [2.0, 3.0, -1.0], Value(0.3, "b1[0]"))
    z.label = "z1[0]"
    a = z.sigmoid()
    a.label = "a1[0]"
    a.backward()
    graphs = {"321_graph.svg": draw(net.C, direction="TB")} if whole else {}
    graphs |= {
        "321_output.svg": draw(net.C, direction="TB", collapse=hidden),
        "321_hidden0.svg": draw(net.a1[0], direction="TB"),
        "321_fused_formulas.svg": draw(a, direction="TB", formulas=True),
        "321_neurons.svg": draw(net.C, direction="TB", collapse={**hidden, "output": net.a2}),
        "321_step3.svg": draw(net.C, direction="TB", collapse=hidden, step=3),
    }
    return graphs


def main(folder: Path) -> None:
    """Print the 3-2-1 chain-rule table, draw the pictures and write the two players."""
    net = three_two_one()
    stepper = step_through(net.C).run()  # the same grads as net.C.backward(), one step at a time
    echo(stepper.table())
    echo("")
    folder.mkdir(parents=True, exist_ok=True)
    for name, graph in drawings(whole=True).items():
        echo(f"wrote {graph.save(folder / name)}")
    echo(f"{player(net.C, folder / '321_player.html', direction='TB')}:\n  open it in a browser, "
         f"then Next / Play")

    iris = iris_221_network(seed=0, fused=False)
    split = iris_book_split()
    loss = half_squared_error(iris(split.train_x[0])[0], split.train_y[0])
    loss.label = "loss"
    echo(f"{player(loss, folder / 'iris_player.html', names=iris.tutorial_names())}:\n"
         f"  the 2-2-1 iris network on one training flower")


DEFAULT_FOLDER = Path("see_backprop_output")
"""Where the files go when no folder is given: a clearly named folder, not the current one."""

if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        echo(f"(no folder given: writing into {DEFAULT_FOLDER}/; "
             f"python demos/see_backprop.py FOLDER picks one)\n")
        main(DEFAULT_FOLDER)
