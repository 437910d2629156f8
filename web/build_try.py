"""Build the "try it" page into the documentation site: chainrule in the browser, nothing installed.

    python web/build_try.py SITE     # writes SITE/try/ (docs/build_site.py runs this after Sphinx)

SITE/try/ gets the page in English (``try/``) and Chinese (``try/zh_CN/``), its script, style,
Web Worker (Pyodide runs Python there) and service worker (offline after the first visit), and the
files these load, all from this machine: Pyodide's five runtime files and viz.js from
web/node_modules (``npm ci`` in web/ installs exactly what web/package-lock.json pins),
chainrule's wheel (built here from a temporary copy of the sources with ``pip wheel --no-deps``)
and the pure-Python ``graphviz`` wheel at the version installed with chainrule (``pip download
graphviz==VERSION --no-deps`` from pip's cache or index; where pip cannot get it, the installed
package's own files are packed into the wheel). It also writes the single-file editions
(``try/chainrule-try.html``, ``try/zh_CN/chainrule-try.html``): every file inlined as base64,
for opening from ``file://``. Without web/node_modules nothing is built and the one-line report
says how to get the page.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import importlib.metadata
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WEB = Path(__file__).resolve().parent
ROOT = WEB.parent
PAGE = WEB / "try"
MODULES = WEB / "node_modules"
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
"""The files Pyodide loads in a browser (its npm package holds more: typings, source maps, consoles)."""
PAGE_FILES = ("try.css", "try.js", "worker.js", "session.py")
LANGUAGES = {"en": "", "zh_CN": "zh_CN/"}
"""Each language of the page and its folder under try/."""
SINGLE_FILE = "chainrule-try.html"


def missing() -> str | None:
    """Why the page cannot be built here (web/node_modules absent), or None.

    >>> missing() is None or missing().startswith("try page skipped: ")
    True
    """
    for package, file in (("pyodide", "pyodide.mjs"), ("@viz-js/viz", "dist/viz.js")):
        if not (MODULES / package / file).is_file():
            return (
                f"try page skipped: {package} is not installed in web/node_modules; install Node and npm, "
                f"run `npm ci` in web/ (or `bash .ci/install-node`) and build again"
            )
    return None


def _npm_version(package: str) -> str:
    return json.loads((MODULES / package / "package.json").read_text(encoding="utf-8"))["version"]


def chainrule_wheel(out: Path) -> Path:
    """chainrule's wheel, built from a temporary copy of the sources (the clone gets no build/ folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"
        source.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, source / name)
        for package in ("autograd", "nn"):
            shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
        isolation = [] if importlib.util.find_spec("setuptools") is None else ["--no-build-isolation"]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                *isolation,
                "-q",
                "-w",
                str(out),
                str(source),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"build_try.py: pip wheel could not build chainrule's wheel:\n{done.stderr}")
    (wheel,) = out.glob("chainrule-*.whl")
    return wheel


def _graphviz_wheel(out: Path) -> tuple[Path, str]:
    """The pure-Python ``graphviz`` wheel at the installed version, and where it came from."""
    version = importlib.metadata.version("graphviz")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            f"graphviz=={version}",
            "--no-deps",
            "--only-binary=:all:",
            "-q",
            "-d",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    found = sorted(out.glob(f"graphviz-{version}-*.whl"))
    if done.returncode == 0 and found:
        return found[0], "pip download"
    return _pack_installed("graphviz", version, out), "the installed package"


def _pack_installed(name: str, version: str, out: Path) -> Path:
    """A wheel of an installed pure-Python distribution, from its own files (when pip cannot download it)."""
    distribution = importlib.metadata.distribution(name)
    wheel = out / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    record = io.StringIO()
    rows = csv.writer(record, lineterminator="\n")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(distribution.files or [], key=str):
            path = Path(str(file.locate()))
            if file.parts[0] == name or file.parts[0].endswith(".dist-info"):
                if not path.is_file() or path.suffix == ".pyc" or file.name in ("RECORD", "INSTALLER"):
                    continue
                target = f"{info}/{file.name}" if file.parts[0].endswith(".dist-info") else str(file)
                data = path.read_bytes()
                archive.writestr(target, data)
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                rows.writerow([target, f"sha256={digest}", len(data)])
        rows.writerow([f"{info}/RECORD", "", ""])
        archive.writestr(f"{info}/RECORD", record.getvalue())
    return wheel


def _content_hash(files: dict[str, Path]) -> str:
    """A short hash of what the page serves (a wheel by its members' contents, not its zip dates)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        if name.endswith(".whl"):
            with zipfile.ZipFile(files[name]) as archive:
                for member in sorted(archive.namelist()):
                    digest.update(member.encode() + archive.read(member))
        else:
            digest.update(files[name].read_bytes())
    return digest.hexdigest()[:10]


def _script_json(data: object) -> str:
    """JSON to put inside a <script> element (no "</" can end it early)."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _fill(template: str, values: dict[str, str]) -> str:
    """The template with each {{name}} replaced; an unknown name is an error, not a blank."""

    def value(match: re.Match) -> str:
        if match.group(1) not in values:
            raise KeyError(f"build_try.py: the template names {{{{{match.group(1)}}}}}, which nothing fills")
        return values[match.group(1)]

    return re.sub(r"\{\{(\w+)\}\}", value, template)


def cell_code(language: str) -> str:
    """The code cell's text (web/try/cell.py) with its two comments in ``language``.

    >>> cell_code("zh_CN").splitlines()[2]
    '# 3-2-1 网络：3 个输入，2 个隐藏神经元，1 个输出'
    """
    code = (PAGE / "cell.py").read_text(encoding="utf-8")
    words = json.loads((PAGE / "words.json").read_text(encoding="utf-8"))
    for key in ("cell_network", "cell_or"):
        comment = f"# {words['en'][key]}"
        if comment not in code:
            raise ValueError(f"build_try.py: web/try/cell.py no longer holds the comment {comment!r}")
        code = code.replace(comment, f"# {words[language][key]}")
    return code


def page_html(language: str, build: dict, *, inline: dict[str, bytes] | None = None) -> str:
    """The page in ``language``, linking its files from the site, or with them all inlined (``inline``).

    >>> versions = dict.fromkeys(["chainrule", "pyodide", "viz", "graphviz"], "1")
    >>> page = page_html("zh_CN", {"versions": versions, "wheels": [], "cache": "test"})
    >>> '<html lang="zh-CN">' in page, '<script type="module" src="../try.js"></script>' in page
    (True, True)
    """
    all_words = json.loads((PAGE / "words.json").read_text(encoding="utf-8"))
    words = all_words[language]
    up = "../" if LANGUAGES[language] else ""
    other = "en" if language == "zh_CN" else "zh_CN"
    values = {key: html.escape(text) for key, text in words.items()}
    values.update(
        other_href=up + LANGUAGES[other] + (SINGLE_FILE if inline is not None else "index.html"),
        other_lang=all_words[other]["lang"],
        single_file_href=SINGLE_FILE,
        cell=html.escape(cell_code(language)),
        build=_script_json(build),
        words=_script_json(words),
        **{k: html.escape(v) for k, v in build["versions"].items()},
    )
    if inline is None:
        values["style"] = f'<link rel="stylesheet" href="{up}try.css">'
        values["script"] = f'<script type="module" src="{up}try.js"></script>'
    else:
        script = (PAGE / "try.js").read_text(encoding="utf-8")
        style = (PAGE / "try.css").read_text(encoding="utf-8")
        if "</script" in script.lower() or "</style" in style.lower():
            raise ValueError("build_try.py: try.js or try.css holds a closing tag and cannot be inlined")
        values["style"] = f"<style>\n{style}</style>"
        data = "\n".join(
            f'<script type="text/plain" data-file="{html.escape(name)}">'
            f"{base64.b64encode(content).decode()}</script>"
            for name, content in inline.items()
        )
        values["script"] = f'{data}\n<script type="module">\n{script}</script>'
    return _fill((PAGE / "index.html").read_text(encoding="utf-8"), values)


def build(site: Path, *, single_file: bool = True) -> str:
    """Write the try page into ``site/try``; a one-line report of what was built, or why it was skipped.

    ``build(Path("docs/_build/html"))`` is what ``python web/build_try.py docs/_build/html`` does
    (docs/build_site.py calls it after Sphinx); ``single_file=False`` leaves out the single-file
    editions.
    """
    reason = missing()
    if reason:
        return reason
    out = Path(site) / "try"
    if out.exists():
        shutil.rmtree(out)
    (out / "wheels").mkdir(parents=True)
    chainrule = chainrule_wheel(out / "wheels")
    graphviz, graphviz_from = _graphviz_wheel(out / "wheels")
    files: dict[str, Path] = {f"pyodide/{name}": MODULES / "pyodide" / name for name in PYODIDE_FILES}
    files["viz/viz.js"] = MODULES / "@viz-js" / "viz" / "dist" / "viz.js"
    files["viz_renderer.mjs"] = WEB / "viz_renderer.mjs"
    files.update({name: PAGE / name for name in PAGE_FILES})
    for name, path in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out / name)
    files.update({f"wheels/{w.name}": w for w in (chainrule, graphviz)})
    versions = {
        "chainrule": chainrule.name.split("-")[1],
        "pyodide": _npm_version("pyodide"),
        "viz": _npm_version("@viz-js/viz"),
        "graphviz": graphviz.name.split("-")[1],
    }
    sources = {**files, **{name: PAGE / name for name in ("index.html", "words.json", "cell.py")}}
    cache = (
        f"chainrule-try-{versions['chainrule']}-pyodide-{versions['pyodide']}-viz-{versions['viz']}-"
        f"{_content_hash(sources)}"
    )
    info = {"versions": versions, "wheels": [chainrule.name, graphviz.name], "cache": cache}
    pages = []
    for language, folder in LANGUAGES.items():
        (out / folder).mkdir(exist_ok=True)
        (out / folder / "index.html").write_text(page_html(language, info), encoding="utf-8")
        pages += [folder or "./", f"{folder}index.html"]
    worker = (PAGE / "sw.js").read_text(encoding="utf-8")
    (out / "sw.js").write_text(
        _fill(worker, {"cache": cache, "files": json.dumps(pages + sorted(files))}), encoding="utf-8"
    )
    size = sum(path.stat().st_size for path in files.values())
    report = (
        f"built try/ (chainrule {versions['chainrule']}, Pyodide {versions['pyodide']}, viz.js "
        f"{versions['viz']}, graphviz {versions['graphviz']} from {graphviz_from}; "
        f"{size / 1e6:.1f} MB)"
    )
    if single_file:
        inline = {
            name: path.read_bytes() for name, path in sorted(files.items()) if name not in PAGE_FILES[:2]
        }
        for language, folder in LANGUAGES.items():
            (out / folder / SINGLE_FILE).write_text(
                page_html(language, info, inline=inline), encoding="utf-8"
            )
        report += f" and the single-file editions ({(out / SINGLE_FILE).stat().st_size / 1e6:.1f} MB each)"
    return report


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    print(build(Path(sys.argv[1])))
