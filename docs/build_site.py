"""Build the documentation site, English and Chinese, with warnings as errors: one command.

    python docs/build_site.py            # into docs/_build/html (open index.html from file://)
    python docs/build_site.py OUTDIR     # somewhere else

The English pages are docs/*.md; the Chinese edition is the separate source tree docs/zh_CN/,
built with the same settings (docs/conf.py) into OUTDIR/zh_CN. Exits non-zero on any warning.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent


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


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS / "_build" / "html"
    code = build(target)
    if code == 0:
        print(f"built {target / 'index.html'} and {target / 'zh_CN' / 'index.html'}")
    sys.exit(code)
