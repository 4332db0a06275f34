"""Rosters and allocation, shared by dispatch and handler pools: allocate once per instant.

Waiting entries are tuples ordered by priority first (a heap); the last element is the event
that grants the entry its unit or handler.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator

import numpy as np
import simpy

from fmssim.engine.des.clock import BORROW, DISPATCH
from fmssim.engine.des.world import EnRoute, UnitPool, World


def request_allocation(world: World, pool: UnitPool) -> None:
    """Allocate once, after every other event of this instant (then borrow, if on)."""
    if pool.allocation_pending:
        return
    pool.allocation_pending = True
    world.clock.at(world.clock.now, DISPATCH).callbacks.append(lambda _: allocate(pool))
    if world.lenders and not world.borrow_pending:
        world.borrow_pending = True
        world.clock.at(world.clock.now, BORROW).callbacks.append(lambda _: borrow(world))


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
    and queues again in its old place (its priority and creation order)."""
    now = en_route.clock.now
    waiting = en_route.p1_waiting
    while waiting:
        grant = waiting[0]
        if grant.triggered:
            waiting.popleft()
            continue
        travelling = [key for key, (arrival, _) in en_route.jobs.items() if arrival > now]
        if not travelling:
            break
        victim = max(travelling)
        waiting.popleft()
        _, lost = en_route.jobs.pop(victim)
        pool.withdraw(grant)
        again = en_route.clock.event()
        pool.wait(*victim, again)
        lost.succeed(again)
        grant.succeed(pool)


def borrow(world: World) -> None:
    """After every pool's own allocation: for each pool in name order whose own units are all
    taken, each P1 still waiting, in creation order, takes a free unit of the first lender
    (in the order listed) that has one. The grant's value is the lender."""
    world.borrow_pending = False
    for pool in world.pools:
        waiting = pool.borrowers
        while waiting and waiting[0].triggered:
            waiting.popleft()
        if pool.free > 0:
            continue
        for grant in list(waiting):
            if grant.triggered:
                continue
            lender = next((p for p in world.lenders if p is not pool and p.free > 0), None)
            if lender is None:
                break
            waiting.remove(grant)
            pool.withdraw(grant)
            lender.free -= 1
            lender.busy += 1
            grant.succeed(lender)


def roster(
    world: World, pool: UnitPool, times: np.ndarray, units: np.ndarray
) -> Generator[simpy.Event, None, None]:
    """Changes the units on duty at each roster change."""
    for when, level in zip(times, units, strict=True):
        yield world.clock.at(float(when))
        pool.on_duty = int(level)
        request_allocation(world, pool)
