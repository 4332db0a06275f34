"""Random numbers of the contact model, and the incidents handled contacts create."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numba import njit
from numpy.typing import NDArray

from fmssim.model.arrivals import nhpp_arrivals
from fmssim.model.inputs import ChannelInputs, Inputs
from fmssim.model.streams import StreamKind, generator
from fmssim.model.timegrid import year_of

Arrays = dict[str, NDArray[np.float64] | NDArray[np.int64] | NDArray[np.bool_]]


@dataclass(frozen=True)
class ContactDraws:
    """Every contact of a replication in order of its first attempt (its index is its id).

    Attempts of contact ``c`` are ``first[c]`` to ``first[c + 1] − 1``: its first call, then
    the redials it would make if it hung up each time (drawn up front, so both engines use
    the same numbers).
    """

    created_min: NDArray[np.float64]
    channel: NDArray[np.int64]
    bot: NDArray[np.bool_]
    """Closed by the bot; never reaches a handler."""
    first: NDArray[np.int64]
    patience_min: NDArray[np.float64]
    """Per attempt; infinite where callers never hang up."""
    handling_min: NDArray[np.float64]
    delay_min: NDArray[np.float64]
    """Per attempt: time from hanging up to this redial (0 for first attempts)."""
    outcome_u: NDArray[np.float64]
    """Per contact: uniform that picks the grade (or resolution) from the channel's mix."""
    crime_u: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.created_min)

    @cached_property
    def owner(self) -> NDArray[np.int64]:
        """The contact of each attempt (computed once)."""
        return np.repeat(np.arange(len(self)), np.diff(self.first))


def draw_contacts(inputs: Inputs, rep: int) -> ContactDraws:
    """All contacts of replication ``rep``, merged across channels by arrival time."""
    ch = inputs.channels
    parts = [_channel(ch, i, inputs, rep) for i in range(len(ch.names))]
    if not parts:
        return _merge([_empty()])
    return _merge(parts)


def _channel(ch: ChannelInputs, i: int, inputs: Inputs, rep: int) -> Arrays:
    def rng(kind: StreamKind) -> np.random.Generator:
        return generator(inputs.seed, rep, kind, ch.names[i])

    created = nhpp_arrivals(
        ch.rate_per_hour[i], inputs.grid.horizon_min, rng(StreamKind.CONTACT_ARRIVALS)
    )
    n = len(created)
    redials = _redials(ch, i, n, rng(StreamKind.CONTACT_REDIALS))
    counts = 1 + redials
    m = int(counts.sum())
    patience_spec = ch.patience[i]
    patience = (
        np.full(m, np.inf)
        if patience_spec is None
        else patience_spec.sample(rng(StreamKind.CONTACT_PATIENCE), m)
    )
    delay = ch.redial_delay[i].sample(rng(StreamKind.CONTACT_REDIAL_DELAY), m)
    delay[np.concatenate(([0], np.cumsum(counts)[:-1]))] = 0.0
    return {
        "created_min": created,
        "channel": np.full(n, i, dtype=np.int64),
        "bot": rng(StreamKind.CONTACT_BOT).random(n) < _bot_share(ch, i, inputs, created),
        "counts": counts,
        "patience_min": patience,
        "handling_min": ch.handling[i].sample(rng(StreamKind.CONTACT_HANDLING), m),
        "delay_min": delay,
        "outcome_u": rng(StreamKind.CONTACT_OUTCOME).random(n),
        "crime_u": rng(StreamKind.CONTACT_CRIME).random(n),
    }


def _bot_share(
    ch: ChannelInputs, i: int, inputs: Inputs, created: NDArray[np.float64]
) -> NDArray[np.float64] | float:
    """The bot share each contact meets: the channel's, or its planning year's."""
    if ch.bot_share_by_year is None:
        return float(ch.bot_share[i])
    by_year: NDArray[np.float64] = ch.bot_share_by_year[i][year_of(inputs.grid, created)]
    return by_year


def _redials(ch: ChannelInputs, i: int, n: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """Redials each caller would make if every attempt went unanswered (geometric, capped)."""
    share, cap = float(ch.redial_share[i]), int(ch.max_redials[i])
    if ch.patience[i] is None or share <= 0.0 or cap == 0:
        return np.zeros(n, dtype=np.int64)
    if share >= 1.0:
        return np.full(n, cap, dtype=np.int64)
    return np.minimum(rng.geometric(1.0 - share, n) - 1, cap).astype(np.int64)


def _empty() -> Arrays:
    f, i = np.zeros(0), np.zeros(0, dtype=np.int64)
    return {
        "created_min": f,
        "channel": i,
        "bot": np.zeros(0, bool),
        "counts": i,
        "patience_min": f,
        "handling_min": f,
        "delay_min": f,
        "outcome_u": f,
        "crime_u": f,
    }


def _merge(parts: list[Arrays]) -> ContactDraws:
    """One arrival-ordered list of contacts from the channels' own (sorted) lists; equal
    times keep channel order. Each contact's attempts move with it."""
    per_contact = ("created_min", "channel", "bot", "counts", "outcome_u", "crime_u")
    per_attempt = ("patience_min", "handling_min", "delay_min")
    joined = {k: np.concatenate([p[k] for p in parts]) for k in (*per_contact, *per_attempt)}
    runs = np.cumsum([0] + [len(p["created_min"]) for p in parts]).astype(np.int64)
    order = _merge_runs(joined["created_min"], runs)
    counts = joined["counts"].astype(np.int64)
    first = np.zeros(len(order) + 1, np.int64)
    np.cumsum(counts[order], out=first[1:])
    columns = tuple(joined[k] for k in per_attempt)
    attempts = tuple(np.empty_like(c) for c in columns)  # numpy's allocator: huge pages
    _gather_attempts(order, counts, first, columns, attempts)
    return ContactDraws(
        created_min=joined["created_min"][order],
        channel=joined["channel"][order].astype(np.int64),
        bot=joined["bot"][order].astype(bool),
        first=first,
        patience_min=attempts[0],
        handling_min=attempts[1],
        delay_min=attempts[2],
        outcome_u=joined["outcome_u"][order],
        crime_u=joined["crime_u"][order],
    )


@njit(cache=True)
def _merge_runs(times: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """Positions of ``times`` in ascending order, where ``times[runs[k]:runs[k + 1]]`` are
    each sorted already; ties go to the earlier run (what a stable sort would give)."""
    k = len(runs) - 1
    head = runs[:-1].copy()
    order = np.empty(len(times), np.int64)
    for out in range(len(times)):
        best = -1
        for r in range(k):
            if head[r] < runs[r + 1] and (best < 0 or times[head[r]] < times[head[best]]):
                best = r
        order[out] = head[best]
        head[best] += 1
    return order


@njit(cache=True)
def _gather_attempts(
    order: np.ndarray,
    counts: np.ndarray,
    first: np.ndarray,
    columns: tuple[np.ndarray, ...],
    out: tuple[np.ndarray, ...],
) -> None:
    """Write the per-attempt ``columns`` into ``out`` with each contact's attempts moved to
    its new place."""
    old_first = np.zeros(len(counts), np.int64)
    for c in range(1, len(counts)):
        old_first[c] = old_first[c - 1] + counts[c - 1]
    a, b, c3 = columns
    out_a, out_b, out_c = out
    for new in range(len(order)):
        old = order[new]
        src, dst = old_first[old], first[new]
        for j in range(counts[old]):
            out_a[dst + j] = a[src + j]
            out_b[dst + j] = b[src + j]
            out_c[dst + j] = c3[src + j]
