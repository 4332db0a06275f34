"""Coupling without touching the engines: effective strength scales rosters month by month.

A pool with ``department: X`` has its rostered people multiplied by X's effective strength
relative to the start month, ``factor(m) = effective_fte(m) / effective_fte(0)``, from the
first instant of month m; then the pool's usual conversion to units rounds once:

* dispatch pool: units = round(people × factor × (1 − double-crewed share / 2));
* handler pool: answer slots = round(people × factor) × chat concurrency.

Month starts become roster change times, which both engines already handle exactly. The
warm-up and the start month keep factor 1, so with factor 1 everywhere the pools are
bit-identical to the unscaled ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from fmssim.model.inputs import Inputs, PoolInputs
from fmssim.model.rosters import tile, weekly_steps
from fmssim.model.streams import StreamKind, generator
from fmssim.model.timegrid import MIN_PER_HOUR, TimeGrid
from fmssim.model.workload import handler_job_hours, pool_job_hours
from fmssim.scenario.root import Scenario
from fmssim.workforce.handlers import HandlerPlan, run_handlers
from fmssim.workforce.inputs import ScaledPool, WorkforceInputs, factor_steps
from fmssim.workforce.mode import Stochastic
from fmssim.workforce.pipeline import Monthly, run_pipeline
from fmssim.workforce.plan import build_plan, month_starts


def with_workforce(s: Scenario, inputs: Inputs) -> Inputs:
    """``inputs`` with the workforce compiled; in expected mode, pools already scaled."""
    if s.workforce is None:
        return inputs
    grid = inputs.grid
    plan = build_plan(s.workforce, s.calendar.start, s.calendar.end)
    step_min, labels = _steps(s.calendar.start, s.calendar.end, s.workforce.steps_per_month, grid)
    clipped = np.maximum(step_min, grid.warmup_min)
    year = np.searchsorted(grid.year_bounds_min, clipped, side="right") - 1
    year[year >= len(grid.year_labels)] = -1
    workforce = WorkforceInputs(
        plan,
        s.workforce.mode,
        step_min,
        year.astype(np.int64),
        _pools(s),
        labels,
        investigators=_investigators(s),
        handler_plans=tuple(HandlerPlan.build(n, h) for n, h in s.workforce.handlers.items()),
        handler_pools=_handler_pools(s),
    )
    if workforce.mode == "expected":
        workforce = replace(workforce, expected=run_pipeline(plan))
    inputs = replace(inputs, workforce=workforce)
    if workforce.expected is not None:
        return scaled(inputs, workforce.expected)
    return inputs


def replication_inputs(inputs: Inputs, replication: int) -> tuple[Inputs, Monthly | None]:
    """The inputs one replication runs, and its pipeline: in stochastic mode the pipeline is
    drawn from the replication's own stream and the pools are rescaled by it."""
    workforce = inputs.workforce
    if workforce is None:
        return inputs, None
    if workforce.expected is not None:
        return inputs, workforce.expected
    rng = generator(inputs.seed, replication, StreamKind.WORKFORCE, "pipeline")
    monthly = run_pipeline(workforce.plan, Stochastic(rng))
    staff_rng = generator(inputs.seed, replication, StreamKind.WORKFORCE, "handlers")
    return scaled(inputs, monthly, staff_rng), monthly


def scaled(
    inputs: Inputs, monthly: Monthly, staff_rng: np.random.Generator | None = None
) -> Inputs:
    """``inputs`` with every department pool's roster, and every coupled investigation
    department's work rate, scaled by ``monthly``'s factors; handler pools following a
    handler department by its pipeline (``staff_rng`` None: expected values), their
    handling times by its proficiency."""
    workforce = inputs.workforce
    if workforce is None:
        return inputs
    factors = monthly.factors()
    pools, handlers = inputs.pools, inputs.handlers
    for pool in workforce.pools:
        times, values = factor_steps(workforce.step_min, factors[:, pool.department])
        steps = _scaled_steps(pool, times, values, inputs.grid)
        if pool.kind == "dispatch":
            pools = _with_steps(pools, pool.index, steps)
        else:
            handlers = _with_steps(handlers, pool.index, steps)
    cases = inputs.investigations
    for d, department in workforce.investigators if cases is not None else ():
        assert cases is not None
        cases = cases.with_rate_steps(d, *factor_steps(workforce.step_min, factors[:, department]))
    inputs = replace(inputs, pools=pools, handlers=handlers, investigations=cases)
    if not workforce.handler_pools:
        return inputs
    return _staffed(inputs, workforce, monthly, staff_rng)


def _staffed(
    inputs: Inputs, workforce: WorkforceInputs, monthly: Monthly, rng: np.random.Generator | None
) -> Inputs:
    """Handler pools scaled by their handler department's pipeline: rosters by the handlers
    on the phones, handling times by their proficiency (both relative to the start)."""
    staff = run_handlers(workforce.handler_plans, monthly["joiners"].sum(axis=1), rng)
    rosters, slowness = staff.roster_factors(), staff.handling_factors()
    handlers = inputs.handlers
    one = (np.zeros(1), np.ones(1))
    speed = [one] * len(handlers.names)
    for pool in workforce.handler_pools:
        times, values = factor_steps(workforce.step_min, rosters[:, pool.department])
        handlers = _with_steps(
            handlers, pool.index, _scaled_steps(pool, times, values, inputs.grid)
        )
        speed[pool.index] = factor_steps(workforce.step_min, slowness[:, pool.department])
    return replace(inputs, handlers=handlers, handler_speed=tuple(speed), handler_staff=staff)


def _investigators(s: Scenario) -> tuple[tuple[int, int], ...]:
    """Investigation departments (in the compiler's order) scaled by a workforce department."""
    assert s.workforce is not None
    if s.investigations is None:
        return ()
    names = tuple(s.workforce.departments)
    return tuple(
        (d, names.index(dept.department))
        for d, dept in enumerate(s.investigations.departments.values())
        if dept.department is not None
    )


def _pools(s: Scenario) -> tuple[ScaledPool, ...]:
    assert s.workforce is not None
    names = tuple(s.workforce.departments)
    found = []
    for i, name in enumerate(sorted(s.pools)):  # the compiler's dispatch pool order
        pool = s.pools[name]
        if pool.department is not None:
            crew = 1.0 - pool.double_crewed_share / 2.0
            weekly = weekly_steps(pool.roster, s.profiles, pool_job_hours(s, name))
            found.append(ScaledPool("dispatch", i, names.index(pool.department), weekly, crew))
    handlers = s.contact.pools if s.contact is not None else {}
    for i, (hname, handler) in enumerate(handlers.items()):
        if handler.department is not None and handler.department in names:
            weekly = weekly_steps(handler.roster, s.profiles, handler_job_hours(s, hname))
            conc = float(handler.chat_concurrency)
            found.append(ScaledPool("handlers", i, names.index(handler.department), weekly, conc))
    return tuple(found)


def _handler_pools(s: Scenario) -> tuple[ScaledPool, ...]:
    """Handler pools whose ``department`` is a handler department (``workforce.handlers``)."""
    assert s.workforce is not None
    names = tuple(s.workforce.handlers)
    handlers = s.contact.pools if s.contact is not None else {}
    return tuple(
        ScaledPool(
            "handlers",
            i,
            names.index(handler.department),
            weekly_steps(handler.roster, s.profiles, handler_job_hours(s, hname)),
            float(handler.chat_concurrency),
        )
        for i, (hname, handler) in enumerate(handlers.items())
        if handler.department in names
    )


def _steps(
    start: dt.date, end: dt.date, k: int, grid: TimeGrid
) -> tuple[NDArray[np.float64], tuple[str, ...]]:
    """Start minute and label of every step: each month split into ``k`` equal steps."""
    months = month_starts(start, end)
    bounds = [*months, _next_month(months[-1])]
    minutes = [(_midnight(m) - grid.origin).total_seconds() / 60.0 for m in bounds]
    step_min, labels = [], []
    for i, month in enumerate(months):
        length = minutes[i + 1] - minutes[i]
        for j in range(k):
            step_min.append(minutes[i] + length * j / k)
            labels.append(month.strftime("%Y-%m") + (f"/{j + 1}" if k > 1 else ""))
    return np.array(step_min), tuple(labels)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


Tiled = tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]


def _scaled_steps(
    pool: ScaledPool, times: NDArray[np.float64], factors: NDArray[np.float64], grid: TimeGrid
) -> Tiled:
    """Change times and units of a pool whose people are multiplied by a step factor."""
    starts, people = pool.weekly
    which = np.arange(len(starts), dtype=np.int64)
    week_min, week_step, _ = tile((starts, people), which, grid)
    inside = times[(times > 0) & (times < grid.horizon_min)]
    change = np.union1d(week_min, inside)
    step = week_step[np.searchsorted(week_min, change, side="right") - 1]
    factor = factors[np.searchsorted(times, change, side="right") - 1]
    scaled_people = people[step] * factor
    if pool.kind == "dispatch":
        units = np.rint(scaled_people * pool.per_person).astype(np.int64)
    else:
        units = np.rint(scaled_people).astype(np.int64) * int(pool.per_person)
    keep = np.concatenate(([True], np.diff(units) != 0))
    change_min, change_units = change[keep], units[keep]
    hours = np.arange(grid.n_hours) * MIN_PER_HOUR
    per_hour = change_units[np.searchsorted(change_min, hours, side="right") - 1]
    return change_min, change_units, per_hour


def _with_steps(pools: PoolInputs, index: int, steps: Tiled) -> PoolInputs:
    change_min = list(pools.change_min)
    change_units = list(pools.change_units)
    change_min[index], change_units[index] = steps[0], steps[1]
    per_hour = pools.units_per_hour.copy()
    per_hour[index] = steps[2]
    return replace(
        pools,
        change_min=tuple(change_min),
        change_units=tuple(change_units),
        units_per_hour=per_hour,
    )
