"""Dispatch as SimPy processes: incidents arrive, wait for a unit, travel, attend, write up."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from fmssim.engine.des.allocation import request_allocation
from fmssim.engine.des.world import UnitPool, World
from fmssim.engine.records import Outcome
from fmssim.model.draws import IncidentDraws
from fmssim.model.inputs import Inputs

Process = Generator[simpy.Event, Any, None]


def source(world: World, inputs: Inputs, draws: IncidentDraws, out: Outcome) -> Process:
    """Creates every incident at its drawn creation time, in id order."""
    grades = inputs.grades
    p1 = grades.names.index("P1") if world.lenders and "P1" in grades.names else -1
    for i in range(len(draws)):
        yield world.clock.at(draws.created_min[i])
        g = draws.grade[i]
        if grades.pool[g] >= 0:
            pool = world.pools[grades.pool[g]]
            key = (int(grades.priority[g]), i, int(grades.units_needed[g]))
            world.clock.process(incident(world, pool, key, g == p1, draws, out))


def incident(
    world: World,
    pool: UnitPool,
    key: tuple[int, int, int],
    borrows: bool,
    draws: IncidentDraws,
    out: Outcome,
) -> Process:
    """One incident's timeline: wait for its units, travel, on scene, write-up, units free.

    ``key`` is (priority, incident id, units needed). The units all come from one pool (the
    grant's value: the incident's own, or a lender's when it ``borrows``) and are freed
    together.
    """
    priority, i, need = key
    grant = world.clock.event()
    pool.wait(priority, i, grant)
    if need > 1:
        pool.needs[grant] = need
    if borrows:
        pool.borrowers.append(grant)
    request_allocation(world, pool)
    holder: UnitPool = yield grant
    if holder is not pool:
        out.borrowed_from[i] = next(k for k, p in enumerate(world.pools) if p is holder)
    clock = world.clock
    out.assigned_min[i] = clock.now
    yield clock.timeout(draws.travel_min[i])
    out.arrived_min[i] = clock.now
    yield clock.timeout(draws.on_scene_min[i])
    out.cleared_min[i] = clock.now
    yield clock.timeout(draws.write_up_min[i])
    out.free_min[i] = clock.now
    holder.busy -= need
    request_allocation(world, holder)
