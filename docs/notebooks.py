"""Every learning-path page as a Jupyter notebook, made from the page itself (issue 22, part 3).

The pages are Markdown whose ``>>>`` examples run as doctests. ``page_notebook`` reads a page with
jupytext (its Markdown format: prose becomes Markdown cells, each fenced block a code cell) and
turns each doctest block into code cells without the prompts: a cell ends at each example that
shows output, so every cell's output is one example's expected output, kept in the cell's metadata
(``chainrule.want``) for tests/test_notebooks.py to compare with what the cell prints when the
notebook runs. Shell blocks (``sh``, ``powershell``) stay Markdown: a notebook must not install
anything. Links to other learning-path pages point to their notebooks.

As a Sphinx extension (docs/conf.py lists it) it writes ``notebooks/PAGE.ipynb`` into the built site
and puts a download link at the top of each of those pages; ``python docs/notebooks.py OUTDIR``
writes the notebooks alone.

>>> [page for page in learning_path()][:3]
['getting_started', 'quadratic_descent', 'chain_rule_one_neuron']
"""

from __future__ import annotations

import doctest
import html
import re
import sys
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
EXTRA_PAGES = ("hand_worked_321", "iris_221")
"""Pages offered as notebooks besides the learning path: the hand-worked 3-2-1 and iris examples."""

FOLDER = "notebooks"
"""The notebooks' folder in the built site (each edition has its own)."""

_SHELL_MAGIC = re.compile(r"\A%%(\w+)\n")
_PAGE_LINK = re.compile(r"\]\(([a-z0-9_]+)\.md(#[^)]*)?\)")

_TEXT = {
    "en": {"note": "*This notebook is made from the chainrule page “{title}”; run it top to bottom "
                   "with chainrule installed (`pip install .` in a clone of the repository). Every "
                   "cell prints what the page shows.*",
           "link": "Download this page as a Jupyter notebook"},
    "zh_CN": {"note": "*本笔记本由 chainrule 的页面“{title}”生成；装好 chainrule（在仓库的克隆中运行 "
                      "`pip install .`）后从上到下运行，每个单元格的输出与页面上的相同。*",
              "link": "下载本页的 Jupyter 笔记本"},
}


def learning_path(docs: Path = DOCS) -> list[str]:
    """The pages of the index's "Learning path" table of contents, then ``EXTRA_PAGES`` not in it."""
    index = (docs / "index.md").read_text(encoding="utf-8")
    block = re.search(r"```\{toctree\}\n:caption: Learning path\n(.*?)```", index, re.S)
    if block is None:
        raise ValueError(f"{docs / 'index.md'}: no toctree with ':caption: Learning path'")
    pages = [line.strip() for line in block.group(1).splitlines()
             if line.strip() and not line.startswith(":")]
    return pages + [page for page in EXTRA_PAGES if page not in pages]


def notebook_pages(language: str = "en") -> list[Path]:
    """The page files that become notebooks: the English ones, or those translated into ``language``."""
    folder = DOCS if language == "en" else DOCS / language
    return [folder / f"{page}.md" for page in learning_path() if (folder / f"{page}.md").is_file()]


def _want(example: doctest.Example) -> dict[str, Any]:
    return {"want": example.want, "exc_msg": example.exc_msg}


def _code_cells(source: str, name: str) -> list[Any]:
    """One doctest block as code cells: the examples' sources, a cell ending at each shown output."""
    import nbformat

    examples = doctest.DocTestParser().get_examples(source, name)
    cells, pending = [], []
    for example in examples:
        if example.options.get(doctest.SKIP):
            raise ValueError(f"{name}: a skipped example (+SKIP) cannot be a notebook cell: "
                             f"{example.source.strip()!r}")
        pending.append(example)
        if example.want or example.exc_msg:
            cells.append(pending)
            pending = []
    if pending:
        cells.append(pending)
    out = []
    for group in cells:
        last = group[-1]
        cell = nbformat.v4.new_code_cell("".join(e.source for e in group).rstrip("\n"))
        cell.metadata["chainrule"] = _want(last)
        if last.exc_msg is not None:
            cell.metadata["tags"] = ["raises-exception"]  # Jupyter's tag: the error is the lesson
        out.append(cell)
    return out


_PICTURE = re.compile(r"!\[([^\]]*)\]\(([^)\s:]+\.(svg|png))\)")
_PICTURE_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def _with_pictures(markdown: str, folder: Path) -> Any:
    """A Markdown cell whose pictures (``![alt](assets/x.svg)``) travel inside it as attachments."""
    import base64

    import nbformat

    attachments = {}

    def attach(match: re.Match[str]) -> str:
        path = (folder / match.group(2)).resolve()
        if not path.is_file():
            return match.group(0)
        attachments[path.name] = {_PICTURE_TYPES[match.group(3)]:
                                  base64.b64encode(path.read_bytes()).decode("ascii")}
        return f"![{match.group(1)}](attachment:{path.name})"

    cell = nbformat.v4.new_markdown_cell(_PICTURE.sub(attach, markdown))
    if attachments:
        cell.attachments = attachments
    return cell


def page_notebook(page: Path, language: str = "en") -> Any:
    """The notebook of the Markdown page ``page`` (an ``nbformat`` notebook, version 4).

    >>> import pytest; _ = pytest.importorskip("jupytext")   # the docs extra (skipped without it)
    >>> nb = page_notebook(DOCS / "getting_started.md")
    >>> first = next(c for c in nb.cells if c.cell_type == "code")
    >>> print(first.source)
    import autograd, nn
    autograd.__distribution__
    >>> first.metadata["chainrule"]["want"]
    "'chainrule'\\n"
    """
    import jupytext
    import nbformat

    text = page.read_text(encoding="utf-8")
    source = jupytext.reads(text, fmt="md")
    title = re.search(r"^# (.+)$", text, re.M)
    paths = set(learning_path())
    cells = []
    for cell in source.cells:
        if cell.cell_type == "markdown":
            markdown = _PAGE_LINK.sub(lambda m: f"]({m.group(1)}.ipynb{m.group(2) or ''})"
                                      if m.group(1) in paths else m.group(0), cell.source)
            cells.append(_with_pictures(markdown, page.parent))
        elif cell.cell_type != "code":
            continue
        elif cell.source.lstrip().startswith(">>>"):
            cells += _code_cells(cell.source + "\n", f"{page.name}, cell {len(cells)}")
        else:  # a shell command, or code the page shows but does not run: shown, not run
            magic = _SHELL_MAGIC.match(cell.source)
            language_name = magic.group(1) if magic else "python"
            body = cell.source[magic.end():] if magic else cell.source
            cells.append(nbformat.v4.new_markdown_cell(f"```{language_name}\n{body.rstrip()}\n```"))
    note = _TEXT[language]["note"].format(title=title.group(1) if title else page.stem)
    if cells and cells[0].cell_type == "markdown":
        cells.insert(1, nbformat.v4.new_markdown_cell(note))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.metadata["chainrule"] = {"page": page.relative_to(DOCS).as_posix()}
    return notebook


def write_notebooks(outdir: Path, language: str = "en") -> list[Path]:
    """Write the notebook of every page in ``language`` into ``outdir``; returns their paths."""
    import nbformat

    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for page in notebook_pages(language):
        path = outdir / f"{page.stem}.ipynb"
        nbformat.write(page_notebook(page, language), str(path))
        written.append(path)
    return written


# --- the Sphinx extension -------------------------------------------------------------------
def _language(app: Any) -> str:
    return "zh_CN" if (app.config.language or "en").startswith("zh") else "en"


def _write_site_notebooks(app: Any, exception: Exception | None) -> None:
    """After an HTML build: the notebooks into OUTDIR/notebooks/."""
    if exception is None and app.builder.format == "html":
        write_notebooks(Path(app.outdir) / FOLDER, _language(app))


def _download_link(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """A download link at the top of each page that has a notebook."""
    if doctree is None or "body" not in context:
        return
    language = _language(app)
    if pagename not in {page.stem for page in notebook_pages(language)}:
        return
    up = "../" * pagename.count("/")
    href = f"{up}{FOLDER}/{pagename}.ipynb"
    link = (f'<p class="chainrule-notebook"><a class="reference external" href="{html.escape(href)}" '
            f'download="{html.escape(pagename)}.ipynb">{_TEXT[language]["link"]} '
            f'({pagename}.ipynb)</a></p>\n')
    context["body"] = link + context["body"]


def setup(app: Any) -> dict[str, Any]:
    """Sphinx: write the notebooks and link them from their pages."""
    app.connect("html-page-context", _download_link)
    app.connect("build-finished", _write_site_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(FOLDER)
    for language in ("en", "zh_CN"):
        folder = target if language == "en" else target / language
        for path in write_notebooks(folder, language):
            print(f"wrote {path}")
