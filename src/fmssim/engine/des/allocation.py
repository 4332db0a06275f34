"""Rosters and allocation, shared by dispatch and handler pools: allocate once per instant.

Waiting entries are tuples ordered by priority first (a heap); the last element is the event
that grants the entry its unit or handler.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator

import numpy as np
import simpy

from fmssim.engine.des.clock import DISPATCH
from fmssim.engine.des.world import UnitPool, World


def request_allocation(world: World, pool: UnitPool) -> None:
    """Allocate once, after every other event of this instant."""
    if pool.allocation_pending:
        return
    pool.allocation_pending = True
    world.clock.at(world.clock.now, DISPATCH).callbacks.append(lambda _: allocate(pool))


def allocate(pool: UnitPool) -> None:
    """Bring on-duty units in line with the roster, then give free units to waiting entries.

    Free units above the roster go off duty; busy ones finish their job first. The queue is
    strict: when the most urgent entry needs more units than are free, nobody behind it is
    served. The grant's value is the pool whose units were given.
    """
    pool.allocation_pending = False
    pool.free = max(pool.on_duty - pool.busy, 0)
    while pool.free > 0 and pool.queue:
        grant = pool.queue[0][-1]
        need = pool.need(grant)
        if need > pool.free:
            break
        heapq.heappop(pool.queue)
        pool.needs.pop(grant, None)
        pool.free -= need
        pool.busy += need
        grant.succeed(pool)


def roster(
    world: World, pool: UnitPool, times: np.ndarray, units: np.ndarray
) -> Generator[simpy.Event, None, None]:
    """Changes the units on duty at each roster change."""
    for when, level in zip(times, units, strict=True):
        yield world.clock.at(float(when))
        pool.on_duty = int(level)
        request_allocation(world, pool)
