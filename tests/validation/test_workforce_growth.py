"""Establishment growth, rotating postings, tenure classes, force-wide tutors and the driving
course: laws of the officer pipeline, and the reference force's uplift.

* Stock and flow close every month for every department and for the force on random plans
  with growth, transfers, postings and tenure, in both modes (exact, no interval needed).
* Expected mode with tenure classes (new officers by month since their programme, then
  experienced officers who also retire) is the Markov manpower chain n(t+1) = n(t) P + R r,
  to rounding error.
* Direction (expected mode, exact): more driving-course places never delay independence; with
  no capacity lost to tutoring, more tutors never lower effective strength.
* The shipped uplift (expected mode) reproduces the force's officer FTE at 31 March
  2021/2022/2023 (officers_fte) within 2% and the tutor peak (tutors_peak, about 360) within
  10%; the intake stays within the recruitment capacity.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_workforce_invariants import DETERMINISTIC, assert_closes
from test_workforce_theory import chain, phase_totals
from workforce_plans import constant_intake, plan, route

from fmssim.analytics.manpower import markov_step
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario
from fmssim.workforce import Plan, Stochastic, run_pipeline
from fmssim.workforce.plan import (
    DRIVING,
    INDEPENDENT,
    TRAINING,
    TUTORED,
    Cohort,
    Growth,
    Route,
    Tenure,
    per_step,
)

UPLIFT = Path(__file__).parents[2] / "scenarios" / "uplift_2020_2024.yaml"


def driving_route(train: int, tutored: int, course: int, independent: int, leave: float) -> Route:
    return Route(
        (TRAINING, TUTORED, DRIVING, INDEPENDENT),
        (train, tutored, course, independent),
        (0.0, 0.0, 0.0, 0.8),
        leave,
    )


def rotating(r: Route, rows: list[list[float]]) -> Route:
    """``r`` with postings: row i holds for step i of programme time."""
    return Route(r.kinds, r.steps, r.capacity_share, r.leave_per_step, np.array(rows))


@st.composite
def growth_plans(draw: st.DrawFn) -> Plan:
    steps = draw(st.integers(2, 30))
    lengths = [draw(st.integers(0, 2)), draw(st.integers(0, 3)), 1, draw(st.integers(1, 4))]
    base = driving_route(*lengths, leave=draw(st.sampled_from([0.0, 0.02])))
    months = sum(lengths)
    rows = [draw(st.sampled_from([[1.0, 0.0, 0.0], [0.2, 0.5, 0.3], [0.0, 0.0, 1.0]]))]
    for _ in range(months - 1):
        rows.append(draw(st.sampled_from([rows[-1], [0.5, 0.5, 0.0], [0.0, 0.4, 0.6]])))
    growth_per_step = draw(st.lists(st.integers(-2, 6), min_size=3, max_size=3))
    start = np.array([draw(st.integers(20, 80)) for _ in range(3)], dtype=float)
    target = start + np.outer(np.arange(1, steps + 1), growth_per_step)
    growth = Growth(
        target=np.maximum(target, 0.0),
        capacity=np.full(steps, float(draw(st.integers(0, 12)))),
        route_share=np.array([1.0]),
        first_step=0,
        transfer_share=np.array([0.0, draw(st.sampled_from([0.0, 0.2])), 0.1]),
    )
    k = draw(st.integers(0, 3))
    tenure = Tenure(k, per_step(0.05), np.array([0.0, 3.0, 1.0]) if k else np.zeros(3),
                    np.full(3, per_step(0.03)))  # fmt: skip
    return plan(
        [rotating(base, rows)],
        [Cohort(-3, 0, 1, 5.0), Cohort(-1, 0, 0, 4.0)],  # in the programme at the start
        steps,
        experienced=list(start),
        leave=[per_step(0.1)] * 3,
        per_tutor=[1, 2, 1],
        max_share=[0.05, 0.1, 0.0],
        tenure=tenure,
        growth=growth,
        force_tutors=draw(st.booleans()),
        driving_places=np.full(steps, float(draw(st.integers(0, 5)))),
    )


@DETERMINISTIC
@given(growth_plans(), st.integers(0, 3))
def test_stock_and_flow_close_with_growth_postings_and_transfers(p: Plan, seed: int) -> None:
    for m in (run_pipeline(p), run_pipeline(p, Stochastic(np.random.default_rng(seed)))):
        assert_closes(m)
        assert p.growth is not None
        assert np.all(m["joiners"].sum(axis=1) <= p.growth.capacity + 1e-9)


def test_expected_mode_with_tenure_classes_is_a_markov_manpower_chain() -> None:
    """States: [experienced, route ages..., new officers by month]; a student finishing
    becomes a new officer, who becomes experienced after K months; experienced officers
    retire and leave (survival (1 − retire)(1 − leave))."""
    steps, k = 60, 5
    routes = [route(2, 3, 4, leave=per_step(0.06)), route(1, 2, 3, leave=per_step(0.10))]
    intake = (14.0, 6.0)
    leave_e, retire, leave_new = per_step(0.08), per_step(0.03), per_step(0.04)
    p, states = chain(routes, 0.0)
    size = p.shape[0]
    full = np.zeros((size + k, size + k))
    full[:size, :size] = p
    full[0, 0] = (1.0 - retire) * (1.0 - leave_e)
    for idx in states:  # a finishing student becomes a new officer of month 0
        full[idx[-1], size] = full[idx[-1], 0]
        full[idx[-1], 0] = 0.0
    for a in range(k):
        full[size + a, size + a + 1 if a + 1 < k else 0] = 1.0 - leave_new
    recruits = np.zeros(size + k)
    for idx, n in zip(states, intake, strict=True):
        recruits[idx[0]] = n
    new_start = 10.0
    tenure = Tenure(k, leave_new, np.array([new_start]), np.array([retire]))
    monthly = run_pipeline(
        plan(routes, constant_intake(steps, intake), steps, leave=[leave_e], tenure=tenure)
    )
    stock = recruits.copy()
    stock[0] = 500.0
    stock[size:] = new_start / k
    for t in range(steps):
        got = [monthly[c][t, 0] for c in ("in_training", "tutored", "independent")]
        np.testing.assert_allclose(got, phase_totals(stock[:size], routes, states), rtol=1e-12)
        np.testing.assert_allclose(monthly["experienced_fte"][t, 0], stock[0], rtol=1e-12)
        np.testing.assert_allclose(monthly["new_fte"][t, 0], stock[size:].sum(), rtol=1e-12)
        stock = markov_step(stock, full, recruits)


def independence_reached(m: object) -> np.ndarray:
    """Students who have reached independent patrol by each step (no one leaves)."""
    monthly = m  # a Monthly
    done = np.concatenate(([0.0], np.cumsum(monthly["completed"].sum(axis=1))[:-1]))  # type: ignore[index]
    return monthly["independent"].sum(axis=1) + done  # type: ignore[index, no-any-return]


@pytest.mark.parametrize("per_step_intake", [6.0, 14.0])
def test_more_driving_places_never_delay_independence(per_step_intake: float) -> None:
    steps = 48
    routes = [driving_route(2, 2, 1, 8, 0.0), driving_route(1, 3, 2, 6, 0.0)]
    cohorts = constant_intake(steps, (per_step_intake, per_step_intake / 2))
    reached = []
    for places in (2.0, 5.0, 9.0, 14.0, 40.0):
        p = plan(routes, cohorts, steps, driving_places=np.full(steps, places), max_share=[1.0])
        reached.append(independence_reached(run_pipeline(p)))
    for fewer, more in itertools.pairwise(reached):
        assert np.all(more >= fewer - 1e-9)
    assert np.any(reached[-1] > reached[0] + 1e-9)


@pytest.mark.parametrize("force", [False, True])
def test_more_tutors_never_lower_effective_strength_when_tutoring_costs_nothing(
    force: bool,
) -> None:
    """With ``tutor_capacity_share`` 1 a tutor with a student is worth an officer, so more
    tutors only move students on sooner. (With a cost, more tutors lower effective strength
    while they tutor: DESIGN's "tutoring more students costs capacity in the short run".)"""
    steps = 48
    routes = [driving_route(2, 3, 1, 8, 0.0)]
    cohorts = constant_intake(steps, (12.0,))
    runs = []
    for share in (0.0, 0.02, 0.05, 0.1, 0.3):
        p = plan(routes, cohorts, steps, experienced=[300.0, 200.0], leave=[0.0, 0.0],
                 per_tutor=[1, 1], max_share=[share, share / 2], tutor_capacity=1.0,
                 force_tutors=force, driving_places=np.full(steps, 100.0))  # fmt: skip
        runs.append(run_pipeline(p)["effective_fte"].sum(axis=1))
    for fewer, more in itertools.pairwise(runs):
        assert np.all(more >= fewer - 1e-9)
    assert np.any(runs[-1] > runs[0] + 1e-9)


# --- the reference force's uplift ---------------------------------------------------------


def uplift(variant: str | None = None):  # type: ignore[no-untyped-def]
    loaded = load_scenario(UPLIFT, variant)
    workforce = compile_scenario(loaded.scenario).workforce
    assert workforce is not None and workforce.expected is not None
    return workforce, workforce.expected


def test_uplift_reproduces_the_force_officer_fte_and_tutor_peak() -> None:
    workforce, m = uplift()
    officers = m.officers().sum(axis=1)
    for month, stated in (("2021-03", 7122), ("2022-03", 7612), ("2023-03", 7901)):
        got = officers[workforce.month_labels.index(month)]
        print(f"officer FTE {month}: {got:,.0f} (officers_fte {stated:,})")
        assert abs(got / stated - 1.0) <= 0.02
    peak = m["tutors_in_use"].sum(axis=1).max()
    print(f"tutor peak {peak:.0f} (tutors_peak 360)")
    assert abs(peak / 360.0 - 1.0) <= 0.10
    growth = workforce.plan.growth
    assert growth is not None
    assert np.all(m["joiners"].sum(axis=1) <= growth.capacity + 1e-9)


def test_no_uplift_only_replaces_leavers() -> None:
    _workforce, m = uplift("no_uplift")
    officers = m.officers().sum(axis=1)
    np.testing.assert_allclose(officers[1:], officers[0], rtol=0.01)
