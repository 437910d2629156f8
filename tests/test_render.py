"""Saving pictures and the ``chainrule-render`` command: real files of the named format, written
whole or not at all, one-line errors instead of tracebacks, and a user's own Value drawn by name."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import Value, draw
from autograd.cli import main
from autograd.views.render import find_renderer

pytestmark = pytest.mark.native("a Graphviz program and umask")

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
PNG = b"\x89PNG\r\n\x1a\n"
PURE = find_renderer().name.startswith("graphviz-pure")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m autograd.cli ARGS`` as a user runs it, with this worktree's autograd."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "autograd.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, check=False)


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode in (1, 2), (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule-render: "), done.stderr
    return lines[0]


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg.encode("utf-8")).iter(f"{SVG}text")]


# --- Graph.save ---------------------------------------------------------------------------------

def graph():
    x = Value(2.0, "x")
    y = x * x
    y.label = "y"
    y.backward()
    return draw(y)


def test_save_refuses_a_missing_folder_a_folder_and_an_unknown_suffix_naming_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"cannot write .*nodir/x\.svg: the folder .*nodir does not"):
        graph().save(tmp_path / "nodir" / "x.svg")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        graph().save(tmp_path)
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.jpg, \.jpeg, \.pdf, or \.dot"):
        graph().save(tmp_path / "x.txt")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not PURE, reason="a system Graphviz writes PDF")
def test_pdf_is_refused_clearly_by_graphviz_pure_and_the_old_file_is_kept(tmp_path):
    old = tmp_path / "g.pdf"
    old.write_bytes(b"%PDF old")
    with pytest.raises(Exception, match=r"cannot write PDF files; it writes \.svg, \.png and \.jpg"):
        graph().save(old)
    assert old.read_bytes() == b"%PDF old"
    assert [p.name for p in tmp_path.iterdir()] == ["g.pdf"]  # no temporary file left behind


def test_save_is_atomic_and_gives_the_permissions_open_would(tmp_path):
    old_umask = os.umask(0o022)
    try:
        path = graph().save(tmp_path / "g.png")
        assert path.read_bytes().startswith(PNG)
        assert path.stat().st_mode & 0o777 == 0o644
        path.chmod(0o640)
        graph().save(path)
        assert path.stat().st_mode & 0o777 == 0o640  # an existing file keeps its permissions
    finally:
        os.umask(old_umask)
    assert [p.name for p in tmp_path.iterdir()] == ["g.png"]


# --- chainrule-render: errors ---------------------------------------------------------------------

def test_unwritable_outputs_are_one_line_errors_and_nothing_is_written(tmp_path):
    line = one_line_error(run("-o", "nodir/x.svg", cwd=tmp_path))
    assert "nodir/x.svg" in line and "does not exist" in line
    line = one_line_error(run("-o", "x.svg", "--player", "nodir/p.html", cwd=tmp_path))
    assert "nodir/p.html" in line and "--player" in line
    line = one_line_error(run("-o", ".", cwd=tmp_path))
    assert "is a folder" in line
    line = one_line_error(run("-o", "x.txt", cwd=tmp_path))
    assert ".png" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not PURE, reason="a system Graphviz writes PDF")
def test_pdf_output_with_graphviz_pure_is_a_one_line_error_naming_what_works(tmp_path):
    line = one_line_error(run("-o", "out.pdf", cwd=tmp_path))
    assert "cannot write PDF files; it writes .svg, .png and .jpg" in line
    assert list(tmp_path.iterdir()) == []


def test_png_output_is_a_real_png(tmp_path):
    assert main(["-o", str(tmp_path / "out.png")]) == 0
    data = (tmp_path / "out.png").read_bytes()
    assert data.startswith(PNG) and b"<svg" not in data


# --- chainrule-render: the user's own Value --------------------------------------------------------

MODEL = textwrap.dedent("""
    from autograd import Value
    from autograd.examples import three_two_one
    x = Value(3.0, "x")
    loss = x * x + 1
    loss.label = "loss"
    number = 3
    net = three_two_one()

    def make():
        w = Value(0.5, "w")
        out = (w * 4).tanh()
        out.label = "out"
        return out

    def needs(a):
        return a
""")


@pytest.fixture
def model(tmp_path, monkeypatch):
    (tmp_path / "mymodel.py").write_text(MODEL, encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "model.py").write_text(MODEL, encoding="utf-8")
    (tmp_path / "bad.py").write_text("x = 1\nraise RuntimeError('boom')\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    return tmp_path


def test_a_value_from_a_file_is_drawn_after_its_backward_pass(model, capsys):
    assert main(["mymodel.py:loss", "-o", "loss.svg", "--table"]) == 0
    out = capsys.readouterr().out
    assert "wrote loss.svg: mymodel.py:loss (after root.backward()), 3 values, 2 backward steps" in out
    assert "dloss/dx = 6" in out  # d(x² + 1)/dx at x = 3
    shown = texts((model / "loss.svg").read_text(encoding="utf-8"))
    assert "loss" in shown and "grad 6" in shown


def test_a_function_a_module_and_a_dotted_name_work_too(model, capsys):
    assert main(["mymodel.py:make"]) == 0
    assert "tanh" in (model / "chainrule_make.svg").read_text(encoding="utf-8")
    assert main(["pkg.model:loss", "-o", "m.svg"]) == 0
    assert main([f"{model / 'mymodel.py'}:net.C", "-o", "c.png"]) == 0
    assert (model / "c.png").read_bytes().startswith(PNG)
    out = capsys.readouterr().out
    assert "wrote c.png" in out and "35 values, 21 backward steps" in out


@pytest.mark.parametrize(("spec", "words"), [
    ("mymodel.py", "FILE.py:NAME or MODULE:NAME"),
    ("mymodel.py:nothing", "mymodel.py has no name 'nothing' (its Values: x, loss)"),
    ("mymodel.py:net.D", "mymodel.py.net has no name 'D'"),
    ("mymodel.py:number", "is of type int, not a Value"),
    ("mymodel.py:needs", "calling it failed: TypeError"),
    ("missing.py:loss", "missing.py: no such file"),
    ("nosuchmodule:loss", "no module named 'nosuchmodule'"),
    ("bad.py:x", "importing bad.py failed: RuntimeError: boom (bad.py, line 2)"),
    ("__import__('os').system('touch pwned'):x", "no module named"),
])
def test_a_bad_name_is_a_one_line_error(model, spec, words):
    line = one_line_error(run(spec, cwd=model))
    assert words in line, line
    assert not (model / "pwned").exists()  # never evaluated
    assert not list(model.glob("*.svg"))
