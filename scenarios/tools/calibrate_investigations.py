"""Investigation KPIs of the 2019 baseline (or any scenario) for a few replications, fast.

Runs only the investigation stage (the baseline's investigation streams do not depend on
dispatch) on the fast engine and prints, per department, the 2019 means and 95% intervals
of the calibration targets. Usage:

    python scenarios/tools/calibrate_investigations.py [--reps N] [--scenario PATH] [KEY=VALUE ...]

``KEY=VALUE`` are ``--set`` overrides (e.g.
``investigations.departments.ppu_domestic_abuse.investigators_fte=495``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from fmssim.analytics.intervals import t_interval
from fmssim.analytics.investigation import investigation_kpis
from fmssim.engine.fast.investigation import run_cases
from fmssim.model.case_draws import draw_cases
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario

BASELINE = Path(__file__).parents[1] / "baseline_2019.yaml"
SHOWN = (
    "finalised_per_week",
    "open_cases_mean",
    "open_cases_end",
    "open_under_30d_share_end",
    "finalised_within_30d_share",
    "finalise_median_days",
    "allocation_wait_mean_days",
)


def kpis(scenario: Path, sets: list[str], reps: int) -> pl.DataFrame:
    """The first planning year's investigation KPIs, one row per replication and KPI."""
    inputs = compile_scenario(load_scenario(scenario, sets=sets).scenario)
    frames = []
    for rep in range(reps):
        draws = draw_cases(inputs, rep)
        assert draws is not None
        table = investigation_kpis(
            inputs, draws, run_cases(inputs, draws), inputs.grid.year_bounds_min
        )
        frames.append(
            table.filter(pl.col("year") == inputs.grid.year_labels[0]).with_columns(rep=pl.lit(rep))
        )
    return pl.concat(frames)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=4)
    parser.add_argument("--scenario", type=Path, default=BASELINE)
    parser.add_argument("sets", nargs="*")
    args = parser.parse_args()
    table = kpis(args.scenario, args.sets, args.reps)
    for (dept,), per in table.sort("group").group_by("group", maintain_order=True):
        print(dept)
        for kpi in SHOWN:
            v = per.filter(pl.col("kpi") == kpi)["value"].to_numpy()
            low, high = t_interval(float(v.mean()), float(v.var(ddof=1)), len(v))
            print(f"  {kpi:28s} {v.mean():10.3f}  [{low:.3f}, {high:.3f}]")


if __name__ == "__main__":
    main()
