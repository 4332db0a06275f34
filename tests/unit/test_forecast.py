"""Incidents follow the forecast by grade, whatever the channel mix does.

Law (exact, on the compiled arrays): in every planning year, Σ_c handled(y, c) × mix(y, c, g)
= the grade's forecast, where handled = annual volume × (1 − bot share); so a channel shift
(fewer 101 calls, more chats, a bot closing more of them) moves contacts between channels,
never incidents away. Without a forecast the compiled mix is the scenario's in every year.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario
from fmssim.scenario.forecast import growth_path

SCENARIOS = Path(__file__).parents[2] / "scenarios"
UPLIFT = SCENARIOS / "uplift_2020_2024.yaml"


def expected_incidents(sets: list[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """(years, grades) expected incidents from handled contacts, and the grade names."""
    scenario = load_scenario(UPLIFT, sets=sets).scenario
    inputs = compile_scenario(scenario)
    ch = inputs.channels
    assert ch.grade_cdf_by_year is not None and ch.bot_share_by_year is not None
    mix = np.diff(ch.grade_cdf_by_year, axis=2, prepend=0.0)
    labels = inputs.grid.year_labels
    volumes = np.array(
        [growth_path(c.annual_volume, c.growth, labels) for c in scenario.demand.channels.values()]
    )
    handled = volumes * (1.0 - ch.bot_share_by_year)
    return np.einsum("cy,ycg->yg", handled, mix), inputs.grades.names


def test_grade_volumes_follow_the_forecast_in_every_year() -> None:
    made, names = expected_incidents([])
    scenario = load_scenario(UPLIFT).scenario
    chans = scenario.demand.channels.values()
    base = sum(
        c.annual_volume * (1 - c.bot_share) * np.array([c.grade_mix.get(g, 0.0) for g in names])
        for c in chans
    )
    for g, name in enumerate(names):
        forecast = scenario.demand.incident_forecast.get(name)
        if forecast is None:
            continue
        target = growth_path(float(base[g]), forecast, tuple(range(made.shape[0])))
        np.testing.assert_allclose(made[:, g], target, rtol=1e-12)


def test_a_channel_shift_moves_contacts_not_incidents() -> None:
    made, _ = expected_incidents([])
    shifted, _ = expected_incidents(
        [
            "demand.channels.101.growth.volumes={2020: 500000}",
            "demand.channels.webchat.growth.pct_per_year=40",
        ]
    )
    np.testing.assert_allclose(shifted, made, rtol=1e-12)


def test_without_a_forecast_the_mix_is_the_scenarios() -> None:
    inputs = compile_scenario(load_scenario(SCENARIOS / "baseline_2019.yaml").scenario)
    assert inputs.channels.grade_cdf_by_year is None
    assert inputs.channels.bot_share_by_year is None
