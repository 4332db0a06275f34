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
    """Taking an en-route unit: a single-unit P1 with a queue level of its own."""
    problems: list[Problem] = []
    options, p1 = s.dispatch.options, s.dispatch.grades.get("P1")
    en_route = "dispatch.options.p1_takes_en_route_unit"
    if not options.p1_takes_en_route_unit or p1 is None:
        return problems
    if p1.units_needed != 1:
        key = "dispatch.grades.P1.units_needed"
        problems.append(_flag(key, f"(with {en_route}, only 1)"))
    level = s.dispatch.priority_of("P1")
    if any(s.dispatch.priority_of(g) == level for g in s.dispatch.grades if g != "P1"):
        problems.append(_flag(en_route, "(when another grade shares P1's priority)"))
    return problems


def _flag(key: str, hint: str = "") -> Problem:
    return (key, f"{NOT_YET}: {key} {hint}".strip())
