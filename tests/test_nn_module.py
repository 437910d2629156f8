"""Module: parameter names, state dicts, and JSON files: round trips and every malformed-file error."""

from __future__ import annotations

import json
import math
import os
import stat
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn import MLP, Layer, Neuron, StateError


def small_net(seed: int = 0) -> MLP:
    return MLP(2, [2, 1], activations=["sigmoid", "linear"], rng=seed)


def test_names_are_stable_and_readable():
    names = [name for name, _ in small_net().named_parameters()]
    assert names == [
        "layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0", "layers.0.neurons.1.w.1", "layers.0.neurons.1.b",
        "layers.1.neurons.0.w.0", "layers.1.neurons.0.w.1", "layers.1.neurons.0.b",
    ]
    assert names == [name for name, _ in small_net(seed=5).named_parameters()]


def test_parameters_are_labelled_with_their_names():
    net = small_net()
    assert all(value.label == name for name, value in net.named_parameters())


def test_parameters_and_zero_grad():
    net = small_net()
    params = net.parameters()
    assert len(params) == 9 and len({id(p) for p in params}) == 9
    net([1.0, 2.0])[0].backward()
    assert any(p.grad != 0.0 for p in params)
    net.zero_grad()
    assert all(p.grad == 0.0 for p in params)


def test_state_dict_round_trip():
    a, b = small_net(0), small_net(1)
    assert a.state_dict() != b.state_dict()
    b.load_state_dict(a.state_dict())
    assert a.state_dict() == b.state_dict()


def test_save_and_load_round_trip_exactly(tmp_path):
    a, b = small_net(0), small_net(1)
    path = tmp_path / "net.json"
    a.save(path)
    document = json.loads(path.read_text())
    assert document["format"] == "chainrule.nn state" and document["parameter_count"] == 9
    b.load(path)
    assert b.state_dict() == a.state_dict()  # bit for bit: JSON floats round-trip exactly
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]  # no temporary file left behind


def test_save_replaces_an_existing_file(tmp_path):
    path = tmp_path / "net.json"
    small_net(0).save(path)
    small_net(1).save(path)
    c = small_net(2)
    c.load(path)
    assert c.state_dict() == small_net(1).state_dict()


def test_load_state_dict_errors_name_the_key_and_change_nothing():
    net = small_net()
    before = net.state_dict()
    good = dict(before)
    cases = {
        "missing key 'layers.1.neurons.0.b'": {k: v for k, v in good.items() if k != "layers.1.neurons.0.b"},
        "unexpected key 'layers.2.neurons.0.b'": {**good, "layers.2.neurons.0.b": 1.0},
        "key 'layers.0.neurons.1.w.0' must be finite": {**good, "layers.0.neurons.1.w.0": math.nan},
        "key 'layers.0.neurons.0.b' must be finite": {**good, "layers.0.neurons.0.b": math.inf},
        "key 'layers.1.neurons.0.w.1' must be a number, got a string": {**good,
                                                                         "layers.1.neurons.0.w.1": "1"},
        "key 'layers.0.neurons.0.w.0' must be a number, got a boolean": {**good,
                                                                          "layers.0.neurons.0.w.0": True},
        "key 'layers.0.neurons.0.w.1' must be a number, got null": {**good, "layers.0.neurons.0.w.1": None},
    }
    for message, state in cases.items():
        # the good keys before the bad one must not have been applied either
        state = {k: (v + 1.0 if isinstance(v, float) and math.isfinite(v) else v) for k, v in state.items()}
        with pytest.raises(StateError, match=message.replace("(", r"\(")):
            net.load_state_dict(state)
        assert net.state_dict() == before
    with pytest.raises(StateError, match="expected a mapping"):
        net.load_state_dict([1.0] * 9)  # type: ignore[arg-type]


def write(path, document) -> None:
    path.write_text(document if isinstance(document, str) else json.dumps(document))


@pytest.fixture
def saved(tmp_path):
    net = small_net()
    path = tmp_path / "net.json"
    net.save(path)
    return path, json.loads(path.read_text())


def malformed_files(document):
    """(what the error must say, file contents) for each way a state file can be wrong."""
    params = document["parameters"]
    first = next(iter(params))
    return [
        ("not valid JSON (line 1", '{"format": "chainrule.nn state", '),
        ("not valid JSON", ""),
        ("expected a JSON object at the top, got an array", [1, 2, 3]),
        ("missing key 'parameters'", {k: v for k, v in document.items() if k != "parameters"}),
        ("missing key 'format'", {k: v for k, v in document.items() if k != "format"}),
        ("unexpected key 'optimizer'", {**document, "optimizer": {}}),
        ("key 'format' is 'pickle'", {**document, "format": "pickle"}),
        ("key 'version' is 2", {**document, "version": 2}),
        ("key 'model' is 'Layer'", {**document, "model": "Layer"}),
        ("key 'parameters' must be an object", {**document, "parameters": list(params.values())}),
        ("key 'parameter_count' is 10, but 'parameters' holds 9", {**document, "parameter_count": 10}),
        ("key 'parameter_count' is 8, but 'parameters' holds 9", {**document, "parameter_count": 8}),
        ("key 'parameter_count' is 8, but this MLP has 9",
         {**document, "parameter_count": 8, "parameters": dict(list(params.items())[:8])}),
        (f"missing key '{first}'", {**document, "parameters": {**{k: v for k, v in params.items()
                                                                   if k != first}, "layers.9.b": 0.0}}),
        (f"key '{first}' must be finite, got nan", json.dumps(document).replace(
            json.dumps(params[first]), "NaN", 1)),
        (f"key '{first}' must be finite, got inf", json.dumps(document).replace(
            json.dumps(params[first]), "1e999", 1)),
        (f"key '{first}' must be finite, got -inf", json.dumps(document).replace(
            json.dumps(params[first]), "-Infinity", 1)),
        (f"key '{first}' must be a number, got a string",
         {**document, "parameters": {**params, first: "0.1"}}),
        (f"key '{first}' must be a number, got an array",
         {**document, "parameters": {**params, first: [0.1]}}),
    ]


def test_every_malformed_file_is_refused_and_changes_nothing(saved, tmp_path):
    _, document = saved
    net = small_net(seed=3)
    before = net.state_dict()
    bad = tmp_path / "bad.json"
    for message, contents in malformed_files(document):
        write(bad, contents)
        with pytest.raises(StateError, match=message.replace("(", r"\(")) as error:
            net.load(bad)
        assert "bad.json" in str(error.value)
        assert net.state_dict() == before, message


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        small_net().load(tmp_path / "nope.json")


def test_non_utf8_file(tmp_path):
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(StateError, match="not a UTF-8 text file"):
        small_net().load(path)


def test_save_refuses_nothing_valid_and_writes_plain_json(tmp_path):
    path = tmp_path / "n.json"
    Neuron(2, weights=[1.5, -2.0], bias=0.25).save(path)
    assert json.loads(path.read_text())["parameters"] == {"w.0": 1.5, "w.1": -2.0, "b": 0.25}


def test_layer_names():
    assert [n for n, _ in Layer(1, 2).named_parameters()] == ["neurons.0.w.0", "neurons.0.b",
                                                              "neurons.1.w.0", "neurons.1.b"]


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=9, max_size=9))
def test_any_finite_floats_round_trip_through_a_file(tmp_path_factory, numbers):
    net = small_net()
    net.load_state_dict(dict(zip(net.state_dict(), numbers)))
    path = tmp_path_factory.mktemp("rt") / "net.json"
    net.save(path)
    other = small_net(1)
    other.load(path)
    assert list(other.state_dict().values()) == numbers


# --- issue 14: every bad file is a StateError; saving keeps permissions, names the user's path ---

def refused(path, message: str) -> StateError:
    """Load ``path`` into a fresh net: it must raise a StateError naming the file, net unchanged."""
    net = small_net(seed=3)
    before = net.state_dict()
    with pytest.raises(StateError, match=message) as error:
        net.load(path)
    assert path.name in str(error.value)
    assert net.state_dict() == before
    return error.value


def test_a_number_too_long_for_int_conversion_is_a_state_error(saved, tmp_path):
    _, document = saved
    first = next(iter(document["parameters"]))
    huge = "9" * 5000
    bad = tmp_path / "long.json"
    for text in (json.dumps({**document, "parameter_count": 0}).replace('"parameter_count": 0',
                                                                         f'"parameter_count": {huge}'),
                 json.dumps(document).replace(json.dumps(document["parameters"][first]), huge, 1),
                 json.dumps(document).replace(json.dumps(document["parameters"][first]), "-" + huge, 1)):
        write(bad, text)
        refused(bad, "a number with 5000 digits")


def test_deeply_nested_json_is_a_state_error(saved, tmp_path):
    _, document = saved
    bad = tmp_path / "deep.json"
    for depth in (10_000, 200_000):
        write(bad, "[" * depth + "]" * depth)
        refused(bad, "nested too deeply")
        first = next(iter(document["parameters"]))
        write(bad, json.dumps(document).replace(json.dumps(document["parameters"][first]),
                                                "[" * depth + "]" * depth, 1))
        refused(bad, "nested too deeply")


def test_a_key_given_twice_is_refused(saved, tmp_path):
    _, document = saved
    first = next(iter(document["parameters"]))
    text = json.dumps(document).replace(f'"{first}":', f'"{first}": 0.5, "{first}":', 1)
    bad = tmp_path / "twice.json"
    write(bad, text)
    refused(bad, f"key '{first}' appears twice")


def test_file_size_is_capped_with_a_clear_message(saved, tmp_path, monkeypatch):
    path, _ = saved
    import nn.module
    size = path.stat().st_size
    monkeypatch.setattr(nn.module, "MAX_STATE_BYTES", size - 1)
    error = refused(path, f"larger than the limit of {size - 1} bytes")
    assert "MAX_STATE_BYTES" in str(error)
    monkeypatch.setattr(nn.module, "MAX_STATE_BYTES", size)
    small_net().load(path)  # exactly at the limit is fine


def mutations():
    """Ways to damage a saved file: cut it, insert a character, or put a long number or deep nesting in."""
    return st.one_of(
        st.tuples(st.just("cut"), st.integers(0, 10_000)),
        st.tuples(st.just("insert"), st.integers(0, 10_000), st.sampled_from(list('{}[]",:0-e.9 \\x'))),
        st.tuples(st.just("number"), st.integers(0, 10_000), st.integers(4000, 6000)),
        st.tuples(st.just("nest"), st.integers(0, 10_000), st.integers(1, 5000)),
    )


@given(st.lists(mutations(), min_size=1, max_size=3))
def test_any_damaged_file_loads_or_is_a_state_error(tmp_path_factory, damage):
    net = small_net()
    path = tmp_path_factory.mktemp("fuzz") / "net.json"
    net.save(path)
    text = path.read_text()
    for kind, where, *arg in damage:
        at = where % (len(text) + 1)
        if kind == "cut":
            text = text[:at]
        elif kind == "insert":
            text = text[:at] + arg[0] + text[at:]
        elif kind == "number":
            text = text[:at] + "7" * arg[0] + text[at:]
        else:
            text = text[:at] + "[" * arg[0] * 20 + text[at:]
    path.write_text(text)
    other = small_net(1)
    before = other.state_dict()
    try:
        other.load(path)
    except StateError as error:
        assert "net.json" in str(error)
        assert other.state_dict() == before


def test_save_refuses_a_non_finite_parameter_by_name_and_keeps_the_old_file(tmp_path):
    net = small_net()
    path = tmp_path / "net.json"
    net.save(path)
    old = path.read_bytes()
    name, value = net.named_parameters()[4]
    with pytest.raises(ValueError, match=r"Value\.data must be finite"):
        value.data = math.nan  # refused where it is assigned
    value._data = math.nan  # only code that writes the slot itself can get one past that
    with pytest.raises(StateError, match=f"parameter {name!r} is nan"):
        net.save(path)
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]


def test_save_into_a_missing_directory_names_the_path_given(tmp_path):
    path = tmp_path / "nodir" / "net.json"
    with pytest.raises(FileNotFoundError) as error:
        small_net().save(path)
    assert error.value.filename == str(path)
    assert "chainrule-tmp" not in str(error.value) and str(path) in str(error.value)


def posix_only(test):
    """File modes and umask: POSIX only, and not under emscripten (Pyodide has no umask)."""
    test = pytest.mark.native("umask")(test)
    return pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")(test)


@posix_only
def test_saved_file_gets_the_permissions_open_would_give(tmp_path):
    old_umask = os.umask(0o022)
    try:
        new = tmp_path / "new.json"
        small_net().save(new)
        assert stat.S_IMODE(new.stat().st_mode) == 0o644  # 0666 & ~umask, as open(path, "w")
        with open(tmp_path / "by_open.json", "w"):
            pass
        assert stat.S_IMODE((tmp_path / "by_open.json").stat().st_mode) == 0o644
        existing = tmp_path / "existing.json"
        for mode in (0o644, 0o640, 0o600):
            small_net().save(existing)
            existing.chmod(mode)
            small_net(1).save(existing)  # open(path, "w") on an existing file keeps its mode
            assert stat.S_IMODE(existing.stat().st_mode) == mode
        os.umask(0o077)
        private = tmp_path / "private.json"
        small_net().save(private)
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


@posix_only
def test_save_writes_through_a_symlink_as_open_does(tmp_path):
    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    small_net().save(real)
    link.symlink_to(real)
    small_net(1).save(link)
    assert link.is_symlink()
    net = small_net(2)
    net.load(real)
    assert net.state_dict() == small_net(1).state_dict()


@posix_only
def test_stale_temporary_files_of_dead_processes_are_removed(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    seen: list[str] = []
    real_replace = os.replace

    def spy(source, target):
        seen.append(os.path.basename(source))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    small_net().save(path)
    monkeypatch.undo()
    (temporary,) = seen
    pid = str(os.getpid())
    assert temporary.startswith(".net.json.chainrule-tmp-") and f"-{pid}-" in temporary
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    stale = tmp_path / temporary.replace(f"-{pid}-", f"-{dead}-")
    live = tmp_path / (temporary + "x")  # this process is alive: its temporary file stays
    other = tmp_path / ".other.json.chainrule-tmp-x"
    for file in (stale, live, other):
        file.write_text("partial")
    small_net(1).save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["net.json", live.name, other.name])


@posix_only
def test_a_save_killed_mid_way_leaves_the_old_file_and_the_next_save_cleans_up(tmp_path):
    path = tmp_path / "net.json"
    small_net(0).save(path)
    old = path.read_bytes()
    child = ("import os, sys\n"
             "from nn import MLP\n"
             "def stuck(source, target):\n"
             "    print('written', flush=True)\n"
             "    sys.stdin.read()\n"
             "os.replace = stuck\n"
             f"MLP(2, [2, 1], activations=['sigmoid', 'linear'], rng=1).save({str(path)!r})\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    process = subprocess.Popen([sys.executable, "-c", child], cwd=root, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "written\n"  # the temporary file is complete, not renamed
        process.kill()  # SIGKILL: no cleanup runs
    finally:
        process.wait(30)
        process.stdin.close()
        process.stdout.close()
    assert path.read_bytes() == old
    (leftover,) = [p.name for p in tmp_path.iterdir() if p.name != "net.json"]
    assert leftover.startswith(".net.json.chainrule-tmp-") and f"-{process.pid}-" in leftover
    small_net(2).save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]
