"""What the uplift buys: gains over the counterfactual per 100 officers added, as a table."""

from __future__ import annotations

import html

import polars as pl
from rich.console import Console
from rich.table import Table

from fmssim.analytics.workforce import uplift_gains

LABELS = {
    "attained_share": "attained",
    "answered_within_target_share": "answered in target",
    "open_cases_mean": "open cases",
}


def gain_rows(comparison: pl.DataFrame) -> list[tuple[str, ...]]:
    """(variant, year, figure, officers added, gain [95%], per 100 officers [95%]) rows."""
    rows: list[tuple[str, ...]] = []
    for r in uplift_gains(comparison).iter_rows(named=True):
        share = r["kpi"].endswith("_share")

        def fmt(v: float | None, low: float | None, high: float | None, share: bool = share) -> str:
            if v is None or low is None or high is None:
                return "–"
            unit, suffix = (100.0, " pp") if share else (1.0, "")
            return f"{v * unit:+.2f} [{low * unit:+.2f}, {high * unit:+.2f}]{suffix}"

        rows.append(
            (
                r["variant"],
                str(r["year"]),
                f"{r['group']} {LABELS.get(r['kpi'], r['kpi'])}",
                f"{r['officers_added']:+,.0f}",
                fmt(r["difference"], r["ci_low"], r["ci_high"]),
                fmt(r["per_100"], r["per_100_low"], r["per_100_high"]),
            )
        )
    return rows


def print_uplift_gains(comparison: pl.DataFrame, reference: str) -> None:
    """The table, when the comparison has workforce figures (else nothing)."""
    rows = gain_rows(comparison)
    if not rows:
        return
    table = Table(title=f"What the uplift buys: gain over {reference} (paired 95% intervals)")
    for column in ("variant", "year", "figure", "officers added", "gain", "per 100 officers"):
        table.add_column(column, justify="left" if column in ("variant", "figure") else "right")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def uplift_gains_html(comparison: pl.DataFrame | None) -> str:
    """The same table as an HTML section (empty without workforce figures)."""
    rows = gain_rows(comparison) if comparison is not None and not comparison.is_empty() else []
    if not rows:
        return ""
    reference = html.escape(str(comparison["reference"][0])) if comparison is not None else ""
    head = "".join(
        f"<th>{c}</th>"
        for c in (
            "variant",
            "year",
            "figure",
            "officers added",
            "gain [paired 95%]",
            "per 100 officers [95%]",
        )
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(c)}</td>" for c in row[:3])
        + "".join(f"<td class='n'>{html.escape(c)}</td>" for c in row[3:])
        + "</tr>"
        for row in rows
    )
    return (
        f"<h2>What the uplift buys</h2><p class='note'>Each variant's gain over {reference} "
        "(the counterfactual) per planning year, and per 100 officers added (the variant's "
        "mean officers over the year less the counterfactual's); shares in percentage points, "
        "open cases in cases (negative: fewer). Intervals are paired over replications.</p>"
        f"<table><tr>{head}</tr>{body}</table>"
    )
