"""Benchmark plumbing: time each workload per engine the same way, print ratios against the peer.

How every workload is measured, for every engine alike:

- in the same process and the same pytest session, one engine right after the other;
- CPU time of the process (``time.process_time``: all its threads, garbage collection included),
  not wall time, so that other programs sharing the machine count less; the median of the rounds
  decides the target, and the ratio of the fastest rounds is shown next to it (on a shared machine
  a busy neighbour slows some rounds of either engine; the minimum is the least disturbed);
- each round's result (its whole graph) is kept alive until the next round's set-up, which then
  frees it and runs ``gc.collect()``: no engine pays for tearing down its own or another engine's
  graph inside the timed region (micrograd's graphs are cycles that only the collector frees).

Targets come from the issues; a missed target makes the benchmark run fail (exit status 1),
after the table is printed.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

TIMER = time.process_time


@dataclass
class Comparison:
    """One workload: CPU seconds per engine, the peer to compare with, and the target.

    ``faster=True``: chainrule must be at least ``target`` times faster than the peer
    (ratio = peer / chainrule). ``faster=False``: chainrule may take at most ``target`` times
    the peer's time (ratio = chainrule / peer), e.g. "within 1.5x of the book's own loop".
    ``target=None``: shown for information, no target.
    """

    workload: str
    peer: str
    target: float | None
    faster: bool = True
    seconds: dict[str, float] = field(default_factory=dict)
    """Median seconds per engine."""
    fastest: dict[str, float] = field(default_factory=dict)
    """Minimum seconds per engine."""

    def ratio(self, times: dict[str, float] | None = None) -> float | None:
        times = self.seconds if times is None else times
        if "chainrule" not in times or self.peer not in times:
            return None
        ours, theirs = times["chainrule"], times[self.peer]
        return theirs / ours if self.faster else ours / theirs

    def met(self) -> bool | None:
        ratio = self.ratio()
        if ratio is None or self.target is None:
            return None
        return ratio >= self.target if self.faster else ratio <= self.target

    def shown_ratio(self, times: dict[str, float] | None = None) -> str:
        ratio = self.ratio(times)
        if ratio is None:
            return "n/a"
        return f"{ratio:.1f}x faster" if self.faster else f"{ratio:.2f}x time"

    def shown_target(self) -> str:
        if self.target is None:
            return "(info)"
        return f">= {self.target:g}x faster" if self.faster else f"<= {self.target:g}x time"


def pytest_collection_modifyitems(items) -> None:
    """Every benchmark in this folder uses the same clock, ``TIMER``."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.benchmark(timer=TIMER))


COMPARISONS: dict[str, Comparison] = {}
MEASURES: list[tuple[str, float, float | None, str]] = []  # (what, value, limit, unit): value <= limit
# (a limit of None: shown for information)


def compare(workload: str, peer: str, target: float | None, faster: bool = True) -> str:
    """Declare a workload's comparison (once, at import of its test module); returns its name."""
    COMPARISONS.setdefault(workload, Comparison(workload, peer, target, faster))
    return workload


@pytest.fixture
def run_rounds(benchmark):
    """``run_rounds(workload, engine, fn, rounds)``: time ``fn()`` per round and record the median.

    ``workload`` is a name from ``compare`` or a tuple of them (one timing, several comparisons).

    ``fn`` returns whatever it built (its graph, its model); that is held until the next round's
    set-up frees it and collects garbage, outside the timed region. Returns the last result.
    """
    held: list[Any] = []

    def setup() -> None:
        held.clear()
        gc.collect()

    def run(workload: str | tuple[str, ...], engine: str, fn: Callable[[], Any], rounds: int,
            warmup_rounds: int = 0) -> Any:
        def timed() -> Any:
            result = fn()
            held.append(result)
            return result

        result = benchmark.pedantic(timed, setup=setup, rounds=rounds, iterations=1,
                                    warmup_rounds=warmup_rounds)
        for name in (workload,) if isinstance(workload, str) else workload:
            COMPARISONS[name].seconds[engine] = benchmark.stats.stats.median
            COMPARISONS[name].fastest[engine] = benchmark.stats.stats.min
        return result

    yield run
    held.clear()


def interleaved(workload: str | tuple[str, ...], engines: dict[str, Callable[[], Any]], rounds: int,
                warmup_rounds: int = 1) -> dict[str, list[float]]:
    """Time each engine once per round, the engines taking turns round after round.

    On a shared machine a busy neighbour then slows one round of *every* engine rather than all
    rounds of one. Records the median (decides the target) and the minimum for each engine; each
    result is freed, and garbage collected, outside the timed region. Returns every round's time.
    """
    times: dict[str, list[float]] = {engine: [] for engine in engines}
    for k in range(warmup_rounds + rounds):
        for engine, fn in engines.items():
            gc.collect()
            start = TIMER()
            result = fn()
            elapsed = TIMER() - start
            del result
            if k >= warmup_rounds:
                times[engine].append(elapsed)
    for name in (workload,) if isinstance(workload, str) else workload:
        for engine, seconds in times.items():
            COMPARISONS[name].seconds[engine] = statistics.median(seconds)
            COMPARISONS[name].fastest[engine] = min(seconds)
    return times


def markdown_table() -> str:
    """The comparisons and measures as a Markdown table (for the README; not typed by hand)."""
    lines = ["| workload | chainrule | peer | ratio (median) | ratio (minima) | target | met |",
             "|---|---|---|---|---|---|---|"]
    for c in COMPARISONS.values():
        if not c.seconds:
            continue
        met = c.met()
        shown = "(information)" if c.target is None else ("yes" if met else "**no**")
        theirs = c.seconds.get(c.peer)
        peer = c.peer if theirs is None else f"{c.peer} {theirs:.4g} s"
        ours = c.seconds.get("chainrule")
        lines.append(f"| {c.workload} | {'n/a' if ours is None else f'{ours:.4g} s'} | {peer} | "
                     f"{c.shown_ratio()} | {c.shown_ratio(c.fastest)} | "
                     f"{c.shown_target()} | {'' if c.target is None else shown} |")
    for what, value, limit, unit in MEASURES:
        shown_limit = "(information)" if limit is None else f"<= {limit:g} {unit}"
        met = "" if limit is None else "yes" if value <= limit else "**no**"
        lines.append(f"| {what} | {value:.4g} {unit} | | | | {shown_limit} | {met} |")
    return "\n".join(lines)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    rows = [c for c in COMPARISONS.values() if c.seconds]
    if not rows and not MEASURES:
        return
    write = terminalreporter.write_line
    terminalreporter.section("chainrule against its peers (median CPU seconds per run, same process)")
    write(f"{'workload':<46} {'chainrule':>9} {'peer (median)':>24} {'ratio':>13} {'target':>15}  "
          f"{'met':<3}  {'ratio of minima':>15}")
    for c in rows:
        ours = c.seconds.get("chainrule", float("nan"))
        theirs = c.seconds.get(c.peer, float("nan"))
        met = c.met()
        shown_met = "" if c.target is None else "n/a" if met is None else "yes" if met else "NO"
        write(f"{c.workload:<46} {ours:>9.4f} {c.peer + f' {theirs:.4f}':>24} {c.shown_ratio():>13} "
              f"{c.shown_target():>15}  {shown_met:<3}  {c.shown_ratio(c.fastest):>15}")
    for what, value, limit, unit in MEASURES:
        shown_limit = "(info)" if limit is None else "<= " + format(limit, "g")
        met = "" if limit is None else "yes" if value <= limit else "NO"
        write(f"{what:<46} {value:>9.3g} {unit:>24} {'':>13} {shown_limit:>15}  {met}")
    write("")
    write(f"CPU time (time.process_time), {sys.implementation.name} {platform.python_version()}, "
          f"numpy {np.__version__}; as a Markdown table (README's benchmark table):")
    write(markdown_table())
    target = os.environ.get("CHAINRULE_BENCH_TABLE")
    if target:
        Path(target).write_text(markdown_table() + "\n", encoding="utf-8")
        write(f"(written to {target})")


def pytest_sessionfinish(session, exitstatus) -> None:
    missed = [c for c in COMPARISONS.values() if c.met() is False]
    missed_measures = [m for m in MEASURES if m[2] is not None and m[1] > m[2]]
    if (missed or missed_measures) and session.exitstatus == 0:
        session.exitstatus = 1
