"""Workforce KPIs per planning year, and the workforce-month records table."""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics.windows import long_table
from fmssim.workforce.pipeline import COLUMNS, Monthly

STOCKS = (
    "officers_fte",
    "experienced_fte",
    "new_fte",
    "students",
    "tutors_in_use",
    "students_waiting_for_tutor",
    "effective_fte",
)
"""Mean over the months of the planning year."""
FLOWS = ("joiners", "leavers")
"""Sum over the months of the planning year."""
KPIS = (*STOCKS, *FLOWS)
FORCE = "force"
"""Group of the force-wide totals."""
GAINS = (
    ("dispatch", "P1", "attained_share"),
    ("dispatch", "P2", "attained_share"),
    ("dispatch", "P3", "attained_share"),
    ("contact", "999", "answered_within_target_share"),
    ("investigation", "ppu_domestic_abuse", "open_cases_mean"),
    ("investigation", "ppu_child_abuse", "open_cases_mean"),
)
"""What the uplift buys: the KPIs whose gain over the counterfactual is reported."""


def uplift_gains(comparison: pl.DataFrame) -> pl.DataFrame:
    """Per variant and planning year, the gain over the reference (the counterfactual) in
    the :data:`GAINS` KPIs, and per 100 officers added (the variant's mean force officers
    over the year less the reference's): ``variant, year, area, group, kpi,
    officers_added, difference, ci_low, ci_high, per_100, per_100_low, per_100_high``.
    The paired 95% interval of the difference is scaled by the same factor (exact when the
    officers added do not vary by replication, as in the expected mode)."""
    officers = comparison.filter(
        (pl.col("area") == "workforce")
        & (pl.col("group") == FORCE)
        & (pl.col("kpi") == "officers_fte")
    ).select("variant", "year", pl.col("difference").alias("officers_added"))
    wanted = pl.lit(False)
    for area, group, kpi in GAINS:
        wanted = wanted | (
            (pl.col("area") == area) & (pl.col("group") == group) & (pl.col("kpi") == kpi)
        )
    gains = comparison.filter(wanted).join(officers, on=["variant", "year"], how="inner")
    scale = pl.when(pl.col("officers_added").abs() > 0.5).then(100.0 / pl.col("officers_added"))
    return gains.select(
        "variant",
        "year",
        "area",
        "group",
        "kpi",
        "officers_added",
        "difference",
        "ci_low",
        "ci_high",
        (pl.col("difference") * scale).alias("per_100"),
        (pl.col("ci_low") * scale).alias("per_100_low"),
        (pl.col("ci_high") * scale).alias("per_100_high"),
    )


def workforce_kpis(
    monthly: Monthly, step_year: NDArray[np.int64], labels: tuple[int, ...]
) -> pl.DataFrame:
    """Long table for area ``workforce``, group = department."""
    columns = {c: monthly.officers() if c == "officers_fte" else monthly[c] for c in KPIS}
    rows = []
    for k in range(len(labels)):
        months = step_year == k
        if not months.any():
            continue
        for d, name in enumerate((*monthly.departments, FORCE)):
            where = slice(None) if name == FORCE else d
            row: dict[str, object] = {"year_index": k, "group": name}
            for c in KPIS:
                values = columns[c][months][:, where]
                per_month = values.sum(axis=1) if name == FORCE else values
                row[c] = float(np.mean(per_month) if c in STOCKS else np.sum(per_month))
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
