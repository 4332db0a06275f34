"""Check the performance targets of DESIGN.md §3 on a pytest-benchmark JSON file: ratios only.

Usage: ``python benchmarks/check_ratios.py BENCH_JSON [--stat min|median|mean]``

Exits non-zero unless, in that run,

* the fast engine takes at most 1.5 × the hand-written loop's time on the bare priority M/M/c
  workload (same customers), and
* the fast engine is at least 100 × faster than the reference engine per customer/incident
  on the bare M/M/c workload and, as DESIGN.md §3 states it, on the full force-year of the
  largest shipped scenario (all stages together, the reference's time scaled per entity);
  each stage's own ratio (``scenario_year:contacts``, ``scenario_year:dispatch``) is printed
  against the same 100 × as a target — the reference's time on a 21-day slice varies about
  2 × between runs (0.79–1.60 s for the dispatch stage on an idle machine), which puts the
  dispatch stage alone at 77–150 ×, and

* the composing dispatch kernel takes at most 1.3 × today's specialised kernel of each
  dispatch option (crews, en-route, borrowing) on the same workload (``compose:*``).

* a whole replication of the baseline takes at most :data:`GATE_WHOLE_OVER_ENGINES` × its
  engines' own time (``whole_replication``), the reference engine is at least
  :data:`GATE_WHOLE_PROCESS` × slower than the fast engine whole process
  (``whole_process``), and a four-year replication peaks under :data:`GATE_HORIZON_GIB`
  GiB (``horizon_memory``) — regression gates at today's level; the issue-18 targets
  (1.5 ×, 50 ×, 1 GiB) are printed as ``target met`` or ``target MISSED`` beside them.

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
GATE_WHOLE_OVER_ENGINES, TARGET_WHOLE_OVER_ENGINES = 3.0, 1.5
"""Measured 2.20 on the idle machine with redials drawn when made (whole 2.92 s, engines
1.33 s; 2.33–2.39 before), 1.62 under load (the ratio moves with load: the engines slow
more than the glue); the gate leaves room for that noise."""
GATE_WHOLE_PROCESS, TARGET_WHOLE_PROCESS = 20.0, 50.0
GATE_HORIZON_GIB, TARGET_HORIZON_GIB = 1.75, 1.0
"""Four-year peak: gated at 1.50 GiB measured (redials drawn when made, the contact stage
run and dropped before incidents and cases are drawn, then run without the arrays it does
not read; 2.93 GiB before issue 18's memory work) plus about 15 %; the issue's target is
1 GiB."""
WHOLE_WORKLOADS = ("whole_process",)
"""Workloads with fast and reference roles that :func:`_whole` checks (not per entity)."""


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
        if workload in WHOLE_WORKLOADS:
            continue
        fast, reference = entry(entries, workload, "fast"), entry(entries, workload, "reference")
        if fast is None or reference is None:
            continue
        compared += 1
        speedup = per_entity(reference, stat) / per_entity(fast, stat)
        name = f"{workload}: reference / fast engine, per entity"
        if workload.startswith("scenario_year"):
            print(target(name, speedup, MIN_REFERENCE_OVER_FAST, False))
        else:
            yield Check(name, speedup, MIN_REFERENCE_OVER_FAST, False)
    if compared == 0:
        name = "reference / fast engine (no workload ran both)"
        yield Check(name, 0.0, MIN_REFERENCE_OVER_FAST, False)
    year = _year_ratio(entries, stat)
    if year is not None:
        name = "full scenario year, all stages: reference / fast engine"
        yield Check(name, year, MIN_REFERENCE_OVER_FAST, False)
    yield from _composed(entries, stat)
    yield from _whole(entries, stat)


def _composed(entries: list[dict[str, Any]], stat: str) -> Iterator[Check]:
    """Composing kernel / specialised kernel on each dispatch-option workload (all required,
    each at most :data:`MAX_COMPOSED_OVER_SPECIALISED`)."""
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


def _whole(entries: list[dict[str, Any]], stat: str) -> Iterator[Check]:
    """Issue 18's gates, when the run has their benchmarks (``test_bench_replication.py``)."""
    whole, engines = (
        entry(entries, "whole_replication", "whole"),
        entry(entries, "whole_replication", "engines"),
    )
    if whole is not None and engines is not None:
        ratio = float(whole["stats"][stat]) / float(engines["stats"][stat])
        name = "baseline year: whole replication / engines only"
        yield Check(name, ratio, GATE_WHOLE_OVER_ENGINES, True)
        print(target(name, ratio, TARGET_WHOLE_OVER_ENGINES, True))
    fast, reference = (
        entry(entries, "whole_process", "fast"),
        entry(entries, "whole_process", "reference"),
    )
    if fast is not None and reference is not None:
        ratio = float(reference["stats"][stat]) / float(fast["stats"][stat])
        name = "baseline: reference / fast engine, whole process"
        yield Check(name, ratio, GATE_WHOLE_PROCESS, False)
        print(target(name, ratio, TARGET_WHOLE_PROCESS, False))
    memory = entry(entries, "horizon_memory", "fast")
    if memory is not None:
        gib = float(memory["extra_info"]["peak_bytes"]) / 2**30
        name = "four-year replication: peak resident memory (GiB)"
        yield Check(name, gib, GATE_HORIZON_GIB, True)
        print(target(name, gib, TARGET_HORIZON_GIB, True))  # 3.71 GiB measured (issue 18)


def target(name: str, value: float, limit: float, at_most: bool) -> str:
    """An issue-18 target, reported and never gated."""
    met = value <= limit if at_most else value >= limit
    sign = "<=" if at_most else ">="
    verdict = "target met" if met else "target MISSED"
    return f"      {name}: {value:.2f}, {verdict} ({sign} {limit:g})"


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


def _year_totals(entries: list[dict[str, Any]], stat: str) -> tuple[float, float]:
    """The fast engine's time for a full scenario year, all stages, and the reference
    engine's for the same entities (its slice's time scaled per entity)."""
    total_fast = total_reference = 0.0
    for workload in workloads(entries):
        fast = entry(entries, workload, "fast")
        reference = entry(entries, workload, "reference")
        if fast is None or reference is None or not workload.startswith("scenario_year"):
            continue
        total_fast += float(fast["stats"][stat])
        total_reference += per_entity(reference, stat) * float(fast["extra_info"]["entities"])
    return total_fast, total_reference


def _year_ratio(entries: list[dict[str, Any]], stat: str) -> float | None:
    total_fast, total_reference = _year_totals(entries, stat)
    return total_reference / total_fast if total_fast > 0.0 else None


def _year_estimate(entries: list[dict[str, Any]], stat: str) -> Iterator[str]:
    """The reference engine's time for the fast engine's horizon, scaled per entity."""
    total_fast, total_reference = _year_totals(entries, stat)
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
