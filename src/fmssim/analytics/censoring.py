"""Which statistics of a summary are censored, because a pool or department was overloaded.

An overloaded dispatch pool leaves incidents waiting at the year's end that never got a unit;
the response-time statistics of its grades are taken over the incidents that *were* attended,
so they describe a shrinking, luckier part of the demand and are no longer results (they are
censored). The same holds for the time-to-finalise statistics of an overloaded investigation
department. Shares that count the still-waiting incidents as misses (``attained_share``) and
counts (incidents waiting, open cases) stay valid: they are what the overload looks like.

The tests of overload are those of the run's warnings (``analytics/pools.py`` and
``analytics/investigation.py``), applied to each variant of a summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from fmssim.analytics.investigation import OVERLOAD_WAIT_DAYS, backlog_warnings
from fmssim.analytics.pools import OVERLOAD_UTILISATION, overload_warnings

FLAG_COLUMNS = ("variant", "year", "area", "group", "reason")
CENSORED_DISPATCH = ("response_", "wait_")
"""Dispatch KPIs (prefixes) taken over attended incidents only."""
CENSORED_INVESTIGATION = ("finalise_median_days", "finalised_within_", "allocation_wait_")
"""Investigation KPIs (prefixes) taken over finalised or allocated cases only."""


def grade_pools(document: Mapping[str, Any]) -> dict[str, str]:
    """Grade → the dispatch pool attending it, from a resolved scenario document."""
    dispatch = document.get("dispatch")
    grades = dispatch.get("grades") if isinstance(dispatch, Mapping) else None
    if not isinstance(grades, Mapping):
        return {}
    found = {str(g): spec.get("pool") for g, spec in grades.items() if isinstance(spec, Mapping)}
    return {g: str(p) for g, p in found.items() if p is not None}


def incidents_per_pool(summary: pl.DataFrame, pools: Mapping[str, str]) -> dict[str, float]:
    """Mean incidents a year of each pool's grades, in one variant's summary."""
    counts = summary.filter(pl.col("area") == "dispatch", pl.col("kpi") == "incidents")
    years = max(counts["year"].n_unique(), 1)
    per_pool: dict[str, float] = {}
    for row in counts.iter_rows(named=True):
        pool = pools.get(row["group"])
        if pool is not None and row["mean"] == row["mean"]:
            per_pool[pool] = per_pool.get(pool, 0.0) + row["mean"] / years
    return per_pool


def overload_flags(summary: pl.DataFrame, pools: Mapping[str, str]) -> pl.DataFrame:
    """``variant, year, area, group, reason``: each grade of an overloaded pool (area
    ``dispatch``) and each overloaded department (area ``investigation``), per variant."""
    rows: list[tuple[str, int, str, str, str]] = []
    for (variant,), part in summary.group_by(["variant"], maintain_order=True):
        per_day = {p: n / 365.0 for p, n in incidents_per_pool(part, pools).items()}
        wide = part.filter(pl.col("area") == "pools").pivot(
            on="kpi", index=["year", "group"], values="mean"
        )
        for row in wide.iter_rows(named=True):
            busy = row.get("utilisation") or 0.0
            waiting = row.get("waiting_at_year_end") or 0.0
            if busy >= OVERLOAD_UTILISATION and waiting > max(per_day.get(row["group"], 0.0), 1):
                reason = f"pool {row['group']} overloaded ({waiting:,.0f} incidents waiting)"
                rows += [
                    (str(variant), row["year"], "dispatch", g, reason)
                    for g, p in pools.items()
                    if p == row["group"]
                ]
        waits = part.filter(
            pl.col("area") == "investigation", pl.col("kpi") == "allocation_wait_mean_days"
        )
        for row in waits.iter_rows(named=True):
            if row["mean"] == row["mean"] and row["mean"] > OVERLOAD_WAIT_DAYS:
                reason = f"department {row['group']} overloaded (cases wait {row['mean']:.0f} days)"
                rows.append((str(variant), row["year"], "investigation", row["group"], reason))
    schema = dict.fromkeys(FLAG_COLUMNS, pl.String) | {"year": pl.Int32}
    return pl.DataFrame(rows, schema=schema, orient="row").unique(maintain_order=True)


def is_censored_kpi(area: str, kpi: str) -> bool:
    """Whether ``kpi`` of ``area`` is taken over the finished work only (censored when its
    group is overloaded)."""
    if area in ("dispatch", "response_distribution"):
        return area == "response_distribution" or kpi.startswith(CENSORED_DISPATCH)
    if area == "investigation":
        return kpi.startswith(CENSORED_INVESTIGATION)
    return False


def mark_censored(table: pl.DataFrame, flags: pl.DataFrame) -> pl.DataFrame:
    """``table`` (a summary or a comparison) with a boolean ``censored`` column.

    A comparison row is censored when the variant's or the reference's value is.
    """
    flagged = {(v, y, "dispatch" if a == "dispatch" else a, g) for v, y, a, g, _ in flags.rows()}
    flagged |= {(v, y, "response_distribution", g) for v, y, a, g in flagged if a == "dispatch"}
    has_reference = "reference" in table.columns
    values = []
    for row in table.select(
        "variant", "year", "area", "group", "kpi", *(["reference"] if has_reference else [])
    ).iter_rows():
        variant, year, area, group, kpi = row[:5]
        names = (variant, row[5]) if has_reference else (variant,)
        values.append(
            is_censored_kpi(area, kpi) and any((n, year, area, group) in flagged for n in names)
        )
    return table.with_columns(pl.Series("censored", values, dtype=pl.Boolean))


def variant_warnings(summary: pl.DataFrame, pools: Mapping[str, str]) -> list[str]:
    """The run's overload warnings for each variant of ``summary``, prefixed by its name
    when there are several."""
    variants = summary["variant"].unique(maintain_order=True).to_list()
    lines: list[str] = []
    for variant in variants:
        part = summary.filter(pl.col("variant") == variant)
        found = overload_warnings(part, incidents_per_pool(part, pools))
        found += backlog_warnings(part)
        prefix = f"{variant}: " if len(variants) > 1 else ""
        lines += [
            line.replace("warning: ", f"warning: {prefix}", 1) if prefix else line for line in found
        ]
    return lines
