"""Dispatch as SimPy processes: incidents arrive, wait for a unit, travel, attend, write up."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, NamedTuple, cast

import numpy as np
import simpy

from fmssim.engine.des.allocation import request_allocation
from fmssim.engine.des.world import UnitPool, World
from fmssim.engine.records import Outcome
from fmssim.model.draws import IncidentDraws
from fmssim.model.inputs import Inputs

Process = Generator[simpy.Event, Any, None]


class Role(NamedTuple):
    """How an incident takes part in the P1 dispatch options."""

    lendable: bool = False
    """An incident a lending rule covers: it may take units of another pool."""
    takes: bool = False
    """A P1 that may take a unit travelling to a less urgent job."""
    divertible: bool = False
    """A less urgent single-unit job whose travelling unit a P1 may take."""


def source(world: World, inputs: Inputs, draws: IncidentDraws, out: Outcome) -> Process:
    """Creates every incident at its drawn creation time, in id order."""
    grades = inputs.grades
    p1 = grades.names.index("P1") if "P1" in grades.names else -1
    en_route = inputs.p1_takes_en_route and p1 >= 0
    for i in range(len(draws)):
        yield world.clock.at(draws.created_min[i])
        g = draws.grade[i]
        if grades.pool[g] >= 0:
            k = int(grades.pool[g])
            pool = world.pools[k]
            need = int(grades.units_needed[g])
            key = (int(grades.priority[g]), i, need)
            role = Role(
                lendable=any(k in r.pools and g in r.grades for r in world.rules),
                takes=en_route and g == p1,
                divertible=en_route
                and grades.priority[g] > grades.priority[p1]
                and need == 1
                and draws.travel_min[i] > 0,
            )
            world.clock.process(incident(world, pool, key, role, draws, out))


def incident(
    world: World,
    pool: UnitPool,
    key: tuple[int, int, int],
    role: Role,
    draws: IncidentDraws,
    out: Outcome,
) -> Process:
    """One incident's timeline: wait for its units, travel, on scene, write-up, units free.

    ``key`` is (priority, incident id, units needed). The units all come from one pool (the
    grant's value: the incident's own, or a lender's when a rule lends them) and are freed
    together. A divertible job attended by its own pool may lose its unit to a P1 while
    travelling; it then queues again in its old place (the lost-unit event's value is its
    new grant).
    """
    priority, i, need = key
    grant = world.clock.event()
    pool.wait(priority, i, grant)
    if need > 1:
        pool.needs[grant] = need
    if role.lendable:
        pool.lendable[grant] = (priority, i, int(draws.grade[i]), need)
    if role.takes and pool.en_route is not None:
        pool.en_route.p1_waiting.append((grant, i))
    request_allocation(world, pool)
    holder: UnitPool = yield grant
    if holder is not pool:
        out.borrowed_from[i] = next(k for k, p in enumerate(world.pools) if p is holder)
    clock = world.clock
    while True:
        out.assigned_min[i] = clock.now
        if not role.divertible or holder is not pool or pool.en_route is None:
            yield clock.timeout(draws.travel_min[i])
            break
        lost = clock.event()
        pool.en_route.jobs[(priority, i)] = (clock.now + draws.travel_min[i], lost, clock.now)
        yield clock.timeout(draws.travel_min[i]) | lost
        if not lost.triggered:
            del pool.en_route.jobs[(priority, i)]
            break
        out.assigned_min[i] = np.nan
        out.diverted_min[i] = clock.now
        holder = yield cast(simpy.Event, lost.value)  # the job's new grant
    out.arrived_min[i] = clock.now
    yield clock.timeout(draws.on_scene_min[i])
    out.cleared_min[i] = clock.now
    yield clock.timeout(draws.write_up_min[i])
    out.free_min[i] = clock.now
    holder.busy -= need
    request_allocation(world, holder)
