"""Random numbers of the contact model, and the incidents handled contacts create."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from fmssim.model.arrivals import nhpp_arrivals
from fmssim.model.contact_policy import outcome_kind
from fmssim.model.contact_rooms import room_draws
from fmssim.model.inputs import ChannelInputs, Inputs
from fmssim.model.redials import Redials, keyed_streams
from fmssim.model.streams import StreamKind, generator
from fmssim.model.timegrid import year_of

Arrays = dict[str, NDArray[np.float64] | NDArray[np.int64] | NDArray[np.bool_]]


@dataclass(frozen=True)
class ContactDraws:
    """Every contact of a replication in order of its first attempt (its index is its id),
    and its attempts.

    Attempts of contact ``c`` are ``first[c]`` to ``first[c + 1] − 1``: its first call, then
    its redials, then a spilled caller's call on another channel. As drawn
    (:func:`draw_contacts`), the attempts are each contact's first call, and ``redials``
    says how the engines draw the later ones when a caller hangs up
    (:mod:`fmssim.model.redials`); the contact stage returns the attempts made (``redials``
    None). Without ``redials`` the attempts listed are every attempt a caller would make
    (a hand-written case).
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
    attempt_channel: NDArray[np.int64] | None = None
    """Per attempt: the channel dialled (another than the contact's for a spilled caller's
    last attempt); None: every attempt on its contact's channel."""
    room: NDArray[np.int64] | None = None
    """Per contact: the handler pool (control room) it queues in; None: its channel's pool."""
    redials: Redials | None = None
    """How later attempts are drawn (None: every attempt is listed)."""

    def __len__(self) -> int:
        return len(self.created_min)

    @cached_property
    def owner(self) -> NDArray[np.int64]:
        """The contact of each attempt (computed once)."""
        return np.repeat(np.arange(len(self)), np.diff(self.first))

    def owner_of(self, attempts: NDArray[np.int64]) -> NDArray[np.int64]:
        """The contact of each of ``attempts`` (without building :attr:`owner`)."""
        found: NDArray[np.int64] = _owners(self.first, np.asarray(attempts, np.int64))
        return found

    def dialled(self, attempts: NDArray[np.int64], owner: NDArray[np.int64]) -> NDArray[np.int64]:
        """The channel each of ``attempts`` (of contacts ``owner``) dials."""
        if self.attempt_channel is not None:
            return self.attempt_channel[attempts]
        return self.channel[owner]

    @cached_property
    def channel_of_attempt(self) -> NDArray[np.int64]:
        """The channel each attempt dials."""
        if self.attempt_channel is not None:
            return self.attempt_channel
        return self.channel[self.owner]


def draw_contacts(inputs: Inputs, rep: int, outcomes: bool = True) -> ContactDraws:
    """All contacts of replication ``rep``, merged across channels by arrival time, with
    their first calls drawn and their later attempts to be drawn when made.

    ``outcomes`` False leaves out the outcome and crime uniforms (``outcome_u`` and
    ``crime_u`` empty), which no engine reads: :func:`with_outcomes` draws them again from
    their own streams after the contact stage, identical, so that the stage runs without
    them (two arrays of 8 bytes a contact)."""
    ch = inputs.channels
    parts = [_channel(ch, i, inputs, rep) for i in range(len(ch.names))]
    if not outcomes:
        for part in parts:
            del part["outcome_u"], part["crime_u"]
    merged = _merge(parts or [_empty()])
    n = len(merged["created_min"])
    speed = _slowness(inputs, merged) if inputs.handler_speed else np.ones(n)
    handling = merged.pop("handling_min") + merged["wrap_min"]
    if inputs.handler_speed:
        handling *= speed
    redials = Redials(
        count=merged.pop("count").astype(np.int16),
        spilled=merged.pop("spilled").astype(np.bool_, copy=False),
        local=merged.pop("local").astype(np.int64, copy=False),
        wrap_min=merged.pop("wrap_min").astype(np.float64, copy=False),
        speed=speed,
        keyed=keyed_streams(inputs, rep),
    )
    return ContactDraws(
        created_min=merged.pop("created_min").astype(np.float64, copy=False),
        channel=merged.pop("channel").astype(np.int64, copy=False),
        bot=merged.pop("bot").astype(np.bool_, copy=False),
        first=np.arange(n + 1, dtype=np.int64),
        patience_min=merged.pop("patience_min").astype(np.float64, copy=False),
        handling_min=handling.astype(np.float64, copy=False),
        delay_min=np.broadcast_to(np.float64(0.0), n),  # first calls: none (no memory)
        outcome_u=merged.pop("outcome_u", np.zeros(0)).astype(np.float64, copy=False),
        crime_u=merged.pop("crime_u", np.zeros(0)).astype(np.float64, copy=False),
        room=merged.pop("room").astype(np.int64, copy=False),
        redials=redials,
    )


def with_outcomes(inputs: Inputs, rep: int, d: ContactDraws) -> ContactDraws:
    """``d`` (drawn with ``outcomes=False``, or the attempts its contact stage made) with
    each contact's outcome and crime uniforms: each channel's streams give its contacts'
    values in their order, which the merge keeps, so they are the values
    :func:`draw_contacts` gives."""
    if len(d.outcome_u) == len(d):
        return d
    outcome_u, crime_u = np.empty(len(d)), np.empty(len(d))
    for i, name in enumerate(inputs.channels.names):
        mine = d.channel == i
        n = int(np.count_nonzero(mine))
        outcome_u[mine] = generator(inputs.seed, rep, StreamKind.CONTACT_OUTCOME, name).random(n)
        crime_u[mine] = generator(inputs.seed, rep, StreamKind.CONTACT_CRIME, name).random(n)
    return replace(d, outcome_u=outcome_u, crime_u=crime_u)


def _channel(ch: ChannelInputs, i: int, inputs: Inputs, rep: int) -> Arrays:
    """Channel ``i``'s contacts: everything drawn up front, per contact, and their first
    calls' patience and handling (vectorised; later attempts are keyed)."""

    def rng(kind: StreamKind) -> np.random.Generator:
        return generator(inputs.seed, rep, kind, ch.names[i])

    created = nhpp_arrivals(
        ch.rate_per_hour[i], inputs.grid.horizon_min, rng(StreamKind.CONTACT_ARRIVALS)
    )
    n = len(created)
    redials = _redials(ch, i, n, rng(StreamKind.CONTACT_REDIALS))
    parts: Arrays = {
        "created_min": created,
        "channel": np.full(n, i, dtype=np.int64),
        "bot": rng(StreamKind.CONTACT_BOT).random(n) < _bot_share(ch, i, inputs, created),
        "outcome_u": rng(StreamKind.CONTACT_OUTCOME).random(n),
        "crime_u": rng(StreamKind.CONTACT_CRIME).random(n),
        "room": _rooms(inputs, i, n, rng),
        "local": np.arange(n, dtype=np.int64),
        "patience_min": _patience(ch, i, n, rng(StreamKind.CONTACT_FIRST_PATIENCE)),
        "handling_min": ch.handling[i].sample(rng(StreamKind.CONTACT_FIRST_HANDLING), n),
    }
    spilled = _spilled(ch, i, n, rng(StreamKind.CONTACT_SPILL))
    parts["spilled"] = spilled
    parts["count"] = 1 + redials + spilled
    parts["wrap_min"] = wrap_up_min(inputs, i, parts, rng(StreamKind.CONTACT_WRAP_UP))
    return parts


def _slowness(inputs: Inputs, parts: Arrays) -> NDArray[np.float64]:
    """Each contact's handling-time factor (``handler_speed``), which all its attempts take:
    that of its control room in the month the contact first arrived (a step function of the
    arrival time)."""
    steps = inputs.handler_speed
    starts = np.cumsum([0] + [len(times) for times, _ in steps]).astype(np.int64)
    times = np.concatenate([np.asarray(t, np.float64) for t, _ in steps])
    values = np.concatenate([np.asarray(v, np.float64) for _, v in steps])
    room = parts["room"].astype(np.int64, copy=False)
    return _step_values(parts["created_min"], room, times, values, starts)


@njit(cache=True)
def _step_values(
    at: np.ndarray, room: np.ndarray, times: np.ndarray, values: np.ndarray, starts: np.ndarray
) -> np.ndarray:
    """``values[step]`` of each contact's room at its time ``at`` (room ``r``'s steps are
    ``starts[r]`` to ``starts[r + 1]``; before the first, the first; rooms with none: 1):
    ``np.searchsorted(times, at, side="right") − 1``, walked forward while ``at`` ascends."""
    n_rooms = len(starts) - 1
    seen = np.zeros(n_rooms, np.int64)  # steps at or before the current time, per room
    out = np.ones(len(at))
    for i in range(len(at)):
        if i > 0 and at[i] < at[i - 1]:
            seen[:] = 0  # not ascending: walk again from the start
        r = room[i]
        if r < 0 or r >= n_rooms or starts[r + 1] == starts[r]:
            continue
        lo, hi = starts[r], starts[r + 1]
        while lo + seen[r] < hi and times[lo + seen[r]] <= at[i]:
            seen[r] += 1
        out[i] = values[lo + max(seen[r] - 1, 0)]
    return out


def _rooms(
    inputs: Inputs, i: int, n: int, rng: Callable[[StreamKind], np.random.Generator]
) -> NDArray[np.int64]:
    """The control room of each contact (drawn only where the channel has several)."""
    if len(inputs.handler_group) == 0:
        return np.full(n, inputs.channels.pool[i], dtype=np.int64)
    return room_draws(inputs, i, rng(StreamKind.CONTACT_ROOM).random(n))


def _patience(ch: ChannelInputs, i: int, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    spec = ch.patience[i]
    return np.full(n, np.inf) if spec is None else spec.sample(rng, n)


def _spilled(ch: ChannelInputs, i: int, n: int, rng: np.random.Generator) -> NDArray[np.bool_]:
    """Whether each caller would dial the spill channel on giving up."""
    to = int(ch.spill_to[i]) if len(ch.spill_to) else -1
    if to < 0:
        return np.zeros(n, np.bool_)
    spilled: NDArray[np.bool_] = rng.random(n) < ch.spill_share[i]
    return spilled


def wrap_up_min(
    inputs: Inputs, i: int, parts: Arrays, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Per contact: wrap-up minutes by its outcome (resolved, incident, crime recorded)."""
    ch = inputs.channels
    n = len(parts["created_min"])
    wrap = np.zeros(n)
    if not ch.wrap_up or all(spec is None for spec in ch.wrap_up[i]):
        return wrap
    kind = outcome_kind(inputs, i, parts["outcome_u"], parts["crime_u"])  # type: ignore[arg-type]
    for k, spec in enumerate(ch.wrap_up[i]):
        mine = kind == k
        if spec is not None:
            wrap[mine] = spec.sample(rng, int(mine.sum()))
    return wrap


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
        "outcome_u": f,
        "crime_u": f,
        "room": i,
        "local": i,
        "spilled": np.zeros(0, bool),
        "count": i,
        "wrap_min": f,
        "patience_min": f,
        "handling_min": f,
    }


def _merge(parts: list[Arrays]) -> Arrays:
    """One arrival-ordered list of contacts from the channels' own (sorted) lists; equal
    times keep channel order. Consumes ``parts`` (each column popped as it is merged): every
    channel's values are written straight to their merged places, run by run."""
    runs = np.cumsum([0] + [len(p["created_min"]) for p in parts]).astype(np.int64)
    place = _merge_runs(np.concatenate([p["created_min"] for p in parts]), runs)
    merged: Arrays = {}
    for key in list(parts[0]):
        columns = [p.pop(key) for p in parts]
        out: NDArray[Any] = np.empty(int(runs[-1]), columns[0].dtype)
        for r, column in enumerate(columns):
            _scatter(out, column, place, int(runs[r]))
        merged[key] = out
    return merged


@njit(cache=True)
def _merge_runs(times: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """The merged position of each of ``times``, where ``times[runs[k]:runs[k + 1]]`` are
    each sorted already; ties go to the earlier run (what a stable sort would give)."""
    k = len(runs) - 1
    head = runs[:-1].copy()
    place = np.empty(len(times), np.int64)
    for out in range(len(times)):
        best = -1
        for r in range(k):
            if head[r] < runs[r + 1] and (best < 0 or times[head[r]] < times[head[best]]):
                best = r
        place[head[best]] = out
        head[best] += 1
    return place


@njit(cache=True)
def _scatter(out: np.ndarray, values: np.ndarray, place: np.ndarray, start: int) -> None:
    """``out[place[start + j]] = values[j]``: one run's values to their merged places."""
    for j in range(len(values)):
        out[place[start + j]] = values[j]


@njit(cache=True)
def _owners(first: np.ndarray, attempts: np.ndarray) -> np.ndarray:
    """``np.searchsorted(first, attempts, side="right") - 1``: a forward walk over ``first``
    while ``attempts`` ascend (as the handled attempts do), a binary search where they do
    not."""
    out = np.empty(len(attempts), np.int64)
    c, last = -1, len(first) - 1
    for j in range(len(attempts)):
        a = attempts[j]
        if j > 0 and a < attempts[j - 1]:
            c = np.searchsorted(first, a, side="right") - 1
        else:
            while c < last and first[c + 1] <= a:
                c += 1
        out[j] = c
    return out
