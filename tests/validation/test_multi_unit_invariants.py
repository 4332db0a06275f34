"""Invariants of incidents needing several units, on every allocation instant of both engines.

- Units held: just after an allocation step, the units busy (Σ units needed of the jobs in
  progress) never exceed the units on duty (a unit is only ever given when free).
- Strict queue: nobody is served at an instant while an incident ahead of it (more urgent,
  or as urgent and created earlier) is still waiting at that instant (no overtaking).

Deterministic: fixed seeds, a mixed scenario with one-, two- and three-unit grades and a
roster that changes every few hours.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from numpy.typing import NDArray

from fmssim.engine import des, fast
from fmssim.engine.records import Outcome
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import Draws, draw
from fmssim.model.inputs import Inputs
from fmssim.scenario import Scenario

START = dt.date(2019, 1, 7)
ROSTER = [int(x) for x in np.random.default_rng(5).integers(0, 7, 168)]


def mixed() -> Inputs:
    """Two pools; P1 needs 2 units, P2 one, P3 three (sharing a pool with P1)."""
    job = {"kind": "exponential", "mean": 45.0}
    grades = {
        "P1": {"pool": "response", "units_needed": 2, "on_scene_min": job},
        "P2": {"pool": "neighbourhood", "on_scene_min": job, "travel_min": job},
        "P3": {"pool": "response", "units_needed": 3, "on_scene_min": job},
    }
    doc = {
        "name": "mixed crews",
        "calendar": {"start": START.isoformat(), "end": "2019-01-21", "warmup_days": 0},
        "demand": {"incidents": {g: {"annual_volume": 12000} for g in grades}},
        "dispatch": {"grades": grades},
        "pools": {
            "response": {"roster": {"hour_of_week": ROSTER}},
            "neighbourhood": {"roster": {"on_duty": 3}},
        },
        "experiment": {"seed": 11},
    }
    return compile_scenario(Scenario.model_validate(doc))


def run(engine: str, inputs: Inputs, draws: Draws) -> Outcome:
    return {"des": des.run, "fast": fast.run}[engine](inputs, draws)


def busy_after(t: NDArray[np.float64], start: NDArray[np.float64], end: NDArray[np.float64],
               units: NDArray[np.int64]) -> NDArray[np.int64]:  # fmt: skip
    """Units held just after each instant ``t``: jobs with start ≤ t < end."""
    held = (start[None, :] <= t[:, None]) & (end[None, :] > t[:, None])
    return (held * units[None, :]).sum(axis=1)


@pytest.mark.parametrize("engine", ["des", "fast"])
@pytest.mark.parametrize("rep", range(3))
def test_units_busy_never_exceed_on_duty_after_allocation(engine: str, rep: int) -> None:
    inputs = mixed()
    draws = draw(inputs, rep)
    out = run(engine, inputs, draws)
    d, g = draws.incidents, inputs.grades
    checked = 0
    for k in range(len(inputs.pools.names)):
        mine = g.pool[d.grade] == k
        start = out.assigned_min[mine]
        end = np.nan_to_num(out.free_min[mine], nan=np.inf)
        units = g.units_needed[d.grade[mine]]
        instants = np.unique(start[~np.isnan(start)])
        busy = busy_after(instants, np.nan_to_num(start, nan=np.inf), end, units)
        change_min, change_units = inputs.pools.change_min[k], inputs.pools.change_units[k]
        on_duty = change_units[np.searchsorted(change_min, instants, side="right") - 1]
        assert np.all(busy <= on_duty), (
            f"pool {k}: busy above on duty at {instants[busy > on_duty]}"
        )
        checked += len(instants)
    assert checked > 100


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_no_incident_overtakes_one_ahead_of_it(engine: str) -> None:
    inputs = mixed()
    draws = draw(inputs, 0)
    out = run(engine, inputs, draws)
    d, g = draws.incidents, inputs.grades
    for k in range(len(inputs.pools.names)):
        ids = np.flatnonzero(g.pool[d.grade] == k)
        created, assigned = d.created_min[ids], out.assigned_min[ids]
        # queue key: (priority, id), as one sortable number per incident
        key = g.priority[d.grade[ids]] * (len(d) + 1) + ids
        for t in np.unique(assigned[~np.isnan(assigned)]):
            served = assigned == t
            waiting = (created <= t) & ~(assigned <= t)
            if waiting.any():
                assert key[served].max() < key[waiting].min(), f"pool {k}: overtaking at {t}"
