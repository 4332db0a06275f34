"""Confidence intervals across replications."""

from __future__ import annotations

import math

from scipy import stats

LEVEL = 0.95


def t_interval(mean: float, variance: float, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Student-t interval for a mean of ``n`` replications (NaN when n < 2)."""
    if n < 2 or math.isnan(mean):
        return (math.nan, math.nan)
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * math.sqrt(variance / n)
    return (mean - half, mean + half)
