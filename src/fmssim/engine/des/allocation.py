"""Rosters and allocation, shared by dispatch and handler pools: allocate once per instant.

The event order is the fast engine's (module docstring of ``engine/fast/compose.py``).

Waiting entries are tuples ordered by priority first (a heap); the last element is the event
that grants the entry its unit or handler.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator

import numpy as np
import simpy

from fmssim.engine.des.clock import DISPATCH, LEND
from fmssim.engine.des.world import EnRoute, UnitPool, World


def request_allocation(world: World, pool: UnitPool) -> None:
    """Allocate once, after every other event of this instant (then lend, if on)."""
    if pool.allocation_pending:
        return
    pool.allocation_pending = True
    world.clock.at(world.clock.now, DISPATCH).callbacks.append(lambda _: allocate(pool))
    if world.rules and not world.lend_pending:
        world.lend_pending = True
        world.clock.at(world.clock.now, LEND).callbacks.append(lambda _: lend(world))


def allocate(pool: UnitPool) -> None:
    """Bring on-duty units in line with the roster, then give free units to waiting entries.

    Free units above the roster go off duty; busy ones finish their job first. The queue is
    strict: when the most urgent entry needs more units than are free, nobody behind it is
    served. The grant's value is the pool whose units were given. Then, with the en-route
    option, waiting P1s take travelling units (:func:`divert`).
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
    if pool.en_route is not None:
        divert(pool, pool.en_route)


def divert(pool: UnitPool, en_route: EnRoute) -> None:
    """Each P1 still waiting, in creation order, takes the unit travelling to the least urgent
    job (the latest created among equals) that is not on scene yet. That job loses its unit
    and queues again in its old place (its priority and creation order); the travel its unit
    had done is kept on the P1's record."""
    now = en_route.clock.now
    waiting = en_route.p1_waiting
    while waiting:
        grant, i = waiting[0]
        if grant.triggered:
            waiting.popleft()
            continue
        travelling = [key for key, (arrival, _, _) in en_route.jobs.items() if arrival > now]
        if not travelling:
            break
        victim = max(travelling)
        waiting.popleft()
        _, lost, start = en_route.jobs.pop(victim)
        en_route.lost_travel[i] = now - start
        pool.withdraw(grant)
        again = en_route.clock.event()
        pool.wait(*victim, again)
        lost.succeed(again)
        grant.succeed(pool)


def lend(world: World) -> None:
    """After every pool's own allocation: for each pool in name order whose own units are all
    taken, each waiting incident a rule covers, in queue order, takes free units of the
    lender of the first rule that applies (see :func:`lender_for`). The grant's value is the
    lender."""
    world.lend_pending = False
    for p, pool in enumerate(world.pools):
        for grant in [g for g in pool.lendable if g.triggered]:
            del pool.lendable[grant]
        if pool.free > 0 or not pool.lendable or not _may_lend(world, p):
            continue
        for grant, key in sorted(pool.lendable.items(), key=lambda item: item[1]):
            _, _, grade, need = key
            lender = lender_for(world, p, grade, need)
            if lender is None:
                continue
            del pool.lendable[grant]
            pool.withdraw(grant)
            lender.free -= need
            lender.busy += need
            grant.succeed(lender)


def _may_lend(world: World, p: int) -> bool:
    """Some rule for pool ``p`` applies now and its lender has a free unit (a shortcut: the
    step then lends nothing to ``p``)."""
    queue = len(world.pools[p].queue)
    return any(
        r.lender != p
        and p in r.pools
        and queue >= r.tipping_point
        and world.pools[r.lender].free > 0
        for r in world.rules
    )


def lender_for(world: World, p: int, grade: int, need: int) -> UnitPool | None:
    """The lender of the first rule covering pool ``p`` and ``grade`` whose tipping point the
    pool's queue reaches and whose lender has ``need`` units free; None if no rule does."""
    queue = len(world.pools[p].queue)
    for rule in world.rules:
        lender = world.pools[rule.lender]
        if rule.lender == p or p not in rule.pools or grade not in rule.grades:
            continue
        if queue >= rule.tipping_point and lender.free >= need:
            return lender
    return None


def roster(
    world: World, pool: UnitPool, times: np.ndarray, units: np.ndarray
) -> Generator[simpy.Event, None, None]:
    """Changes the units on duty at each roster change."""
    for when, level in zip(times, units, strict=True):
        yield world.clock.at(float(when))
        pool.on_duty = int(level)
        request_allocation(world, pool)
