"""Contact handling as SimPy processes: callers queue for a handler, may hang up and redial."""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from fmssim.engine.des.allocation import request_allocation, roster
from fmssim.engine.des.clock import Clock
from fmssim.engine.des.world import UnitPool, World
from fmssim.engine.records import ContactOutcome
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.inputs import Inputs

Process = Generator[simpy.Event, None, None]


def contact_source(world: World, inputs: Inputs, d: ContactDraws, out: ContactOutcome) -> Process:
    """Starts every contact at its first attempt's arrival; bot-closed chats never queue."""
    channels = inputs.channels
    for c in range(len(d)):
        yield world.clock.at(d.created_min[c])
        if d.bot[c]:
            continue
        ch = d.channel[c]
        pool = world.handlers[channels.pool[ch]]
        world.clock.process(caller(world, pool, int(channels.level[ch]), c, d, out))


def caller(
    world: World, pool: UnitPool, level: int, c: int, d: ContactDraws, out: ContactOutcome
) -> Process:
    """One contact: each attempt waits for a handler or hangs up when patience runs out;
    after hanging up the caller redials if a further attempt was drawn."""
    clock = world.clock
    for a in range(d.first[c], d.first[c + 1]):
        if a > d.first[c]:
            yield clock.at(out.abandoned_min[a - 1] + d.delay_min[a])
        out.arrived_min[a] = clock.now
        grant = clock.event()
        pool.wait(level, clock.now, a, grant)
        request_allocation(world, pool)
        if d.patience_min[a] < np.inf:
            yield grant | clock.timeout(d.patience_min[a])
        else:
            yield grant
        if not grant.triggered:
            out.abandoned_min[a] = clock.now
            pool.withdraw(grant)
            continue
        out.answered_min[a] = clock.now
        yield clock.timeout(d.handling_min[a])
        out.released_min[a] = clock.now
        pool.busy -= 1
        request_allocation(world, pool)
        return


def run_contacts(inputs: Inputs, draws: ContactDraws) -> ContactOutcome:
    """Simulate contact handling for one replication; every attempt's timeline."""
    clock = Clock()
    world = World(clock, [], [UnitPool() for _ in inputs.handlers.names])
    out = ContactOutcome.empty(len(draws.patience_min))
    for k, pool in enumerate(world.handlers):
        times, units = inputs.handlers.change_min[k], inputs.handlers.change_units[k]
        clock.process(roster(world, pool, times, units))
    clock.process(contact_source(world, inputs, draws, out))
    clock.run(until=inputs.grid.horizon_min)
    return out
