"""Every file chainrule writes goes through one atomic writer (autograd/atomic_file.py) with one
set of rules: special files refused, only your own symlinks followed, the permissions open() would
give, one-line errors naming the path given; plus ``-o -``, a user's sys.exit() in
chainrule-render, lone surrogates in player labels and build_site.py without the docs extra."""

from __future__ import annotations

import ast
import contextlib
import errno
import importlib.util
import io
import os
import re
import socket
import stat
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from autograd import Value, draw, player
from autograd.atomic_file import WriteError, check_writable, write_file
from autograd.cli import load_value, main
from nn import MLP
from nn.mnist import write_idx

ROOT = Path(__file__).resolve().parent.parent
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes, owners, FIFOs are POSIX")
as_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                             reason="making files owned by another user needs root")
OTHER_UID = 4242  # a user that owns nothing here: links and files chowned to it are "someone else's"


def small_value() -> Value:
    x = Value(0.5, "x")
    y = (x * 3).tanh()
    y.label = "y"
    y.backward()
    return y


class CliError(Exception):
    """chainrule-render returned non-zero; the text is what it printed on stderr."""


def cli(*args: str) -> None:
    """chainrule-render in this process; a non-zero status raises ``CliError`` with its stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    if status:
        text = err.getvalue()
        assert len(text.strip().splitlines()) == 1, text  # one line, always
        raise CliError(text.strip())


WRITERS: dict[str, Callable[[str], object]] = {
    "Module.save": lambda path: MLP(2, [2, 1], activations=["tanh", "linear"], rng=0).save(path),
    "Graph.save": lambda path: draw(small_value()).save(path),
    "player": lambda path: player(small_value(), path),
    "write_idx": lambda path: write_idx(np.arange(6, dtype=np.uint8).reshape(2, 3), path),
    "render -o": lambda path: cli("-o", path),
    "render --player": lambda path: cli("-o", "picture.svg", "--player", path),
}
"""Every way chainrule writes a file, each given a path that ends in .svg (which all accept)."""
ERRORS = (OSError, CliError)


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Work in an empty folder with short relative paths (a socket's path must be short)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def make_special(kind: str, path: str) -> Callable[[int], bool]:
    """Make a FIFO, character device (a copy of /dev/null) or socket at ``path``; its S_IS test."""
    if kind == "fifo":
        os.mkfifo(path)
        return stat.S_ISFIFO
    if kind == "device":
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device node needs CAP_MKNOD")
        return stat.S_ISCHR
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.close()  # the socket file stays
    return stat.S_ISSOCK


# --- special files ------------------------------------------------------------------------------

@posix_only
@pytest.mark.parametrize("kind, shown", [("fifo", "a FIFO (named pipe)"), ("device", "a character device"),
                                         ("socket", "a socket")])
@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_special_file_at_the_target_is_refused_and_left_as_it_was(here, writer, kind, shown):
    is_kind = make_special(kind, "target.svg")
    before = os.lstat("target.svg")
    with pytest.raises(ERRORS) as error:
        WRITERS[writer]("target.svg")
    assert f"cannot write target.svg: it is {shown}, not a regular file" in str(error.value)
    after = os.lstat("target.svg")
    assert is_kind(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert sorted(os.listdir()) == ["target.svg"]  # no picture, no temporary file


@posix_only
def test_render_as_root_never_replaces_a_device_given_as_player(here):
    """The reported bug: as root, --player aimed at a device node replaced it with a regular file."""
    make_special("device", "null")
    done = subprocess.run([sys.executable, "-m", "autograd.cli", "-o", "g.svg", "--player", "null"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == ("chainrule-render: --player: cannot write null: it is a character "
                                   "device, not a regular file (a save replaces the file whole)")
    assert stat.S_ISCHR(os.lstat("null").st_mode) and sorted(os.listdir()) == ["null"]


def test_dash_o_dash_writes_the_svg_to_standard_output_and_nothing_else(here):
    done = subprocess.run([sys.executable, "-m", "autograd.cli", "-o", "-", "--table"],
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    svg = ET.fromstring(done.stdout)  # the whole of stdout is one SVG document
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"wrote the SVG to standard output: the 3-2-1 network" in done.stderr
    assert b"dC/dC" in done.stderr or b"dC" in done.stderr  # --table goes to stderr too
    assert os.listdir() == []
    Path("noisy.py").write_text("from autograd import Value\nprint('hello')\nx = Value(1.0, 'x') * 2\n",
                                encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "autograd.cli", "noisy.py:x", "-o", "-"],
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and done.stdout.startswith(b"<?xml") and b"hello" in done.stderr
    done = subprocess.run([sys.executable, "-m", "autograd.cli", "--player", "-"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and "--player -: only the picture goes to standard output" in done.stderr
    assert os.listdir() == ["noisy.py"]


# --- symbolic links -------------------------------------------------------------------------------

@posix_only
@pytest.mark.parametrize("writer", list(WRITERS))
def test_your_own_link_to_a_regular_file_is_written_through(here, writer):
    Path("real.svg").write_text("old")
    os.symlink("real.svg", "link.svg")
    os.symlink("link.svg", "chain.svg")  # a chain of your own links is followed to its end
    WRITERS[writer]("chain.svg")
    assert os.path.islink("link.svg") and os.path.islink("chain.svg")
    assert Path("real.svg").read_bytes() != b"old" and Path("real.svg").stat().st_size > 0


@posix_only
@as_root
@pytest.mark.parametrize("writer", list(WRITERS))
def test_someone_elses_link_in_a_shared_folder_is_refused(here, writer):
    """protected_symlinks: in /tmp, open() refuses to follow another user's link; so does save()."""
    shared = Path("shared")
    shared.mkdir()
    shared.chmod(0o1777)  # world-writable and sticky, like /tmp
    victim = Path("victim.svg")
    victim.write_text("precious")
    os.symlink(os.path.abspath(victim), "shared/out.svg")
    os.lchown("shared/out.svg", OTHER_UID, OTHER_UID)
    with pytest.raises(ERRORS) as error:
        WRITERS[writer]("shared/out.svg")
    assert (f"cannot write shared/out.svg: it is a symbolic link owned by another user (uid {OTHER_UID})"
            in str(error.value))
    assert victim.read_text() == "precious" and os.path.islink("shared/out.svg")
    assert os.listdir("shared") == ["out.svg"]


@posix_only
@as_root
def test_a_chain_is_refused_when_any_link_in_it_is_someone_elses(here):
    Path("real.txt").write_text("old")
    os.symlink("real.txt", "theirs.txt")
    os.lchown("theirs.txt", OTHER_UID, OTHER_UID)
    os.symlink("theirs.txt", "mine.txt")
    with pytest.raises(PermissionError, match=r"theirs\.txt is a symbolic link owned by another user"):
        write_file("mine.txt", b"new", "save")
    assert Path("real.txt").read_text() == "old"


@posix_only
def test_links_that_end_nowhere_at_a_folder_at_a_fifo_or_in_a_loop_are_refused(here):
    os.symlink("missing.txt", "dangling.txt")
    with pytest.raises(FileNotFoundError, match=r"dangling\.txt: it is a symbolic link to \./missing\.txt|"
                                                r"dangling\.txt: it is a symbolic link to missing\.txt, "
                                                r"which does not exist"):
        write_file("dangling.txt", b"x", "save")
    assert not os.path.exists("missing.txt")
    os.mkdir("folder")
    os.symlink("folder", "to_folder")
    with pytest.raises(IsADirectoryError, match="it is a symbolic link to folder, which is a folder"):
        write_file("to_folder", b"x", "save")
    os.mkfifo("pipe")
    os.symlink("pipe", "to_pipe")
    with pytest.raises(OSError, match="symbolic link to pipe, which is a FIFO"):
        write_file("to_pipe", b"x", "save")
    assert stat.S_ISFIFO(os.lstat("pipe").st_mode)
    os.symlink("loop_b", "loop_a")
    os.symlink("loop_a", "loop_b")
    with pytest.raises(OSError, match="symbolic links in a chain") as error:
        write_file("loop_a", b"x", "save")
    assert error.value.errno == errno.ELOOP
    assert sorted(os.listdir()) == ["dangling.txt", "folder", "loop_a", "loop_b", "pipe", "to_folder",
                                    "to_pipe"]


# --- permissions and owners -------------------------------------------------------------------------

@posix_only
@pytest.mark.parametrize("writer", list(WRITERS))
def test_permissions_are_those_open_would_give(here, writer):
    old = os.umask(0o027)
    try:
        WRITERS[writer]("new.svg")
        with open("by_open.svg", "w"):
            pass
        assert stat.S_IMODE(os.stat("new.svg").st_mode) == stat.S_IMODE(os.stat("by_open.svg").st_mode) \
            == 0o640
        os.chmod("new.svg", 0o604)
        WRITERS[writer]("new.svg")  # open(path, "w") keeps an existing file's mode
        assert stat.S_IMODE(os.stat("new.svg").st_mode) == 0o604
    finally:
        os.umask(old)


@posix_only
@as_root
def test_root_saving_a_users_file_keeps_its_owner_and_group(here):
    Path("theirs.json").write_text("{}")
    os.chown("theirs.json", OTHER_UID, OTHER_UID)
    os.chmod("theirs.json", 0o4640)  # a set-user-id bit is cleared, as writing to the file clears it
    WRITERS["Module.save"]("theirs.json")
    info = os.stat("theirs.json")
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (OTHER_UID, OTHER_UID, 0o640)


# --- errors name the path given ----------------------------------------------------------------------

@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG, errno.EIO])
def test_a_write_error_names_the_path_given_in_one_line_and_keeps_the_old_file(here, monkeypatch, writer,
                                                                                code):
    Path("target.svg").write_text("old")
    real_write = os.write

    def failing(handle, data):
        if os.readlink(f"/proc/self/fd/{handle}").rsplit("/", 1)[-1].startswith(".target.svg.chainrule-tmp"):
            raise OSError(code, os.strerror(code))
        return real_write(handle, data)

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to tell the temporary file from others")
    monkeypatch.setattr(os, "write", failing)
    with pytest.raises(ERRORS) as error:
        WRITERS[writer]("target.svg")
    text = str(error.value)
    assert "\n" not in text and "chainrule-tmp" not in text
    assert f"cannot write target.svg: {os.strerror(code)} (the old file is as it was)" in text
    if isinstance(error.value, OSError):
        assert isinstance(error.value, WriteError)
        assert (error.value.errno, error.value.filename) == (code, "target.svg")
    assert Path("target.svg").read_text() == "old"
    assert [name for name in os.listdir() if "chainrule-tmp" in name] == []


@posix_only
def test_a_file_size_limit_gives_a_one_line_error_naming_the_path(here):
    """RLIMIT_FSIZE makes write() fail with EFBIG (Python ignores SIGXFSZ): a real 'file too large'."""
    resource = pytest.importorskip("resource")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-m", "autograd.cli", "-o", "big.svg"], capture_output=True,
                          text=True, env=env, preexec_fn=limit)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == "chainrule-render: -o: cannot write big.svg: File too large"
    child = textwrap.dedent("""
        from nn import MLP
        try:
            MLP(4, [40, 1], activations=["tanh", "linear"], rng=0).save("net.json")  # about 9 KB of JSON
        except OSError as error:
            print(type(error).__name__, error.errno, error.filename, "|", error)
    """)
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, env=env,
                          preexec_fn=limit)
    assert done.stdout.strip() == (f"WriteError {errno.EFBIG} net.json | MLP.save: cannot write net.json: "
                                   f"File too large")
    assert os.listdir() == []


def test_a_missing_folder_or_a_folder_is_a_one_line_error_of_the_usual_kind(here):
    with pytest.raises(FileNotFoundError) as error:
        write_file("nodir/x.txt", b"x", "save")
    assert str(error.value) == "save: cannot write nodir/x.txt: the folder nodir does not exist"
    assert (error.value.errno, error.value.filename) == (errno.ENOENT, "nodir/x.txt")
    Path("file").write_text("")
    with pytest.raises(NotADirectoryError, match=r"cannot write file/x\.txt: file is a file, not a folder"):
        check_writable("file/x.txt", "save")
    for folder in (".", "..", str(here)):
        with pytest.raises(IsADirectoryError, match="it is a folder; give a file name inside it"):
            write_file(folder, b"x", "save")


# --- stale temporary files and the single writer ---------------------------------------------------------

@posix_only
@pytest.mark.parametrize("writer", list(WRITERS))
def test_temporary_files_of_dead_processes_are_removed_by_every_writer(here, writer):
    host = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32] or "host"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    stale = f".target.svg.chainrule-tmp-{host}-{dead}-0badc0de"
    live = f".target.svg.chainrule-tmp-{host}-{os.getpid()}-0badc0de"  # ours: a save in progress
    other = f".other.svg.chainrule-tmp-{host}-{dead}-0badc0de"
    for name in (stale, live, other):
        Path(name).write_text("partial")
    WRITERS[writer]("target.svg")
    kept = sorted(name for name in os.listdir() if name != "picture.svg")
    assert kept == sorted(["target.svg", live, other])


def test_the_project_has_one_atomic_writer_and_it_imports_nothing_of_chainrule():
    sources = [p for folder in ("autograd", "nn") for p in (ROOT / folder).rglob("*.py")]
    renames = [p.relative_to(ROOT).as_posix() for p in sources if "os.replace(" in p.read_text("utf-8")]
    assert renames == ["autograd/atomic_file.py"]
    direct = [p.relative_to(ROOT).as_posix() for p in sources
              if re.search(r"\.write_bytes\(|\.write_text\(|savefig\((target|path)\b", p.read_text("utf-8"))]
    assert direct == []
    tree = ast.parse((ROOT / "autograd" / "atomic_file.py").read_text("utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}
    assert not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree))
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


# --- chainrule-render: a user's sys.exit() -------------------------------------------------------------

def test_a_function_that_calls_sys_exit_is_reported_in_one_line(here):
    Path("model.py").write_text("import sys\n\ndef fn():\n    sys.exit(3)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "autograd.cli", "model.py:fn"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("chainrule-render: model.py:fn: calling it ended with sys.exit(3) (model.py, "
                           "line 4), so there is no Value to draw\n")
    assert sorted(os.listdir()) == ["model.py"]
    Path("zero.py").write_text("import sys\nfn = lambda: sys.exit()\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"zero\.py:fn: calling it ended with sys\.exit\(None\)"):
        load_value("zero.py:fn")


# --- player: a lone surrogate in a label ------------------------------------------------------------------

def test_a_label_with_a_lone_surrogate_is_shown_escaped_as_draw_shows_it(here):
    y = Value(2.0, "a\ud800b") * 3
    y.label = "y\udfff"
    path = player(y, "p.html", title="t\ud800")
    page = path.read_bytes().decode("utf-8")  # strict UTF-8: no surrogate reached the file
    assert "a\\ud800b" in page and "y\\udfff" in page and "t\\ud800" in page
    inline = player(y)
    inline._repr_html_().encode("utf-8")  # a notebook can send it
    assert "a\\ud800b" in draw(y).svg()  # the picture shows it the same way


# --- docs/build_site.py without the docs extra ---------------------------------------------------------

@pytest.mark.parametrize("hidden", [["sphinx"], ["myst_parser", "furo"]])
def test_build_site_without_the_docs_extra_says_what_to_install_in_one_line(tmp_path, hidden):
    hide = "; ".join(f"sys.modules[{name!r}] = None" for name in hidden)
    code = (f"import runpy, sys; {hide}; sys.argv = ['docs/build_site.py', {str(tmp_path / 'out')!r}]; "
            f"runpy.run_path('docs/build_site.py', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    missing = [name for name in ("sphinx", "myst_parser", "furo")  # hidden, or not installed here
               if name in hidden or importlib.util.find_spec(name) is None]
    packages = [{"myst_parser": "myst-parser"}.get(name, name) for name in missing]
    verb = "is" if len(packages) == 1 else "are"
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (f"build_site.py: {' and '.join(packages)} {verb} not installed; install the "
                           f'docs extra from the clone: {sys.executable} -m pip install ".[docs]"\n')
    assert not (tmp_path / "out").exists()


def test_a_path_with_a_line_break_is_shown_escaped_so_the_error_stays_one_line(here):
    with pytest.raises(FileNotFoundError) as error:
        write_file("no\ndir/x.txt", b"x", "save")
    assert str(error.value) == "save: cannot write 'no\\ndir/x.txt': the folder 'no\\ndir' does not exist"
    assert error.value.filename == "no\ndir/x.txt"
