"""Lending rules (the surge rule, ``dispatch.options.lending``) and lost travel: laws.

Scenario for the laws: scenarios/validation/two_pools.yaml — response (P1, P2) runs about 90%
busy, neighbourhood (P3) about 50%; the surge rule lends neighbourhood units to response's P1
and P2 once ``TIPPING`` incidents wait in response.

- Zero wait: with every pool idle (a lender with far more units than work), nearest resource
  and the surge rule at tipping point 0 attend every incident at its creation.
- Invariant (both engines, every lent incident): a rule lends only to a pool with no free
  unit of its own, from a lender with a free unit, while the pool's queue is at or above the
  tipping point. With continuous times and jobs of positive length, each instant is one
  allocation round, so the queue at the last lend of an instant is exactly the pool's
  incidents still waiting after the instant plus one (the one lent).
- Direction (common random numbers, 10 replications): the surge rule lowers P1 and P2 mean
  waits; the paired 95% Student-t interval of (off − on) lies above zero.
- Busy-time law with lost travel (exact): see :func:`test_lost_travel_counts_as_busy_time`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from paired_laws import assert_higher, kpi_per_replication
from test_parity import DETERMINISTIC, MONDAY, TIE_DAYS, assert_parity, incident, tie_draws

from fmssim.analytics.pools import pool_kpis
from fmssim.analytics.tables import incident_table
from fmssim.engine import des, fast
from fmssim.engine.records import Outcome
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import Draws, IncidentDraws, draw
from fmssim.model.inputs import Inputs
from fmssim.scenario import Scenario, load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "two_pools.yaml"
TIPPING = 3
SURGE = (
    "dispatch.options.lending=[{lender: neighbourhood, pools: [response], grades: [P1, P2], "
    f"tipping_point: {TIPPING}}}]"
)
SHORT = "calendar.end=2019-01-22"
REPS = 10
RUN = {"des": des.run, "fast": fast.run}


def inputs(*sets: str) -> Inputs:
    return compile_scenario(load_scenario(SCENARIO, sets=list(sets)).scenario)


@pytest.mark.parametrize("engine", ["des", "fast"])
@pytest.mark.parametrize(
    "option",
    [
        "dispatch.options.p1_borrows_from=[neighbourhood]",
        "dispatch.options.lending=[{lender: neighbourhood, grades: [P1, P2, P3]}]",
    ],
)
def test_every_pool_idle_means_zero_wait(engine: str, option: str) -> None:
    """Response has no unit on duty, neighbourhood 200: every incident a rule covers (and
    every P3, attended by neighbourhood itself) gets a unit at its creation."""
    i = inputs(
        option,
        SHORT,
        "pools.response.roster.on_duty=0",
        "pools.neighbourhood.roster.on_duty=200",
    )
    d = draw(i, 0)
    out = RUN[engine](i, d)
    grade = np.array(i.grades.names)[d.incidents.grade]
    covered = (grade == "P1") | (grade == "P3") if "p1_borrows" in option else grade != ""
    wait = out.assigned_min - d.incidents.created_min
    assert covered.sum() > 100
    assert np.all(wait[covered] == 0.0)
    assert np.all(np.isnan(out.assigned_min[~covered]))  # P2 waits for response for ever


def queue_after(created: NDArray[np.float64], assigned: NDArray[np.float64], t: float) -> int:
    """Incidents created by ``t`` and still waiting after every allocation at ``t``."""
    return int(np.sum((created <= t) & (np.isnan(assigned) | (assigned > t))))


def units_free(
    i: Inputs, k: int, t: float, start: NDArray[np.float64], end: NDArray[np.float64]
) -> int:
    """Pool ``k``'s units on duty at ``t`` minus those held just after ``t`` (one per job)."""
    change_min, change_units = i.pools.change_min[k], i.pools.change_units[k]
    on_duty = int(change_units[np.searchsorted(change_min, t, side="right") - 1])
    return on_duty - int(np.sum((start <= t) & (end > t)))


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_surge_rule_never_fires_below_its_tipping_point(engine: str) -> None:
    i = inputs(SURGE, SHORT)
    d = draw(i, 0)
    out = RUN[engine](i, d)
    g, names = i.grades, i.pools.names
    response, neighbourhood = names.index("response"), names.index("neighbourhood")
    pool = g.pool[d.incidents.grade]
    holder = np.where(np.isnan(out.borrowed_from), pool, np.nan_to_num(out.borrowed_from))
    start = np.nan_to_num(out.assigned_min, nan=np.inf)
    end = np.nan_to_num(out.free_min, nan=np.inf)
    lent = np.flatnonzero(~np.isnan(out.borrowed_from))
    assert len(lent) > 20, "the rule is exercised"
    mine = pool == response
    for j in lent:
        t = float(out.assigned_min[j])
        assert g.names[d.incidents.grade[j]] in ("P1", "P2") and pool[j] == response
        assert out.borrowed_from[j] == neighbourhood
        queue = queue_after(d.incidents.created_min[mine], out.assigned_min[mine], t) + 1
        assert queue >= TIPPING
        own = holder == response
        assert units_free(i, response, t, start[own], end[own]) <= 0
        lender = holder == neighbourhood
        assert units_free(i, neighbourhood, t, start[lender], end[lender]) >= 0


def test_surge_rule_off_above_the_longest_queue() -> None:
    """A tipping point no queue reaches: the records are those without the rule."""
    off = inputs(SHORT)
    d = draw(off, 0)
    on = inputs(SURGE.replace(f"tipping_point: {TIPPING}", "tipping_point: 100000"), SHORT)
    assert fast.run(on, d).same_as(fast.run(off, d))


def test_surge_rule_lowers_p1_and_p2_waits() -> None:
    for grade in ("P1", "P2"):
        on = kpi_per_replication(inputs(SURGE), REPS, grade, "wait_mean_min")
        off = kpi_per_replication(inputs(), REPS, grade, "wait_mean_min")
        mean, low, high = assert_higher(off, on)
        print(f"{grade} mean wait, off − on: {mean:.2f} min, 95% [{low:.2f}, {high:.2f}]")


def test_lent_hours_are_the_lenders_busy_hours_on_other_pools_work() -> None:
    """Pool KPIs: neighbourhood's ``lent_hours`` is positive with the rule and zero without;
    response lends nothing."""
    from fmssim.experiment.replication import Task, run_replication

    def kpi(kpis: pl.DataFrame, pool: str, name: str) -> float:
        row = kpis.filter(pl.col("area") == "pools", pl.col("group") == pool, pl.col("kpi") == name)
        return float(row["value"].item())

    on = run_replication(Task(inputs(SURGE, SHORT), 0, "fast"))
    off = run_replication(Task(inputs(SHORT), 0, "fast"))
    assert kpi(on, "neighbourhood", "lent_hours") > 0.0
    assert 0.0 < kpi(on, "neighbourhood", "lent_share") < 1.0
    assert kpi(off, "neighbourhood", "lent_hours") == 0.0
    assert kpi(on, "response", "lent_hours") == 0.0


# --- lost travel ---------------------------------------------------------------------------

PERIOD, P1_AFTER, P3_TRAVEL, P1_TRAVEL = 120.0, 6.0, 24.0, 36.0


def one_unit() -> Inputs:
    """One response unit for a day; P1 takes en-route units; P1 and P3 are all travel."""
    doc = {
        "name": "lost travel",
        "calendar": {"start": "2019-01-07", "end": "2019-01-08", "warmup_days": 0},
        "demand": {"incidents": {}},
        "dispatch": {
            "grades": {"P1": {"pool": "response"}, "P3": {"pool": "response"}},
            "options": {"p1_takes_en_route_unit": True},
        },
        "pools": {"response": {"roster": {"on_duty": 1}}},
    }
    return compile_scenario(Scenario.model_validate(doc))


def periodic(i: Inputs) -> IncidentDraws:
    """Every PERIOD minutes a P3 (travel P3_TRAVEL), and a P1 (travel P1_TRAVEL) P1_AFTER
    minutes later; nothing on scene, no write-up."""
    k = int(i.grid.horizon_min // PERIOD)
    p1, p3 = i.grades.names.index("P1"), i.grades.names.index("P3")
    created = np.repeat(np.arange(k) * PERIOD, 2) + np.tile([0.0, P1_AFTER], k)
    return IncidentDraws(
        created_min=created,
        grade=np.tile([p3, p1], k).astype(np.int64),
        travel_min=np.tile([P3_TRAVEL, P1_TRAVEL], k),
        on_scene_min=np.zeros(2 * k),
        write_up_min=np.zeros(2 * k),
    )


def busy_share(i: Inputs, d: IncidentDraws, out: Outcome) -> float:
    table = incident_table(i, Draws(0, d), out)
    rosters = {"response": (i.pools.change_min[0], i.pools.change_units[0])}
    kpis = pool_kpis(table, rosters, np.array([0.0, i.grid.horizon_min]), (2019,))
    return float(kpis.filter(pl.col("kpi") == "utilisation")["value"].item())


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_lost_travel_counts_as_busy_time(engine: str) -> None:
    """One unit, two classes, all work is travel. Every PERIOD = 120 min a P3 takes the idle
    unit (journey 24 min); 6 min later a P1 arrives, takes that unit on its way (journey 36
    min, free at 42); the P3 queues again and gets the unit at 42 (journey 24, free at 66).
    The unit is busy [0, 66) of every 120 minutes: theory 66 / 120 = 0.550 exactly (the day
    holds 12 whole periods). Counting only the final assignments gives (36 + 24) / 120 =
    0.500: the 6 minutes travelled towards the P3 before the P1 took the unit are lost
    travel, kept on the P1's record (``lost_travel_min`` = 6) and counted as busy."""
    i = one_unit()
    d = periodic(i)
    out = RUN[engine](i, Draws(0, d))
    p1 = d.grade == i.grades.names.index("P1")
    assert np.all(out.lost_travel_min[p1] == P1_AFTER)
    assert np.all(np.isnan(out.lost_travel_min[~p1]))
    assert np.all(out.diverted_min[~p1] == d.created_min[~p1] + P1_AFTER)
    assert busy_share(i, d, out) == pytest.approx(0.550, abs=1e-12)
    without = Outcome(**{**out.__dict__, "lost_travel_min": np.full(len(d), np.nan)})
    assert busy_share(i, d, without) == pytest.approx(0.500, abs=1e-12)


# --- parity on random scenarios combining every option --------------------------------------


def combined_inputs(
    roster: list[int],
    priorities: list[int],
    units: list[int],
    rules: list[tuple[int, list[int], int]],
    en_route: bool,
) -> Inputs:
    """Three pools (hour-of-week rosters, shifted copies of ``roster``); P1 alone at priority
    1 in pool a, P2-P4 at ``priorities`` in pools a, b, c needing ``units``; lending rules
    (lender, grades, tipping point) lending to every other pool; P1 may take en-route units."""
    names = ["a", "b", "c"]
    grades: dict[str, dict[str, object]] = {"P1": {"priority": 1, "pool": "a"}}
    for k, (pr, u) in enumerate(zip(priorities, units, strict=True)):
        grades[f"P{k + 2}"] = {"priority": pr, "pool": names[k], "units_needed": u}
    lending = [
        {"lender": names[lender], "grades": [f"P{g + 1}" for g in gs], "tipping_point": tp}
        for lender, gs, tp in rules
    ]
    doc = {
        "name": "combined",
        "calendar": {
            "start": MONDAY.isoformat(),
            "end": (MONDAY + np.timedelta64(TIE_DAYS, "D").item()).isoformat(),
            "warmup_days": 0,
        },
        "demand": {"incidents": {}},
        "dispatch": {
            "grades": grades,
            "options": {"lending": lending, "p1_takes_en_route_unit": en_route},
        },
        "pools": {
            n: {"roster": {"hour_of_week": roster[k:] + roster[:k]}} for k, n in enumerate(names)
        },
    }
    return compile_scenario(Scenario.model_validate(doc))


rule = st.tuples(
    st.integers(0, 2), st.lists(st.integers(0, 3), min_size=1, max_size=4), st.integers(0, 3)
)


@settings(DETERMINISTIC, max_examples=300)
@given(
    roster=st.lists(st.integers(0, 3), min_size=168, max_size=168),
    priorities=st.lists(st.integers(2, 3), min_size=3, max_size=3),
    units=st.lists(st.integers(1, 2), min_size=3, max_size=3),
    rules=st.lists(rule, max_size=3),
    en_route=st.booleans(),
    rows=st.lists(incident, max_size=120),
)
def test_exact_ties_combined(
    roster: list[int],
    priorities: list[int],
    units: list[int],
    rules: list[tuple[int, list[int], int]],
    en_route: bool,
    rows: list[tuple[int, int, float, float, float]],
) -> None:
    """Whole-minute arrivals (often on the hour) and jobs (often zero): crews, lending rules
    with tipping points and en-route diversions together give the same records in both
    engines, ties included."""
    inputs = combined_inputs(roster, priorities, units, rules, en_route)
    assert_parity(inputs, Draws(0, tie_draws(rows)))


@pytest.mark.parametrize("seed", range(5))
def test_exact_ties_busy_combined(seed: int) -> None:
    """Busy pools on a 10-minute grid, journeys often under way when a P1 arrives, a surge
    rule with a tipping point and nearest resource for P1: identical records."""
    rng = np.random.default_rng(seed)
    roster = [int(x) for x in rng.integers(1, 5, 168)]
    rules = [(1, [0], 0), (2, [0, 1, 2], 2), (0, [3], 1)]
    inputs = combined_inputs(roster, [2, 3, 3], [1, 2, 1], rules, en_route=True)
    n = 400
    created = np.sort(rng.integers(0, TIE_DAYS * 144, n) * 10.0)
    travel = rng.choice([0.0, 10.0, 30.0, 60.0], n)
    jobs = rng.choice([0.0, 20.0, 60.0, 120.0], n), rng.choice([0.0, 0.0, 30.0], n)
    d = IncidentDraws(created, rng.integers(0, 4, n), travel, *jobs)
    assert_parity(inputs, Draws(0, d))
    out = fast.run(inputs, Draws(0, d))
    assert np.sum(~np.isnan(out.borrowed_from)) >= 5
    assert np.sum(~np.isnan(out.diverted_min)) >= 1
