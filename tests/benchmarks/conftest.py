"""Benchmark plumbing: collect each workload's timing per engine, print ratios against the peer.

Targets come from the issues; a missed target makes the benchmark run fail (exit status 1),
after the table is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass
class Comparison:
    """One workload: seconds per engine, the peer to divide by, and the ratio it must reach."""

    workload: str
    peer: str
    target: float
    unit: str = "x faster"
    seconds: dict[str, float] = field(default_factory=dict)

    def ratio(self) -> float | None:
        if "chainrule" not in self.seconds or self.peer not in self.seconds:
            return None
        return self.seconds[self.peer] / self.seconds["chainrule"]


COMPARISONS: dict[str, Comparison] = {}
MEASURES: list[tuple[str, float, float, str]] = []  # (what, value, limit, unit): value <= limit


@pytest.fixture
def record():
    """``record(workload, engine, benchmark)`` after a benchmark call stores its median time."""

    def store(workload: str, engine: str, benchmark) -> None:
        COMPARISONS[workload].seconds[engine] = benchmark.stats.stats.median

    return store


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    rows = [c for c in COMPARISONS.values() if c.seconds]
    if not rows and not MEASURES:
        return
    write = terminalreporter.write_line
    terminalreporter.section("chainrule against its peers (median seconds)")
    write(f"{'workload':<44} {'chainrule':>10} {'peer':>22} {'ratio':>8} {'target':>8}  met")
    for c in rows:
        ratio = c.ratio()
        ours = c.seconds.get("chainrule", float("nan"))
        theirs = c.seconds.get(c.peer, float("nan"))
        shown = "n/a" if ratio is None else f"{ratio:.1f}x"
        met = "n/a" if ratio is None else ("yes" if ratio >= c.target else "NO")
        write(f"{c.workload:<44} {ours:>10.4f} {c.peer + f' {theirs:.4f}':>22} {shown:>8} "
              f"{'>= ' + format(c.target, 'g') + 'x':>8}  {met}")
    for what, value, limit, unit in MEASURES:
        write(f"{what:<44} {value:>10.1f} {unit:>22} {'':>8} {'<= ' + format(limit, 'g'):>8}  "
              f"{'yes' if value <= limit else 'NO'}")


def pytest_sessionfinish(session, exitstatus) -> None:
    missed = [c for c in COMPARISONS.values() if (r := c.ratio()) is not None and r < c.target]
    missed_measures = [m for m in MEASURES if m[1] > m[2]]
    if (missed or missed_measures) and session.exitstatus == 0:
        session.exitstatus = 1
