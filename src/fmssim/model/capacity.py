"""Capacity a scenario can never have: found from its compiled inputs, before any run.

A pool with no units on duty at any hour, a grade needing more units at once than its pool
ever has, and a pool (dispatch or call handling) offered more work on average than it has
people for cannot give meaningful statistics: its queue grows without bound, so waits and
attainment only say how long the horizon was. These checks run on every command that takes
a scenario (``validate``, ``run``, ``compare``, ``sweep``) and print one warning line each.

Offered load is the long-run mean: arrivals per hour (each grade's own stream, plus, when
incidents come from handled contacts, each channel's handled share by its grade mix) × units
needed × mean time a job holds them (travel + on scene + write-up; handling for contacts).
It ignores routing that lets some incidents go unattended and abandonment, so it can only
overstate the load: a warning is given only above 100% of the mean units on duty, and not
for pools that can borrow units from others (lending rules).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fmssim.model.inputs import Inputs

MIN_PER_HOUR = 60.0


def capacity_warnings(inputs: Inputs) -> list[str]:
    """One ``warning: ...`` line per pool or grade that can never keep up."""
    return [*_dispatch(inputs), *_handlers(inputs)]


def grade_rates(inputs: Inputs) -> NDArray[np.float64]:
    """Mean incidents per hour of each grade (own streams and chained contacts)."""
    rates = inputs.grades.rate_per_hour.mean(axis=1)
    ch = inputs.channels
    if inputs.chained and len(ch.names):
        mix = np.diff(ch.grade_cdf, axis=1, prepend=0.0)
        handled = ch.rate_per_hour.mean(axis=1) * (1.0 - ch.bot_share)
        rates = rates + handled @ mix
    return np.asarray(rates, dtype=np.float64)


def _dispatch(inputs: Inputs) -> list[str]:
    g, pools = inputs.grades, inputs.pools
    rates = grade_rates(inputs)
    borrowers = {int(k) for k in np.flatnonzero(inputs.lending.pools.any(axis=0))}
    warnings = []
    for k, name in enumerate(pools.names):
        mine = [i for i in range(len(g.names)) if g.pool[i] == k and rates[i] > 0]
        if not mine or k in borrowers:
            continue
        units = pools.units_per_hour[k]
        grades = ", ".join(g.names[i] for i in mine)
        if units.max() <= 0:
            warnings.append(
                f"warning: pool {name} has no units on duty at any hour, yet it attends {grades}: "
                "none of their incidents can be attended"
            )
            continue
        for i in mine:
            if g.units_needed[i] > units.max():
                warnings.append(
                    f"warning: grade {g.names[i]} needs {g.units_needed[i]} units at once but "
                    f"pool {name} never has more than {units.max()} on duty: none of its "
                    "incidents can be attended"
                )
        load = sum(rates[i] * g.units_needed[i] * _job_min(inputs, i) for i in mine)
        warnings.extend(_overload("pool", name, load / MIN_PER_HOUR, units, "units"))
    return warnings


def _job_min(inputs: Inputs, grade: int) -> float:
    g = inputs.grades
    return float(g.travel[grade].mean + g.on_scene[grade].mean + g.write_up[grade].mean)


def _handlers(inputs: Inputs) -> list[str]:
    ch, handlers = inputs.channels, inputs.handlers
    warnings = []
    rates = ch.rate_per_hour.mean(axis=1) * (1.0 - ch.bot_share) if len(ch.names) else []
    for k, name in enumerate(handlers.names):
        mine = [c for c in range(len(ch.names)) if ch.pool[c] == k and rates[c] > 0]
        if not mine:
            continue
        slots = handlers.units_per_hour[k]
        if slots.max() <= 0:
            channels = ", ".join(ch.names[c] for c in mine)
            warnings.append(
                f"warning: contact pool {name} has no handlers at any hour, yet answers "
                f"{channels}: no contact can be answered"
            )
            continue
        load = sum(rates[c] * ch.handling[c].mean for c in mine) / MIN_PER_HOUR
        warnings.extend(_overload("contact pool", name, load, slots, "answer slots"))
    return warnings


def _overload(kind: str, name: str, load: float, units: NDArray[np.int64], what: str) -> list[str]:
    have = float(units.mean())
    if load <= have:
        return []
    return [
        f"warning: {kind} {name} is offered about {load:,.1f} {what}' work on average but "
        f"has {have:,.1f} on duty: it cannot keep up, its queue grows for the whole run and "
        "its waits and attainment are censored by the horizon"
    ]
