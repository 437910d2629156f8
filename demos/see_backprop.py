"""See backprop: the 3-2-1 network's graph with all its gradients, and the backward player.

Writes into the folder given (default: the current one):
  321_graph.svg    the graph after backward(): every value's data and grad, every edge's local derivative
  321_step3.svg    the same graph at step 3 of the backward pass (a2 = sigmoid(z2))
  321_player.html  the backward pass step by step in a browser (one file, works offline)
  iris_player.html the same for the book's 2-2-1 iris network on one training flower, its
                   parameters named as tutorials write them (W1[0][0], ..., b2: MLP.tutorial_names)
and prints the 3-2-1 chain-rule table.

Run:  python demos/see_backprop.py [folder]
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograd import draw, player, step_through
from autograd.examples import three_two_one
from autograd.text import echo
from nn import half_squared_error, iris_book_split
from nn.iris import iris_221_network


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    net = three_two_one()
    stepper = step_through(net.C).run()  # the same grads as net.C.backward(), one step at a time
    echo(stepper.table())
    graph = draw(net.C, direction="TB")
    echo(f"\n{graph.save(folder / '321_graph.svg')}:\n  {len(net.leaves)} inputs and parameters, "
         f"{len(stepper.order)} values, each with its gradient")
    echo(f"{draw(net.C, direction='TB', step=3).save(folder / '321_step3.svg')}:\n  step 3 highlighted")
    echo(f"{player(net.C, folder / '321_player.html', direction='TB')}:\n  open it in a browser, "
         f"then Next / Play")

    iris = iris_221_network(seed=0, fused=False)
    split = iris_book_split()
    loss = half_squared_error(iris(split.train_x[0])[0], split.train_y[0])
    loss.label = "loss"
    echo(f"{player(loss, folder / 'iris_player.html', names=iris.tutorial_names())}:\n"
         f"  the 2-2-1 iris network on one training flower")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
