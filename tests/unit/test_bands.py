"""A banded shift pattern sized from strength and shaped by the offered load.

Laws: on duty on average is establishment × availability × hours / 168 (to within half the
shortest band, from rounding whole officers); with a flat profile and bands evenly spaced
round the clock every band gets the same officers; the offered load of a constant profile is
constant, of any profile has mean 1, and with no job time is the profile itself; for
exponential jobs it is the M_t/G/∞ mean, checked against a direct sum; a roster derived from
strength scales linearly with the establishment.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from fmssim.model.bands import HOURS_PER_WEEK, band_headcounts, coverage, offered_load
from fmssim.scenario.roster import Band, Strength

RNG = np.random.default_rng(5)
PROFILE = 1.0 + 0.5 * np.sin(np.arange(HOURS_PER_WEEK) * 2 * np.pi / 24) + RNG.uniform(0, 0.2, 168)


def strength(
    establishment: float = 1240.0, starts: tuple[int, ...] = (6, 10, 14, 18, 22)
) -> Strength:
    return Strength(
        establishment=establishment,
        vacancy_share=0.03,
        attendance=0.943,
        restricted=0.0826,
        abstracted=0.22,
        hours_per_week=40,
        bands=[Band(start=dt.time(h), hours=8) for h in starts],
    )


def test_on_duty_mean_is_the_product_of_the_factors() -> None:
    s = strength()
    expected = 1240 * 0.97 * 0.943 * (1 - 0.0826) * 0.78 * 40 / 168
    assert s.on_duty_mean() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("job_hours", [0.0, 3.0])
def test_the_pattern_keeps_the_week_s_officer_hours(job_hours: float) -> None:
    s = strength()
    heads = band_headcounts(s, PROFILE, job_hours)
    on_duty = coverage(s.bands) @ heads.ravel()
    assert abs(on_duty.mean() - s.on_duty_mean()) * HOURS_PER_WEEK <= 8 / 2
    assert (heads >= 0).all()


def test_a_flat_profile_and_even_bands_give_equal_bands() -> None:
    s = strength(starts=(0, 8, 16))
    heads = band_headcounts(s, np.ones(HOURS_PER_WEEK))
    assert heads.max() - heads.min() <= 1


def test_more_establishment_never_lowers_any_hour() -> None:
    low = coverage(strength().bands) @ band_headcounts(strength(1100.0), PROFILE, 3.0).ravel()
    high = coverage(strength().bands) @ band_headcounts(strength(1400.0), PROFILE, 3.0).ravel()
    assert high.mean() > low.mean()
    assert np.corrcoef(low, high)[0, 1] > 0.99  # the same shape, scaled


def test_offered_load_laws() -> None:
    assert np.allclose(offered_load(np.full(168, 3.0), 2.5), 1.0)
    assert np.allclose(offered_load(PROFILE, 0.0), PROFILE / PROFILE.mean())
    load = offered_load(PROFILE, 3.0)
    assert load.mean() == pytest.approx(1.0)
    # M_t/G/inf with exponential jobs, hour-constant arrivals: m(h) = sum over earlier hours
    # of the arrivals in that hour still in service, averaged over the hour
    j = 3.0
    direct = np.zeros(168)
    for h in range(168):
        for k in range(168):
            direct[h] += PROFILE[(h - k) % 168] * j * (np.exp(-k / j) - np.exp(-(k + 1) / j))
    assert np.allclose(load, direct / direct.mean())
    # smoothing: the load varies less than the arrivals and peaks later
    assert load.std() < (PROFILE / PROFILE.mean()).std()
    assert (np.argmax(load[:24]) - np.argmax(PROFILE[:24])) % 24 in range(1, 6)
