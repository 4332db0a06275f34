"""The handlers' own workforce (``workforce.handlers``): laws of the staff pipeline and its
coupling to the handler rosters and handling times.

Laws checked:

- the pipeline conserves handlers: staff(t + 1) = staff(t) − leavers(t) + joiners(t + 1), in
  both modes; the drain is ``to_officers_share`` × the officer joiners (expected mode);
- the expected mode is the mean of the stochastic one (400 pipelines, 99.9% interval for
  each month's handlers on the phones);
- a department with no leavers, no drain and no ramp leaves the pool exactly as written
  (rosters and handling times bit-identical to the pool without a department);
- handling times are the scenario's own draws times the factor (N / P) / (N0 / P0) of the
  month each contact arrived in, computed here from the pipeline's stocks;
- direction, paired over replications (common random numbers): losing handlers to the
  officer intake never raises the 999 service level (95% paired interval).

Fixed seeds everywhere; parity of both engines on this scenario is in test_contact_parity.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from paired_laws import assert_higher, kpi_per_replication

from fmssim.model.compile import compile_scenario
from fmssim.model.contact_draws import draw_contacts
from fmssim.model.inputs import Inputs
from fmssim.scenario import load_scenario
from fmssim.scenario.workforce import HandlerStaff
from fmssim.workforce.coupling import replication_inputs
from fmssim.workforce.handlers import HandlerPlan, run_handlers

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "handler_workforce.yaml"
STEPS = 36


def compiled(variant: str | None = None, *sets: str) -> Inputs:
    return compile_scenario(load_scenario(SCENARIO, variant=variant, sets=sets).scenario)


def plan(**kw: object) -> HandlerPlan:
    spec = {
        "staff_fte": 60.0,
        "new_share": 0.3,
        "leaver_rate_per_year": 0.15,
        "to_officers_share": 0.2,
        "training_months": 2,
        "proficiency": [0.5, 0.8],
        "recruit_lag_months": 2,
        "recruits_per_month": 2.0,
        **kw,
    }
    return HandlerPlan.build("contact", HandlerStaff.model_validate(spec))


JOINERS = np.where(np.arange(STEPS) % 3 == 0, 12.0, 4.0)


def test_the_pipeline_conserves_handlers_in_both_modes() -> None:
    for rng in (None, np.random.default_rng(1)):
        out = run_handlers((plan(),), JOINERS, rng)
        staff, joiners, leavers = out["staff_fte"][:, 0], out["joiners"][:, 0], out["leavers"][:, 0]
        np.testing.assert_allclose(staff[1:], staff[:-1] - leavers[:-1] + joiners[1:], atol=1e-9)
        total = out["in_training"][:, 0] + out["on_phones"][:, 0]
        np.testing.assert_allclose(total, staff, atol=1e-9)
        assert np.all(out["proficient_fte"] <= out["on_phones"] + 1e-9)
    expected = run_handlers((plan(),), JOINERS)
    np.testing.assert_allclose(expected["to_officers"][:, 0], 0.2 * JOINERS)


def test_expected_mode_is_the_mean_of_the_stochastic_mode() -> None:
    p = plan(staff_fte=200.0, recruits_per_month=6.0)
    expected = run_handlers((p,), JOINERS)["on_phones"][:, 0]
    rng = np.random.default_rng(14)
    runs = np.array([run_handlers((p,), JOINERS, rng)["on_phones"][:, 0] for _ in range(400)])
    mean, half = runs.mean(axis=0), 3.29 * runs.std(axis=0, ddof=1) / np.sqrt(len(runs))
    # Whole handlers at the start (rounded without drift) and whole recruits (floored) shift
    # the stochastic mean by less than one handler; the interval law holds within that.
    assert np.all(np.abs(mean - expected) <= half + 1.0), np.max(np.abs(mean - expected) - half)


def test_a_still_department_leaves_the_pool_as_written() -> None:
    still = [
        "workforce.handlers.contact.leaver_rate_per_year=0",
        "workforce.handlers.contact.to_officers_share=0",
        "workforce.handlers.contact.proficiency=[]",
        "workforce.handlers.contact.new_share=0",
    ]
    coupled = compiled(None, *still)
    plain = compiled(None, *still, "contact.pools.handlers.department=null")
    assert coupled.handler_staff is not None and plain.handler_staff is None
    np.testing.assert_array_equal(coupled.handlers.units_per_hour, plain.handlers.units_per_hour)
    for a, b in zip(coupled.handlers.change_units, plain.handlers.change_units, strict=True):
        np.testing.assert_array_equal(a, b)
    for _, values in coupled.handler_speed:
        np.testing.assert_array_equal(values, 1.0)
    a, b = draw_contacts(coupled, 0), draw_contacts(plain, 0)
    np.testing.assert_array_equal(a.handling_min, b.handling_min)


def test_handling_times_follow_the_ramp_of_the_month_they_arrive_in() -> None:
    for variant in (None, "stochastic"):
        inputs, _ = replication_inputs(compiled(variant), 1)
        staff = inputs.handler_staff
        assert staff is not None
        n, p = staff["on_phones"][:, 0], staff["proficient_fte"][:, 0]
        factor = (n / p) / (n[0] / p[0])
        assert np.ptp(factor) > 0.01  # the ramp moves in this scenario
        plain = replace(inputs, handler_speed=())
        slowed, base = draw_contacts(inputs, 1), draw_contacts(plain, 1)
        assert inputs.workforce is not None
        starts = inputs.workforce.step_min
        month = np.searchsorted(starts, slowed.created_min[slowed.owner], side="right") - 1
        np.testing.assert_allclose(slowed.handling_min, base.handling_min * factor[month])


def test_losing_handlers_to_the_officer_intake_never_raises_the_999_service_level() -> None:
    without = kpi_per_replication(compiled("no_drain"), 6, "999", "answered_within_target_share")
    drained = kpi_per_replication(compiled(), 6, "999", "answered_within_target_share")
    assert_higher(without, drained)
