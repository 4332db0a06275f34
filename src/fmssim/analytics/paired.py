"""Paired comparisons of variants under common random numbers.

Replication r of every variant uses the same random streams (they are keyed by seed,
replication and stream, never by the variant), so the difference of a KPI between two
variants is taken replication by replication and its interval is a t-interval over those
differences. The noise both variants share cancels; the interval is narrower than the
unpaired (Welch) interval of the same replications, which is given beside it to show the gain.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray
from scipy import stats

from fmssim.analytics.intervals import LEVEL
from fmssim.analytics.limits import clip_differences

KEYS = ("year", "area", "group", "kpi")


def paired_comparison(reps: pl.DataFrame, reference: str, level: float = LEVEL) -> pl.DataFrame:
    """Each variant against ``reference``, per ``year, area, group, kpi``.

    ``reps`` is the long per-replication table (``variant, replication, year, area, group,
    kpi, value``); variants keep their order of appearance there. Only replications where
    both values are known are paired; ``pairs`` counts them. Columns: ``variant,
    reference, year, area, group, kpi, reference_mean, mean, difference, ci_low, ci_high,
    unpaired_ci_low, unpaired_ci_high, pairs``; the intervals are for the difference
    (variant − reference) at ``level``.
    """
    known = reps.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    base = known.filter(pl.col("variant") == reference).select(
        "replication", *KEYS, pl.col("value").alias("base_value")
    )
    order = {name: i for i, name in enumerate(reps["variant"].unique(maintain_order=True))}
    others = known.filter(pl.col("variant") != reference).with_columns(
        pl.col("variant").replace_strict(order, return_dtype=pl.Int32).alias("variant_order")
    )
    paired = others.join(base, on=["replication", *KEYS], how="inner").sort(
        ["variant_order", *KEYS, "replication"], maintain_order=True
    )
    moments = (
        paired.with_columns((pl.col("value") - pl.col("base_value")).alias("diff"))
        .group_by(["variant", *KEYS], maintain_order=True)
        .agg(
            pl.col("base_value").mean().alias("reference_mean"),
            pl.col("value").mean().alias("mean"),
            pl.col("diff").mean().alias("difference"),
            pl.col("diff").var(ddof=1).alias("diff_var"),
            pl.col("value").var(ddof=1).alias("var"),
            pl.col("base_value").var(ddof=1).alias("base_var"),
            pl.len().cast(pl.Int32).alias("pairs"),
        )
    )
    n = moments["pairs"].to_numpy().astype(np.float64)
    diff = moments["difference"].to_numpy().astype(np.float64)
    half = _half_width(moments["diff_var"].to_numpy(), n, n - 1.0, level)
    welch_half = _welch_half_width(
        moments["var"].to_numpy(), moments["base_var"].to_numpy(), n, level
    )
    return clip_differences(
        moments.select(
            "variant",
            pl.lit(reference).alias("reference"),
            *KEYS,
            "reference_mean",
            "mean",
            "difference",
            pl.Series("ci_low", diff - half),
            pl.Series("ci_high", diff + half),
            pl.Series("unpaired_ci_low", diff - welch_half),
            pl.Series("unpaired_ci_high", diff + welch_half),
            "pairs",
        )
    )


def _half_width(
    variance: NDArray[np.float64], n: NDArray[np.float64], df: NDArray[np.float64], level: float
) -> NDArray[np.float64]:
    """Student-t half-width for a mean of ``n`` values; NaN where fewer than two."""
    variance = np.asarray(variance, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        quantile = stats.t.ppf(0.5 + level / 2.0, np.where(df > 0, df, np.nan))
        half = quantile * np.sqrt(variance / n)
    return np.asarray(np.where(n >= 2, half, np.nan), dtype=np.float64)


def _welch_half_width(
    var_a: NDArray[np.float64], var_b: NDArray[np.float64], n: NDArray[np.float64], level: float
) -> NDArray[np.float64]:
    """Welch's half-width for a difference of two means of ``n`` independent values each.

    This is the interval the difference would have if the variants had independent noise
    (Welch–Satterthwaite degrees of freedom).
    """
    a = np.asarray(var_a, dtype=np.float64) / n
    b = np.asarray(var_b, dtype=np.float64) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (a + b) ** 2 / (a**2 / (n - 1.0) + b**2 / (n - 1.0))
        # Both variances zero: the difference is exact; any finite df gives half-width 0.
        df = np.where((a + b) == 0.0, n - 1.0, df)
        half = stats.t.ppf(0.5 + level / 2.0, df) * np.sqrt(a + b)
    return np.asarray(np.where(n >= 2, half, np.nan), dtype=np.float64)


def interval_ratio(comparison: pl.DataFrame) -> pl.DataFrame:
    """Width of the paired interval over the unpaired one, per row (< 1: pairing helped)."""
    return comparison.with_columns(
        (
            (pl.col("ci_high") - pl.col("ci_low"))
            / (pl.col("unpaired_ci_high") - pl.col("unpaired_ci_low"))
        ).alias("width_ratio")
    )
