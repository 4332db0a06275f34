"""Workforce names across parts: departments, routes, PDUs and the pools they scale."""

from __future__ import annotations

import difflib
from typing import Any

from fmssim.scenario.root import Scenario

Problem = tuple[str, str]


def department_problems(s: Scenario) -> list[Problem]:
    """Departments and routes used but not defined; students with no PDU to tutor them."""
    problems = [*_pools(s)]
    w = s.workforce
    if w is None:
        return problems
    for i, intake in enumerate(w.intake):
        if intake.route not in w.routes:
            problems.append(
                (f"workforce.intake.{i}.route", _unknown("route", intake.route, w.routes))
            )
    for name in w.allocation:
        if name not in w.departments:
            key = f"workforce.allocation.{name}"
            problems.append((key, _unknown("department", name, w.departments)))
    problems += _postings(s)
    tutored = any(p.name == "tutored" and p.months > 0 for r in w.routes.values() for p in r.phases)
    if (
        tutored
        and w.tutors == "force"
        and not any(d.max_tutor_share for d in w.departments.values())
    ):
        problems.append(("workforce.tutors", "force-wide tutors, but no department gives any"))
    for name, dept in w.departments.items():
        key = f"workforce.departments.{name}"
        host = dept.tutored_in or name
        if dept.tutored_in is not None and dept.tutored_in not in w.departments:
            problems.append(
                (f"{key}.tutored_in", _unknown("department", dept.tutored_in, w.departments))
            )
        elif (
            tutored
            and w.tutors == "department"
            and w.allocation.get(name, 0.0) > 0
            and not w.departments[host].hosts_pdu
        ):
            where = "it" if host == name else host
            problems.append((key, f"receives students but {where} hosts no PDU (hosts_pdu)"))
    return problems


def _postings(s: Scenario) -> list[Problem]:
    """Postings name departments; recruitment names routes; a driving phase has a course."""
    w = s.workforce
    assert w is not None
    problems: list[Problem] = []
    for r, route in w.routes.items():
        for i, posting in enumerate(route.postings):
            key = f"workforce.routes.{r}.postings.{i}.departments"
            problems += [
                (f"{key}.{name}", _unknown("department", name, w.departments))
                for name in posting.departments
                if name not in w.departments
            ]
        if w.driving is None and any(p.name == "driving" for p in route.phases):
            problems.append(
                (f"workforce.routes.{r}.phases", "a driving phase needs workforce.driving")
            )
    if w.recruitment is not None:
        problems += [
            (f"workforce.recruitment.routes.{r}", _unknown("route", r, w.routes))
            for r in w.recruitment.routes
            if r not in w.routes
        ]
    return [*problems, *_establishment(s), *_recruitment(s)]


def _recruitment(s: Scenario) -> list[Problem]:
    """A planning year whose growth and (approximate) leavers need more recruits than the
    recruitment capacity allows: leavers are estimated at each department's annual rates on
    its establishment at the start of the year."""
    w = s.workforce
    assert w is not None
    if w.recruitment is None:
        return []
    r = w.recruitment
    per_year = 12.0 * min(r.vetting_per_month, r.training_places_per_month)
    years = sorted({y for d in w.departments.values() for y in d.growth})
    for year in years:
        growth = {n: d.growth.get(year, 0.0) for n, d in w.departments.items()}
        leavers = sum(
            d.establishment_after(year - 1) * (d.leaver_rate_per_year + d.retirement_rate_per_year)
            for d in w.departments.values()
        )
        need = sum(growth.values()) + leavers
        if need > per_year:
            most = max(growth, key=lambda n: growth[n])
            return [
                (
                    f"workforce.departments.{most}.growth.{year}",
                    f"planning year {year} needs about {need:,.0f} recruits (growth "
                    f"{sum(growth.values()):,.0f}, most in {most}, plus about {leavers:,.0f} "
                    f"leavers) but recruitment allows {per_year:,.0f} a year "
                    "(workforce.recruitment)",
                )
            ]
    return []


def _establishment(s: Scenario) -> list[Problem]:
    """No department's establishment goes below zero."""
    assert s.workforce is not None
    problems: list[Problem] = []
    for name, dept in s.workforce.departments.items():
        below = [y for y in sorted(dept.growth) if dept.establishment_after(y) < 0]
        if below:
            level = dept.establishment_after(below[0])
            key = f"workforce.departments.{name}.growth.{below[0]}"
            problems.append((key, f"takes the establishment below zero ({level:.1f})"))
    return problems


def _pools(s: Scenario) -> list[Problem]:
    """A pool's (or investigation department's) ``department`` names a workforce department."""
    known = s.workforce.departments if s.workforce is not None else {}
    problems: list[Problem] = []
    pools: list[tuple[str, Any]] = [(f"pools.{n}", p) for n, p in s.pools.items()]
    if s.contact is not None:
        pools += [(f"contact.pools.{n}", p) for n, p in s.contact.pools.items()]
    if s.investigations is not None:
        pools += [
            (f"investigations.departments.{n}", d) for n, d in s.investigations.departments.items()
        ]
    staff = s.workforce.handlers if s.workforce is not None else {}
    for key, pool in pools:
        if pool.department is None:
            continue
        if s.workforce is None:
            problems.append((f"{key}.department", "names a department, but there is no workforce"))
        elif pool.department in staff and key.startswith("contact."):
            continue
        elif pool.department in staff:
            what = f"{pool.department!r} is a handler department (handler pools only)"
            problems.append((f"{key}.department", what))
        elif pool.department not in known:
            names = {**known, **staff} if key.startswith("contact.") else known
            problems.append((f"{key}.department", _unknown("department", pool.department, names)))
    problems += [
        (f"workforce.handlers.{name}", "also an officer department (names must differ)")
        for name in staff
        if name in known
    ]
    return problems


def _unknown(what: str, name: str, known: dict[str, Any]) -> str:
    hint = difflib.get_close_matches(name, list(known), n=1)
    if hint:
        return f"unknown {what} {name!r} (did you mean {hint[0]!r}?)"
    return f"unknown {what} {name!r} (known: {', '.join(sorted(known)) or 'none defined'})"
