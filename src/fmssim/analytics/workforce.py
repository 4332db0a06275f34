"""Workforce KPIs per planning year, and the workforce-month records table."""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics.windows import long_table
from fmssim.workforce.pipeline import COLUMNS, Monthly

STOCKS = (
    "experienced_fte",
    "students",
    "tutors_in_use",
    "students_waiting_for_tutor",
    "effective_fte",
)
"""Mean over the months of the planning year."""
FLOWS = ("joiners", "leavers")
"""Sum over the months of the planning year."""
KPIS = (*STOCKS, *FLOWS)


def workforce_kpis(
    monthly: Monthly, step_year: NDArray[np.int64], labels: tuple[int, ...]
) -> pl.DataFrame:
    """Long table for area ``workforce``, group = department."""
    rows = []
    for k in range(len(labels)):
        months = step_year == k
        if not months.any():
            continue
        for d, name in enumerate(monthly.departments):
            row: dict[str, object] = {"year_index": k, "group": name}
            row.update({c: float(np.mean(monthly[c][months, d])) for c in STOCKS})
            row.update({c: float(np.sum(monthly[c][months, d])) for c in FLOWS})
            rows.append(row)
    table = (
        pl.DataFrame(rows, schema_overrides={"year_index": pl.Int32}) if rows else pl.DataFrame()
    )
    return long_table(table, "workforce", KPIS, labels)


def workforce_table(
    monthly: Monthly, month_labels: tuple[str, ...], factors: bool = True
) -> pl.DataFrame:
    """One row per (month, department): every pipeline column, and the roster factor."""
    n_steps, n_depts = monthly["experienced_fte"].shape
    data: dict[str, object] = {
        "month": np.repeat(np.asarray(month_labels), n_depts),
        "department": np.tile(np.asarray(monthly.departments), n_steps),
    }
    data.update({c: monthly[c].ravel() for c in COLUMNS})
    if factors:
        data["factor"] = monthly.factors().ravel()
    return pl.DataFrame(data)
