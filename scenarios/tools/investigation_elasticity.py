"""Elasticity of the 2019 baseline's investigations to its investigators, with common random
numbers: for each department and each change (±10%, ±50% investigators), the paired mean
difference of open cases at the end of 2019, mean open cases and median days to finalise,
with 95% intervals across replications. Usage:

    python scenarios/tools/investigation_elasticity.py [--reps N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
from calibrate_investigations import BASELINE, kpis

from fmssim.analytics.intervals import t_interval
from fmssim.scenario import load_scenario

SHOWN = ("open_cases_end", "open_cases_mean", "finalise_median_days")
CHANGES = (-0.5, -0.1, 0.1, 0.5)


def per_rep(table: pl.DataFrame, dept: str, kpi: str) -> np.ndarray:
    rows = table.filter(pl.col("group") == dept, pl.col("kpi") == kpi).sort("rep")
    return rows["value"].to_numpy()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=4)
    args = parser.parse_args()
    scenario = load_scenario(BASELINE).scenario
    assert scenario.investigations is not None
    base = kpis(BASELINE, [], args.reps)
    print("| department | investigators | KPI | base | change | paired difference (95% interval) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for dept, spec in scenario.investigations.departments.items():
        for change in CHANGES:
            fte = spec.investigators_fte * (1 + change)
            key = f"investigations.departments.{dept}.investigators_fte={fte:g}"
            varied = kpis(BASELINE, [key], args.reps)
            for kpi in SHOWN:
                b, v = per_rep(base, dept, kpi), per_rep(varied, dept, kpi)
                d = v - b
                low, high = t_interval(float(d.mean()), float(d.var(ddof=1)), len(d))
                interval = f"{d.mean():+,.1f} ({low:+,.1f} to {high:+,.1f})"
                print(
                    f"| {dept} | {change:+.0%} ({fte:g} FTE) | {kpi} | {b.mean():,.1f} | "
                    f"{d.mean() / b.mean():+.1%} | {interval} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
