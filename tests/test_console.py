"""Every demo and ``chainrule-render --table`` run on any console: GBK, cp1252, UTF-8 (issue 9 §4).

Each runs in a subprocess with ``PYTHONIOENCODING`` set, as a Chinese Windows console redirected
to a file would; it must exit 0 and print lines of at most 100 columns. The console policy
(autograd/text.py) says more: a stream that is not UTF gets plain ASCII, and no stream ever gets
U+2212 (a student copies lines back into Python). ``CHAINRULE_FAST=1`` keeps the slow demos quick.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autograd import Value, rules_table, step_through
from autograd.examples import three_two_one
from autograd.text import Table, display_width, echo, for_stream

pytestmark = pytest.mark.native("subprocesses and threads")

ROOT = Path(__file__).resolve().parent.parent
DEMOS = sorted(p.stem for p in (ROOT / "demos").glob("*.py"))
ENCODINGS = ("gbk", "cp1252", "utf-8")


COLUMNS = {"gbk": None, "cp1252": 80, "utf-8": None}
"""The terminal width each encoding's runs are given ($COLUMNS): cp1252's at 80 columns, the others
with none known (100)."""


def _run(args: list[str], encoding: str, cwd: Path) -> tuple[subprocess.CompletedProcess, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update({"PYTHONIOENCODING": encoding, "CHAINRULE_FAST": "1", "PYTHONPATH": str(ROOT),
                "PYTHONUTF8": "0", "CHAINRULE_NO_PLOTS": "1"})  # pictures: tests/test_plots.py
    if COLUMNS[encoding] is not None:
        env["COLUMNS"] = str(COLUMNS[encoding])
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, timeout=120,
                          check=False)
    return done, done.stdout.decode(encoding)  # strict: what was written must be in the encoding


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[tuple[str, str], tuple[subprocess.CompletedProcess, str]]:
    """Every demo and the render command under every encoding, two at a time (two cores)."""
    jobs = {}
    for encoding in ENCODINGS:
        for name in DEMOS:
            folder = tmp_path_factory.mktemp(f"{name}_{encoding}")
            args = [str(ROOT / "demos" / f"{name}.py")] + ([str(folder)] if name == "see_backprop" else [])
            jobs[(name, encoding)] = (args, encoding, folder)
        folder = tmp_path_factory.mktemp(f"render_{encoding}")
        jobs[("render", encoding)] = (["-m", "autograd.cli", "--table", "-o", "g.svg"], encoding, folder)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(_run, *job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", [*DEMOS, "render"])
def test_runs_and_fits_the_terminal_width(runs, name, encoding):
    done, out = runs[(name, encoding)]
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert out.strip(), f"{name} printed nothing"
    width = COLUMNS[encoding] or 100
    long = [line for line in out.splitlines() if display_width(line) > width]
    assert not long, f"{name} under {encoding}: {len(long)} lines over {width} columns, e.g. {long[0]!r}"
    assert "\u2212" not in out  # U+2212 MINUS SIGN: not Python; printed text uses '-'
    if encoding != "utf-8":
        assert out.isascii(), f"{name} under {encoding}: {sorted(set(c for c in out if not c.isascii()))}"


def test_the_table_under_gbk_is_ascii_and_its_equations_are_python(runs):
    _, out = runs[("render", "gbk")]  # the fine-grained 3-2-1 graph: 21 steps
    assert "2/21  err = a2 - 1   (upstream dC/derr = -0.822203)" in out
    assert "  dC/dz2 += sigma'(z2) * dC/da2            0.242097     -0.199053  0 -> -0.199053" in out
    equations = re.findall(r"^\d+/\d+  (.+?)   \(upstream", out, flags=re.MULTILINE)
    assert len(equations) == 21
    for equation in equations:  # 'err = a2 - 1', 't2 = W2[0]*a1[0]', 'C = err ** 2': all Python
        compile(equation, "<a line of the table>", "exec")
    _, utf8 = runs[("render", "utf-8")]
    assert "  dC/dz2 += sigma'(z2) × dC/da2            0.242097     -0.199053  0 → -0.199053" in utf8
    for name in DEMOS:  # the same numbers whatever the console
        gbk, utf = runs[(name, "gbk")][1], runs[(name, "utf-8")][1]
        number = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")
        if name not in ("iris_221", "iris_222_onehot", "leaky_relu_regression", "gradcheck_iris",
                        "replay_iris", "digits"):
            assert number.findall(gbk) == number.findall(utf), name  # (the others print timings)


def test_echo_never_raises_and_spells_symbols_for_the_stream():
    spelled = "0 -> 2 * 3 - 1 sigma 0.5*\n"
    for encoding, expected in (("utf-8", "0 → 2 × 3 − 1 σ ½\n"), ("gbk", spelled), ("cp1252", spelled),
                               ("ascii", spelled)):
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding=encoding)
        echo("0 → 2 × 3 − 1 σ ½", file=stream)
        stream.flush()
        assert raw.getvalue().decode(encoding) == expected, encoding
    assert for_stream("名字 x", encoding="cp1252") == "?? x"  # anything else unencodable: '?'
    assert for_stream("名字 x", encoding="gbk") == "名字 x"     # a Chinese label survives GBK


def test_step_and_table_follow_the_console_they_are_printed_on(monkeypatch):
    stepper = step_through(three_two_one().C)
    steps = list(stepper)
    table = stepper.table()
    rich_step, rich_table = repr(steps[2]), str(table)
    assert "×" in rich_step and "→" in rich_table
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="gbk"))
    assert repr(steps[2]) == ("step 3/21  a2 = sigmoid(z2): dC/dz2 += sigma'(z2) * dC/da2 = "
                              "0.242097 * -0.822203 = -0.199053")
    assert str(table).isascii() and repr(table) == str(table)
    assert str(rules_table()).isascii() and "d(a - b)/db = -1" in str(rules_table())
    assert max(map(len, str(rules_table()).splitlines())) <= 100


def test_rules_table_is_a_table_that_keeps_the_maths_symbols_in_full():
    table = rules_table()
    assert isinstance(table, Table)
    full = table.render(width=None)
    assert "sigmoid             σ(a)              dσ(a)/da = σ(a)·(1 − σ(a))" in full
    assert max(map(len, str(table).splitlines())) <= 100
    assert "<td" in table._repr_html_() and "σ(a)·(1 − σ(a))" in table._repr_html_()


def test_a_long_name_is_wrapped_not_cut():
    x = Value(1.0, "an_input_with_a_name_far_too_long_for_any_table_" * 3)
    y = x * 2.0
    text = str(step_through(y, live=False).table())
    assert max(map(len, text.splitlines())) <= 100
    assert "far_too_long" in text


def test_chinese_labels_keep_the_columns_aligned_and_survive_gbk(monkeypatch):
    from autograd.text import display_width

    table = Table(("name", "grad"), [("损失", "1"), ("x", "-2.5")], numeric=(1,))
    lines = table.render().splitlines()
    assert lines == ["name  grad", "----  ----", "损失     1", "x     -2.5"]
    assert {display_width(line) for line in lines} == {10}
    x = Value(2.0, "输入")
    y = x * 3.0
    y.label = "损失"
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="gbk"))
    assert "d损失/d输入 += 3 * d损失/d损失" in str(step_through(y).table())
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="cp1252"))
    assert "d??/d?? += 3 * d??/d??" in str(step_through(y, live=False).table())  # never a crash


def _in_a_pseudo_terminal(args: list[str], columns: int, cwd: Path) -> str:
    """What ``python args`` prints on a real terminal ``columns`` wide (a pseudo-terminal, no $COLUMNS)."""
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update({"PYTHONIOENCODING": "utf-8", "CHAINRULE_FAST": "1", "PYTHONPATH": str(ROOT),
                "CHAINRULE_NO_PLOTS": "1"})
    process = subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side closed: the program has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=300) == 0, process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.skipif(os.name == "nt", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("name", ["hand_worked_321", "layer_view", "gradcheck_iris"])
def test_a_demo_on_an_80_column_terminal_fits_it(name, tmp_path):
    out = _in_a_pseudo_terminal([str(ROOT / "demos" / f"{name}.py")], 80, tmp_path)
    lines = out.splitlines()
    assert len(lines) > 20
    long = [line for line in lines if display_width(line) > 80]
    assert not long, f"{name}: {len(long)} lines over 80 columns, e.g. {long[0]!r}"
    wide = _in_a_pseudo_terminal([str(ROOT / "demos" / f"{name}.py")], 100, tmp_path)
    assert max(map(display_width, wide.splitlines())) > 80  # the width is the terminal's, not fixed
    number = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")
    if name != "gradcheck_iris":  # (it prints timings)
        assert number.findall(out) == number.findall(wide)  # wrapped at spaces: no number split


def test_tables_and_steps_follow_the_console_width(monkeypatch):
    stepper = step_through(three_two_one().C, live=False).run()
    monkeypatch.setenv("COLUMNS", "80")
    text = str(stepper.table())
    assert max(map(display_width, text.splitlines())) <= 80
    assert max(map(display_width, repr(stepper.steps[-1]).splitlines())) <= 80
    monkeypatch.setenv("COLUMNS", "100")
    assert max(map(display_width, str(stepper.table()).splitlines())) > 80
    monkeypatch.setenv("COLUMNS", "300")  # never wider than 100
    assert max(map(display_width, str(stepper.table()).splitlines())) <= 100
