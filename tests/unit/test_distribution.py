"""Response-time distribution points: the empirical distribution function at each threshold.

Laws checked: each point is the share of attended incidents with response ≤ t, computed
independently with numpy; points never decrease with t; with every incident attended, the
point at a grade's target equals its ``attained_share``; unattended and undispatched
incidents and those outside the planning years are left out.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from fmssim.analytics.dispatch import dispatch_kpis
from fmssim.analytics.distribution import (
    AREA,
    THRESHOLDS_MIN,
    kpi_name,
    response_distribution,
    threshold_of,
)

BOUNDS = np.array([0.0, 525_600.0, 1_051_200.0])
LABELS = (2019, 2020)


def incidents(rng: np.random.Generator, n: int) -> pl.DataFrame:
    created = rng.uniform(-10_000.0, 1_051_200.0, n)  # some in the warm-up
    response = rng.lognormal(np.log(20.0), 1.0, n)
    grade = rng.choice(["P1", "P2", "P9"], n)
    arrived = np.where(rng.random(n) < 0.95, created + response, np.nan)
    arrived[grade == "P9"] = np.nan
    return pl.DataFrame(
        {
            "grade": grade,
            "pool": np.where(grade == "P9", "", "response"),
            "target_min": np.select([grade == "P1", grade == "P2"], [15.0, 60.0], np.nan),
            "units": np.ones(n, np.int64),
            "created_min": created,
            "assigned_min": arrived,
            "arrived_min": arrived,
            "free_min": arrived + 30.0,
            "diverted_min": np.full(n, np.nan),
            "wait_min": np.zeros(n),
            "pre_dispatch_min": np.zeros(n),
            "response_min": arrived - created,
        }
    )


def test_points_are_the_empirical_distribution_of_attended_incidents() -> None:
    table = incidents(np.random.default_rng(1), 5000)
    points = response_distribution(table, BOUNDS, LABELS)
    assert set(points["area"]) == {AREA} and set(points["group"]) == {"P1", "P2"}
    for year, group, kpi, value in points.select("year", "group", "kpi", "value").iter_rows():
        k = LABELS.index(year)
        mine = table.filter(
            (pl.col("grade") == group)
            & (pl.col("created_min") >= BOUNDS[k])
            & (pl.col("created_min") < BOUNDS[k + 1])
        )["response_min"].to_numpy()
        attended = mine[~np.isnan(mine)]
        assert value == pytest.approx(np.mean(attended <= threshold_of(kpi)), abs=1e-12)


def test_points_never_decrease_with_the_threshold() -> None:
    points = response_distribution(incidents(np.random.default_rng(2), 3000), BOUNDS, LABELS)
    by_curve = points.with_columns(
        pl.col("kpi").map_elements(threshold_of, return_dtype=pl.Float64).alias("t")
    ).sort("year", "group", "t")
    for _, curve in by_curve.group_by(["year", "group"]):
        assert np.all(np.diff(curve["value"].to_numpy()) >= 0.0)
        assert len(curve) == len(THRESHOLDS_MIN)


def test_at_the_target_the_point_equals_attainment_when_all_are_attended() -> None:
    table = incidents(np.random.default_rng(3), 4000).filter(pl.col("grade") != "P9")
    table = table.filter(pl.col("arrived_min").is_not_nan())
    points = response_distribution(table, BOUNDS, LABELS)
    attainment = dispatch_kpis(table, BOUNDS, LABELS).filter(pl.col("kpi") == "attained_share")
    for year, group, value in attainment.select("year", "group", "value").iter_rows():
        target = 15 if group == "P1" else 60
        point = points.filter(
            (pl.col("year") == year)
            & (pl.col("group") == group)
            & (pl.col("kpi") == kpi_name(target))
        )["value"][0]
        assert point == pytest.approx(value, abs=1e-12)


def test_names_round_trip() -> None:
    assert kpi_name(15) == "within_15_min_share" and threshold_of("within_1440_min_share") == 1440
