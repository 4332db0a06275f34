"""What a leader asks first: which allocation does best on the targets that matter, what it
uses, what each 100 officers buy, and what to be careful about.

Tables only (no printing, no HTML): the console and the HTML report lay them out. The figures
are the service-level targets forces set (P1–P3 attendance, the 999 service level) and the
investigation backlogs of the uplift (:data:`fmssim.analytics.workforce.GAINS`), those a
scenario has.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from fmssim.analytics.workforce import FORCE, GAINS
from fmssim.report.units import format_difference, format_value
from fmssim.report.verdicts import better_when_higher, figure

TARGETS = tuple((a, g, k) for a, g, k in GAINS if k.endswith("_share"))
"""The service-level targets the ranking adds up (shares, in points)."""
KEYS = ("year", "area", "group", "kpi")
OFFICERS = "officers (FTE)"


def leader_figures(table: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``table`` (a summary or a comparison) about a leader's figures, in the
    order of :data:`GAINS`, with a ``figure`` column in words."""
    order = {key: i for i, key in enumerate(GAINS)}
    picked = [
        r | {"figure": figure(r["area"], r["group"], r["kpi"]), "_order": order[key]}
        for r in table.iter_rows(named=True)
        if (key := (r["area"], r["group"], r["kpi"])) in order
    ]
    if not picked:
        return table.head(0).with_columns(pl.lit("").alias("figure"))
    found = pl.DataFrame(picked, schema_overrides=dict(table.schema))
    by = ["variant", "_order", "year"] if "variant" in found.columns else ["_order", "year"]
    return found.sort(by, maintain_order=True).drop("_order")


def officers_added(comparison: pl.DataFrame) -> pl.DataFrame:
    """``variant, year, added, added_low, added_high, unit``: the force's officers (FTE) a
    variant adds when the scenario models the workforce, else the dispatch units on duty it
    adds (summed over pools)."""
    workforce = comparison.filter(
        pl.col("area") == "workforce", pl.col("group") == FORCE, pl.col("kpi") == "officers_fte"
    )
    if not workforce.is_empty():
        return workforce.select(
            "variant",
            "year",
            pl.col("difference").alias("added"),
            pl.lit(OFFICERS).alias("unit"),
        )
    units = comparison.filter(pl.col("area") == "pools", pl.col("kpi") == "units_on_duty_mean")
    return (
        units.group_by(["variant", "year"], maintain_order=True)
        .agg(pl.col("difference").sum().alias("added"))
        .with_columns(pl.lit("units on duty").alias("unit"))
    )


def headline_table(comparison: pl.DataFrame) -> pl.DataFrame:
    """Each variant against the reference on the leader's figures, per year: means, the
    paired difference and its interval, ``added`` (what it uses), the gain per 100 added
    (``per_100``, when the variant adds at least one) and a plain-words ``verdict``."""
    rows = leader_figures(comparison)
    added = officers_added(comparison)
    joined = rows.join(added, on=["variant", "year"], how="left")
    verdicts = [_verdict(r) for r in joined.iter_rows(named=True)]
    scale = pl.when(pl.col("added").abs() >= 1.0).then(100.0 / pl.col("added"))
    return joined.with_columns(
        (pl.col("difference") * scale).alias("per_100"),
        pl.Series("verdict", verdicts, dtype=pl.String),
    )


def _verdict(row: Mapping[str, Any]) -> str:
    """``+9.7 points, 95% interval +9.4 to +9.9: better`` in the figure's own unit."""
    if row.get("censored"):
        return "censored (overloaded): not a result"
    kpi, low, high = row["kpi"], row["ci_low"], row["ci_high"]
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return f"{format_difference(kpi, row['difference'])} (too few replications for an interval)"
    if low == high == row["difference"] == 0.0:
        return "unchanged in every replication"
    interval = f"95% interval {format_difference(kpi, low)} to {format_difference(kpi, high)}"
    if low <= 0.0 <= high:
        return f"no clear difference ({interval})"
    good = better_when_higher(kpi)
    judged = "" if good is None else (": better" if (row["difference"] > 0) == good else ": worse")
    return f"{format_difference(kpi, row['difference'])}, {interval}{judged}"


def ranking(comparison: pl.DataFrame, summary: pl.DataFrame) -> pl.DataFrame:
    """Allocations best first by ``score``: the mean over planning years of the sum of their
    differences to the reference in the service-level targets (:data:`TARGETS`, in
    percentage points); the reference scores 0. ``better`` and ``worse`` count the figure-years
    whose interval excludes zero; ``added`` is what the allocation uses (mean over years)."""
    variants = summary["variant"].unique(maintain_order=True).to_list()
    reference = comparison["reference"][0] if not comparison.is_empty() else variants[0]
    targets = leader_figures(comparison).filter(pl.col("kpi").str.ends_with("_share"))
    if "censored" in targets.columns:
        targets = targets.filter(~pl.col("censored"))
    added = officers_added(comparison)
    rows = []
    for name in variants:
        mine = targets.filter(pl.col("variant") == name)
        years = max(mine["year"].n_unique(), 1)
        clear = mine.filter((pl.col("ci_low") > 0) | (pl.col("ci_high") < 0))
        uses = added.filter(pl.col("variant") == name)["added"]
        rows.append(
            {
                "variant": name,
                "score_points": 100.0 * float(mine["difference"].sum()) / years,
                "better": clear.filter(pl.col("difference") > 0).height,
                "worse": clear.filter(pl.col("difference") < 0).height,
                "added": float(uses.mean()) if uses.len() else 0.0,  # type: ignore[arg-type]
                "reference": name == reference,
            }
        )
    return pl.DataFrame(rows).sort("score_points", descending=True, maintain_order=True)


def headline_sentence(ranked: pl.DataFrame, unit: str) -> str:
    """One sentence: the best allocation on the targets, and what it uses."""
    best = ranked.row(0, named=True)
    if best["reference"] or best["score_points"] <= 0.0:
        return (
            f"No allocation does better than {ranked.filter(pl.col('reference'))['variant'][0]} "
            "on the service-level targets taken together."
        )
    per = f"{best['added']:+,.0f} {unit if abs(best['added']) != 1 else _one(unit)}" if unit else ""
    bought = ""
    if abs(best["added"]) >= 1.0 and unit:
        if unit == OFFICERS:
            bought = f"; {100.0 * best['score_points'] / best['added']:+.1f} points per 100 {unit}"
        else:
            bought = f"; {best['score_points'] / best['added']:+.1f} points per unit added"
    return (
        f"{best['variant']} does best on the service-level targets taken together: "
        f"{best['score_points']:+.1f} percentage points a year summed over the targets"
        + (f", using {per}" if per else "")
        + bought
        + f" (better on {best['better']} figure-years, worse on {best['worse']})."
    )


def _one(unit: str) -> str:
    """``unit on duty`` for one of ``units on duty``."""
    return unit.replace("units", "unit", 1)


def run_headline(summary: pl.DataFrame) -> pl.DataFrame:
    """A single run's leader figures per year: ``figure, year, value`` (mean with its
    interval, in words) and ``censored``."""
    rows = leader_figures(summary)
    values = [
        f"{format_value(r['kpi'], r['mean'])} (95% interval {format_value(r['kpi'], r['ci_low'])}"
        f" to {format_value(r['kpi'], r['ci_high'])})"
        for r in rows.iter_rows(named=True)
    ]
    return rows.with_columns(pl.Series("value", values, dtype=pl.String))


def censored_figures(table: pl.DataFrame, label: Callable[[int], str] = str) -> list[str]:
    """``variant, year: area group kpi`` of every censored row, one phrase each."""
    if "censored" not in table.columns:
        return []
    rows = table.filter(pl.col("censored"))
    found = [
        f"{r['variant']}, {label(r['year'])}: {figure(r['area'], r['group'], r['kpi'])}"
        for r in rows.filter(pl.col("area") != "response_distribution").iter_rows(named=True)
    ]
    return list(dict.fromkeys(found))
