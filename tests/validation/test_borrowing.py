"""P1 borrowing a unit from another pool ("nearest resource"): invariants and direction law.

Scenario: scenarios/validation/two_pools.yaml — response (P1, P2) runs hot, neighbourhood
(P3) has spare units; borrowing is switched on with
``dispatch.options.p1_borrows_from=[neighbourhood]``.

- Invariant, on every borrowed P1 of both engines: only P1 borrows, from a listed pool other
  than its own; at that instant its own pool had no free unit (its units busy just after the
  allocation step ≥ on duty) and the lender had one (the lender's units busy, counting the
  borrowed one, ≤ on duty). A borrowed unit counts for its lender in the pool KPIs.
- Direction law: switching borrowing on never lowers P1 attainment in expectation — the
  paired 95% interval of (on − off) over replications with common random numbers (fixed
  seed) lies at or above zero, and the mean difference is positive.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from numpy.typing import NDArray
from paired_laws import assert_higher, kpi_per_replication

from fmssim.engine import des, fast
from fmssim.engine.records import Outcome
from fmssim.experiment.replication import Task, run_replication
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import Draws, IncidentDraws, draw
from fmssim.model.inputs import Inputs
from fmssim.scenario import Scenario, load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "two_pools.yaml"
ON = "dispatch.options.p1_borrows_from=[neighbourhood]"
SHORT = "calendar.end=2019-01-22"
REPS = 10


def inputs(*sets: str) -> Inputs:
    return compile_scenario(load_scenario(SCENARIO, sets=list(sets)).scenario)


def busy_after(t: float, start: NDArray[np.float64], end: NDArray[np.float64]) -> int:
    """Units held just after instant ``t`` (one per job here: P1-P3 need one unit)."""
    return int(np.sum((start <= t) & (end > t)))


def on_duty(i: Inputs, k: int, t: float) -> int:
    change_min, change_units = i.pools.change_min[k], i.pools.change_units[k]
    return int(change_units[np.searchsorted(change_min, t, side="right") - 1])


def holders(i: Inputs, draws: Draws, out: Outcome) -> NDArray[np.int64]:
    """The pool whose unit attended each incident (its own, or the lender)."""
    own = i.grades.pool[draws.incidents.grade]
    lent = ~np.isnan(out.borrowed_from)
    return np.where(lent, np.nan_to_num(out.borrowed_from), own).astype(np.int64)


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_p1_borrows_only_when_own_pool_has_no_free_unit_and_lender_has_one(engine: str) -> None:
    i = inputs(ON, SHORT)
    draws = draw(i, 0)
    out = {"des": des.run, "fast": fast.run}[engine](i, draws)
    d, g = draws.incidents, i.grades
    lent = np.flatnonzero(~np.isnan(out.borrowed_from))
    assert len(lent) > 50, "the scenario should make P1 borrow"
    holder = holders(i, draws, out)
    start = np.nan_to_num(out.assigned_min, nan=np.inf)
    end = np.nan_to_num(out.free_min, nan=np.inf)
    for j in lent:
        own, lender, t = int(g.pool[d.grade[j]]), int(out.borrowed_from[j]), out.assigned_min[j]
        assert g.names[d.grade[j]] == "P1"
        assert lender in i.p1_borrows_from and lender != own
        mine, theirs = holder == own, holder == lender
        assert busy_after(t, start[mine], end[mine]) >= on_duty(i, own, t), f"own free at {t}"
        assert busy_after(t, start[theirs], end[theirs]) <= on_duty(i, lender, t)


def test_borrowed_units_count_for_the_lender() -> None:
    """Pool KPIs: the lender's busy units include the units it lent."""
    off = run_replication(Task(inputs(SHORT), 0, "fast"))
    on = run_replication(Task(inputs(ON, SHORT), 0, "fast"))

    def busy(kpis: pl.DataFrame, pool: str) -> float:
        row = kpis.filter(pl.col("group") == pool, pl.col("kpi") == "units_busy_mean")
        return float(row["value"].item())

    assert busy(on, "neighbourhood") > busy(off, "neighbourhood")
    assert busy(on, "response") < busy(off, "response")


def test_borrowing_never_lowers_p1_attainment() -> None:
    on = kpi_per_replication(inputs(ON), REPS, "P1", "attained_share")
    off = kpi_per_replication(inputs(), REPS, "P1", "attained_share")
    mean, low, high = assert_higher(on, off)
    print(f"P1 attained, on − off: {mean:.4f}, paired 95% interval [{low:.4f}, {high:.4f}]")


def hand_built() -> Inputs:
    """One unit in each of three pools; P1 (response) borrows from neighbourhood, then support."""
    doc = {
        "name": "borrowing by hand",
        "calendar": {"start": "2019-01-07", "end": "2019-01-08", "warmup_days": 0},
        "demand": {"incidents": {}},
        "dispatch": {
            "grades": {"P1": {"pool": "response"}, "P2": {"pool": "neighbourhood"}},
            "options": {"p1_borrows_from": ["neighbourhood", "support"]},
        },
        "pools": {p: {"roster": {"on_duty": 1}} for p in ("response", "neighbourhood", "support")},
    }
    return compile_scenario(Scenario.model_validate(doc))


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_zero_length_borrowed_job_frees_the_lender_after_the_step(engine: str) -> None:
    """Three P1s at minute 0: #0 (60 min) takes response's unit; #1 (zero length) borrows
    neighbourhood's; #2 (30 min) finds neighbourhood's unit still lent in that step and
    borrows support's (neighbourhood's is back at 0, after the step). P2 #3 (at 1) takes
    neighbourhood's unit to 41. P1 #4 (at 10) finds no free unit anywhere (response busy to
    60, support to 30) and borrows support's when it frees at 30. Were the zero-length job's
    unit back within the step, #2 would borrow neighbourhood's and #4 support's at 10."""
    i = hand_built()
    p1, p2 = i.grades.names.index("P1"), i.grades.names.index("P2")
    incidents = IncidentDraws(
        created_min=np.array([0.0, 0.0, 0.0, 1.0, 10.0]),
        grade=np.array([p1, p1, p1, p2, p1]),
        travel_min=np.zeros(5),
        on_scene_min=np.array([60.0, 0.0, 30.0, 40.0, 5.0]),
        write_up_min=np.zeros(5),
    )
    out = {"des": des.run, "fast": fast.run}[engine](i, Draws(0, incidents))
    names = i.pools.names
    lent = [None if np.isnan(x) else names[int(x)] for x in out.borrowed_from]
    assert out.assigned_min.tolist() == [0.0, 0.0, 0.0, 1.0, 30.0]
    assert lent == [None, "neighbourhood", "support", None, "support"]
