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
PhaseMonths = Annotated[float, Field(ge=0.0, le=120.0, allow_inf_nan=False)]
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
    must then host a PDU if a route has a tutored phase). Ignored when ``workforce.tutors`` is
    ``force``."""
    new_officer_fte: Fte = 0.0
    """Officers at the start who finished their programme less than ``new_officer_months``
    ago (the 2018-2019 probationers), spread evenly over that tenure."""
    retirement_rate_per_year: Share = 0.0
    """Annual share of experienced officers who retire (on top of ``leaver_rate_per_year``;
    new officers do not retire)."""
    establishment_fte: Fte | None = None
    """Officer establishment (funded posts) at the start; default: the officers it holds
    (experienced, new and extra). Used only when some department has ``growth``."""
    growth: dict[int, float] = {}
    """Officers added to the establishment in each planning year (by the calendar year it
    starts in; negative: posts cut), spread evenly over its twelve months. The lever leaders
    pull: the intake follows from it (see ``workforce.recruitment``)."""
    transfer_share_per_month: Share = 0.0
    """Share of this department's vacancies filled each month by experienced officers
    transferring in from departments that take no transfers (in proportion to their
    experienced officers); the rest is filled by officers finishing their programme."""

    @property
    def start_establishment(self) -> float:
        """Establishment at the start (given, or the officers held)."""
        if self.establishment_fte is not None:
            return self.establishment_fte
        return self.experienced_fte + self.extra_fte + self.new_officer_fte

    def establishment_after(self, year: int) -> float:
        """Establishment at the end of planning year ``year``."""
        return self.start_establishment + sum(g for y, g in self.growth.items() if y <= year)


class Phase(Model):
    """One phase of an entry route."""

    name: Literal["initial_training", "tutored", "driving", "independent"]
    """Initial training (no capacity), tutored in a PDU, the driving course (a place must be
    free: ``workforce.driving``; students waiting for one are not yet independent), or
    independent patrol."""
    months: PhaseMonths
    """Length of the phase in months (0: skipped): whole months, or whole steps when
    ``workforce.steps_per_month`` is above 1 (e.g. 1.5 with two steps a month)."""
    capacity_share: Share = 0.0
    """Deployable share of a student's time in this phase (study time excluded). In the
    tutored phase a student's work is part of the tutor's unit
    (``tutor_capacity_share``), and this share is added on top."""


class Posting(Model):
    """One posting of a student: how long, and in which departments (shares of students)."""

    months: Annotated[float, Field(gt=0.0, le=120.0, allow_inf_nan=False)]
    """Length of the posting in months of programme time, whole steps (waits for a tutor or
    a driving course place do not count: the student stays where they are)."""
    departments: dict[str, Share] = Field(min_length=1)
    """Share of the students in each department during this posting; adds up to 1."""

    @model_validator(mode="after")
    def _shares_add_up(self) -> Posting:
        total = sum(self.departments.values())
        if abs(total - 1.0) > ALLOCATION_TOLERANCE:
            raise ValueError(f"posting shares add up to {total:.4f}; expected 1")
        return self


class EntryRoute(Model):
    """A route into the force (e.g. PCDA 3 years, DHEP 2 years) as a sequence of phases."""

    phases: list[Phase] = Field(min_length=1)
    """The phases in order; the programme ends after the last, and the student becomes an
    officer of the department the allocation posted them to (or, with ``postings``, of the
    department with a vacancy)."""
    leaver_rate_per_year: Share = 0.0
    """Annual share of students on this route who leave (in every phase, also waiting)."""
    postings: list[Posting] = []
    """The posting plan: where students are in each stretch of programme time (a PCDA student
    has about ten postings in three years). Their months add up to the programme's. Empty:
    students stay in the department the allocation posted them to."""

    @model_validator(mode="after")
    def _one_tutored_phase(self) -> EntryRoute:
        for name in ("tutored", "driving"):
            if sum(p.name == name for p in self.phases) > 1:
                raise ValueError(f"a route has at most one {name} phase")
        months = sum(p.months for p in self.phases)
        if months == 0:
            raise ValueError("a route lasts at least one step")
        posted = sum(p.months for p in self.postings)
        if self.postings and abs(posted - months) > 1e-9:
            raise ValueError(f"postings last {posted:g} months; the programme lasts {months:g}")
        return self


class Recruitment(Model):
    """How many students can join each month: the intake follows from establishment growth
    and leavers, within vetting and training capacity."""

    vetting_per_month: NonNegative
    """Recruits vetting can clear in a month."""
    training_places_per_month: NonNegative
    """Initial-training places starting each month."""
    routes: dict[str, Share] = Field(min_length=1)
    """Share of the intake on each entry route; adds up to 1."""
    from_month: dt.date | None = None
    """First month whose intake is derived (default: the calendar's start month); earlier
    intakes come from ``workforce.intake``."""

    @model_validator(mode="after")
    def _shares_add_up(self) -> Recruitment:
        total = sum(self.routes.values())
        if abs(total - 1.0) > ALLOCATION_TOLERANCE:
            raise ValueError(f"route shares add up to {total:.4f}; expected 1")
        return self


class Driving(Model):
    """The driving course that gates independent patrol (a bottleneck per the force)."""

    places_per_month: NonNegative
    """Students who can be on the course at once (whole places in the stochastic mode)."""
    waiting_capacity_share: Share = 0.0
    """Deployable share of a student waiting for a place (non-driving duties)."""


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
    poisson: bool = False
    """In the stochastic mode, the number joining each step is Poisson with mean
    ``officers`` / ``steps_per_month`` (for textbook checks); otherwise that mean, rounded
    without drift."""

    @model_validator(mode="after")
    def _until_after_month(self) -> Intake:
        if self.until is not None and self.until < self.month:
            raise ValueError(f"until ({self.until}) is before month ({self.month})")
        return self


class HandlerStaff(Model):
    """Contact handlers (police staff) of one handler department: leavers, those who join the
    officer intake, recruits who train and then ramp up to full speed, month by month.

    A handler pool naming this department (``contact.pools.<name>.department``) has its
    rostered handlers scaled by the handlers on the phones relative to the start month, and
    its contacts' handling times (wrap-up included) by the ramp: ``handling × (N / P) /
    (N0 / P0)``, with N the handlers on the phones and P their proficiency-weighted sum. At
    the start month both factors are 1.
    """

    staff_fte: Fte
    """Handlers in post at the start (on the phones and in training)."""
    establishment_fte: Fte | None = None
    """Handlers the department recruits up to (staff, trainees and recruits not yet joined);
    default: ``staff_fte`` (it replaces its leavers)."""
    new_share: Share = 0.0
    """Share of ``staff_fte`` with under 12 months' service at the start, spread evenly over
    those 12 months (those still in training are not on the phones)."""
    leaver_rate_per_year: Share = 0.0
    """Annual share of handlers who leave for any reason other than the officer intake."""
    to_officers_share: Share = 0.0
    """Share of each month's officer joiners (all departments of ``workforce``) recruited
    from these handlers: they leave the handlers that month (at most all of them)."""
    training_months: Months = 0
    """Months a recruit trains before taking contacts (not on the phones)."""
    proficiency: list[Share] = []
    """A new handler's speed relative to an experienced one in each month on the phones
    (e.g. [0.6, 0.75, 0.9]: a call takes 1/0.6 as long in the first month); after the
    list, full speed. Empty: full speed at once. Each value above 0."""
    recruit_lag_months: Months = 0
    """Months from a vacancy being recruited for to the recruit joining (training)."""
    recruits_per_month: NonNegative | None = None
    """Most recruits starting in a month (training places); None: no limit."""

    @model_validator(mode="after")
    def _proficiency_positive(self) -> HandlerStaff:
        if any(p <= 0.0 for p in self.proficiency):
            raise ValueError("proficiency values must be above 0 (a handler on the phones works)")
        if len(self.proficiency) + self.training_months > 60:
            raise ValueError("training and the proficiency ramp last at most 60 months")
        return self


class Workforce(Model):
    """The monthly officer pipeline that scales the rosters."""

    mode: Literal["expected", "stochastic"] = "expected"
    """Deterministic recursion of expected values, or whole officers with binomial leavers
    drawn per replication (its own random stream)."""
    departments: dict[str, WorkforceDepartment]
    """Departments by name."""
    handlers: dict[str, HandlerStaff] = {}
    """Contact handler departments by name (police staff, not officers): a handler pool's
    ``department`` may name one. Names differ from ``departments``."""
    routes: dict[str, EntryRoute] = {}
    """Entry routes by name."""
    intake: list[Intake] = []
    """Uplift intake by month."""
    allocation: dict[str, Share] = {}
    """Share of each intake posted to each department (routes without ``postings``). Shares
    add up to 1 when there is such an intake."""
    recruitment: Recruitment | None = None
    """Derive the intake from establishment growth and leavers (None: ``intake`` only)."""
    tutors: Literal["department", "force"] = "department"
    """Where tutors come from: each PDU's own department (``department``), or the whole
    force, each department giving up to its ``max_tutor_share`` of experienced officers
    (``force``: one pool, every student tutored where posted)."""
    driving: Driving | None = None
    """Capacity of the driving course (needed if a route has a driving phase)."""
    new_officer_months: Months = 0
    """Months after the programme during which an officer counts as new (own leaver rate,
    no retirements; they may tutor); 0: straight to experienced."""
    new_officer_leaver_rate_per_year: Share = 0.0
    """Annual share of new officers who leave."""
    steps_per_month: Annotated[int, Field(ge=1, le=31)] = 1
    """Pipeline steps per calendar month (1: monthly). Finer steps let phase lengths be
    fractions of a month, e.g. to check tutor slots against Erlang B; annual rates and
    monthly capacities are spread over the steps."""

    @model_validator(mode="after")
    def _whole_steps(self) -> Workforce:
        k = self.steps_per_month
        for name, route in self.routes.items():
            lengths = [p.months for p in route.phases] + [p.months for p in route.postings]
            if any(abs(m * k - round(m * k)) > 1e-9 for m in lengths):
                raise ValueError(
                    f"route {name}: phase and posting months must be whole steps ({k} a month)"
                )
        return self

    @model_validator(mode="after")
    def _allocation_adds_up(self) -> Workforce:
        total = sum(self.allocation.values())
        fixed = any(
            not self.routes[i.route].postings for i in self.intake if i.route in self.routes
        )
        if fixed and abs(total - 1.0) > ALLOCATION_TOLERANCE:
            raise ValueError(f"allocation shares add up to {total:.4f}; expected 1")
        return self
