"""The headline per planning year: the figures leaders compare across uplift allocations.

One row per (variant, year): P1, P2 and P3 attainment, the 999 service level, the investigation
backlog (open cases at the year's end) of each investigation department, and the effective
strength of each workforce department, from the long summary. KPIs a scenario does not
produce are left out, so the table works for any scenario.
"""

from __future__ import annotations

import polars as pl

HEADLINE = (
    ("dispatch", "P1", "attained_share", "P1 attained within target"),
    ("dispatch", "P2", "attained_share", "P2 attained within target"),
    ("dispatch", "P3", "attained_share", "P3 attained within target"),
    ("contact", "999", "answered_within_target_share", "999 answered within target"),
)
"""(area, group, kpi, column title) of the fixed headline columns."""


def headline(summary: pl.DataFrame) -> pl.DataFrame:
    """``variant, year`` and one column per headline figure (means), in a fixed order:
    shares as fractions, effective strength in FTE (``effective FTE <department>``)."""
    picks = [
        summary.filter(pl.col("area") == a, pl.col("group") == g, pl.col("kpi") == k).with_columns(
            column=pl.lit(title)
        )
        for a, g, k, title in HEADLINE
    ]
    backlog = summary.filter(pl.col("area") == "investigation", pl.col("kpi") == "open_cases_end")
    picks.append(backlog.with_columns(column=pl.lit("open cases ") + pl.col("group")))
    workforce = summary.filter(pl.col("area") == "workforce", pl.col("kpi") == "effective_fte")
    picks.append(workforce.with_columns(column=pl.lit("effective FTE ") + pl.col("group")))
    long = pl.concat(picks).select("variant", "year", "column", "mean")
    if long.is_empty():
        return pl.DataFrame(schema={"variant": pl.String, "year": pl.Int32})
    order = (
        [t for *_, t in HEADLINE]
        + [f"open cases {g}" for g in backlog["group"].unique(maintain_order=True)]
        + [f"effective FTE {g}" for g in workforce["group"].unique(maintain_order=True)]
    )
    wide = long.pivot(on="column", index=["variant", "year"], values="mean").sort("variant", "year")
    return wide.select("variant", "year", *(c for c in order if c in wide.columns))
