"""The uplift scenario on the rebuilt response model: no dispatch pool is overloaded in any
planning year, even in the weakest variant.

`no_uplift` has the fewest officers of every variant in every department in every year (the
others only add establishment growth to it), so if no pool of it looks overloaded, none of
the shipped allocations does: a comparison between them is then a comparison of results, not
of censored statistics. One four-year replication (fast engine, the scenario's seed); the
overload rule is the one `fmssim run` warns with (units ≥ 98% busy and more than a day's
arrivals still waiting at a year's end), and the response pool must also stay below 90% busy
in every year — a margin, not just the absence of collapse.

The investigation departments are *not* checked here: with the force's DA and child-abuse
forecasts they fall behind in every variant (docs/uplift.md), which the run reports as
department overload.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from fmssim.experiment import run_experiment
from fmssim.experiment.runner import RunResult
from fmssim.scenario import load_scenario

UPLIFT = Path(__file__).parents[2] / "scenarios" / "uplift_2020_2024.yaml"
YEARS = (2020, 2021, 2022, 2023)


@cache
def weakest() -> RunResult:
    loaded = load_scenario(
        UPLIFT, variant="no_uplift", sets=["experiment.replications=1", "experiment.engine=fast"]
    )
    return run_experiment(loaded, workers=1)


def test_no_dispatch_pool_warns_in_any_year() -> None:
    pool_warnings = [w for w in weakest().warnings if w.startswith("warning: pool ")]
    assert not pool_warnings, pool_warnings


def test_response_stays_below_ninety_percent_busy_every_year() -> None:
    busy = weakest().summary.filter(
        (pl.col("area") == "pools")
        & (pl.col("group") == "response")
        & (pl.col("kpi") == "utilisation")
    )
    by_year = dict(zip(busy["year"].to_list(), busy["mean"].to_list(), strict=True))
    assert sorted(by_year) == list(YEARS), by_year
    assert all(u < 0.90 for u in by_year.values()), by_year
