"""The attempts a contact stage made, in the order both engines report them.

An engine makes a contact's first attempt when the contact arrives and each later one when
the caller hangs up, in event order; it reports each attempt as (contact, attempt number,
its five times). :func:`attempts_made` puts them contact by contact — attempt ``first[c] +
k`` is attempt ``k`` of contact ``c`` — and takes their patience, handling and delay from
the same place the engine did (the attempts listed, or the keyed streams), so that the two
engines' results are compared record for record and every later stage reads attempts made.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from fmssim.engine.records import ContactOutcome
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.redials import attempt_values, draw_attempts

Made = tuple[NDArray[np.int64], NDArray[np.integer], NDArray[np.float64]]
"""(contact, attempt number, times of shape (5, attempts)) as an engine reports them."""


def attempts_made(d: ContactDraws, parts: list[Made]) -> tuple[ContactDraws, ContactOutcome]:
    """``d`` with the attempts made (contact by contact, then attempt number), and their
    timeline. Every contact has made its first attempt (a bot-closed one never reaches the
    queue: its times are NaN)."""
    n = len(d)
    contact = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    k = np.concatenate([p[1] for p in parts]).astype(np.int64) if parts else contact
    later = k > 0
    first = np.zeros(n + 1, np.int64)
    np.cumsum(1 + np.bincount(contact[later], minlength=n), out=first[1:])
    head, m = first[:-1], int(first[-1])
    where = first[contact] + k
    times = np.full((5, m), np.nan)
    offset = 0
    for p in parts:
        times[:, where[offset : offset + len(p[0])]] = p[2]
        offset += len(p[0])
    c, kk, at = contact[later], k[later], where[later]
    patience, handling, delay = np.empty(m), np.empty(m), np.zeros(m)
    listed = d.first[:-1]
    patience[head], handling[head] = d.patience_min[listed], d.handling_min[listed]
    own = d.channel[np.repeat(np.arange(n), np.diff(first))]
    dial = own.copy()
    if d.redials is None:
        i = d.first[c] + kk
        patience[at], handling[at], delay[at] = d.patience_min[i], d.handling_min[i], d.delay_min[i]
        if d.attempt_channel is not None:
            dial[head] = d.attempt_channel[listed]
            dial[at] = d.attempt_channel[i]
    else:
        r = d.redials
        patience[at], handling[at], delay[at] = draw_attempts(r, d.channel[c], c, kk)
        spill = r.spilled[c] & (kk == r.count[c] - 1)
        dial[at[spill]] = r.keyed.spill_to[d.channel[c[spill]]]
    made = replace(
        d,
        first=first,
        patience_min=patience,
        handling_min=handling,
        delay_min=delay,
        attempt_channel=dial if np.any(dial != own) else None,
        redials=None,
    )
    return made, ContactOutcome(*times)


Source = tuple[Any, ...]
"""The attempts listed in a :class:`ContactDraws` and how later ones are drawn, as compiled
code reads them (:func:`attempt_source`)."""


def attempt_source(d: ContactDraws) -> Source:
    """What :func:`attempt_of` reads for ``d`` (one flat tuple of arrays)."""
    none_i, none_f = np.zeros(0, np.int64), np.zeros(0)
    listed_dial = none_i if d.attempt_channel is None else d.attempt_channel.astype(np.int64)
    listed = (d.first, d.patience_min, d.handling_min, d.delay_min, listed_dial, d.channel)
    r = d.redials
    if r is None:
        count = np.diff(d.first).astype(np.int16)
        keyed: Source = (False, np.zeros(0, np.bool_), none_i, none_f, none_f)
        keyed += (np.zeros(0, np.uint64), np.zeros((0, 6), np.int64), none_i)
        table: Source = (np.zeros(0, np.int8), none_f, none_f, none_i, none_i, none_f, none_f)
        table += (none_i,)
    else:
        count, kd, t = r.count, r.keyed, r.keyed.table
        keyed = (True, r.spilled, r.local, r.wrap_min, r.speed, kd.keys, kd.roots, kd.spill_to)
        table = (t.kind, t.a, t.b, t.lo, t.hi, t.cum, t.values, t.children)
    return (count, *listed, *keyed, *table)


@njit(cache=True)
def attempt_of(src, g, k):  # type: ignore[no-untyped-def]
    """(channel dialled, patience, handling, delay) of attempt ``k`` of contact ``g``: listed
    in the draws for a first attempt (or for every attempt when none are keyed), drawn from
    the keyed streams for a later one."""
    (count, first, listed_patience, listed_handling, listed_delay, listed_dial, channel,
     keyed, spilled, local, wrap, speed, keys, roots, spill_to,
     kind, pa, pb, lo, hi, cum, values, children) = src  # fmt: skip
    if k == 0 or not keyed:
        i = first[g] + k
        dialled = listed_dial[i] if len(listed_dial) else channel[g]
        return dialled, listed_patience[i], listed_handling[i], listed_delay[i]
    spill = spilled[g] and k == count[g] - 1
    dialled = spill_to[channel[g]] if spill else channel[g]
    p, h, d = attempt_values(
        channel[g], local[g], k, spill, wrap[g], speed[g], keys, roots,
        kind, pa, pb, lo, hi, cum, values, children,
    )  # fmt: skip
    return dialled, p, h, d
