"""Any label and any input name reaches a replayed program only as inert text, and nothing breaks.

Issue 17, part 2. Hostile labels (a line break followed by code, NUL, quotes, ``__import__``, 5000
characters, any script, terminal escapes, every name the program uses for itself) go on a parameter,
an inner node and the root, and through ``names=``; hostile input names are the traced function's
own argument names. For each: the payload that would create a marker file never runs (in ``trace``,
``source``, ``walk``, the batch program, ``Stepper.table()``), the numbers equal a fresh graph's
``backward()`` bit for bit, the source is printable ASCII within 100 columns holding no string
literal, and the label is there for a reader in a comment, escaped by the rule written out here
(not by the writer's own code).
"""

from __future__ import annotations

import builtins
import io
import keyword
import math
import re
import tokenize
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, step_through
from autograd.engine.fused import softmax_cross_entropy
from autograd.replay import codegen
from autograd.replay.trace import trace
from autograd.text import for_stream

MARKER = "PWNED"


def payload(folder) -> str:
    """A label that, run as Python after a line break, creates the marker file in ``folder``."""
    path = str(folder / MARKER)
    return f"w\n-0*len(str(__import__('pathlib').Path({path!r}).touch()))"


PROGRAM_OWN = sorted(codegen.PROGRAM_NAMES | {
    "forward_backward", "forward_backward_batch", "part_0", "part_1", "leaf_w", "leaf_v_1", "check",
    "check_2", "dL_dL", "dL_dw", "dL_dt1", "e_L", "q_L", "s_L", "z_L", "dot_L", "sum_dL_dw", "x_1",
    "v_1", "t_1", "L", "t1", "v1", "float", "type", "abs", "max", "len", "print", "__import__",
    "__builtins__", "math", "numpy", "np", "self", "Value"})

HOSTILE = [
    "w\n-0*len(str(__import__('os').getcwd()))", "x\x00y", "\x00", "'", '"', "'''", '"""', "\\",
    "a'b\"c", "__import__('os').system('true')", "w" * 5000, "权重", "😀", "e\u0301", "\ud800",
    "\x1b[2J", "\x1b]0;title\x07", "\r", "\r\n", "\t", "\u2028", "\u202e", "\x85", "\x7f", "# comment",
    "a # b", "a\\\nb", "layers.0.neurons.12.w.100", "W1[0][1]", "W1[0][1]" * 5, "a b", "1x", "",
    "import os", "lambda: 0", "True", "None", *keyword.kwlist, *PROGRAM_OWN,
    "w" * 24, "abcdefghijklmnopq[1][23]", "w" * 25,  # the longest names used as they are, and beyond
]


def comment_text(label: str, limit: int = 60) -> str:
    """How a program's comment shows ``label``, by the rule: control characters, line breaks, line
    separators and bidirectional controls as escapes, then everything non-ASCII as escapes, then cut."""
    out = []
    for ch in label.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "):
        code = ord(ch)
        if ch == "\n":
            out.append("\\n")
        elif (unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff\u2028\u2029\u061c"
              or 0x200E <= code <= 0x200F or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        elif code < 0x80:
            out.append(ch)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    text = "".join(out)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def fresh_graph(labels, x: float, y: float, values):
    """The function's graph built afresh from ``values`` (w, b), labelled like the traced one."""
    w, b = values
    inner = w * x + b
    inner.label = labels[1]
    out = (inner * y).tanh()
    out.label = labels[2]
    return out


def make_function(labels, argument_names, params):
    """f(<argument_names>) building the graph: its arguments carry the given (hostile) names."""
    first, second = argument_names
    namespace = {"build": lambda x, y: fresh_graph(labels, x, y, params)}
    exec(f"def f({first}, {second}):\n    return build({first}, {second})\n", namespace)
    return namespace["f"]


def check_source_is_inert(source: str, labels) -> None:
    assert source.isascii() and all(ch == "\n" or 32 <= ord(ch) < 127 for ch in source)
    assert all(len(line) <= 100 for line in source.splitlines()), max(source.splitlines(), key=len)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    assert not [t for t in tokens if t.type == tokenize.STRING]  # no user text as data either
    names = {t.string for t in tokens if t.type == tokenize.NAME}
    assert all(len(name) <= 70 for name in names)
    for label in labels:  # a label that is not used as a name is in a comment, escaped, for a reader
        if label and label not in names:
            comments = " ".join(t.string for t in tokens if t.type == tokenize.COMMENT)
            assert comment_text(label) in comments, (label, comments[:300])
    compile(source, "<check>", "exec")


def check_everything(labels, argument_names, tmp_path, named: bool = False) -> None:
    w, b = Value(0.75, labels[0]), Value(-0.25, "b")
    names = {w: labels[0]} if named else None
    if named:
        w.label = ""
    f = make_function(labels, argument_names, (w, b))
    step = trace(f, params=[w, b], names=names)
    samples = [(0.5, 2.0), (-1.5, 0.25), (3.0, -1.0)]
    for x, y in samples:
        w.grad = b.grad = 0.0
        loss = step(x, y)
        got = (loss, w.grad, b.grad)
        ref_w, ref_b = Value(0.75), Value(-0.25)
        ref = fresh_graph(labels, x, y, (ref_w, ref_b))
        ref.backward()
        assert [v.hex() for v in got] == [v.hex() for v in (ref.data, ref_w.grad, ref_b.grad)]
    check_source_is_inert(step.source, [label for label in labels if label])
    check_source_is_inert(step.batch_source, [label for label in labels if label])
    walk = step.walk(0.5, 2.0)
    shown = repr(walk)
    assert "\x1b" not in shown and "\x00" not in shown and "\r" not in shown
    values = [line.value for line in walk if line.value is not None]
    assert step(0.5, 2.0) in values  # the loss is one of the walked numbers
    # the batch form: the same losses as the samples one by one
    xs, ys = np.array([x for x, _ in samples]), np.array([y for _, y in samples])
    losses = step(xs, ys)
    assert [v.hex() for v in losses] == [step(x, y).hex() for x, y in samples]
    # the stepper's table of the traced graph, printed: no terminal control reaches the console
    table = step_through(step.graph, live=False).table()
    for text in (str(table), table.render(width=None), repr(step), for_stream(repr(step.graph))):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert not (tmp_path / MARKER).exists()


@pytest.mark.parametrize("label", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_label_on_every_kind_of_node(label, tmp_path):
    check_everything([label, label, label], ("x", "y"), tmp_path)


@pytest.mark.parametrize("label", ["w\n-0*len(str(__import__('pathlib').Path('X').touch()))", "x\x00",
                                   "layers.0.w", "seed", "\x1b[2J"])
def test_a_hostile_name_given_by_names(label, tmp_path):
    check_everything([label, "t", "L"], ("x", "y"), tmp_path, named=True)


def test_the_issue_s_payload_runs_nowhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    label = payload(tmp_path)
    check_everything([label, label + "\n" + label, label], ("x", "y"), tmp_path)
    assert not (tmp_path / MARKER).exists()


ARGUMENT_NAMES = [name for name in PROGRAM_OWN if name.isidentifier() and not keyword.iskeyword(name)]


@pytest.mark.parametrize("name", ARGUMENT_NAMES)
def test_every_program_name_as_an_argument_name(name, tmp_path):
    other = "y" if name != "y" else "x"
    check_everything(["w", "t", "L"], (name, other), tmp_path)
    check_everything([name, name, name], (name, other), tmp_path)


def test_two_arguments_named_like_the_program_and_the_labels_at_once(tmp_path):
    check_everything(["step", "seed", "extra"], ("seed", "step"), tmp_path)
    check_everything(["x_1", "x_2", "first_try"], ("first_try", "MISSING"), tmp_path)


def test_the_seed_keyword_is_the_step_s_own_even_with_an_input_named_seed():
    w = Value(2.0, "w")
    step = trace(lambda seed: w * seed, params=[w])
    assert step(3.0, seed=0.5) == 6.0 and w.grad == 1.5
    assert "# input x_1: seed" in step.source


def test_same_labels_on_different_nodes_get_different_names():
    ws = [Value(float(k + 1), "w") for k in range(3)]
    step = trace(lambda x: (ws[0] * x + ws[1] * x) * ws[2], params=ws)
    assert step(2.0) == (1 * 2 + 2 * 2) * 3.0
    assert [w.grad for w in ws] == [2.0 * 3, 2.0 * 3, 6.0]


def test_readable_labels_stay_names_and_others_are_named_in_comments():
    w = Value(0.5, "weight")
    v = Value(1.5, "layers.0.neurons.12.w.100")
    hidden = w * v
    hidden.label = "a1[0]"
    step = trace(lambda x: (hidden * x).sigmoid(), params=[w, v])
    step(1.0)
    source = step.source
    assert "weight = leaf_weight._data\n" in source
    assert "v_1 = leaf_v_1._data  # layers.0.neurons.12.w.100\n" in source
    assert "a1_0 = weight * v_1  # a1[0]\n" in source
    walk = repr(step.walk(1.0))
    assert "(layers.0.neurons.12.w.100)" in walk and "(a1[0])" in walk


def test_labels_are_escaped_in_the_stepper_table_and_steps():
    x = Value(2.0, "x\x1b[2J")
    y = x * x
    y.label = "y\nz"
    stepper = step_through(y, live=False).run()
    table = stepper.table()
    text = str(table)
    assert "\x1b" not in text and "x\\x1b[2J" in text and "y\\nz = " in text
    assert "\x1b" not in repr(stepper.steps[0]) and "x\\x1b[2J" in repr(stepper.steps[0])
    # header, rule, a row per edge (x * x: two), then a blank line, the heading and one leaf: each
    # label's line break is an escape, not a line of its own
    assert len(table.render(width=None).splitlines()) == 2 + 2 + 3
    assert "\x1b" not in repr(y) and "\x1b" not in repr(stepper)


@settings(max_examples=60, deadline=None)
@given(labels=st.lists(st.text(max_size=40) | st.sampled_from(HOSTILE), min_size=3, max_size=3),
       argument=st.sampled_from([*ARGUMENT_NAMES, "x", "y", "a", "b"]))
def test_any_label_text(labels, argument, tmp_path_factory):
    folder = tmp_path_factory.mktemp("labels")
    second = "q" if argument != "q" else "r"
    check_everything(labels, (argument, second), folder)


def test_nothing_in_builtins_or_the_keywords_is_a_program_variable():
    # names with a leading underscore are never made (a Namer refuses them), and other code may add
    # such names to builtins while the tests run (a notebook kernel adds __annotations__)
    for name in [*dir(builtins), *keyword.kwlist, *keyword.softkwlist]:
        assert name.startswith("_") or name in codegen.RESERVED
    assert codegen.Namer().readable("__import__", "t") == "t_1"
    names = codegen.Namer()
    assert names.readable("step", "t") == "t_1" and names.readable("t_1", "t") == "t_2"
    assert names.readable("w" * 24, "t") == "w" * 24 and names.readable("w" * 25, "t") == "t_3"
    assert math.isfinite(1.0)


def test_walk_runs_every_template_and_a_function_name_is_shown_escaped():
    """softmax cross-entropy's line holds a comprehension: walk runs it in the program's scope."""
    zs = [Value(0.5 * k, f"z[{k}]") for k in range(3)]

    def loss(x):
        return softmax_cross_entropy([z * x for z in zs], 1)

    loss.__name__ = "loss\x1b[2J\n"
    step = trace(loss, params=zs)
    value = step(2.0)
    walk = step.walk(2.0)
    assert [line.value for line in walk if line.name == "L"] == [value]
    assert "\x1b" not in repr(step) and "loss\\x1b[2J\\n" in repr(step)
    with pytest.raises(TypeError, match=r"loss\\x1b\[2J\\n\) takes 1 input"):
        step(1.0, 2.0)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "cp1252", "ascii"])
def test_console_text_never_carries_terminal_controls(encoding):
    from autograd.text import Table, visible_text

    text = for_stream("loss \x1b[2J\x1b]0;x\x07 = 1\r\n\x00 \ud800 → 2", encoding=encoding)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert "\\x1b[2J\\x1b]0;x\\x07 = 1\n\\x00 " in text  # written out, the line break kept
    table = Table(("name", "value"), [("w\x1b[2J\nx", "1")], notes=["note \x00"])
    shown = table.render(width=None)
    assert shown.splitlines()[2] == "w\\x1b[2J\\nx  1" and shown.splitlines()[-1] == "note \\x00"
    assert visible_text("a\u202eb", one_line=True) == "a\\u202eb" and visible_text("a\u202eb") == "a\u202eb"


def test_the_longest_readable_names_everywhere_keep_lines_within_100_columns(tmp_path):
    names = ["a" * 24, "b" * 24, "c" * 23 + "_", "r" * 24]
    check_everything([names[0], names[2], names[3]], ("x" * 24, "y" * 24), tmp_path)
    w, v = Value(0.5, names[0]), Value(1.5, names[1])

    def f(x):
        h = dot([w, v], [x, x], Value(0.1, "d" * 24), "sigmoid")
        h.label = names[2]
        out = (h * w).tanh()
        out.label = names[3]
        return out

    step = trace(f, params=[w, v])
    step(1.0)
    for source in (step.source, step.batch_source):
        check_source_is_inert(source, names)
        assert all(name in source for name in names)  # used as they are


@pytest.mark.parametrize("name", ["part_0", "part_1", "S", "seed", "dL_dL", "leaf_w", "x_1"])
def test_hostile_names_in_a_program_written_in_parts(name, tmp_path, monkeypatch):
    """A large program is split into functions part_0, part_1, ... sharing a list S: with a tiny
    CHUNK every small graph is, and neither a label nor an argument may take those names."""
    monkeypatch.setattr(codegen, "CHUNK", 4)
    check_everything([name, name, name], (name, "y"), tmp_path)
    check_everything([payload(tmp_path), name, "L"], ("x", name), tmp_path)
    w = Value(0.75, name)
    step = trace(make_function([name, name, name], (name, "y"), (w, Value(-0.25, "b"))), params=[w])
    step(0.5, 2.0)
    assert "def part_1(S):" in step.source or "def part_1_2(S):" in step.source
