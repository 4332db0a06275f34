"""Checks across parts of a scenario: every name used is defined, every provenance key exists."""

from __future__ import annotations

import difflib
from typing import Any

from fmssim.scenario.contact_checks import contact_problems
from fmssim.scenario.demand import Channel
from fmssim.scenario.departments import department_problems
from fmssim.scenario.dispatch import Grade
from fmssim.scenario.forecast import forecast_problems
from fmssim.scenario.incident_types import type_problems
from fmssim.scenario.investigation_checks import investigation_problems
from fmssim.scenario.root import Scenario

Problem = tuple[str, str]
"""(dotted key, what is wrong)."""


def check_references(s: Scenario, raw: dict[str, Any]) -> list[Problem]:
    """Names used but not defined, and provenance keys that name nothing in ``raw``."""
    return [
        *_names(s),
        *contact_problems(s),
        *department_problems(s),
        *_crimes(s),
        *type_problems(s.dispatch.grades, s.dispatch.incident_types, s.demand.crimes),
        *investigation_problems(s),
        *forecast_problems(s),
        *_provenance(s, raw),
    ]


def _crimes(s: Scenario) -> list[Problem]:
    """Crime types routed to existing departments, with an effort unless all screened out."""
    problems: list[Problem] = []
    departments = s.investigations.departments if s.investigations is not None else {}
    for name, crime in s.demand.crimes.items():
        key = f"demand.crimes.{name}"
        if crime.department not in departments:
            problems.append(
                (f"{key}.department", _unknown("department", crime.department, departments))
            )
        if crime.duration_days is None and crime.screened_out_share < 1.0:
            problems.append((f"{key}.duration_days", "needed unless screened_out_share is 1"))
    creators: list[tuple[str, Grade | Channel]] = [
        *((f"dispatch.grades.{n}", g) for n, g in s.dispatch.grades.items()),
        *((f"demand.channels.{n}", c) for n, c in s.demand.channels.items()),
    ]
    for key, creator in creators:
        if creator.crime_type is not None and creator.crime_type not in s.demand.crimes:
            unknown = _unknown("crime type", creator.crime_type, s.demand.crimes)
            problems.append((f"{key}.crime_type", unknown))
        elif creator.crime_share > 0 and creator.crime_type is None:
            problems.append((f"{key}.crime_share", "above 0, so give the crime_type it creates"))
    return problems


def _names(s: Scenario) -> list[Problem]:
    """Grades, profiles and pools used but not defined."""
    problems: list[Problem] = []
    for grade_name in s.demand.incidents:
        if grade_name not in s.dispatch.grades:
            key = f"demand.incidents.{grade_name}"
            problems.append((key, f"no grade {grade_name} in dispatch.grades"))
    for key, stream in _streams(s):
        if stream.profile is not None and stream.profile not in s.profiles:
            problems.append((f"{key}.profile", _unknown("profile", stream.profile, s.profiles)))
    for name, grade in s.dispatch.grades.items():
        if grade.pool is not None and grade.pool not in s.pools:
            problems.append((f"dispatch.grades.{name}.pool", _unknown("pool", grade.pool, s.pools)))
    for pool in s.dispatch.options.p1_borrows_from:
        if pool not in s.pools:
            problems.append(("dispatch.options.p1_borrows_from", _unknown("pool", pool, s.pools)))
    return [*problems, *_lending(s), *_appointments(s), *_roster_profiles(s)]


def _roster_profiles(s: Scenario) -> list[Problem]:
    """A roster derived from strength follows a profile the scenario defines."""
    handlers = s.contact.pools if s.contact is not None else {}
    rosters = [
        *((f"pools.{n}", p.roster) for n, p in s.pools.items()),
        *((f"contact.pools.{n}", p.roster) for n, p in handlers.items()),
    ]
    return [
        (f"{key}.roster.strength.follows", _unknown("profile", r.strength.follows, s.profiles))
        for key, r in rosters
        if r.strength is not None
        and r.strength.follows is not None
        and r.strength.follows not in s.profiles
    ]


def _lending(s: Scenario) -> list[Problem]:
    """Every pool and grade a lending rule names exists."""
    problems: list[Problem] = []
    for k, rule in enumerate(s.dispatch.options.lending):
        key = f"dispatch.options.lending.{k}"
        for pool in [rule.lender, *rule.pools]:
            if pool not in s.pools:
                which = "lender" if pool == rule.lender else "pools"
                problems.append((f"{key}.{which}", _unknown("pool", pool, s.pools)))
        for grade in rule.grades:
            if grade not in s.dispatch.grades:
                unknown = _unknown("grade", grade, s.dispatch.grades)
                problems.append((f"{key}.grades", unknown))
    return problems


def _appointments(s: Scenario) -> list[Problem]:
    """An appointment grade is attended by a pool and measured against its slot."""
    problems: list[Problem] = []
    for name, grade in s.dispatch.grades.items():
        key = f"dispatch.grades.{name}"
        if grade.appointment is not None and grade.target_min is not None:
            problems.append((f"{key}.target_min", "an appointment is measured against its slot"))
        if grade.appointment is not None and grade.pool is None:
            problems.append((f"{key}.appointment", "needs a pool to attend the appointments"))
        pool = s.pools.get(grade.pool or "")
        if grade.appointment is not None and pool is not None and pool.travel_scaling is not None:
            problems.append(
                (
                    f"pools.{grade.pool}.travel_scaling",
                    f"not for a pool attending {name} by appointment",
                )
            )
    return problems


def _provenance(s: Scenario, raw: dict[str, Any]) -> list[Problem]:
    """``sources`` and ``assumptions`` entries whose dotted key names no value."""
    problems: list[Problem] = []
    for section in ("sources", "assumptions"):
        for dotted in getattr(s, section):
            if not _exists(raw, dotted):
                problems.append((f"{section}.{dotted}", "names no value in this scenario"))
    return problems


def _streams(s: Scenario) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for part in ("channels", "incidents", "crimes"):
        for name, stream in getattr(s.demand, part).items():
            found.append((f"demand.{part}.{name}", stream))
    return found


def _unknown(what: str, name: str, known: dict[str, Any]) -> str:
    hint = difflib.get_close_matches(name, list(known), n=1)
    if hint:
        return f"unknown {what} {name!r} (did you mean {hint[0]!r}?)"
    names = ", ".join(sorted(known)) or "none defined"
    return f"unknown {what} {name!r} (known: {names})"


def _exists(raw: dict[str, Any], dotted: str) -> bool:
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
