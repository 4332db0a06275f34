"""Case draws: the right cases in creation order, from streams of their own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fmssim.model.case_draws import CaseDraws, draw_cases
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import draw
from fmssim.model.inputs import Inputs
from fmssim.scenario import load_scenario

VALIDATION = Path(__file__).parents[2] / "scenarios" / "validation"
TWO = VALIDATION / "investigations.yaml"


def cases(*sets: str) -> tuple[Inputs, CaseDraws]:
    inputs = compile_scenario(load_scenario(TWO, sets=list(sets)).scenario)
    draws = draw_cases(inputs, 0)
    assert draws is not None
    return inputs, draws


def test_backlog_first_then_creation_order() -> None:
    _, d = cases()
    assert np.all(np.diff(d.created_min) >= 0)
    backlog = d.ctype < 0
    assert backlog.sum() == 40 and np.all(d.created_min[backlog] <= 0)
    assert np.all(d.entered_min[backlog] == 0.0) and np.all(d.risk[backlog] == -1)
    assert not d.screened[backlog].any()


def test_screening_and_risk_shares() -> None:
    _, d = cases()
    burglary = d.ctype == 0
    assert 0.35 < d.screened[burglary].mean() < 0.45  # screened_out_share 0.4, ~3,000 a year
    abuse = d.ctype == 2
    shares = np.bincount(d.risk[abuse], minlength=3) / abuse.sum()
    assert np.allclose(shares, [0.2, 0.3, 0.5], atol=0.03)


def test_changing_one_type_leaves_the_others_alone() -> None:
    """Common random numbers: more burglary leaves the assault and abuse cases as they were."""
    _, base = cases()
    _, more = cases("demand.crimes.burglary.annual_volume=6000")
    for k in (1, 2):
        a, b = base.ctype == k, more.ctype == k
        assert np.array_equal(base.created_min[a], more.created_min[b])
        assert np.array_equal(base.effort_min[a], more.effort_min[b])
        assert np.array_equal(base.floor_min[a], more.floor_min[b])


def test_crimes_leave_incident_draws_alone() -> None:
    """Adding investigations does not shift any incident's draws (existing KPIs unchanged)."""
    path = VALIDATION / "priority_mmc.yaml"
    plain = compile_scenario(load_scenario(path).scenario)
    extra = [
        "investigations={departments: {d: {investigators_fte: 2, caseload_cap: 2}}}",
        "demand.crimes={c: {annual_volume: 500, department: d,"
        " duration_days: {kind: fixed, value: 1}}}",
    ]
    with_crimes = compile_scenario(load_scenario(path, sets=extra).scenario)
    a, b = draw(plain, 0), draw(with_crimes, 0)
    assert np.array_equal(a.incidents.created_min, b.incidents.created_min)
    assert np.array_equal(a.incidents.on_scene_min, b.incidents.on_scene_min)
    assert a.cases is None and b.cases is not None and len(b.cases) > 0


def test_rate_steps_hook() -> None:
    """The workforce hook: one department's rate follows the given steps, others stay 1."""
    inputs, _ = cases()
    inv = inputs.investigations
    assert inv is not None
    stepped = inv.with_rate_steps(1, np.array([0.0, 1440.0]), np.array([1.0, 0.5]))
    times, rates = stepped.rate_steps(1)
    assert list(times) == [0.0, 1440.0] and list(rates) == [inv.rate[1], inv.rate[1] * 0.5]
    assert list(stepped.rate_steps(0)[1]) == [inv.rate[0]]
    with pytest.raises(ValueError, match="start at 0"):
        inv.with_rate_steps(0, np.array([5.0]), np.array([1.0]))
