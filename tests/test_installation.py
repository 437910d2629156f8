"""Installing next to HIPS autograd, or beside a student's own nn.py (issue 9 §5).

Each test copies chainrule's two packages into a temporary site folder, damages it the way a
real install sequence does, and imports in a fresh interpreter that finds that folder first.
Where the damage is a missing ``autograd/__init__.py``, Python's own site-packages is left out
(``-S``): a folder without ``__init__.py`` is only a namespace package, and an intact installed
chainrule there would be imported instead (as it is on CI, where chainrule is installed).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIX = f"{sys.executable} -m pip uninstall -y autograd chainrule && {sys.executable} -m pip install "
"""The start of the printed fix: this interpreter's pip, then chainrule's source folder (or ``.``)."""
HIPS_INIT = '"""A stand-in for HIPS autograd\'s __init__.py."""\nfrom .differential_operators import grad\n'
HIPS_MODULE = "def grad(fun):\n    return fun\n"


@pytest.fixture
def site(tmp_path):
    """A site folder holding copies of chainrule's autograd and nn."""
    folder = tmp_path / "site"
    for package in ("autograd", "nn"):
        shutil.copytree(ROOT / package, folder / package, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def run(code: str, site: Path, cwd: Path, site_packages: bool = True) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh Python that looks in ``cwd`` (as for a script), then ``site``, then,
    unless ``site_packages`` is False, in the installed packages."""
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONIOENCODING": "utf-8"}
    flags = [] if site_packages else ["-S"]
    return subprocess.run([sys.executable, *flags, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def install_hips_over(site: Path) -> None:
    """What `pip install autograd` does after chainrule: its __init__.py and modules land in ours."""
    (site / "autograd" / "__init__.py").write_text(HIPS_INIT, encoding="utf-8")
    (site / "autograd" / "differential_operators.py").write_text(HIPS_MODULE, encoding="utf-8")
    (site / "autograd" / "tracer.py").write_text("", encoding="utf-8")


def test_a_clean_copy_imports_silently(site, tmp_path):
    done = run("import warnings; warnings.simplefilter('error'); import nn, autograd; print('ok')",
               site, tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_nn_names_hips_autograd_over_chainrule_and_the_fix(site, tmp_path):
    install_hips_over(site)
    done = run("import nn", site, tmp_path)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: chainrule's nn needs chainrule's autograd")
    assert "another package named autograd" in last and "HIPS autograd" in last
    assert str(site / "autograd" / "__init__.py") in last and FIX in last and "fresh virtual" in last


def test_nn_names_a_deleted_init_and_the_fix(site, tmp_path):
    # chainrule installed over HIPS autograd, then HIPS uninstalled: our __init__.py went with it
    (site / "autograd" / "__init__.py").unlink()
    done = run("import nn", site, tmp_path, site_packages=False)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert "has no __init__.py" in last and "pip uninstall autograd" in last and FIX in last
    assert "pip install chainrule" not in last  # no such distribution on a package index


def test_chainrule_over_hips_files_works_and_warns(site, tmp_path):
    # HIPS autograd installed first, chainrule after: our __init__.py won, their modules stayed
    (site / "autograd" / "differential_operators.py").write_text(HIPS_MODULE, encoding="utf-8")
    (site / "autograd" / "numpy").mkdir()
    done = run("from autograd import Value; print((Value(2.0) * 3).data)", site, tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "6.0"
    assert "InstallationWarning" in done.stderr and "HIPS autograd" in done.stderr
    assert "differential_operators.py, numpy" in done.stderr and FIX in done.stderr


def test_a_students_nn_py_beside_the_script_is_named(site, tmp_path):
    (tmp_path / "nn.py").write_text("# the student's own network\n", encoding="utf-8")
    done = run("import autograd", site, tmp_path)  # -c puts the working folder first, as a script's does
    assert done.returncode == 0
    assert "InstallationWarning" in done.stderr and str(tmp_path / "nn.py") in done.stderr
    assert "rename yours" in done.stderr


def test_the_printed_fix_is_a_command_for_an_install_from_the_source_folder():
    from autograd.installation import fix

    text = fix()
    assert "pip install chainrule" not in text and "chainrule[" not in text
    python = sys.executable
    assert f"{python} -m pip uninstall -y autograd chainrule && {python} -m pip install " in text
    assert "(the Quickstart's command)" in text and "fresh virtual environment" in text


HIPS_PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "autograd"
version = "1.7.0"

[tool.setuptools]
packages = ["autograd"]
"""


def _pip(python: Path, *args: str, env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run([str(python), "-m", "pip", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _import_nn(python: Path, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    code = "import nn, autograd; print(autograd.__distribution__, autograd.__file__)"
    return subprocess.run([str(python), "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _printed_fix(stderr: str) -> str:
    """The command the ImportError tells the student to run."""
    found = re.search(r"source folder: (.+?) \(the Quickstart's command\)", stderr)
    assert found, stderr
    return found.group(1)


@pytest.mark.skipif(os.name == "nt", reason="the borrowed packages are symlinked")
def test_the_printed_fix_repairs_a_real_damaged_environment(tmp_path):
    """A real virtual environment, chainrule installed from a source folder with pip, then broken the
    two ways HIPS autograd breaks it; the command the ImportError prints, run as printed, repairs it.

    Offline: pip reads PIP_NO_INDEX, PIP_NO_DEPS and PIP_NO_BUILD_ISOLATION from the environment, and
    the packages chainrule needs (numpy, setuptools, ...) come from this interpreter's site-packages
    (without its own chainrule) through a .pth file, which puts them after the environment's own.
    """
    setuptools = pytest.importorskip("setuptools", reason="the offline build borrows its setuptools")
    if int(setuptools.__version__.split(".")[0]) < 68:  # older ones need the wheel package to build
        pytest.skip(f"setuptools {setuptools.__version__} is older than the test extra's setuptools>=68")
    source = tmp_path / "chainrule"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("autograd", "nn"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    hips = tmp_path / "hips"
    (hips / "autograd").mkdir(parents=True)
    (hips / "pyproject.toml").write_text(HIPS_PYPROJECT, encoding="utf-8")
    (hips / "autograd" / "__init__.py").write_text(HIPS_INIT, encoding="utf-8")
    (hips / "autograd" / "differential_operators.py").write_text(HIPS_MODULE, encoding="utf-8")
    (hips / "autograd" / "tracer.py").write_text("", encoding="utf-8")

    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = Path(subprocess.run([str(python), "-c", where], capture_output=True, text=True,
                                        check=True).stdout.strip())
    borrowed = tmp_path / "borrowed"  # this interpreter's packages, but not its autograd, nn or chainrule
    borrowed.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        ours = entry.name.split("-")[0] in ("autograd", "nn", "chainrule")
        if not ours and not entry.name.endswith(".pth"):
            (borrowed / entry.name).symlink_to(entry)
    (site_packages / "zz_borrowed.pth").write_text(f"{borrowed}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PIP_NO_INDEX="1", PIP_NO_DEPS="1", PIP_NO_BUILD_ISOLATION="0",
               PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONIOENCODING="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    if subprocess.run([str(python), "-m", "pip", "show", "-q", "setuptools"], env=env, capture_output=True,
                      check=False).returncode == 0:
        _pip(python, "uninstall", "-y", "setuptools", env=env, cwd=work)  # Python 3.11's old one: ours builds

    def repaired() -> None:
        """Run the printed fix in a shell, as printed; then chainrule's nn and autograd import again."""
        broken = _import_nn(python, env, work)
        assert broken.returncode == 1
        assert "ImportError: chainrule's nn needs chainrule's autograd" in broken.stderr
        command = _printed_fix(broken.stderr)
        assert command == (f"{python} -m pip uninstall -y autograd chainrule && "
                           f"{python} -m pip install {source}")
        done = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True, text=True,
                              timeout=600, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        fixed = _import_nn(python, env, work)
        assert fixed.returncode == 0, fixed.stderr
        assert fixed.stdout.startswith("chainrule ") and str(site_packages) in fixed.stdout

    _pip(python, "install", str(source), env=env, cwd=work)
    assert _import_nn(python, env, work).returncode == 0
    _pip(python, "install", str(hips), env=env, cwd=work)       # HIPS over chainrule: its __init__ wins
    repaired()
    _pip(python, "install", "--force-reinstall", str(hips), env=env, cwd=work)
    _pip(python, "install", "--force-reinstall", str(source), env=env, cwd=work)
    _pip(python, "uninstall", "-y", "autograd", env=env, cwd=work)   # takes chainrule's __init__ too
    repaired()
