"""Workforce: departments, leavers, availability, the uplift plan, entry routes and tutoring.

The pipeline is monthly: phase lengths are whole months, intakes join on the first of a month,
and each department's effective strength scales the rosters of the pools that name it.
"""

# ruff: noqa: RUF012 - pydantic copies mutable defaults; ruff cannot see that Model is a
# pydantic model through the base class (astral-sh/ruff#5639).
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from fmssim.scenario.base import Model, NonNegative, Share

Months = Annotated[int, Field(ge=0, le=120)]
Fte = Annotated[float, Field(ge=0.0, le=100_000.0, allow_inf_nan=False)]
ALLOCATION_TOLERANCE = 1e-6


class Availability(Model):
    """Share of an officer's contracted time that is deployable.

    The deployable share is attendance × (1 − restricted) × (1 − abstracted); it applies to
    experienced officers, tutors and students of the department alike.
    """

    attendance: Share = 1.0
    """1 − sickness absence (e.g. 0.943 for 94.3% attendance)."""
    restricted: Share = 0.0
    """Share on adjusted or restricted duties (not deployable in the pool)."""
    abstracted: Share = 0.0
    """Share abstracted to training, leave, events and court."""

    @property
    def deployable(self) -> float:
        """attendance × (1 − restricted) × (1 − abstracted)."""
        return self.attendance * (1.0 - self.restricted) * (1.0 - self.abstracted)


class WorkforceDepartment(Model):
    """A department holding experienced officers, which may host a tutoring unit (PDU)."""

    experienced_fte: Fte
    """Experienced (independent) officers at the start (the stochastic mode rounds to whole
    officers)."""
    extra_fte: Fte = 0.0
    """Officers added to the department beyond those its rosters describe (the lever
    ``fmssim optimise --over DEPARTMENT`` moves): they are experienced officers from the
    start, so the department's rosters grow by their share of its effective strength."""
    leaver_rate_per_year: Share = 0.0
    """Annual share of experienced officers who leave (monthly: 1 − (1 − rate)^(1/12))."""
    availability: Availability = Availability()
    """Deployable share of their time."""
    hosts_pdu: bool = False
    """Whether the department has a Professional Development Unit tutoring students."""
    students_per_tutor: Annotated[int, Field(ge=1, le=10)] = 1
    """At most this many students per tutor at a time."""
    max_tutor_share: Share = 0.1
    """At most this share of experienced officers may start tutoring (tutor slots = students
    per tutor × this share × experienced officers, whole tutors in the stochastic mode)."""
    tutor_capacity_share: Share = 0.5
    """Deployable share of one officer that a tutor and their students are worth together
    while tutoring: they work as one unit, so 1 − this share of each tutor is the capacity
    lost to tutoring."""
    when_no_tutor: Literal["wait", "overflow"] = "wait"
    """What a student does who finds every tutor slot taken: ``wait`` in a queue (first come,
    first served) until one frees, or ``overflow``: be tutored outside the PDU (e.g. on
    overtime), using no tutor of this department (a loss system, for Erlang B checks)."""
    tutored_in: str | None = None
    """PDU department that tutors the students posted here (default: this department, which
    must then host a PDU if a route has a tutored phase)."""


class Phase(Model):
    """One phase of an entry route."""

    name: Literal["initial_training", "tutored", "independent"]
    """Initial training (no capacity), tutored in a PDU, or independent patrol."""
    months: Months
    """Length of the phase in whole months (0: skipped)."""
    capacity_share: Share = 0.0
    """Deployable share of a student's time in this phase (study time excluded). In the
    tutored phase a student's work is part of the tutor's unit
    (``tutor_capacity_share``), and this share is added on top."""


class EntryRoute(Model):
    """A route into the force (e.g. PCDA 3 years, DHEP 2 years) as a sequence of phases."""

    phases: list[Phase] = Field(min_length=1)
    """The phases in order; the programme ends after the last, and the student becomes an
    experienced officer of the department the allocation posted them to."""
    leaver_rate_per_year: Share = 0.0
    """Annual share of students on this route who leave (in every phase, also waiting)."""

    @model_validator(mode="after")
    def _one_tutored_phase(self) -> EntryRoute:
        if sum(p.name == "tutored" for p in self.phases) > 1:
            raise ValueError("a route has at most one tutored phase")
        if sum(p.months for p in self.phases) == 0:
            raise ValueError("a route lasts at least one month")
        return self


class Intake(Model):
    """Student officers joining on the first of a month (or of every month up to ``until``).

    An intake before the calendar's start month describes students already in the
    programme at the start: they are placed at their age, with no leavers before the start.
    """

    month: dt.date
    """Intake month (any day of it; students join on the first)."""
    until: dt.date | None = None
    """Repeat the same intake every month up to and including this month."""
    officers: NonNegative
    """Students joining (each month when ``until`` is given)."""
    route: str
    """Entry route (a key of ``workforce.routes``)."""

    @model_validator(mode="after")
    def _until_after_month(self) -> Intake:
        if self.until is not None and self.until < self.month:
            raise ValueError(f"until ({self.until}) is before month ({self.month})")
        return self


class Workforce(Model):
    """The monthly officer pipeline that scales the rosters."""

    mode: Literal["expected", "stochastic"] = "expected"
    """Deterministic recursion of expected values, or whole officers with binomial leavers
    drawn per replication (its own random stream)."""
    departments: dict[str, WorkforceDepartment]
    """Departments by name."""
    routes: dict[str, EntryRoute] = {}
    """Entry routes by name."""
    intake: list[Intake] = []
    """Uplift intake by month."""
    allocation: dict[str, Share] = {}
    """Share of each intake posted to each department; the lever leaders compare. Shares
    add up to 1 when there is an intake."""

    @model_validator(mode="after")
    def _allocation_adds_up(self) -> Workforce:
        total = sum(self.allocation.values())
        if self.intake and abs(total - 1.0) > ALLOCATION_TOLERANCE:
            raise ValueError(f"allocation shares add up to {total:.4f}; expected 1")
        return self
