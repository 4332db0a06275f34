"""Record arrays straight to KPIs: group codes in numpy, no record tables.

A replication's KPIs used to be computed from its record tables (``analytics.tables``) with
polars expressions, group by group (:func:`fmssim.analytics.windows.aggregate`). Building
those tables (4.7 million attempts for the 2019 baseline) and partitioning them cost more
than the engines. This module reduces the engines' arrays directly: each row gets a group
code (planning year × grade, pool, channel or incident type), one stable sort by code puts
every group's rows together *in record order*, and each KPI is a function of a group's
columns. Counts and shares of counts are exact in any order; float sums, means and
quantiles use polars' own kernels on the same values in the same order as the record-table
path, so every KPI is bit-identical to it (``tests/validation/test_reduce.py`` checks this
on every shipped scenario). The record-table functions stay as the reference and for
``--records`` and sweeps' extra KPIs.

A new KPI is one more entry in the ``kpis`` mapping given to :func:`reduce_groups` (and in
the area's ``KPIS`` tuple).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics import dispatch as dispatch_area
from fmssim.analytics import pools as pools_area
from fmssim.analytics import steps
from fmssim.analytics.windows import busy_from_codes, long_table
from fmssim.engine.records import Outcome
from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs

Columns = Mapping[str, NDArray[Any]]
Kpi = Callable[[Columns], float | None]


def year_codes(bounds_min: NDArray[np.float64], times: NDArray[np.float64]) -> NDArray[np.int64]:
    """The planning year of each time (-1 in warm-up, past the end or NaN), as ``with_year``
    (``searchsorted`` on sorted bounds, in one compiled pass)."""
    return _year_codes(np.ascontiguousarray(bounds_min, np.float64), times)


@numba.njit(cache=True)
def _year_codes(bounds: NDArray[np.float64], times: NDArray[np.float64]) -> NDArray[np.int64]:
    out = np.empty(len(times), np.int64)
    last = len(bounds) - 1
    for i in range(len(times)):
        t = times[i]
        k = 0
        while k <= last and bounds[k] <= t:  # NaN: never ≤, so k = 0 and year -1
            k += 1
        k -= 1
        out[i] = -1 if k >= last else k
    return out


@numba.njit(cache=True)
def _group_order(
    year_index: NDArray[np.int64], codes: NDArray[np.int64], n_names: int, n_years: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Rows (year ≥ 0, 0 ≤ code < n_names) ordered by year × code, record order within a group (a
    counting sort), and each group's first position in that order (length groups + 1)."""
    n_groups = n_years * n_names
    counts = np.zeros(n_groups + 1, np.int64)
    for i in range(len(codes)):
        y, c = year_index[i], codes[i]
        if y >= 0 and 0 <= c < n_names:
            counts[y * n_names + c + 1] += 1
    starts = np.cumsum(counts)
    fill = starts[:-1].copy()
    order = np.empty(starts[-1], np.int64)
    for i in range(len(codes)):
        y, c = year_index[i], codes[i]
        if y >= 0 and 0 <= c < n_names:
            k = y * n_names + c
            order[fill[k]] = i
            fill[k] += 1
    return order, starts


def reduce_groups(
    year_index: NDArray[np.int64],
    codes: NDArray[np.int64],
    names: tuple[str, ...] | list[str],
    columns: Mapping[str, NDArray[Any]],
    kpis: Mapping[str, Kpi],
) -> pl.DataFrame:
    """Wide table ``year_index, group, <kpis>`` over the (year, group) pairs that have rows
    (year ≥ 0, code ≥ 0); each KPI sees its group's columns in record order."""
    n_names = max(len(names), 1)
    n_years = int(year_index.max()) + 1 if len(year_index) else 0
    order, starts = _group_order(
        year_index.astype(np.int64), codes.astype(np.int64), n_names, max(n_years, 0)
    )
    grouped = {name: values[order] for name, values in columns.items()}
    rows: dict[str, list[object]] = {"year_index": [], "group": [], **{k: [] for k in kpis}}
    for k in np.flatnonzero(np.diff(starts)).tolist():
        a, b = int(starts[k]), int(starts[k + 1])
        part = {name: values[a:b] for name, values in grouped.items()}
        rows["year_index"].append(k // n_names)
        rows["group"].append(names[k % n_names])
        for kpi, fn in kpis.items():
            value = fn(part)
            rows[kpi].append(None if value is None else float(value))
    schema = {"year_index": pl.Int32, "group": pl.String, **dict.fromkeys(kpis, pl.Float64)}
    return pl.DataFrame(rows, schema=schema)


def mean(values: NDArray[np.float64]) -> float | None:
    """Polars' mean (null when empty)."""
    out = pl.Series(values, dtype=pl.Float64).mean()
    return None if out is None else float(out)  # type: ignore[arg-type]


def quantile(values: NDArray[np.float64], q: float) -> float | None:
    """Polars' linear-interpolation quantile (null when empty)."""
    return pl.Series(values, dtype=pl.Float64).quantile(q, "linear")


def median(values: NDArray[np.float64]) -> float | None:
    """Polars' median (null when empty)."""
    out = pl.Series(values, dtype=pl.Float64).median()
    return None if out is None else float(out)  # type: ignore[arg-type]


def ratio(numerator: int, denominator: int) -> float:
    """``numerator / denominator`` as polars divides two counts (0/0 NaN, x/0 ±inf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(numerator) / np.float64(denominator))


def share(flags: NDArray[np.bool_]) -> float | None:
    """Share of true flags (null when empty), as polars' mean of a boolean column."""
    return None if len(flags) == 0 else ratio(int(np.count_nonzero(flags)), len(flags))


# --- dispatch ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentArrays:
    """The incident records' columns the KPIs need, as arrays (see ``incident_table``)."""

    grade: NDArray[np.int64]
    graded: NDArray[np.int64]
    kind: NDArray[np.int64] | None
    pool: NDArray[np.int64]
    """Index of the grade's pool; -1 none."""
    target_min: NDArray[np.float64]
    units: NDArray[np.int64]
    created_min: NDArray[np.float64]
    ready_min: NDArray[np.float64]
    slot_min: NDArray[np.float64]
    outcome: Outcome

    @classmethod
    def of(cls, inputs: Inputs, draws: Draws, outcome: Outcome) -> IncidentArrays:
        d, grades = draws.incidents, inputs.grades
        ready = d.created_min
        created = ready if d.logged_min is None else d.logged_min
        target = grades.target_min[d.grade]
        slot = np.full(len(d), np.nan) if d.slot_min is None else d.slot_min
        if d.booked_min is not None:
            booked = ~np.isnan(d.booked_min)
            created = np.where(booked, d.booked_min, created)
            ready = np.where(booked, created, ready)
            target = np.where(booked, slot - created, target)
        graded = d.grade if d.graded is None else d.graded
        pool = grades.pool[d.grade]
        units = grades.units_needed[d.grade].astype(np.int64)
        return cls(d.grade, graded, d.kind, pool, target, units, created, ready, slot, outcome)

    def held_from(self) -> NDArray[np.float64]:
        """As :func:`fmssim.analytics.windows.held_from`."""
        assigned, lost = self.outcome.assigned_min, self.outcome.lost_travel_min
        return np.where(np.isnan(lost), assigned, assigned - np.nan_to_num(lost))


def dispatch_kpis(a: IncidentArrays, inputs: Inputs) -> pl.DataFrame:
    """As :func:`fmssim.analytics.dispatch.dispatch_kpis` on the incident table."""
    grid = inputs.grid
    bounds, labels = grid.year_bounds_min, grid.year_labels
    horizon = float(bounds[-1])
    o = a.outcome
    arrived = o.arrived_min
    attended = ~np.isnan(arrived)
    response = arrived - a.created_min
    columns = {
        "attended": attended,
        "unknown": ~attended & ((horizon - a.created_min) <= a.target_min),
        "hit": attended & (response <= a.target_min),
        "response": response,
        "pre_dispatch": a.ready_min - a.created_min,
        "wait": o.assigned_min - a.ready_min,
        "lost": ~np.isnan(o.diverted_min),
        "lent": ~np.isnan(o.borrowed_from),
        "has_target": ~np.isnan(a.target_min),
    }

    def attained(c: Columns) -> float | None:
        if not c["has_target"].any():
            return None
        return ratio(int(np.count_nonzero(c["hit"])), len(c["hit"]) - int(c["unknown"].sum()))

    def wait_mean(c: Columns) -> float | None:
        w = c["wait"]
        return mean(w[~np.isnan(w)])

    kpis: dict[str, Kpi] = {
        "incidents": lambda c: float(len(c["hit"])),
        "attained_share": attained,
        "response_median_min": lambda c: median(c["response"][c["attended"]]),
        "response_p90_min": lambda c: quantile(c["response"][c["attended"]], 0.9),
        "response_mean_min": lambda c: mean(c["response"][c["attended"]]),
        "pre_dispatch_mean_min": lambda c: mean(c["pre_dispatch"]),
        "wait_mean_min": wait_mean,
        "lost_unit_share": lambda c: share(c["lost"]),
        "lent_share": lambda c: share(c["lent"]),
    }
    names = list(dict.fromkeys(inputs.grades.names))
    year = year_codes(bounds, a.created_min)
    per_grade = reduce_groups(year, a.grade, names, columns, kpis)
    busy = busy_from_codes(
        names,
        a.grade,
        a.held_from(),
        o.free_min,
        bounds,
        "units_busy_mean",
        a.units.astype(np.float64),
    )
    table = per_grade.join(busy, on=["year_index", "group"], how="full", coalesce=True)
    return long_table(table, "dispatch", dispatch_area.KPIS, labels)


def type_kpis(a: IncidentArrays, inputs: Inputs) -> pl.DataFrame:
    """As :func:`fmssim.analytics.dispatch.type_kpis` on the incident table."""
    grid = inputs.grid
    types = inputs.grades.types
    names = list(types.names) if types is not None else []
    kind = a.kind if a.kind is not None else np.full(len(a.grade), -1, np.int64)
    arrived = a.outcome.arrived_min
    attended = ~np.isnan(arrived)
    columns = {
        "attended": attended,
        "immediate": attended & np.isnan(a.slot_min) & (a.pool >= 0),
        "response": arrived - a.created_min,
        "rerouted": a.grade != a.graded,
    }
    kpis: dict[str, Kpi] = {
        "incidents": lambda c: float(len(c["attended"])),
        "attended_share": lambda c: share(c["attended"]),
        "attendance_mean_min": lambda c: mean(c["response"][c["attended"]]),
        "attendance_median_min": lambda c: median(c["response"][c["attended"]]),
        "immediate_attendance_mean_min": lambda c: mean(c["response"][c["immediate"]]),
        "rerouted_share": lambda c: share(c["rerouted"]),
    }
    year = year_codes(grid.year_bounds_min, a.created_min)
    table = reduce_groups(year, kind, names, columns, kpis)
    return long_table(table, "incident_type", dispatch_area.TYPE_KPIS, grid.year_labels)


def pool_kpis(a: IncidentArrays, inputs: Inputs) -> pl.DataFrame:
    """As :func:`fmssim.analytics.pools.pool_kpis` on the incident table: each pool's
    incidents gathered by one counting sort per role (held by its units, lent by it, its
    own), in record order; change times merged, not re-sorted (:mod:`fmssim.analytics.steps`)."""
    grid = inputs.grid
    bounds, pools = grid.year_bounds_min, inputs.pools
    bf = a.outcome.borrowed_from
    lent = ~np.isnan(bf)
    lender = np.where(lent, np.nan_to_num(bf, nan=-1.0), -1.0).astype(np.int64)
    holder = np.where(lent, lender, a.pool)  # whose units held it
    held, free = a.held_from(), a.outcome.free_min
    everyone = np.zeros(len(held), np.int64)
    n = max(len(pools.names), 1)
    by_holder, by_lender, by_pool = (
        _group_order(everyone, codes, n, 1) for codes in (holder, lender, a.pool)
    )
    rows = []
    for p, (pool, change_min, change_units) in enumerate(
        zip(pools.names, pools.change_min, pools.change_units, strict=True)
    ):
        roster = (change_min, change_units)
        busy, lent_busy = (
            pools_area._busy_steps(held[mine], free[mine], a.units[mine])
            for mine in (_part(by_holder, p), _part(by_lender, p))
        )
        own = _part(by_pool, p)
        created, assigned = a.created_min[own], a.outcome.assigned_min[own]
        for k in range(len(bounds) - 1):
            lo, hi = float(bounds[k]), float(bounds[k + 1])
            window = pools_area.integrals(steps.grid(busy, roster, lo, hi), hi - lo)
            lent_window = pools_area.integrals(steps.grid(lent_busy, roster, lo, hi), hi - lo)
            rows.append(
                {
                    "year_index": k,
                    "group": pool,
                    **window,
                    **pools_area.lent(lent_window, lo, hi),
                    "waiting_at_year_end": pools_area._waiting_at(created, assigned, hi),
                }
            )
    table = (
        pl.DataFrame(rows, schema_overrides={"year_index": pl.Int32}) if rows else pl.DataFrame()
    )
    return long_table(table, "pools", pools_area.KPIS, grid.year_labels)


def _part(grouped: tuple[NDArray[np.int64], NDArray[np.int64]], code: int) -> NDArray[np.int64]:
    """The rows of group ``code`` (record order) from :func:`_group_order`'s result."""
    order, starts = grouped
    return order[starts[code] : starts[code + 1]]
