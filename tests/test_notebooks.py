"""Every learning-path page as a notebook that runs top to bottom with the page's outputs (issue 22).

docs/notebooks.py makes each notebook from its page (jupytext reads the Markdown; each doctest
block becomes code cells). Here each notebook runs in a real Jupyter kernel (nbclient, ipykernel)
in an empty folder, and every code cell's output must match the output its page's doctest
expects, under the doctest rules the pages run with (NORMALIZE_WHITESPACE, ELLIPSIS). The site
build offers each notebook for download. Skipped without jupytext, nbclient or ipykernel.
"""

from __future__ import annotations

import doctest
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("jupytext")
pytest.importorskip("nbclient")
if importlib.util.find_spec("ipykernel") is None:  # not imported here: the kernel is a subprocess
    pytest.skip("ipykernel is not installed", allow_module_level=True)

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))
import notebooks  # noqa: E402  (docs/notebooks.py)

pytestmark = pytest.mark.native("a Jupyter kernel (a subprocess)")

FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
PAGES = [(language, page) for language in ("en", "zh_CN") for page in notebooks.notebook_pages(language)]


@pytest.fixture(autouse=True)
def _no_ipykernel_left_behind():
    """Starting a kernel imports ipykernel's kernelspec here; fit's progress bar takes ipykernel in
    sys.modules to mean "in a notebook", so the modules this test imported are forgotten after it."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name == "ipykernel" or name.startswith("ipykernel."):
            del sys.modules[name]


def cell_output(cell: nbformat.NotebookNode) -> tuple[str, str | None]:
    """What a run cell showed as doctest would see it: its printed text and its value's repr, and
    the exception line (``Type: message``) if it raised."""
    text, error = [], None
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stdout":
            text.append(output.text)
        elif output.output_type == "execute_result":
            text.append(output.data["text/plain"] + "\n")
        elif output.output_type == "error":
            error = f"{output.ename}: {output.evalue}\n"
    return "".join(text), error


def test_the_learning_path_and_the_extra_pages_are_offered():
    assert notebooks.learning_path() == ["getting_started", "quadratic_descent", "chain_rule_one_neuron",
                                         "hand_worked_321", "layer_view", "seeing_backprop",
                                         "training_loop", "higher_order", "iris_221"]
    chinese = [page.stem for page in notebooks.notebook_pages("zh_CN")]
    assert {"getting_started", "hand_worked_321", "seeing_backprop"} <= set(chinese)


def test_each_doctest_example_of_a_page_is_in_its_notebook_once():
    for _, page in PAGES:
        examples = doctest.DocTestParser().get_examples(page.read_text(encoding="utf-8"))
        nb = notebooks.page_notebook(page)
        code = "".join(cell.source + "\n" for cell in nb.cells if cell.cell_type == "code")
        assert code == "".join(example.source for example in examples), page.name
        shown = [cell.metadata["chainrule"]["want"] for cell in nb.cells if cell.cell_type == "code"]
        assert [w for w in shown if w] == [e.want for e in examples if e.want], page.name


def test_shell_commands_are_shown_not_run_and_links_point_to_notebooks():
    nb = notebooks.page_notebook(notebooks.DOCS / "getting_started.md")
    text = "".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert "```sh\npython3 -m venv .venv\n" in text and "```powershell\n" in text
    assert not any(cell.source.startswith("%%") for cell in nb.cells if cell.cell_type == "code")
    assert "(chain_rule_one_neuron.ipynb)" in text and "chain_rule_one_neuron.md" not in text


def test_pictures_travel_inside_the_notebook():
    nb = notebooks.page_notebook(notebooks.DOCS / "seeing_backprop.md")
    attached = {name for cell in nb.cells for name in cell.get("attachments", {})}
    assert "321_output.svg" in attached
    assert "](assets/" not in "".join(cell.source for cell in nb.cells)
    nbformat.validate(nb)


@pytest.mark.parametrize(("language", "page"), PAGES, ids=[f"{lang}/{p.stem}" for lang, p in PAGES])
def test_the_notebook_runs_with_the_outputs_of_its_page(language, page, tmp_path, monkeypatch):
    nb = notebooks.page_notebook(page, language)
    path = tmp_path / f"{page.stem}.ipynb"
    nbformat.write(nb, str(path))  # what the site offers: written and read back
    nb = nbformat.read(str(path), as_version=4)
    # the kernel imports this worktree's chainrule, and runs in an empty folder
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    checker = doctest.OutputChecker()
    cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert cells
    for number, cell in enumerate(cells, 1):
        expected = cell.metadata["chainrule"]
        got, error = cell_output(cell)
        where = f"{page.name}, code cell {number}:\n{cell.source}"
        if expected["exc_msg"] is not None:
            assert error is not None, where
            want = expected["exc_msg"].split(":", 1)  # doctest's type may carry its module's name
            assert want[0].rpartition(".")[2] == error.split(":", 1)[0], (where, error)
            assert checker.check_output(want[1], error.split(":", 1)[1], FLAGS), (where, error)
        else:
            assert error is None, (where, error)
            assert checker.check_output(expected["want"], got, FLAGS), (where, expected["want"], got)


def test_the_site_offers_each_notebook_for_download(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    pytest.importorskip("furo")
    sys.path.insert(0, str(ROOT / "docs"))
    import build_site

    out = tmp_path / "html"
    assert build_site.build(out) == 0
    for language, page in PAGES:
        site = out if language == "en" else out / language
        notebook = site / "notebooks" / f"{page.stem}.ipynb"
        assert json.loads(notebook.read_text(encoding="utf-8"))["nbformat"] == 4
        html = (site / f"{page.stem}.html").read_text(encoding="utf-8")
        assert f'href="notebooks/{page.stem}.ipynb" download="{page.stem}.ipynb"' in html, page
    assert "notebooks/" not in (out / "glossary.html").read_text(encoding="utf-8")
