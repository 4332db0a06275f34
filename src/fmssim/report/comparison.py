"""Paired comparisons as terminal tables: the leader's headline, the differences, verdicts."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from fmssim.analytics.distribution import AREA
from fmssim.report.console import console, table
from fmssim.report.leader import headline_sentence, headline_table, ranking
from fmssim.report.units import format_difference, format_value
from fmssim.report.verdicts import verdicts

VERDICT_KPIS = (
    "attained_share",
    "answered_within_target_share",
    "abandoned_share",
    "response_median_min",
    "response_p90_min",
    "waiting_at_year_end",
    "open_cases_end",
    "open_cases_mean",
)
"""KPIs whose verdicts the console prints (every KPI's are in comparison.csv and the report)."""


def print_leader(
    comparison: pl.DataFrame, summary: pl.DataFrame, label: Callable[[int], str] = str
) -> None:
    """The headline: the best allocation in one sentence, then each allocation's difference
    to the reference on the targets, per year, with its interval and a verdict."""
    rows = headline_table(comparison)
    if rows.is_empty():
        return
    out = console()
    unit = str(rows["unit"].drop_nulls()[0]) if rows["unit"].drop_nulls().len() else "added"
    out.print(headline_sentence(ranking(comparison, summary), unit), highlight=False)
    reference = comparison["reference"][0]
    shown = table(
        f"Headline: each allocation against {reference} (paired 95% intervals)",
        ["allocation", "year", "figure", f"{unit} added", "difference [95%]", "verdict"],
        right=(f"{unit} added", "difference [95%]"),
    )
    for r in rows.iter_rows(named=True):
        kpi = r["kpi"]
        added = "–" if r["added"] is None else f"{r['added']:+,.0f}"
        cell = (
            "censored"
            if r.get("censored")
            else f"{format_difference(kpi, r['difference'])} "
            f"[{format_difference(kpi, r['ci_low'])}, {format_difference(kpi, r['ci_high'])}]"
        )
        verdict = r["verdict"].rsplit(": ", 1)[-1] if ": " in r["verdict"] else r["verdict"]
        verdict = verdict.split(" (")[0]
        shown.add_row(r["variant"], label(r["year"]), r["figure"], added, cell, verdict)
    out.print(shown)


def print_comparison(
    comparison: pl.DataFrame,
    title: str,
    kpis: tuple[str, ...] = (),
    label: Callable[[int], str] = str,
) -> None:
    """One table per area: both means, the paired difference and its interval, then the
    verdicts on the outcomes leaders read (:data:`VERDICT_KPIS`).

    ``kpis`` limits the tables to those KPI names when given.
    """
    out = console()
    shown = comparison.filter(pl.col("kpi").is_in(kpis)) if kpis else comparison
    for (area,), part in shown.group_by(["area"], maintain_order=True):
        columns = ("year", "group", "kpi", "variant", "reference", "variant mean", "difference¹")
        made = table(
            f"{title} — {area}: paired differences (95% intervals)",
            [*columns, "unpaired interval"],
            right=("reference", "variant mean", "difference¹", "unpaired interval"),
        )
        for row in part.iter_rows(named=True):
            kpi = row["kpi"]
            censored = bool(row.get("censored"))
            made.add_row(
                label(row["year"]),
                row["group"],
                kpi,
                row["variant"],
                format_value(kpi, row["reference_mean"]),
                format_value(kpi, row["mean"]),
                "censored" if censored else _with_interval(kpi, row, "ci_low", "ci_high"),
                "" if censored else _bracket(kpi, row["unpaired_ci_low"], row["unpaired_ci_high"]),
            )
        out.print(made)
    out.print("¹ variant − reference; shares in percentage points", highlight=False)
    outcomes = comparison.filter(pl.col("area") != AREA)
    lines = verdicts(outcomes.filter(pl.col("kpi").is_in(VERDICT_KPIS)), label)
    others = len(verdicts(outcomes.filter(~pl.col("kpi").is_in(VERDICT_KPIS)), label))
    out.print(
        f"[bold]Verdicts[/bold] ({len(lines)} differences beyond their 95% interval in the "
        f"service levels, response times and backlogs; censored statistics and the inputs a "
        "variant sets get none):"
    )
    for line in lines:
        out.print(f"  {line}", highlight=False, soft_wrap=True)
    if others:
        out.print(f"  ({others} more on other KPIs: see comparison.csv)", highlight=False)


def _with_interval(kpi: str, row: dict[str, object], low: str, high: str) -> str:
    return f"{format_difference(kpi, row['difference'])} {_bracket(kpi, row[low], row[high])}"  # type: ignore[arg-type]


def _bracket(kpi: str, low: object, high: object) -> str:
    return f"[{format_difference(kpi, low)}, {format_difference(kpi, high)}]"  # type: ignore[arg-type]
