"""Check the performance targets of DESIGN.md §3 on a pytest-benchmark JSON file: ratios only.

Usage: ``python benchmarks/check_ratios.py BENCH_JSON [--stat min|median|mean]``

Exits non-zero unless, in that run,

* the fast engine takes at most 1.5 × the hand-written loop's time on the bare priority M/M/c
  workload (same customers), and
* the fast engine is at least 100 × faster than the reference engine per customer/incident,
  on every workload where both ran, and
* the composing dispatch kernel takes at most 1.3 × today's specialised kernel of each
  dispatch option (crews, en-route, borrowing) on the same workload (``compose:*``).

Absolute times are printed for the record but never checked: they vary by machine. Peak
memory against replications and replications per second are reported, not checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_FAST_OVER_HANDWRITTEN = 1.5
MIN_REFERENCE_OVER_FAST = 100.0
MAX_COMPOSED_OVER_SPECIALISED = 1.3


@dataclass(frozen=True)
class Check:
    """One ratio against its limit."""

    name: str
    value: float
    limit: float
    at_most: bool

    @property
    def ok(self) -> bool:
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def line(self) -> str:
        sign = "<=" if self.at_most else ">="
        verdict = "ok" if self.ok else "FAIL"
        return f"{verdict:4}  {self.name}: {self.value:.2f} (required {sign} {self.limit:g})"


def load(path: Path) -> list[dict[str, Any]]:
    """The benchmark entries of a ``--benchmark-json`` file."""
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["benchmarks"]
    return entries


def entry(entries: list[dict[str, Any]], workload: str, role: str) -> dict[str, Any] | None:
    """The single entry tagged (workload, role), if the run has it."""
    found = [
        e
        for e in entries
        if e["extra_info"].get("workload") == workload and e["extra_info"].get("role") == role
    ]
    return found[0] if found else None


def per_entity(e: dict[str, Any], stat: str) -> float:
    """Seconds per entity simulated (customer, contact or incident: ``extra_info.entities``)."""
    return float(e["stats"][stat]) / float(e["extra_info"]["entities"])


def checks(entries: list[dict[str, Any]], stat: str) -> Iterator[Check]:
    """Every ratio the run allows; a missing required benchmark fails as a zero ratio."""
    fast, loop = entry(entries, "mmc", "fast"), entry(entries, "mmc", "handwritten")
    ratio = float("inf")
    if fast is not None and loop is not None:
        ratio = float(fast["stats"][stat]) / float(loop["stats"][stat])
    yield Check("M/M/c fast engine / hand-written loop", ratio, MAX_FAST_OVER_HANDWRITTEN, True)
    compared = 0
    for workload in workloads(entries):
        fast, reference = entry(entries, workload, "fast"), entry(entries, workload, "reference")
        if fast is None or reference is None:
            continue
        compared += 1
        speedup = per_entity(reference, stat) / per_entity(fast, stat)
        name = f"{workload}: reference / fast engine, per entity"
        yield Check(name, speedup, MIN_REFERENCE_OVER_FAST, False)
    if compared == 0:
        name = "reference / fast engine (no workload ran both)"
        yield Check(name, 0.0, MIN_REFERENCE_OVER_FAST, False)
    yield from _composed(entries, stat)


def _composed(entries: list[dict[str, Any]], stat: str) -> Iterator[Check]:
    """Composing kernel / specialised kernel on each dispatch-option workload (all required)."""
    for option in ("crews", "en_route", "borrowing"):
        workload = f"compose:{option}"
        composed, special = (
            entry(entries, workload, "composed"),
            entry(entries, workload, "specialised"),
        )
        ratio = float("inf")
        if composed is not None and special is not None:
            ratio = float(composed["stats"][stat]) / float(special["stats"][stat])
        name = f"{workload}: composing kernel / specialised kernel"
        yield Check(name, ratio, MAX_COMPOSED_OVER_SPECIALISED, True)


def workloads(entries: list[dict[str, Any]]) -> list[str]:
    """Workload tags in the run, in order of first appearance."""
    return list(dict.fromkeys(str(e["extra_info"].get("workload", "")) for e in entries))


def report(entries: list[dict[str, Any]], stat: str) -> Iterator[str]:
    """Informational lines: times, throughput and memory (never checked)."""
    for e in entries:
        info = e["extra_info"]
        seconds = float(e["stats"][stat])
        line = f"      {e['name']}: {stat} {seconds * 1e3:.1f} ms"
        if "entities" in info:
            rate = float(info["entities"]) / seconds
            line += f", {info['entities']:,} entities, {rate / 1e6:.2f} M/s"
        if info.get("workload") == "replication":
            line += f", {1.0 / seconds:.1f} replications/s"
        if info.get("workload") == "memory":
            line += " (under tracemalloc)"
        yield line
    yield from _year_estimate(entries, stat)
    yield from _memory(entries)


def _year_estimate(entries: list[dict[str, Any]], stat: str) -> Iterator[str]:
    """The reference engine's time for the fast engine's horizon, scaled per entity."""
    total_fast = total_reference = 0.0
    for workload in workloads(entries):
        fast = entry(entries, workload, "fast")
        reference = entry(entries, workload, "reference")
        if fast is None or reference is None or not workload.startswith("scenario_year"):
            continue
        total_fast += float(fast["stats"][stat])
        total_reference += per_entity(reference, stat) * float(fast["extra_info"]["entities"])
    if total_fast > 0.0:
        yield (
            f"      full scenario year, all stages: fast {total_fast:.3f} s, reference "
            f"{total_reference:.1f} s (scaled per entity), x{total_reference / total_fast:.0f}"
        )


def _memory(entries: list[dict[str, Any]]) -> Iterator[str]:
    rows = sorted(
        (e["extra_info"]["replications"], e["extra_info"]["peak_bytes"])
        for e in entries
        if e["extra_info"].get("workload") == "memory"
    )
    if not rows:
        return
    cells = ", ".join(f"{r} reps {b / 2**20:.1f} MiB" for r, b in rows)
    growth = rows[-1][1] / rows[0][1]
    yield f"      peak traced memory: {cells}; {rows[-1][0]}/{rows[0][0]} reps: x{growth:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench_json", type=Path)
    parser.add_argument("--stat", choices=("min", "median", "mean"), default="min")
    args = parser.parse_args(argv)
    entries = load(args.bench_json)
    results = list(checks(entries, args.stat))
    for line in [*(c.line() for c in results), *report(entries, args.stat)]:
        print(line)
    return 0 if all(c.ok for c in results) else 1


if __name__ == "__main__":
    sys.exit(main())
