"""Paired comparisons as terminal tables, with their verdict lines."""

from __future__ import annotations

import polars as pl
from rich.console import Console
from rich.table import Table

from fmssim.analytics.distribution import AREA
from fmssim.report.console import format_value
from fmssim.report.verdicts import verdicts


def print_comparison(comparison: pl.DataFrame, title: str, kpis: tuple[str, ...] = ()) -> None:
    """One table per area: both means, the paired difference and its interval, then verdicts.

    ``kpis`` limits the tables (not the verdicts) to those KPI names when given.
    """
    console = Console()
    shown = comparison.filter(pl.col("kpi").is_in(kpis)) if kpis else comparison
    for (area,), part in shown.group_by(["area"], maintain_order=True):
        table = Table(title=f"{title} — {area}: paired differences (95% intervals)")
        columns = ("year", "group", "kpi", "variant", "reference", "variant mean", "difference¹")
        for column in (*columns, "unpaired interval"):
            table.add_column(column, justify="left" if column in columns[1:4] else "right")
        for row in part.iter_rows(named=True):
            kpi = row["kpi"]
            table.add_row(
                str(row["year"]),
                row["group"],
                kpi,
                row["variant"],
                format_value(kpi, row["reference_mean"]),
                format_value(kpi, row["mean"]),
                f"{_number(kpi, row['difference'])} {_bracket(kpi, row['ci_low'], row['ci_high'])}",
                _bracket(kpi, row["unpaired_ci_low"], row["unpaired_ci_high"]),
            )
        console.print(table)
    console.print("¹ variant − reference; shares in percentage points", highlight=False)
    # Distribution points are for charts; their KPIs' verdicts would drown the others.
    lines = verdicts(comparison.filter(pl.col("area") != AREA))
    console.print(f"[bold]Verdicts[/bold] ({len(lines)} KPIs differ beyond their 95% interval):")
    for line in lines:
        console.print(f"  {line}", highlight=False, soft_wrap=True)


def _number(kpi: str, value: float) -> str:
    """A difference without its unit: shares in percentage points."""
    return f"{value * 100.0 if kpi.endswith('_share') else value:+.1f}"


def _bracket(kpi: str, low: float, high: float) -> str:
    return f"[{_number(kpi, low)}, {_number(kpi, high)}]"
