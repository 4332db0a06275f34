"""Direction laws for investigations, with common random numbers (paired differences).

More investigators never grow the backlog; more demand never shrinks it; slower charging
decisions or fewer charging servers never shrink it. Each test asks,
per department, that the paired 95% interval of (larger − smaller) mean open cases and mean
wait for allocation lie on the right side of zero (or every replication agree), and the mean
difference be strictly so. (A year-end snapshot is too noisy for a 10% change.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from paired_laws import assert_higher

from fmssim.analytics.investigation import case_table
from fmssim.engine.simulate import simulate
from fmssim.experiment.replication import Task, run_replication
from fmssim.model.compile import compile_scenario
from fmssim.model.inputs import Inputs
from fmssim.scenario import load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "investigations.yaml"
REPS = 6
SHORT = "calendar.end=2020-01-01"
DEPARTMENTS = ("volume", "safeguarding")
MORE_STAFF = (
    "investigations.departments.volume.investigators_fte=28",
    "investigations.departments.safeguarding.investigators_fte=23",
)
MORE_DEMAND = (
    "demand.crimes.burglary.annual_volume=3300",
    "demand.crimes.assault.annual_volume=2200",
    "demand.crimes.abuse.annual_volume=1650",
)


def backlog(kpi: str, *sets: str) -> dict[str, np.ndarray]:
    """``kpi`` per department, one value per replication."""
    inputs = compile_scenario(load_scenario(SCENARIO, sets=[SHORT, *sets]).scenario)
    values: dict[str, list[float]] = {d: [] for d in DEPARTMENTS}
    for rep in range(REPS):
        kpis = run_replication(Task(inputs, rep, "fast"))
        for d in DEPARTMENTS:
            row = kpis.filter(pl.col("area") == "investigation", pl.col("group") == d)
            values[d].append(row.filter(pl.col("kpi") == kpi)["value"].item())
    return {d: np.array(v) for d, v in values.items()}


@pytest.mark.parametrize("kpi", ["open_cases_mean", "allocation_wait_mean_days"])
def test_more_investigators_never_grow_the_backlog(kpi: str) -> None:
    base, more = backlog(kpi), backlog(kpi, *MORE_STAFF)
    for d in DEPARTMENTS:
        if kpi == "allocation_wait_mean_days" and not base[d].any():
            continue  # nobody waits in the base case: nothing to shrink
        assert_higher(base[d], more[d])


@pytest.mark.parametrize("kpi", ["open_cases_mean", "allocation_wait_mean_days"])
def test_more_demand_never_shrinks_the_backlog(kpi: str) -> None:
    base, more = backlog(kpi), backlog(kpi, *MORE_DEMAND)
    for d in DEPARTMENTS:
        if kpi == "allocation_wait_mean_days" and not more[d].any():
            continue  # nobody waits even with more demand: nothing to grow
        assert_higher(more[d], base[d])


def test_slower_charging_decisions_never_shrink_the_backlog() -> None:
    """Doubling the charging stage's mean time (2 → 4 days) never lowers the safeguarding
    department's open cases (cases at the stage keep their slots)."""
    slower = "investigations.departments.safeguarding.stages.charging.days.mean=4"
    base, more = backlog("open_cases_mean"), backlog("open_cases_mean", slower)
    assert_higher(more["safeguarding"], base["safeguarding"])


def test_fewer_charging_servers_never_shrink_the_backlog() -> None:
    """Fewer charging-stage servers (4 → 3, utilisation about 0.62 → 0.82) never lower the
    safeguarding open cases."""
    fewer = "investigations.departments.safeguarding.stages.charging.servers=3"
    base, less = backlog("open_cases_mean"), backlog("open_cases_mean", fewer)
    assert_higher(less["safeguarding"], base["safeguarding"])


def test_a_pip2_shortage_shows_as_waits_for_their_cases() -> None:
    """Fewer PIP2 detectives (40% → 20% of safeguarding, the same total) never shorten the
    wait for allocation of the high-risk abuse cases only they may take."""
    inputs_base = compile_scenario(load_scenario(SCENARIO, sets=[SHORT]).scenario)
    fewer = "investigations.departments.safeguarding.classes={pip2: 0.2, staff: 0.8}"
    inputs_short = compile_scenario(load_scenario(SCENARIO, sets=[SHORT, fewer]).scenario)
    base, short = high_risk_wait(inputs_base), high_risk_wait(inputs_short)
    assert_higher(short, base)


def high_risk_wait(inputs: Inputs) -> np.ndarray:
    """Mean wait for allocation (days) of high-risk abuse cases, per replication."""
    values = []
    for rep in range(REPS):
        result = simulate("fast", inputs, rep)
        assert result.draws.cases is not None and result.cases is not None
        table = case_table(inputs, result.draws.cases, result.cases, rep)
        high = table.filter(pl.col("risk") == "high", pl.col("allocated_min").is_not_nan())
        values.append(high["wait_min"].mean() / 1440.0)
    return np.array(values)
