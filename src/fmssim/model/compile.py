"""The bridge: one function turns a validated scenario into engine inputs."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fmssim.model.compile_cases import investigation_inputs
from fmssim.model.compile_contact import contact_policy, control_rooms
from fmssim.model.durations import duration_spec
from fmssim.model.incident_types import type_inputs
from fmssim.model.inputs import (
    AppointmentSpec,
    ChannelInputs,
    GradeInputs,
    Inputs,
    LendingInputs,
    PoolInputs,
    TravelScaling,
)
from fmssim.model.rosters import tile, weekly_steps
from fmssim.model.timegrid import MIN_PER_HOUR, TimeGrid, build_grid
from fmssim.model.workload import handler_job_hours, pool_job_hours
from fmssim.scenario.demand import HOURS_PER_WEEK, Stream
from fmssim.scenario.dispatch import Appointment, LendingRule
from fmssim.scenario.distributions import ZERO
from fmssim.scenario.forecast import bot_share_by_year, grade_mix_by_year
from fmssim.scenario.root import Scenario
from fmssim.workforce.coupling import with_workforce


def compile_scenario(s: Scenario) -> Inputs:
    """Compile ``s`` (already validated and support-checked) into arrays."""
    grid = build_grid(s.calendar)
    grades = _grades(s, grid)
    handlers, concurrency = _handler_pools(s, grid)
    inputs = Inputs(
        name=s.name,
        seed=s.experiment.seed,
        grid=grid,
        grades=grades,
        pools=_pools(s, grid),
        channels=_channels(s, grid, grades.names),
        handlers=handlers,
        handler_concurrency=concurrency,
        handler_reserved=_reserved(s),
        **control_rooms(s, grid.origin),
        handler_reserved_share=np.array(
            [p.reserved_share for p in (s.contact.pools.values() if s.contact else [])]
        ),
        chained=s.contact is not None and s.contact.chained,
        p1_takes_en_route=s.dispatch.options.p1_takes_en_route_unit,
        p1_borrows_from=np.array(
            [sorted(s.pools).index(p) for p in s.dispatch.options.p1_borrows_from], np.int64
        ),
        lending=_lending(s, grades.names),
        investigations=investigation_inputs(s, _crime_rates(s, grid), grades.names),
        travel_scaling=_travel_scaling(s),
    )
    return with_workforce(s, inputs)


def _travel_scaling(s: Scenario) -> TravelScaling | None:
    """Pools whose travel follows the square-root law (None: none does)."""
    names = sorted(s.pools)
    scaled = [(i, s.pools[n].travel_scaling, n) for i, n in enumerate(names)]
    found = [(i, t, n) for i, t, n in scaled if t is not None]
    if not found:
        return None
    return TravelScaling(
        pool=np.array([i for i, _, _ in found], np.int64),
        reference_idle=np.array([t.reference_idle_units for _, t, _ in found]),
        exponent=np.array([t.exponent for _, t, _ in found]),
        job_hours=np.array([pool_job_hours(s, n) for _, _, n in found]),
    )


def _lending(s: Scenario, grade_names: tuple[str, ...]) -> LendingInputs:
    """``p1_borrows_from`` as rules {lender, grades: [P1]}, then the ``lending`` rules."""
    pools = sorted(s.pools)
    options = s.dispatch.options
    rules = [LendingRule(lender=x, grades=["P1"]) for x in options.p1_borrows_from]
    rules = [*rules, *options.lending]
    borrowers = np.zeros((len(rules), len(pools)), np.bool_)
    grades = np.zeros((len(rules), len(grade_names)), np.bool_)
    for r, rule in enumerate(rules):
        for p in rule.pools or [p for p in pools if p != rule.lender]:
            borrowers[r, pools.index(p)] = True
        for g in rule.grades:
            if g in grade_names:
                grades[r, grade_names.index(g)] = True
    return LendingInputs(
        lender=np.array([pools.index(rule.lender) for rule in rules], np.int64),
        pools=borrowers,
        grades=grades,
        tipping_point=np.array([rule.tipping_point for rule in rules], np.int64),
    )


def _crime_rates(s: Scenario, grid: TimeGrid) -> NDArray[np.float64]:
    """Hourly rate of each crime stream, shape (types, hours)."""
    rates = [stream_rate_per_hour(c, s, grid) for c in s.demand.crimes.values()]
    return np.array(rates).reshape(len(rates), grid.n_hours)


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
        units_needed=np.array([g.units_needed for g in grades], dtype=np.int64),
        appointment=tuple(_appointment(g.appointment) for g in grades),
        pre_dispatch=tuple(duration_spec(g.pre_dispatch_min) for g in grades),
        types=type_inputs(s.dispatch, names),
    )


def _appointment(a: Appointment | None) -> AppointmentSpec | None:
    """Booking delay in minutes, and the slots of a day spread evenly from its start."""
    if a is None:
        return None
    start = a.day_start.hour * 60 + a.day_start.minute
    end = a.day_end.hour * 60 + a.day_end.minute
    slots = start + np.arange(a.slots_per_day, dtype=np.float64) * ((end - start) / a.slots_per_day)
    return AppointmentSpec(duration_spec(a.booking_delay_hours, MIN_PER_HOUR), slots)


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
    """Dispatch pools: units on duty = officers × (1 − double-crewed share / 2), rounded."""
    names = tuple(sorted(s.pools))
    tiled = []
    for name in names:
        pool = s.pools[name]
        starts, people = weekly_steps(pool.roster, s.profiles, pool_job_hours(s, name))
        units = np.rint(people * (1.0 - pool.double_crewed_share / 2.0)).astype(np.int64)
        tiled.append(tile((starts, people), units, grid))
    return _pool_inputs(names, tiled, grid)


def _handler_pools(s: Scenario, grid: TimeGrid) -> tuple[PoolInputs, NDArray[np.int64]]:
    """Handler pools; their units are answer slots (handlers × chat concurrency)."""
    pools = s.contact.pools if s.contact is not None else {}
    names = tuple(pools)
    tiled = []
    for name in names:
        job = handler_job_hours(s, name)
        starts, people = weekly_steps(pools[name].roster, s.profiles, job)
        slots = np.rint(people).astype(np.int64) * pools[name].chat_concurrency
        tiled.append(tile((starts, people), slots, grid))
    concurrency = np.array([pools[n].chat_concurrency for n in names], dtype=np.int64)
    return _pool_inputs(names, tiled, grid), concurrency


def _pool_inputs(
    names: tuple[str, ...],
    tiled: list[tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]],
    grid: TimeGrid,
) -> PoolInputs:
    per_hour = np.array([t[2] for t in tiled], dtype=np.int64).reshape(len(names), grid.n_hours)
    return PoolInputs(
        names=names,
        units_per_hour=per_hour,
        change_min=tuple(t[0] for t in tiled),
        change_units=tuple(t[1] for t in tiled),
    )


def _channels(s: Scenario, grid: TimeGrid, grade_names: tuple[str, ...]) -> ChannelInputs:
    names = tuple(s.demand.channels)
    if not names:
        return ChannelInputs.none(grid.n_hours, len(grade_names))
    pools = s.contact.pools if s.contact is not None else {}
    where: dict[str, tuple[int, int]] = {}  # a channel's (first) pool and its level there
    for i, p in enumerate(pools.values()):
        for lv, ch in enumerate(p.channels):
            where.setdefault(ch, (i, lv))
    chans = [s.demand.channels[n] for n in names]
    to_min = 1.0 / 60.0
    mix = np.array([[c.grade_mix.get(g, 0.0) for g in grade_names] for c in chans])
    return ChannelInputs(
        names=names,
        pool=np.array([where[n][0] for n in names], dtype=np.int64),
        level=np.array([where[n][1] for n in names], dtype=np.int64),
        rate_per_hour=np.array([stream_rate_per_hour(c, s, grid) for c in chans]),
        handling=tuple(duration_spec(c.handling_sec, to_min) for c in chans),
        patience=tuple(
            None if c.patience_sec is None else duration_spec(c.patience_sec, to_min) for c in chans
        ),
        redial_share=np.array([c.redial_share for c in chans]),
        redial_delay=tuple(duration_spec(c.redial_delay_sec or ZERO, to_min) for c in chans),
        max_redials=np.array([c.max_redials for c in chans], dtype=np.int64),
        bot_share=np.array([c.bot_share for c in chans]),
        answer_target_min=np.array([c.answer_target_sec * to_min for c in chans]),
        grade_cdf=np.cumsum(mix, axis=1),
        crime_share=np.array([c.crime_share for c in chans]),
        grade_cdf_by_year=_forecast_cdf(s, grid, grade_names),
        bot_share_by_year=bot_share_by_year(s, grid.year_labels),
        **contact_policy(s, names),
    )


def _reserved(s: Scenario) -> NDArray[np.int64]:
    """Answer slots reserved for each handler pool's first channel."""
    pools = s.contact.pools.values() if s.contact is not None else []
    return np.array([p.reserved * p.chat_concurrency for p in pools], dtype=np.int64)


def _forecast_cdf(
    s: Scenario, grid: TimeGrid, grade_names: tuple[str, ...]
) -> NDArray[np.float64] | None:
    """Cumulative grade shares per planning year when incidents follow a forecast."""
    if not s.demand.incident_forecast:
        return None  # the loader has checked that the mixes carry the forecast
    return np.cumsum(grade_mix_by_year(s, grade_names, grid.year_labels), axis=2)
