"""Laws every run must obey, checked on the records of both engines.

- Nothing is lost: every incident is created once, and is either allocated or still
  waiting at the horizon; its timeline is ordered (created ≤ assigned ≤ arrived ≤ cleared ≤ free).
- Work conservation: an incident that had to wait found every on-duty unit busy on arrival.
- Capacity: right after an allocation, units busy never exceed units on duty.
- First come, first served within a priority level.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from fmssim.engine import des, fast
from fmssim.engine.records import Outcome
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import Draws, draw
from fmssim.model.inputs import Inputs
from fmssim.scenario import load_scenario

ROOT = Path(__file__).parents[2]
BASELINE = ROOT / "scenarios" / "baseline_2019.yaml"
TEXTBOOK = ROOT / "scenarios" / "validation" / "priority_mmc.yaml"
# The textbook case with a roster that varies over the week, including hours with no unit.
VARYING = [f"pools.response.roster={{hour_of_week: [{','.join(['0', '3', *['6'] * 166])}]}}"]


def on_duty_at(inputs: Inputs, pool: int, t: np.ndarray) -> np.ndarray:
    """Units on duty at each time in ``t`` (step function of the roster)."""
    changes = inputs.pools.change_min[pool]
    return inputs.pools.change_units[pool][np.searchsorted(changes, t, side="right") - 1]


def busy_just_after(out: Outcome, ids: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Units of the pool busy just after each instant in ``t`` (positive-length jobs)."""
    start = np.sort(out.assigned_min[ids][~np.isnan(out.assigned_min[ids])])
    end = np.sort(np.nan_to_num(out.free_min[ids], nan=np.inf)[~np.isnan(out.assigned_min[ids])])
    return np.searchsorted(start, t, side="right") - np.searchsorted(end, t, side="right")


CASES = {
    "textbook": (TEXTBOOK, []),
    "textbook-varying-roster": (TEXTBOOK, VARYING),
    "baseline": (BASELINE, ["calendar.end=2019-01-15"]),
}


@pytest.fixture(params=[(c, e) for c in CASES for e in ("des", "fast")], ids="-".join)
def run(request: pytest.FixtureRequest) -> tuple[Inputs, Draws, Outcome]:
    case, engine = request.param
    path, sets = CASES[case]
    end = [] if sets and sets[0].startswith("calendar") else ["calendar.end=2019-03-01"]
    inputs = compile_scenario(load_scenario(path, sets=[*sets, *end]).scenario)
    draws = draw(inputs, 3)
    return inputs, draws, {"des": des.run, "fast": fast.run}[engine](inputs, draws)


def test_nothing_lost_and_timelines_ordered(run: tuple[Inputs, Draws, Outcome]) -> None:
    inputs, draws, out = run
    d = draws.incidents
    assert np.all(np.diff(d.created_min) >= 0) and np.all(d.created_min < inputs.grid.horizon_min)
    allocated = ~np.isnan(out.assigned_min)
    waiting = np.isnan(out.assigned_min)
    assert allocated.sum() + waiting.sum() == len(d)
    chain = [d.created_min, out.assigned_min, out.arrived_min, out.cleared_min, out.free_min]
    for earlier, later in itertools.pairwise(chain):
        both = ~np.isnan(earlier) & ~np.isnan(later)
        assert np.all(earlier[both] <= later[both])
        # a later instant is reached only if the earlier one was
        assert not np.any(np.isnan(earlier) & ~np.isnan(later))


def test_work_conserving_and_within_capacity(run: tuple[Inputs, Draws, Outcome]) -> None:
    inputs, draws, out = run
    d = draws.incidents
    for k in range(len(inputs.pools.names)):
        ids = np.flatnonzero(inputs.grades.pool[d.grade] == k)
        waited = ids[~(out.assigned_min[ids] == d.created_min[ids])]
        t = d.created_min[waited]
        assert np.all(busy_just_after(out, ids, t) >= on_duty_at(inputs, k, t))
        t_alloc = np.unique(out.assigned_min[ids][~np.isnan(out.assigned_min[ids])])
        assert np.all(busy_just_after(out, ids, t_alloc) <= on_duty_at(inputs, k, t_alloc))


def test_first_come_first_served_within_priority(run: tuple[Inputs, Draws, Outcome]) -> None:
    inputs, draws, out = run
    d = draws.incidents
    for level in np.unique(inputs.grades.priority):
        ids = np.flatnonzero(inputs.grades.priority[d.grade] == level)
        assigned = out.assigned_min[ids]
        done = assigned[~np.isnan(assigned)]
        assert np.all(np.diff(done) >= 0)
        # once one incident of the level is still waiting, all later ones are too
        if np.isnan(assigned).any():
            assert np.all(np.isnan(assigned[np.argmax(np.isnan(assigned)) :]))
