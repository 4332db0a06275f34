"""A caller's attempts drawn when the caller makes them, from keyed streams.

Every attempt of contact ``c`` — its first call (``k = 0``), its redials (``k = 1 …``) and
a spilled caller's call on another channel (its last) — takes its patience, handling time
and redial delay from :mod:`fmssim.model.keyed`: a pure function of the contact's channel,
its index among that channel's contacts, ``k`` and the quantity. So an engine draws an
attempt only when the caller hangs up and dials again (most never do: in the 2019 baseline
2.0 million attempts are made by 1.96 million contacts, against 5.0 million that drawing
every possible redial up front produced), both engines draw the same numbers in whatever
order they need them, and a contact's redials do not move when another contact's outcome
changes (variants keep their common random numbers).

What stays drawn up front, per contact, from the ordinary streams: how many redials the
caller would make at most (``CONTACT_REDIALS``), whether the caller would then dial the
spill channel (``CONTACT_SPILL``), and the contact's wrap-up (``CONTACT_WRAP_UP``); all
attempts of a contact take its wrap-up and its room's handling-speed factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import NDArray

from fmssim.model.inputs import Inputs
from fmssim.model.keyed import SpecTable, counter, keyed_sample, spec_table, stream_key
from fmssim.model.streams import StreamKind

PATIENCE, HANDLING, DELAY = 0, 1, 2
"""Quantities of an attempt (the keyed counter's quantity field)."""
SPILL = 3
"""Column offset in :attr:`Keyed.roots` of a spilled call's specs."""


@dataclass(frozen=True)
class Keyed:
    """Per channel, how its contacts' attempts are drawn."""

    keys: NDArray[np.uint64]
    """Each channel's keyed stream (``CONTACT_ATTEMPTS``, by channel name)."""
    roots: NDArray[np.int64]
    """Shape (channels, 6): the :attr:`table` rows of patience, handling and redial delay
    of the channel's own attempts, then of a spilled caller's call (the spill channel's
    patience and handling, this channel's spill delay); -1 where the channel has no spill."""
    spill_to: NDArray[np.int64]
    """Channel a caller who gives up dials instead; -1 for none."""
    table: SpecTable


@dataclass(frozen=True)
class Redials:
    """What an engine needs to make each contact's later attempts (per contact)."""

    count: NDArray[np.int16]
    """Attempts the caller would make if every one went unanswered: the first call, the
    redials (geometric, capped) and the spilled call."""
    spilled: NDArray[np.bool_]
    """Its last attempt is a call on the channel's spill channel."""
    local: NDArray[np.int64]
    """Its index among its channel's contacts (the keyed counter's contact field)."""
    wrap_min: NDArray[np.float64]
    """Added to the handling time of each of its attempts."""
    speed: NDArray[np.float64]
    """Its room's handling-time factor when it first called (1 without ``handler_speed``)."""
    keyed: Keyed


def keyed_streams(inputs: Inputs, replication: int) -> Keyed:
    """The keyed streams and duration specs of every channel of ``inputs``."""
    ch = inputs.channels
    k = len(ch.names)
    spill_to = ch.spill_to.astype(np.int64) if len(ch.spill_to) else np.full(k, -1, np.int64)
    specs: list[object] = []
    for i in range(k):
        to = int(spill_to[i])
        specs += [ch.patience[i], ch.handling[i], ch.redial_delay[i]]
        specs += [ch.patience[to], ch.handling[to], ch.spill_delay[i]] if to >= 0 else [None] * 3
    table, roots = spec_table(specs)  # type: ignore[arg-type]
    roots = roots.reshape(k, 6)
    if k:
        roots[spill_to < 0, SPILL:] = -1
    keys = np.array(
        [stream_key(inputs.seed, replication, StreamKind.CONTACT_ATTEMPTS, n) for n in ch.names],
        dtype=np.uint64,
    )
    return Keyed(keys, roots, spill_to, table)


@njit(cache=True)
def attempt_values(  # type: ignore[no-untyped-def]
    channel, local, k, spill, wrap, speed,
    keys, roots, kind, a, b, lo, hi, cum, values, children,
):  # fmt: skip
    """(patience, handling, delay) of attempt ``k`` of the contact with channel-local index
    ``local`` on ``channel``; ``spill``: it is the caller's call on the spill channel.
    Handling is the drawn time plus the contact's wrap-up, times its speed factor; the first
    attempt has no delay."""
    key = keys[channel]
    col = SPILL if spill else 0
    patience = keyed_sample(
        kind, a, b, lo, hi, cum, values, children,
        roots[channel, col + PATIENCE], key, counter(local, k, PATIENCE),
    )  # fmt: skip
    drawn = keyed_sample(
        kind, a, b, lo, hi, cum, values, children,
        roots[channel, col + HANDLING], key, counter(local, k, HANDLING),
    )  # fmt: skip
    delay = 0.0
    if k > 0:
        delay = keyed_sample(
            kind, a, b, lo, hi, cum, values, children,
            roots[channel, col + DELAY], key, counter(local, k, DELAY),
        )  # fmt: skip
    return patience, (drawn + wrap) * speed, delay
