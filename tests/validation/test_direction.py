"""Direction laws, with common random numbers so the paired difference is sharp.

More officers never worsen P1 attainment in expectation; more demand never improves it.
Each test asks that the paired 95% interval of (better − worse) lie at or above zero, and
that the mean difference be strictly positive.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from fmssim.analytics.intervals import t_interval
from fmssim.experiment.replication import Task, run_replication
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario

TEXTBOOK = Path(__file__).parents[2] / "scenarios" / "validation" / "priority_mmc.yaml"
REPS = 6
SHORT = "calendar.end=2019-03-01"


def p1_attained(*sets: str) -> np.ndarray:
    """P1 attained share per replication."""
    inputs = compile_scenario(load_scenario(TEXTBOOK, sets=[SHORT, *sets]).scenario)
    values = []
    for rep in range(REPS):
        kpis = run_replication(Task(inputs, rep, "fast"))
        row = kpis.filter(pl.col("group") == "P1", pl.col("kpi") == "attained_share")
        values.append(row["value"].item())
    return np.array(values)


def assert_better(better: np.ndarray, worse: np.ndarray) -> None:
    diff = better - worse
    low, _ = t_interval(float(diff.mean()), float(diff.var(ddof=1)), len(diff))
    assert diff.mean() > 0
    assert low >= 0 or np.all(diff >= 0), f"paired interval reaches {low:.4f}"


def test_more_officers_never_worse() -> None:
    base = p1_attained()
    more = p1_attained("pools.response.roster.on_duty=6")
    assert_better(more, base)


def test_more_demand_never_better() -> None:
    base = p1_attained()
    busier = p1_attained("demand.incidents.P2.annual_volume=15000")
    assert_better(base, busier)
