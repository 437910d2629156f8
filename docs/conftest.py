"""pytest in docs/: the pages' examples run (``--doctest-glob='*.md'``); conf.py is Sphinx's, not a test.

docs/conf.py imports Sphinx, which only the ``docs`` extra installs, so it is not collected.
"""

collect_ignore = ["conf.py"]
