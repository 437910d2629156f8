"""Checks that the ``autograd`` that ``nn`` imports is chainrule's, before anything uses it.

HIPS autograd has the same import name as chainrule's engine and installs into the same
folder (see ``autograd/installation.py``). When its ``__init__.py`` has replaced chainrule's,
or uninstalling it deleted chainrule's, ``import nn`` stops here with what happened and the
exact fix, instead of a puzzling ``cannot import name 'Value'``. This module must not import
from ``autograd``: the autograd it finds may be the wrong one.

>>> check_autograd()      # chainrule's autograd: nothing to say
"""

from __future__ import annotations

import importlib
import json
import sys
from importlib import metadata
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlparse

__all__ = ["check_autograd", "fix", "source_folder", "wrong_autograd_message"]


def _quoted(path: str) -> str:
    """``path`` as one word on a command line (in double quotes when it holds a space)."""
    return f'"{path}"' if " " in path else path


def source_folder() -> Path | None:
    """The folder chainrule was installed from (``pip install .`` records it), if it still exists.

    chainrule is installed from its source (the README's Quickstart), not from a package index,
    so the fix for a broken install is to reinstall from that folder. None when pip did not
    record it (an editable or copied install) or the folder is gone.

    >>> source_folder() is None or (source_folder() / "pyproject.toml").exists()
    True
    """
    try:
        text = metadata.distribution("chainrule").read_text("direct_url.json")
    except (metadata.PackageNotFoundError, OSError):
        return None
    try:
        url = json.loads(text or "")["url"]
    except (ValueError, KeyError, TypeError):
        return None
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if sys.platform == "win32" and path.startswith("/") and path[2:3] == ":":
        path = path[1:]  # file:///C:/... is C:/...
    folder = Path(path)
    return folder if (folder / "pyproject.toml").is_file() else None


def fix() -> str:
    """The fix for a mixed install, as commands that work for an install from the source folder.

    chainrule is not on a package index, so the fix never names a distribution to download:
    it uninstalls both packages and reinstalls chainrule from its folder (the Quickstart's
    ``pip install .``), with this interpreter's pip; or a fresh virtual environment.

    >>> "pip uninstall -y autograd chainrule" in fix() and "pip install chainrule" not in fix()
    True
    """
    pip = f"{_quoted(sys.executable)} -m pip"
    folder = source_folder()
    undo = f"{pip} uninstall -y autograd chainrule"
    if folder is not None:
        reinstall = (f"Fix it by reinstalling chainrule from its source folder: {undo} && "
                     f"{pip} install {_quoted(str(folder))}")
    else:
        reinstall = (f"Fix it by reinstalling chainrule from its source folder: in your chainrule clone "
                     f"(the folder with pyproject.toml), run {undo} && {pip} install .")
    return (f"{reinstall} (the Quickstart's command). Or make a fresh virtual environment "
            f"(python -m venv .venv) and install chainrule there from its folder.")


def wrong_autograd_message(module: ModuleType) -> str | None:
    """Why ``module`` (what ``import autograd`` gave) is not chainrule's autograd, or None if it is.

    >>> import types
    >>> hips = types.ModuleType("autograd"); hips.__file__ = "site-packages/autograd/__init__.py"
    >>> print(wrong_autograd_message(hips))
    chainrule's nn needs chainrule's autograd, but 'import autograd' found another package ...
    """
    if getattr(module, "__distribution__", None) == "chainrule":
        return None
    file = getattr(module, "__file__", None)
    if file is None:  # a namespace package: the folder is there, its __init__.py is not
        places = ", ".join(getattr(module, "__path__", [])) or "site-packages"
        what = (f"the autograd folder ({places}) has no __init__.py: uninstalling HIPS autograd "
                f"(pip uninstall autograd) deletes chainrule's autograd/__init__.py when both were "
                f"installed into the same folder")
    else:
        what = (f"'import autograd' found another package named autograd ({file}), most likely HIPS "
                f"autograd, which installs into the same folder as chainrule's autograd and "
                f"overwrites its __init__.py")
    return f"chainrule's nn needs chainrule's autograd, but {what}. {fix()}"


def check_autograd() -> None:
    """Import ``autograd`` and raise ImportError, saying what happened and the fix, if it is foreign."""
    module = importlib.import_module("autograd")
    message = wrong_autograd_message(module)
    if message is not None:
        raise ImportError(message)
