"""Dispatch as SimPy processes: incidents arrive, wait for a unit, travel, attend, write up."""

from __future__ import annotations

from collections.abc import Generator

import simpy

from fmssim.engine.des.allocation import request_allocation
from fmssim.engine.des.world import UnitPool, World
from fmssim.engine.records import Outcome
from fmssim.model.draws import IncidentDraws
from fmssim.model.inputs import Inputs

Process = Generator[simpy.Event, None, None]


def source(world: World, inputs: Inputs, draws: IncidentDraws, out: Outcome) -> Process:
    """Creates every incident at its drawn creation time, in id order."""
    grade_pool = inputs.grades.pool
    priority = inputs.grades.priority
    for i in range(len(draws)):
        yield world.clock.at(draws.created_min[i])
        g = draws.grade[i]
        if grade_pool[g] >= 0:
            pool = world.pools[grade_pool[g]]
            world.clock.process(incident(world, pool, int(priority[g]), i, draws, out))


def incident(
    world: World, pool: UnitPool, priority: int, i: int, draws: IncidentDraws, out: Outcome
) -> Process:
    """One incident's timeline: wait for a unit, travel, on scene, write-up, unit free."""
    grant = world.clock.event()
    pool.wait(priority, i, grant)
    request_allocation(world, pool)
    yield grant
    clock = world.clock
    out.assigned_min[i] = clock.now
    yield clock.timeout(draws.travel_min[i])
    out.arrived_min[i] = clock.now
    yield clock.timeout(draws.on_scene_min[i])
    out.cleared_min[i] = clock.now
    yield clock.timeout(draws.write_up_min[i])
    out.free_min[i] = clock.now
    pool.busy -= 1
    request_allocation(world, pool)
