"""The workforce plan as plain numbers: departments, routes and intake cohorts in steps.

A step is one month in the model (month 0 is the calendar's start month). The pipeline
(:mod:`fmssim.workforce.pipeline`) reads only a :class:`Plan`, so tests can build plans with
finer steps or random intakes directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fmssim.scenario.workforce import EntryRoute, Workforce, WorkforceDepartment

TRAINING, TUTORED, INDEPENDENT, DRIVING = 0, 1, 2, 3
PHASE_KIND = {
    "initial_training": TRAINING,
    "tutored": TUTORED,
    "independent": INDEPENDENT,
    "driving": DRIVING,
}


@dataclass(frozen=True)
class Route:
    """An entry route: phases in order, with their lengths in steps."""

    kinds: tuple[int, ...]
    """``TRAINING``, ``TUTORED`` or ``INDEPENDENT`` per phase."""
    steps: tuple[int, ...]
    """Length of each phase in steps (0: skipped)."""
    capacity_share: tuple[float, ...]
    """Deployable share of a student's time in each phase."""
    leave_per_step: float
    """Probability that a student leaves in one step."""
    postings: NDArray[np.float64] | None = None
    """(programme step, department) share of the route's students in each department at
    each step of programme time; None: they stay where their cohort was posted."""


@dataclass(frozen=True)
class Cohort:
    """Students joining at the start of one step, on one route, posted to one department."""

    step: int
    """Step of joining; negative: already in the programme at the start."""
    route: int
    department: int
    officers: float
    poisson: bool = False
    """Stochastic mode: Poisson with mean ``officers`` instead of a rounded count."""


@dataclass(frozen=True)
class Plan:
    """Everything the pipeline needs, indexed by department and route number."""

    departments: tuple[str, ...]
    experienced: NDArray[np.float64]
    """Experienced officers at step 0."""
    leave_per_step: NDArray[np.float64]
    deployable: NDArray[np.float64]
    """Availability: deployable share of an officer's time."""
    host: NDArray[np.int64]
    """Department whose PDU tutors the students posted to each department."""
    per_tutor: NDArray[np.int64]
    """Students per tutor at most."""
    max_tutor_share: NDArray[np.float64]
    tutor_capacity_share: NDArray[np.float64]
    overflow: NDArray[np.bool_]
    """True: a student finding no free tutor slot is tutored outside the PDU (lost to it)."""
    routes: tuple[Route, ...]
    route_names: tuple[str, ...]
    cohorts: tuple[Cohort, ...]
    n_steps: int
    extra: NDArray[np.float64] | None = None
    """Of ``experienced``, the officers beyond those the rosters describe (None: none)."""
    tenure: Tenure | None = None
    """New officers and retirements (None: none). New officers may tutor; they count in
    ``experienced`` for the tutor limits."""
    growth: Growth | None = None
    """Establishment growth from which the intake follows (None: the cohorts only)."""
    force_tutors: bool = False
    """One force-wide tutor pool, each department giving up to its share."""
    driving_places: NDArray[np.float64] | None = None
    """Driving-course places per step (None: no driving phase)."""
    driving_wait_share: float = 0.0
    """Deployable share of a student waiting for a driving-course place."""


@dataclass(frozen=True)
class Tenure:
    """New officers (after the programme) and retirements of experienced officers."""

    new_steps: int
    """Steps an officer counts as new after the programme (0: straight to experienced)."""
    new_leave_per_step: float
    new_start: NDArray[np.float64]
    """New officers per department at step 0, spread evenly over the new tenure."""
    retire_per_step: NDArray[np.float64]


@dataclass(frozen=True)
class Growth:
    """Establishment per step, recruitment capacity and how vacancies are filled."""

    target: NDArray[np.float64]
    """(step, department) establishment during each step."""
    capacity: NDArray[np.float64]
    """Most students who can join in each step (vetting and training places)."""
    route_share: NDArray[np.float64]
    """Share of the derived intake on each route."""
    first_step: int
    """First step whose intake is derived."""
    transfer_share: NDArray[np.float64]
    """Share of a department's vacancy filled by experienced transfers each step."""


def per_step(annual: float, steps_per_year: float = 12.0) -> float:
    """The probability per step equivalent to an annual rate: 1 − (1 − annual)^(1/steps)."""
    return float(1.0 - (1.0 - annual) ** (1.0 / steps_per_year))


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """First day of every month the period touches, from ``start``'s month (step 0)."""
    months = []
    year, month = start.year, start.month
    while dt.date(year, month, 1) < end:
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def build_plan(w: Workforce, start: dt.date, end: dt.date) -> Plan:
    """The plan of ``w`` over the calendar from ``start`` to ``end`` (``steps_per_month``
    steps a month)."""
    k = w.steps_per_month
    names = tuple(w.departments)
    index = {n: i for i, n in enumerate(names)}
    depts = [w.departments[n] for n in names]
    route_names = tuple(w.routes)
    routes = tuple(
        Route(
            kinds=tuple(PHASE_KIND[p.name] for p in r.phases),
            steps=tuple(_steps(p.months, k) for p in r.phases),
            capacity_share=tuple(p.capacity_share for p in r.phases),
            leave_per_step=per_step(r.leaver_rate_per_year, 12.0 * k),
            postings=_postings(r, index, k),
        )
        for r in (w.routes[n] for n in route_names)
    )
    n_steps = len(month_starts(start, end)) * k
    return Plan(
        departments=names,
        experienced=np.array([d.experienced_fte + d.extra_fte for d in depts]),
        leave_per_step=np.array([per_step(d.leaver_rate_per_year, 12.0 * k) for d in depts]),
        deployable=np.array([d.availability.deployable for d in depts]),
        host=np.array([index[d.tutored_in or n] for n, d in zip(names, depts, strict=True)]),
        per_tutor=np.array([d.students_per_tutor for d in depts], dtype=np.int64),
        max_tutor_share=np.array([d.max_tutor_share for d in depts]),
        tutor_capacity_share=np.array([d.tutor_capacity_share for d in depts]),
        overflow=np.array([d.when_no_tutor == "overflow" for d in depts]),
        routes=routes,
        route_names=route_names,
        cohorts=_cohorts(w, start, index, route_names, n_steps),
        n_steps=n_steps,
        extra=np.array([d.extra_fte for d in depts]),
        tenure=_tenure(w, depts),
        growth=build_growth(w, start, n_steps),
        force_tutors=w.tutors == "force",
        driving_places=None if w.driving is None else np.full(n_steps, w.driving.places_per_month),
        driving_wait_share=0.0 if w.driving is None else w.driving.waiting_capacity_share,
    )


def _steps(months: float, k: int) -> int:
    return round(months * k)


def _postings(route: EntryRoute, index: dict[str, int], k: int) -> NDArray[np.float64] | None:
    if not route.postings:
        return None
    rows = []
    for posting in route.postings:
        row = np.zeros(len(index))
        for name, share in posting.departments.items():
            row[index[name]] = share
        rows += [row] * _steps(posting.months, k)
    return np.array(rows)


def _tenure(w: Workforce, depts: list[WorkforceDepartment]) -> Tenure | None:
    retire = np.array(
        [per_step(d.retirement_rate_per_year, 12.0 * w.steps_per_month) for d in depts]
    )
    new = np.array([d.new_officer_fte for d in depts])
    if w.new_officer_months == 0 and not retire.any() and not new.any():
        return None
    k = w.steps_per_month
    leave = per_step(w.new_officer_leaver_rate_per_year, 12.0 * k)
    return Tenure(w.new_officer_months * k, leave, new, retire)


def build_growth(w: Workforce, start: dt.date, n_steps: int) -> Growth | None:
    """Establishment per month: each planning year's growth spread over its twelve months."""
    r = w.recruitment
    if r is None:
        return None
    depts = list(w.departments.values())
    k = w.steps_per_month
    years = start.year + np.arange(n_steps) // (12 * k)
    month = (np.arange(n_steps) % (12 * k) + 1) / k
    target = np.array(
        [
            [
                d.establishment_after(int(y) - 1) + d.growth.get(int(y), 0.0) * m / 12.0
                for d in depts
            ]
            for y, m in zip(years, month, strict=True)
        ]
    ).reshape(n_steps, len(depts))
    capacity = np.full(n_steps, min(r.vetting_per_month, r.training_places_per_month) / k)
    first = 0 if r.from_month is None else max(_step_of(r.from_month, start) * k, 0)
    return Growth(
        target=target,
        capacity=capacity,
        route_share=np.array([r.routes.get(name, 0.0) for name in w.routes]),
        first_step=first,
        transfer_share=np.array(
            [1.0 - (1.0 - d.transfer_share_per_month) ** (1.0 / k) for d in depts]
        ),
    )


def _cohorts(
    w: Workforce, start: dt.date, index: dict[str, int], routes: tuple[str, ...], n_steps: int
) -> tuple[Cohort, ...]:
    """Every intake month split across departments by the allocation, in step order."""
    k = w.steps_per_month
    cohorts = []
    for intake in w.intake:
        first = _step_of(intake.month, start) * k
        last = _step_of(intake.until, start) * k if intake.until is not None else first
        for step in range(first, min(last + k - 1, n_steps - 1) + 1):
            posted = _first_posting(w, intake.route)
            for dept, share in posted.items():
                if share > 0 and intake.officers > 0:
                    n = intake.officers * share / k
                    route = routes.index(intake.route)
                    cohorts.append(Cohort(step, route, index[dept], n, intake.poisson))
    return tuple(sorted(cohorts, key=lambda c: (c.step, c.route, c.department)))


def _first_posting(w: Workforce, route: str) -> dict[str, float]:
    """Where a cohort starts: its route's first posting, or the allocation."""
    postings = w.routes[route].postings
    return dict(postings[0].departments) if postings else dict(w.allocation)


def _step_of(month: dt.date, start: dt.date) -> int:
    return (month.year - start.year) * 12 + month.month - start.month
