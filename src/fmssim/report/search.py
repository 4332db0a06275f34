"""The result of an allocation search as terminal tables."""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table

from fmssim.experiment.search import Search, SearchResult


def print_search(result: SearchResult, spec: Search) -> None:
    """The greedy path (gain per step with its paired interval), then the best allocations."""
    console = Console()
    objective = " + ".join(t.label for t in spec.terms)
    console.print(f"objective (maximised, mean over years): {objective}", highlight=False)
    path = Table(title=f"Greedy allocation of {spec.officers} officers (95% paired intervals)")
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
