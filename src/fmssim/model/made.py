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
from fmssim.model.redials import attempt_values

Made = tuple[NDArray[np.integer], NDArray[np.integer], list[Any], NDArray[np.integer]]
"""(contact, attempt number, rows: the five times, then patience, handling and delay, one
array each; channel dialled) as an engine reports them. The rows are freed as placed."""


def attempts_made(d: ContactDraws, parts: list[Made]) -> tuple[ContactDraws, ContactOutcome]:
    """``d`` with the attempts made (contact by contact, then attempt number), and their
    timeline. Every contact has made its first attempt (a bot-closed one never reaches the
    queue: its times are NaN, its values as listed). Consumes ``parts``: each row of each
    part is freed as soon as it is placed, so at most one row exists twice."""
    n = len(d)
    made = np.zeros(n, np.int64)  # later attempts made, per contact
    for contact, k, _, _ in parts:
        _count_later(contact, k, made)
    first = np.zeros(n + 1, np.int64)
    np.cumsum(made + 1, out=first[1:])
    m = int(first[-1])
    bot = np.flatnonzero(d.bot)
    never, listed = first[bot], d.first[bot]  # a bot-closed contact's first attempt
    placed = sum(len(p[0]) for p in parts)
    if placed + len(never) != m:  # an engine reported a contact twice, or a bot-closed one
        raise AssertionError(f"{placed} attempts placed and {len(never)} bot-closed of {m}")
    as_listed = (d.patience_min, d.handling_min, d.delay_min)
    rows = []
    for r in range(8):  # every attempt is placed once, bot-closed contacts' first below
        row = np.empty(m)
        for contact, k, values, _ in parts:
            _place(contact, k, values[r], first, row)
            values[r] = None
        row[never] = np.nan if r < 5 else as_listed[r - 5][listed]
        rows.append(row)
    dial = np.empty(m, np.int64)
    elsewhere = False
    while parts:
        contact, k, _, dialled = parts.pop(0)
        elsewhere |= _place_dial(contact, k, dialled, first, d.channel, dial)
    dial[never] = d.channel[bot] if d.attempt_channel is None else d.attempt_channel[listed]
    elsewhere = elsewhere or bool(np.any(dial[never] != d.channel[bot]))
    made_draws = replace(
        d,
        first=first,
        patience_min=rows[5],
        handling_min=rows[6],
        delay_min=rows[7],
        attempt_channel=dial if elsewhere else None,
        redials=None,
    )
    return made_draws, ContactOutcome(*rows[:5])


@njit(cache=True)
def _count_later(contact: np.ndarray, k: np.ndarray, made: np.ndarray) -> None:
    for j in range(len(contact)):
        if k[j] > 0:
            made[contact[j]] += 1


@njit(cache=True)
def _place(
    contact: np.ndarray, k: np.ndarray, values: np.ndarray, first: np.ndarray, row: np.ndarray
) -> None:
    """``values`` of attempts ``k`` of ``contact`` to their place ``first[contact] + k``."""
    for j in range(len(contact)):
        row[first[contact[j]] + k[j]] = values[j]


@njit(cache=True)
def _place_dial(
    contact: np.ndarray,
    k: np.ndarray,
    dialled: np.ndarray,
    first: np.ndarray,
    channel: np.ndarray,
    dial: np.ndarray,
) -> bool:
    """:func:`_place` for the channels dialled; whether any is another than the contact's."""
    elsewhere = False
    for j in range(len(contact)):
        dial[first[contact[j]] + k[j]] = dialled[j]
        elsewhere = elsewhere or dialled[j] != channel[contact[j]]
    return elsewhere


Source = tuple[Any, ...]
"""The attempts listed in a :class:`ContactDraws` and how later ones are drawn, as compiled
code reads them (:func:`attempt_source`)."""


def attempt_source(d: ContactDraws) -> Source:
    """What :func:`attempt_of` reads for ``d`` (one flat tuple of arrays)."""
    none_i, none_f = np.zeros(0, np.int64), np.zeros(0)
    listed_dial = none_i if d.attempt_channel is None else d.attempt_channel.astype(np.int64)
    r = d.redials
    delay = d.delay_min if r is None else none_f  # drawn first calls have none: empty = 0
    listed = (d.first, d.patience_min, d.handling_min, delay, listed_dial, d.channel)
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


def first_attempt(src: Source, g: int) -> tuple[int, float, float, float]:
    """(channel dialled, patience, handling, delay) of contact ``g``'s first attempt, as
    :func:`attempt_of` gives them, without a call into compiled code (the reference
    engine makes one per contact)."""
    first, patience, handling, delay, dial, channel = src[1:7]
    i = int(first[g])
    dialled = int(dial[i]) if len(dial) else int(channel[g])
    return dialled, float(patience[i]), float(handling[i]), float(delay[i]) if len(delay) else 0.0


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
        delay = listed_delay[i] if len(listed_delay) else 0.0
        return dialled, listed_patience[i], listed_handling[i], delay
    spill = spilled[g] and k == count[g] - 1
    dialled = spill_to[channel[g]] if spill else channel[g]
    p, h, d = attempt_values(
        channel[g], local[g], k, spill, wrap[g], speed[g], keys, roots,
        kind, pa, pb, lo, hi, cum, values, children,
    )  # fmt: skip
    return dialled, p, h, d
