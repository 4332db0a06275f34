"""What the uplift buys: gains over the counterfactual per 100 officers added, as a table."""

from __future__ import annotations

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
