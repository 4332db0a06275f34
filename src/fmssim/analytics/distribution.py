"""Response-time distributions per grade: the empirical distribution at fixed thresholds.

For each planning year and attended grade, the share of attended incidents created in that
year whose response time (creation to arrival) is at most t minutes, for every t of a fixed
grid. Averaged over replications with intervals, these points draw a grade's distribution
function with a band; two variants' curves can be compared point by point, paired.
Incidents not attended by the horizon are left out (unlike ``attained_share``, which counts
an incident still waiting past its target as missed), so the curve at the target can sit
slightly above the attainment figure.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics.windows import long_table, with_year

AREA = "response_distribution"
THRESHOLDS_MIN = (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440)
"""Thresholds in minutes: dense around the P1/P2 targets, reaching a day."""


def kpi_name(threshold_min: float) -> str:
    """``within_15_min_share`` for 15 minutes."""
    return f"within_{threshold_min:g}_min_share"


def threshold_of(kpi: str) -> float:
    """The threshold a KPI name of this area stands for (inverse of :func:`kpi_name`)."""
    return float(kpi.removeprefix("within_").removesuffix("_min_share"))


def response_distribution(
    incidents: pl.DataFrame,
    bounds_min: NDArray[np.float64],
    labels: tuple[int, ...],
    thresholds_min: tuple[float, ...] = THRESHOLDS_MIN,
) -> pl.DataFrame:
    """Long table ``year, area, group, kpi, value`` (area ``response_distribution``)."""
    attended = pl.col("response_min").is_not_null() & pl.col("response_min").is_not_nan()
    dispatched = incidents.filter(pl.col("pool").cast(pl.String) != "")
    counted = with_year(dispatched, bounds_min).filter(pl.col("year_index") >= 0)
    kpis = tuple(kpi_name(t) for t in thresholds_min)
    shares = (
        counted.filter(attended)
        .group_by(["year_index", "grade"], maintain_order=True)
        .agg([(pl.col("response_min") <= t).mean().alias(kpi_name(t)) for t in thresholds_min])
        .select("year_index", pl.col("grade").cast(pl.String).alias("group"), *kpis)
    )
    return long_table(shares, AREA, kpis, labels)
