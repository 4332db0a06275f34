"""Workforce: departments, leavers, availability, the uplift plan, entry routes and tutoring."""

# ruff: noqa: RUF012 - pydantic copies mutable defaults; ruff cannot see that Model is a
# pydantic model through the base class (astral-sh/ruff#5639).
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from fmssim.scenario.base import Model, NonNegative, Share

Months = Annotated[float, Field(ge=0.0, le=120.0)]
Fte = Annotated[float, Field(ge=0.0, le=100_000.0, allow_inf_nan=False)]


class Availability(Model):
    """Share of an officer's contracted time that is deployable."""

    attendance: Share = 1.0
    """1 − sickness absence (e.g. 0.943 for 94.3% attendance)."""
    restricted: Share = 0.0
    """Share on adjusted or restricted duties (not deployable in the pool)."""
    abstracted: Share = 0.0
    """Share abstracted to training, leave, events and court."""


class WorkforceDepartment(Model):
    """A department holding experienced officers, which may host a tutoring unit (PDU)."""

    experienced_fte: Fte
    """Experienced (independent) officers at the start."""
    leaver_rate_per_year: Share = 0.0
    """Annual share of experienced officers who leave."""
    availability: Availability = Availability()
    """Deployable share of their time."""
    hosts_pdu: bool = False
    """Whether the department has a Professional Development Unit tutoring students."""
    students_per_tutor: Annotated[int, Field(ge=1, le=10)] = 1
    """At most this many students per tutor at a time."""
    max_tutor_share: Share = 0.1
    """At most this share of experienced officers may tutor at once."""


class Phase(Model):
    """One phase of an entry route."""

    name: Literal["initial_training", "tutored", "independent"]
    """Initial training (no capacity), tutored in a PDU, or independent patrol."""
    months: Months
    """Length of the phase."""
    capacity_share: Share = 0.0
    """Deployable share of a student's time in this phase (study time excluded)."""


class EntryRoute(Model):
    """A route into the force (e.g. PCDA 3 years, DHEP 2 years) as a sequence of phases."""

    phases: list[Phase] = Field(min_length=1)
    """The phases in order; the programme ends after the last."""
    leaver_rate_per_year: Share = 0.0
    """Annual share of students on this route who leave."""


class Intake(Model):
    """Student officers joining in one month."""

    month: dt.date
    """First day of the intake month."""
    officers: NonNegative
    """Students joining."""
    route: str
    """Entry route (a key of ``workforce.routes``)."""


class Workforce(Model):
    """The monthly officer pipeline that scales the rosters."""

    mode: Literal["expected", "stochastic"] = "expected"
    """Deterministic recursion of expected values, or binomial leavers per replication."""
    departments: dict[str, WorkforceDepartment]
    """Departments by name."""
    routes: dict[str, EntryRoute] = {}
    """Entry routes by name."""
    intake: list[Intake] = []
    """Uplift intake by month."""
    allocation: dict[str, Share] = {}
    """Share of each intake posted to each department; the lever leaders compare."""
