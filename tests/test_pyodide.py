"""chainrule's freshly built wheel under Pyodide in Node, offline and without numpy: issue 22's smoke test.

The npm ``pyodide`` package (pinned in web/package.json) runs CPython compiled to WebAssembly from
its own files; it ships no packages (no numpy, no micropip: ``loadPackage`` would fetch them from
the CDN), so the wheel built here with ``pip wheel --no-deps`` and the pure-Python ``graphviz``
package chainrule's ``draw`` uses are unpacked straight into Pyodide's site-packages
(``pyodide.unpackArchive``), with no network (Node runs under ``unshare -n`` where it can).
viz.js renders the SVG through ``autograd.set_renderer``, through web/viz_renderer.mjs, as
the page will.

Asserted: the 3-2-1 example's forward value and its first backward steps (numbers from the closed
form in test_without_numpy.py), the picture with step 3 highlighted, the player; and every doctest
of autograd runs there, except those listed in ``NOT_UNDER_PYODIDE`` with the reason.
Skipped when Node or the npm packages (``npm ci`` in web/) are absent.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from test_without_numpy import closed_form_321

pytestmark = pytest.mark.native("Node and pip")

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
PYODIDE = WEB / "node_modules" / "pyodide"
VIZ = WEB / "node_modules" / "@viz-js" / "viz"
NODE = shutil.which("node")

if NODE is None:
    pytest.skip("Node is not installed (apt-get install nodejs npm)", allow_module_level=True)
if not (PYODIDE / "pyodide.mjs").is_file() or not (VIZ / "package.json").is_file():
    pytest.skip("pyodide or @viz-js/viz is not installed: run `npm ci` in web/", allow_module_level=True)

NOT_UNDER_PYODIDE = {
    "autograd.views.render.find_renderer": "looks for the graphviz-pure program (it cannot run in a browser)",
    "autograd.views.render.render": "writes PNG, which needs a Graphviz program",
    "autograd.views.draw.Graph.render": "writes PNG, which needs a Graphviz program",
    "autograd.views.draw.Graph.save": "writes PNG, which needs a Graphviz program",
    "autograd.views.render.get_renderer": "the page has set a renderer (viz.js), so it is not None",
    "autograd.views.render.set_renderer": "the page has set a renderer (viz.js), so set_renderer returns it",
    "autograd.installation.numpy_for": "imports numpy, which the npm pyodide package does not ship",
    "autograd.replay.layers_found": "finds layers for the matrix replay, whose program needs numpy",
    "autograd.replay.trace.Traced.matrix_program": "the matrix replay's program runs on numpy arrays",
}
"""The doctests of autograd that cannot run under Pyodide, and why (all others must pass there)."""

PYTHON = r'''
import doctest, importlib, json, pkgutil, sys
import autograd
from autograd import draw, player, set_renderer, step_through
from autograd.examples import three_two_one

out = {"platform": sys.platform}
try:
    import numpy
    out["numpy"] = "importable"
except ImportError:
    out["numpy"] = "absent"
net = three_two_one()
out["a2"], out["C"] = net.a2.data, net.C.data
stepper = step_through(net.C)
out["steps"] = [repr(next(stepper)) for _ in range(3)]
out["dot"] = draw(net.C, step=3).source
try:
    draw(net.C).svg()
except Exception as error:
    out["no_renderer"] = f"{type(error).__name__}: {error}"
set_renderer(RENDERER)
out["svg"] = draw(three_two_one().C, step=3).svg()
page = player(three_two_one().C)
out["player"] = [page.steps, page.html.count("<svg")]
try:
    draw(net.C).save("/tmp/x.png")
except Exception as error:
    out["png"] = f"{type(error).__name__}: {error}"

results = {}
finder = doctest.DocTestFinder()
flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
for info in pkgutil.walk_packages(autograd.__path__, "autograd."):
    module = importlib.import_module(info.name)
    for test in finder.find(module, info.name):
        if not test.examples or test.name in SKIP:
            continue
        runner = doctest.DocTestRunner(optionflags=flags)
        report = []
        runner.run(test, out=report.append)
        results[test.name] = [runner.failures, runner.tries, "".join(report)[-1500:]]
out["doctests"] = results
json.dumps(out)
'''

DRIVER = r"""
import fs from "node:fs";
import { pathToFileURL } from "node:url";
const job = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const { loadPyodide } = await import(pathToFileURL(job.pyodide).href);
const { instance } = await import(pathToFileURL(job.viz).href);
const { vizRenderer } = await import(pathToFileURL(job.renderer).href);
const printed = [];
const py = await loadPyodide({ stdout: (line) => printed.push(line), stderr: (line) => printed.push(line) });
const site = py.runPython("import site; site.getsitepackages()[0]");
for (const [file, format] of job.archives) {
  py.unpackArchive(new Uint8Array(fs.readFileSync(file)), format, { extractDir: site });
}
const renderSvg = await vizRenderer(instance);
py.globals.set("RENDERER", renderSvg);
py.globals.set("SKIP", py.toPy(job.skip));
const result = py.runPython(job.python);
console.log("RESULT " + result);
"""


def _wheel(tmp: Path) -> Path:
    """chainrule's wheel, built as the try page's build builds it (from a copy of the sources)."""
    spec = importlib.util.spec_from_file_location("build_try", WEB / "build_try.py")
    build_try = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(build_try)  # type: ignore[union-attr]
    return build_try.chainrule_wheel(tmp / "dist")


def _graphviz_archive(tmp: Path) -> Path:
    """The installed pure-Python ``graphviz`` package (chainrule's dependency) as a zip to unpack."""
    distribution = importlib.metadata.distribution("graphviz")
    archive = tmp / "graphviz.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in distribution.files or []:
            if file.parts[0] == "graphviz" or file.parts[0].endswith(".dist-info"):
                path = Path(str(file.locate()))
                if path.is_file() and path.suffix != ".pyc":
                    out.write(path, str(file))
    return archive


def _offline() -> list[str]:
    """``unshare -n`` (no network at all) where it works (as root on Linux), else nothing."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True, check=False).returncode == 0:
        return [unshare, "-n"]
    return []


@pytest.fixture(scope="module")
def pyodide(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("pyodide")
    job = tmp / "job.json"
    job.write_text(json.dumps({
        "pyodide": str(PYODIDE / "pyodide.mjs"), "viz": str(VIZ / "dist" / "viz.js"),
        "renderer": str(WEB / "viz_renderer.mjs"), "python": PYTHON, "skip": sorted(NOT_UNDER_PYODIDE),
        "archives": [[str(_wheel(tmp)), "wheel"], [str(_graphviz_archive(tmp)), "zip"]],
    }), encoding="utf-8")
    # stderr goes to a file: Node cuts what it writes into a pipe at 64 KB when it exits, and an
    # uncaught Pyodide error prints the minified runtime's line (about 1 MB) before Python's traceback
    errors = tmp / "stderr.txt"
    with open(errors, "w", encoding="utf-8") as stderr:
        done = subprocess.run([*_offline(), NODE, "--input-type=module", "-e", DRIVER, str(job)],
                              stdout=subprocess.PIPE, stderr=stderr, text=True, encoding="utf-8",
                              timeout=600, check=False, cwd=tmp)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        text = errors.read_text(encoding="utf-8", errors="replace")
        start = text.rfind("Traceback (most recent call last)")
        shown = text[start:][:4000] if start >= 0 else text[-3000:]
        pytest.fail(f"Pyodide run failed:\n{done.stdout[-2000:]}\n{shown}")
    return json.loads(lines[-1][len("RESULT "):])


def test_chainrule_runs_under_pyodide_without_numpy(pyodide):
    assert pyodide["platform"] == "emscripten"
    assert pyodide["numpy"] == "absent"


def test_the_321_forward_value_and_first_backward_steps(pyodide):
    want = closed_form_321()
    assert repr(pyodide["a2"]) == "0.5888985125572694"
    assert pyodide["a2"] == pytest.approx(want["a2"], rel=1e-15, abs=0)
    assert pyodide["C"] == pytest.approx(want["C"], rel=1e-14, abs=0)
    first, second, third = pyodide["steps"]
    assert first.startswith("step 1/21  C = err ** 2: dC/derr += ")
    assert first.endswith(f"= {want['dC_derr']:.6f} × 1 = {want['dC_derr']:.6f}")
    assert second == f"step 2/21  err = a2 - 1: dC/da2 += 1 × dC/derr = 1 × {want['dC_derr']:.6f} " \
                     f"= {want['dC_da2']:.6f}"
    assert third == (f"step 3/21  a2 = sigmoid(z2): dC/dz2 += sigma'(z2) × dC/da2 = "
                     f"{want['sigma_prime']:.6f} × {want['dC_da2']:.6f} = {want['dC_dz2']:.6f}")


def test_the_picture_and_the_player_through_viz_js(pyodide):
    from autograd import draw
    from autograd.examples import three_two_one

    assert pyodide["dot"] == draw(three_two_one().C, step=3).source  # the same DOT as CPython's
    assert pyodide["no_renderer"].startswith("RendererNotFoundError: chainrule cannot run Graphviz "
                                             "programs in the browser (Pyodide): the page must give it "
                                             "a renderer first")
    svg = pyodide["svg"]
    assert svg.count("<svg") == 1 and "Generated by graphviz version" in svg
    native = draw(three_two_one().C, step=3).svg()
    strip = "".join(line for line in native.splitlines() if "Generated by graphviz" not in line)
    assert "".join(line for line in svg.splitlines() if "Generated by graphviz" not in line) == strip
    assert pyodide["player"][0] == 21 and pyodide["player"][1] >= 1
    assert pyodide["png"].startswith("RenderError: PNG pictures are not available in the browser")


def test_autograd_doctests_pass_under_pyodide(pyodide):
    results = pyodide["doctests"]
    assert len(results) >= 40 and sum(tries for _, tries, _ in results.values()) >= 150
    failed = {name: report for name, (failures, _, report) in results.items() if failures}
    assert failed == {}
    assert not set(NOT_UNDER_PYODIDE) & set(results)


def test_the_doctests_marked_as_not_under_pyodide_exist(pyodide):
    # a name in NOT_UNDER_PYODIDE that no longer names a doctest would skip nothing, silently
    import doctest
    import importlib
    import pkgutil

    import autograd

    names = {test.name for info in pkgutil.walk_packages(autograd.__path__, "autograd.")
             for test in doctest.DocTestFinder().find(importlib.import_module(info.name), info.name)
             if test.examples}
    assert set(NOT_UNDER_PYODIDE) <= names
    assert len(pyodide["doctests"]) == len(names) - len(NOT_UNDER_PYODIDE)
