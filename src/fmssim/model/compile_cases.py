"""The investigation part of the bridge: departments and crime types into arrays."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fmssim.model.case_inputs import CrimeTypeInputs, InvestigationInputs
from fmssim.model.durations import DurationSpec, duration_spec
from fmssim.model.timegrid import MIN_PER_DAY
from fmssim.scenario.distributions import ZERO
from fmssim.scenario.root import Scenario

NO_AGE = DurationSpec("fixed", 0.0)
HOURS_PER_YEAR = 365.0 * 24.0
MIN_PER_WEEK = 7.0 * MIN_PER_DAY


def investigation_inputs(
    s: Scenario, crime_rates: NDArray[np.float64], grade_names: tuple[str, ...]
) -> InvestigationInputs | None:
    """Departments and crime types of ``s``; ``crime_rates`` are the types' hourly rates
    (shape (types, hours), in ``s.demand.crimes`` order); ``grade_names`` the grades in
    ``GradeInputs`` order. None without investigations."""
    if s.investigations is None:
        return None
    names = tuple(s.investigations.departments)
    depts = [s.investigations.departments[n] for n in names]
    n_inv = np.array([max(1, round(d.investigators_fte)) for d in depts], dtype=np.int64)
    fte_avail = np.array([d.investigators_fte * d.availability for d in depts])
    backlogs = [d.backlog for d in depts]
    return InvestigationInputs(
        names=names,
        investigators=n_inv,
        cap=np.array([d.caseload_cap for d in depts], dtype=np.int64),
        rate=fte_avail / n_inv,
        change_min=tuple(np.zeros(1) for _ in names),
        change_factor=tuple(np.ones(1) for _ in names),
        floor=tuple(
            None if d.min_elapsed_days is None else duration_spec(d.min_elapsed_days, MIN_PER_DAY)
            for d in depts
        ),
        stage_names=tuple(tuple(d.stages) for d in depts),
        stage_servers=tuple(
            np.array([-1 if g.servers is None else g.servers for g in d.stages.values()], np.int64)
            for d in depts
        ),
        stage_time=tuple(
            tuple(duration_spec(g.days, MIN_PER_DAY) for g in d.stages.values()) for d in depts
        ),
        investigator_class=tuple(
            _classes(d.classes, int(n)) for d, n in zip(depts, n_inv, strict=True)
        ),
        class_names=tuple(tuple(d.classes) for d in depts),
        eligible=tuple(_eligible(s, k) for k in s.demand.crimes),
        major_per_hour=np.array(
            [
                0.0 if d.major_incidents is None else d.major_incidents.per_year / HOURS_PER_YEAR
                for d in depts
            ]
        ),
        major_share=np.array(
            [
                0.0
                if d.major_incidents is None
                else d.major_incidents.team_fte / d.investigators_fte
                for d in depts
            ]
        ),
        major_duration=tuple(
            NO_AGE
            if d.major_incidents is None
            else duration_spec(d.major_incidents.weeks, MIN_PER_WEEK)
            for d in depts
        ),
        backlog_cases=np.array([0 if b is None else b.open_cases for b in backlogs], np.int64),
        backlog_stages=tuple(
            np.array([0.0 if b is None else b.stages.get(g, 0.0) for g in d.stages])
            for b, d in zip(backlogs, depts, strict=True)
        ),
        backlog_age=tuple(
            NO_AGE if b is None else duration_spec(b.age_days, MIN_PER_DAY) for b in backlogs
        ),
        backlog_effort=tuple(
            NO_AGE if b is None else duration_spec(b.remaining_days, MIN_PER_DAY) for b in backlogs
        ),
        target_min=s.investigations.target_days * MIN_PER_DAY,
        types=_types(s, names, crime_rates),
        grade_crime_share=np.array([s.dispatch.grades[g].crime_share for g in grade_names]),
        grade_crime_type=_type_index(s, [s.dispatch.grades[g].crime_type for g in grade_names]),
        channel_crime_share=np.array([c.crime_share for c in s.demand.channels.values()]),
        channel_crime_type=_type_index(s, [c.crime_type for c in s.demand.channels.values()]),
    )


def _type_index(s: Scenario, names: list[str | None]) -> NDArray[np.int64]:
    """Index of each crime type in ``s.demand.crimes`` (-1 for None)."""
    types = list(s.demand.crimes)
    return np.array([-1 if n is None else types.index(n) for n in names], dtype=np.int64)


def _types(
    s: Scenario, departments: tuple[str, ...], crime_rates: NDArray[np.float64]
) -> CrimeTypeInputs:
    crimes = [s.demand.crimes[n] for n in s.demand.crimes]
    assert s.investigations is not None
    return CrimeTypeInputs(
        names=tuple(s.demand.crimes),
        department=np.array([departments.index(c.department) for c in crimes], dtype=np.int64),
        rate_per_hour=crime_rates,
        screened_share=np.array([c.screened_out_share for c in crimes]),
        effort=tuple(duration_spec(c.duration_days or ZERO, MIN_PER_DAY) for c in crimes),
        risk_names=tuple(tuple(c.risk_levels) for c in crimes),
        risk_cdf=tuple(np.cumsum(list(c.risk_levels.values())) for c in crimes),
        risk_effort=tuple(
            np.array([c.risk_effort.get(r, 1.0) for r in c.risk_levels]) for c in crimes
        ),
        stage_share=tuple(
            np.array(
                [c.stages.get(g, 0.0) for g in s.investigations.departments[c.department].stages]
            )
            for c in crimes
        ),
    )


def _classes(shares: dict[str, float], n: int) -> NDArray[np.int64]:
    """Class of each of ``n`` investigators, class by class: counts by largest remainder,
    at least one for a class with a positive share while there are enough investigators."""
    if not shares:
        return np.zeros(n, np.int64)
    want = np.array(list(shares.values())) * n
    counts = np.floor(want).astype(np.int64)
    for c in np.argsort(-(want - counts), kind="stable")[: n - int(counts.sum())]:
        counts[c] += 1
    for c in np.flatnonzero((counts == 0) & (want > 0)):
        donor = int(np.argmax(counts))
        if counts[donor] > 1:
            counts[donor] -= 1
            counts[c] += 1
    return np.repeat(np.arange(len(counts)), counts).astype(np.int64)


def _eligible(s: Scenario, crime: str) -> NDArray[np.int64]:
    """Bits of the classes that may take a case of ``crime``, per risk level."""
    c = s.demand.crimes[crime]
    assert s.investigations is not None
    dept = s.investigations.departments[c.department]
    names = list(dept.classes)
    every = (1 << max(1, len(names))) - 1
    masks = []
    rules = dept.eligibility.get(crime, {})
    for level in list(c.risk_levels) or ["all"]:
        allowed = rules.get(level, rules.get("all"))
        if allowed is None:
            masks.append(every)
        else:
            masks.append(sum(1 << names.index(a) for a in allowed))
    return np.array(masks, np.int64)
