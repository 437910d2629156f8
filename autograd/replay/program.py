"""The text of a generated program: the names it gives (``Namer``: never a label as code), its
statements, the comments that show a label (``note``) and its lines wrapped to the page.

>>> Namer().readable("W1[0][1]", "v")
'W1_0_1'
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..text import visible_text
from .templates import FLOAT_FUNCTIONS

PROGRAM_NAMES = frozenset({"step", "extra", "first_try", "seed", "n", "REFUSED", "MISSING", "spread",
                           "total", "S", "ai", "every", "where", *FLOAT_FUNCTIONS})
"""The names a generated program uses for itself (its arguments, its functions, its shared list)."""
RESERVED = frozenset({*keyword.kwlist, *keyword.softkwlist, *dir(builtins), *PROGRAM_NAMES})
"""Names no graph name or input name ever takes in a program: Python's own and the program's own."""

READABLE_CHARS = 24
"""The longest graph name a program uses as it is (longer ones get a made-up name and a comment)."""
NOTE_CHARS = 60
"""The longest label shown in a program's comment (longer ones end in ``...``)."""
_INDEXED_NAME = re.compile(r"([A-Za-z][A-Za-z0-9_]*)((?:\[[0-9]{1,6}\])+)")


class Namer:
    """Every variable name of one program, made here and only here: never a label run as code.

    A graph name (a label, a ``names=`` entry, an input's name) is used as it is only when it is a
    short ASCII identifier (``w``, ``t1``, ``z2``) or an indexed one (``W1[0][1]`` is ``W1_0_1``),
    not Python's or the program's own (``RESERVED``) and not taken; any other gets a made-up name
    from a safe alphabet (``t_4``, ``v_2``, ``x_1``), and its text is shown by ``note``. Names
    made from others (``dL_dw``, ``leaf_w``) are checked and numbered the same way.

    >>> names = Namer()
    >>> [names.readable(s, "v") for s in ("w", "W1[0][1]", "step", "a.b", "w", "x\\n__import__")]
    ['w', 'W1_0_1', 'v_1', 'v_2', 'v_3', 'v_4']
    >>> names.derived("leaf", "w"), names.derived("leaf", "w")
    ('leaf_w', 'leaf_w_2')
    """

    def __init__(self) -> None:
        self.taken: set[str] = set(RESERVED)
        self._counters: dict[str, int] = {}

    def readable(self, name: str, kind: str) -> str:
        """``name`` as a program variable when it is safe and free, else a fresh ``{kind}_{k}``."""
        if len(name) <= READABLE_CHARS:
            if name.isascii() and name.isidentifier() and name[0] != "_":  # [A-Za-z][A-Za-z0-9_]*
                candidate = name
            elif (match := _INDEXED_NAME.fullmatch(name)) is not None:
                candidate = match.group(1) + match.group(2).replace("[", "_").replace("]", "")
            else:
                candidate = ""
            if candidate and candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        return self.fresh(kind)

    def fresh(self, kind: str) -> str:
        """A made-up name ``{kind}_{k}``, not taken (``kind`` is the writer's own short word)."""
        k = self._counters.get(kind, 0)
        while True:
            k += 1
            name = f"{kind}_{k}"
            if name not in self.taken:
                self._counters[kind] = k
                self.taken.add(name)
                return name

    def derived(self, *parts: str) -> str:
        """A name made of program names and the writer's words (``d`` + ``L`` + ``_d`` + ``w``)."""
        base = "_".join(parts)
        result, k = base, 1
        while result in self.taken:
            k += 1
            result = f"{base}_{k}"
        self.taken.add(result)
        return result


def note(label: str, limit: int = NOTE_CHARS) -> str:
    r"""``label`` as a safe comment's text: one line of printable ASCII, at most ``limit`` characters.

    Control characters, line breaks and bidirectional controls are written as escapes, as the
    pictures and the console show them (``visible_text``), and so is any other non-ASCII character,
    so that the program prints on any console. Nothing in it can end the comment.

    >>> note("w\n__import__('os')"), note("权重"), note("x" * 80)[-5:]
    ("w\\n__import__('os')", '\\u6743\\u91cd', 'xx...')
    """
    text = visible_text(label, one_line=True).encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= limit else text[:limit - 3] + "..."


@dataclass(slots=True)
class Statement:
    """One line of a program: its text, the variable it sets (or None) and the variables it reads."""

    text: str
    target: str | None = None
    reads: tuple[str, ...] = ()
    pure: bool = False
    """A forward value (``target = expression``), which may be written into its one reader instead."""
    note: str = ""
    """What the line's value is called in the graph when the program names it otherwise (``W1[0]``):
    made by ``note``, written after the line as a comment."""
    shown_only: bool = False
    """A line that writes into a parameter's ``.grad``: ``walk`` shows it without running it."""

    def line(self, indent: str) -> str:
        """The statement as program text (wrapped near 100 columns), with its comment: after it, or
        on a line of its own above it when it would not fit in 100 columns."""
        text = _wrap(self.text, indent)
        if not self.note:
            return text
        if len(text) - text.rfind("\n") + len(self.note) + 3 <= 100:
            return f"{text}  # {self.note}"
        return f"{indent}# {self.note}\n{text}"


@dataclass
class Program:
    """A generated program: ``source`` (Python text) and ``namespace`` (what its names mean)."""

    source: str
    entry: str
    """The name of the function to call."""
    namespace: dict[str, Any] = field(default_factory=dict)
    body: list[Statement] = field(default_factory=list)
    """The statements of the program for one sample, for walking it line by line."""
    inputs: tuple[str, ...] = ()
    """The program's names of the inputs, in call order (an input's own name when it is safe)."""

    def function(self) -> Callable[..., Any]:
        """Compile ``source`` in ``namespace`` and return the entry function."""
        code = compile(self.source, f"<replay {self.entry}>", "exec")
        exec(code, self.namespace)
        return self.namespace[self.entry]


def float_literal(x: float) -> str:
    """A float as Python source that reads back as exactly the same float."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


def _wrap(text: str, indent: str, width: int = 100) -> str:
    """A long statement broken inside parentheses, so that lines stay near ``width``: after ``+``
    signs (or ``and``), and a part still too long at its spaces. A program holds no string literal,
    so every space is between two tokens, where a line may break inside parentheses."""
    if len(indent) + len(text) <= width:
        return indent + text
    if text.startswith("if ") and text.endswith(": raise REFUSED"):  # if a + b + … != 0.0: / if not (…):
        inner = text[3:-len(": raise REFUSED")]
        joiner = " + " if " + " in inner else " and "
        lines = _fill(f"{indent}if (", inner, joiner, indent + "        ", width)
        lines[-1] += "):"
        return "\n".join([*lines, indent + "    raise REFUSED"])
    for assign in (" = ", " += "):
        if assign in text:
            break
    else:
        return indent + text
    head, expression = text.split(assign, 1)
    lines = _fill(f"{indent}{head}{assign}(", expression, " + ", indent + "    ", width)
    lines[-1] += ")"
    return "\n".join(lines)


def _fill(first: str, expression: str, joiner: str, indent: str, width: int) -> list[str]:
    """``first`` then ``expression`` as lines of at most ``width`` (when it can be), broken after each
    ``joiner``, or at spaces within a part longer than a line; later lines start with ``indent``."""
    pieces: list[str] = []
    parts = expression.split(joiner)
    room = width - len(indent) - len(joiner)
    for i, part in enumerate(parts):
        end = joiner if i < len(parts) - 1 else ""
        if len(part) <= room:
            pieces.append(part + end)
        else:
            words = part.split(" ")
            pieces += [word + " " for word in words[:-1]] + [words[-1] + end]
    lines, current = [], first
    for piece in pieces:
        if len(current) + len(piece.rstrip()) > width and current.strip() and (
                current != first or len(indent) + len(piece.rstrip()) <= width):
            lines.append(current.rstrip())
            current = indent
        current += piece
    lines.append(current.rstrip() if current.endswith(" ") else current)
    return lines


def _wrap_list(opening: str, items: str, closing: str, indent: str, width: int = 100) -> str:
    """``opening + items + closing`` broken after commas of ``items`` so that lines stay near ``width``
    (a function of many inputs: its signature, the call that passes them on)."""
    if len(opening) + len(items) + len(closing) <= width:
        return opening + items + closing
    words = items.split(", ")
    pieces = [word + ", " for word in words[:-1]] + [words[-1] + closing]
    lines, current = [], opening
    for piece in pieces:
        if len(current) + len(piece.rstrip()) > width and current.strip() not in (opening.strip(), ""):
            lines.append(current.rstrip())
            current = indent + "        "
        current += piece
    return "\n".join([*lines, current])
