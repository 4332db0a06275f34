"""Random numbers of the contact model, and the incidents handled contacts create."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from fmssim.model.arrivals import nhpp_arrivals
from fmssim.model.inputs import ChannelInputs, Inputs
from fmssim.model.streams import StreamKind, generator

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
        "bot": rng(StreamKind.CONTACT_BOT).random(n) < ch.bot_share[i],
        "counts": counts,
        "patience_min": patience,
        "handling_min": ch.handling[i].sample(rng(StreamKind.CONTACT_HANDLING), m),
        "delay_min": delay,
        "outcome_u": rng(StreamKind.CONTACT_OUTCOME).random(n),
        "crime_u": rng(StreamKind.CONTACT_CRIME).random(n),
    }


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
    per_contact = ("created_min", "channel", "bot", "counts", "outcome_u", "crime_u")
    per_attempt = ("patience_min", "handling_min", "delay_min")
    joined = {k: np.concatenate([p[k] for p in parts]) for k in (*per_contact, *per_attempt)}
    # each channel's arrivals are sorted already: a stable sort merges the runs, and keeps
    # channel order between equal times
    order = np.argsort(joined["created_min"], kind="stable")
    counts = joined["counts"]
    old_first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    new_counts = counts[order]
    first = np.concatenate(([0], np.cumsum(new_counts))).astype(np.int64)
    gather = np.repeat(old_first[order] - first[:-1], new_counts) + np.arange(first[-1])
    return ContactDraws(
        created_min=joined["created_min"][order],
        channel=joined["channel"][order].astype(np.int64),
        bot=joined["bot"][order].astype(bool),
        first=first,
        patience_min=joined["patience_min"][gather],
        handling_min=joined["handling_min"][gather],
        delay_min=joined["delay_min"][gather],
        outcome_u=joined["outcome_u"][order],
        crime_u=joined["crime_u"][order],
    )
