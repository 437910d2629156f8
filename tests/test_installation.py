"""Installing next to HIPS autograd, or beside a student's own nn.py (issue 9 §5).

Each test copies chainrule's two packages into a temporary site folder, damages it the way a
real install sequence does, and imports in a fresh interpreter that finds that folder first.
Where the damage is a missing ``autograd/__init__.py``, Python's own site-packages is left out
(``-S``): a folder without ``__init__.py`` is only a namespace package, and an intact installed
chainrule there would be imported instead (as it is on CI, where chainrule is installed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIX = "python -m pip uninstall -y autograd chainrule && python -m pip install chainrule"
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
