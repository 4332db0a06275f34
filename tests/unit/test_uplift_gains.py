"""What the uplift buys: gains over the counterfactual per 100 officers added.

Law: per_100 = difference × 100 / officers added, and the paired 95% interval scales by the
same factor (exact when the officers added are the same in every replication); the table
holds every variant and year with workforce figures, and nothing without them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from fmssim.analytics.paired import paired_comparison
from fmssim.analytics.workforce import FORCE, uplift_gains
from fmssim.report.uplift import gain_rows, uplift_gains_html


def reps() -> pl.DataFrame:
    rows = []
    for variant, added, gain in (("no_uplift", 0.0, 0.0), ("plan", 500.0, 0.04)):
        for r in range(6):
            noise = np.random.default_rng(r).normal(0, 0.01)  # common random numbers
            for year in (2020, 2021):
                rows += [
                    (
                        variant,
                        r,
                        year,
                        "workforce",
                        FORCE,
                        "officers_fte",
                        6613.0 + added * (year - 2019),
                    ),
                    (
                        variant,
                        r,
                        year,
                        "dispatch",
                        "P1",
                        "attained_share",
                        0.55 + gain * (year - 2019) + noise,
                    ),
                    (variant, r, year, "dispatch", "P4", "attained_share", 0.9 + noise),
                ]
    return pl.DataFrame(
        rows,
        schema=["variant", "replication", "year", "area", "group", "kpi", "value"],
        orient="row",
    )


def test_gains_per_100_officers_scale_the_paired_interval() -> None:
    comparison = paired_comparison(reps(), "no_uplift")
    gains = uplift_gains(comparison)
    assert gains["group"].to_list() == ["P1", "P1"]  # P4 is not a gain KPI
    for row in gains.iter_rows(named=True):
        scale = 100.0 / row["officers_added"]
        assert row["officers_added"] == 500.0 * (row["year"] - 2019)
        np.testing.assert_allclose(row["per_100"], row["difference"] * scale, rtol=1e-12)
        np.testing.assert_allclose(row["per_100_low"], row["ci_low"] * scale, rtol=1e-12)
        np.testing.assert_allclose(row["per_100_high"], row["ci_high"] * scale, rtol=1e-12)
        np.testing.assert_allclose(row["difference"], 0.04 * (row["year"] - 2019), atol=1e-12)
    assert len(gain_rows(comparison)) == 2
    assert "What the uplift buys" in uplift_gains_html(comparison)


def test_no_table_without_workforce_figures() -> None:
    comparison = paired_comparison(reps().filter(pl.col("area") != "workforce"), "no_uplift")
    assert uplift_gains(comparison).is_empty()
    assert uplift_gains_html(comparison) == ""
