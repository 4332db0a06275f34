"""The 2019 baseline's investigations reproduce the force's figures, and its investigators
matter.

Targets (scenarios/baseline_2019.yaml, tuned inputs listed in docs/calibration.md): DA teams
finalise 1,264 investigations a week (±5%) and hold about 5,300 open at the end of 2019
(±10%), of which 31% are under a month old (±7 points); child-abuse teams finalise 430 a
week (±5%) and hold 2,700 open on average (±10%). The whole 95% Student-t interval across six
fixed-seed replications must lie inside each band. Only the investigation stage runs (the
baseline's investigation streams do not depend on dispatch), on the fast engine; parity
holds the reference engine to the same records.

Direction with common random numbers: with the DA teams at capacity, +50% DA investigators
must lower open DA cases at the end of 2019 by a clearly measurable amount — the paired
95% interval of the difference lies below −5% of the base.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from fmssim.analytics.intervals import t_interval

sys.path.insert(0, str(Path(__file__).parents[2] / "scenarios" / "tools"))
from calibrate_investigations import BASELINE, kpis

REPS = 6
DA, CA = "ppu_domestic_abuse", "ppu_child_abuse"
TARGETS = {
    (DA, "finalised_per_week"): (1264.0, 0.05 * 1264.0, "da_finalised_per_week"),
    (DA, "open_cases_end"): (5300.0, 0.10 * 5300.0, "da_open_investigations"),
    (DA, "open_under_30d_share_end"): (0.31, 0.07, "da_open_under_1m"),
    (CA, "finalised_per_week"): (430.0, 0.05 * 430.0, "ca_finalised_per_week"),
    (CA, "open_cases_mean"): (2700.0, 0.10 * 2700.0, "ca_open_investigations"),
}


@cache
def table(*sets: str) -> pl.DataFrame:
    return kpis(BASELINE, list(sets), REPS)


def values(t: pl.DataFrame, dept: str, kpi: str) -> np.ndarray:
    return t.filter(pl.col("group") == dept, pl.col("kpi") == kpi).sort("rep")["value"].to_numpy()


def interval(v: np.ndarray) -> tuple[float, float]:
    return t_interval(float(v.mean()), float(v.var(ddof=1)), len(v))


@pytest.mark.parametrize("key", list(TARGETS), ids=lambda k: f"{k[0]}-{k[1]}")
def test_investigations_match_2019(key: tuple[str, str]) -> None:
    target, tolerance, fact = TARGETS[key]
    v = values(table(), *key)
    low, high = interval(v)
    print(f"{fact}: {target:.4g} ± {tolerance:.3g}; fmssim {v.mean():.4g} [{low:.4g}, {high:.4g}]")
    assert target - tolerance <= low and high <= target + tolerance


def test_more_da_investigators_lower_open_da_cases() -> None:
    more = f"investigations.departments.{DA}.investigators_fte=495"
    base, varied = values(table(), DA, "open_cases_end"), values(table(more), DA, "open_cases_end")
    low, high = interval(varied - base)
    diff = (varied - base).mean()
    print(f"+50% DA investigators: open DA cases {diff:+.0f} [{low:.0f}, {high:.0f}]")
    assert high < -0.05 * base.mean()
