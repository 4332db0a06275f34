"""The SimPy reference engine: readable process functions over a shared :class:`World`."""

from __future__ import annotations

import numpy as np

from fmssim.engine.des.allocation import roster
from fmssim.engine.des.clock import Clock
from fmssim.engine.des.dispatch import source
from fmssim.engine.des.world import EnRoute, Rule, UnitPool, World
from fmssim.engine.records import Outcome
from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs


def run(inputs: Inputs, draws: Draws) -> Outcome:
    """Simulate one replication to the horizon and return every incident's timeline."""
    clock = Clock()
    world = World(clock, [UnitPool() for _ in inputs.pools.names])
    world.rules = rules(inputs)
    out = Outcome.empty(len(draws.incidents))
    if inputs.p1_takes_en_route:
        for pool in world.pools:
            pool.en_route = EnRoute(clock, out.lost_travel_min)
    for k, pool in enumerate(world.pools):
        clock.process(roster(world, pool, inputs.pools.change_min[k], inputs.pools.change_units[k]))
    clock.process(source(world, inputs, draws.incidents, out))
    clock.run(until=inputs.grid.horizon_min)
    return out


def rules(inputs: Inputs) -> list[Rule]:
    """The lending rules, in order, with their pools and grades as sets of indices."""
    r = inputs.lending
    return [
        Rule(
            int(r.lender[k]),
            frozenset(np.flatnonzero(r.pools[k]).tolist()),
            frozenset(np.flatnonzero(r.grades[k]).tolist()),
            int(r.tipping_point[k]),
        )
        for k in range(len(r))
    ]


__all__ = ["run"]
