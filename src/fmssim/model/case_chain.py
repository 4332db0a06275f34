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

from fmssim.engine.records import ContactOutcome, Outcome
from fmssim.model.case_draws import Part, as_part, merge_cases, typed_cases
from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs
from fmssim.model.streams import StreamKind, generator


def chain_cases(
    inputs: Inputs, draws: Draws, incidents: Outcome, contacts: ContactOutcome | None
) -> Draws:
    """``draws`` with the crimes created by incidents and contacts added to its cases."""
    inv = inputs.investigations
    if inv is None or draws.cases is None:
        return draws
    if not (inv.grade_crime_share > 0).any() and not (inv.channel_crime_share > 0).any():
        return draws
    base = len(inv.names) + len(inv.types.names)
    parts = [as_part(draws.cases), *_from_incidents(inputs, draws, incidents, base)]
    if contacts is not None and draws.contacts is not None:
        parts += _from_contacts(inputs, draws, contacts, base + len(inputs.grades.names))
    return replace(draws, cases=replace(merge_cases(parts), capacity=draws.cases.capacity))


def _from_incidents(inputs: Inputs, draws: Draws, out: Outcome, base: int) -> list[Part]:
    inv, g, d = inputs.investigations, inputs.grades, draws.incidents
    assert inv is not None
    parts = []
    for i, name in enumerate(g.names):
        share, k = inv.grade_crime_share[i], int(inv.grade_crime_type[i])
        if share <= 0 or k < 0:
            continue
        ids = np.flatnonzero(d.grade == i)
        u = generator(inputs.seed, draws.replication, StreamKind.INCIDENT_CRIME, name).random(
            len(ids)
        )
        when = d.created_min[ids] if g.pool[i] < 0 else out.cleared_min[ids]
        created = when[(u < share) & ~np.isnan(when)]
        stream = f"{inv.types.names[k]}<-{name}"
        parts.append(typed_cases(inputs, draws.replication, k, created, stream, base + i))
    return parts


def _from_contacts(inputs: Inputs, draws: Draws, out: ContactOutcome, base: int) -> list[Part]:
    inv, d = inputs.investigations, draws.contacts
    assert inv is not None and d is not None
    handled = np.flatnonzero(~np.isnan(out.released_min))
    contact = d.owner[handled]
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
        parts.append(typed_cases(inputs, draws.replication, k, created[order], stream, base + c))
    return parts
