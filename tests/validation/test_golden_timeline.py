"""A timeline computed by hand, reproduced to the minute by both engines.

One unit on duty 00:00-01:00, none 01:00-02:00, one again from 02:00. Every job takes
5 min travel + 50 min on scene + 10 min write-up.

- P2 #0 created 00:30: assigned 30, on scene 35, cleared 85, free 95. Its shift ended at 60:
  it finishes on overtime (35 minutes) and goes off duty.
- P2 #1 created 00:40: no unit until 02:00, and then P1 #2 goes first (priority).
- P1 #2 created 01:40: assigned 120, on scene 125, cleared 175, free 185.
- P2 #1 is assigned at 185, the instant P1 #2's unit is free: on scene 190, free 250.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from fmssim.analytics.pools import pool_kpis
from fmssim.analytics.tables import incident_table
from fmssim.engine import des, fast
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import IncidentDraws, draw
from fmssim.scenario import load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "golden_timeline.yaml"
P1, P2 = 0, 1  # grade indices (priority order)
EXPECTED = {  # incident: (assigned, arrived, cleared, free)
    0: (30.0, 35.0, 85.0, 95.0),
    1: (185.0, 190.0, 240.0, 250.0),
    2: (120.0, 125.0, 175.0, 185.0),
}


@pytest.fixture(params=["des", "fast"])
def timeline(request: pytest.FixtureRequest) -> tuple[object, object]:
    inputs = compile_scenario(load_scenario(SCENARIO).scenario)
    incidents = IncidentDraws(
        created_min=np.array([30.0, 40.0, 100.0]),
        grade=np.array([P2, P2, P1]),
        travel_min=np.full(3, 5.0),
        on_scene_min=np.full(3, 50.0),
        write_up_min=np.full(3, 10.0),
    )
    draws = replace(draw(inputs, 0), incidents=incidents)
    engine = {"des": des.run, "fast": fast.run}[request.param]
    return inputs, incident_table(inputs, draws, engine(inputs, draws))


def test_every_time_is_as_computed_by_hand(timeline: tuple[object, pl.DataFrame]) -> None:
    _, records = timeline
    for incident, times in EXPECTED.items():
        row = records.row(incident, named=True)
        got = (row["assigned_min"], row["arrived_min"], row["cleared_min"], row["free_min"])
        assert got == times, f"incident {incident}: {got} != {times}"


def test_overtime_is_the_job_finished_after_the_shift(
    timeline: tuple[object, pl.DataFrame],
) -> None:
    inputs, records = timeline
    pools = inputs.pools  # type: ignore[attr-defined]
    rosters = {"response": (pools.change_min[0], pools.change_units[0])}
    grid = inputs.grid  # type: ignore[attr-defined]
    kpis = pool_kpis(records, rosters, grid.year_bounds_min, grid.year_labels)
    overtime = kpis.filter(pl.col("kpi") == "overtime_hours")["value"].item()
    assert overtime == pytest.approx(35.0 / 60.0, abs=1e-12)
    busy = kpis.filter(pl.col("kpi") == "units_busy_mean")["value"].item()
    assert busy == pytest.approx((65.0 * 3) / 1440.0, abs=1e-12)
