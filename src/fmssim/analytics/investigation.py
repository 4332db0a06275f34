"""Investigation records and KPIs per planning year and department.

A case is *open* from the moment it reaches its department (its creation, or minute 0 for
the initial backlog) until it is finalised, whether it waits for allocation, is worked, or
waits for its elapsed-time floor. Screened-out crimes are never open. Cases still open at the
horizon count in ``open_cases_mean`` and ``open_cases_end`` and not in the finalised KPIs.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics.windows import long_table
from fmssim.engine.records import CaseOutcome
from fmssim.model.case_draws import CaseDraws, source_kind
from fmssim.model.inputs import Inputs
from fmssim.model.timegrid import MIN_PER_DAY

KPIS = (
    "cases_opened",
    "screened_out",
    "finalised_per_week",
    "open_cases_mean",
    "open_cases_end",
    "open_under_30d_share_end",
    "finalised_within_30d_share",
    "finalise_median_days",
    "allocation_wait_mean_days",
)
MIN_PER_WEEK = 7.0 * MIN_PER_DAY
ORIGINS = ["backlog", "stream", "incident", "contact"]


def case_table(inputs: Inputs, draws: CaseDraws, outcome: CaseOutcome, rep: int) -> pl.DataFrame:
    """One row per case of one replication (the initial backlog first, then by creation)."""
    inv = inputs.investigations
    assert inv is not None
    types = inv.types
    risk_names = [
        types.risk_names[k][r] if k >= 0 and types.risk_names[k] else None
        for k, r in zip(draws.ctype.tolist(), draws.risk.tolist(), strict=True)
    ]
    type_names = [*types.names, None]
    return pl.DataFrame(
        {
            "rep": pl.Series(np.full(len(draws), rep), dtype=pl.Int32),
            "case": pl.Series(np.arange(len(draws)), dtype=pl.Int64),
            "department": _names(inv.names, draws.department),
            "crime_type": pl.Series([type_names[k] for k in draws.ctype], dtype=pl.String),
            "origin": pl.Series(source_kind(inputs, draws.source), dtype=pl.Enum(ORIGINS)),
            "risk": pl.Series(risk_names, dtype=pl.String),
            "backlog": draws.ctype < 0,
            "screened": draws.screened,
            "created_min": draws.created_min,
            "entered_min": draws.entered_min,
            "allocated_min": outcome.allocated_min,
            "worked_min": outcome.worked_min,
            "finalised_min": outcome.finalised_min,
            "investigator": pl.Series(outcome.investigator, nan_to_null=True).cast(pl.Int64),
        }
    ).with_columns(
        wait_min=pl.col("allocated_min") - pl.col("entered_min"),
        open_min=pl.col("finalised_min") - pl.col("created_min"),
    )


def investigation_kpis(
    inputs: Inputs, draws: CaseDraws, outcome: CaseOutcome, bounds_min: NDArray[np.float64]
) -> pl.DataFrame:
    """Long table ``year, area, group, kpi, value`` for area ``investigation``, group =
    department."""
    inv = inputs.investigations
    assert inv is not None
    rows = []
    for d, name in enumerate(inv.names):
        mine = (draws.department == d) & ~draws.screened
        case = _Cases(
            draws.created_min[mine],
            draws.entered_min[mine],
            outcome.allocated_min[mine],
            outcome.finalised_min[mine],
        )
        screened = draws.created_min[(draws.department == d) & draws.screened]
        for k in range(len(bounds_min) - 1):
            lo, hi = float(bounds_min[k]), float(bounds_min[k + 1])
            within = np.count_nonzero((screened >= lo) & (screened < hi))
            row = {"year_index": k, "group": name, "screened_out": float(within)}
            rows.append({**row, **case.window(lo, hi, inv.target_min)})
    table = (
        pl.DataFrame(rows, schema_overrides={"year_index": pl.Int32}) if rows else pl.DataFrame()
    )
    return long_table(table, "investigation", KPIS, inputs.grid.year_labels)


class _Cases:
    """One department's investigated cases (not screened out) as arrays."""

    def __init__(
        self,
        created: NDArray[np.float64],
        entered: NDArray[np.float64],
        allocated: NDArray[np.float64],
        finalised: NDArray[np.float64],
    ) -> None:
        self.created, self.entered = created, entered
        self.allocated, self.finalised = allocated, finalised

    def window(self, lo: float, hi: float, target_min: float) -> dict[str, float]:
        """The department's KPIs over the planning year [lo, hi)."""
        done = (self.finalised >= lo) & (self.finalised < hi)
        open_time = self.finalised[done] - self.created[done]
        taken = (self.allocated >= lo) & (self.allocated < hi)
        wait = self.allocated[taken] - self.entered[taken]
        end = np.nan_to_num(self.finalised, nan=np.inf)
        still_open = (self.entered < hi) & ~(end < hi)
        overlap = np.clip(np.minimum(end, hi) - np.maximum(self.entered, lo), 0.0, None)
        return {
            "cases_opened": float(np.count_nonzero((self.created >= lo) & (self.created < hi))),
            "finalised_per_week": float(np.count_nonzero(done)) / ((hi - lo) / MIN_PER_WEEK),
            "open_cases_mean": float(np.sum(overlap)) / (hi - lo),
            "open_cases_end": float(np.count_nonzero(still_open)),
            "open_under_30d_share_end": _mean(hi - self.created[still_open] < target_min),
            "finalised_within_30d_share": _mean(open_time <= target_min),
            "finalise_median_days": _median(open_time / MIN_PER_DAY),
            "allocation_wait_mean_days": _mean(wait / MIN_PER_DAY),
        }


def _mean(values: NDArray[np.float64] | NDArray[np.bool_]) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def _median(values: NDArray[np.float64]) -> float:
    return float(np.median(values)) if len(values) else float("nan")


def _names(names: tuple[str, ...], index: NDArray[np.int64]) -> pl.Series:
    """Names by index, as an enum column."""
    return pl.Series(list(names), dtype=pl.Enum(list(dict.fromkeys(names)))).gather(index)


OVERLOAD_WAIT_DAYS = 7.0
"""A department whose new cases wait this long on average for a caseload slot in a year is
overloaded: its open cases grow, and its time-to-finalise statistics are censored."""


def backlog_warnings(summary: pl.DataFrame) -> list[str]:
    """One line per (department, year) that looks overloaded in the summary's means."""
    waits = summary.filter(
        pl.col("area") == "investigation", pl.col("kpi") == "allocation_wait_mean_days"
    )
    return [
        f"warning: department {row['group']} looks overloaded in {row['year']}: new cases "
        f"wait {row['mean']:.1f} days on average for a free caseload slot; its open cases "
        "grow and its time-to-finalise statistics are censored"
        for row in waits.sort("year", "group").iter_rows(named=True)
        if row["mean"] is not None and row["mean"] > OVERLOAD_WAIT_DAYS
    ]
