"""Invariants and direction laws of the officer pipeline, and of its effect on dispatch.

* Stock and flow close every month for every department, in both modes: experienced
  officers next month = this month − experienced leavers + completions; students next month
  = this month − student leavers − completions + next month's joiners.
* The tutor queue is work-conserving: students wait only when every slot is taken.
* Direction: more students per tutor abstracts fewer tutors; a larger intake lowers
  effective strength while it is tutored and raises it once independent; more effective
  officers never lower P1 attainment (simulated, paired, common random numbers).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paired_laws import assert_higher, kpi_per_replication
from polars.testing import assert_frame_equal
from workforce_plans import constant_intake, plan, route

from fmssim.experiment import run_experiment
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario
from fmssim.workforce import Monthly, Plan, Stochastic, run_pipeline
from fmssim.workforce.plan import Cohort, per_step

SCENARIOS = Path(__file__).parents[2] / "scenarios"
SMALL = SCENARIOS / "validation" / "workforce_pdu.yaml"
UPLIFT = SCENARIOS / "uplift_2020_2024.yaml"
DETERMINISTIC = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)


def assert_closes(m: Monthly) -> None:
    """Stock and flow close every month for every department and for the force: officers
    next month = this month − leavers + officers posted at the end of their programme +
    transfers in − transfers out; students next month = this month − leavers − completions
    + rotations in − rotations out + next month's joiners. Postings, transfers and
    rotations move people between departments and never create or lose them."""
    permanent = m["experienced_fte"] + m["new_fte"]
    np.testing.assert_allclose(
        permanent[1:],
        permanent[:-1]
        - m["experienced_leavers"][:-1]
        - m["new_leavers"][:-1]
        + m["posted"][:-1]
        + m["transfers_in"][:-1]
        - m["transfers_out"][:-1],
        atol=1e-9,
    )
    s = m["students"]
    np.testing.assert_allclose(
        s[1:],
        s[:-1]
        - m["student_leavers"][:-1]
        - m["completed"][:-1]
        + m["rotated_in"][:-1]
        - m["rotated_out"][:-1]
        + m["joiners"][1:],
        atol=1e-9,
    )
    for into, out_of in (("posted", "completed"), ("transfers_in", "transfers_out"),
                         ("rotated_in", "rotated_out")):  # fmt: skip
        np.testing.assert_allclose(m[into].sum(axis=1), m[out_of].sum(axis=1), atol=1e-9)
    officers = m.officers().sum(axis=1)
    np.testing.assert_allclose(
        officers[1:],
        officers[:-1] - m["leavers"][:-1].sum(axis=1) + m["joiners"][1:].sum(axis=1),
        atol=1e-9,
    )
    # waiting students count at their PDU (department tutors), the rest where posted
    phases = m["in_training"] + m["tutored"] + m["on_driving_course"] + m["independent"]
    waiting = m["students_waiting_for_tutor"] + m["students_waiting_for_driving"]
    np.testing.assert_allclose(s.sum(axis=1), (phases + waiting).sum(axis=1), atol=1e-9)
    assert np.all(m["tutors_in_use"] <= permanent + 1e-9)
    for column in ("students_waiting_for_tutor", "leavers", "effective_fte", "tutors_in_use"):
        assert np.all(m[column] >= -1e-9), column
    for column in ("experienced_fte", "new_fte", "students"):
        assert np.all(m[column] >= -1e-9), column


@st.composite
def random_plans(draw: st.DrawFn) -> Plan:
    n_routes = draw(st.integers(1, 3))
    routes = [
        route(
            draw(st.integers(0, 3)),
            draw(st.integers(0, 4)),
            draw(st.integers(1, 5)),
            leave=draw(st.sampled_from([0.0, 0.01, 0.05])),
        )
        for _ in range(n_routes)
    ]
    steps = draw(st.integers(1, 30))
    sizes = draw(
        st.lists(
            st.integers(0, 25), min_size=n_routes * (steps + 4), max_size=n_routes * (steps + 4)
        )
    )
    cohorts = [
        Cohort(t, r, 0, float(sizes[(t + 4) * n_routes + r]))
        for t in range(-4, steps)
        for r in range(n_routes)
    ]
    return plan(
        routes,
        cohorts,
        steps,
        experienced=[float(draw(st.integers(0, 120)))],
        leave=[draw(st.sampled_from([0.0, 0.01, 0.02]))],
        per_tutor=[draw(st.integers(1, 3))],
        max_share=[draw(st.sampled_from([0.0, 0.05, 0.1, 1.0]))],
    )


@DETERMINISTIC
@given(random_plans(), st.integers(0, 3))
def test_stock_and_flow_close_on_random_plans(p: Plan, seed: int) -> None:
    expected = run_pipeline(p)
    stochastic = run_pipeline(p, Stochastic(np.random.default_rng(seed)))
    for m, whole in ((expected, False), (stochastic, True)):
        assert_closes(m)
        assert_work_conserving(m, p, whole)


def assert_work_conserving(m: Monthly, p: Plan, whole: bool) -> None:
    """A student waits only when the PDU's slots are all taken (one department plans):
    slots = students per tutor × max share × experienced (whole tutors when ``whole``)."""
    tutors = p.max_tutor_share[0] * m["experienced_fte"][:, 0]
    slots = p.per_tutor[0] * (np.floor(tutors + 1e-9) if whole else tutors)
    waiting = m["students_waiting_for_tutor"][:, 0] > 1e-9
    assert np.all(m["tutored"][waiting, 0] >= slots[waiting] - 1e-9)


@pytest.mark.parametrize("path", [SMALL, UPLIFT], ids=lambda p: p.name)
@pytest.mark.parametrize("mode", ["expected", "stochastic"])
def test_stock_and_flow_close_on_shipped_scenarios(path: Path, mode: str) -> None:
    loaded = load_scenario(path, sets=[f"workforce.mode={mode}"])
    workforce = compile_scenario(loaded.scenario).workforce
    assert workforce is not None
    p = workforce.plan
    monthly = run_pipeline(p) if mode == "expected" else None
    for rep in range(3):
        m = monthly or run_pipeline(p, Stochastic(np.random.default_rng(rep)))
        assert_closes(m)
        if mode == "stochastic":
            assert np.all(m["students"] == np.rint(m["students"]))


# --- direction ----------------------------------------------------------------------------


def pdu_plan(per_tutor: int, extra: float = 0.0, max_share: float = 0.1) -> Plan:
    routes = [route(2, 3, 6, leave=per_step(0.05), share=0.8)]
    cohorts = [*constant_intake(36, (8.0,)), *([Cohort(0, 0, 0, extra)] if extra else [])]
    return plan(
        routes,
        cohorts,
        36,
        experienced=[200.0],
        leave=[per_step(0.1)],
        per_tutor=[per_tutor],
        max_share=[max_share],
    )


@pytest.mark.parametrize("max_share", [1.0, 0.2])
def test_more_students_per_tutor_abstracts_fewer_tutors(max_share: float) -> None:
    """With tutors not short (no student ever waits), tutors = tutored students / k."""
    runs = [run_pipeline(pdu_plan(k, max_share=max_share)) for k in (1, 2, 3)]
    for fewer, more in zip(runs[1:], runs[:-1], strict=True):
        assert not more["students_waiting_for_tutor"].any()
        assert np.all(fewer["tutors_in_use"] <= more["tutors_in_use"] + 1e-9)
        assert np.any(fewer["tutors_in_use"] < more["tutors_in_use"])
        assert np.all(fewer["effective_fte"] >= more["effective_fte"] - 1e-9)


@pytest.mark.parametrize("max_share", [0.05, 0.03])
def test_more_students_per_tutor_shortens_the_tutor_queue(max_share: float) -> None:
    """With tutors short, more students per tutor means fewer waiting and more effective
    strength (tutors in use may then be higher later: students finish sooner and raise the
    experienced officers the tutor allowance is a share of)."""
    runs = [run_pipeline(pdu_plan(k, max_share=max_share)) for k in (1, 2, 3)]
    for better, worse in zip(runs[1:], runs[:-1], strict=True):
        waiting = "students_waiting_for_tutor"
        assert np.all(better[waiting] <= worse[waiting] + 1e-9)
        assert np.any(better[waiting] < worse[waiting])
        assert np.all(better["effective_fte"] >= worse["effective_fte"] - 1e-9)


@pytest.mark.parametrize("max_share", [1.0, 0.08])
def test_a_larger_intake_costs_capacity_first_then_adds_it(max_share: float) -> None:
    base = run_pipeline(pdu_plan(1, max_share=max_share))["effective_fte"][:, 0]
    bigger = run_pipeline(pdu_plan(1, extra=30.0, max_share=max_share))["effective_fte"][:, 0]
    diff = bigger - base
    np.testing.assert_allclose(diff[:2], 0.0, atol=1e-9)  # initial training: no capacity
    assert np.all(diff[2:5] < 0)  # tutored: tutors abstracted, students add nothing
    assert np.all(diff[11:] > 0)  # programme over: more experienced officers


# --- simulated: more effective officers never lower P1 attainment ------------------------


def p1_and_factors(*sets: str) -> tuple[np.ndarray, np.ndarray]:
    inputs = compile_scenario(load_scenario(SMALL, sets=list(sets)).scenario)
    assert inputs.workforce is not None and inputs.workforce.expected is not None
    p1 = kpi_per_replication(inputs, 6, "P1", "attained_share")
    return p1, inputs.workforce.expected.factors()[:, 0]


def test_more_effective_officers_never_lower_p1_attainment() -> None:
    rate = "workforce.departments.response.leaver_rate_per_year"
    more, more_factor = p1_and_factors(f"{rate}=0.02")
    fewer, fewer_factor = p1_and_factors(f"{rate}=0.30")
    assert np.all(more_factor >= fewer_factor) and np.any(more_factor > fewer_factor)
    mean, low, high = assert_higher(more, fewer)
    print(f"P1 attained: +{mean:.4f}, paired 95% interval [{low:.4f}, {high:.4f}]")


def test_stochastic_workforce_summary_is_the_same_whatever_the_workers() -> None:
    """Each replication's pipeline comes from its own stream: workers and engines agree."""
    sets = ["calendar.end=2019-03-01", "experiment.replications=3"]

    def summary(engine: str, workers: int) -> pl.DataFrame:
        loaded = load_scenario(SMALL, "stochastic", sets=[*sets, f"experiment.engine={engine}"])
        return run_experiment(loaded, workers=workers).summary

    one = summary("fast", 1)
    assert one.filter(pl.col("area") == "workforce").height > 0
    assert_frame_equal(one, summary("fast", 2), check_exact=True)
    assert_frame_equal(one, summary("des", 1), check_exact=True)
