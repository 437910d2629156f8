"""Every message says what to do (issue 18): each mistake a learner makes once, through the public
API, with the exact text chainrule prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import Value, draw, step_through
from autograd.examples import three_two_one
from nn import MLP, SGD, mean

ROOT = Path(__file__).resolve().parent.parent


def test_an_mlps_list_output_says_use_out_0():
    net = MLP(3, [2, 1], activations="sigmoid", rng=0)
    out = net([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 1
    with pytest.raises(AttributeError) as raised:
        out.backward()
    assert str(raised.value) == ("'list' object has no attribute 'backward': net(x) returns a list of "
                                 "Values, one per output neuron (1 here); use out[0].backward()")
    with pytest.raises(AttributeError, match=r"use out\[0\]\.data$"):
        out.data  # noqa: B018
    with pytest.raises(TypeError) as raised:
        out - 1.0
    assert str(raised.value) == ("unsupported operand type(s) for -: 'list' and 'float': net(x) returns a "
                                 "list of Values, one per output neuron (1 here); use out[0]")
    several = MLP(3, [2], activations="sigmoid", rng=0)([1.0, 2.0, 3.0])
    with pytest.raises(AttributeError) as raised:
        several.grad  # noqa: B018
    assert str(raised.value).endswith("(2 here); use out[k].grad for output k (0 to 1), or first combine "
                                      "them into one loss Value (nn.mean, nn.softmax_cross_entropy)")
    with pytest.raises(AttributeError, match=r"^'list' object has no attribute 'nonsense'$"):
        out.nonsense  # noqa: B018
    assert out + [1] == [out[0], 1]  # noqa: RUF005 (still a list: + concatenates)


def test_a_batch_or_a_bare_number_passed_to_an_mlp_says_how_to_call_it():
    net = MLP(3, [2, 1], activations="sigmoid", rng=0)
    with pytest.raises(ValueError) as raised:
        net([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert str(raised.value) == (
        "MLP(3 -> [2 sigmoid, 1 sigmoid], fused) takes one sample, a list of 3 numbers, but got a batch of "
        "2 samples (a list of lists). Call it once per sample, [net(x) for x in xs], or train on the whole "
        "batch with fit(net, loss, xs, ys, optimizer, batch_size=...) or trace(...)'s batch form "
        "(docs/static_graphs.md).")
    one = MLP(1, [1], activations="linear", rng=0)
    with pytest.raises(TypeError) as raised:
        one(2.0)
    assert str(raised.value) == ("MLP(1 -> [1 linear], fused) takes one sample, a list of 1 number, but "
                                 "got float 2.0: wrap it in a list, net([2.0])")
    with pytest.raises(TypeError, match=r"a list of 3 numbers, but got int 2: wrap it in a list, "
                                        r"net\(\[x0, x1, \.\.\.\]\)"):
        net(2)


def test_a_hand_written_loop_that_diverges_is_told_to_lower_the_learning_rate():
    net = MLP(1, [1], activations="linear", weights=[[[1.0]]], biases=[[0.0]])
    xs, ys = [[1.2e154], [1.3e154]], [0.0, 0.0]  # each squared error is finite, their sum is not
    with pytest.raises(OverflowError) as raised:
        mean([(net(x)[0] - y) * (net(x)[0] - y) for x, y in zip(xs, ys)])
    assert str(raised.value).startswith("mean: sum a_i with a=[")
    assert str(raised.value).endswith(
        "overflows the float range (about +/-1.8e308); in a training loop, a loss this large usually means "
        "the weights have grown too large: try a smaller learning rate (or, if it happens before the first "
        "update, smaller inputs or initial weights)")
    w = Value(1e300, "w")
    w.grad = 1e300
    with pytest.raises(ValueError) as raised:
        w.data -= 1e10 * w.grad
    assert str(raised.value) == ("Value.data must be finite, got -inf (if it came from a parameter update, "
                                 "p.data -= lr * p.grad, the step overflowed: try a smaller learning rate)")
    with pytest.raises(OverflowError, match=r"lower the learning rate$"):
        SGD([w], lr=1e10).step()


def test_names_globals_picks_the_values_out_of_a_namespace():
    net = three_two_one()
    namespace = {"W2": [net.W2[0], net.W2[1]], "b2": net.b2, "C": net.C, "np": None, "lr": 0.1,
                 "__name__": "__main__", "_": net.b2}
    stepper = step_through(net.C, names=namespace, live=False)
    assert stepper.names[net.W2[1]] == "W2[1]" and stepper.names[net.b2] == "b2"
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    names = dict(globals(), a=a, b=b, c=c)  # as names=globals() in a script: other entries ignored
    assert repr(next(step_through(c, names=names))) == (
        "step 1/1  c = a*b: dc/da += b × dc/dc = -3 × 1 = -3\n"
        "                   dc/db += a × dc/dc = 2 × 1 = 2")


def test_the_render_command_names_the_root_after_the_function(tmp_path):
    (tmp_path / "mymodel.py").write_text(
        "from autograd import Value\n\ndef loss():\n"
        "    w = Value(2.0, 'w')\n    return (w * 3.0 - 1.0) ** 2\n",
        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "autograd.cli", "mymodel.py:loss", "--table", "-o",
                           "g.svg"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "1/3  loss = t1 ** 2   (upstream dloss/dloss = 1)" in done.stdout
    assert "  dloss/dw = 30" in done.stdout and "dL/d" not in done.stdout


def test_mnist_book_with_a_missing_folder_prints_one_line(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, str(ROOT / "demos" / "mnist_book.py"), str(tmp_path / "nope")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"mnist_book: no folder {str(tmp_path / 'nope')!r}; give the folder that holds MNIST's four files "
        f"(run without a folder to see their names)"]


def test_draw_refuses_a_number_as_highlight_and_names_the_value():
    x = Value(3.0, "x")
    y = x * 2.0
    y.label = "y"
    with pytest.raises(TypeError) as raised:
        draw(y, highlight=[3.0])
    assert str(raised.value) == ("draw(highlight=...): 3.0 is a float, not a Value: highlight takes the "
                                 "Values themselves (the Value with data 3.0 is x: highlight=[x])")
    with pytest.raises(TypeError, match=r"draw\(highlight=\.\.\.\): Value\(data=1\.0, grad=0\.0\) is not "
                                        r"in this graph"):
        draw(y, highlight=[Value(1.0)])
    draw(y, highlight=x)  # one Value is fine


@pytest.mark.parametrize("encoding", ["gbk", "cp1252"])
def test_exception_text_is_console_safe(encoding, tmp_path):
    code = ("from autograd import Value, total\n"
            "try:\n    Value(1.0) - Value(1e308) * 10.0\nexcept OverflowError as e:\n    print(e)\n"
            "total([Value(1e308), Value(1e308)])\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                          timeout=60, check=False)
    err = done.stderr.decode(encoding)
    assert done.stdout.decode(encoding).strip() == ("a*c with a=1e+308, c=10.0: the result (inf) overflows "
                                                    "the float range (about +/-1.8e308)")
    assert err.strip().splitlines()[-1] == ("OverflowError: sum a_i with a=[1e+308, 1e+308]: the sum "
                                            "overflows the float range (about +/-1.8e308)")
    assert "\\u" not in err and "\\x" not in err


def test_fit_in_a_kernel_without_ipywidgets_falls_back_quietly(tmp_path):
    code = '''import sys, types, warnings
ipython = types.ModuleType("IPython")
class ZMQInteractiveShell:
    config = {"IPKernelApp": {}}
ipython.get_ipython = lambda: ZMQInteractiveShell()
sys.modules.update({"IPython": ipython, "ipywidgets": None, "ipykernel": types.ModuleType("ipykernel"),
                    "ipykernel.zmqshell": types.ModuleType("ipykernel.zmqshell")})
from nn import MLP, SGD, fit, squared_error
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    net = MLP(1, [1], activations="linear", rng=0)
    fit(net, squared_error, [[1.0], [2.0]], [2.0, 4.0], SGD(net.parameters(), lr=0.01), epochs=3)
print([f"{w.category.__name__}: {w.message}" for w in caught])
'''
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    assert "TqdmWarning" not in done.stderr and "IProgress" not in done.stderr


def test_see_backprop_without_a_folder_writes_only_into_a_named_folder(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, str(ROOT / "demos" / "see_backprop.py")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == ("(no folder given: writing into see_backprop_output/; "
                                           "python demos/see_backprop.py FOLDER picks one)")
    assert [p.name for p in tmp_path.iterdir()] == ["see_backprop_output"]
    assert len(list((tmp_path / "see_backprop_output").iterdir())) == 8
