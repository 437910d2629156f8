"""Build the documentation site, English and Chinese, with warnings as errors: one command.

    python docs/build_site.py            # into docs/_build/html (open index.html from file://)
    python docs/build_site.py OUTDIR     # somewhere else

The English pages are docs/*.md; the Chinese edition is the separate source tree docs/zh_CN/,
built with the same settings (docs/conf.py) into OUTDIR/zh_CN. Exits non-zero on any warning.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
DOCS_EXTRA = {"sphinx": "sphinx", "myst_parser": "myst-parser", "furo": "furo"}
"""The modules the site needs, each with its package in chainrule's ``docs`` extra."""


def missing_extra() -> str | None:
    """One line saying what to install when a package of the ``docs`` extra is missing, else None.

    The command installs the extra from this clone, with the Python that runs this script.
    """
    missing = [package for module, package in DOCS_EXTRA.items() if importlib.util.find_spec(module) is None]
    if not missing:
        return None
    try:
        clone = os.path.relpath(DOCS.parent)  # "." when run from the clone, as the README says
    except ValueError:  # another drive (Windows)
        clone = str(DOCS.parent)
    if clone.startswith(".."):
        clone = str(DOCS.parent)
    verb = "is" if len(missing) == 1 else "are"
    return (f"build_site.py: {' and '.join(missing)} {verb} not installed; install the docs extra from "
            f'the clone: {sys.executable} -m pip install "{clone}[docs]"')


def sphinx_arguments(outdir: Path) -> list[list[str]]:
    """The two sphinx-build argument lists: English into ``outdir``, Chinese into ``outdir/zh_CN``.

    >>> [args[-2:] for args in sphinx_arguments(Path("out"))] == [
    ...     [str(DOCS), "out"], [str(DOCS / "zh_CN"), str(Path("out") / "zh_CN")]]
    True
    """
    common = ["-W", "--keep-going", "-q", "-b", "html", "-c", str(DOCS)]
    doctrees = outdir.parent / "doctrees"  # Sphinx's cache, kept out of the site itself
    return [[*common, "-d", str(doctrees / "en"), str(DOCS), str(outdir)],
            [*common, "-d", str(doctrees / "zh_CN"), "-D", "language=zh_CN", str(DOCS / "zh_CN"),
             str(outdir / "zh_CN")]]


def build(outdir: Path) -> int:
    """Run both builds; 0 when both succeed without a warning."""
    from sphinx.cmd.build import build_main

    for args in sphinx_arguments(outdir):
        status = build_main(args)
        if status:
            return status
    return 0


# --- the "try it" page (issue 22): web/build_try.py writes OUTDIR/try, or says why it skipped -----
def build_try_page(outdir: Path) -> str:
    """Build the try page into ``outdir/try`` (web/build_try.py); its one-line report.

    Without web/node_modules (``npm ci`` in web/) the report says the page was skipped and how to get it.
    """
    spec = importlib.util.spec_from_file_location("build_try", DOCS.parent / "web" / "build_try.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build(outdir)
# --- end of the try page ---------------------------------------------------------------------------


if __name__ == "__main__":
    problem = missing_extra()
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(1)
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS / "_build" / "html"
    code = build(target)
    if code == 0:
        print(f"built {target / 'index.html'} and {target / 'zh_CN' / 'index.html'}")
        print(build_try_page(target))  # the try page (issue 22)
    sys.exit(code)
