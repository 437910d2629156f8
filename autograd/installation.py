"""Checks that ``import autograd`` and ``import nn`` found chainrule's own packages.

chainrule's import names are ``autograd`` and ``nn``. HIPS autograd (a popular package) also
installs into ``site-packages/autograd/``, so installing one after the other mixes their files
in one folder and breaks one of them without a word; uninstalling HIPS autograd afterwards
deletes chainrule's ``autograd/__init__.py``. A student's own ``nn.py`` beside a script
shadows chainrule's ``nn``. These checks turn those silent breakages into a message that says
what happened and how to fix it. (``nn`` checks the ``autograd`` it imported in the same way,
in ``nn/installation.py``, since a foreign ``autograd`` cannot be asked to check itself.)

>>> foreign_files(Path(__file__).parent)
[]
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

__all__ = ["InstallationWarning", "fix", "foreign_files", "numpy_for", "shadowing_nn"]

HIPS_FILES = ("differential_operators.py", "tracer.py", "wrap_util.py", "numpy")
"""Files and folders of HIPS autograd that chainrule's autograd folder never has."""



def fix() -> str:
    """The exact fix, shown in every message about a mixed install (the same as ``nn``'s).

    It is written once, in ``nn/installation.py``, which imports nothing of chainrule (``nn``
    cannot trust the ``autograd`` it finds); it is loaded here from its file, beside this folder,
    since ``import nn`` may find a student's ``nn.py`` instead.

    >>> "pip install chainrule" not in fix() and "-m pip uninstall -y autograd chainrule" in fix()
    True
    """
    path = Path(__file__).resolve().parent.parent / "nn" / "installation.py"
    spec = importlib.util.spec_from_file_location("_chainrule_nn_installation", path)
    if spec is None or spec.loader is None or not path.is_file():
        return ("Fix it by reinstalling chainrule from its source folder: python -m pip uninstall -y "
                "autograd chainrule, then python -m pip install . in your chainrule clone.")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fix()


class InstallationWarning(UserWarning):
    """chainrule works, but its install is mixed with another package's files or shadowed."""


def foreign_files(folder: Path) -> list[str]:
    """The HIPS autograd files found in chainrule's ``autograd`` folder ``folder`` (none: ``[]``).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()); (folder / "tracer.py").touch()
    >>> foreign_files(folder)
    ['tracer.py']
    """
    return [name for name in HIPS_FILES if (folder / name).exists()]


def mixed_folder_message(folder: Path, found: list[str]) -> str:
    """What a folder holding both chainrule's and HIPS autograd's files means, and the fix."""
    return (f"chainrule's autograd package at {folder} also holds files of another package named "
            f"autograd (HIPS autograd: {', '.join(found)}). Both install into the same folder, so "
            f"each overwrites the other: HIPS autograd no longer works here, and uninstalling it "
            f"would delete chainrule's autograd/__init__.py. {fix()}")


def shadowing_nn(autograd_folder: Path) -> Path | None:
    """The file or folder that ``import nn`` would load instead of chainrule's ``nn``, if any.

    chainrule's ``nn`` sits beside its ``autograd`` (both in site-packages, or both in a
    source checkout). A student's ``nn.py`` in the script's folder comes first on ``sys.path``.

    >>> shadowing_nn(Path(__file__).parent) is None
    True
    """
    try:
        spec = importlib.util.find_spec("nn")
    except (ImportError, ValueError):  # a broken or half-imported nn: let its own import say why
        return None
    if spec is None:
        return None
    ours = (autograd_folder.parent / "nn").resolve()
    if spec.submodule_search_locations:
        found = Path(next(iter(spec.submodule_search_locations)))
    elif spec.origin:
        found = Path(spec.origin)
    else:
        return None
    return None if found.resolve() == ours else found


def shadowing_message(found: Path) -> str:
    """What a shadowing ``nn`` means, and the fix."""
    return (f"'import nn' will load {found}, not chainrule's nn package: a file or folder named nn "
            f"in your script's folder (or earlier on sys.path) shadows it. If you meant chainrule's "
            f"nn (MLP, SGD, fit, ...), rename yours, e.g. to my_nn.py.")


def check(autograd_folder: Path) -> None:
    """Warn (InstallationWarning) about HIPS autograd files in ``autograd_folder`` and a shadowed nn.

    Run by ``import autograd``; chainrule works in both cases, so these are warnings, not errors.
    """
    import warnings

    found = foreign_files(autograd_folder)
    if found:
        warnings.warn(InstallationWarning(mixed_folder_message(autograd_folder, found)), stacklevel=3)
    shadow = shadowing_nn(autograd_folder)
    if shadow is not None:
        warnings.warn(InstallationWarning(shadowing_message(shadow)), stacklevel=3)


def numpy_for(what: str) -> ModuleType:
    """numpy, imported when ``what`` first needs it; without numpy, an error naming ``what``.

    chainrule's engine, views and networks run without numpy (in a browser, under Pyodide, there is
    none); only the batch replay, the layer view and the MNIST and digits loaders use it, and they
    import it through here so that its absence is explained where it matters.

    >>> numpy_for("the layer view").__name__
    'numpy'
    """
    try:
        import numpy
    except ImportError:
        raise ModuleNotFoundError(f"{what} needs numpy, which is not installed here (chainrule's "
                                  f"Values, nn's networks and training on lists do not): "
                                  f"python -m pip install numpy", name="numpy") from None
    return numpy
