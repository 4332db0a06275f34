"""Investigation departments: investigators, caseload caps and the initial backlog."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fmssim.scenario.base import Model, Share
from fmssim.scenario.distributions import Distribution

Cases = Annotated[int, Field(ge=0, le=10_000_000)]


class Backlog(Model):
    """Cases already open at the start."""

    open_cases: Cases
    """Open cases at the start."""
    age_days: Distribution
    """Age of those cases at the start, in days."""


class Department(Model):
    """An investigation department: investigators sharing effort across their open cases."""

    investigators_fte: Annotated[float, Field(ge=0.0, le=100_000.0)]
    """Investigators (before the workforce model scales them)."""
    availability: Share = 1.0
    """Share of investigator time spent on investigation."""
    caseload_cap: Annotated[int, Field(ge=1, le=1000)]
    """At most this many open cases per investigator; new cases wait when all are full."""
    min_elapsed_days: Distribution | None = None
    """Optional floor on a case's open time (waiting for forensics or a charging decision)."""
    backlog: Backlog | None = None
    """Cases open at the start."""
    department: str | None = None
    """Workforce department whose effective strength scales the investigators."""


class Investigations(Model):
    """Investigation departments by name."""

    departments: dict[str, Department]
    """Departments by name."""
    target_days: Annotated[float, Field(gt=0.0)] = 30.0
    """Threshold of the finalised-within share."""
