"""Dispatch KPIs per planning year and grade, from one replication's incident records.

Censoring at the horizon: an incident not attended by the end counts as missing its target
if it had already waited longer than the target, and is left out of the attainment share
otherwise (its outcome is unknown). Percentiles use attended incidents only.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics.windows import aggregate, busy_per_year, held_from, long_table, with_year

KPIS = (
    "incidents",
    "attained_share",
    "response_median_min",
    "response_p90_min",
    "response_mean_min",
    "pre_dispatch_mean_min",
    "wait_mean_min",
    "lost_unit_share",
    "lent_share",
    "units_busy_mean",
)


def dispatch_kpis(
    records: pl.DataFrame, bounds_min: NDArray[np.float64], labels: tuple[int, ...]
) -> pl.DataFrame:
    """Long table ``year, area, group, kpi, value`` for area ``dispatch``, group = grade."""
    horizon = float(bounds_min[-1])
    counted = with_year(records, bounds_min).filter(pl.col("year_index") >= 0)
    attended = pl.col("arrived_min").is_not_null() & pl.col("arrived_min").is_not_nan()
    unknown = ~attended & ((horizon - pl.col("created_min")) <= pl.col("target_min"))
    hit = attended & (pl.col("response_min") <= pl.col("target_min"))
    per_grade = aggregate(
        counted,
        ["year_index", "grade"],
        incidents=pl.len().cast(pl.Float64),
        attained_share=hit.sum() / (pl.len() - unknown.sum()),
        response_median_min=pl.col("response_min").filter(attended).median(),
        response_p90_min=pl.col("response_min").filter(attended).quantile(0.9, "linear"),
        response_mean_min=pl.col("response_min").filter(attended).mean(),
        pre_dispatch_mean_min=pl.col("pre_dispatch_min").mean(),
        wait_mean_min=pl.col("wait_min").filter(pl.col("wait_min").is_not_nan()).mean(),
        lost_unit_share=pl.col("diverted_min").is_not_nan().mean(),
        lent_share=_lent(records).mean(),
        has_target=pl.col("target_min").is_not_nan().any(),
    )
    per_grade = per_grade.with_columns(
        attained_share=pl.when(pl.col("has_target")).then(pl.col("attained_share"))
    ).drop("has_target")
    per_grade = per_grade.rename({"grade": "group"})
    busy = units_busy(records, bounds_min)
    table = per_grade.join(busy, on=["year_index", "group"], how="full", coalesce=True)
    return long_table(table, "dispatch", KPIS, labels)


def _lent(records: pl.DataFrame) -> pl.Expr:
    """Whether another pool's units attended each incident (false without a ``lent_by``)."""
    if "lent_by" not in records.columns:
        return pl.lit(False)
    return pl.col("lent_by").is_not_null()


def units_busy(records: pl.DataFrame, bounds_min: NDArray[np.float64]) -> pl.DataFrame:
    """Time-average units busy per grade in each planning year (busy = allocated to free;
    an incident holds its ``units``; a P1 that took a travelling unit also holds the travel
    that unit had done)."""
    start = held_from(records)
    end = records["free_min"].to_numpy()
    units = records["units"].to_numpy().astype(np.float64)
    return busy_per_year(records["grade"], start, end, bounds_min, "units_busy_mean", units)


TYPE_KPIS = (
    "incidents",
    "attended_share",
    "attendance_mean_min",
    "attendance_median_min",
    "immediate_attendance_mean_min",
    "rerouted_share",
)


def type_kpis(
    records: pl.DataFrame, bounds_min: NDArray[np.float64], labels: tuple[int, ...]
) -> pl.DataFrame:
    """Long table for area ``incident_type``, group = incident type (typed incidents only)."""
    typed = records.filter(pl.col("type").is_not_null())
    counted = with_year(typed, bounds_min).filter(pl.col("year_index") >= 0)
    attended = pl.col("arrived_min").is_not_nan()
    immediate = attended & pl.col("slot_min").is_nan() & pl.col("pool").ne("")
    table = aggregate(
        counted,
        ["year_index", "type"],
        incidents=pl.len().cast(pl.Float64),
        attended_share=attended.mean(),
        attendance_mean_min=pl.col("response_min").filter(attended).mean(),
        attendance_median_min=pl.col("response_min").filter(attended).median(),
        immediate_attendance_mean_min=pl.col("response_min").filter(immediate).mean(),
        rerouted_share=(pl.col("grade").cast(pl.String) != pl.col("graded").cast(pl.String)).mean(),
    ).rename({"type": "group"})
    return long_table(table, "incident_type", TYPE_KPIS, labels)
