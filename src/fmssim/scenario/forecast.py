"""Demand from the forecasts: incidents by grade independent of the channel mix, and a bot
share by planning year.

A chained scenario creates incidents from handled contacts by each channel's grade mix, so a
channel shift (101 callers moving to web chat, a bot closing more chats) would move
incidents away although the force forecasts them to grow. With ``demand.incident_forecast``
each planning year's mix share of a grade g is multiplied, in every channel, by

    m(y, g) = target(y, g) / Σ_c V(y, c) (1 − b(y, c)) mix(c, g),
    target(y, g) = growth_g(y) applied to Σ_c V0(c) (1 − b0(c)) mix(c, g),

where V is a channel's annual volume, b its bot share and V0, b0 the base values
(``annual_volume``, ``bot_share``): the expected incidents of grade g from contacts reaching a
handler then follow the forecast whatever the channel volumes do (abandonment, a few per
cent, is left out of both sides).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fmssim.scenario.demand import Channel, Growth
from fmssim.scenario.root import Scenario

Floats = NDArray[np.float64]


def growth_path(base: float, growth: Growth, labels: tuple[int, ...]) -> list[float]:
    """Annual volumes: ``base`` in the first year, compounded by ``pct_per_year``, unless
    ``volumes`` names the year (which then carries on)."""
    out = []
    volume = base
    for k, label in enumerate(labels):
        if k > 0:
            volume = volume * (1.0 + growth.pct_per_year / 100.0)
        volume = growth.volumes.get(label, volume)
        out.append(volume)
    return out


def bot_shares(channel: Channel, labels: tuple[int, ...]) -> list[float]:
    """The bot share in each planning year."""
    out, share = [], channel.bot_share
    for label in labels:
        named = [y for y in channel.bot_share_by_year if y <= label]
        share = channel.bot_share_by_year[max(named)] if named else channel.bot_share
        out.append(share)
    return out


def bot_share_by_year(s: Scenario, labels: tuple[int, ...]) -> Floats | None:
    """(channels, years) bot shares, or None if no channel names a year."""
    chans = list(s.demand.channels.values())
    if not any(c.bot_share_by_year for c in chans):
        return None
    return np.array([bot_shares(c, labels) for c in chans]).reshape(len(chans), len(labels))


def grade_mix_by_year(s: Scenario, grades: tuple[str, ...], labels: tuple[int, ...]) -> Floats:
    """(years, channels, grades) mix shares, rescaled so grade volumes follow the forecast."""
    chans = list(s.demand.channels.values())
    mix = np.array([[c.grade_mix.get(g, 0.0) for g in grades] for c in chans])
    handled0 = np.array([c.annual_volume * (1.0 - c.bot_share) for c in chans])
    volumes = np.array([growth_path(c.annual_volume, c.growth, labels) for c in chans])
    bots = np.array([bot_shares(c, labels) for c in chans]).reshape(volumes.shape)
    handled = volumes * (1.0 - bots)  # (channels, years)
    base = handled0 @ mix  # expected incidents by grade at the base volumes
    out = np.repeat(mix[None], len(labels), axis=0)
    for g, name in enumerate(grades):
        forecast = s.demand.incident_forecast.get(name)
        if forecast is None or base[g] == 0:
            continue
        target = np.array(growth_path(float(base[g]), forecast, labels))
        made = handled.T @ mix[:, g]  # (years,)
        out[:, :, g] *= (target / np.where(made > 0, made, 1.0))[:, None]
    return out


def mix_problems(s: Scenario, grades: tuple[str, ...], labels: tuple[int, ...]) -> list[str]:
    """Channels and years whose rescaled mix would exceed 1."""
    if not s.demand.incident_forecast:
        return []
    totals = grade_mix_by_year(s, grades, labels).sum(axis=2)
    names = list(s.demand.channels)
    return [
        f"{names[c]} in {labels[y]}: grade shares add up to {totals[y, c]:.3f}"
        for y, c in zip(*np.nonzero(totals > 1.0 + 1e-9), strict=True)
    ]


def planning_years(s: Scenario) -> tuple[int, ...]:
    """Labels of the planning years the calendar touches."""
    start, end = s.calendar.start, s.calendar.end
    labels, k = [], 0
    while start.replace(year=start.year + k) < end:
        labels.append(start.year + k)
        k += 1
    return tuple(labels)


def forecast_problems(s: Scenario) -> list[tuple[str, str]]:
    """(dotted key, problem) for a forecast the channels' mixes cannot carry."""
    grades = tuple(sorted(s.dispatch.grades))
    return [("demand.incident_forecast", p) for p in mix_problems(s, grades, planning_years(s))]
