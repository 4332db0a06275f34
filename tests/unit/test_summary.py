"""The streaming summary equals the batch computation, and intervals have their level."""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import stats

from fmssim.analytics.intervals import t_interval
from fmssim.experiment.summary import Running, Summary


def test_welford_matches_numpy() -> None:
    x = np.random.default_rng(5).lognormal(size=1000)
    r = Running()
    for v in x:
        r.add(float(v))
    assert np.isclose(r.mean, x.mean()) and np.isclose(r.variance, x.var(ddof=1))


def test_t_interval_coverage_is_95_percent() -> None:
    """Coverage over 4000 samples of size 8 lies within its 99% binomial band around 0.95."""
    rng = np.random.default_rng(11)
    hits = 0
    trials = 4000
    for _ in range(trials):
        x = rng.normal(3.0, 2.0, 8)
        low, high = t_interval(float(x.mean()), float(x.var(ddof=1)), 8)
        hits += low <= 3.0 <= high
    band = stats.binom.ppf([0.005, 0.995], trials, 0.95) / trials
    assert band[0] <= hits / trials <= band[1]


def test_summary_skips_missing_values_and_counts_reps() -> None:
    s = Summary("base")
    for value in (1.0, float("nan"), 3.0):
        s.add(
            pl.DataFrame(
                {
                    "year": [2019],
                    "area": ["dispatch"],
                    "group": ["P1"],
                    "kpi": ["x"],
                    "value": [value],
                }
            )
        )
    row = s.table().row(0, named=True)
    assert row["mean"] == 2.0 and row["reps"] == 2
