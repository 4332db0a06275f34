"""Incident grades P1-P9, their policies, and dispatch options."""

# ruff: noqa: RUF012 - pydantic copies mutable defaults; ruff cannot see that Model is a
# pydantic model through the base class (astral-sh/ruff#5639).
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, model_validator

from fmssim.scenario.base import IsoTime, Model, Positive, Share
from fmssim.scenario.distributions import ZERO, Distribution
from fmssim.scenario.grade_names import GradeName
from fmssim.scenario.incident_types import IncidentType


class Appointment(Model):
    """A scheduled attendance (P4): booked into a slot, attended at the slot.

    Each incident of the grade is booked, in creation order, into the first free slot at or
    after its creation plus its booking delay; each slot holds one appointment. A unit of the
    grade's pool is sent at the slot minus the incident's travel time, so that it arrives at
    the slot if one is free then. Attainment is arrival by the slot.
    """

    booking_delay_hours: Distribution
    """Delay from creation to the earliest slot the caller can take, in hours."""
    slots_per_day: Annotated[int, Field(ge=1, le=100_000)]
    """Appointment slots offered each day, spread evenly from ``day_start``."""
    day_start: IsoTime = dt.time(8, 0)
    """Time of the first slot of the day."""
    day_end: IsoTime = dt.time(20, 0)
    """Slots end before this time (the last slot starts one slot length before it)."""

    @model_validator(mode="after")
    def _day(self) -> Appointment:
        if self.day_end <= self.day_start:
            raise ValueError("day_end must be after day_start")
        return self


class Grade(Model):
    """The policy for one grade: target, who attends, and how long it takes."""

    priority: Annotated[int, Field(ge=1, le=99)] | None = None
    """Queue priority, 1 most urgent; defaults to the grade's number (P1 → 1)."""
    target_min: Positive | None = None
    """Attendance target in minutes (response time ≤ target counts as attained);
    no target, no attainment figure."""
    pool: str | None = None
    """Dispatch pool that attends (a key of ``pools``); omit for grades resolved without
    attendance (P9 contact resolution)."""
    units_needed: Annotated[int, Field(ge=1, le=20)] = 1
    """Units sent to each incident. An incident needing k units starts only when k units of
    its pool are free at once; they are held for the whole job and freed together, and the
    queue is strict (nobody behind it is served while it waits)."""
    pre_dispatch_min: Distribution = ZERO
    """Time from the log's creation until it is ready for dispatch, in minutes: risk review,
    call-backs, waiting until the caller can be seen. It holds no unit; the incident joins its
    pool's queue only when it is over, and response time = pre-dispatch + wait for a unit +
    travel. Only for grades a pool attends immediately (not appointments)."""
    travel_min: Distribution = ZERO
    """Travel time from assignment to arrival on scene, in minutes."""
    on_scene_min: Distribution = ZERO
    """Time on scene, in minutes."""
    write_up_min: Distribution = ZERO
    """Time after leaving the scene before the unit is free again, in minutes."""
    crime_share: Share = 0.0
    """Share of incidents that create a recorded crime for investigation, at the instant the
    unit leaves the scene (at creation for a grade no pool attends)."""
    crime_type: str | None = None
    """Crime type created (a key of ``demand.crimes``)."""
    appointment: Appointment | None = None
    """Scheduled attendance instead of immediate dispatch (P4); such a grade is measured
    against its slot, so it takes no ``target_min``."""
    aspiration_share: Share | None = None
    """Share of incidents the force aims to attend within ``target_min`` (e.g. an uplift
    goal); drawn on the report's attainment charts, not used by the simulation."""

    @model_validator(mode="after")
    def _pre_dispatch(self) -> Grade:
        if self.pre_dispatch_min != ZERO and (self.pool is None or self.appointment is not None):
            raise ValueError(
                "pre_dispatch_min applies only to a grade a pool attends without appointment"
            )
        return self


class LendingRule(Model):
    """One pool lending its free units to others' waiting incidents (the surge rule).

    A waiting incident of one of ``grades`` in one of ``pools`` whose own units are all taken
    may take free units of ``lender`` while at least ``tipping_point`` incidents wait in its
    pool. The lender serves its own queue first; the units return home after the job.
    """

    lender: str
    """Pool whose free units are lent (a key of ``pools``)."""
    pools: list[str] = []
    """Borrowing pools (keys of ``pools``); empty: every pool but the lender."""
    grades: Annotated[list[GradeName], Field(min_length=1)]
    """Grades that may take a lent unit (keys of ``dispatch.grades``)."""
    tipping_point: Annotated[int, Field(ge=0)] = 0
    """Incidents waiting in the borrowing pool at or above which the rule applies (the
    force's open logs per pool); 0: whenever the borrowing pool has no free unit."""


class DispatchOptions(Model):
    """Dispatch practices that a scenario may switch on (all off by default)."""

    p1_takes_en_route_unit: bool = False
    """A waiting P1 takes the unit travelling to the least urgent single-unit job not yet on
    scene (the latest created among equals); that job queues again in its old place."""
    p1_borrows_from: list[str] = []
    """Pools a P1 may borrow a unit from, in order, when its own pool has none free ("nearest
    resource"); lenders serve their own queue first, and the unit returns home after the job.
    Short for lending rules ``{lender: x, grades: [P1]}`` for each listed ``x``, in order,
    before those of ``lending``."""
    lending: list[LendingRule] = []
    """Lending rules, tried in order for each waiting incident (the first that applies and
    whose lender has enough free units lends them): neighbourhood officers, PCSOs or a
    restricted-duty hub attending response work past a tipping point."""


class Dispatch(Model):
    """Incident grades and how units are allocated to them."""

    grades: dict[GradeName, Grade]
    """Grade policies by name, P1 to P9."""
    options: DispatchOptions = DispatchOptions()
    """Optional dispatch practices."""
    incident_types: dict[str, IncidentType] = {}
    """Incident types within grades (domestic abuse, mental health, ...) by name: each
    type's share of each grade, its own times and routing. Empty: incidents have no type."""

    def priority_of(self, name: str) -> int:
        """Queue priority of a grade (explicit, or its number)."""
        grade = self.grades[name]
        return grade.priority if grade.priority is not None else int(name[1:])
