"""The numba fast engine: small compiled kernels behind a Python wrapper.

:func:`supports` lists what the fast engine cannot run yet; :func:`run` returns exactly the
records of the reference engine for everything it supports.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fmssim.engine.fast.compose import compose_into
from fmssim.engine.fast.dispatch import dispatch_into
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
    if composed(inputs):
        _run_composed(inputs, d, out, level_of_grade, n_levels)
        timeline_into(columns, True, EVERY, out.assigned_min, jobs, inputs.grid.horizon_min)
        return out
    for k, ids in _pool_members(inputs.grades.pool, d.grade, len(inputs.pools.names)):
        every = ids is EVERY
        part = d if every else _take(d, ids)
        level = _levels(level_of_grade, part.grade)
        assigned = out.assigned_min if every else np.full(len(part), np.nan)
        order = np.empty(len(part), np.int64)
        roster = (inputs.pools.change_min[k], inputs.pools.change_units[k])
        part_jobs = (part.travel_min, part.on_scene_min, part.write_up_min)
        horizon = inputs.grid.horizon_min
        dispatch_into(
            assigned, order, part.created_min, level, *part_jobs, n_levels, *roster, horizon
        )
        timeline_into(columns, every, ids, assigned, jobs, horizon)
    return out


def composed(inputs: Inputs) -> bool:
    """The scenario needs the composing kernel: crews, lending or a P1 taking an en-route unit
    (otherwise every pool runs the single-unit kernel, which gives the same records faster)."""
    g = inputs.grades
    attended = g.pool >= 0
    crews = bool(np.any(g.units_needed[attended] > 1))
    lending = bool(np.any(inputs.lending.grades[:, attended]))
    return crews or lending or _p1_pool(inputs) >= 0


def _p1_pool(inputs: Inputs) -> int:
    """The pool attending P1 when a waiting P1 may take an en-route unit, else -1."""
    g = inputs.grades
    if not inputs.p1_takes_en_route or "P1" not in g.names:
        return -1
    return int(g.pool[g.names.index("P1")])


def _run_composed(
    inputs: Inputs,
    d: IncidentDraws,
    out: Outcome,
    level_of_grade: NDArray[np.int64],
    n_levels: int,
) -> None:
    """All pools at once through the composing kernel: allocation times, lenders, diversions
    and lost travel into ``out``."""
    g, pools, rules = inputs.grades, inputs.pools, inputs.lending
    p1_pool = _p1_pool(inputs)
    p1_level = int(level_of_grade[g.names.index("P1")]) if p1_pool >= 0 else -1
    lengths = [len(c) for c in pools.change_min]
    rosters = (
        np.concatenate([np.zeros(0), *pools.change_min]),
        np.concatenate([np.zeros(0, np.int64), *pools.change_units]).astype(np.int64),
        np.concatenate(([0], np.cumsum(lengths))).astype(np.int64),
    )
    compose_into(
        (out.assigned_min, out.borrowed_from, out.diverted_min, out.lost_travel_min),
        np.empty(len(d), np.int64),
        (d.created_min, d.grade),
        (g.pool, level_of_grade, g.units_needed),
        (d.travel_min, d.on_scene_min, d.write_up_min),
        (n_levels, _covered(inputs, level_of_grade, n_levels)),
        rosters,
        (rules.lender, rules.pools, rules.grades, rules.tipping_point) if len(rules) else None,
        (p1_pool, p1_level) if p1_pool >= 0 else None,
        inputs.grid.horizon_min,
    )


def _covered(inputs: Inputs, level_of_grade: NDArray[np.int64], n_levels: int) -> NDArray[np.bool_]:
    """Per (pool, queue level): whether some lending rule lends to a grade of that level."""
    rules = inputs.lending
    covered = np.zeros((len(inputs.pools.names), n_levels), np.bool_)
    for r in range(len(rules)):
        for g in np.flatnonzero(rules.grades[r]):
            covered[rules.pools[r], level_of_grade[g]] = True
    return covered


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
