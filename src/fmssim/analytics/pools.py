"""Pool KPIs per planning year: units on duty, busy, utilisation, overtime, and the queue left.

Overtime is the time units spend on jobs above the roster: a unit whose shift ended while it
was busy finishes the job (shift ends never interrupt a job), so busy units may exceed units
on duty. ``overtime_hours`` = ∫ max(busy − on duty, 0) dt over the year. A P1 that took a
travelling unit holds it from that unit's earlier assignment (the travel it had done is busy
time). ``lent_hours`` is the time the pool's units spent on other pools' incidents (lending
rules: "neighbourhood hours taken by response work").
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics.windows import held_from, long_table

KPIS = (
    "units_on_duty_mean",
    "units_busy_mean",
    "utilisation",
    "overtime_hours",
    "lent_hours",
    "lent_share",
    "waiting_at_year_end",
)
MIN_PER_HOUR = 60.0


def pool_kpis(
    incidents: pl.DataFrame,
    rosters: dict[str, tuple[NDArray[np.float64], NDArray[np.int64]]],
    bounds_min: NDArray[np.float64],
    labels: tuple[int, ...],
) -> pl.DataFrame:
    """Long table for area ``pools``, group = pool; ``rosters`` maps pool → (times, units)."""
    rows = []
    for pool, (change_min, change_units) in rosters.items():
        mine = incidents.filter(pl.coalesce("lent_by", "pool") == pool)  # whose units held it
        busy = _busy_steps(held_from(mine), mine["free_min"].to_numpy(), mine["units"].to_numpy())
        lent = mine.filter(pl.col("lent_by") == pool)  # other pools' work
        lent_busy = _busy_steps(
            held_from(lent), lent["free_min"].to_numpy(), lent["units"].to_numpy()
        )
        own = incidents.filter(pl.col("pool") == pool)
        created, assigned = own["created_min"].to_numpy(), own["assigned_min"].to_numpy()
        for k in range(len(bounds_min) - 1):
            lo, hi = float(bounds_min[k]), float(bounds_min[k + 1])
            rows.append(
                {
                    "year_index": k,
                    "group": pool,
                    **_window(busy, (change_min, change_units), lo, hi),
                    **_lent(lent_busy, (change_min, change_units), lo, hi),
                    "waiting_at_year_end": _waiting_at(created, assigned, hi),
                }
            )
    table = (
        pl.DataFrame(rows, schema_overrides={"year_index": pl.Int32}) if rows else pl.DataFrame()
    )
    return long_table(table, "pools", KPIS, labels)


def _waiting_at(created: NDArray[np.float64], assigned: NDArray[np.float64], t: float) -> float:
    """Incidents created before ``t`` and not yet given a unit at ``t``."""
    not_yet = np.isnan(assigned) | (assigned >= t)
    return float(np.count_nonzero((created < t) & not_yet))


Steps = tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]
"""Sorted job start times with the units started by each time (cumulative, from 0), and the
same for job ends."""


def _busy_steps(
    assigned: NDArray[np.float64], free: NDArray[np.float64], units: NDArray[np.int64]
) -> Steps:
    """Job starts and ends as steps of units held (a job not finished ends at infinity)."""
    held = ~np.isnan(assigned)
    starts, ends = assigned[held], np.nan_to_num(free[held], nan=np.inf)
    by_start, by_end = np.argsort(starts, kind="stable"), np.argsort(ends, kind="stable")
    w = units[held].astype(np.int64)
    zero = np.zeros(1, np.int64)
    return (
        starts[by_start],
        np.concatenate((zero, np.cumsum(w[by_start]))),
        ends[by_end],
        np.concatenate((zero, np.cumsum(w[by_end]))),
    )


Roster = tuple[NDArray[np.float64], NDArray[np.int64]]
"""A pool's roster: the times its units on duty change, and the units from each."""
Grid = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]
"""Over a window, at each time something changes (the window's start, a job's start or end,
a roster change), in order: units busy, units on duty, and the time to the next change."""


def _window(busy: Steps, roster: Roster, lo: float, hi: float) -> dict[str, float]:
    """Integrals of busy and on-duty units over [lo, hi)."""
    return integrals(_grid(busy, roster, lo, hi), hi - lo)


def _grid(busy: Steps, roster: Roster, lo: float, hi: float) -> Grid:
    """The window's change times, units busy and on duty at each (sorting and searching)."""
    starts, started, ends, ended = busy
    times = np.concatenate(([lo], starts, ends, roster[0]))
    times = np.unique(times[(times >= lo) & (times < hi)])
    length = np.diff(np.append(times, hi))
    n_busy = (
        started[np.searchsorted(starts, times, side="right")]
        - ended[np.searchsorted(ends, times, side="right")]
    )
    on_duty = roster[1][np.searchsorted(roster[0], times, side="right") - 1]
    return n_busy, on_duty, length


def integrals(grid: Grid, span: float) -> dict[str, float]:
    """Means of busy and on-duty units over a window of length ``span``, and overtime."""
    n_busy, on_duty, length = grid
    # Sums, not np.dot: BLAS splits a dot product by its thread count (Dask workers run with
    # OPENBLAS_NUM_THREADS=1), which would change the last bits of a replication's KPIs.
    busy_mean = float(np.sum(n_busy * length) / span)
    duty_mean = float(np.sum(on_duty * length) / span)
    return {
        "units_on_duty_mean": duty_mean,
        "units_busy_mean": busy_mean,
        "utilisation": busy_mean / duty_mean if duty_mean > 0 else float("nan"),
        "overtime_hours": float(np.sum(np.maximum(n_busy - on_duty, 0) * length) / MIN_PER_HOUR),
    }


def _lent(busy: Steps, roster: Roster, lo: float, hi: float) -> dict[str, float]:
    """Hours the pool's units spent on other pools' incidents over [lo, hi) (lending rules,
    ``p1_borrows_from``), and their share of its on-duty hours."""
    return lent(_window(busy, roster, lo, hi), lo, hi)


def lent(window: dict[str, float], lo: float, hi: float) -> dict[str, float]:
    """:func:`_lent` from the integrals of the lent jobs' busy units over [lo, hi)."""
    span_hours = (hi - lo) / MIN_PER_HOUR
    duty = window["units_on_duty_mean"]
    return {
        "lent_hours": window["units_busy_mean"] * span_hours,
        "lent_share": window["units_busy_mean"] / duty if duty > 0 else float("nan"),
    }


OVERLOAD_UTILISATION = 0.98
"""A pool this busy, with incidents waiting more than a day's worth of its arrivals at a
year's end, is overloaded: its queue grows, and its grades' statistics are censored."""


def overload_warnings(summary: pl.DataFrame, incidents_per_year: dict[str, float]) -> list[str]:
    """One line per (pool, year) that looks overloaded in the summary's means."""
    pools = summary.filter(pl.col("area") == "pools")
    wide = pools.pivot(on="kpi", index=["year", "group"], values="mean")
    warnings = []
    for row in wide.iter_rows(named=True):
        per_day = incidents_per_year.get(row["group"], 0.0) / 365.0
        busy = row.get("utilisation") or 0.0
        waiting = row.get("waiting_at_year_end") or 0.0
        if busy >= OVERLOAD_UTILISATION and waiting > max(per_day, 1.0):
            warnings.append(
                f"warning: pool {row['group']} looks overloaded in {row['year']}: "
                f"{100 * busy:.1f}% of its units busy and {waiting:,.0f} incidents still "
                "waiting at the year's end; its grades' response statistics are censored"
            )
    return warnings
