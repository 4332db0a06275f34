"""A weighted objective over KPIs, per replication, for searching allocations.

The objective of one replication is ``Σ weight × (KPI averaged over planning years)``; it is
computed per replication so that candidates evaluated on the same replications (common random
numbers) can be compared pair by pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from fmssim.analytics.intervals import LEVEL
from fmssim.analytics.paired import paired_comparison


@dataclass(frozen=True)
class Term:
    """``weight`` × the KPI ``kpi`` of ``group`` in ``area`` (mean over years)."""

    area: str
    group: str
    kpi: str
    weight: float

    @property
    def label(self) -> str:
        return f"{self.weight:g} × {self.area}/{self.group}/{self.kpi}"


def objective_per_replication(reps: pl.DataFrame, terms: tuple[Term, ...]) -> pl.DataFrame:
    """``variant, replication, objective`` (null where a term has no value in a replication)."""
    weights = pl.DataFrame(
        {
            "area": [t.area for t in terms],
            "group": [t.group for t in terms],
            "kpi": [t.kpi for t in terms],
            "weight": [t.weight for t in terms],
        }
    )
    per_term = (
        reps.join(weights, on=["area", "group", "kpi"], how="inner")
        .group_by(["variant", "replication", "area", "group", "kpi"], maintain_order=True)
        .agg((pl.col("value").fill_nan(None).mean() * pl.col("weight").first()).alias("term"))
    )
    counted = per_term.group_by(["variant", "replication"], maintain_order=True).agg(
        pl.col("term").sum().alias("objective"),
        pl.col("term").is_not_null().sum().alias("known"),
    )
    return counted.select(
        "variant",
        "replication",
        pl.when(pl.col("known") == len(terms)).then(pl.col("objective")).alias("objective"),
    ).sort(["variant", "replication"], maintain_order=True)


def missing_terms(reps: pl.DataFrame, terms: tuple[Term, ...]) -> list[Term]:
    """The terms whose KPI never appears in ``reps`` (a misspelt area, group or KPI)."""
    present = set(reps.select("area", "group", "kpi").unique().iter_rows())
    return [t for t in terms if (t.area, t.group, t.kpi) not in present]


def ranked(objective: pl.DataFrame, level: float = LEVEL) -> pl.DataFrame:
    """Candidates by mean objective, best first, each with its paired difference to the best.

    Columns: ``variant, objective, difference, ci_low, ci_high, pairs`` (the best has a
    difference of 0 and no interval).
    """
    means = objective.group_by("variant", maintain_order=True).agg(
        pl.col("objective").mean().alias("objective")
    )
    order = means.sort(["objective", "variant"], descending=[True, False], nulls_last=True)
    best = str(order["variant"][0])
    diffs = paired_comparison(as_long(objective), best, level).select(
        "variant", "difference", "ci_low", "ci_high", "pairs"
    )
    return order.join(diffs, on="variant", how="left", maintain_order="left").with_columns(
        pl.col("difference").fill_null(0.0)
    )


def as_long(objective: pl.DataFrame) -> pl.DataFrame:
    """The objective as the long per-replication table (area, group and KPI ``objective``)."""
    return objective.select(
        "variant",
        "replication",
        pl.lit(0, pl.Int32).alias("year"),
        pl.lit("objective").alias("area"),
        pl.lit("").alias("group"),
        pl.lit("objective").alias("kpi"),
        pl.col("objective").alias("value"),
    )
