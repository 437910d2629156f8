"""What chainrule prints, for any console: the one text policy, ``echo`` and the ``Table`` class.

The policy (every printed line of chainrule follows it):

1. **Maths a student may copy back is Python, in ASCII.** Expressions, equations and formulas
   use ``-`` (never U+2212), ``*`` for products, ``**2`` for squares, ``0.5*`` for a half,
   ``sigmoid(z)`` and ``sigma'(z)``, ``sqrt(a)``, ``abs(a)``: ``err = a2 - 1``,
   ``z2 = W2[0]*a1[0] + W2[1]*a1[1] + b2``. ``python_maths`` turns RULES' formulas (which keep
   their maths symbols) into this form.
2. **A few symbols make prose and tables easier to read** (``×`` between a local derivative and
   the upstream gradient, ``→``, ``·``, ``…``, ``≈``, ``σ``, ``²``, ``½``, blocks ``▁``-``█``, ...).
   They are written only to a stream whose encoding is a UTF encoding (UTF-8 terminals, Jupyter,
   files opened as UTF-8). Any other stream (GBK, cp1252, ASCII, ...) gets each one's ASCII
   spelling from ``ASCII_SPELLING`` (``×`` is ``*``, ``→`` is ``->``): GBK could encode some of
   them, but a Chinese console draws them two columns wide, which breaks the alignment. Any other
   character the stream cannot encode becomes ``?``: printing never raises UnicodeEncodeError.
3. **Lines fit the console: its width when known, else ``WIDTH`` (100) columns**, and never more
   than 100 (``console_width()``: ``shutil.get_terminal_size`` reads ``$COLUMNS``, then the
   terminal; a notebook, a file or a pipe gets 100). A ``Table`` wider than that is wrapped, a long
   line ``echo`` prints is broken at spaces, never inside a number; the full width is there on
   request (``render(width=None)``). ``CONSOLE`` as a ``width`` means "the console's width, measured
   when the text is made".
4. **Control characters never reach the terminal.** A label may hold any text; printed, its control
   characters (ESC, NUL, ...) are written as escapes (``\\x1b``) and a carriage return as a line
   break by ``visible_text``, the same function the pictures use: ``for_stream`` applies it to
   every line, and a ``Table`` cell (one line by nature) has its line breaks written as ``\\n``.

>>> for_stream("0 → 2 × 3", encoding="utf-8"), for_stream("0 → 2 × 3", encoding="gbk")
('0 → 2 × 3', '0 -> 2 * 3')
>>> python_maths("σ(a)·(1 − σ(a))"), python_maths("½(a − c)²")
('sigmoid(a)*(1 - sigmoid(a))', '0.5*(a - c)**2')
"""

from __future__ import annotations

import codecs
import html
import re
import shutil
import sys
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import TextIO

__all__ = ["ASCII_SPELLING", "CONSOLE", "WIDTH", "Table", "ascii_spelling", "console_width", "display_width",
           "echo", "fit_line", "for_stream", "python_maths", "rich_symbols", "visible_text"]

WIDTH = 100
"""The widest line chainrule prints: a notebook cell, a file, a pipe, or a terminal of 100 or more."""

MIN_WIDTH = 40
"""The narrowest width chainrule lays text out for, however narrow the terminal says it is."""

CONSOLE = 0
"""A ``width`` meaning "the console's width, measured when the text is made" (``console_width()``)."""


def console_width() -> int:
    """The columns to print in: the terminal's width when known, else ``WIDTH``; at most ``WIDTH``.

    ``shutil.get_terminal_size`` reads ``$COLUMNS`` first, then the terminal stdout is on; a
    notebook, a file or a pipe has no width, and gets 100.

    >>> import os
    >>> os.environ["COLUMNS"] = "80"; console_width()
    80
    >>> os.environ["COLUMNS"] = "250"; console_width()
    100
    >>> del os.environ["COLUMNS"]
    """
    columns = shutil.get_terminal_size((WIDTH, 24)).columns
    if columns <= 0:
        return WIDTH
    return max(MIN_WIDTH, min(columns, WIDTH))


def _resolved(width: int | None) -> int | None:
    """``width``, with ``CONSOLE`` replaced by the console's width now."""
    return console_width() if width == CONSOLE else width

ASCII_SPELLING: dict[str, str] = {
    "−": "-", "–": "-", "—": "--", "×": "*", "·": "*", "→": "->", "←": "<-", "…": "...",
    "≈": "~", "≤": "<=", "≥": ">=", "≠": "!=", "±": "+/-", "²": "**2", "³": "**3", "½": "0.5*",
    "√": "sqrt", "σ": "sigma", "Σ": "sum", "β": "beta", "ᵢ": "_i", "ŷ": "y_hat", "θ": "theta",
    "▁": "_", "▂": ".", "▃": ",", "▄": "-", "▅": "=", "▆": "+", "▇": "*", "█": "#",
    "\u00a0": " ", "‘": "'", "’": "'", "“": '"', "”": '"',
}
"""How each symbol chainrule may print is spelled on a stream that is not UTF (policy point 2)."""

_SPELLING_TABLE = str.maketrans(ASCII_SPELLING)

_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters XML (and so SVG) cannot hold, or that show nothing: control characters, lone surrogates."""
_UNSHOWABLE_IN_A_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                                   "\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
"""The same, plus what breaks a line or reorders it for the reader: line breaks, the Unicode line and
paragraph separators and the bidirectional controls (which can make a line read unlike it runs)."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "\\n" if code == 10 else f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible_text(text: str, one_line: bool = False) -> str:
    r"""``text`` as chainrule shows it: control characters written as escapes (``\x00``), line
    breaks as ``\n``, tabs as spaces; everything else, any script, emoji and markup characters
    included, as it is. The pictures, the console (``for_stream``) and the replay's comments all
    show labels through this one function.

    ``one_line``: for a table cell or a comment in generated code, line breaks are escaped too
    (``\n``, U+2028, U+2029), and so are the bidirectional controls.

    >>> visible_text("a\x00b\r\nc<d>"), visible_text("a\x1b[2J\nb", one_line=True)
    ('a\\x00b\nc<d>', 'a\\x1b[2J\\nb')
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return (_UNSHOWABLE_IN_A_LINE if one_line else _UNSHOWABLE).sub(_escape, text)


def ascii_spelling(text: str) -> str:
    """``text`` with every symbol of ``ASCII_SPELLING`` spelled out (``√a`` reads ``sqrt(a)``).

    >>> ascii_spelling("1 → √v ≈ 0.3 × σ(z)")
    '1 -> sqrt(v) ~ 0.3 * sigma(z)'
    """
    return re.sub(r"√(\w+)", r"sqrt(\1)", text).translate(_SPELLING_TABLE)


def python_maths(text: str) -> str:
    """A maths formula (as RULES write it) in Python's ASCII operators (policy point 1).

    >>> python_maths("1/(2·√a)"), python_maths("−a/b²"), python_maths("σ'(z)·xᵢ"), python_maths("|a|")
    ('1/(2*sqrt(a))', '-a/b**2', "sigma'(z)*x_i", 'abs(a)')
    """
    text = re.sub(r"√(\w+)", r"sqrt(\1)", text)
    text = re.sub(r"\|([^|]+)\|", r"abs(\1)", text)
    text = re.sub(r"σ(?=\()", "sigmoid", text)
    text = text.replace("ln(", "log(").replace("σ'", "sigma'")
    for symbol, spelling in (("−", "-"), ("·", "*"), ("×", "*"), ("²", "**2"), ("½", "0.5*"),
                             ("…", "..."), ("ᵢ", "_i"), ("Σ", "sum "), ("σ", "sigmoid")):
        text = text.replace(symbol, spelling)
    return text


def _encoding_of(stream: TextIO | None) -> str:
    """The encoding text written to ``stream`` (default ``sys.stdout``) ends up in; UTF-8 if unknown."""
    encoding = getattr(stream if stream is not None else sys.stdout, "encoding", None)
    return encoding or "utf-8"


def rich_symbols(stream: TextIO | None = None, encoding: str | None = None) -> bool:
    """Whether ``stream`` (default: ``sys.stdout``) gets the symbols of policy point 2: a UTF encoding.

    >>> rich_symbols(encoding="UTF-8"), rich_symbols(encoding="gbk"), rich_symbols(encoding="cp1252")
    (True, False, False)
    """
    name = encoding or _encoding_of(stream)
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return False
    return name.startswith("utf")


def for_stream(text: str, stream: TextIO | None = None, encoding: str | None = None) -> str:
    """``text`` as it should be written to ``stream`` (default ``sys.stdout``) under the policy.

    >>> for_stream("a2 − 1 ≈ 0.4", encoding="cp1252"), for_stream("名 ŷ", encoding="ascii")
    ('a2 - 1 ~ 0.4', '? y_hat')
    """
    encoding = encoding or _encoding_of(stream)
    if _UNSHOWABLE.search(text) or "\r" in text:
        text = visible_text(text)
    if rich_symbols(encoding=encoding):
        return text
    text = ascii_spelling(text)
    try:
        return text.encode(encoding, "replace").decode(encoding, "replace")
    except LookupError:
        return text.encode("ascii", "replace").decode("ascii")


def echo(*parts: object, sep: str = " ", end: str = "\n", file: TextIO | None = None,
         width: int | None = CONSOLE) -> None:
    """``print`` under the console policy: never a UnicodeEncodeError, symbols spelled for the stream,
    a line wider than the console broken at spaces (``width=None``: never).

    >>> echo("dC/dz2 = -0.199053 × 1")
    dC/dz2 = -0.199053 × 1
    >>> echo("dC/dz2 = -0.199053 × 1", width=16)
    dC/dz2 =
        -0.199053 × 1
    """
    stream = file if file is not None else sys.stdout
    text = for_stream(sep.join(str(part) for part in parts), stream)  # spelled first: '→' is '->'
    limit = _resolved(width)
    if limit is not None:
        text = "\n".join(part for line in text.split("\n") for part in fit_line(line, limit))
    stream.write(text + for_stream(end, stream))


def display_width(text: str) -> int:
    """How many terminal columns ``text`` takes: Chinese, Japanese and Korean characters take two.

    >>> display_width("loss"), display_width("损失")
    (4, 4)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    """``text`` padded with spaces to ``width`` columns, on the left when ``right``-aligned."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


Row = Sequence[str]


def _cell(text: str) -> str:
    """A table's cell, heading or note as one line of visible text (a label may hold anything)."""
    return visible_text(text, one_line=True) if _UNSHOWABLE_IN_A_LINE.search(text) else text


class Table:
    """A fixed-width text table that prints itself: ``print(t)``, ``t`` at the REPL, HTML in Jupyter.

    ``numeric`` columns are right-aligned. ``notes`` are lines printed after the table (a blank line
    first). When the table is wider than ``width``, it is wrapped: each row's ``headings`` entry (if
    given) becomes a line of its own and only the ``narrow`` columns stay in the row; if that is still
    too wide, the first narrow column goes on a line of its own above the rest; a last column that is
    a list of parts joined by ``wrap_at`` continues on the next lines. ``render(width=None)`` gives
    the full width.

    >>> t = Table(("x", "x squared"), [("2", "4"), ("-3", "9")], numeric=(0, 1))
    >>> t
     x  x squared
    --  ---------
     2          4
    -3          9
    """

    def __init__(self, header: Row, rows: Sequence[Row], *, numeric: Sequence[int] = (),
                 notes: Sequence[str] = (), headings: Sequence[str | None] | None = None,
                 narrow: Sequence[int] | None = None, wrap_at: str | None = None,
                 width: int | None = CONSOLE) -> None:
        self.header = tuple(_cell(cell) for cell in header)
        self.rows = [tuple(_cell(cell) for cell in row) for row in rows]
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"Table: a row has {len(row)} cells for {len(self.header)} columns: {row!r}")
        self.numeric = frozenset(numeric)
        self.notes = tuple(_cell(note) for note in notes)
        self.headings = None if headings is None else [h if h is None else _cell(h) for h in headings]
        self.narrow = None if narrow is None else tuple(narrow)
        self.wrap_at = wrap_at
        self.width = width

    # --- text -------------------------------------------------------------------------------------
    def render(self, width: int | None = CONSOLE, rich: bool = True) -> str:
        """The table as text at most ``width`` columns wide (``None``: full width; ``CONSOLE``: the
        console's), symbols if ``rich``.

        >>> t = Table(("name", "value"), [("x", "1 → 2")])
        >>> print(t.render(rich=False))
        name  value
        ----  ------
        x     1 -> 2
        """
        width = _resolved(width)
        spell = (lambda s: s) if rich else ascii_spelling
        header = tuple(spell(cell) for cell in self.header)
        rows = [tuple(spell(cell) for cell in row) for row in self.rows]
        headings = None if self.headings is None else [spell(h) if h else None for h in self.headings]
        columns = tuple(range(len(header)))
        def too_wide(lines: list[str]) -> bool:
            """Whether some line is wider than ``width`` columns."""
            return width is not None and max(map(display_width, lines), default=0) > width

        lines = self._layout(header, rows, columns, None)
        if too_wide(lines) and self.narrow is not None:
            lines = self._layout(header, rows, self.narrow, headings)
            if too_wide(lines) and len(self.narrow) > 1:
                lines = self._stacked(header, rows, headings)
        if too_wide(lines) and self.wrap_at:
            lines = self._wrapped_last(header, rows, width)  # type: ignore[arg-type]
        notes = [spell(note) for note in self.notes]
        if notes:
            lines += ["", *notes]
        if width is not None:
            lines = [part for line in lines for part in fit_line(line, width)]
        return "\n".join(lines)

    def _line(self, cells: Row, columns: Sequence[int], widths: Sequence[int], indent: str) -> str:
        """One row of ``columns``, each cell padded to its width (numbers to the right)."""
        text = "  ".join(_pad(cell, w, c in self.numeric) for cell, c, w in zip(cells, columns, widths))
        return (indent + text).rstrip()

    def _layout(self, header: Row, rows: list[Row], columns: Sequence[int],
                headings: list[str | None] | None) -> list[str]:
        """Header, rule and rows of ``columns``; with ``headings``, each heading on a line above its row."""
        picked = [tuple(row[c] for c in columns) for row in rows]
        head = tuple(header[c] for c in columns)
        widths = [max(display_width(r[i]) for r in [head, *picked]) for i in range(len(columns))]
        indent = "  " if headings is not None else ""
        out = [self._line(head, columns, widths, indent), self._line(tuple("-" * w for w in widths),
                                                                     columns, widths, indent)]
        for k, row in enumerate(picked):
            if headings is not None and headings[k]:
                out.append(headings[k])  # type: ignore[arg-type]
            out.append(self._line(row, columns, widths, indent))
        return out

    def _stacked(self, header: Row, rows: list[Row], headings: list[str | None] | None) -> list[str]:
        """The narrowest layout: the first narrow column on a line of its own, the others below it."""
        first, rest = self.narrow[0], self.narrow[1:]  # type: ignore[index]
        lower = self._layout(header, rows, rest, None)
        out = ["  " + header[first], "      " + lower[0], "      " + lower[1]]
        for k, row in enumerate(rows):
            if headings is not None and headings[k]:
                out.append(headings[k])  # type: ignore[arg-type]
            out += ["  " + row[first], "      " + lower[k + 2]]
        return [line.rstrip() for line in out]

    def _wrapped_last(self, header: Row, rows: list[Row], width: int) -> list[str]:
        """The last column continued on the next lines, broken at ``wrap_at``."""
        last = len(header) - 1
        lead = [max(display_width(r[c]) for r in [header, *rows]) for c in range(last)]
        start = sum(lead) + 2 * last
        room = max(width - start, 20)
        cut = self.wrap_at.rstrip()  # type: ignore[union-attr]
        out = []
        for row in [header, None, *rows]:
            if row is None:
                out.append(self._line(tuple("-" * w for w in lead), range(last), lead, "")
                           + "  " + "-" * min(room, width - start))
                continue
            parts = row[last].split(self.wrap_at)  # type: ignore[arg-type]
            pieces: list[str] = []
            for part in parts:
                joined = f"{pieces[-1]}{self.wrap_at}{part}" if pieces else part
                if pieces and display_width(joined) <= room:
                    pieces[-1] = joined
                else:
                    if pieces:
                        pieces[-1] += cut
                    pieces.append(part)
            first = self._line(row[:last], range(last), lead, "").ljust(start - 2)
            out.append((first + "  " + pieces[0]).rstrip())
            out += [" " * start + piece for piece in pieces[1:]]
        return out

    def __str__(self) -> str:
        """The table as ``print`` shows it: ``width`` columns, symbols only if stdout is UTF."""
        return for_stream(self.render(self.width, rich_symbols()))

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """The whole table (full width, every symbol) as an HTML table, for Jupyter."""
        def cells(row: Row, tag: str) -> str:
            return "".join(f'<{tag} style="text-align:{"right" if c in self.numeric else "left"}">'
                           f"{html.escape(cell)}</{tag}>" for c, cell in enumerate(row))

        body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in self.rows)
        notes = "".join(f"<div>{html.escape(note)}</div>" for note in self.notes if note)
        return (f'<table style="font-family:monospace"><thead><tr>{cells(self.header, "th")}</tr></thead>'
                f"<tbody>{body}</tbody></table>{notes}")


def fit_line(line: str, width: int = CONSOLE) -> list[str]:
    """``line`` as lines of at most ``width`` columns (``CONSOLE``: the console's): a long one is
    broken at spaces, continued indented, so a number is never split (only a word longer than a
    whole line, a long name, is cut; widths are never below ``MIN_WIDTH``).

    >>> fit_line("dL/dx += 2 × dL/dy = 2 × 1 = 2", 20)
    ['dL/dx += 2 × dL/dy =', '    2 × 1 = 2']
    >>> fit_line("dC/dW2[0] = -0.0575363450652148", 24)
    ['dC/dW2[0] =', '    -0.0575363450652148']
    """
    width = console_width() if width == CONSOLE else width
    if display_width(line) <= width:
        return [line]
    indent = len(line) - len(line.lstrip()) + 4
    return textwrap.wrap(line, width, subsequent_indent=" " * min(indent, width // 2),
                         break_on_hyphens=False, drop_whitespace=True) or [line[:width]]
