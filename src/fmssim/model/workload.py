"""How long a job holds a pool's people, on average: what its banded roster must cover.

A roster derived from strength follows the pool's offered load (see
:mod:`fmssim.model.bands`), which needs the mean time a job holds a unit (dispatch pools:
travel + on scene + write-up) or a handler (handling time). Each grade or channel is weighted
by its expected base-year volume, so the figure comes from the scenario's own demand and
times, not from a new input.
"""

from __future__ import annotations

from fmssim.scenario.root import Scenario

MIN_PER_HOUR = 60.0
SEC_PER_HOUR = 3600.0


def grade_volumes(s: Scenario) -> dict[str, float]:
    """Expected base-year incidents per grade: its own stream plus, in the chained mode,
    each channel's handled contacts by its grade mix (chats net of the bot)."""
    volumes = {g: 0.0 for g in s.dispatch.grades}
    for g, stream in s.demand.incidents.items():
        volumes[g] = volumes.get(g, 0.0) + stream.annual_volume
    if s.contact is not None and s.contact.chained:
        for channel in s.demand.channels.values():
            handled = channel.annual_volume * (1.0 - channel.bot_share)
            for g, share in channel.grade_mix.items():
                volumes[g] = volumes.get(g, 0.0) + handled * share
    return volumes


def pool_job_hours(s: Scenario, pool: str) -> float:
    """Mean hours a unit of dispatch pool ``pool`` is held per incident (0: no work)."""
    volumes = grade_volumes(s)
    total = weighted = 0.0
    for name, grade in s.dispatch.grades.items():
        if grade.pool != pool:
            continue
        on_scene = grade.on_scene_min.mean()
        for kind in s.dispatch.incident_types.values():
            own = kind.on_scene_min
            if own is not None and name in kind.grade_share and grade.appointment is None:
                on_scene += kind.grade_share[name] * (own.mean() - grade.on_scene_min.mean())
        job = grade.travel_min.mean() + on_scene + grade.write_up_min.mean()
        total += volumes.get(name, 0.0)
        weighted += volumes.get(name, 0.0) * job
    return weighted / total / MIN_PER_HOUR if total > 0 else 0.0


def handler_job_hours(s: Scenario, pool: str) -> float:
    """Mean hours a handler of contact pool ``pool`` spends per contact (0: no work)."""
    if s.contact is None:
        return 0.0
    channels = [s.demand.channels[c] for c in s.contact.pools[pool].channels]
    total = sum(c.annual_volume for c in channels)
    weighted = sum(c.annual_volume * c.handling_sec.mean() for c in channels)
    return weighted / total / SEC_PER_HOUR if total > 0 else 0.0
