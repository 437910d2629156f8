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
import json
import re
import shutil
import subprocess
import sys
import types
from itertools import pairwise
from pathlib import Path

import pytest

import autograd
import nn

pytestmark = pytest.mark.native("subprocesses (Sphinx)")

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
    for path in sorted((ROOT / package).rglob("*.py")):
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


CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"  # Han characters, CJK punctuation
CHINESE_SOURCES = [*sorted(ZH.rglob("*.md")), ROOT / "README.zh-CN.md"]


def breaks_inside_chinese(text: str) -> list[int]:
    """Line numbers (1-based) of line breaks outside code blocks between two Chinese characters
    or punctuation marks (emphasis ``**`` aside): GitHub shows such a break as a space (什 么)."""
    edge = re.compile(f"^[*_]*[{CJK}]")
    lines, found, fence = text.splitlines(), [], None
    for number, (line, after) in enumerate(pairwise(lines), 1):
        marker = re.match(r"\s*(```+|~~~+)", line)
        if marker and (fence is None or marker.group(1).startswith(fence)):
            fence = None if fence else marker.group(1)
            continue
        if fence is None and edge.match(line.rstrip()[::-1]) and edge.match(after.lstrip()):
            found.append(number)
    return found


def test_breaks_inside_chinese_are_found_and_code_is_left_alone():
    assert breaks_inside_chinese("什\n么\n\n什么\n\nchainrule\n的\n") == [1]
    assert breaks_inside_chinese("梯度**\n**下降") == [1]
    assert breaks_inside_chinese("```python\n# 注释\n# 注释\n```\n") == []
    assert breaks_inside_chinese("句子。\n下一句") == [1]


@pytest.mark.parametrize("path", CHINESE_SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_chinese_paragraph_is_broken_between_two_chinese_characters(path):
    lines = breaks_inside_chinese(path.read_text(encoding="utf-8"))
    assert not lines, (f"{path.relative_to(ROOT)} breaks a Chinese sentence at lines {lines}: "
                       "write each paragraph on one line")


# One word per idea (the glossary's): these are the words the Chinese edition does not use.
AVOIDED_TERMS = {"隐藏单元": "隐藏神经元", "输出单元": "输出神经元", "步长": "学习率 or 更新幅度",
                 "包装在一起": "重名 (a clash of import names, not packaging)"}
# A tutorial is named by its title, never by its number.
NUMBERED_TUTORIAL = re.compile(r"\b(first|second|third|fourth|fifth|[1-5](st|nd|rd|th))\s+(source\s+)?"
                               r"tutorial|\btutorials?\s+(#\s*)?[1-5]\b|第[一二三四五1-5]篇",
                               re.I)


@pytest.mark.parametrize("path", CHINESE_SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_chinese_pages_use_the_glossarys_words(path):
    text = path.read_text(encoding="utf-8")
    for avoided, instead in AVOIDED_TERMS.items():
        assert avoided not in text, f"{path.relative_to(ROOT)} writes {avoided}: use {instead}"


def test_tutorials_are_named_by_their_titles_not_their_numbers():
    this_file = Path(__file__).resolve()
    sources = [*ROOT.glob("README*.md"), *(path for folder in ("docs", "demos", "nn", "autograd",
                                                                  "tests")
                                          for suffix in ("*.md", "*.py")
                                          for path in (ROOT / folder).rglob(suffix))]
    found = []
    for path in sources:
        if path.resolve() == this_file or "_build" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if NUMBERED_TUTORIAL.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert not found, f"name the tutorial by its title (docs/tutorials.md): {found}"
    assert NUMBERED_TUTORIAL.search("the third tutorial") and NUMBERED_TUTORIAL.search("第五篇教程")
    assert NUMBERED_TUTORIAL.search("Tutorial 1's network")
    assert not NUMBERED_TUTORIAL.search("Deep Dive into Back Propagation (III)")


def test_the_tutorials_page_names_every_tutorial_in_both_languages():
    titles = ["大模型系列（一）——适合初学者的深度学习入门（2）", "反向传播", "Math for Deep Learning",
              "深入研究反向传播（三）", "Deep Dive into Back Propagation (III)",
              "反向传播算法 = 多元微积分 + 链式法则", "深度学习反向传播"]
    for path in (DOCS / "tutorials.md", ZH / "tutorials.md"):
        text = path.read_text(encoding="utf-8")
        for title in titles:
            assert title in text, f"{path.relative_to(ROOT)} does not name {title}"
        for demo in re.findall(r"`(\w+\.py)`", text):
            assert (ROOT / "demos" / demo).is_file(), f"{path.relative_to(ROOT)} names {demo}"


# --- the two READMEs ---------------------------------------------------------------------------

def _section(text: str, heading: str) -> str:
    """The text of the section under ``## heading``."""
    section = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert section, f"no section {heading!r}"
    return section.group(1)


def _code_blocks(text: str, heading: str) -> list[str]:
    """The fenced code blocks of the section under ``## heading``."""
    return re.findall(r"```\w*\n(.*?)```", _section(text, heading), re.S)


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


def test_the_chinese_readme_lists_every_demo_and_links_to_chinese_pages():
    english = (ROOT / "README.md").read_text(encoding="utf-8")
    chinese = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    demos = sorted(path.name for path in (ROOT / "demos").glob("*.py"))
    for demo in demos:
        assert f"| `{demo}` |" in english, f"README.md does not list demos/{demo}"
        assert f"| `{demo}` |" in chinese, f"README.zh-CN.md does not list demos/{demo}"
    for target in re.findall(r"\]\((docs/[^)#]+\.md)", chinese):
        assert target.startswith("docs/zh_CN/"), f"README.zh-CN.md links to an English page {target}"
        assert (ROOT / target).is_file() or (DOCS / Path(target).name).is_file(), target
    assert code_blocks(_section(chinese, "看见链式法则")) == \
        code_blocks(_section(english, "Seeing the chain rule")), "the two READMEs' examples differ"
    assert "100 列" in chinese and "GBK" in chinese and "CHAINRULE_FAST=1" in chinese


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
    for page in (f"reference_{package}.html", f"zh_CN/reference_{package}.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert re.search(rf'id="(module-)?{package}(\.\w+)*\.{name}"', html), \
            f"{package}.{name} has no entry in the built {page}"


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


HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# The seeds' own phrases, and English API names, that a reader of the Chinese site searches for.
SEED_PHRASES = ["反向传播算法", "链式求导", "梯度下降法", "误差函数", "均方误差", "交叉熵", "正向传播",
                "参数更新"]


def _search_index(site: Path) -> dict:
    """The built search index of the Chinese edition (searchindex.js is one Search.setIndex call)."""
    text = (site / "zh_CN" / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def split_query(query: str, index: dict) -> list[str]:
    """What the Chinese edition's search script (``js_splitter_code`` in docs/conf.py) makes of a
    query, in Python: words split at what is not a letter, digit or _; a run of Han characters
    stays whole when it is an indexed word, and is otherwise searched as its pairs of characters."""
    terms = []
    for part in re.split(r"[^\w]+", query):
        for run in re.findall(f"[{HAN}]+|[^{HAN}]+", part):
            han = re.match(f"[{HAN}]", run)
            if not han or len(run) < 2 or run in index["terms"] or run in index["titleterms"]:
                terms.append(run)
            else:
                terms += [run[i:i + 2] for i in range(len(run) - 1)]
    return [term for term in terms if term]


def search(query: str, index: dict) -> set[str]:
    """The pages that the search finds for ``query``: those holding every term (Sphinx's rule)."""
    import snowballstemmer  # comes with Sphinx

    stem = snowballstemmer.stemmer("english").stemWord
    found = None
    for term in split_query(query, index):
        word = stem(term.lower())
        pages = set()
        for table in (index["terms"], index["titleterms"]):
            hit = table.get(word, [])
            pages |= set(hit if isinstance(hit, list) else [hit])
        found = pages if found is None else found & pages
    return {index["docnames"][i] for i in found or ()}


def test_the_chinese_edition_finds_the_seeds_phrases_and_api_names(site):
    """Each phrase is on the glossary page and the search finds it there; English API names too.

    jieba alone cuts 反向传播算法 into 反向 / 传播 / 算法, so a search for the phrase found nothing:
    docs/conf.py keeps the glossary's terms whole and indexes every pair of characters as well."""
    glossary = (ZH / "glossary.md").read_text(encoding="utf-8")
    index = _search_index(site)
    for phrase in SEED_PHRASES:
        assert phrase in glossary, f"the Chinese glossary does not contain {phrase}"
        assert "glossary" in search(phrase, index), f"the Chinese search does not find {phrase}"
        assert phrase in index["terms"], f"{phrase} is not indexed as one word"
    assert search("链式法则", index) >= {"chain_rule_one_neuron", "glossary"}
    assert "seeing_backprop" in search("单步器", index)  # a coined word, in no dictionary
    assert "common_mistakes" in search("悄无声息", index)  # no glossary term: found by its pairs
    assert not search("悄声无息", index)  # the same characters in another order are not
    for name, page in (("backward", "getting_started"), ("step_through", "seeing_backprop")):
        assert page in search(name, index), f"the Chinese search does not find {name}"


def test_the_chinese_search_script_splits_as_the_test_does(site):
    """The search script names a stemmer that exists (Sphinx 9.0 names a missing ChineseStemmer)
    and splits a query as ``split_query`` does (run by Node.js where it is installed)."""
    script = (site / "zh_CN" / "_static" / "language_data.js").read_text(encoding="utf-8")
    stemmer = re.search(r"window\.Stemmer = (\w+);", script).group(1)
    assert re.search(rf"\b(var|let|const|function|class)\s+{stemmer}\b", script), stemmer
    splitter = re.search(r"function splitQuery\(query\) \{.*?\n\}", script, re.S).group(0)
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed: the search script's splitter was not run")
    index = _search_index(site)
    queries = ["反向传播算法", "反向传播 backward", "悄无声息地", "step_through(C) 的链式", "a·b"]
    program = (f"const Search = {{_index: {json.dumps(index, ensure_ascii=False)}}};\n{splitter}\n"
               f"console.log(JSON.stringify({json.dumps(queries, ensure_ascii=False)}.map(splitQuery)));")
    run = subprocess.run([node, "-"], input=program, capture_output=True, text=True,
                         encoding="utf-8", timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [split_query(q, index) for q in queries]


def test_furos_interface_is_chinese_on_the_chinese_pages(site):
    html = (site / "zh_CN" / "training_loop.html").read_text(encoding="utf-8")
    for chinese in ("跳到正文", "回到顶部", "下一页", "上一页", "本页内容", "版权所有", "本站由"):
        assert chinese in html, f"{chinese} is missing: docs/zh_CN/locales/.../sphinx.po not used?"
    for english in ("Skip to content", "Back to top", ">Next<", ">Previous<", "On this page",
                    "Made with"):
        assert english not in html, f"{english!r} is still English on the Chinese page"
    english_page = (site / "training_loop.html").read_text(encoding="utf-8")
    assert "Back to top" in english_page and "回到顶部" not in english_page


def test_links_between_the_two_editions_reach_a_built_page_and_heading(site):
    """Markdown links from a Chinese page to an English page (``../layer_view.md#...``), or from an
    English page to a Chinese one (``zh_CN/glossary.md``), become links to the built page, and
    each one's page and anchor exist."""
    to_english = re.compile(r'href="(\.\./[\w/]+\.html)(?:#([^"]*))?"')
    to_chinese = re.compile(r'href="(zh_CN/[\w/]+\.html)(?:#([^"]*))?"')
    checked = 0
    for path in [*sorted((site / "zh_CN").glob("*.html")), *sorted(site.glob("*.html"))]:
        pattern = to_english if path.parent.name == "zh_CN" else to_chinese
        html = path.read_text(encoding="utf-8")
        html = html[html.find('<article'):html.find('</article>')]  # not the language switch
        for target, anchor in pattern.findall(html):
            page = (path.parent / target).resolve()
            assert page.is_file(), f"zh_CN/{path.name} links to {target}, which was not built"
            if anchor:
                assert f'id="{anchor}"' in page.read_text(encoding="utf-8"), \
                    f"zh_CN/{path.name} links to {target}#{anchor}: no such heading"
            checked += 1
    assert checked >= 2, "no page links to the other edition (both glossaries do)"


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


# --- the built Chinese site in a browser --------------------------------------------------------

def test_chinese_pages_in_a_browser_speak_chinese_switch_language_and_search(site):
    """Three Chinese pages in headless Chromium: Furo's interface strings are Chinese, the language
    switch opens the same page in English and back, and a search for a seed's phrase finds the
    glossary (skipped, saying what is missing, without selenium or chromium)."""
    import time

    from browser import headless_chromium

    driver = headless_chromium(1280, 800)
    try:
        from selenium.webdriver.common.by import By

        def text_of(selector: str) -> str:
            return " ".join(element.get_attribute("textContent")
                            for element in driver.find_elements(By.CSS_SELECTOR, selector))

        for page in ("training_loop", "glossary", "iris_221"):
            driver.get((site / "zh_CN" / f"{page}.html").as_uri())
            assert driver.execute_script("return document.documentElement.lang").startswith("zh")
            assert "跳到正文" in text_of(".skip-to-content")
            assert "回到顶部" in text_of(".back-to-top")
            assert "本页内容" in text_of(".toc-title")
            assert "搜索" in driver.find_element(By.CSS_SELECTOR, ".sidebar-search").get_attribute(
                "placeholder")
            footer = text_of(".next-page") + text_of(".prev-page")
            assert ("上一页" in footer or "下一页" in footer) and "Next" not in footer \
                and "Previous" not in footer, footer
            assert "本站由" in text_of(".bottom-of-page") and "Made with" not in text_of(".bottom-of-page")
            driver.find_element(By.CSS_SELECTOR, ".language-switch a").click()
            assert driver.current_url.endswith(f"/{page}.html") and "/zh_CN/" not in driver.current_url
            assert driver.execute_script("return document.documentElement.lang") == "en"
            driver.find_element(By.CSS_SELECTOR, ".language-switch a").click()
            assert driver.current_url.endswith(f"/zh_CN/{page}.html"), driver.current_url

        driver.get((site / "zh_CN" / "search.html").as_uri() + "?q=反向传播算法")
        links: list[str] = []
        for _ in range(200):  # results arrive one page at a time: wait for the one expected
            links = [a.get_attribute("href") for a in
                     driver.find_elements(By.CSS_SELECTOR, "#search-results ul.search li a")]
            if any(link.split("?")[0].endswith("/zh_CN/glossary.html") for link in links):
                break
            time.sleep(0.05)
        assert any(link.split("?")[0].endswith("/zh_CN/glossary.html") for link in links), links
    finally:
        driver.quit()
