"""Paired differences: the t-interval over per-replication differences, beside Welch's.

Laws checked: the paired interval is the one-sample t-interval of the differences; the
unpaired one is Welch's interval (as scipy computes it); the paired interval covers the true
difference at its stated 95% level; with positively correlated noise (common random numbers)
it is narrower than the unpaired interval; verdicts appear only where zero is excluded.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from fmssim.analytics.paired import interval_ratio, paired_comparison
from fmssim.report.verdicts import better_when_higher, verdicts


def long_table(values: dict[str, np.ndarray], kpi: str = "attained_share") -> pl.DataFrame:
    rows = [
        (variant, rep, 2019, "dispatch", "P1", kpi, float(v))
        for variant, xs in values.items()
        for rep, v in enumerate(xs)
    ]
    schema = ["variant", "replication", "year", "area", "group", "kpi", "value"]
    return pl.DataFrame(rows, schema=schema, orient="row")


def correlated(rng: np.random.Generator, n: int, shift: float) -> dict[str, np.ndarray]:
    """Two variants sharing most of their noise, as common random numbers make them."""
    shared = rng.normal(0.6, 0.05, n)
    return {
        "base": shared + rng.normal(0.0, 0.005, n),
        "more": shared + shift + rng.normal(0.0, 0.005, n),
    }


def test_paired_interval_is_the_t_interval_of_differences_and_unpaired_is_welch() -> None:
    values = correlated(np.random.default_rng(3), 12, 0.02)
    row = paired_comparison(long_table(values), "base").row(0, named=True)
    diff = values["more"] - values["base"]
    half = stats.t.ppf(0.975, 11) * diff.std(ddof=1) / np.sqrt(12)
    assert row["difference"] == pytest.approx(diff.mean(), rel=1e-12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        (diff.mean() - half, diff.mean() + half), rel=1e-12
    )
    welch = stats.ttest_ind(values["more"], values["base"], equal_var=False)
    low, high = welch.confidence_interval(0.95)
    assert (row["unpaired_ci_low"], row["unpaired_ci_high"]) == pytest.approx((low, high), rel=1e-9)
    assert row["pairs"] == 12 and row["reference"] == "base" and row["variant"] == "more"


def test_common_noise_makes_the_paired_interval_narrower() -> None:
    values = correlated(np.random.default_rng(4), 10, 0.01)
    ratio = interval_ratio(paired_comparison(long_table(values), "base"))["width_ratio"][0]
    assert ratio < 0.25  # shared noise sd 0.05, own noise sd 0.005: ratio about 0.1


def test_paired_interval_covers_the_true_difference_95_percent_of_the_time() -> None:
    """Coverage over 1000 synthetic comparisons lies in its 99% binomial band around 0.95."""
    rng = np.random.default_rng(8)
    trials, hits = 1000, 0
    for _ in range(trials):
        row = paired_comparison(long_table(correlated(rng, 6, 0.01)), "base").row(0, named=True)
        hits += row["ci_low"] <= 0.01 <= row["ci_high"]
    band = stats.binom.ppf([0.005, 0.995], trials, 0.95) / trials
    assert band[0] <= hits / trials <= band[1]


def test_only_replications_known_in_both_variants_are_paired() -> None:
    values = {"base": np.array([0.5, np.nan, 0.7, 0.6]), "more": np.array([0.6, 0.8, np.nan, 0.7])}
    row = paired_comparison(long_table(values), "base").row(0, named=True)
    assert row["pairs"] == 2 and row["difference"] == pytest.approx(0.1)


def test_verdicts_only_where_the_interval_excludes_zero() -> None:
    rng = np.random.default_rng(5)
    clear = correlated(rng, 10, 0.05)
    unclear = correlated(rng, 10, 0.0)
    table = pl.concat(
        [
            paired_comparison(long_table(clear), "base"),
            paired_comparison(long_table(unclear, "response_median_min"), "base"),
        ]
    )
    lines = verdicts(table)
    assert len(lines) == 1
    row = table.row(0, named=True)
    low, high = 100.0 * row["ci_low"], 100.0 * row["ci_high"]
    expected = (
        f"2019, P1 attended within target: more {100.0 * row['difference']:+.1f} points against "
        f"base (95% interval {low:+.1f} points to {high:+.1f} points) — better"
    )
    assert lines[0] == expected
    assert low > 0.0  # the signs of the difference and of both interval ends agree


def test_verdicts_leave_out_censored_statistics_inputs_and_repeats() -> None:
    rng = np.random.default_rng(5)
    clear = paired_comparison(long_table(correlated(rng, 10, 0.05)), "base")
    censored = clear.with_columns(pl.lit(True).alias("censored"))
    assert verdicts(censored) == []
    as_input = clear.with_columns(
        pl.lit("pools").alias("area"), pl.lit("units_on_duty_mean").alias("kpi")
    )
    assert verdicts(as_input) == []
    assert len(verdicts(pl.concat([clear, clear]))) == 1


def test_count_differences_are_whole_numbers_and_long_times_in_days() -> None:
    from fmssim.report.units import format_difference, format_value

    assert format_difference("waiting_at_year_end", 1234.4) == "+1,234"
    assert format_difference("waiting_at_year_end", -3.6) == "-4"
    assert format_value("response_median_min", 450_000.0) == "312.5 days"
    assert format_value("answer_mean_sec", 59_711.0) == "16.6 h"
    assert format_value("response_median_min", 13.5) == "13.5 min"


def test_kpi_directions() -> None:
    assert better_when_higher("attained_share") is True
    assert better_when_higher("answered_within_target_share") is True
    assert better_when_higher("abandoned_share") is False
    assert better_when_higher("response_p90_min") is False
    assert better_when_higher("answer_mean_sec") is False
    assert better_when_higher("incidents") is None
