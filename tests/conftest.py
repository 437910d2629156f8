"""Test-suite settings: hypothesis profiles, and benchmarks kept out of the default run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None, max_examples=100,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.register_profile("ci", deadline=None, max_examples=200,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

BENCHMARKS = Path(__file__).parent / "benchmarks"


def _benchmarks_requested(config) -> bool:
    """Benchmarks run only when asked for: ``--benchmark-only`` or a path inside tests/benchmarks."""
    if config.getoption("benchmark_only", default=False):
        return True
    for arg in config.args:
        path = Path(str(arg).split("::")[0]).resolve()
        if path == BENCHMARKS or BENCHMARKS in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    if collection_path == BENCHMARKS and not _benchmarks_requested(config):
        return True
    return None


IN_BROWSER = sys.platform == "emscripten"
"""True under Pyodide (WebAssembly): no threads, no umask, no subprocesses, no Graphviz program."""


def pytest_configure(config):
    config.addinivalue_line("markers", "native(what): the test needs WHAT (threads, umask, subprocesses, "
                                       "a Graphviz program), which Pyodide lacks: skipped under emscripten")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``native(...)`` are skipped under emscripten, saying what they need."""
    if not IN_BROWSER:
        return
    for item in items:
        marker = item.get_closest_marker("native")
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=f"needs {marker.args[0]}: not under emscripten"))
