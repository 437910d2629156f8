"""``Module``: the base of every network piece, with named parameters and JSON save/load.

A module's parameters are found by looking at its public attributes in the order they were
set: a ``Value`` is a parameter, a ``Module`` is searched in turn, and a list or tuple is
searched item by item. Names are the attribute path, e.g. ``layers.0.neurons.1.w.2``.

>>> from nn import MLP
>>> net = MLP(2, [1], activations="linear", weights=[[[0.5, -1.0]]], biases=[[0.25]])
>>> [name for name, _ in net.named_parameters()]
['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1', 'layers.0.neurons.0.b']
>>> net.state_dict()["layers.0.neurons.0.w.1"]
-1.0
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Mapping
from typing import Any

from autograd import Value, zero_grad
from autograd.atomic_file import write_file

STATE_FORMAT = "chainrule.nn state"
"""The ``format`` field every saved state file carries."""
STATE_VERSION = 1
MAX_STATE_BYTES = 256 * 1024 * 1024
"""``load()`` refuses files larger than this (256 MiB, room for about six million parameters);
raise it (``nn.module.MAX_STATE_BYTES = ...``) to load a larger model."""
_MAX_DIGITS = 400
"""Integers longer than this are refused while parsing: no float has more than 309 digits, and
Python refuses to convert more than 4300 (``sys.get_int_max_str_digits()``)."""


class StateError(ValueError):
    """A state dict or a saved state file that does not fit the model; the message names the key."""


class Module:
    """Base class: ``parameters()``, ``named_parameters()``, ``zero_grad()``, state and files.

    >>> from nn import Neuron
    >>> n = Neuron(2, weights=[1.0, 2.0], bias=0.5)
    >>> len(n.parameters()), n.state_dict()
    (3, {'w.0': 1.0, 'w.1': 2.0, 'b': 0.5})
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its stable dotted name, in construction order.

        >>> from nn import Neuron
        >>> [name for name, _ in Neuron(2).named_parameters()]
        ['w.0', 'w.1', 'b']
        """
        return list(_walk(self, ""))

    def parameters(self) -> list[Value]:
        """Every parameter ``Value``, in the order of ``named_parameters()``.

        >>> from nn import Layer
        >>> len(Layer(3, 2).parameters())     # 2 neurons × (3 weights + 1 bias)
        8
        """
        return [value for _, value in _walk(self, "")]

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0.0 (leaf gradients accumulate otherwise).

        >>> from nn import Neuron
        >>> n = Neuron(1, weights=[2.0]); n([3.0]).backward(); n.zero_grad(); n.w[0].grad
        0.0
        """
        zero_grad(self.parameters())

    def label_parameters(self) -> None:
        """Set each parameter's ``label`` to its name, so graphs and tables show where it lives.

        >>> from nn import Neuron
        >>> n = Neuron(1); n.label_parameters(); n.b.label
        'b'
        """
        for name, value in _walk(self, ""):
            value.label = name

    # --- state ----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, float]:
        """``{name: value}`` for every parameter: plain floats, ready for JSON.

        >>> from nn import Neuron
        >>> Neuron(1, weights=[3.0], bias=-1.0).state_dict()
        {'w.0': 3.0, 'b': -1.0}
        """
        return {name: value.data for name, value in _walk(self, "")}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``; the model is left unchanged if anything is wrong.

        Missing or extra keys, and values that are not finite real numbers, raise a
        ``StateError`` naming the key.

        >>> from nn import Neuron
        >>> n = Neuron(1); n.load_state_dict({"w.0": 2.0, "b": 0.5}); n.state_dict()
        {'w.0': 2.0, 'b': 0.5}
        >>> n.load_state_dict({"w.0": 2.0})
        Traceback (most recent call last):
        ...
        nn.module.StateError: Neuron state: missing key 'b' (the model has 2 parameters)
        """
        owner = f"{type(self).__name__} state"
        if not isinstance(state, Mapping):
            raise StateError(f"{owner}: expected a mapping of parameter names to numbers, "
                             f"got {type(state).__name__}")
        named = self.named_parameters()
        names = [name for name, _ in named]
        missing = [name for name in names if name not in state]
        known = set(names)
        extra = [key for key in state if key not in known]
        if missing:
            raise StateError(f"{owner}: missing key{'s' if len(missing) > 1 else ''} "
                             f"{_listed(missing)} (the model has {len(names)} parameters)")
        if extra:
            raise StateError(f"{owner}: unexpected key{'s' if len(extra) > 1 else ''} "
                             f"{_listed(extra)} (the model has {len(names)} parameters)")
        numbers = [_finite_number(state[name], f"{owner}: key {name!r}") for name in names]
        for (_, value), number in zip(named, numbers):  # every check passed: now change the model
            value.data = number

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the parameters to ``path`` as JSON, atomically (a temporary file, then a rename).

        The file gets the permissions ``open(path, "w")`` would give it (a new file 0o666 minus
        the umask; an existing file keeps its mode); a symlink is written through only if it is
        your own and ends at a regular file; a FIFO, device or socket is refused (the rules of
        ``autograd.atomic_file``). A parameter that is inf or NaN is refused by name before
        anything is written, so the old file stays as it was. Errors name ``path`` in one line,
        never the temporary file.

        >>> import os, tempfile
        >>> from nn import Neuron
        >>> path = os.path.join(tempfile.mkdtemp(), "neuron.json")
        >>> Neuron(1, weights=[2.0]).save(path)
        >>> n = Neuron(1); n.load(path); n.w[0].data
        2.0
        """
        state = self.state_dict()
        for name, number in state.items():
            if not math.isfinite(number):
                raise StateError(f"{type(self).__name__}.save({str(path)!r}): parameter {name!r} is "
                                 f"{number!r}; a state file holds finite numbers only, so nothing "
                                 f"was written")
        document = {"format": STATE_FORMAT, "version": STATE_VERSION, "model": type(self).__name__,
                    "parameter_count": len(state), "parameters": state}
        text = json.dumps(document, indent=1, allow_nan=False) + "\n"
        write_file(path, text, f"{type(self).__name__}.save")

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read parameters written by ``save``; a bad file raises ``StateError`` and changes nothing.

        Refused, each with a ``StateError`` naming the file and the problem: files over
        ``MAX_STATE_BYTES``, text that is not UTF-8 or not JSON, JSON nested too deeply, numbers
        with hundreds of digits, a key given twice, missing or unexpected keys, another format,
        version or model class, and parameters that are not finite numbers. The file is only
        parsed as JSON (never unpickled or evaluated).

        >>> import os, tempfile
        >>> from nn import Neuron
        >>> path = os.path.join(tempfile.mkdtemp(), "bad.json")
        >>> with open(path, "w") as f:
        ...     _ = f.write('{"format": "chainrule.nn state", "version": 1')
        >>> Neuron(1).load(path)
        Traceback (most recent call last):
        ...
        nn.module.StateError: ...bad.json: not valid JSON (line 1, column 46): Expecting ',' delimiter
        """
        where = str(path)
        document = _read_document(path, where)
        _check_header(document, type(self).__name__, where)
        parameters = document["parameters"]
        if not isinstance(parameters, dict):
            raise StateError(f"{where}: key 'parameters' must be an object of names to numbers, "
                             f"got {_json_type(parameters)}")
        count, have = document["parameter_count"], len(self.named_parameters())
        if type(count) is not int or count != len(parameters):
            raise StateError(f"{where}: key 'parameter_count' is {count!r}, but 'parameters' "
                             f"holds {len(parameters)} entries")
        if count != have:
            raise StateError(f"{where}: key 'parameter_count' is {count}, but this "
                             f"{type(self).__name__} has {have} parameters")
        try:
            self.load_state_dict(parameters)
        except StateError as error:
            raise StateError(f"{where}: {error}") from None


# --- reading a state file -----------------------------------------------------------------------

def _read_document(path: str | os.PathLike[str], where: str) -> dict[str, Any]:
    """The file's JSON object: at most ``MAX_STATE_BYTES``, UTF-8, parsed by the refusing hooks."""
    limit = MAX_STATE_BYTES
    with open(path, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise StateError(f"{where}: the file is larger than the limit of {limit} bytes for a state "
                         f"file (nn.module.MAX_STATE_BYTES); nothing was loaded")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StateError(f"{where}: not a UTF-8 text file ({error.reason})") from None
    try:  # NaN/Infinity parse, and are refused below by key
        document = json.loads(text, parse_int=_parse_int, object_pairs_hook=_object)
    except json.JSONDecodeError as error:
        raise StateError(f"{where}: not valid JSON (line {error.lineno}, column {error.colno}): "
                         f"{error.msg}") from None
    except _BadJSON as error:
        raise StateError(f"{where}: {error}") from None
    except RecursionError:
        raise StateError(f"{where}: the JSON is nested too deeply to be a state file "
                         f"(a state file is one object of names to numbers)") from None
    if not isinstance(document, dict):
        raise StateError(f"{where}: expected a JSON object at the top, got {_json_type(document)}")
    return document


def _check_header(document: dict[str, Any], model: str, where: str) -> None:
    """The document's keys are exactly a state file's, and its format, version and model fit."""
    expected = {"format", "version", "model", "parameter_count", "parameters"}
    for key in sorted(expected - document.keys()):
        raise StateError(f"{where}: missing key {key!r}")
    for key in sorted(document.keys() - expected):
        raise StateError(f"{where}: unexpected key {key!r}")
    if document["format"] != STATE_FORMAT:
        raise StateError(f"{where}: key 'format' is {document['format']!r}, "
                         f"expected {STATE_FORMAT!r}")
    if document["version"] != STATE_VERSION or type(document["version"]) is not int:
        raise StateError(f"{where}: key 'version' is {document['version']!r}, "
                         f"this chainrule reads version {STATE_VERSION}")
    if document["model"] != model:
        raise StateError(f"{where}: key 'model' is {document['model']!r}, "
                         f"but it is being loaded into a {model}")


# --- helpers for the walk and the checks ----------------------------------------------------------

def _walk(obj: Any, prefix: str) -> Iterator[tuple[str, Value]]:
    """(name, Value) for every Value reachable through public attributes, lists and tuples."""
    if isinstance(obj, Value):
        yield prefix, obj
    elif isinstance(obj, Module):
        for key, item in vars(obj).items():
            if not key.startswith("_"):
                yield from _walk(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{prefix}.{i}" if prefix else str(i))


def _finite_number(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise StateError(f"{where} must be a number, got {_json_type(x)} {x!r}")
    try:
        f = float(x)
    except OverflowError:
        raise StateError(f"{where} is {x!r}, too large for a float") from None
    if not math.isfinite(f):
        raise StateError(f"{where} must be finite, got {f!r}")
    return f


class _BadJSON(ValueError):
    """Raised by the parsing hooks below; ``load`` turns it into a StateError naming the file."""


def _parse_int(digits: str) -> int:
    """A JSON integer, refused if it is too long to be a parameter (or for ``int()`` to convert)."""
    count = len(digits.lstrip("-"))
    if count > _MAX_DIGITS:
        raise _BadJSON(f"a number with {count} digits is far too large for a parameter "
                       f"(floats stop at about 1.8e308)")
    return int(digits)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (JSON parsers would keep the last)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _BadJSON(f"key {key!r} appears twice in one object")
        result[key] = value
    return result


def _json_type(x: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             type(None): "null", int: "a number", float: "a number"}
    return names.get(type(x), type(x).__name__)


def _listed(keys: list[str]) -> str:
    shown = ", ".join(repr(k) for k in keys[:5])
    return shown + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
