"""Checks across the contact part of a scenario: channels, handler pools, spill, reserves."""

from __future__ import annotations

from fmssim.scenario.resources import HandlerPool
from fmssim.scenario.root import Scenario
from fmssim.scenario.roster import Roster

Problem = tuple[str, str]
"""(dotted key, what is wrong)."""


def contact_problems(s: Scenario) -> list[Problem]:
    """Every channel answered by exactly one handler pool; mixes name existing grades; spills
    go to a call channel of the same pool; reserves fit the roster."""
    problems: list[Problem] = []
    served: dict[str, str] = {}
    pools = s.contact.pools if s.contact is not None else {}
    for name, pool in pools.items():
        key = f"contact.pools.{name}"
        for channel in pool.channels:
            if channel not in s.demand.channels:
                known = ", ".join(sorted(s.demand.channels)) or "none defined"
                problems.append(
                    (f"{key}.channels", f"unknown channel {channel!r} (known: {known})")
                )
            elif channel in served and not _rooms_of(pool, pools[served[channel]]):
                problems.append(
                    (f"{key}.channels", f"{channel} is already served by {served[channel]}")
                )
            elif channel not in served:
                served[channel] = name
    for name, spec in s.demand.channels.items():
        if name not in served:
            problems.append((f"demand.channels.{name}", "no pool in contact.pools serves it"))
        for grade in spec.grade_mix:
            if grade not in s.dispatch.grades:
                key = f"demand.channels.{name}.grade_mix.{grade}"
                problems.append((key, f"no grade {grade} in dispatch.grades"))
    return [*problems, *_reserves(s), *_rooms(s), *_spills(s, served)]


def _rooms(s: Scenario) -> list[Problem]:
    """Control rooms: pools sharing a channel serve the same channels in the same order, each
    with a demand share, the shares adding up to 1; load sharing starts within the calendar."""
    problems: list[Problem] = []
    pools = s.contact.pools if s.contact is not None else {}
    for members in room_groups(s).values():
        if len(members) == 1:
            continue
        first = pools[members[0]]
        for name in members:
            pool, key = pools[name], f"contact.pools.{name}"
            if pool.demand_share is None:
                problems.append((f"{key}.demand_share", "a control room needs its demand_share"))
            if pool.channels != first.channels or pool.chat_concurrency != first.chat_concurrency:
                problems.append(
                    (
                        f"{key}.channels",
                        f"shares channels with {members[0]}: serve the same ones "
                        "in the same order, with the same chat_concurrency",
                    )
                )
        total = sum(pools[n].demand_share or 0.0 for n in members)
        if abs(total - 1.0) > 1e-9 and all(pools[n].demand_share is not None for n in members):
            problems.append(
                (
                    f"contact.pools.{members[0]}.demand_share",
                    f"the rooms' demand shares add up to {total:.4f}, not 1",
                )
            )
    start = s.contact.load_sharing_from if s.contact is not None else None
    if start is not None and not s.calendar.start <= start < s.calendar.end:
        problems.append(
            (
                "contact.load_sharing_from",
                f"{start} is outside the calendar {s.calendar.start} to {s.calendar.end}",
            )
        )
    return problems


def room_groups(s: Scenario) -> dict[str, list[str]]:
    """Pools by the first pool (in file order) they share a channel with."""
    pools = s.contact.pools if s.contact is not None else {}
    leader_of: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for name, pool in pools.items():
        leader = next((leader_of[c] for c in pool.channels if c in leader_of), name)
        for channel in pool.channels:
            leader_of.setdefault(channel, leader)
        groups.setdefault(leader, []).append(name)
    return groups


def _rooms_of(pool: HandlerPool, other: HandlerPool) -> bool:
    """Two pools meant as control rooms (one of them gives a demand share)."""
    return pool.demand_share is not None or other.demand_share is not None


def _reserves(s: Scenario) -> list[Problem]:
    """A fixed reserve is on duty at every hour; a pool reserves by count or by share."""
    problems: list[Problem] = []
    pools = s.contact.pools if s.contact is not None else {}
    for name, pool in pools.items():
        key = f"contact.pools.{name}"
        if pool.reserved and pool.reserved_share:
            problems.append((f"{key}.reserved_share", "give reserved or reserved_share, not both"))
        low = smallest_headcount(pool.roster)
        if pool.reserved > low:
            problems.append(
                (f"{key}.reserved", f"{pool.reserved} reserved, above the roster's {low} on duty")
            )
    return problems


def _spills(s: Scenario, served: dict[str, str]) -> list[Problem]:
    """A spill goes from a call channel to another call channel of the same pool."""
    problems: list[Problem] = []
    for name, spec in s.demand.channels.items():
        if spec.spill is None:
            continue
        key = f"demand.channels.{name}.spill"
        target = s.demand.channels.get(spec.spill.to)
        if spec.kind != "call":
            problems.append((key, f"only callers spill, but {name} is a {spec.kind}"))
        elif target is None or spec.spill.to == name:
            problems.append((f"{key}.to", f"{spec.spill.to!r} is not another channel"))
        elif target.kind != "call":
            problems.append((f"{key}.to", f"{spec.spill.to} is a {target.kind}, not a call"))
        elif served.get(spec.spill.to) != served.get(name):
            problems.append((f"{key}.to", f"{spec.spill.to} is not served by {name}'s pool"))
        elif target.spill is not None:
            problems.append((f"{key}.to", f"{spec.spill.to} spills itself; no chains"))
    return problems


def smallest_headcount(roster: Roster) -> int:
    """The fewest people on duty in any minute of the week."""
    if roster.on_duty is not None:
        return roster.on_duty
    if roster.hour_of_week is not None:
        return min(roster.hour_of_week)
    from fmssim.model.rosters import weekly_steps

    return int(weekly_steps(roster)[1].min())
