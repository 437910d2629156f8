"""The pictures in docs/assets that docs/make_pictures.py draws are what it draws now (issue 11 §2).

If this fails after a change to the engine or to ``draw``, look at the new pictures, then run
``python docs/make_pictures.py`` and commit them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.native("a Graphviz program")

DOCS = Path(__file__).resolve().parent.parent / "docs"
_spec = importlib.util.spec_from_file_location("make_pictures", DOCS / "make_pictures.py")
make_pictures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_pictures)


@pytest.mark.parametrize("name", sorted(make_pictures.PICTURES))
def test_the_committed_picture_is_what_the_script_draws(name):
    committed = DOCS / "assets" / name
    assert committed.exists(), f"docs/assets/{name} is missing: run python docs/make_pictures.py"
    assert committed.read_bytes() == make_pictures.render(name), (
        f"docs/assets/{name} is out of date: run python docs/make_pictures.py")


def test_every_picture_is_used_by_a_page_and_fits_or_links_its_full_size():
    pages = "".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    for name in make_pictures.PICTURES:
        assert f"assets/{name}" in pages, name


def test_check_mode_reports_a_stale_picture(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(make_pictures, "ASSETS", tmp_path)
    assert make_pictures.main(["--check"]) == 1
    assert "differs: graph_line.svg" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())  # --check writes nothing


def test_the_steps_shown_are_the_ones_the_page_describes():
    loss = make_pictures.layer()
    assert make_pictures.step_of(loss, "a0") == 5
    graph = make_pictures.draw(loss, step=5)
    assert graph.step.equation == "a0 = sigmoid(z0)"
    assert abs(graph.step.edges[0].after - (-0.310026 * 0.21391)) < 1e-6
    with pytest.raises(ValueError, match="no backward step for a node labelled 'nope'"):
        make_pictures.step_of(loss, "nope")
