"""Test-suite settings: hypothesis profiles, and benchmarks kept out of the default run."""

from __future__ import annotations

import os
from pathlib import Path

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
