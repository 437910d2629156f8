"""nn.plots and the demos' pictures: saved when matplotlib is installed, a hint when it is not (§6)."""

from __future__ import annotations

import math
import runpy
import sys
from pathlib import Path

import pytest

from nn import plots

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"
needs_matplotlib = pytest.mark.skipif(not plots.plotting_available(), reason='pip install ".[plot]"')


@needs_matplotlib
def test_every_picture_is_a_png_and_the_same_input_gives_the_same_file(tmp_path):
    made = [
        plots.loss_curves({"a": [1.0, 0.5, 0.2], "b": [1.0, 0.9, 0.8]}, tmp_path / "loss.png"),
        plots.confusion_image([[5, 1], [2, 7]], tmp_path / "confusion.png", labels=["no", "yes"]),
        plots.class_scatter([[0, 1], [1, 0], [2, 2]], [0, 1, 2], tmp_path / "scatter.png",
                            names=["a", "b", "c"], xlabel="x", ylabel="y"),
        plots.descent_path(lambda x: (x - 1) ** 2, [7.5, 4.0, 2.0, 1.2], tmp_path / "descent.png"),
    ]
    for path in made:
        assert path.read_bytes().startswith(PNG), path
    again = plots.loss_curves({"a": [1.0, 0.5, 0.2], "b": [1.0, 0.9, 0.8]}, tmp_path / "again.png")
    assert again.read_bytes() == made[0].read_bytes()
    svg = plots.confusion_image([[1]], tmp_path / "one.svg")
    assert b"<svg" in svg.read_bytes()
    with pytest.raises(ValueError, match=r"save as \.png or \.svg, got .*\.jpg"):
        plots.loss_curves({"a": [1.0]}, tmp_path / "x.jpg")


@needs_matplotlib
def test_the_digits_demo_saves_its_confusion_image(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(ROOT / "demos" / "digits.py"), run_name="demo")["main"](hidden=3, epochs=1)
    out = capsys.readouterr().out
    assert "pictures: pictures/digits_confusion.png, pictures/digits_loss.png" in out.replace("\\", "/")
    assert (tmp_path / "pictures" / "digits_confusion.png").read_bytes().startswith(PNG)


def test_without_matplotlib_demos_say_how_to_get_the_pictures(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    monkeypatch.setenv("CHAINRULE_FAST", "1")
    monkeypatch.chdir(tmp_path)
    assert plots.plotting_available() is False
    with pytest.raises(ModuleNotFoundError, match=r'-m pip install "matplotlib>=3.7"'):
        plots.loss_curves({"a": [1.0]}, tmp_path / "a.png")
    runpy.run_path(str(ROOT / "demos" / "digits.py"), run_name="demo")["main"](hidden=3, epochs=1)
    out = capsys.readouterr().out
    assert ('(no pictures: matplotlib is not installed; to get them, run\n'
            f'  {sys.executable} -m pip install "matplotlib>=3.7")') in out
    assert not (tmp_path / "pictures").exists()


def test_the_plot_extra_is_declared():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'plot = ["matplotlib' in text


def test_descent_path_draws_the_curve_it_is_given(tmp_path):
    if not plots.plotting_available():
        pytest.skip("matplotlib is not installed")
    path = plots.descent_path(math.cos, [0.5, 1.0], tmp_path / "cos.png", span=(-3.0, 3.0))
    assert path.stat().st_size > 1000
