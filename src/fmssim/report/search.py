"""The result of an allocation search as terminal tables."""

from __future__ import annotations

import math

from rich.table import Table

from fmssim.experiment.search import Search, SearchResult
from fmssim.report.console import console as make_console


def print_search(result: SearchResult, spec: Search) -> None:
    """The greedy path (gain per step with its paired interval), then the best allocations."""
    console = make_console()
    objective = " + ".join(t.label for t in spec.terms)
    console.print(f"objective (maximised, mean over years): {objective}", highlight=False)
    for lever in spec.levers:
        console.print(f"{lever.name}: adds {lever_unit(lever.key)} ({lever.key})", highlight=False)
    units = sorted({lever_unit(lv.key) for lv in spec.levers})
    added = units[0] if len(units) == 1 else "units, handlers or FTE as above"
    path = Table(
        title=f"Greedy allocation of {spec.officers} added ({added}), 95% paired intervals"
    )
    for column in ("step", "added to", *(lv.name for lv in spec.levers), "objective", "gain"):
        path.add_column(column, justify="left" if column == "added to" else "right")
    for s in result.steps:
        gain = (
            "" if math.isnan(s.gain) else f"{s.gain:+.4f} [{s.gain_low:+.4f}, {s.gain_high:+.4f}]"
        )
        path.add_row(
            str(s.number),
            s.added_to or "(start)",
            *map(str, s.allocation),
            f"{s.objective:.4f}",
            gain,
        )
    console.print(path)
    best = Table(title="Best allocations: the greedy result and its exchanges")
    for column in ("rank", "allocation", "objective", "difference to the best"):
        best.add_column(column, justify="left" if column == "allocation" else "right")
    for rank, row in enumerate(result.ranking.iter_rows(named=True), start=1):
        low, high = row["ci_low"], row["ci_high"]
        gap = (
            ""
            if rank == 1 or low is None
            else (f"{row['difference']:+.4f} [{low:+.4f}, {high:+.4f}]")
        )
        best.add_row(str(rank), row["variant"], f"{row['objective']:.4f}", gap)
    console.print(best)


def lever_unit(key: str) -> str:
    """What one more of a lever is: a dispatch unit on duty, a call handler on duty, an FTE."""
    if key.startswith("contact.pools.") and key.endswith(".roster.on_duty"):
        return "call handlers on duty"
    if key.startswith("pools.") and key.endswith(".roster.on_duty"):
        return "dispatch units on duty"
    if key.startswith("workforce.departments.") and key.endswith("extra_fte"):
        return "officers (FTE)"
    return f"the value of {key}"
