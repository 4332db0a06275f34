"""Crimes created by incidents and contacts: the last stage of the chained draws.

After the dispatch stage, each cleared incident of a grade with a ``crime_share`` creates a
crime of the grade's ``crime_type`` with that probability, at its clear time (at its
creation for grades nobody attends); each handled contact of a channel with a
``crime_share`` creates one at its release, decided by the contact's own pre-drawn uniform.
Those crimes' screening, risk, effort and floor come from streams named by the type and the
grade or channel, so they never shift the type's own stream.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from fmssim.engine.records import ContactOutcome, Outcome
from fmssim.model.case_draws import Part, as_part, merge_cases, typed_cases
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs
from fmssim.model.streams import StreamKind, generator


def chain_cases(
    inputs: Inputs,
    draws: Draws,
    incidents: Outcome,
    contacts: ContactOutcome | None,
    crimes: list[Part] | None = None,
) -> Draws:
    """``draws`` with the crimes created by incidents and contacts added to its cases.

    ``crimes``: the contacts' crimes already drawn by :func:`contact_crimes` (then
    ``contacts`` and ``draws.contacts`` are not read, and may have been dropped)."""
    inv = inputs.investigations
    if inv is None or draws.cases is None:
        return draws
    types = inputs.grades.types
    by_type = types is not None and bool(np.nan_to_num(types.crime_share).any())
    by_grade = bool((inv.grade_crime_share > 0).any())
    if not (by_grade or by_type or (inv.channel_crime_share > 0).any()):
        return draws
    base = len(inv.names) + len(inv.types.names)
    parts = [as_part(draws.cases), *_from_incidents(inputs, draws, incidents, base)]
    if crimes is None:
        d = draws.contacts
        crimes = [] if d is None else contact_crimes(inputs, draws.replication, d, contacts)
    parts += crimes
    return replace(draws, cases=replace(merge_cases(parts), capacity=draws.cases.capacity))


def contact_crimes(
    inputs: Inputs, replication: int, d: ContactDraws, contacts: ContactOutcome | None
) -> list[Part]:
    """The crimes handled contacts create (from streams of their own, so they may be drawn
    as soon as the contact stage ends, and the contacts dropped)."""
    if inputs.investigations is None or contacts is None:
        return []
    return _from_contacts(inputs, replication, d, contacts, _contact_base(inputs))


def _contact_base(inputs: Inputs) -> int:
    """The source index of the first channel's crimes (after types and grades)."""
    inv = inputs.investigations
    assert inv is not None
    return len(inv.names) + len(inv.types.names) + len(inputs.grades.names)


def _from_incidents(inputs: Inputs, draws: Draws, out: Outcome, base: int) -> list[Part]:
    inv, g, d = inputs.investigations, inputs.grades, draws.incidents
    assert inv is not None
    parts = []
    for i, name in enumerate(g.names):
        ids = np.flatnonzero(d.grade == i)
        share, crime = _crime_rules(inputs, i, len(ids), None if d.kind is None else d.kind[ids])
        if not np.any((share > 0) & (crime >= 0)):
            continue
        u = generator(inputs.seed, draws.replication, StreamKind.INCIDENT_CRIME, name).random(
            len(ids)
        )
        when = d.created_min[ids] if g.pool[i] < 0 else out.cleared_min[ids]
        made = (u < share) & (crime >= 0) & ~np.isnan(when)
        for k in np.unique(crime[made]):
            created = when[made & (crime == k)]
            stream = f"{inv.types.names[k]}<-{name}"
            parts.append(typed_cases(inputs, draws.replication, int(k), created, stream, base + i))
    return parts


def _crime_rules(
    inputs: Inputs, grade: int, n: int, kind: NDArray[np.int64] | None
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Per incident of ``grade``: the share creating a crime and the crime type (index into
    the investigation types, -1 for none) — the grade's, or its incident type's own."""
    inv, types = inputs.investigations, inputs.grades.types
    assert inv is not None
    share = np.full(n, inv.grade_crime_share[grade])
    crime = np.full(n, inv.grade_crime_type[grade], np.int64)
    if kind is None or types is None:
        return share, crime
    for t in range(len(types.names)):
        mine = kind == t
        if not np.isnan(types.crime_share[t]):
            share[mine] = types.crime_share[t]
        if types.crime_type[t] is not None:
            crime[mine] = inv.types.names.index(types.crime_type[t])
    return share, crime


def _from_contacts(
    inputs: Inputs, replication: int, d: ContactDraws, out: ContactOutcome, base: int
) -> list[Part]:
    inv = inputs.investigations
    assert inv is not None
    handled = np.flatnonzero(~np.isnan(out.released_min))
    contact = d.owner_of(handled)
    channel = d.channel[contact]
    parts = []
    for c, name in enumerate(inputs.channels.names):
        share, k = inv.channel_crime_share[c], int(inv.channel_crime_type[c])
        if share <= 0 or k < 0:
            continue
        mine = (channel == c) & (d.crime_u[contact] < share)
        created = out.released_min[handled][mine]
        order = np.argsort(created, kind="stable")
        stream = f"{inv.types.names[k]}<-{name}"
        parts.append(typed_cases(inputs, replication, k, created[order], stream, base + c))
    return parts
