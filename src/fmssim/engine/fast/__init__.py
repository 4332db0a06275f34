"""The numba fast engine: small compiled kernels behind a Python wrapper.

:func:`supports` lists what the fast engine cannot run yet; :func:`run` returns exactly the
records of the reference engine for everything it supports.
"""

from __future__ import annotations

import numpy as np

from fmssim.engine.fast.dispatch import dispatch_pool
from fmssim.engine.records import Outcome
from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs


def supports(inputs: Inputs) -> list[str]:
    """Model parts in ``inputs`` this engine lacks (empty: it runs the scenario exactly)."""
    return []


def run(inputs: Inputs, draws: Draws) -> Outcome:
    """Simulate one replication; identical records to :func:`fmssim.engine.des.run`."""
    d = draws.incidents
    out = Outcome.empty(len(d))
    pool_of = inputs.grades.pool[d.grade]
    levels, level_of_grade = np.unique(inputs.grades.priority, return_inverse=True)
    for k in range(len(inputs.pools.names)):
        ids = np.flatnonzero(pool_of == k)
        assigned = dispatch_pool(
            d.created_min[ids],
            level_of_grade[d.grade[ids]].astype(np.int64),
            d.travel_min[ids],
            d.on_scene_min[ids],
            d.write_up_min[ids],
            len(levels),
            inputs.pools.change_min[k],
            inputs.pools.change_units[k],
            inputs.grid.horizon_min,
        )
        _timeline(out, ids, assigned, d.travel_min, d.on_scene_min, d.write_up_min)
    _censor(out, inputs.grid.horizon_min)
    return out


def _timeline(out: Outcome, ids, assigned, travel, on_scene, write_up) -> None:  # type: ignore[no-untyped-def]
    """Arrival, clearance and release follow from the allocation time, as in the reference."""
    out.assigned_min[ids] = assigned
    out.arrived_min[ids] = assigned + travel[ids]
    out.cleared_min[ids] = out.arrived_min[ids] + on_scene[ids]
    out.free_min[ids] = out.cleared_min[ids] + write_up[ids]


def _censor(out: Outcome, horizon: float) -> None:
    """Instants at or after the horizon were never reached."""
    for times in (out.assigned_min, out.arrived_min, out.cleared_min, out.free_min):
        times[times >= horizon] = np.nan
