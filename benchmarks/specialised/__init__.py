"""Today's specialised kernels, before the composing one, kept to time against it.

Until issue 13 the fast engine ran one kernel per dispatch option: crews (incidents needing
several units), diversion (a P1 taking an en-route unit) and borrowing (P1 borrowing from
other pools), one option at a time. :func:`run` reproduces that choice, so that
``test_bench_compose.py`` can time the composing kernel against the kernel it replaces on the
same workload (``check_ratios.py`` requires composed ≤ 1.3 × specialised).
"""

from __future__ import annotations

import numpy as np

from fmssim.engine.fast import EVERY, _levels, _pool_members, _take, grade_levels
from fmssim.engine.fast.timeline import timeline_into
from fmssim.engine.records import Outcome
from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs
from specialised.borrowing import borrowing_into
from specialised.crews import crews_into
from specialised.diversion import diversion_into


def run(inputs: Inputs, draws: Draws) -> Outcome:
    """The records of today's fast engine, through the specialised kernel of the option."""
    d = draws.incidents
    out = Outcome.empty(len(d))
    columns = (out.assigned_min, out.arrived_min, out.cleared_min, out.free_min)
    jobs = (d.travel_min, d.on_scene_min, d.write_up_min)
    level_of_grade, n_levels = grade_levels(inputs.grades.priority)
    if len(inputs.p1_borrows_from) > 0:
        _borrowing(inputs, draws, out, level_of_grade, n_levels)
        timeline_into(columns, True, EVERY, out.assigned_min, jobs, inputs.grid.horizon_min)
        return out
    g, horizon = inputs.grades, inputs.grid.horizon_min
    for k, ids in _pool_members(g.pool, d.grade, len(inputs.pools.names)):
        every = ids is EVERY
        part = d if every else _take(d, ids)
        level = _levels(level_of_grade, part.grade)
        assigned = out.assigned_min if every else np.full(len(part), np.nan)
        roster = (inputs.pools.change_min[k], inputs.pools.change_units[k])
        units = g.units_needed[part.grade]
        part_jobs = (part.travel_min, part.on_scene_min, part.write_up_min)
        if inputs.p1_takes_en_route:
            p1 = int(level_of_grade[g.names.index("P1")])
            diverted = out.diverted_min if every else np.full(len(part), np.nan)
            queues = (n_levels, p1)
            diversion_into(
                assigned,
                diverted,
                part.created_min,
                level,
                units,
                part_jobs,
                queues,
                roster,
                horizon,
            )
        else:
            order = np.empty(len(part), np.int64)
            crews_into(
                assigned,
                order,
                part.created_min,
                level,
                units,
                part_jobs,
                n_levels,
                *roster,
                horizon,
            )
        timeline_into(columns, every, ids, assigned, jobs, horizon)
    return out


def _borrowing(
    inputs: Inputs, draws: Draws, out: Outcome, level_of_grade: np.ndarray, n_levels: int
) -> None:
    d, g, pools = draws.incidents, inputs.grades, inputs.pools
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
