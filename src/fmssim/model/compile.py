"""The bridge: one function turns a validated scenario into engine inputs."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fmssim.model.durations import duration_spec
from fmssim.model.inputs import GradeInputs, Inputs, PoolInputs
from fmssim.model.timegrid import MIN_PER_HOUR, TimeGrid, build_grid
from fmssim.scenario.demand import HOURS_PER_WEEK, Stream
from fmssim.scenario.resources import DispatchPool
from fmssim.scenario.root import Scenario


def compile_scenario(s: Scenario) -> Inputs:
    """Compile ``s`` (already validated and support-checked) into arrays."""
    grid = build_grid(s.calendar)
    return Inputs(
        name=s.name,
        seed=s.experiment.seed,
        grid=grid,
        grades=_grades(s, grid),
        pools=_pools(s, grid),
    )


def _grades(s: Scenario, grid: TimeGrid) -> GradeInputs:
    names = tuple(sorted(s.dispatch.grades, key=lambda g: (s.dispatch.priority_of(g), g)))
    pool_index = {name: i for i, name in enumerate(sorted(s.pools))}
    grades = [s.dispatch.grades[g] for g in names]
    rates = np.zeros((len(names), grid.n_hours))
    for i, name in enumerate(names):
        stream = s.demand.incidents.get(name)
        if stream is not None:
            rates[i] = stream_rate_per_hour(stream, s, grid)
    return GradeInputs(
        names=names,
        priority=np.array([s.dispatch.priority_of(g) for g in names], dtype=np.int64),
        target_min=np.array([np.nan if g.target_min is None else g.target_min for g in grades]),
        pool=np.array([-1 if g.pool is None else pool_index[g.pool] for g in grades], np.int64),
        rate_per_hour=rates,
        travel=tuple(duration_spec(g.travel_min) for g in grades),
        on_scene=tuple(duration_spec(g.on_scene_min) for g in grades),
        write_up=tuple(duration_spec(g.write_up_min) for g in grades),
    )


def stream_rate_per_hour(stream: Stream, s: Scenario, grid: TimeGrid) -> NDArray[np.float64]:
    """Arrivals per hour in each grid hour: annual volume / hours in year × profile factors."""
    how = (
        np.asarray(s.profiles[stream.profile].normalised())
        if stream.profile is not None
        else np.ones(HOURS_PER_WEEK)
    )
    month = np.ones(12)
    if stream.month_factors is not None:
        month = np.asarray(stream.month_factors) / np.mean(stream.month_factors)
    volumes = np.asarray(_annual_volumes(stream, grid.year_labels))
    year = np.maximum(grid.year_index, 0)
    hours_in_year = np.diff(grid.year_bounds_min) / MIN_PER_HOUR
    full_year_hours = 8760.0
    per_hour = volumes / np.maximum(hours_in_year, full_year_hours)
    rate: NDArray[np.float64] = per_hour[year] * how[grid.hour_of_week] * month[grid.month]
    return rate


def _annual_volumes(stream: Stream, labels: tuple[int, ...]) -> list[float]:
    out = []
    volume = stream.annual_volume
    for k, label in enumerate(labels):
        if k > 0:
            volume = volume * (1.0 + stream.growth.pct_per_year / 100.0)
        volume = stream.growth.volumes.get(label, volume)
        out.append(volume)
    return out


def _pools(s: Scenario, grid: TimeGrid) -> PoolInputs:
    names = tuple(sorted(s.pools))
    units = np.array([_units_per_hour(s.pools[n], grid) for n in names], dtype=np.int64)
    units = units.reshape(len(names), grid.n_hours)
    changes = [_step_changes(row) for row in units]
    return PoolInputs(
        names=names,
        units_per_hour=units,
        change_min=tuple(c[0] for c in changes),
        change_units=tuple(c[1] for c in changes),
    )


def _units_per_hour(pool: DispatchPool, grid: TimeGrid) -> NDArray[np.int64]:
    roster = pool.roster
    if roster.on_duty is not None:
        officers = np.full(HOURS_PER_WEEK, roster.on_duty, dtype=np.float64)
    elif roster.hour_of_week is not None:
        officers = np.asarray(roster.hour_of_week, dtype=np.float64)
    else:
        raise ValueError("shift rosters are not compiled yet")
    units = np.rint(officers * (1.0 - pool.double_crewed_share / 2.0)).astype(np.int64)
    result: NDArray[np.int64] = units[grid.hour_of_week]
    return result


def _step_changes(units: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Times where the hourly series changes value (always including time 0)."""
    idx = np.flatnonzero(np.diff(units)) + 1
    idx = np.concatenate(([0], idx))
    return idx.astype(np.float64) * MIN_PER_HOUR, units[idx].copy()
