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

# The pages that exist in both languages: the language switch links page to page for these,
# and to the other edition's start page otherwise. tests/test_docs_site.py keeps this honest.
TRANSLATED = ["index", "getting_started", "chain_rule_one_neuron", "hand_worked_321",
              "seeing_backprop", "training_loop", "common_mistakes", "glossary"]

def _language_context(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """What the language switch needs: the other edition's name and the link to this page in it."""
    chinese = app.config.language.startswith("zh")
    target = pagename if pagename in TRANSLATED else "index"
    depth = pagename.count("/")
    up = "../" * depth
    context["other_language_name"] = "English" if chinese else "简体中文"
    context["other_language_code"] = "en" if chinese else "zh-CN"
    context["other_language_url"] = (f"{up}../{target}.html" if chinese
                                     else f"{up}zh_CN/{target}.html")


# A line break inside a Chinese sentence is not a space: join the lines where either side is a
# CJK character or punctuation (the source keeps lines <= 100 columns).
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


def _chinese_search():
    """The search language class below (built here: conf.py must import without Sphinx)."""
    from sphinx.search.zh import SearchChinese

    class ChineseSearch(SearchChinese):
        """Search for the Chinese edition that needs no word segmenter (jieba): Chinese text
        is indexed, and queried, as overlapping pairs of characters (链式法则: 链式, 式法, 法则)."""

        # Sphinx 9.0 names the JS stemmer after language_name ("ChineseStemmer"), which it does not
        # ship (sphinx-doc/sphinx#14229); Chinese search stems Latin words with the English one.
        language_name = "English"
        js_splitter_code = r"""
function splitQuery(query) {
  const han = /[\u3400-\u4dbf\u4e00-\u9fff]/u;
  const terms = [];
  for (const part of query.split(/[^\p{Letter}\p{Number}_]+/u)) {
    const runs = part.match(/[\u3400-\u4dbf\u4e00-\u9fff]+|[^\u3400-\u4dbf\u4e00-\u9fff]+/gu) || [];
    for (const run of runs) {
      if (!han.test(run) || run.length < 2) { terms.push(run); continue; }
      for (let i = 0; i + 1 < run.length; i++) terms.push(run.slice(i, i + 2));
    }
  }
  return terms.filter((term) => term);
}
"""

        def split(self, input: str) -> list[str]:
            """Latin words (and jieba's words, when it is installed), plus each pair of characters."""
            terms = super().split(input)
            for run in _HAN_RUN.findall(input):
                terms += [run[i:i + 2] for i in range(len(run) - 1)]
            return terms

    return ChineseSearch


def setup(app):
    """Connect the hooks above."""
    app.add_search_language(_chinese_search())
    app.connect("autodoc-process-docstring", _bars_as_written)
    app.connect("doctree-read", _join_cjk_lines)
    app.connect("html-page-context", _language_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
