"""The workforce plan and its coupling to rosters: the right numbers, in the right places."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from fmssim.model.compile import compile_scenario
from fmssim.model.draws import draw
from fmssim.scenario import load_scenario
from fmssim.scenario.workforce import Workforce
from fmssim.workforce.coupling import replication_inputs
from fmssim.workforce.mode import Stochastic
from fmssim.workforce.plan import Cohort, build_plan, month_starts, per_step

SMALL = Path(__file__).parents[2] / "scenarios" / "validation" / "workforce_pdu.yaml"
MIN_PER_DAY = 1440.0


def workforce(**changes: object) -> Workforce:
    doc: dict[str, object] = {
        "departments": {
            "a": {"experienced_fte": 100, "hosts_pdu": True},
            "b": {"experienced_fte": 50, "tutored_in": "a"},
        },
        "routes": {"r": {"phases": [{"name": "tutored", "months": 2}]}},
        "intake": [{"month": "2019-11-01", "until": "2020-02-01", "officers": 10, "route": "r"}],
        "allocation": {"a": 0.75, "b": 0.25},
    }
    doc.update(changes)
    return Workforce.model_validate(doc)


def test_month_starts_count_from_the_start_month() -> None:
    months = month_starts(dt.date(2020, 4, 15), dt.date(2020, 7, 1))
    assert months == [dt.date(2020, 4, 1), dt.date(2020, 5, 1), dt.date(2020, 6, 1)]


def test_per_step_compounds_to_the_annual_rate() -> None:
    assert (1 - per_step(0.1)) ** 12 == pytest.approx(0.9, rel=1e-12)


def test_intake_repeats_until_and_splits_by_allocation() -> None:
    plan = build_plan(workforce(), dt.date(2020, 1, 1), dt.date(2020, 6, 1))
    steps = sorted({c.step for c in plan.cohorts})
    assert steps == [-2, -1, 0, 1]  # November and December 2019 are already in the programme
    assert [c.officers for c in plan.cohorts if c.step == 0] == [7.5, 2.5]
    assert plan.host.tolist() == [0, 0]  # b's students are tutored in a's PDU
    assert plan.n_steps == 5


def test_stochastic_intake_keeps_the_running_total() -> None:
    cohorts = tuple(Cohort(t, 0, 0, 17.5) for t in range(6))
    whole = Stochastic(np.random.default_rng(0)).cohorts(cohorts)
    assert [c.officers for c in whole] == [18.0, 17.0, 18.0, 17.0, 18.0, 17.0]


def test_rosters_scale_by_the_factor_at_month_starts() -> None:
    inputs = compile_scenario(load_scenario(SMALL).scenario)
    wf = inputs.workforce
    assert wf is not None and wf.expected is not None
    factors = wf.expected.factors()[:, 0]
    times, units = inputs.pools.change_min[0], inputs.pools.change_units[0]
    starts = wf.step_min[1:]
    assert np.all(np.isin(times[1:], starts))  # a constant roster changes only at month starts
    for start, factor in zip(starts, factors[1:], strict=True):
        on_duty = units[np.searchsorted(times, start, side="right") - 1]
        assert on_duty == np.rint(12 * factor * 1.0)  # single-crewed: units = people
    assert units[0] == 12  # warm-up and the first month: factor 1


def test_factor_steps_for_other_models() -> None:
    inputs = compile_scenario(load_scenario(SMALL).scenario)
    wf = inputs.workforce
    assert wf is not None and wf.expected is not None
    times, factors = wf.factor_steps(wf.expected, "response")
    assert times[0] == 0.0 and factors[0] == 1.0
    assert times[1] == 31 * MIN_PER_DAY + 7 * MIN_PER_DAY  # 1 February, after 7 days' warm-up
    np.testing.assert_array_equal(factors[1:], wf.expected.factors()[1:, 0])


def test_a_flat_workforce_leaves_the_rosters_bit_identical() -> None:
    flat = [
        "workforce.intake=[]",
        "workforce.allocation={}",
        "workforce.departments.response.leaver_rate_per_year=0",
    ]
    scaled = compile_scenario(load_scenario(SMALL, sets=flat).scenario)
    plain = compile_scenario(
        load_scenario(SMALL, sets=[*flat, "pools.response.department=null"]).scenario
    )
    assert scaled.workforce is not None and plain.workforce is not None
    np.testing.assert_array_equal(scaled.pools.change_min[0], plain.pools.change_min[0])
    np.testing.assert_array_equal(scaled.pools.change_units[0], plain.pools.change_units[0])
    np.testing.assert_array_equal(scaled.pools.units_per_hour, plain.pools.units_per_hour)


def test_stochastic_rosters_differ_by_replication_and_repeat_for_a_seed() -> None:
    inputs = compile_scenario(load_scenario(SMALL, variant="stochastic").scenario)
    first, m0 = replication_inputs(inputs, 0)
    again, _ = replication_inputs(inputs, 0)
    _, m1 = replication_inputs(inputs, 1)
    assert m0 is not None and m1 is not None
    np.testing.assert_array_equal(first.pools.change_units[0], again.pools.change_units[0])
    assert not np.array_equal(m0["leavers"], m1["leavers"])


def test_the_workforce_stream_leaves_other_draws_alone() -> None:
    expected = compile_scenario(load_scenario(SMALL).scenario)
    stochastic = compile_scenario(load_scenario(SMALL, variant="stochastic").scenario)
    a, b = draw(expected, 3).incidents, draw(stochastic, 3).incidents
    np.testing.assert_array_equal(a.created_min, b.created_min)
    np.testing.assert_array_equal(a.on_scene_min, b.on_scene_min)


def test_investigators_follow_their_workforce_department() -> None:
    """An investigation department with ``department: response`` has its work rate scaled by
    response's factor from each month start (the same step function as its rosters)."""
    desk = "{investigators_fte: 10, caseload_cap: 5, department: response}"
    effort = "{kind: exponential, mean: 10}"
    crimes = f"{{volume: {{annual_volume: 2000, department: desk, duration_days: {effort}}}}}"
    sets = [f"investigations={{departments: {{desk: {desk}}}}}", f"demand.crimes={crimes}"]
    inputs = compile_scenario(load_scenario(SMALL, sets=sets).scenario)
    workforce, cases = inputs.workforce, inputs.investigations
    assert workforce is not None and workforce.expected is not None and cases is not None
    times, factor = workforce.factor_steps(workforce.expected, "response")
    np.testing.assert_array_equal(cases.change_min[0], times)
    np.testing.assert_array_equal(cases.change_factor[0], factor)
    assert len(times) > 3 and not np.all(factor == 1.0)
