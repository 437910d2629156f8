"""Sphinx settings for chainrule's documentation site, English and Chinese (简体中文) alike.

English: ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
Chinese: the same settings (``-c docs``) on the separate source tree docs/zh_CN/, with
``-D language=zh_CN``, into docs/_build/html/zh_CN. ``python docs/build_site.py`` runs both.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))  # the worktree's autograd and nn, not an installed copy

project = "chainrule"
author = "the chainrule authors"
copyright = "the chainrule authors"
release = version = "0.1.0"

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]  # the language switch (components/edit-this-page.html)
exclude_patterns = ["_build", "_templates", "zh_CN", "**/README.md"]  # zh_CN is a build of its own
locale_dirs = ["locales"]  # relative to the source tree: docs/zh_CN/locales holds Furo's strings in Chinese

# --- notebooks (issue 22, part 3): each learning-path page as a downloadable .ipynb ------------
# docs/notebooks.py (a Sphinx extension) writes OUTDIR/notebooks/PAGE.ipynb, made from the page by
# jupytext, and puts a download link at the top of the page.
sys.path.insert(0, str(DOCS))
extensions.append("notebooks")
# --- end of notebooks ----------------------------------------------------------------------------

myst_enable_extensions = ["dollarmath", "deflist"]
myst_heading_anchors = 3  # [text](page.md#a-heading) links work as on GitHub

autodoc_default_options = {"members": True}
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"
napoleon_google_docstring = True
napoleon_numpy_docstring = True

html_theme = "furo"
html_title = "chainrule"
html_theme_options = {"top_of_page_buttons": ["edit"], "navigation_with_keys": True}
html_show_sourcelink = False
html_copy_source = False
html_show_search_summary = False  # the excerpts are fetched, which file:// does not allow
html_last_updated_fmt = None
html_sidebars = {"**": ["sidebar/brand.html", "sidebar/language.html", "sidebar/search.html",
                        "sidebar/scroll-start.html", "sidebar/navigation.html",
                        "sidebar/scroll-end.html"]}

def _language_context(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """What the language switch needs: the other edition's name and the link to this page in it
    (to its start page where this page has no counterpart: search, the general index)."""
    chinese = app.config.language.startswith("zh")
    other = DOCS / (f"{pagename}.md" if chinese else f"zh_CN/{pagename}.md")
    target = pagename if other.is_file() else "index"
    up = "../" * pagename.count("/")
    context["other_language_name"] = "English" if chinese else "简体中文"
    context["other_language_code"] = "en" if chinese else "zh-CN"
    context["other_language_url"] = (f"{up}../{target}.html" if chinese
                                     else f"{up}zh_CN/{target}.html")


# A line break inside a Chinese sentence is not a space. The Chinese sources keep each paragraph
# on one line (tests/test_docs_site.py checks it); a break that is still there is joined here.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"


def _join_cjk_lines(app, doctree) -> None:
    """In the Chinese edition, drop the newline that Markdown turns into a space between lines."""
    from docutils import nodes

    if not app.config.language.startswith("zh"):
        return
    cjk = re.compile(f"[{_CJK}]")
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if str(text) != "\n" or isinstance(parent, (nodes.literal_block, nodes.literal, nodes.raw)):
            continue
        # by identity: every line break is an equal Text("\n"), and list.index would find the first
        index = next(i for i, child in enumerate(parent.children) if child is text)
        before = parent[index - 1].astext()[-1:] if index > 0 else ""
        after = parent[index + 1].astext()[:1] if index + 1 < len(parent) else ""
        if cjk.match(before) and cjk.match(after):  # between Chinese and a Latin word, keep the space
            del parent[index]


# Docstrings are written as plain text with maths (|x|, |backward − numerical|), read mostly in
# the REPL; in reStructuredText |word| would be a substitution. Outside ``literals`` and doctest
# examples, such bars are escaped so that they show as written.
_LITERAL = re.compile(r"(``.*?``)")


def _bars_as_written(app, what: str, name: str, obj, options, lines: list[str]) -> None:
    """Escape the | of plain-text maths in a docstring's prose lines (not in doctests)."""
    in_example = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(">>>"):
            in_example = True
        elif not stripped:
            in_example = False
        if in_example or "|" not in line:
            continue
        parts = _LITERAL.split(line)
        lines[i] = "".join(part if part.startswith("``") else part.replace("|", "\\|")
                           for part in parts)




_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
GLOSSARY = DOCS / "zh_CN" / "glossary.md"


def glossary_words(path: Path = GLOSSARY) -> list[str]:
    """The Chinese terms of the glossary's first two columns (term, synonyms), three characters
    or more: the words jieba must keep whole (it cuts 反向传播算法 into 反向 / 传播 / 算法)."""
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 3 and not set(cells[1].strip()) <= set("-: "):
            terms = re.sub(r"（[^）]*）|\([^)]*\)", " ", cells[1] + " " + cells[2])  # not the remarks
            words += [run for run in _HAN_RUN.findall(terms) if len(run) > 2]
    return list(dict.fromkeys(words))


def _chinese_search():
    """The search language class below (built here: conf.py must import without Sphinx)."""
    from sphinx.search.zh import SearchChinese

    class ChineseSearch(SearchChinese):
        """Chinese search: jieba's words (with the glossary's terms kept whole) and every pair of
        adjacent characters are indexed; a query finds a page by a whole indexed word, or else by
        all the pairs of its characters (链式求导: 链式, 式求, 求导), so any phrase on a page is found."""

        # Sphinx 9.0 names the JS stemmer after language_name ("ChineseStemmer"), which it does not
        # ship (sphinx-doc/sphinx#14229); Chinese search stems Latin words with the English one.
        language_name = "English"
        js_splitter_code = r"""
function splitQuery(query) {
  const han = /[\u3400-\u4dbf\u4e00-\u9fff]/u;
  const index = (typeof Search !== "undefined" && Search._index) ? Search._index : null;
  const known = (word) => index !== null && (Object.hasOwn(index.terms, word)
                                              || Object.hasOwn(index.titleterms, word));
  const terms = [];
  for (const part of query.split(/[^\p{Letter}\p{Number}_]+/u)) {
    const runs = part.match(/[\u3400-\u4dbf\u4e00-\u9fff]+|[^\u3400-\u4dbf\u4e00-\u9fff]+/gu) || [];
    for (const run of runs) {
      if (!han.test(run) || run.length < 2 || known(run)) { terms.push(run); continue; }
      for (let i = 0; i + 1 < run.length; i++) terms.push(run.slice(i, i + 2));
    }
  }
  return terms.filter((term) => term);
}
"""

        def __init__(self, options: dict[str, str]) -> None:
            try:
                import jieba  # the docs extra installs it; without it, the pairs still find a phrase
            except ImportError:
                jieba = None
            else:
                jieba.setLogLevel(30)  # not "Building prefix dict..." on every build
            super().__init__(options)
            for word in glossary_words() if jieba else []:
                jieba.add_word(word)

        def split(self, input: str) -> list[str]:
            """jieba's words and the Latin words (Sphinx's), plus each pair of Han characters."""
            terms = super().split(input)
            for run in _HAN_RUN.findall(input):
                terms += [run[i:i + 2] for i in range(len(run) - 1)]
            return terms

    return ChineseSearch


def _other_edition_page(target: str, srcdir: Path) -> tuple[str, Path] | None:
    """The page of the other edition that a Markdown link names (``../layer_view.md`` from a
    Chinese page, ``zh_CN/glossary.md`` from an English one): its path from the site's root
    (``layer_view`` or ``zh_CN/glossary``) and its source file; None for anything else."""
    source = Path(target) if Path(target).is_absolute() else srcdir / target
    source = source.with_name(source.name + ".md").resolve()
    zh = (DOCS / "zh_CN").resolve()
    if source.parent == zh:
        return f"zh_CN/{source.stem}", source
    if source.parent == DOCS.resolve():
        return source.stem, source
    return None


def _link_other_edition(env, doctree, docname: str) -> None:
    """Turn a Markdown link to a page of the other language's tree into a link to that built page.

    Both editions are one site (Chinese under zh_CN/), but two Sphinx projects, so MyST does not
    know the other tree's pages. The link is written as on GitHub, ``[层视图](../layer_view.md)``;
    this runs before MyST's resolver and links the built ``../layer_view.html`` instead. A link
    to a file that does not exist is left for MyST to report (a warning fails the build).
    """
    from docutils import nodes
    from sphinx import addnodes

    chinese = env.config.language.startswith("zh")
    root = "../" * docname.count("/") + ("../" if chinese else "")
    for node in list(doctree.findall(addnodes.pending_xref)):
        if node.get("reftype") != "myst" or node.get("refdomain") != "doc" \
                or node["reftarget"] in env.all_docs:
            continue
        found = _other_edition_page(node["reftarget"], Path(env.srcdir))
        if found is None or found[0].startswith("zh_CN/") == chinese or not found[1].is_file():
            continue
        anchor = f"#{node['reftargetid']}" if node.get("reftargetid") else ""
        link = nodes.reference("", "", internal=False, refuri=f"{root}{found[0]}.html{anchor}")
        link += node[0].deepcopy()
        node.replace_self(link)


def _other_edition_transform():
    """The post-transform that runs the hook above just before MyST resolves links (priority 10)."""
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class OtherEditionLinks(SphinxPostTransform):
        """Links from one language's pages to the other's, as built pages of the same site."""

        default_priority = 5

        def run(self, **kwargs) -> None:
            _link_other_edition(self.env, self.document, self.env.docname)

    return OtherEditionLinks


def _chinese_footer(app, config) -> None:
    """The Chinese footer in Chinese: the copyright line, and one translated sentence (sphinx.po)
    crediting Sphinx and Furo, as Furo's "Sphinx and @pradyunsg's Furo" pieces make no Chinese."""
    if config.language.startswith("zh"):
        config.html_show_sphinx = False
        config.copyright = "chainrule 的作者们"


def setup(app):
    """Connect the hooks above."""
    app.connect("config-inited", _chinese_footer)
    app.add_post_transform(_other_edition_transform())
    app.add_search_language(_chinese_search())
    app.connect("autodoc-process-docstring", _bars_as_written)
    app.connect("doctree-read", _join_cjk_lines)
    app.connect("html-page-context", _language_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
