"""The documentation site: a complete API reference, both languages' pages, and the built HTML.

The source checks always run. The build (``docs/build_site.py``, both languages, warnings as
errors) runs once per session when sphinx, myst-parser and furo are installed, and is skipped
otherwise; it takes a few seconds.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import re
import subprocess
import sys
import types
from itertools import pairwise
from pathlib import Path

import pytest

import autograd
import nn

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ZH = DOCS / "zh_CN"
PACKAGES = {"autograd": autograd, "nn": nn}
REFERENCE = {"autograd": DOCS / "reference_autograd.md", "nn": DOCS / "reference_nn.md"}
DIRECTIVE = re.compile(r"^\.\. auto(?:class|function|exception|data|module|attribute)::\s+(\S+)", re.M)
TOCTREE = re.compile(r"```\{toctree\}\n(.*?)```", re.S)


def _toctree_pages(index: Path) -> list[str]:
    """The documents named in the toctrees of an index page, in order (options skipped)."""
    pages = []
    for body in TOCTREE.findall(index.read_text(encoding="utf-8")):
        pages += [line.strip() for line in body.splitlines()
                  if line.strip() and not line.strip().startswith(":")]
    return pages


def _public_names() -> list[tuple[str, str]]:
    return [(package, name) for package, module in PACKAGES.items() for name in module.__all__]


def _attribute_docstring(package: str, name: str) -> str | None:
    """The docstring written under a module-level assignment ``NAME = ...`` in the package."""
    for path in sorted((ROOT / package).glob("*.py")):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for node, after in pairwise(body):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign) else []
            if any(getattr(t, "id", None) == name for t in targets) and isinstance(after, ast.Expr) \
                    and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str):
                return after.value.value
    return None


def _own_docstring(obj: object) -> str | None:
    """A module's, class's or function's own docstring (not one inherited from its type)."""
    if isinstance(obj, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)):
        return inspect.getdoc(obj)
    return None


def _resolve(target: str) -> object:
    """The object an autodoc target such as ``autograd.rules.RULES`` or ``nn.MLP`` names."""
    module_name, _, attribute = target.rpartition(".")
    parent = importlib.import_module(module_name)  # as autodoc does: autograd.backward is the
    if hasattr(parent, attribute):                  # function, not the module of that name
        return getattr(parent, attribute)
    return importlib.import_module(target)


# --- the reference ------------------------------------------------------------------------------

@pytest.mark.parametrize(("package", "name"), _public_names())
def test_every_public_name_has_a_docstring(package, name):
    obj = getattr(PACKAGES[package], name)
    doc = _own_docstring(obj) or _attribute_docstring(package, name)
    assert doc and doc.strip(), f"{package}.{name} is public (in __all__) but has no docstring"


def test_the_reference_documents_every_public_name_and_nothing_else():
    for package, module in PACKAGES.items():
        targets = DIRECTIVE.findall(REFERENCE[package].read_text(encoding="utf-8"))
        documented = {target.rpartition(".")[2]: target for target in targets}
        missing = sorted(set(module.__all__) - documented.keys())
        assert not missing, f"{REFERENCE[package].name} has no autodoc entry for {missing}"
        extra = sorted(documented.keys() - set(module.__all__))
        assert not extra, f"{REFERENCE[package].name} documents names not in {package}.__all__: {extra}"
        for name, target in documented.items():
            assert _resolve(target) is getattr(module, name), f"{target} is not {package}.{name}"


def test_the_reference_source_check_can_fail(tmp_path):
    """The directive pattern finds what the reference pages write (so a missing name is noticed)."""
    text = "```{eval-rst}\n.. autoclass:: nn.MLP\n   :members:\n```\n"
    assert DIRECTIVE.findall(text) == ["nn.MLP"]
    assert _attribute_docstring("nn", "ACTIVATIONS") and _attribute_docstring("nn", "no_such") is None


# --- the pages, in both languages ---------------------------------------------------------------

def test_every_page_in_a_table_of_contents_exists_and_every_page_is_in_one():
    english = _toctree_pages(DOCS / "index.md")
    for page in english:
        assert (DOCS / f"{page}.md").is_file(), f"docs/index.md lists {page}, but docs/{page}.md is missing"
    pages = {path.stem for path in DOCS.glob("*.md")} - {"index"}
    unlisted = sorted(pages - set(english))
    assert not unlisted, f"docs/{unlisted[0]}.md is in no table of contents: add it to docs/index.md"
    assert len(english) == len(set(english)), "a page is listed twice in docs/index.md"


def test_every_english_page_has_a_chinese_page_and_the_reverse():
    english = {path.stem for path in DOCS.glob("*.md")}
    chinese = {path.stem for path in ZH.glob("*.md")}
    untranslated = sorted(english - chinese)
    assert not untranslated, f"English pages with no Chinese page in docs/zh_CN/: {untranslated}"
    orphans = sorted(chinese - english)
    assert not orphans, f"Chinese pages with no English page of the same name in docs/: {orphans}"


def test_the_chinese_table_of_contents_is_the_english_one():
    """Same pages, same order, same sections: the learning path is the same in both languages."""
    english, chinese = (TOCTREE.findall((path / "index.md").read_text(encoding="utf-8"))
                        for path in (DOCS, ZH))
    assert len(chinese) == len(english), "docs/zh_CN/index.md has another number of sections"
    for section_en, section_zh in zip(english, chinese, strict=True):
        pages = [[line.strip() for line in body.splitlines()
                  if line.strip() and not line.strip().startswith(":")]
                 for body in (section_en, section_zh)]
        assert pages[1] == pages[0], f"docs/zh_CN/index.md lists {pages[1]} where English has {pages[0]}"


def _examples(path: Path) -> list[tuple[str, str]]:
    """Each doctest example of a page: its code without comments, and its expected output."""
    parser = doctest.DocTestParser()
    examples = parser.get_examples(path.read_text(encoding="utf-8"), path.name)
    return [(_without_comment(e.source.rstrip("\n")).strip(), e.want) for e in examples
            if _without_comment(e.source.rstrip("\n")).strip()]


FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+)(?P<info>[^\n`]*)\n"
                   r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
                   re.S | re.M)


def _without_comment(line: str, shell: bool = False) -> str:
    """A line of code without its ``#`` comment: the first ``#`` outside a quoted string (in a
    shell, only at the start of a word), and the spaces before it."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote and line[i - 1] != "\\" else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (not shell or i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def code_blocks(text: str) -> list[tuple[str, list[str]]]:
    """The fenced code blocks of a page (not its table of contents), comments aside.

    Each block is (info string, lines). What counts as a comment: in ``python`` blocks, a ``#``
    and what follows it on a line of code (every line, or in a doctest only the ``>>>`` and
    ``...`` lines: expected output is compared as written); in ``sh`` and ``powershell`` blocks
    a ``#`` that starts a word. Lines that were only a comment are dropped, and a doctest prompt
    left with nothing after it (``>>> # note``) with them. Other blocks (``text`` output,
    ``{eval-rst}`` autodoc) are compared as written.
    """
    blocks = []
    for match in FENCE.finditer(text):
        info = match["info"].strip()
        if info == "{toctree}":
            continue
        lines = match["body"].splitlines()
        if info in ("python", "py", "pycon", "sh", "bash", "console", "powershell"):
            shell = info not in ("python", "py", "pycon")
            doctest_block = any(line.lstrip().startswith(">>>") for line in lines)
            kept = []
            for line in lines:
                stripped = line.lstrip()
                is_code = not doctest_block or stripped.startswith((">>>", "..."))
                if not is_code:
                    kept.append(line.rstrip())
                    continue
                code = _without_comment(line, shell)
                if not code.strip() or code.strip() in (">>>", "..."):
                    if stripped.startswith("...") and code.strip() == "...":
                        kept.append(code)  # an empty continuation line ends a block: keep it
                    continue
                kept.append(code)
            lines = kept
        blocks.append((info, lines))
    return blocks


def test_code_blocks_compare_comments_aside_and_the_comparison_can_fail():
    english = "```python\n>>> x = 1  # one\n>>> f'#{x}'  # a '#' in a string stays\n'#1'\n```\n"
    chinese = "```python\n>>> # 中文注释\n>>> x = 1  # 一\n>>> f'#{x}'\n'#1'\n```\n"
    assert code_blocks(chinese) == code_blocks(english) == [
        ("python", [">>> x = 1", ">>> f'#{x}'", "'#1'"])]
    assert code_blocks(english.replace("'#1'\n```", "'#2'\n```")) != code_blocks(english)
    assert code_blocks("```sh\npip install '.[docs]'  # 安装\necho a#b\n```\n") == [
        ("sh", ["pip install '.[docs]'", "echo a#b"])]
    assert code_blocks("```{toctree}\nindex\n```\n```text\n# out\n```\n") == [("text", ["# out"])]


@pytest.mark.parametrize("page", sorted(path.stem for path in ZH.glob("*.md") if path.stem != "index"))
def test_a_chinese_page_has_the_english_pages_code_blocks(page):
    english, chinese = (path.read_text(encoding="utf-8") for path in (DOCS / f"{page}.md",
                                                                      ZH / f"{page}.md"))
    want, got = code_blocks(english), code_blocks(chinese)
    for number, (a, b) in enumerate(zip(want, got, strict=False), 1):
        assert b == a, f"docs/zh_CN/{page}.md's code block {number} differs from docs/{page}.md's"
    assert len(got) == len(want), f"docs/zh_CN/{page}.md has {len(got)} code blocks, English {len(want)}"
    assert _examples(ZH / f"{page}.md") == _examples(DOCS / f"{page}.md"), \
        f"docs/zh_CN/{page}.md runs other doctest examples than docs/{page}.md"


# --- the two READMEs ---------------------------------------------------------------------------

def _code_blocks(text: str, heading: str) -> list[str]:
    """The fenced code blocks of the section under ``## heading``."""
    section = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert section, f"no section {heading!r}"
    return re.findall(r"```\w*\n(.*?)```", section.group(1), re.S)


def test_the_readmes_link_to_each_other_and_share_the_quickstart():
    english = (ROOT / "README.md").read_text(encoding="utf-8")
    chinese = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    assert "](README.zh-CN.md)" in english.splitlines()[0]
    assert "](README.md)" in chinese.splitlines()[0]
    quickstart = _code_blocks(english, "Quickstart")
    assert quickstart and _code_blocks(chinese, "快速上手") == quickstart


def test_the_chinese_readme_examples_run():
    """README.md is doctested through pytest's testpaths; README.zh-CN.md here, the same way."""
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(ROOT / "README.zh-CN.md"), module_relative=False, optionflags=flags,
                              verbose=False, encoding="utf-8")
    assert result.attempted > 0 and result.failed == 0


# --- the built site ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The whole site, built once per session by docs/build_site.py (warnings are errors)."""
    for module in ("sphinx", "myst_parser", "furo"):
        pytest.importorskip(module, reason=f"{module} is not installed (pip install '.[docs]')")
    out = tmp_path_factory.mktemp("site") / "html"
    run = subprocess.run([sys.executable, str(DOCS / "build_site.py"), str(out)], cwd=ROOT,
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert run.returncode == 0, f"the site does not build:\n{run.stdout}\n{run.stderr}"
    return out


@pytest.mark.parametrize(("package", "name"), _public_names())
def test_every_public_name_is_in_the_built_reference(site, package, name):
    html = (site / f"reference_{package}.html").read_text(encoding="utf-8")
    assert re.search(rf'id="(module-)?{package}(\.\w+)*\.{name}"', html), \
        f"{package}.{name} has no entry in the built reference_{package}.html"


def test_every_page_is_built_in_both_languages_where_promised(site):
    for page in ["index", *_toctree_pages(DOCS / "index.md")]:
        assert (site / f"{page}.html").is_file(), f"{page}.html was not built"
    for page in ["index", *_toctree_pages(ZH / "index.md")]:
        assert (site / "zh_CN" / f"{page}.html").is_file(), f"zh_CN/{page}.html was not built"


def test_the_language_switch_links_to_a_built_page_and_nothing_is_fetched_online(site):
    pages = sorted(site.rglob("*.html"))
    switch = re.compile(r'class="[^"]*language-switch[^"]*">\s*<a class="muted-link" href="([^"]+)"')
    for path in pages:
        html = path.read_text(encoding="utf-8")
        if path.name in ("search.html", "genindex.html"):
            continue
        links = switch.findall(html)
        assert links, f"{path.relative_to(site)} has no language switch"
        assert (path.parent / links[0]).resolve().is_file(), f"{path.relative_to(site)}: {links[0]}"
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html), \
            f"{path.relative_to(site)} loads something from the network"
    chinese = (site / "zh_CN" / "training_loop.html").read_text(encoding="utf-8")
    assert 'href="../training_loop.html"' in chinese and 'lang="zh' in chinese


def test_the_chinese_edition_can_be_searched(site):
    """Chinese words are in the search index (as pairs of characters, no segmenter needed), and the
    search script names a stemmer that exists (Sphinx 9.0 names a missing ChineseStemmer)."""
    index = (site / "zh_CN" / "searchindex.js").read_text(encoding="utf-8")
    for word in ("梯度", "链式", "法则", "学习"):
        assert word.encode("unicode_escape").decode("ascii") in index or f'"{word}"' in index, word
    script = (site / "zh_CN" / "_static" / "language_data.js").read_text(encoding="utf-8")
    stemmer = re.search(r"window\.Stemmer = (\w+);", script).group(1)
    assert re.search(rf"\b(var|let|const|function|class)\s+{stemmer}\b", script), stemmer
    assert "function splitQuery" in script


def test_chinese_line_breaks_join_chinese_and_keep_the_space_before_a_latin_word():
    nodes = pytest.importorskip("docutils.nodes", reason="docutils comes with the docs extra")
    spec = importlib.util.spec_from_file_location("docs_conf", DOCS / "conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    # 权重 / 梯度 / chainrule 里 / 的 x / 和 y, a line break after each, as MyST parses soft breaks
    words = ["权重", "\n", "梯度", "\n", "chainrule", "\n", "里的", "\n", "x", "\n", "和", "\n", "链式"]
    paragraph = nodes.paragraph("", "", *[nodes.Text(w) for w in words])
    document = nodes.document(None, None)
    document += paragraph
    app = types.SimpleNamespace(config=types.SimpleNamespace(language="zh_CN"))
    conf._join_cjk_lines(app, document)
    # each break between two Chinese characters is gone; one next to a Latin word stays a space
    assert paragraph.astext() == "权重梯度\nchainrule\n里的\nx\n和链式"
