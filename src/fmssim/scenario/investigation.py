"""Investigation departments: investigators, caseload caps and the initial backlog."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from fmssim.scenario.base import Model, Share
from fmssim.scenario.distributions import Distribution

Cases = Annotated[int, Field(ge=0, le=10_000_000)]


class Backlog(Model):
    """Cases already open at the start."""

    open_cases: Cases
    """Open cases at the start."""
    age_days: Distribution
    """Age of those cases at the start (minute 0, the start of the warm-up), in days."""
    remaining_days: Distribution
    """Effort each of those cases still needs, in days of one investigator's sole attention
    (at ``availability`` 1)."""
    stages: dict[str, Share] = {}  # noqa: RUF012
    """Share of those cases that still need each outside stage of the department (drawn
    independently, with the stage's full time)."""


class Stage(Model):
    """An outside step a case waits for between spells of investigative work (a charging
    decision, forensic results, a partner agency), with its own capacity and delay. The case
    keeps its investigator's caseload slot while it waits, but takes none of the
    investigator's effort."""

    servers: Annotated[int, Field(ge=0, le=100_000)] | None = None
    """Cases the stage handles at once (first come first served); ``null``: no limit (a
    pure delay)."""
    days: Distribution
    """Time the stage takes over one case once it starts on it, in days."""


class MajorIncidents(Model):
    """Major investigations (a homicide, a complex abuse case) that take a team out of the
    department's volume work for weeks: a pre-emptive draw on its capacity. Cases in hand
    keep their effort done and resume as the team returns (work is conserved)."""

    per_year: Annotated[float, Field(ge=0.0, le=100_000.0)]
    """Major incidents a year (a Poisson stream)."""
    team_fte: Annotated[float, Field(gt=0.0, le=100_000.0)]
    """Investigators (FTE) each one takes out of the department."""
    weeks: Distribution
    """How long each keeps its team, in weeks. While several overlap, their teams add up
    (at most the whole department)."""


class Department(Model):
    """An investigation department: investigators sharing effort across their open cases."""

    investigators_fte: Annotated[float, Field(gt=0.0, le=100_000.0)]
    """Investigators, in FTE (before the workforce model scales them). The department has
    ``round(investigators_fte)`` (at least 1) investigators, each holding up to
    ``caseload_cap`` cases, and works ``investigators_fte × availability`` days of effort
    per day in all, shared equally among the investigators."""
    availability: Share = 1.0
    """Share of investigator time spent on investigation (attendance, restrictions,
    abstractions)."""
    caseload_cap: Annotated[int, Field(ge=1, le=1000)]
    """At most this many open cases per investigator; new cases wait when all are full."""
    min_elapsed_days: Distribution | None = None
    """Optional floor on a case's open time, from its creation (waiting for forensics or a
    charging decision); a case whose work is done before its floor keeps its investigator's
    caseload slot until the floor passes."""
    stages: Annotated[dict[str, Stage], Field(max_length=16)] = {}  # noqa: RUF012
    """Outside stages by name, in the order a case passes through them. A case that needs
    ``m`` of them (``demand.crimes.*.stages``) is worked in ``m + 1`` equal spells, one
    before each stage and one after the last."""
    classes: Annotated[dict[str, Share], Field(max_length=4)] = {}  # noqa: RUF012
    """Optional investigator classes (e.g. ``{pip2: 0.5, staff: 0.3, student: 0.2}``): the
    share of the department's investigators in each (shares add up to 1). Investigators are
    numbered class by class, in this order. Empty: one class, every case eligible."""
    eligibility: dict[str, dict[str, list[str]]] = {}  # noqa: RUF012
    """Which classes may take a case: crime type → risk level (or ``all``, for the levels
    not named, and for types without levels) → the classes allowed, e.g. ``{domestic_abuse:
    {high: [pip2], all: [pip2, staff]}}``. Cases of types not named (and the backlog) may go
    to any class. A case waits for an eligible investigator with a free slot: a shortage of
    one class shows as waits for the cases only it may take."""
    major_incidents: MajorIncidents | None = None
    """Major investigations drawing teams out of the department."""
    backlog: Backlog | None = None
    """Cases open at the start."""
    department: str | None = None
    """Workforce department whose effective strength scales the investigators."""

    @model_validator(mode="after")
    def _class_shares_sum_to_one(self) -> Department:
        total = sum(self.classes.values())
        if self.classes and abs(total - 1.0) > 1e-9:
            raise ValueError(f"classes shares add up to {total:.4f}, not 1")
        return self


class Investigations(Model):
    """Investigation departments by name."""

    departments: dict[str, Department]
    """Departments by name."""
    target_days: Annotated[float, Field(gt=0.0)] = 30.0
    """Threshold of the finalised-within share."""
