"""Non-homogeneous Poisson arrivals follow their hourly rates exactly."""

from __future__ import annotations

import numpy as np
from scipy import stats

from fmssim.model.arrivals import nhpp_arrivals
from fmssim.model.streams import StreamKind, generator


def test_counts_per_hour_follow_the_rate() -> None:
    """Counts in each hour-of-day bucket: chi-square goodness of fit at the 1% level."""
    hours = 24 * 7 * 20
    shape = 1.0 + 0.8 * np.sin(np.arange(hours) * 2 * np.pi / 24)
    rate = 30.0 * shape
    times = nhpp_arrivals(rate, hours * 60.0, generator(3, 0, StreamKind.INCIDENT_ARRIVALS, "x"))
    observed = np.bincount((times // 60).astype(int) % 24, minlength=24)
    expected = np.bincount(np.arange(hours) % 24, weights=rate, minlength=24)
    _, p = stats.chisquare(observed, expected * observed.sum() / expected.sum())
    assert p > 0.01
    assert np.all(np.diff(times) >= 0)


def test_total_count_is_poisson() -> None:
    """Over many replications the count's mean and variance both equal Λ (99% level)."""
    rate = np.full(100, 5.0)
    counts = np.array(
        [
            len(nhpp_arrivals(rate, 6000.0, generator(rep, rep, StreamKind.INCIDENT_ARRIVALS, "y")))
            for rep in range(400)
        ]
    )
    lam = 500.0
    assert abs(counts.mean() - lam) <= stats.norm.ppf(0.995) * np.sqrt(lam / 400)
    low, high = stats.chi2.ppf([0.005, 0.995], 399) * lam / 399
    assert low <= counts.var(ddof=1) <= high


def test_zero_rate_hours_get_no_arrivals() -> None:
    rate = np.array([0.0, 10.0, 0.0, 10.0])
    times = nhpp_arrivals(rate, 240.0, generator(1, 0, StreamKind.INCIDENT_ARRIVALS, "z"))
    hour = (times // 60).astype(int)
    assert set(hour.tolist()) <= {1, 3}


def test_partial_last_hour_respects_the_horizon() -> None:
    times = nhpp_arrivals(np.full(3, 100.0), 150.0, generator(1, 0, StreamKind.TRAVEL, "h"))
    assert times.max() < 150.0
