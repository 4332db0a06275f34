"""Direction laws with common random numbers: a KPI per replication, and the paired check.

Replication r of two inputs shares its random numbers (streams never depend on the variant),
so the difference is taken replication by replication and judged by its Student-t interval.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics.intervals import t_interval
from fmssim.experiment.replication import Task, run_replication
from fmssim.model.inputs import Inputs


def kpi_per_replication(
    inputs: Inputs, reps: int, group: str, kpi: str, area: str | None = None
) -> NDArray[np.float64]:
    """``kpi`` of ``group`` for replications 0..reps-1, in a one-year scenario (fast engine;
    parity holds it to the reference engine)."""
    values = []
    for rep in range(reps):
        kpis = run_replication(Task(inputs, rep, "fast"))
        row = kpis.filter(pl.col("group") == group, pl.col("kpi") == kpi)
        if area is not None:
            row = row.filter(pl.col("area") == area)
        values.append(row["value"].item())
    return np.array(values)


def assert_higher(higher: NDArray[np.float64], lower: NDArray[np.float64]) -> tuple[float, ...]:
    """The law "``higher`` is never below ``lower`` in expectation": the mean paired
    difference is positive and its 95% interval lies at or above zero (or every replication
    moved the same way). Returns (mean difference, interval low, interval high)."""
    diff = higher - lower
    low, high = t_interval(float(diff.mean()), float(diff.var(ddof=1)), len(diff))
    assert diff.mean() > 0
    assert low >= 0 or np.all(diff >= 0), f"paired interval reaches {low:.4f}"
    return float(diff.mean()), low, high
