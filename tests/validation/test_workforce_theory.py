"""The officer pipeline against theory: Markov manpower, Mt/G/∞ and Erlang B.

* Expected mode with tutors never short is a linear Markov manpower model: step by step it
  equals n(t+1) = n(t) P + R r with P built here from the routes (ages as states), and it
  converges to n* = R r (I − P)⁻¹ — to rounding error, no interval needed.
* Students in the tutored phase are Mt/G/∞ (Eick–Massey–Whitt): exactly so in expected mode,
  and in stochastic mode the mean over replications holds the formula inside its 99% interval.
* Tutor slots with overflow are a loss system: the share of students finding no tutor is
  Erlang B, whatever the tutoring-time distribution with the same mean. A month is too coarse
  for a continuous-time law, so the same pipeline runs with fine steps (mean tutoring time 30
  steps, Poisson intake per step); the discretisation biases the share by about −0.005
  (measured at 30 steps), inside the 99% interval across replications. The same law is also
  checked through the scenario format (``scenarios/validation/workforce_erlang_b.yaml``:
  ``steps_per_month``, fractional phase months, ``poisson`` intake).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from workforce_plans import constant_intake, plan, route

from fmssim.analytics.manpower import markov_steady_state, markov_step, mt_g_inf_mean
from fmssim.analytics.theory import erlang_b
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario
from fmssim.workforce import Stochastic, run_pipeline
from fmssim.workforce.plan import TUTORED, Cohort, Route, per_step

LEVEL = 0.99


def chain(routes: list[Route], leave_experienced: float) -> tuple[np.ndarray, list[list[int]]]:
    """P over states [experienced, route 0 ages..., route 1 ages...]; each route's state
    indices. A student of age a moves to a + 1 (or, at the end, to experienced) if they stay."""
    sizes = [sum(r.steps) for r in routes]
    n = 1 + sum(sizes)
    p = np.zeros((n, n))
    p[0, 0] = 1.0 - leave_experienced
    states, first = [], 1
    for r, size in zip(routes, sizes, strict=True):
        idx = list(range(first, first + size))
        for a, s in enumerate(idx):
            p[s, idx[a + 1] if a + 1 < size else 0] = 1.0 - r.leave_per_step
        states.append(idx)
        first += size
    return p, states


def phase_totals(stock: np.ndarray, routes: list[Route], states: list[list[int]]) -> np.ndarray:
    """Students in training, tutored and independent from a state vector."""
    out = np.zeros(3)
    for r, idx in zip(routes, states, strict=True):
        ages = np.repeat(np.arange(3), r.steps)
        out += np.bincount(ages, weights=stock[idx], minlength=3)
    return out


ROUTES = [route(2, 3, 4, leave=per_step(0.06)), route(1, 2, 3, leave=per_step(0.10))]
INTAKE = (14.0, 6.0)
LEAVE_E = per_step(0.10)


def test_expected_mode_is_a_markov_manpower_chain() -> None:
    steps = 60
    p, states = chain(ROUTES, LEAVE_E)
    recruits = np.zeros(p.shape[0])
    for idx, n in zip(states, INTAKE, strict=True):
        recruits[idx[0]] = n
    monthly = run_pipeline(plan(ROUTES, constant_intake(steps, INTAKE), steps, leave=[LEAVE_E]))
    stock = recruits.copy()
    stock[0] = 500.0
    for t in range(steps):
        got = [monthly[c][t, 0] for c in ("in_training", "tutored", "independent")]
        np.testing.assert_allclose(got, phase_totals(stock, ROUTES, states), rtol=1e-12)
        np.testing.assert_allclose(monthly["experienced_fte"][t, 0], stock[0], rtol=1e-12)
        stock = markov_step(stock, p, recruits)


def test_expected_mode_reaches_the_manpower_steady_state() -> None:
    steps = 3000  # (1 − q)^3000 ≈ 1e-11 of the start is left
    p, states = chain(ROUTES, LEAVE_E)
    recruits = np.zeros(p.shape[0])
    for idx, n in zip(states, INTAKE, strict=True):
        recruits[idx[0]] = n
    steady = markov_steady_state(p, recruits)
    monthly = run_pipeline(plan(ROUTES, constant_intake(steps, INTAKE), steps, leave=[LEAVE_E]))
    last = [monthly[c][-1, 0] for c in ("in_training", "tutored", "independent")]
    np.testing.assert_allclose(last, phase_totals(steady, ROUTES, states), rtol=1e-9)
    np.testing.assert_allclose(monthly["experienced_fte"][-1, 0], steady[0], rtol=1e-9)
    print(
        f"steady state: experienced {steady[0]:.4f} (pipeline "
        f"{monthly['experienced_fte'][-1, 0]:.4f}), students by phase "
        f"{np.round(phase_totals(steady, ROUTES, states), 4).tolist()} (pipeline "
        f"{np.round(last, 4).tolist()})"
    )


# --- Mt/G/∞: students in the tutored phase under a seasonal intake ---------------------------

MIX_ROUTES = [
    route(2, 1, 3, leave=per_step(0.2)),
    route(2, 3, 3, leave=per_step(0.2)),
    route(2, 8, 3, leave=per_step(0.2)),
]
MIX = (0.5, 0.3, 0.2)
STEPS = 48


def seasonal_cohorts() -> list[Cohort]:
    """Whole students per route and step: 40 ± 30 a step over a yearly cycle."""
    rate = 40.0 + 30.0 * np.sin(2.0 * np.pi * np.arange(STEPS) / 12.0)
    return [
        Cohort(t, r, 0, float(np.rint(rate[t] * share)))
        for t in range(STEPS)
        for r, share in enumerate(MIX)
    ]


def mt_g_inf_tutored(cohorts: list[Cohort]) -> np.ndarray:
    """Σ over routes of Σ_j λ_r(t − j) P(S_r > j): entries into the tutored phase are the
    route's intake two steps earlier times the chance to stay through training; S_r is the
    phase length cut by geometric leaving."""
    total = np.zeros(STEPS)
    for r, rt in enumerate(MIX_ROUTES):
        stay = 1.0 - rt.leave_per_step
        intake = np.zeros(STEPS)
        for c in cohorts:
            if c.route == r:
                intake[c.step] += c.officers
        train = rt.steps[0]
        entries = np.concatenate((np.zeros(train), intake[: STEPS - train])) * stay**train
        survival = stay ** np.arange(rt.steps[1])
        total += mt_g_inf_mean(entries, survival)
    return total


def test_tutored_students_follow_mt_g_infinity_exactly_in_expected_mode() -> None:
    cohorts = seasonal_cohorts()
    monthly = run_pipeline(plan(MIX_ROUTES, cohorts, STEPS))
    np.testing.assert_allclose(monthly["tutored"][:, 0], mt_g_inf_tutored(cohorts), rtol=1e-12)


def test_tutored_students_follow_mt_g_infinity_on_average_in_stochastic_mode() -> None:
    cohorts = seasonal_cohorts()
    reps = 200
    runs = np.array(
        [
            run_pipeline(
                plan(MIX_ROUTES, cohorts, STEPS), Stochastic(np.random.default_rng([7, rep]))
            )["tutored"][:, 0]
            for rep in range(reps)
        ]
    )
    expected = mt_g_inf_tutored(cohorts)
    half = stats.t.ppf(0.5 + LEVEL / 2, reps - 1) * runs.std(axis=0, ddof=1) / np.sqrt(reps)
    for t in (3, 9, 20, 35, 47):
        mean = runs[:, t].mean()
        print(
            f"step {t}: Mt/G/inf {expected[t]:.3f}, 99% interval "
            f"[{mean - half[t]:.3f}, {mean + half[t]:.3f}]"
        )
        assert abs(mean - expected[t]) <= half[t], (t, mean, expected[t])
    assert np.all(runs == np.rint(runs)), "stochastic mode counts whole students"


# --- Erlang B: tutor slots as a loss system ------------------------------------------------

SLOTS, LOAD, MEAN_STEPS = 3, 3.0, 30
ERLANG_STEPS, ERLANG_WARMUP, ERLANG_REPS = 25_000, 500, 8


def loss_share(lengths: list[int], rep: int) -> float:
    """Share of students finding every slot taken, in one replication with Poisson intake."""
    rng = np.random.default_rng([2024, rep, len(lengths)])
    rate = LOAD / MEAN_STEPS / len(lengths)
    cohorts = [
        Cohort(t, r, 1, float(n))
        for t in range(ERLANG_STEPS)
        for r, n in enumerate(rng.poisson(rate, len(lengths)))
        if n > 0
    ]
    routes = [Route((TUTORED,), (length,), (0.0,), 0.0) for length in lengths]
    # d0 hosts the PDU (100 officers × 0.03 = 3 tutors of one student); students are posted
    # to d1, so finishing students never add tutors
    pdu = plan(
        routes,
        cohorts,
        ERLANG_STEPS,
        experienced=[100.0, 0.0],
        leave=[0.0, 0.0],
        per_tutor=[1, 1],
        max_share=[0.03, 0.0],
        host=[0, 0],
        overflow=True,
    )
    monthly = run_pipeline(pdu, Stochastic(rng))
    lost = monthly["overflowed"][ERLANG_WARMUP:, 0].sum()
    return float(lost / monthly["needing_tutor"][ERLANG_WARMUP:, 0].sum())


@pytest.mark.parametrize(
    "lengths",
    [[MEAN_STEPS], [6, 54], [10, 20, 30, 40, 50]],
    ids=["fixed", "two-point", "five-point"],
)
def test_share_finding_no_tutor_is_erlang_b(lengths: list[int]) -> None:
    assert np.mean(lengths) == MEAN_STEPS
    shares = np.array([loss_share(lengths, rep) for rep in range(ERLANG_REPS)])
    half = stats.t.ppf(0.5 + LEVEL / 2, ERLANG_REPS - 1) * shares.std(ddof=1) / np.sqrt(ERLANG_REPS)
    target = erlang_b(SLOTS, LOAD)
    low, high = shares.mean() - half, shares.mean() + half
    print(f"{lengths}: Erlang B {target:.4f}, 99% interval [{low:.4f}, {high:.4f}]")
    assert abs(shares.mean() - target) <= half, (shares.mean(), half, target)


# --- the same law written in the scenario format -------------------------------------------

ERLANG_SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "workforce_erlang_b.yaml"
FORMAT_REPS, FORMAT_WARMUP = 6, 300


@pytest.mark.parametrize("variant", [None, "two_point"], ids=["fixed", "two-point"])
def test_share_finding_no_tutor_is_erlang_b_in_the_scenario_format(variant: str | None) -> None:
    """Poisson intake (`poisson: true`) and phase lengths not tied to whole months
    (`steps_per_month: 30`, a tutored phase of 0.2 or 1.8 months) are expressible in a
    scenario, and the compiled pipeline's loss share is Erlang B(3, 3) inside its 99%
    interval, for both tutoring-time distributions (insensitivity)."""
    workforce = compile_scenario(load_scenario(ERLANG_SCENARIO, variant).scenario).workforce
    assert workforce is not None
    p = workforce.plan
    assert sorted(s for r in p.routes for s in r.steps) == [6, 30, 54]
    assert all(c.poisson for c in p.cohorts)
    shares = []
    for rep in range(FORMAT_REPS):
        monthly = run_pipeline(p, Stochastic(np.random.default_rng([2024, rep])))
        lost = monthly["overflowed"][FORMAT_WARMUP:, 0].sum()
        shares.append(lost / monthly["needing_tutor"][FORMAT_WARMUP:, 0].sum())
    values = np.array(shares)
    half = stats.t.ppf(0.5 + LEVEL / 2, FORMAT_REPS - 1) * values.std(ddof=1) / np.sqrt(FORMAT_REPS)
    target = erlang_b(SLOTS, LOAD)
    print(f"{variant or 'fixed'}: Erlang B {target:.4f}, 99% interval "
          f"[{values.mean() - half:.4f}, {values.mean() + half:.4f}]")  # fmt: skip
    assert abs(values.mean() - target) <= half, (values.mean(), half, target)
