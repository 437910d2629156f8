"""``fit``: the training loop every tutorial writes by hand, with their stop conditions.

Each epoch goes once through the data in batches; for every batch: forward, the mean of the
per-sample losses, ``zero_grad``, backward, optimizer step. Training stops after ``epochs``,
or when the epoch's loss falls below ``loss_below``, or when it changes by less than
``change_below`` from the previous epoch. The returned ``History`` is the list of epoch losses.

>>> from nn import MLP, SGD, half_squared_error
>>> net = MLP(1, [1], activations="linear", weights=[[[0.0]]], biases=[[0.0]])
>>> history = fit(net, half_squared_error, [[1.0], [2.0]], [2.0, 4.0], SGD(net.parameters(), lr=0.4),
...               epochs=1000, loss_below=1e-8)
>>> history.stop_reason, len(history), round(net.layers[0].neurons[0].w[0].data, 3)
('loss below 1e-08', 258, 2.0)

The compiled forms (``compiled=``): ``True`` records the per-sample loss's graph once
(``autograd.trace``) and replays it for every sample: the same numbers, bit for bit, several times
faster; ``"batch"`` replays each batch at once on NumPy arrays (the same to about 1e-12; see
``compiled_batch_loss``); ``"matrix"`` replays each batch with one matrix product per layer
(``autograd.replay.matrix_program``; the same to about 1e-12, sums added in another order), the parameters
kept in arrays for the whole run and stepped there by ``SGD`` and ``Adam`` with the same float
operations as on Values (``nn.matrix_fit``). It is a mode of its own, not chosen for you under
``"batch"``: ``"batch"`` keeps one line per op, to read, and its own order of sums. Where no layer
is found, or the loss decides on its inputs, it runs as ``"batch"``. During a matrix fit the Values
are brought up to date (``data``, ``grad``, the optimizer's state) after each epoch if ``callback``,
the progress bar or ``param_change_below`` looks at them, at the end of fit, and when an exception
or Ctrl-C stops training: what the Value path would show then.

The book's minibatches (``minibatches=N``) and the stop rule on the parameters' change:

>>> from nn import squared_error
>>> net = MLP(1, [1], activations="linear", weights=[[[0.0]]], biases=[[0.0]])
>>> h = fit(net, squared_error, [[1.0], [2.0], [3.0]], [2.0, 4.0, 6.0], SGD(net.parameters(), lr=0.05),
...         minibatches=200, batch_size=2, shuffle=0)
>>> len(h), h.stop_reason                   # one loss per minibatch of 2 random samples
(200, 'max minibatches (200)')
>>> net = MLP(1, [1], activations="linear", weights=[[[0.0]]], biases=[[0.0]])
>>> h = fit(net, squared_error, [[1.0], [2.0]], [2.0, 4.0], SGD(net.parameters(), lr=0.1),
...         epochs=1000, param_change_below=1e-3)
>>> len(h), h.stop_reason
(142, 'parameter change below 0.001 (relative)')
"""

from __future__ import annotations

import math
import random
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, NamedTuple, Protocol, TextIO

from autograd import Value, no_grad
from autograd.installation import numpy_for

from .batching import batches, random_subsets
from .losses import mean


class Optimizer(Protocol):
    """What ``fit`` needs from an optimizer: ``zero_grad()`` and ``step()``."""

    def zero_grad(self) -> None: ...

    def step(self) -> None: ...


Model = Callable[[Sequence[Any]], Any]
SampleLoss = Callable[[Any, Any], Value]


class History(list):  # type: ignore[type-arg]
    """The loss of each epoch (a list of floats), plus why and after how long training stopped."""

    stop_reason: str = ""
    seconds: float = 0.0


def _single(outputs: Any) -> Any:
    """A model's output list of one Value is handed to the loss as that Value."""
    if isinstance(outputs, list) and len(outputs) == 1:
        return outputs[0]
    return outputs


def batch_loss(model: Model, loss: SampleLoss, x: Sequence[Any], y: Sequence[Any],
               indices: Sequence[int] | None = None) -> Value:
    """The mean of ``loss(model(x[i]), y[i])`` over the samples in ``indices`` (all by default).

    A model output of one Value reaches ``loss`` as that Value; longer outputs as the list.

    >>> from nn import MLP, squared_error
    >>> net = MLP(1, [1], activations="linear", weights=[[[1.0]]], biases=[[0.0]])
    >>> batch_loss(net, squared_error, [[1.0], [3.0]], [0.0, 0.0]).data
    5.0
    """
    chosen = range(len(x)) if indices is None else indices
    return mean([loss(_single(model(x[i])), y[i]) for i in chosen])


def evaluate(model: Model, loss: SampleLoss, x: Sequence[Any], y: Sequence[Any]) -> float:
    """The mean loss over all samples, computed without building a graph.

    >>> from nn import MLP, squared_error
    >>> net = MLP(1, [1], activations="linear", weights=[[[1.0]]], biases=[[0.0]])
    >>> evaluate(net, squared_error, [[1.0], [3.0]], [0.0, 0.0])
    5.0
    """
    with no_grad():
        return batch_loss(model, loss, x, y).data


def fit(model: Model, loss: SampleLoss, x: Sequence[Any], y: Sequence[Any], optimizer: Optimizer,
        epochs: int | None = None, *, batch_size: int | None = None,
        shuffle: int | random.Random | None = None,
        loss_below: float | None = None, change_below: float | None = None,
        progress: bool | None = None, stream: TextIO | None = None, minibatches: int | None = None,
        param_change_below: float | None = None, compiled: bool | Literal["batch", "matrix"] = False,
        callback: Callable[[int, float], object] | None = None) -> History:
    """Train ``model`` on samples ``x`` with targets ``y``; returns the loss of each epoch.

    ``loss(output, target)`` is the loss of one sample (``output`` is the model's single Value,
    or its list of Values); each batch's gradient is the mean over its samples.
    ``batch_size=None`` trains full-batch, 1 per sample; ``shuffle`` seeds a new order per epoch.
    An epoch's loss is the mean of its batches' losses, each taken before that batch's update.
    ``progress=None`` shows a ``tqdm`` progress bar in a notebook, or on a terminal ``stream``
    (stdout by default), once the run has taken half a second; ``True`` always shows it (to
    ``stream``), ``False`` never. A loss, gradient or update that overflows stops training with
    an ``OverflowError`` that names the epoch and suggests a smaller learning rate.
    ``compiled=True | "batch" | "matrix"`` replays a recorded graph instead of building one per
    sample (the module's docstring says what each gives, and when a matrix fit updates the Values).
    ``callback(epoch, loss)`` is called after each epoch (each minibatch with ``minibatches``).

    ``minibatches=N`` (instead of ``epochs``) is the book's scheme: N updates, each on a fresh
    random subset of ``batch_size`` samples (``nn.random_subsets``, seeded by ``shuffle``); the
    history then holds each minibatch's mean loss, and the stop rules are checked after each one.
    ``param_change_below=p`` stops when the parameters move by less than the fraction p of their
    size over an epoch (or a minibatch): ‖θ_new − θ_old‖ / ‖θ_old‖ < p, Deep learning for
    beginners (2)'s "x changes by less than p percent" with p = percent/100 (examples: the module's).

    >>> from nn import MLP, SGD, squared_error
    >>> net = MLP(1, [1], activations="linear", weights=[[[0.0]]], biases=[[0.0]])
    >>> h = fit(net, squared_error, [[1.0]], [1.0], SGD(net.parameters(), lr=0.1), epochs=3)
    >>> [round(v, 4) for v in h], h.stop_reason
    ([1.0, 0.36, 0.1296], 'max epochs (3)')
    """
    rules = _StopRules(loss_below, change_below, param_change_below)
    epochs, counted = _check_arguments(x, y, epochs, minibatches, batch_size, rules)
    out = sys.stdout if stream is None else stream
    groups = _epoch_batches(len(x), batch_size, shuffle, minibatches)
    history = History()
    start = time.perf_counter()
    history.stop_reason = f"max {counted}es ({epochs})" if minibatches else f"max epochs ({epochs})"
    matrix, replay = _compiled_replay(model, loss, x, y, optimizer, compiled, history, counted)
    bar = None if progress is False else _progress_bar(epochs, stream, out, progress, counted)
    params = _parameters(model, optimizer) if param_change_below is not None else []
    epochs_of = _Epochs(model, loss, x, y, optimizer if matrix is None else matrix, replay, history, counted)
    try:
        for epoch in range(1, epochs + 1):
            before = [p.data for p in params]
            history.append(epochs_of.run(epoch, groups()))
            _report(bar, history[-1], epoch, callback, matrix, bool(params))
            reason = rules.reason(history, epoch, before, params)
            if reason is not None:
                history.stop_reason = reason
                break
    finally:
        if matrix is not None:
            matrix.publish()
        history.seconds = time.perf_counter() - start
        _close(bar, history)
    return history


# --- fit's phases: the arguments, each epoch's batches, one epoch, the report, the stop rules ---------

class _StopRules(NamedTuple):
    """fit's stop rules besides the length: each None, or a threshold."""

    loss_below: float | None
    change_below: float | None
    param_change_below: float | None

    def check(self) -> None:
        """Each threshold is None or a finite number >= 0."""
        for name, threshold in zip(self._fields, self):
            if threshold is not None and (isinstance(threshold, bool)
                                          or not isinstance(threshold, (int, float))
                                          or not math.isfinite(threshold) or threshold < 0):
                raise ValueError(f"fit: {name} must be a finite number >= 0 or None, got {threshold!r}")

    def reason(self, history: History, epoch: int, before: list[float], params: list[Value]) -> str | None:
        """Why training stops after this epoch (``history[-1]`` is its loss), or None to go on."""
        epoch_loss = history[-1]
        if self.loss_below is not None and epoch_loss < self.loss_below:
            return f"loss below {self.loss_below:g}"
        if self.change_below is not None and epoch > 1 and abs(epoch_loss - history[-2]) < self.change_below:
            return f"loss change below {self.change_below:g}"
        if (self.param_change_below is not None
                and _relative_change(before, params) < self.param_change_below):
            return f"parameter change below {self.param_change_below:g} (relative)"
        return None


def _check_arguments(x: Sequence[Any], y: Sequence[Any], epochs: int | None, minibatches: int | None,
                     batch_size: int | None, rules: _StopRules) -> tuple[int, str]:
    """fit's length (epochs, or minibatches with a batch_size), samples and thresholds, checked;
    returns the number of steps of the loop and what one is called ("epoch" or "minibatch")."""
    counted = "minibatch" if minibatches is not None else "epoch"
    if minibatches is not None:
        if epochs is not None:
            raise ValueError(f"fit: give epochs or minibatches, not both (got epochs={epochs!r}, "
                             f"minibatches={minibatches!r})")
        if isinstance(minibatches, bool) or not isinstance(minibatches, int) or minibatches < 1:
            raise ValueError(f"fit: minibatches must be a positive int, got {minibatches!r}")
        if batch_size is None:
            raise ValueError("fit: minibatches=N draws random subsets of batch_size samples: give "
                             "batch_size too")
        epochs = minibatches
    elif isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    if len(x) != len(y):
        raise ValueError(f"fit: {len(x)} samples but {len(y)} targets")
    if len(x) == 0:
        raise ValueError("fit: no samples")
    rules.check()
    return epochs, counted


def _epoch_batches(n: int, batch_size: int | None, shuffle: int | random.Random | None,
                   minibatches: int | None) -> Callable[[], Iterable[Sequence[int]]]:
    """Each epoch's batches of sample indices: one fresh random subset (``minibatches=N``), the whole
    set (full batch), or batches of ``batch_size`` in an order shuffled anew each epoch."""
    rng = None if shuffle is None else (shuffle if isinstance(shuffle, random.Random)
                                        else random.Random(shuffle))
    if minibatches is not None:
        subsets = random_subsets(n, batch_size, minibatches, rng)  # type: ignore[arg-type]
        return lambda: (next(subsets),)
    if batch_size is None:
        whole = list(range(n))
        return lambda: (whole,)
    return lambda: batches(n, batch_size, rng)


def _compiled_replay(model: Model, loss: SampleLoss, x: Sequence[Any], y: Sequence[Any],
                     optimizer: Optimizer, compiled: bool | str, history: History,
                     counted: str) -> tuple[Any, Callable[[Sequence[int]], float] | None]:
    """The matrix form's trainer (or None) and the replay of a batch (None on the Value path)."""
    if compiled == "matrix":
        from .matrix_fit import matrix_training
        try:  # (records the first sample's graph now: it may overflow, as a first batch would)
            matrix = matrix_training(model, loss, x, y, optimizer)
        except ArithmeticError as error:
            raise _diverged("the loss or a gradient", 1, False, optimizer, history, counted) from error
        if matrix is not None:
            return matrix, matrix.run
        compiled = "batch"  # no layer, or decisions on the inputs: the scalar batch replay
    return None, (compiled_batch_loss(model, loss, x, y, compiled) if compiled else None)  # type: ignore[arg-type]


class _Epochs:
    """One epoch of ``fit``: forward, backward and update for each batch; an overflow is named.

    ``trainer`` zeroes the gradients and steps: the optimizer, or the matrix form's arrays."""

    def __init__(self, model: Model, loss: SampleLoss, x: Sequence[Any], y: Sequence[Any],
                 trainer: Any, replay: Callable[[Sequence[int]], float] | None, history: History,
                 counted: str) -> None:
        self.model, self.loss, self.x, self.y, self.trainer = model, loss, x, y, trainer
        self.optimizer: Optimizer = getattr(trainer, "optimizer", trainer)  # what error messages name
        self.replay, self.history, self.counted = replay, history, counted

    def run(self, epoch: int, groups: Iterable[Sequence[int]]) -> float:
        """The epoch's loss: the mean of its batches' losses, each taken before that batch's update."""
        losses: list[float] = []
        for indices in groups:
            losses.append(self._gradient(indices, epoch, epoch > 1 or bool(losses)))
            try:
                self.trainer.step()
            except OverflowError as error:
                raise self._diverged("a parameter update", epoch, True) from error
        try:
            return losses[0] if len(losses) == 1 else math.fsum(losses) / len(losses)
        except OverflowError as error:
            raise self._diverged("the loss", epoch, True) from error

    def _gradient(self, indices: Sequence[int], epoch: int, updated: bool) -> float:
        """The batch's mean loss, with its gradient in the parameters' zeroed grads."""
        if self.replay is not None:  # compiled: the recorded program instead of a new graph
            self.trainer.zero_grad()
            try:
                return self.replay(indices)
            except ArithmeticError as error:
                raise self._diverged("the loss or a gradient", epoch, updated) from error
        try:
            batch = batch_loss(self.model, self.loss, self.x, self.y, indices)
        except OverflowError as error:
            raise self._diverged("the loss", epoch, updated) from error
        self.optimizer.zero_grad()
        try:
            batch.backward()
        except ArithmeticError as error:
            raise self._diverged("a gradient", epoch, updated) from error
        return batch.data

    def _diverged(self, what: str, epoch: int, updated: bool) -> OverflowError:
        return _diverged(what, epoch, updated, self.optimizer, self.history, self.counted)


def _report(bar: Any, epoch_loss: float, epoch: int, callback: Callable[[int, float], object] | None,
            matrix: Any, rule_looks: bool) -> None:
    """After an epoch: a matrix fit's Values brought up to date if anyone looks at them (the bar, the
    callback, the parameter-change rule), as the Value path would have them; the callback; the bar."""
    if matrix is not None and (bar is not None or callback is not None or rule_looks):
        matrix.publish()
    if callback is not None:
        callback(epoch, epoch_loss)
    if bar is not None:
        bar.set_postfix_str(f"loss {epoch_loss:.6g}", refresh=False)
        bar.update(1)


def _close(bar: Any, history: History) -> None:
    """The progress bar's last words: the final loss and why training stopped."""
    if bar is not None:
        if history:
            bar.set_postfix_str(f"loss {history[-1]:.6g}, {history.stop_reason}", refresh=False)
        bar.close()


def _parameters(model: Model, optimizer: Optimizer) -> list[Value]:
    """The Values training moves: the optimizer's ``params``, else the model's ``parameters()``."""
    params = getattr(optimizer, "params", None)
    if params is None and hasattr(model, "parameters"):
        params = model.parameters()  # type: ignore[attr-defined]
    if not params:
        raise ValueError("fit: param_change_below needs the parameters: an optimizer with .params "
                         "or a model with .parameters()")
    return list(params)


def _relative_change(before: list[float], params: list[Value]) -> float:
    """‖θ_new − θ_old‖ / ‖θ_old‖ (inf when θ_old is 0 and θ moved; 0 when nothing moved)."""
    moved = math.sqrt(math.fsum((p.data - b) ** 2 for p, b in zip(params, before)))
    size = math.sqrt(math.fsum(b * b for b in before))
    if moved == 0.0:
        return 0.0
    return moved / size if size > 0.0 else math.inf


def _diverged(what: str, epoch: int, updated: bool, optimizer: Optimizer, history: History,
              counted: str = "epoch") -> OverflowError:
    """The error for a loss, gradient or update beyond the float range, saying what to change."""
    if not updated:
        return OverflowError(f"fit: {what} overflows at {counted} 1, before any update, so it is not the "
                             f"learning rate: look at the scale of the inputs and the initial weights")
    lr = getattr(optimizer, "lr", None)
    smaller = "a smaller learning rate" + (f" than lr={lr!r}" if isinstance(lr, (int, float)) else "")
    last = f" (the last {counted} loss was {history[-1]:.6g})" if history else ""
    return OverflowError(f"fit: {what} overflowed at {counted} {epoch}; the training diverges: "
                         f"try {smaller}{last}")


BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} epochs [{elapsed}<{remaining}{postfix}]"
"""How ``fit``'s progress bar reads: ``fit:  42%|####      | 420/1000 epochs [00:01<00:02, loss 0.0123]``."""


def _progress_bar(epochs: int, stream: TextIO | None, out: TextIO, progress: bool | None,
                  counted: str = "epoch") -> Any:
    """A ``tqdm.auto`` bar for ``fit`` (a widget in a notebook), or None when it should not show.

    ``progress=None`` shows it in a notebook (as text if ipywidgets is missing) or on a
    terminal, once the run has taken half a second; ``True`` always (to ``stream`` if given).
    In a console the bar is ASCII unless the stream is UTF-8 (block characters are double
    width in GBK consoles), and at most 100 columns wide.
    """
    notebook = _notebook_bar() if stream is None else None
    in_kernel = stream is None and _in_kernel()  # a notebook without ipywidgets
    if progress is None and notebook is None and not in_kernel and not _is_terminal(out):
        return None
    delay = 0.5 if progress is None else 0.0
    bar_format = BAR_FORMAT.replace("epochs", f"{counted}es" if counted == "minibatch" else "epochs")
    if notebook is not None:
        return notebook(total=epochs, desc="fit", unit=counted, bar_format=bar_format, delay=delay)
    tqdm = _auto_tqdm()
    if tqdm is None:  # not installed (in the browser there is no tqdm): no bar unless asked for
        if progress is None:
            return None
        raise ModuleNotFoundError("fit(progress=True) draws its bar with tqdm, which is not installed "
                                  "here: python -m pip install tqdm, or use progress=None",
                                  name="tqdm")

    size = shutil.get_terminal_size((100, 24))  # a terminal that reports 0×0 gets the fallback
    return tqdm(total=epochs, desc="fit", unit=counted, bar_format=bar_format, delay=delay, file=out,
                ncols=min(100, size.columns), nrows=size.lines, ascii=not _is_utf8(out),
                mininterval=0.1)


def _in_kernel() -> bool:
    """True when this code runs in a Jupyter kernel (an IPython shell with a kernel), not merely in a
    process that imported ipykernel (starting a kernel from Python, as nbclient does, imports it)."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def _notebook_bar() -> Any:
    """``tqdm.auto``'s bar class if it chose the notebook widget (Jupyter, VS Code, Colab), else None
    (also when tqdm is not installed)."""
    tqdm = _auto_tqdm()
    if tqdm is None:
        return None
    return tqdm if any(c.__module__ == "tqdm.notebook" for c in tqdm.__mro__) else None


def _auto_tqdm() -> Any:
    """``tqdm.auto.tqdm``, imported without the TqdmWarning it gives in a kernel without ipywidgets
    (it then falls back to the text bar, and the user did nothing to be warned about); None when
    tqdm is not installed."""
    import warnings

    try:
        with warnings.catch_warnings():
            from tqdm.std import TqdmWarning

            warnings.simplefilter("ignore", TqdmWarning)
            from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def _is_utf8(stream: TextIO) -> bool:
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def compiled_batch_loss(model: Model, loss: SampleLoss, x: Sequence[Any], y: Sequence[Any],
                        mode: bool | Literal["batch"] = True) -> Callable[[Sequence[int]], float]:
    """``run(indices)``: a batch's mean loss, its gradient added into the parameters' grads, by the
    replay of one sample's recorded graph (``autograd.trace``) instead of a new graph per sample.

    ``mode=True`` replays sample by sample with seed 1/len(batch): the floats of ``batch_loss`` and
    ``backward()``, bit for bit (backward visits the samples' subgraphs one after another). ``"batch"``
    replays the whole batch at once on NumPy arrays (equal to about 1e-12).

    >>> from nn import MLP, half_squared_error
    >>> net = MLP(1, [1], activations="linear", weights=[[[2.0]]], biases=[[0.0]])
    >>> run = compiled_batch_loss(net, half_squared_error, [[1.0], [3.0]], [0.0, 0.0])
    >>> run([0, 1]), net.layers[0].neurons[0].w[0].grad   # means of ½(w·x)² and of d/dw = w·x²
    (10.0, 10.0)
    """
    from autograd import trace

    if mode not in (True, "batch"):
        raise ValueError(f"fit: compiled must be False, True, 'batch' or 'matrix', got {mode!r}")
    rows, n_inputs, as_list = _compiled_rows(x, y)

    def sample_loss(*values: Any) -> Value:
        target = list(values[n_inputs:]) if as_list else values[n_inputs]
        return loss(_single(model(list(values[:n_inputs]))), target)

    parameters = model.parameters() if hasattr(model, "parameters") else None
    step = trace(sample_loss, params=parameters)
    if mode == "batch":
        np = numpy_for("fit(compiled='batch')")
        table = np.array(rows, dtype=float)

        def run_batch(indices: Sequence[int]) -> float:
            chosen = table[list(indices)]
            return math.fsum(step(*chosen.T.copy(), seed=1.0 / len(indices))) / len(indices)
        return run_batch

    def run(indices: Sequence[int]) -> float:
        seed = 1.0 / len(indices)
        return math.fsum([step(*rows[i], seed=seed) for i in indices]) / len(indices)
    return run


def _compiled_rows(x: Sequence[Any], y: Sequence[Any]) -> tuple[list[list[float]], int, bool]:
    """The samples for a compiled fit as rows of floats (the inputs, then the target or targets), each
    number refused as ``Value(x)`` refuses it (str, bool, complex, NaN, inf), naming the sample; also
    the number of inputs, and whether the targets are lists (one number per output)."""
    from autograd.engine.value import as_float

    numpy = sys.modules.get("numpy")  # arrays can only come from a numpy that is already imported
    sequences = (list, tuple) if numpy is None else (list, tuple, numpy.ndarray)

    def numbers(item: Any, i: int, what: str) -> list[float] | None:
        """The numbers of a list or 1-D array; None for one number."""
        if numpy is not None and isinstance(item, numpy.ndarray) and item.ndim != 1:
            raise TypeError(f"fit: sample {i}: {what} must be a number or a 1-D list of numbers, "
                            f"got a {item.ndim}-d array")
        if not isinstance(item, sequences):
            return None
        return [as_float(v, f"fit: sample {i}, {what} {k}") for k, v in enumerate(item)]

    rows: list[list[float]] = []
    first_x = first_y = None
    for i, (xi, yi) in enumerate(zip(x, y)):
        inputs = numbers(xi, i, "input")
        if inputs is None:
            raise TypeError(f"fit: sample {i}: the inputs must be a list or a 1-D array of numbers, "
                            f"got {type(xi).__name__} {xi!r}")
        targets = numbers(yi, i, "target")
        if targets is None:
            targets = [as_float(yi, f"fit: sample {i}, target")]
            shape = None
        else:
            shape = len(targets)
        if first_x is None:
            first_x, first_y = len(inputs), shape
        elif len(inputs) != first_x:
            raise ValueError(f"fit: sample {i} has {len(inputs)} inputs, sample 0 has {first_x}")
        elif shape != first_y:
            shown = "one number" if shape is None else f"{shape} targets"
            first = "one number" if first_y is None else f"{first_y} targets"
            raise ValueError(f"fit: sample {i} has {shown} as its target, sample 0 has {first}")
        rows.append([*inputs, *targets])
    return rows, first_x or 0, first_y is not None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
