"""Engine parity for investigations: both engines give identical case records.

Random small scenarios (hypothesis) with every part switched on — several departments and
crime types, caps, risk levels (with their own effort), screening, floors, outside stages
(limited and unlimited servers), major incidents, backlogs, any effort distribution and a
work rate that steps in time (as the workforce model will make it) — often with creation
times snapped to a grid so that arrivals, completions, floors and rate changes coincide;
then hand-built cases where events tie exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fmssim.engine.des.investigation import run_cases as des_cases
from fmssim.engine.fast.investigation import run_cases as fast_cases
from fmssim.model.case_draws import CaseDraws, draw_cases
from fmssim.model.compile import compile_scenario
from fmssim.model.inputs import Inputs
from fmssim.scenario import Scenario

DETERMINISTIC = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
START = dt.date(2019, 1, 7)
DAYS = 30


def assert_case_parity(inputs: Inputs, draws: CaseDraws) -> None:
    reference, result = des_cases(inputs, draws), fast_cases(inputs, draws)
    assert reference.same_as(result), reference.first_difference(result)


@st.composite
def efforts(draw: st.DrawFn) -> dict[str, Any]:
    """Any distribution in days, often zero or whole days (so completions coincide)."""
    kind = draw(st.sampled_from(["zero", "fixed", "exponential", "lognormal", "gamma", "emp"]))
    mean = draw(st.floats(0.05, 5.0))
    if kind == "zero":
        return {"kind": "fixed", "value": 0.0}
    if kind == "fixed":
        return {"kind": "fixed", "value": draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, mean]))}
    if kind in ("lognormal", "gamma"):
        return {"kind": kind, "mean": mean, "cv": draw(st.floats(0.1, 2.0))}
    if kind == "exponential":
        return {"kind": "exponential", "mean": mean}
    values = draw(st.lists(st.integers(0, 4).map(float), min_size=1, max_size=3))
    return {"kind": "empirical", "values": values}


@st.composite
def stage_times(draw: st.DrawFn) -> dict[str, Any]:
    """A stage's time in days: continuous, or whole days (so stage ends coincide)."""
    kind = draw(st.sampled_from(["fixed", "exponential", "lognormal"]))
    mean = draw(st.floats(0.05, 5.0))
    if kind == "fixed":
        return {"kind": "fixed", "value": draw(st.sampled_from([0.5, 1.0, 2.0, mean]))}
    if kind == "lognormal":
        return {"kind": kind, "mean": mean, "cv": draw(st.floats(0.1, 2.0))}
    return {"kind": "exponential", "mean": mean}


@st.composite
def departments(draw: st.DrawFn, name: str) -> dict[str, Any]:
    dept: dict[str, Any] = {
        "investigators_fte": draw(st.sampled_from([0.4, 1.0, 2.0, 3.5, 6.0])),
        "availability": draw(st.sampled_from([1.0, 0.8])),
        "caseload_cap": draw(st.integers(1, 4)),
    }
    if draw(st.booleans()):
        dept["min_elapsed_days"] = draw(efforts())
    if draw(st.booleans()):
        dept["stages"] = {
            f"s{k}": {
                "servers": draw(st.sampled_from([None, 1, 2, 5])),
                "days": draw(stage_times()),
            }
            for k in range(draw(st.integers(1, 3)))
        }
    if draw(st.booleans()):
        dept["classes"] = draw(
            st.sampled_from(
                [{"pip2": 0.5, "staff": 0.5}, {"pip2": 0.3, "staff": 0.5, "student": 0.2}]
            )
        )
    if draw(st.booleans()):
        dept["major_incidents"] = {
            "per_year": draw(st.sampled_from([5.0, 30.0, 100.0])),
            "team_fte": draw(st.sampled_from([0.2, 1.0, 3.0])),
            "weeks": draw(stage_times()),
        }
    if draw(st.booleans()):
        dept["backlog"] = {
            "open_cases": draw(st.integers(0, 30)),
            "age_days": draw(efforts()),
            "remaining_days": draw(efforts()),
        }
    return dept


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """One to three departments fed by one to three crime types, a month long."""
    names = [f"d{k}" for k in range(draw(st.integers(1, 3)))]
    depts = {n: draw(departments(n)) for n in names}
    crimes = {}
    for k in range(draw(st.integers(1, 3))):
        crime: dict[str, Any] = {
            "annual_volume": draw(st.sampled_from([100.0, 500.0, 2000.0])),
            "department": draw(st.sampled_from(names)),
            "duration_days": draw(efforts()),
            "screened_out_share": draw(st.sampled_from([0.0, 0.0, 0.3])),
        }
        if draw(st.booleans()):
            crime["risk_levels"] = {"high": 0.3, "standard": 0.7}
            if draw(st.booleans()):
                crime["risk_effort"] = {"high": 2.5}
        dept = depts[crime["department"]]
        if dept.get("classes") and draw(st.booleans()):
            classes = list(dept["classes"])
            rule = dept.setdefault("eligibility", {}).setdefault(f"c{k}", {})
            rule["all"] = draw(st.lists(st.sampled_from(classes), min_size=1, unique=True))
            if "risk_levels" in crime:
                rule["high"] = [classes[0]]
        stages = dept.get("stages", {})
        crime["stages"] = {g: draw(st.sampled_from([0.0, 0.4, 1.0])) for g in stages}
        crimes[f"c{k}"] = crime
    doc = {
        "name": "random",
        "calendar": {
            "start": START.isoformat(),
            "end": (START + dt.timedelta(days=DAYS)).isoformat(),
            "warmup_days": 0,
        },
        "demand": {"crimes": crimes},
        "dispatch": {"grades": {}},
        "investigations": {"departments": depts},
        "experiment": {"seed": draw(st.integers(0, 2**32))},
    }
    return Scenario.model_validate(doc)


def snapped(draws: CaseDraws, step: float) -> CaseDraws:
    """Creation times floored to multiples of ``step`` minutes: many simultaneous events."""
    return replace(draws, created_min=np.floor(draws.created_min / step) * step)


def stepped(inputs: Inputs, times: list[float], factors: list[float]) -> Inputs:
    """Every department's work rate follows the step function (times, factors)."""
    inv = inputs.investigations
    assert inv is not None
    t, f = np.array([0.0, *times]), np.array([1.0, *factors])
    for d in range(len(inv.names)):
        inv = inv.with_rate_steps(d, t, f)
    return replace(inputs, investigations=inv)


@settings(DETERMINISTIC, max_examples=200)
@given(
    scenario=scenarios(),
    rep=st.integers(0, 3),
    step=st.sampled_from([None, 60.0, 720.0, 1440.0]),
    rate_steps=st.lists(
        st.tuples(
            st.integers(1, DAYS * 2).map(lambda h: h * 720.0), st.sampled_from([0.0, 0.5, 1.5])
        ),
        max_size=3,
        unique_by=lambda x: x[0],
    ),
)
def test_random_investigation_scenarios(
    scenario: Scenario, rep: int, step: float | None, rate_steps: list[tuple[float, float]]
) -> None:
    inputs = compile_scenario(scenario)
    rate_steps = sorted(rate_steps)
    inputs = stepped(inputs, [t for t, _ in rate_steps], [f for _, f in rate_steps])
    draws = draw_cases(inputs, rep)
    assert draws is not None
    assert_case_parity(inputs, draws if step is None else snapped(draws, step))


# --- exact ties -----------------------------------------------------------------------------


def tie_inputs(n_inv: float, cap: int, floor: bool = False) -> Inputs:
    """One department; the draws are hand-built, so volumes and efforts here are unused."""
    dept: dict[str, Any] = {"investigators_fte": n_inv, "caseload_cap": cap}
    if floor:
        dept["min_elapsed_days"] = {"kind": "fixed", "value": 1.0}
    doc = {
        "name": "ties",
        "calendar": {"start": START.isoformat(), "end": "2019-01-17", "warmup_days": 0},
        "demand": {
            "crimes": {
                "c": {
                    "annual_volume": 1.0,
                    "department": "d",
                    "duration_days": {"kind": "fixed", "value": 1.0},
                }
            }
        },
        "dispatch": {"grades": {}},
        "investigations": {"departments": {"d": dept}},
    }
    return compile_scenario(Scenario.model_validate(doc))


def tie_draws(rows: list[tuple[float, int, float, float]]) -> CaseDraws:
    """(created, risk, effort, floor) per case, in id order."""
    a = np.array(rows, dtype=np.float64).reshape(-1, 4)
    n = len(a)
    return CaseDraws(
        created_min=a[:, 0],
        department=np.zeros(n, np.int64),
        ctype=np.zeros(n, np.int64),
        risk=a[:, 1].astype(np.int64),
        effort_min=a[:, 2],
        floor_min=a[:, 3],
        screened=np.zeros(n, np.bool_),
        source=np.ones(n, np.int64),
        stages=np.zeros(n, np.int64),
        stage_min=np.zeros((n, 0)),
    )


def test_ties_simultaneous_completions_and_arrivals() -> None:
    """Two cases finish together on one investigator at the instant two more arrive."""
    inputs = tie_inputs(1.0, 2)
    draws = tie_draws([(0, 0, 60, 0), (0, 0, 60, 0), (120, 1, 30, 0), (120, 0, 30, 0)])
    assert_case_parity(inputs, draws)
    out = fast_cases(inputs, draws)
    assert list(out.worked_min[:2]) == [120.0, 120.0]
    assert list(out.allocated_min[2:]) == [120.0, 120.0]


def test_ties_zero_effort_frees_the_slot_at_once() -> None:
    """A zero-effort case is worked and finalised at its allocation, and the case behind it
    takes its slot at the same instant."""
    inputs = tie_inputs(1.0, 1)
    draws = tie_draws([(0, 0, 0, 0), (0, 0, 50, 0), (0, 0, 0, 0)])
    assert_case_parity(inputs, draws)
    out = fast_cases(inputs, draws)
    assert list(out.finalised_min) == [0.0, 50.0, 50.0]


def test_ties_floor_ends_when_work_ends() -> None:
    """Floors (1 day) ending exactly when the work completes, and a floor holding the slot."""
    inputs = tie_inputs(1.0, 1, floor=True)
    draws = tie_draws([(0, 0, 1440, 1440), (0, 0, 10, 2880), (0, 1, 5, 0)])
    assert_case_parity(inputs, draws)
    out = fast_cases(inputs, draws)
    assert list(out.finalised_min) == [1440.0, 2880.0, 2885.0]
    assert list(out.worked_min) == [1440.0, 1450.0, 2885.0]


def test_ties_rate_change_at_a_completion() -> None:
    """The rate halves exactly when a case completes, and stops (0) at another instant."""
    inputs = stepped(tie_inputs(2.0, 2), [120.0, 300.0, 400.0], [0.5, 0.0, 1.0])
    draws = tie_draws([(0, 0, 60, 0), (0, 0, 120, 0), (0, 0, 240, 0), (120, 0, 30, 0)])
    assert_case_parity(inputs, draws)


def test_ties_most_urgent_first_then_oldest() -> None:
    """One slot; four cases arrive together: taken by risk rank, then id."""
    inputs = tie_inputs(1.0, 1)
    draws = tie_draws([(0, 2, 10, 0), (0, 1, 10, 0), (0, 1, 10, 0), (0, 0, 10, 0)])
    assert_case_parity(inputs, draws)
    out = fast_cases(inputs, draws)
    assert list(out.allocated_min) == [30.0, 10.0, 20.0, 0.0]
