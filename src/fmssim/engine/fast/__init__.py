"""The numba fast engine: small compiled kernels behind a Python wrapper.

:func:`supports` lists what the fast engine cannot run yet; :func:`run` returns exactly the
records of the reference engine for everything it supports.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fmssim.engine.fast.borrowing import borrowing_into
from fmssim.engine.fast.crews import crews_into
from fmssim.engine.fast.dispatch import dispatch_into
from fmssim.engine.fast.diversion import diversion_into
from fmssim.engine.fast.timeline import timeline_into
from fmssim.engine.records import Outcome
from fmssim.model.draws import Draws, IncidentDraws
from fmssim.model.inputs import Inputs

EVERY = np.empty(0, dtype=np.int64)
"""Pool members meaning all incidents, in order (nothing to gather or scatter)."""


def supports(inputs: Inputs) -> list[str]:
    """Model parts in ``inputs`` this engine lacks (empty: it runs the scenario exactly)."""
    return []


def run(inputs: Inputs, draws: Draws) -> Outcome:
    """Simulate one replication; identical records to :func:`fmssim.engine.des.run`."""
    d = draws.incidents
    out = Outcome.empty(len(d))
    columns = (out.assigned_min, out.arrived_min, out.cleared_min, out.free_min)
    jobs = (d.travel_min, d.on_scene_min, d.write_up_min)
    level_of_grade, n_levels = grade_levels(inputs.grades.priority)
    if _borrowing(inputs):
        _run_borrowing(inputs, d, out, level_of_grade, n_levels)
        timeline_into(columns, True, EVERY, out.assigned_min, jobs, inputs.grid.horizon_min)
        return out
    for k, ids in _pool_members(inputs.grades.pool, d.grade, len(inputs.pools.names)):
        every = ids is EVERY
        part = d if every else _take(d, ids)
        level = _levels(level_of_grade, part.grade)
        assigned = out.assigned_min if every else np.full(len(part), np.nan)
        diverted = out.diverted_min  # written only by the diversion kernel
        if inputs.p1_takes_en_route and not every:
            diverted = np.full(len(part), np.nan)
        queues = (n_levels, _p1_level(inputs, k, level_of_grade))
        _dispatch(inputs, k, part, level, queues, (assigned, diverted))
        if diverted is not out.diverted_min:
            out.diverted_min[ids] = diverted
        timeline_into(columns, every, ids, assigned, jobs, inputs.grid.horizon_min)
    return out


def _borrowing(inputs: Inputs) -> bool:
    """P1 may borrow from another pool (and P1 is attended by a pool)."""
    g = inputs.grades
    return len(inputs.p1_borrows_from) > 0 and "P1" in g.names and g.pool[g.names.index("P1")] >= 0


def _run_borrowing(
    inputs: Inputs,
    d: IncidentDraws,
    out: Outcome,
    level_of_grade: NDArray[np.int64],
    n_levels: int,
) -> None:
    """All pools at once through the joint kernel: allocation times and lenders into ``out``."""
    g, pools = inputs.grades, inputs.pools
    pool = g.pool[d.grade]
    p1 = np.flatnonzero(d.grade == g.names.index("P1"))
    p1_ids = p1[np.argsort(pool[p1], kind="stable")]
    p1_start = np.searchsorted(pool[p1_ids], np.arange(len(pools.names) + 1))
    lengths = [len(c) for c in pools.change_min]
    rosters = (
        np.concatenate([np.zeros(0), *pools.change_min]),
        np.concatenate([np.zeros(0, np.int64), *pools.change_units]).astype(np.int64),
        np.concatenate(([0], np.cumsum(lengths))).astype(np.int64),
    )
    borrowing_into(
        out.assigned_min,
        out.borrowed_from,
        (d.created_min, pool, level_of_grade[d.grade], g.units_needed[d.grade]),
        (d.travel_min, d.on_scene_min, d.write_up_min),
        n_levels,
        (p1_ids, p1_start.astype(np.int64)),
        rosters,
        inputs.p1_borrows_from,
        inputs.grid.horizon_min,
    )


def grade_levels(priority: NDArray[np.int64]) -> tuple[NDArray[np.int64], int]:
    """Queue level of each grade (0 most urgent; equal priorities share a level), and count."""
    levels, level_of_grade = np.unique(priority, return_inverse=True)
    return level_of_grade.astype(np.int64).reshape(-1), len(levels)


def _pool_members(
    grade_pool: NDArray[np.int64], grade: NDArray[np.int64], n_pools: int
) -> list[tuple[int, NDArray[np.int64]]]:
    """(pool, incident ids) for each pool; ``EVERY`` when one pool attends every grade."""
    one = len(grade) > 0 and len(grade_pool) > 0 and grade_pool[0] >= 0
    if one and np.all(grade_pool == grade_pool[0]):
        return [(int(grade_pool[0]), EVERY)]
    pool_of = grade_pool[grade]
    return [(k, np.flatnonzero(pool_of == k)) for k in range(n_pools)]


def _take(d: IncidentDraws, ids: NDArray[np.int64]) -> IncidentDraws:
    """The incidents ``ids`` of ``d``, in id order."""
    return IncidentDraws(
        created_min=d.created_min[ids],
        grade=d.grade[ids],
        travel_min=d.travel_min[ids],
        on_scene_min=d.on_scene_min[ids],
        write_up_min=d.write_up_min[ids],
    )


def _levels(level_of_grade: NDArray[np.int64], grade: NDArray[np.int64]) -> NDArray[np.int64]:
    """Queue level of each incident (no copy when levels are the grade indices themselves)."""
    if np.array_equal(level_of_grade, np.arange(len(level_of_grade))):
        return grade
    return level_of_grade[grade]


def _p1_level(inputs: Inputs, k: int, level_of_grade: NDArray[np.int64]) -> int:
    """Queue level of P1 if pool ``k`` attends P1, else -1."""
    g = inputs.grades
    if "P1" not in g.names or g.pool[g.names.index("P1")] != k:
        return -1
    return int(level_of_grade[g.names.index("P1")])


def _dispatch(
    inputs: Inputs,
    k: int,
    d: IncidentDraws,
    level: NDArray[np.int64],
    queues: tuple[int, int],
    out: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> None:
    """Write the allocation times of incidents ``d``, all attended by pool ``k``, into
    ``out[0]`` (NaN-filled), through the kernel the pool needs: the diversion kernel when a
    waiting P1 may take a travelling unit (which also writes ``out[1]``, when an incident lost
    its unit), the crews kernel for multi-unit grades, else the single-unit kernel.
    ``queues`` is (number of levels, level of P1 or -1)."""
    g, pools, horizon = inputs.grades, inputs.pools, inputs.grid.horizon_min
    assigned, diverted = out
    jobs = (d.travel_min, d.on_scene_min, d.write_up_min)
    roster = (pools.change_min[k], pools.change_units[k])
    n_levels = queues[0]
    if inputs.p1_takes_en_route:
        units = g.units_needed[d.grade]
        diversion_into(
            assigned, diverted, d.created_min, level, units, jobs, queues, roster, horizon
        )
    elif np.any(g.units_needed[g.pool == k] > 1):
        order = np.empty(len(d), np.int64)
        units = g.units_needed[d.grade]
        crews_into(assigned, order, d.created_min, level, units, jobs, n_levels, *roster, horizon)
    else:
        order = np.empty(len(d), np.int64)
        dispatch_into(assigned, order, d.created_min, level, *jobs, n_levels, *roster, horizon)
