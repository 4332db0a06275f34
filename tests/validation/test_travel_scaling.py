"""Travel that follows the square-root law in the expected idle units.

Laws: the offered load of a constant arrival rate n per hour settles at n × mean job
(Little's law for M/G/∞); each incident's travel is its drawn travel × (reference / idle)^e
at its ready hour, exactly; exponent 0 changes nothing; with common random numbers more
units on duty never lengthen any incident's travel, and raise P1 attainment (paired, all six
replications); the engines agree record for record (tests/validation/test_incident_types.py
runs its scenario with the scaling on).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from fmssim.engine.simulate import simulate
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import draw
from fmssim.model.inputs import Inputs
from fmssim.model.travel import expected_idle, offered_load, scale_travel
from fmssim.scenario import load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "incident_types.yaml"


@cache
def inputs(*sets: str) -> Inputs:
    return compile_scenario(load_scenario(SCENARIO, sets=list(sets)).scenario)


def test_offered_load_of_a_constant_rate_is_rate_times_job() -> None:
    load = offered_load(np.full(200, 12.0), 2.5)
    # a fluid count at the hour's start: Σ_k 12 · 2.5 (e^{-k/2.5} − e^{-(k+1)/2.5}) → 12 × 2.5
    assert load[100] == pytest.approx(12.0 * 2.5, rel=1e-9)
    assert load[0] < load[5] < load[100]


def test_travel_is_scaled_by_the_idle_units_of_its_ready_hour() -> None:
    i = inputs()
    d = draw(i, 0).incidents
    scaled = scale_travel(i, draw(i, 0)).incidents
    assert i.travel_scaling is not None
    pool = int(i.travel_scaling.pool[0])
    mine = i.grades.pool[d.grade] == pool
    hour = np.clip((d.created_min[mine] // 60).astype(np.int64), 0, i.grid.n_hours - 1)
    idle = expected_idle(i, pool, hour, float(i.travel_scaling.job_hours[0]))
    factor = (6.0 / idle[hour]) ** 0.5
    assert np.array_equal(scaled.travel_min[mine], d.travel_min[mine] * factor)
    assert np.array_equal(scaled.travel_min[~mine], d.travel_min[~mine])


def test_exponent_zero_changes_nothing() -> None:
    flat = inputs("pools.response.travel_scaling.exponent=0")
    d = draw(flat, 0)
    assert np.array_equal(scale_travel(flat, d).incidents.travel_min, d.incidents.travel_min)


def test_more_units_never_lengthen_travel_and_raise_p1_attainment() -> None:
    """Common random numbers: the same incidents, 20 vs 26 units on duty. Per incident the
    travel is never longer (exact); P1 within 15 min is higher in every one of the six
    replications (paired; under no difference each would be a coin toss, so all six has
    probability 1/64 < 2%)."""
    few, many = inputs(), inputs("pools.response.roster.on_duty=26")
    for rep in range(6):
        a, b = simulate("fast", few, rep), simulate("fast", many, rep)
        assert np.array_equal(a.draws.incidents.created_min, b.draws.incidents.created_min)
        assert np.all(b.draws.incidents.travel_min <= a.draws.incidents.travel_min)
        p1 = a.draws.incidents.grade == few.grades.names.index("P1")
        hit = []
        for run in (a, b):
            created = run.draws.incidents.logged_min
            assert created is not None
            hit.append(np.nanmean((run.incidents.arrived_min - created)[p1] <= 15.0))
        assert hit[1] > hit[0], rep
