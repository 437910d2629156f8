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
from types import ModuleType

__all__ = ["FIX", "check_autograd", "wrong_autograd_message"]

FIX = ("Fix it in a fresh virtual environment (python -m venv .venv, then install chainrule there), "
       "or reinstall both cleanly: python -m pip uninstall -y autograd chainrule && "
       "python -m pip install chainrule")
"""The exact fix (the same words as autograd.installation.FIX, which cannot be imported here)."""


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
    return f"chainrule's nn needs chainrule's autograd, but {what}. {FIX}"


def check_autograd() -> None:
    """Import ``autograd`` and raise ImportError, saying what happened and the fix, if it is foreign."""
    module = importlib.import_module("autograd")
    message = wrong_autograd_message(module)
    if message is not None:
        raise ImportError(message)
