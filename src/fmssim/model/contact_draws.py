"""Random numbers of the contact model, and the incidents handled contacts create."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from fmssim.model.arrivals import nhpp_arrivals
from fmssim.model.contact_policy import outcome_kind
from fmssim.model.contact_rooms import room_draws
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
    attempt_channel: NDArray[np.int64] | None = None
    """Per attempt: the channel dialled (another than the contact's for a spilled caller's
    last attempt); None: every attempt on its contact's channel."""
    room: NDArray[np.int64] | None = None
    """Per contact: the handler pool (control room) it queues in; None: its channel's pool."""

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
    patience = _patience(ch, i, m, rng(StreamKind.CONTACT_PATIENCE))
    delay = ch.redial_delay[i].sample(rng(StreamKind.CONTACT_REDIAL_DELAY), m)
    delay[np.cumsum(counts) - counts] = 0.0  # first attempts (none for an empty channel)
    parts: Arrays = {
        "created_min": created,
        "channel": np.full(n, i, dtype=np.int64),
        "bot": rng(StreamKind.CONTACT_BOT).random(n) < _bot_share(ch, i, inputs, created),
        "counts": counts,
        "patience_min": patience,
        "handling_min": ch.handling[i].sample(rng(StreamKind.CONTACT_HANDLING), m),
        "delay_min": delay,
        "attempt_channel": np.full(m, i, dtype=np.int64),
        "outcome_u": rng(StreamKind.CONTACT_OUTCOME).random(n),
        "crime_u": rng(StreamKind.CONTACT_CRIME).random(n),
        "room": _rooms(inputs, i, n, rng),
    }
    parts = spill_attempts(ch, i, parts, rng)
    wrap = wrap_up_min(inputs, i, parts, rng(StreamKind.CONTACT_WRAP_UP))
    counts = parts["counts"].astype(np.int64)
    handling = parts["handling_min"]  # its own array (drawn, or rebuilt by the spill)
    _per_contact(handling, counts, wrap, False)
    if inputs.handler_speed:
        _per_contact(handling, counts, _slowness(inputs, parts), True)
    return parts


@njit(cache=True)
def _per_contact(
    attempts: np.ndarray, counts: np.ndarray, values: np.ndarray, multiply: bool
) -> None:
    """Add each contact's value to (or multiply by it) its ``counts`` attempts, in place:
    ``attempts += np.repeat(values, counts)`` (``*=``) without the repeated array."""
    a = 0
    for c in range(len(counts)):
        for _ in range(counts[c]):
            if multiply:
                attempts[a] *= values[c]
            else:
                attempts[a] += values[c]
            a += 1


def _slowness(inputs: Inputs, parts: Arrays) -> NDArray[np.float64]:
    """Each contact's handling-time factor (``handler_speed``), which all its attempts take:
    that of its control room in the month the contact first arrived (a step function of the
    arrival time)."""
    room, at = parts["room"], parts["created_min"]
    factor = np.ones(len(at))
    for pool, (times, values) in enumerate(inputs.handler_speed):
        mine = room == pool
        step = np.searchsorted(times, at[mine], side="right") - 1
        factor[mine] = values[np.maximum(step, 0)]
    return factor


def _rooms(
    inputs: Inputs, i: int, n: int, rng: Callable[[StreamKind], np.random.Generator]
) -> NDArray[np.int64]:
    """The control room of each contact (drawn only where the channel has several)."""
    if len(inputs.handler_group) == 0:
        return np.full(n, inputs.channels.pool[i], dtype=np.int64)
    return room_draws(inputs, i, rng(StreamKind.CONTACT_ROOM).random(n))


def _patience(ch: ChannelInputs, i: int, m: int, rng: np.random.Generator) -> NDArray[np.float64]:
    spec = ch.patience[i]
    return np.full(m, np.inf) if spec is None else spec.sample(rng, m)


def spill_attempts(
    ch: ChannelInputs, i: int, parts: Arrays, rng: Callable[[StreamKind], np.random.Generator]
) -> Arrays:
    """Add one attempt on the spill channel after the last attempt of each contact whose
    caller would dial it on giving up (with that channel's patience and handling)."""
    to = int(ch.spill_to[i]) if len(ch.spill_to) else -1
    if to < 0:
        return parts
    n = len(parts["created_min"])
    spilled = rng(StreamKind.CONTACT_SPILL).random(n) < ch.spill_share[i]
    k = int(spilled.sum())
    new: Arrays = {
        "patience_min": _patience(ch, to, k, rng(StreamKind.CONTACT_SPILL_PATIENCE)),
        "handling_min": ch.handling[to].sample(rng(StreamKind.CONTACT_SPILL_HANDLING), k),
        "delay_min": ch.spill_delay[i].sample(rng(StreamKind.CONTACT_SPILL_DELAY), k),
        "attempt_channel": np.full(k, to, dtype=np.int64),
    }
    out = dict(parts)
    counts = parts["counts"].astype(np.int64, copy=False)
    for key, values in new.items():  # np.insert(parts[key], at, values), without sorting ``at``
        joined = np.empty(len(parts[key]) + k, values.dtype)
        _append_spilled(parts[key], counts, spilled, values, joined)
        out[key] = joined  # type: ignore[assignment]
    out["counts"] = parts["counts"] + spilled
    return out


@njit(cache=True)
def _append_spilled(
    column: np.ndarray, counts: np.ndarray, spilled: np.ndarray, values: np.ndarray, out: np.ndarray
) -> None:
    """``column``'s attempts with the next of ``values`` after the last attempt of each
    ``spilled`` contact."""
    src, dst, k = 0, 0, 0
    for c in range(len(counts)):
        for _ in range(counts[c]):
            out[dst] = column[src]
            src += 1
            dst += 1
        if spilled[c]:
            out[dst] = values[k]
            dst += 1
            k += 1


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
        "counts": i,
        "patience_min": f,
        "handling_min": f,
        "delay_min": f,
        "attempt_channel": i,
        "room": i,
        "outcome_u": f,
        "crime_u": f,
    }


def _merge(parts: list[Arrays]) -> ContactDraws:
    """One arrival-ordered list of contacts from the channels' own (sorted) lists; equal
    times keep channel order. Each contact's attempts move with it.

    Consumes ``parts``: each column is popped from them and written, part by part, straight
    to its place in the merged order (never joined first), one column at a time, so that at
    most one column exists twice (the peak of drawing a four-year plan)."""
    runs = np.cumsum([0] + [len(p["created_min"]) for p in parts]).astype(np.int64)
    created = _joined(parts, "created_min")
    order = _merge_runs(created, runs)
    where = np.empty(len(order), np.int64)  # the merged position of each joined contact
    where[order] = np.arange(len(order))
    counts = _joined(parts, "counts").astype(np.int64, copy=False)
    old_first = np.zeros(len(counts) + 1, np.int64)
    np.cumsum(counts, out=old_first[1:])
    first = np.zeros(len(order) + 1, np.int64)
    np.cumsum(counts[order], out=first[1:])
    del counts
    spilled = any(
        _any_spilled(p["attempt_channel"], p["channel"], old_first[lo : hi + 1] - old_first[lo])
        for p, lo, hi in zip(parts, runs[:-1], runs[1:], strict=True)
    )
    attempts = {}
    for key in ("patience_min", "handling_min", "delay_min", "attempt_channel"):
        if key == "attempt_channel" and not spilled:
            for p in parts:
                del p[key]
            continue
        out = np.empty(first[-1], _dtype(parts, key))  # numpy's allocator: huge pages
        for p, lo, hi in zip(parts, runs[:-1], runs[1:], strict=True):
            _scatter_attempts(where, old_first, first, lo, hi, p.pop(key), out)
        attempts[key] = out
    del old_first

    def contact(key: str) -> NDArray[Any]:
        out = np.empty(len(order), _dtype(parts, key))
        for p, lo, hi in zip(parts, runs[:-1], runs[1:], strict=True):
            out[where[lo:hi]] = p.pop(key)
        return out

    attempt_channel = attempts.pop("attempt_channel", None)
    return ContactDraws(
        created_min=created[order],
        channel=contact("channel").astype(np.int64, copy=False),
        bot=contact("bot").astype(bool, copy=False),
        first=first,
        attempt_channel=None
        if attempt_channel is None
        else attempt_channel.astype(np.int64, copy=False),
        outcome_u=contact("outcome_u"),
        crime_u=contact("crime_u"),
        room=contact("room").astype(np.int64, copy=False),
        **attempts,
    )


def _joined(parts: list[Arrays], key: str) -> NDArray[Any]:
    """Column ``key`` of every part, end to end, popped from the parts (freed as joined)."""
    return np.concatenate([p.pop(key) for p in parts])


def _dtype(parts: list[Arrays], key: str) -> np.dtype[Any]:
    """The type of column ``key`` joined across ``parts`` (what concatenating gives)."""
    return np.result_type(*(p[key] for p in parts))


@njit(cache=True)
def _scatter_attempts(
    where: np.ndarray,
    old_first: np.ndarray,
    first: np.ndarray,
    lo: int,
    hi: int,
    column: np.ndarray,
    out: np.ndarray,
) -> None:
    """Write the per-attempt ``column`` of joined contacts ``lo``…``hi − 1`` (one part,
    its attempts from 0) into ``out``, each contact's attempts at ``first[where[c]]``…"""
    base = old_first[lo]
    for c in range(lo, hi):
        src, dst = old_first[c] - base, first[where[c]]
        for j in range(old_first[c + 1] - old_first[c]):
            out[dst + j] = column[src + j]


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


@njit(cache=True)
def _any_spilled(dialled: np.ndarray, channel: np.ndarray, first: np.ndarray) -> bool:
    """Whether any attempt dials another channel than its contact's."""
    for c in range(len(first) - 1):
        for a in range(first[c], first[c + 1]):
            if dialled[a] != channel[c]:
                return True
    return False
