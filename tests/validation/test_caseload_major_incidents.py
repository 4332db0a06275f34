"""Major incidents take teams out of a department: a pre-emptive draw on its capacity.

Law (work conservation through pre-emption), on both engines: one investigator with a
caseload cap of 1 works one case at a time with all its rate, so the effort a case has
received is the integral of the department's rate from its allocation. For every case
finished, effort done (that integral up to its completion) = effort drawn (to rounding,
relative 1e-9); for the case in hand at the horizon, effort done + effort left = effort
drawn with effort left > 0. Major incidents arrive often and overlap, stopping the
department completely at times. Also: the capacity share follows the incidents exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from fmssim.engine.des.investigation import run_cases as des_cases
from fmssim.engine.fast.investigation import run_cases as fast_cases
from fmssim.model.case_capacity import major_incident_steps, rate_steps
from fmssim.model.case_draws import draw_cases
from fmssim.model.compile import compile_scenario
from fmssim.model.inputs import Inputs
from fmssim.scenario import Scenario

DOC = {
    "name": "major incidents",
    "calendar": {"start": "2019-01-07", "end": "2019-07-07", "warmup_days": 0},
    "demand": {
        "crimes": {
            "c": {
                "annual_volume": 200,
                "department": "d",
                "duration_days": {"kind": "exponential", "mean": 1.5},
            }
        }
    },
    "dispatch": {"grades": {}},
    "investigations": {
        "departments": {
            "d": {
                "investigators_fte": 1.0,
                "caseload_cap": 1,
                "major_incidents": {
                    "per_year": 20,
                    "team_fte": 0.6,
                    "weeks": {"kind": "exponential", "mean": 1.0},
                },
            }
        }
    },
    "experiment": {"seed": 11},
}


def inputs() -> Inputs:
    return compile_scenario(Scenario.model_validate(DOC))


def integral(times: np.ndarray, rates: np.ndarray, a: float, b: float) -> float:
    """∫_a^b of the step function (times, rates)."""
    edges = np.clip(np.append(times, np.inf), a, b)
    return float(np.sum(rates * np.diff(edges)))


@pytest.mark.parametrize("engine", ["des", "fast"])
@pytest.mark.parametrize("rep", [0, 1, 2])
def test_work_is_conserved_through_major_incidents(engine: str, rep: int) -> None:
    inp = inputs()
    draws = draw_cases(inp, rep)
    assert draws is not None and inp.investigations is not None
    times, rates = rate_steps(inp.investigations, draws.capacity, 0)
    assert (rates == 0).any(), "no full stop: the law is not stretched"
    out = (des_cases if engine == "des" else fast_cases)(inp, draws)
    done = ~np.isnan(out.worked_min)
    assert done.sum() > 20
    for i in np.flatnonzero(done):
        work = integral(times, rates, out.allocated_min[i], out.worked_min[i])
        assert work == pytest.approx(draws.effort_min[i], rel=1e-9)
    in_hand = np.flatnonzero(~np.isnan(out.allocated_min) & ~done)
    for i in in_hand:
        so_far = integral(times, rates, out.allocated_min[i], inp.grid.horizon_min)
        left = draws.effort_min[i] - so_far
        assert left > 0 and so_far + left == pytest.approx(draws.effort_min[i], rel=1e-12)


def test_capacity_share_follows_the_incidents() -> None:
    """Between changes the share left is 1 − 0.6 × (incidents under way), at least 0."""
    inp = inputs()
    times, share = major_incident_steps(inp, 0, 0)
    assert times[0] == 0.0 and share[0] == 1.0 and np.all(np.diff(times) > 0)
    assert set(np.round(share, 12)) <= {1.0, 0.4, 0.0}
    assert {1.0, 0.4, 0.0} <= set(np.round(share, 12))
