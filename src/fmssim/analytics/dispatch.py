"""Dispatch KPIs per planning year and grade, from one replication's incident records.

Censoring at the horizon: an incident not attended by the end counts as missing its target
if it had already waited longer than the target, and is left out of the attainment share
otherwise (its outcome is unknown). Percentiles use attended incidents only.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

KPIS = (
    "incidents",
    "attained_share",
    "response_median_min",
    "response_p90_min",
    "response_mean_min",
    "wait_mean_min",
    "units_busy_mean",
)


def with_year(records: pl.DataFrame, bounds_min: NDArray[np.float64]) -> pl.DataFrame:
    """Add ``year_index`` (planning year of creation; -1 for warm-up, dropped later)."""
    index = np.searchsorted(bounds_min, records["created_min"].to_numpy(), side="right") - 1
    index[index >= len(bounds_min) - 1] = -1
    return records.with_columns(year_index=pl.Series(index, dtype=pl.Int32))


def dispatch_kpis(
    records: pl.DataFrame, bounds_min: NDArray[np.float64], labels: tuple[int, ...]
) -> pl.DataFrame:
    """Long table ``year, area, group, kpi, value`` for area ``dispatch``, group = grade."""
    horizon = float(bounds_min[-1])
    counted = with_year(records, bounds_min).filter(pl.col("year_index") >= 0)
    attended = pl.col("arrived_min").is_not_null() & pl.col("arrived_min").is_not_nan()
    unknown = ~attended & ((horizon - pl.col("created_min")) <= pl.col("target_min"))
    hit = attended & (pl.col("response_min") <= pl.col("target_min"))
    per_grade = counted.group_by("year_index", "grade").agg(
        incidents=pl.len().cast(pl.Float64),
        attained_share=hit.sum() / (pl.len() - unknown.sum()),
        response_median_min=pl.col("response_min").filter(attended).median(),
        response_p90_min=pl.col("response_min").filter(attended).quantile(0.9, "linear"),
        response_mean_min=pl.col("response_min").filter(attended).mean(),
        wait_mean_min=pl.col("wait_min").filter(pl.col("wait_min").is_not_nan()).mean(),
        has_target=pl.col("target_min").is_not_nan().any(),
    )
    per_grade = per_grade.with_columns(
        attained_share=pl.when(pl.col("has_target")).then(pl.col("attained_share"))
    ).drop("has_target")
    busy = units_busy(records, bounds_min)
    table = per_grade.join(busy, on=["year_index", "grade"], how="full", coalesce=True)
    return _long(table, labels)


def units_busy(records: pl.DataFrame, bounds_min: NDArray[np.float64]) -> pl.DataFrame:
    """Time-average units busy per grade in each planning year (busy = allocated to free)."""
    start = records["assigned_min"].fill_nan(None).to_numpy()
    end = records["free_min"].fill_nan(float(bounds_min[-1])).fill_null(float(bounds_min[-1]))
    end_np = end.to_numpy()
    frames = []
    for k in range(len(bounds_min) - 1):
        lo, hi = float(bounds_min[k]), float(bounds_min[k + 1])
        overlap = np.clip(np.minimum(end_np, hi) - np.maximum(start, lo), 0.0, None)
        overlap = np.nan_to_num(overlap, nan=0.0)
        frames.append(
            pl.DataFrame({"grade": records["grade"], "busy": overlap / (hi - lo)})
            .group_by("grade")
            .agg(units_busy_mean=pl.col("busy").sum())
            .with_columns(year_index=pl.lit(k, dtype=pl.Int32))
        )
    return pl.concat(frames)


def _long(table: pl.DataFrame, labels: tuple[int, ...]) -> pl.DataFrame:
    return (
        table.unpivot(index=["year_index", "grade"], on=list(KPIS), variable_name="kpi")
        .with_columns(
            year=pl.col("year_index").replace_strict(list(range(len(labels))), list(labels)),
            area=pl.lit("dispatch"),
            value=pl.col("value").cast(pl.Float64),
        )
        .select("year", "area", pl.col("grade").alias("group"), "kpi", "value")
        .sort("year", "group", "kpi")
    )
