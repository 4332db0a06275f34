"""Shared pieces of KPI tables: planning-year windows, busy-time averages, the long form."""

from __future__ import annotations

import numba
import numpy as np
import polars as pl
from numpy.typing import NDArray


def with_year(
    records: pl.DataFrame, bounds_min: NDArray[np.float64], column: str = "created_min"
) -> pl.DataFrame:
    """Add ``year_index``: the planning year of ``column`` (-1 in warm-up or past the end)."""
    index = np.searchsorted(bounds_min, records[column].to_numpy(), side="right") - 1
    index[index >= len(bounds_min) - 1] = -1
    return records.with_columns(year_index=pl.Series(index, dtype=pl.Int32))


def busy_per_year(
    group: pl.Series,
    start: NDArray[np.float64],
    end: NDArray[np.float64],
    bounds_min: NDArray[np.float64],
    name: str,
    weight: NDArray[np.float64] | float = 1.0,
) -> pl.DataFrame:
    """Time-average of resources held per group in each planning year.

    Each row holds ``weight`` of a resource from ``start`` to ``end`` (NaN start: never held;
    NaN end: held to the horizon).
    """
    names, codes = _codes(group)
    return busy_from_codes(names.tolist(), codes, start, end, bounds_min, name, weight)


def busy_from_codes(
    names: list[str],
    codes: NDArray[np.int64],
    start: NDArray[np.float64],
    end: NDArray[np.float64],
    bounds_min: NDArray[np.float64],
    name: str,
    weight: NDArray[np.float64] | float = 1.0,
) -> pl.DataFrame:
    """:func:`busy_per_year` with each row's group given as an index into ``names``."""
    bounds = np.ascontiguousarray(bounds_min, np.float64)
    codes = np.asarray(codes, np.int64)
    if len(codes) and (codes.min() < 0 or codes.max() >= len(names)):
        raise ValueError(f"group codes outside 0..{len(names) - 1}")
    weights = np.ascontiguousarray(np.atleast_1d(np.asarray(weight, np.float64)))
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    totals = _busy_totals(codes, start, end, bounds, weights, len(names))
    frames = [
        pl.DataFrame(
            {"group": names, name: totals[k]}, schema={"group": pl.String, name: pl.Float64}
        ).with_columns(year_index=pl.lit(k, dtype=pl.Int32))
        for k in range(len(bounds) - 1)
    ]
    return pl.concat(frames)


@numba.njit(cache=True)
def _busy_totals(
    codes: NDArray[np.int64],
    start: NDArray[np.float64],
    end: NDArray[np.float64],
    bounds: NDArray[np.float64],
    weight: NDArray[np.float64],
    n_names: int,
) -> NDArray[np.float64]:
    """Per planning year and group, the time-average held: one pass over the rows, each
    year's sums taken in row order (what ``np.bincount`` does), so bit-identical to the
    vectorised form ``clip(min(end, hi) − max(start, lo), 0) × weight / (hi − lo)``.
    ``weight``: one per row, or one for all."""
    totals = np.zeros((len(bounds) - 1, n_names))
    shared = len(weight) == 1
    for i in range(len(codes)):
        w = weight[0] if shared else weight[i]
        add_busy(totals, bounds, codes[i], start[i], end[i], w, bounds[-1])
    return totals


@numba.njit(cache=True)
def add_busy(
    busy: NDArray[np.float64],
    bounds: NDArray[np.float64],
    ch: int,
    start: float,
    end: float,
    weight: float,
    horizon: float,
) -> None:
    """Add one row's time held, ``start`` to ``end``, to each planning year of group
    ``ch``: ``clip(min(end, hi) − max(start, lo), 0) × weight / (hi − lo)`` (NaN end: the
    horizon; NaN start: never held — adding its 0 changes no sum)."""
    if np.isnan(start):
        return
    if np.isnan(end):
        end = horizon
    for k in range(len(bounds) - 1):
        lo, hi = bounds[k], bounds[k + 1]
        overlap = min(end, hi) - max(start, lo)
        if overlap > 0.0:
            busy[k, ch] += overlap * weight / (hi - lo)


def _codes(group: pl.Series) -> tuple[NDArray[np.str_], NDArray[np.int64]]:
    """Distinct names and each row's index into them (enum columns need no search)."""
    if isinstance(group.dtype, pl.Enum):
        return np.asarray(group.dtype.categories.to_list()), group.to_physical().to_numpy()
    names, codes = np.unique(group.to_numpy().astype(str), return_inverse=True)
    return names, codes


def long_table(
    table: pl.DataFrame, area: str, kpis: tuple[str, ...], labels: tuple[int, ...]
) -> pl.DataFrame:
    """``year, area, group, kpi, value`` from a wide table keyed by ``year_index, group``."""
    if table.is_empty():
        schema = {
            "year": pl.Int64,
            "area": pl.String,
            "group": pl.String,
            "kpi": pl.String,
            "value": pl.Float64,
        }
        return pl.DataFrame(schema=schema)
    return (
        table.unpivot(index=["year_index", "group"], on=list(kpis), variable_name="kpi")
        .with_columns(
            year=pl.col("year_index").replace_strict(list(range(len(labels))), list(labels)),
            area=pl.lit(area),
            value=pl.col("value").cast(pl.Float64),
        )
        .select("year", "area", "group", "kpi", "value")
        .sort("year", "group", "kpi")
    )


def aggregate(frame: pl.DataFrame, keys: list[str], **exprs: pl.Expr) -> pl.DataFrame:
    """``frame.group_by(keys).agg(**exprs)``, computed group by group.

    Polars' parallel group-by may add floating-point partial sums in a different order from
    run to run; reducing each group on its own keeps results bit-identical for a seed.
    """
    rows = [
        part.select(*(pl.lit(v).alias(k) for k, v in zip(keys, values, strict=True)), **exprs)
        for values, part in frame.partition_by(keys, as_dict=True, maintain_order=True).items()
    ]
    if not rows:  # no records: an empty table with the same columns, names as text
        empty = frame.group_by(keys).agg(**exprs)
        return empty.with_columns(pl.col(k).cast(pl.String) for k in keys if k != "year_index")
    return pl.concat(rows, how="vertical_relaxed")


def held_from(records: pl.DataFrame) -> NDArray[np.float64]:
    """When each incident's units became busy for it: its assignment, or earlier for a P1
    that took a travelling unit (the travel that unit had done, ``lost_travel_min``, is busy
    time too)."""
    assigned = records["assigned_min"].to_numpy()
    if "lost_travel_min" not in records.columns:
        return assigned
    lost = records["lost_travel_min"].to_numpy()
    return np.where(np.isnan(lost), assigned, assigned - np.nan_to_num(lost))
