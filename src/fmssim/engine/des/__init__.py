"""The SimPy reference engine: readable process functions over a shared :class:`World`."""

from __future__ import annotations

from fmssim.engine.des.allocation import roster
from fmssim.engine.des.clock import Clock
from fmssim.engine.des.dispatch import source
from fmssim.engine.des.world import EnRoute, UnitPool, World
from fmssim.engine.records import Outcome
from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs


def run(inputs: Inputs, draws: Draws) -> Outcome:
    """Simulate one replication to the horizon and return every incident's timeline."""
    clock = Clock()
    world = World(clock, [UnitPool() for _ in inputs.pools.names])
    world.lenders = [world.pools[k] for k in inputs.p1_borrows_from]
    if inputs.p1_takes_en_route:
        for pool in world.pools:
            pool.en_route = EnRoute(clock)
    out = Outcome.empty(len(draws.incidents))
    for k, pool in enumerate(world.pools):
        clock.process(roster(world, pool, inputs.pools.change_min[k], inputs.pools.change_units[k]))
    clock.process(source(world, inputs, draws.incidents, out))
    clock.run(until=inputs.grid.horizon_min)
    return out


__all__ = ["run"]
