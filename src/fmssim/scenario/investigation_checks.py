"""Checks across the investigation parts of a scenario: crime types' stages and risk effort
name things their department and type define, and no work is routed to a closed stage."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from fmssim.scenario.investigation import Department
from fmssim.scenario.root import Scenario

Problem = tuple[str, str]


def investigation_problems(s: Scenario) -> list[Problem]:
    """Stages and risk levels named but not defined; stages with no capacity that cases
    are routed to."""
    if s.investigations is None:
        return []
    problems: list[Problem] = []
    departments = s.investigations.departments
    for name, dept in departments.items():
        key = f"investigations.departments.{name}"
        routed = {} if dept.backlog is None else dept.backlog.stages
        problems += _routes(f"{key}.backlog", routed, dept, key)
        problems += _eligibility(s, name, dept, key)
    for name, crime in s.demand.crimes.items():
        key = f"demand.crimes.{name}"
        for level in crime.risk_effort:
            if level not in crime.risk_levels:
                problems.append(
                    (f"{key}.risk_effort.{level}", _unknown("risk level", level, crime.risk_levels))
                )
        routed_to = departments.get(crime.department)
        if routed_to is None:
            continue
        where = f"investigations.departments.{crime.department}"
        problems += _routes(key, crime.stages, routed_to, where)
    return problems


def _routes(key: str, routed: dict[str, float], dept: Department, where: str) -> list[Problem]:
    """Stages named under ``key`` exist in ``dept`` (at ``where``) and can take cases."""
    problems: list[Problem] = []
    for stage, share in routed.items():
        if stage not in dept.stages:
            problems.append((f"{key}.stages.{stage}", _unknown("stage", stage, dept.stages)))
        elif share > 0 and dept.stages[stage].servers == 0:
            problems.append(
                (f"{where}.stages.{stage}.servers", f"is 0, but {key} routes cases to it")
            )
    return problems


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    names = list(known)
    hint = difflib.get_close_matches(name, names, n=1)
    if hint:
        return f"unknown {what} {name!r} (did you mean {hint[0]!r}?)"
    return f"unknown {what} {name!r} (known: {', '.join(sorted(names)) or 'none defined'})"


def _eligibility(s: Scenario, name: str, dept: Department, key: str) -> list[Problem]:
    """Eligibility keys name this department's crime types (and their risk levels) and
    classes it defines."""
    problems: list[Problem] = []
    mine = {n: c for n, c in s.demand.crimes.items() if c.department == name}
    for ctype, levels in dept.eligibility.items():
        where = f"{key}.eligibility.{ctype}"
        if ctype not in mine:
            problems.append((where, _unknown(f"crime type of {name}", ctype, mine)))
            continue
        for level, classes in levels.items():
            if level != "all" and level not in mine[ctype].risk_levels:
                known = [*mine[ctype].risk_levels, "all"]
                problems.append((f"{where}.{level}", _unknown("risk level", level, known)))
            for c in classes:
                if c not in dept.classes:
                    unknown = _unknown("investigator class", c, dept.classes)
                    problems.append((f"{where}.{level}", unknown))
            if not classes:
                problems.append(
                    (f"{where}.{level}", "names no class: its cases would wait for ever")
                )
    return problems
