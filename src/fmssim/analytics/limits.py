"""What a KPI can physically be, and intervals clipped to it.

A Student-t interval is symmetric around the mean, so for a KPI near a physical limit (a share
near 100%, a queue that is usually empty) its ends can pass the limit: a share of 104%, −0.2
incidents waiting. Such ends say nothing the limit does not; they are clipped to it. Every
summary KPI is a count, a time, a strength or a share, so none is below zero, and shares are at
most one. ``utilisation`` (busy / on duty) is not bounded above: units finishing a job after
their shift ended (overtime) are busy while off the roster. A difference of two shares lies
between −1 and 1; other differences can take either sign without limit.
"""

from __future__ import annotations

import math

import polars as pl

SHARE_SUFFIX = "_share"


def kpi_limits(kpi: str) -> tuple[float, float]:
    """The smallest and largest value ``kpi`` can take."""
    return (0.0, 1.0) if kpi.endswith(SHARE_SUFFIX) else (0.0, math.inf)


def difference_limits(kpi: str) -> tuple[float, float]:
    """The range of a difference of two values of ``kpi`` (variant − reference)."""
    return (-1.0, 1.0) if kpi.endswith(SHARE_SUFFIX) else (-math.inf, math.inf)


def clip_interval(kpi: str, low: float, high: float) -> tuple[float, float]:
    """``(low, high)`` within the limits of ``kpi`` (NaN stays NaN)."""
    floor, ceiling = kpi_limits(kpi)
    return (min(max(low, floor), ceiling), max(min(high, ceiling), floor))


def clip_differences(comparison: pl.DataFrame) -> pl.DataFrame:
    """A paired comparison table with its interval ends within :func:`difference_limits`."""
    share = pl.col("kpi").str.ends_with(SHARE_SUFFIX)
    columns = ("ci_low", "ci_high", "unpaired_ci_low", "unpaired_ci_high")
    return comparison.with_columns(
        pl.when(share).then(pl.col(c).clip(-1.0, 1.0)).otherwise(pl.col(c)).alias(c)
        for c in columns
        if c in comparison.columns
    )
