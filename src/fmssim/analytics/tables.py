"""Engine output as long, typed record tables with units in the column names."""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.engine.records import ContactOutcome, Outcome
from fmssim.model.contact_policy import contact_outcomes
from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs


def incident_table(inputs: Inputs, draws: Draws, outcome: Outcome) -> pl.DataFrame:
    """One row per incident of one replication.

    ``created_min`` is the log's creation and ``ready_min`` the end of its pre-dispatch stage
    (when it joined its pool's queue): wait = assigned − ready, response = arrived − created,
    so response = pre-dispatch + wait + travel. An appointment's row starts at its creation
    (not its planned departure) and its target is its slot: ``target_min`` = slot − creation,
    so "response ≤ target" is "arrived by the slot"; its wait is counted from creation.
    """
    d = draws.incidents
    grades = inputs.grades
    pool_names = [*inputs.pools.names, ""]
    ready = d.created_min
    created = ready if d.logged_min is None else d.logged_min
    target = grades.target_min[d.grade]
    slot = np.full(len(d), np.nan) if d.slot_min is None else d.slot_min
    if d.booked_min is not None:  # an appointment: from its creation, due by its slot
        booked = ~np.isnan(d.booked_min)
        created = np.where(booked, d.booked_min, created)
        ready = np.where(booked, created, ready)
        target = np.where(booked, slot - created, target)
    return pl.DataFrame(
        {
            "rep": pl.Series(np.full(len(d), draws.replication), dtype=pl.Int32),
            "incident": pl.Series(np.arange(len(d)), dtype=pl.Int64),
            "grade": _names(grades.names, d.grade),
            "type": _types(inputs, d.kind, len(d)),
            "graded": _names(grades.names, d.grade if d.graded is None else d.graded),
            "pool": _names(pool_names, grades.pool[d.grade]),
            "lent_by": _lenders(pool_names, outcome.borrowed_from),
            "target_min": target,
            "units": pl.Series(grades.units_needed[d.grade], dtype=pl.Int64),
            "created_min": created,
            "ready_min": ready,
            "slot_min": slot,
            "assigned_min": outcome.assigned_min,
            "arrived_min": outcome.arrived_min,
            "cleared_min": outcome.cleared_min,
            "free_min": outcome.free_min,
            "diverted_min": outcome.diverted_min,
            "lost_travel_min": outcome.lost_travel_min,
        }
    ).with_columns(
        pre_dispatch_min=pl.col("ready_min") - pl.col("created_min"),
        wait_min=pl.col("assigned_min") - pl.col("ready_min"),
        response_min=pl.col("arrived_min") - pl.col("created_min"),
    )


def _types(inputs: Inputs, kind: NDArray[np.int64] | None, n: int) -> pl.Series:
    """Incident type names; null where an incident has none."""
    names = inputs.grades.types.names if inputs.grades.types is not None else ()
    dtype = pl.Enum(list(names))
    if kind is None:
        return pl.Series(dtype=dtype).extend_constant(None, n)
    index = pl.Series(kind, dtype=pl.Int64)
    index = pl.select(pl.when(index >= 0).then(index)).to_series()
    return pl.Series(list(names), dtype=dtype).gather(index)


def _lenders(names: list[str], borrowed_from: NDArray[np.float64]) -> pl.Series:
    """The pool that lent the incident its units; null when its own pool attended (or nobody
    did)."""
    index = pl.Series(borrowed_from, nan_to_null=True).cast(pl.Int64)
    return pl.Series(names, dtype=pl.Enum(list(dict.fromkeys(names)))).gather(index)


OUTCOMES = ("resolved", "incident", "crime")
"""A contact's outcome: resolved at first contact, an attended incident, a crime recorded."""


def contact_table(inputs: Inputs, draws: Draws, outcome: ContactOutcome) -> pl.DataFrame:
    """One row per attempt that happened (reached a handler's queue or was closed by the bot).

    The attempts that never happened (redials of callers who were answered: most of those
    drawn) are left out before any column is built, so the table's memory is that of its
    rows."""
    d = draws.contacts
    if d is None:
        return pl.DataFrame()
    bot_first = np.zeros(len(outcome.arrived_min), bool)
    bot_first[d.first[:-1][d.bot]] = True  # a bot-closed contact's first attempt
    rows = np.flatnonzero(bot_first | ~np.isnan(outcome.arrived_min))
    del bot_first
    owner = d.owner_of(rows)
    first = rows == d.first[owner]
    bot = first & d.bot[owner]
    arrived = np.where(bot, d.created_min[owner], outcome.arrived_min[rows])
    dialled = d.dialled(rows, owner)
    kind = contact_outcomes(inputs, d)[owner]
    table = pl.DataFrame(
        {
            "rep": pl.Series(np.full(len(rows), draws.replication), dtype=pl.Int32),
            "contact": owner,
            "attempt": (rows - d.first[owner]).astype(np.int32),
            "channel": _names(inputs.channels.names, dialled),
            "spilled": dialled != d.channel[owner],
            "bot": bot,
            "target_min": inputs.channels.answer_target_min[dialled],
            "arrived_min": arrived,
            "answered_min": outcome.answered_min[rows],
            "abandoned_min": outcome.abandoned_min[rows],
            "released_min": outcome.released_min[rows],
            "callback_min": outcome.callback_min[rows],
            "outcome": _names(OUTCOMES, kind),
        }
    )
    return table.with_columns(wait_sec=(pl.col("answered_min") - pl.col("arrived_min")) * 60.0)


def _names(names: tuple[str, ...] | list[str], index: NDArray[np.int64]) -> pl.Series:
    """Names by index, as an enum column (cheap to build, group and store)."""
    unique = list(dict.fromkeys(names))
    return pl.Series(list(names), dtype=pl.Enum(unique)).gather(index)
