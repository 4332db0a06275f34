"""Demand far above capacity is reported, not hidden: the run ends and says which pool.

With 3 units for an offered load of 4 (utilisation 1.33) the queue grows without bound; the
run still ends at the horizon (arrivals are drawn up front, so work is bounded) and warns,
before the run (offered load above the units on duty) and after it (the queue left).
At the textbook's 5 units (utilisation 0.8) there is no warning.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from fmssim.experiment import run_experiment
from fmssim.scenario import load_scenario

TEXTBOOK = Path(__file__).parents[2] / "scenarios" / "validation" / "priority_mmc.yaml"
SHORT = ["calendar.end=2019-02-01", "experiment.replications=2"]


@pytest.mark.parametrize("engine", ["fast", "des"])
def test_overloaded_pool_is_reported(engine: str) -> None:
    sets = [*SHORT, "pools.response.roster.on_duty=3", f"experiment.engine={engine}"]
    result = run_experiment(load_scenario(TEXTBOOK, sets=sets))
    assert len(result.warnings) == 2
    # Before the run, from the inputs: offered load 4 units' work for 3 units on duty.
    assert (
        "pool response is offered about 4.0 units' work on average but has 3.0"
        in (result.warnings[0])
    )
    assert "pool response looks overloaded in 2019" in result.warnings[1]
    waiting = result.summary.filter(pl.col("kpi") == "waiting_at_year_end")["mean"].item()
    assert waiting > 500  # about a third of a month's arrivals, and growing


def test_a_stable_pool_is_not_reported() -> None:
    result = run_experiment(load_scenario(TEXTBOOK, sets=SHORT))
    assert result.warnings == ()


INVESTIGATIONS = TEXTBOOK.parent / "investigations.yaml"


def test_overloaded_department_is_reported() -> None:
    """Safeguarding at half its staff (effort capacity 8.5 a day for about 12.3 demanded):
    cases queue for a slot for weeks, and the run says so; the volume department does not."""
    sets = [
        "calendar.end=2019-07-01",
        "experiment.replications=2",
        "investigations.departments.safeguarding.investigators_fte=10",
    ]
    result = run_experiment(load_scenario(INVESTIGATIONS, sets=sets))
    assert len(result.warnings) == 1
    assert "department safeguarding looks overloaded in 2019" in result.warnings[0]


def test_a_stable_department_is_not_reported() -> None:
    sets = ["calendar.end=2019-07-01", "experiment.replications=2"]
    assert run_experiment(load_scenario(INVESTIGATIONS, sets=sets)).warnings == ()
