"""A waiting P1 taking a unit on its way to a less urgent job
(``dispatch.options.p1_takes_en_route_unit``): a hand-computed timeline, invariants and the
direction law.

Scenario for the law: scenarios/validation/two_pools.yaml, where response attends P1 and P2
(fixed 10-minute journeys for P2) and runs hot; the option is switched on with a ``--set``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from paired_laws import assert_higher, kpi_per_replication

from fmssim.engine import des, fast
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import Draws, IncidentDraws, draw
from fmssim.model.inputs import Inputs
from fmssim.scenario import Scenario, load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "two_pools.yaml"
ON = "dispatch.options.p1_takes_en_route_unit=true"
SHORT = "calendar.end=2019-01-22"
REPS = 10
RUN = {"des": des.run, "fast": fast.run}


def inputs(*sets: str) -> Inputs:
    return compile_scenario(load_scenario(SCENARIO, sets=list(sets)).scenario)


def hand_built() -> Inputs:
    """Two response units; P1, P2, P3 at their default priorities; the option on."""
    doc = {
        "name": "en route by hand",
        "calendar": {"start": "2019-01-07", "end": "2019-01-08", "warmup_days": 0},
        "demand": {"incidents": {}},
        "dispatch": {
            "grades": {g: {"pool": "response"} for g in ("P1", "P2", "P3")},
            "options": {"p1_takes_en_route_unit": True},
        },
        "pools": {"response": {"roster": {"on_duty": 2}}},
    }
    return compile_scenario(Scenario.model_validate(doc))


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_hand_computed_timeline(engine: str) -> None:
    """#0 P3 and #1 P2 take both units at 0 (journeys 30 and 20). P1 #2 at 5 takes the unit
    going to the P3 (the least urgent); P1 #3 at 6 takes the one going to the P2; P1 #4 at 7
    finds only P1s' units and waits for the first free one (35). At 36 the P2 gets the other
    unit again; at 40 P1 #5, a job of zero length, takes it on the way (arrival due 56), frees
    it at once, and in the next allocation round at 40 the P2 gets it back. The P3 gets a
    unit at 45, when P1 #4's job ends."""
    i = hand_built()
    p1, p2, p3 = (i.grades.names.index(g) for g in ("P1", "P2", "P3"))
    incidents = IncidentDraws(
        created_min=np.array([0.0, 0.0, 5.0, 6.0, 7.0, 40.0]),
        grade=np.array([p3, p2, p1, p1, p1, p1]),
        travel_min=np.array([30.0, 20.0, 10.0, 10.0, 5.0, 0.0]),
        on_scene_min=np.array([60.0, 60.0, 20.0, 20.0, 5.0, 0.0]),
        write_up_min=np.zeros(6),
    )
    out = RUN[engine](i, Draws(0, incidents))
    assert out.assigned_min.tolist() == [45.0, 40.0, 5.0, 6.0, 35.0, 40.0]
    assert out.arrived_min.tolist() == [75.0, 60.0, 15.0, 16.0, 40.0, 40.0]
    assert out.free_min.tolist() == [135.0, 120.0, 35.0, 36.0, 45.0, 40.0]
    diverted = np.nan_to_num(out.diverted_min, nan=-1.0).tolist()
    assert diverted == [5.0, 40.0, -1.0, -1.0, -1.0, -1.0]  # the P2's last loss at 40


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_only_less_urgent_travelling_jobs_lose_their_unit(engine: str) -> None:
    """On the two-pool force: units are taken only from single-unit jobs less urgent than
    P1, in the P1's pool, at an instant when a P1 got a unit; a job that lost its unit and got
    another later got it no earlier than it lost the first."""
    i = inputs(ON, SHORT)
    draws = draw(i, 0)
    out = RUN[engine](i, draws)
    d, g = draws.incidents, i.grades
    lost = np.flatnonzero(~np.isnan(out.diverted_min))
    assert len(lost) > 50, "the scenario should make P1 take travelling units"
    p1 = g.names.index("P1")
    p1_starts = set(out.assigned_min[d.grade == p1].tolist())
    for v in lost:
        assert g.priority[d.grade[v]] > g.priority[p1]
        assert g.pool[d.grade[v]] == g.pool[p1]
        assert out.diverted_min[v] in p1_starts
        assert not out.assigned_min[v] < out.diverted_min[v]
    assert np.all(np.isnan(out.diverted_min[d.grade == p1]))


def test_taking_en_route_units_never_lowers_p1_attainment() -> None:
    """Direction law with common random numbers (seed 77, 10 paired replications): the paired
    95% interval of P1 attainment (on − off) lies at or above zero. The cost falls on P2."""
    on, off = inputs(ON), inputs()
    p1_on, p1_off = (kpi_per_replication(i, REPS, "P1", "attained_share") for i in (on, off))
    p2_on, p2_off = (kpi_per_replication(i, REPS, "P2", "attained_share") for i in (on, off))
    mean, low, high = assert_higher(p1_on, p1_off)
    print(f"P1 attained, on − off: {mean:.4f}, paired 95% [{low:.4f}, {high:.4f}]")
    print(f"P2 attained, on − off: {(p2_on - p2_off).mean():.4f}")
