"""What this release simulates: parts of the format not simulated yet are rejected, not ignored."""

from __future__ import annotations

from fmssim.scenario.references import Problem
from fmssim.scenario.root import Scenario

NOT_YET = "not supported yet"


def unsupported(s: Scenario) -> list[Problem]:
    """Every key the scenario sets that no engine of this release simulates."""
    problems: list[Problem] = []
    return [*problems, *_options(s)]


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


def _flag(key: str, hint: str = "") -> Problem:
    return (key, f"{NOT_YET}: {key} {hint}".strip())
