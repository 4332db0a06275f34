"""What this release simulates: parts of the format not simulated yet are rejected, not ignored."""

from __future__ import annotations

from fmssim.scenario.references import Problem
from fmssim.scenario.root import Scenario

NOT_YET = "not supported yet"


def unsupported(s: Scenario) -> list[Problem]:
    """Every key the scenario sets that no engine of this release simulates."""
    problems: list[Problem] = []
    if s.investigations is not None:
        problems.append(("investigations", f"{NOT_YET}: investigations"))
    for name, dept in (s.investigations.departments if s.investigations else {}).items():
        if dept.department is not None:  # workforce factors exist; investigations use them later
            problems.append(_flag(f"investigations.departments.{name}.department"))
    if s.demand.crimes:
        problems.append(("demand.crimes", f"{NOT_YET}: demand.crimes"))
    return [*problems, *_options(s), *_grades(s), *_contact(s)]


def _options(s: Scenario) -> list[Problem]:
    """The P1 dispatch options: a single-unit P1 with a queue level of its own."""
    problems: list[Problem] = []
    options, p1 = s.dispatch.options, s.dispatch.grades.get("P1")
    en_route = "dispatch.options.p1_takes_en_route_unit"
    p1_option = options.p1_borrows_from or options.p1_takes_en_route_unit
    if p1_option and p1 is not None and p1.units_needed != 1:
        key = "dispatch.grades.P1.units_needed"
        problems.append(_flag(key, "(with the P1 dispatch options, only 1)"))
    if options.p1_borrows_from and options.p1_takes_en_route_unit:
        problems.append(_flag(en_route, "(together with dispatch.options.p1_borrows_from)"))
    if options.p1_takes_en_route_unit and p1 is not None:
        level = s.dispatch.priority_of("P1")
        if any(s.dispatch.priority_of(g) == level for g in s.dispatch.grades if g != "P1"):
            problems.append(_flag(en_route, "(when another grade shares P1's priority)"))
    return problems


def _grades(s: Scenario) -> list[Problem]:
    """Grade policies beyond units sent straight away, with no crime created."""
    problems: list[Problem] = []
    for name, grade in s.dispatch.grades.items():
        key = f"dispatch.grades.{name}"
        if grade.crime_share > 0:
            problems.append(_flag(f"{key}.crime_share"))
        if grade.crime_type is not None:
            problems.append(_flag(f"{key}.crime_type"))
    return problems


def _contact(s: Scenario) -> list[Problem]:
    """Crimes from contacts (investigations)."""
    problems: list[Problem] = []
    for name, channel in s.demand.channels.items():
        key = f"demand.channels.{name}"
        if channel.crime_share > 0 or channel.crime_type is not None:
            problems.append(_flag(f"{key}.crime_share"))
    return problems


def _flag(key: str, hint: str = "") -> Problem:
    return (key, f"{NOT_YET}: {key} {hint}".strip())
