"""Incident types within grades: what the incident is about, and how the force routes it.

A grade says how urgent an incident is; its type (domestic abuse, mental health, missing
person, violence, other) says what it is. A type may carry its own time on scene and
pre-dispatch time, its own crime creation, and routing policies that move a share of its
incidents of one grade to another grade at creation — for example the force's move of
low-risk domestic abuse from P2/P3 to P4 appointments, or closing some without attendance
(P9). Types are optional: a scenario without them runs exactly as before.
"""

# ruff: noqa: RUF012 - pydantic copies mutable defaults; ruff cannot see that Model is a
# pydantic model through the base class (astral-sh/ruff#5639).
from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field

from fmssim.scenario.base import Model, Share
from fmssim.scenario.distributions import Distribution
from fmssim.scenario.grade_names import GradeName

if TYPE_CHECKING:
    from fmssim.scenario.dispatch import Grade

SHARE_TOLERANCE = 1e-6


class Route(Model):
    """Move a share of a type's incidents of one grade to another grade, at creation."""

    to: GradeName
    """The grade they become (e.g. ``P4`` for appointments, ``P9`` for closed without
    attendance); they then follow that grade's policy."""
    share: Share
    """Share of the type's incidents of the grade that are moved."""


def _routes_total(routes: list[Route]) -> list[Route]:
    if sum(r.share for r in routes) > 1.0 + SHARE_TOLERANCE:
        raise ValueError("route shares of one grade add up to more than 1")
    return routes


Routes = Annotated[list[Route], AfterValidator(_routes_total)]


class IncidentType(Model):
    """One incident type: its share of each grade, its own times, crimes and routing."""

    grade_share: dict[GradeName, Share] = Field(min_length=1)
    """Share of each grade's incidents (as graded at creation) that are of this type. For
    every grade some type names, the shares of all types must add up to 1."""
    on_scene_min: Distribution | None = None
    """Time on scene for this type, in minutes (default: the grade's); not for appointment
    grades, whose booked slots keep the grade's own length."""
    pre_dispatch_min: dict[GradeName, Distribution] = {}
    """Time from creation to ready for dispatch for this type, per grade (default: the
    grade's own); e.g. domestic abuse waiting until the caller can be seen safely. Only for
    grades with a pre-dispatch stage (a pool attends, not by appointment)."""
    crime_share: Share | None = None
    """Share of this type's incidents that create a recorded crime (default: the grade's)."""
    crime_type: str | None = None
    """Crime type this type creates (a key of ``demand.crimes``; default: the grade's)."""
    routing: dict[GradeName, Routes] = {}
    """Routing policies: for an incident graded as the key, the grades a share of them are
    moved to at creation (e.g. ``{P2: [{to: P4, share: 0.2}]}``)."""


def type_problems(
    grades: Mapping[str, Grade], types: Mapping[str, IncidentType], crimes: Collection[str]
) -> list[tuple[str, str]]:
    """(dotted key, what is wrong) for incident types naming unknown grades or crime types,
    shares of a grade that do not add up to 1, and pre-dispatch where the grade has none."""
    problems: list[tuple[str, str]] = []
    totals: dict[str, float] = {}
    for name, kind in types.items():
        key = f"dispatch.incident_types.{name}"
        for grade, share in kind.grade_share.items():
            totals[grade] = totals.get(grade, 0.0) + share
        problems += _names(key, kind, grades, crimes)
        problems += _pre_dispatch(key, kind, grades)
    problems += [
        ("dispatch.incident_types", f"shares of {grade} add up to {total:.4g}, not 1")
        for grade, total in totals.items()
        if abs(total - 1.0) > SHARE_TOLERANCE
    ]
    return problems


def _names(
    key: str, kind: IncidentType, grades: Mapping[str, Grade], crimes: Collection[str]
) -> list[tuple[str, str]]:
    """Grades and crime types a type names that do not exist."""
    problems = [
        (f"{key}.grade_share.{g}", f"no grade {g} in dispatch.grades")
        for g in kind.grade_share
        if g not in grades
    ]
    for grade, routes in kind.routing.items():
        if grade not in kind.grade_share:
            problems.append((f"{key}.routing.{grade}", "not in this type's grade_share"))
        problems += [
            (f"{key}.routing.{grade}.{i}.to", f"no grade {r.to} in dispatch.grades")
            for i, r in enumerate(routes)
            if r.to not in grades
        ]
    if kind.crime_type is not None and kind.crime_type not in crimes:
        problems.append((f"{key}.crime_type", f"no crime type {kind.crime_type}"))
    return problems


def _pre_dispatch(
    key: str, kind: IncidentType, grades: Mapping[str, Grade]
) -> list[tuple[str, str]]:
    """A type's own pre-dispatch time only on grades a pool attends without appointment."""
    return [
        (f"{key}.pre_dispatch_min.{g}", f"grade {g} has no pre-dispatch stage (no pool, or booked)")
        for g in kind.pre_dispatch_min
        if g in grades and (grades[g].pool is None or grades[g].appointment is not None)
    ] + [
        (f"{key}.pre_dispatch_min.{g}", "not in this type's grade_share")
        for g in kind.pre_dispatch_min
        if g not in kind.grade_share
    ]
