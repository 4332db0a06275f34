"""Contact KPIs straight from the attempt arrays: one compiled pass, no attempt table.

:func:`fmssim.analytics.contact.contact_kpis` computes the contact KPIs from the attempt
table (:func:`fmssim.analytics.tables.contact_table`, two million rows for the 2019
baseline), partitioned by planning year and channel. Here one compiled pass over the
engines' per-attempt arrays does what that table and its expressions do: it keeps the
attempts that happened, gives each a group (planning year × channel dialled), and counts,
per group, every flag a KPI needs (first attempt, bot, answered, abandoned, late, spilled,
callback, resolved…). The time-average of handlers busy is summed in the same pass, row by
row in record order as ``numpy.bincount`` sums it; the answer waits are gathered per group
in record order so that their mean and p90 use polars' own kernels on the same values in
the same order. Counts and shares of counts are exact, so every KPI is bit-identical to the
table path (``tests/validation/test_reduce.py``).
"""

from __future__ import annotations

import numba
import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics import contact as contact_area
from fmssim.analytics.reduce import mean, quantile, ratio
from fmssim.analytics.windows import add_busy, long_table
from fmssim.engine.records import ContactOutcome
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.inputs import Inputs

(
    ROWS,
    FIRST,
    BOT,
    REDIAL,
    ANSWERED,
    ABANDONED,
    ABANDONED_LATE,
    WITHIN,
    UNKNOWN,
    SPILLED,
    SPILLED_WITHIN,
    SPILLED_KNOWN,
    CALLBACK,
    RESOLVED,
) = range(14)
"""Columns of a group's counts (:func:`_tally`); ``RESOLVED`` counts answered attempts whose
contact was resolved at first contact."""
N_COUNTS = 14


def contact_kpis(inputs: Inputs, d: ContactDraws, outcome: ContactOutcome) -> pl.DataFrame:
    """As :func:`fmssim.analytics.contact.contact_kpis` on the attempt table."""
    grid, ch = inputs.grid, inputs.channels
    bounds, labels = np.ascontiguousarray(grid.year_bounds_min, np.float64), grid.year_labels
    names = list(ch.names)
    share = contact_area.handler_share(inputs)
    attended = np.append(inputs.grades.pool >= 0, False)
    dialled = d.attempt_channel if d.attempt_channel is not None else np.zeros(0, np.int64)
    counts, busy, happened, group = _tally(
        (d.first, d.bot, d.created_min, d.channel, dialled),
        (outcome.arrived_min, outcome.answered_min, outcome.abandoned_min),
        (outcome.released_min, outcome.callback_min),
        (d.outcome_u, d.crime_u, np.ascontiguousarray(ch.grade_cdf, np.float64)),
        (attended, np.asarray(ch.crime_share, np.float64)),
        (np.asarray(ch.answer_target_min, np.float64), np.array([share[n] for n in names])),
        bounds,
    )
    if happened == 0:
        return long_table(pl.DataFrame(), "contact", contact_area.KPIS, labels)
    waits, starts = _waits(
        group,
        counts[:, ANSWERED],
        d.first,
        d.bot,
        d.created_min,
        outcome.arrived_min,
        outcome.answered_min,
    )
    del group
    per_channel = _per_channel(counts, busy, waits, starts, names)
    overall = _overall(counts.reshape(len(bounds) - 1, len(names), N_COUNTS))
    return pl.concat(
        [
            long_table(per_channel, "contact", contact_area.KPIS, labels),
            long_table(overall, "contact", ("resolved_first_contact_share",), labels),
        ]
    )


def _per_channel(
    counts: NDArray[np.int64],
    busy: NDArray[np.float64],
    waits: NDArray[np.float64],
    starts: NDArray[np.int64],
    names: list[str],
) -> pl.DataFrame:
    """Wide table ``year_index, group, <KPIs>``: every planning year × channel (handlers busy
    is known for each), the other KPIs null where a group has no attempts."""
    kpis = [k for k in contact_area.KPIS if k != "handlers_busy_mean"]
    rows: dict[str, list[object]] = {"year_index": [], "group": [], **{k: [] for k in kpis}}
    rows["handlers_busy_mean"] = []
    n_names = len(names)
    for g in range(len(counts)):
        rows["year_index"].append(g // n_names)
        rows["group"].append(names[g % n_names])
        rows["handlers_busy_mean"].append(float(busy[g // n_names, g % n_names]))
        c = counts[g]
        values = _group_kpis(c, waits[starts[g] : starts[g + 1]]) if c[ROWS] else {}
        for k in kpis:
            rows[k].append(values.get(k))
    schema = {"year_index": pl.Int32, "group": pl.String}
    return pl.DataFrame(rows, schema={**schema, **dict.fromkeys(rows.keys() - schema, pl.Float64)})


def _group_kpis(c: NDArray[np.int64], waits: NDArray[np.float64]) -> dict[str, float | None]:
    """One (year, channel) group's KPIs from its counts and its answer waits (seconds)."""
    queued = int(c[ROWS] - c[BOT])
    first, answered = int(c[FIRST]), int(c[ANSWERED])
    return {
        "contacts": float(first),
        "offered": float(queued),
        "redials": float(c[REDIAL]),
        "bot_closed_share": None if first == 0 else ratio(int(c[BOT]), first),
        "answered_within_target_share": ratio(int(c[WITHIN]), queued - int(c[UNKNOWN])),
        "abandoned_share": ratio(int(c[ABANDONED]), queued),
        "abandoned_after_target_share": ratio(int(c[ABANDONED_LATE]), queued),
        "answer_mean_sec": mean(waits),
        "answer_p90_sec": quantile(waits, 0.9),
        "spilled_in": float(c[SPILLED]),
        "spilled_in_answered_within_target_share": ratio(
            int(c[SPILLED_WITHIN]), int(c[SPILLED_KNOWN])
        ),
        "callback_share": ratio(int(c[CALLBACK]), queued),
        "resolved_first_contact_share": None
        if answered == 0
        else ratio(int(c[RESOLVED]), answered),
    }


def _overall(counts: NDArray[np.int64]) -> pl.DataFrame:
    """Wide table of first-contact resolution over every channel, per planning year with
    answered attempts (group :data:`fmssim.analytics.contact.ALL`)."""
    years = counts.sum(axis=1)
    kept = [k for k in range(len(years)) if years[k, ANSWERED] > 0]
    return pl.DataFrame(
        {
            "year_index": kept,
            "group": [contact_area.ALL] * len(kept),
            "resolved_first_contact_share": [
                ratio(int(years[k, RESOLVED]), int(years[k, ANSWERED])) for k in kept
            ],
        },
        schema={
            "year_index": pl.Int32,
            "group": pl.String,
            "resolved_first_contact_share": pl.Float64,
        },
    )


@numba.njit(cache=True)
def _year_of(bounds: NDArray[np.float64], t: float) -> int:
    """Planning year of time ``t`` (-1 in warm-up, past the end or NaN), as ``with_year``."""
    last = len(bounds) - 1
    k = 0
    while k <= last and bounds[k] <= t:
        k += 1
    k -= 1
    return -1 if k >= last else k


@numba.njit(cache=True)
def _resolved(
    c: int,
    channel: int,
    outcome_u: NDArray[np.float64],
    crime_u: NDArray[np.float64],
    cdf: NDArray[np.float64],
    attended: NDArray[np.bool_],
    crime_share: NDArray[np.float64],
) -> bool:
    """Whether contact ``c`` was resolved at first contact (``outcome_kind`` == RESOLVED)."""
    if crime_u[c] < crime_share[channel]:
        return False
    u = outcome_u[c]
    grade = 0
    while grade < cdf.shape[1] and cdf[channel, grade] <= u:  # searchsorted, side right
        grade += 1
    return not attended[min(grade, len(attended) - 1)]


@numba.njit(cache=True)
def _flags(
    is_first: bool,
    is_bot: bool,
    waited: float,
    target: float,
    answered: float,
    abandoned: float,
    spilled: bool,
    callback: float,
) -> int:
    """An attempt's bits (``1 << ROWS`` …, as ``contact_kpis`` flags it) but
    :data:`RESOLVED`."""
    was_answered, was_abandoned = not np.isnan(answered), not np.isnan(abandoned)
    late = waited > target
    unknown = not (is_bot or was_answered or was_abandoned or late)
    within = was_answered and not late
    return (
        1 << ROWS
        | int(is_first) << FIRST
        | int(is_bot) << BOT
        | int(not is_first and not spilled) << REDIAL
        | int(was_answered) << ANSWERED
        | int(was_abandoned) << ABANDONED
        | int(was_abandoned and late) << ABANDONED_LATE
        | int(within) << WITHIN
        | int(unknown) << UNKNOWN
        | int(spilled) << SPILLED
        | int(spilled and within) << SPILLED_WITHIN
        | int(spilled and not unknown) << SPILLED_KNOWN
        | int(not np.isnan(callback)) << CALLBACK
    )


@numba.njit(cache=True)
def _tally(  # type: ignore[no-untyped-def]
    draws, times, holds, outcome_draws, outcome_inputs, per_channel, bounds
):
    """Per (planning year × channel) group: counts (:data:`ROWS` …); handlers busy per year
    and channel; the attempts that happened; and, per attempt, its group if it was answered
    and counted (else -1). Attempts are in contact order: each one's contact is found by
    walking ``first``; ``dialled`` empty: every attempt on its contact's channel."""
    first, bot, created, channel, dialled = draws
    arrived, answered, abandoned = times
    released, callback = holds
    target, weight = per_channel
    n_ch, horizon = len(target), bounds[-1]
    counts = np.zeros(((len(bounds) - 1) * n_ch, N_COUNTS), np.int64)
    busy = np.zeros((len(bounds) - 1, n_ch), np.float64)
    m = first[-1]
    group = np.full(m, -1, np.int32)
    happened = 0
    c = -1
    for i in range(m):
        while first[c + 1] <= i:  # the contact of attempt i
            c += 1
        is_first = i == first[c]
        t = created[c] if bot[c] and is_first else arrived[i]
        if np.isnan(t):
            continue
        happened += 1
        ch = dialled[i] if len(dialled) else channel[c]
        add_busy(busy, bounds, ch, answered[i], released[i], weight[ch], horizon)
        y = _year_of(bounds, t)
        if y < 0:
            continue
        end = answered[i] if not np.isnan(answered[i]) else abandoned[i]
        waited = (horizon if np.isnan(end) else end) - t
        f = _flags(
            is_first,
            bot[c] and is_first,
            waited,
            target[ch],
            answered[i],
            abandoned[i],
            ch != channel[c],
            callback[i],
        )
        g = y * n_ch + ch
        for b in range(RESOLVED):
            counts[g, b] += (f >> b) & 1
        if not np.isnan(answered[i]):
            counts[g, RESOLVED] += _resolved(c, channel[c], *outcome_draws, *outcome_inputs)
            group[i] = g
    return counts, busy, happened, group


@numba.njit(cache=True)
def _waits(
    group: NDArray[np.int32],
    answered_count: NDArray[np.int64],
    first: NDArray[np.int64],
    bot: NDArray[np.bool_],
    created: NDArray[np.float64],
    arrived: NDArray[np.float64],
    answered: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Answer waits in seconds, grouped (record order within a group), and each group's
    first position among them (length groups + 1)."""
    starts = np.zeros(len(answered_count) + 1, np.int64)
    starts[1:] = np.cumsum(answered_count)
    fill = starts[:-1].copy()
    waits = np.empty(starts[-1], np.float64)
    c = -1
    for i in range(len(group)):
        while first[c + 1] <= i:  # the contact of attempt i (attempts in contact order)
            c += 1
        g = group[i]
        if g >= 0:
            t = created[c] if bot[c] and i == first[c] else arrived[i]
            waits[fill[g]] = (answered[i] - t) * 60.0
            fill[g] += 1
    return waits, starts
