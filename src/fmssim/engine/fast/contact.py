"""The contact kernel: one handler pool answering its channels, with abandonment and redials.

Arrays in, arrays out; attempts are indexed contact by contact (attempt ``first[c]`` is
contact ``c``'s first call, the next ones its redials). The event order is the engines'
shared contract: at each instant apply every state change (arrivals, redials, handler
releases, roster changes, patience running out — including those the instant itself
creates, such as a redial with no delay), then allocate free handlers once: most urgent
channel first, then arrival time, then attempt index.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.heap import heap_pop, heap_push
from fmssim.engine.fast.keyed_heap import kpop, kpush
from fmssim.engine.records import ContactOutcome
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.inputs import Inputs

WAITING, ANSWERED, ABANDONED = 1, 2, 3


@njit(cache=True)
def _owners(first: np.ndarray, m: int) -> np.ndarray:
    owner = np.empty(m, np.int64)
    for c in range(len(first) - 1):
        owner[first[c] : first[c + 1]] = c
    return owner


@njit(cache=True)
def contact_pool(  # noqa: C901 - one event loop written out; see its docstring
    created: np.ndarray,
    level: np.ndarray,
    first: np.ndarray,
    patience: np.ndarray,
    handling: np.ndarray,
    delay: np.ndarray,
    change_min: np.ndarray,
    change_units: np.ndarray,
    horizon: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Arrival, answer, abandonment and release time of every attempt (NaN if none).

    One event loop written out in full, on purpose: split into helper functions (tried, with
    and without inlining) it ran 5-6 times slower, because every call passes a dozen arrays
    through numba's reference counting. Its parts are marked by the comments below.
    """
    n, m = len(created), len(patience)
    owner = _owners(first, m)
    alevel = level[owner]
    zeros = np.zeros(m, np.int64)
    arrived = np.full(m, np.nan)
    answered = np.full(m, np.nan)
    abandoned = np.full(m, np.nan)
    released = np.full(m, np.nan)
    deadline = np.full(m, np.inf)
    state = np.zeros(m, np.int8)
    queue = np.empty(m, np.int64)
    deadlines = np.empty(m, np.int64)
    redials = np.empty(m, np.int64)
    releases = np.empty(m + 1, np.float64)
    fresh = np.empty(m, np.int64)  # attempts that joined the queue at this instant
    nf = 0
    nq = nd = nr = nbusy = 0
    next_first = next_change = 0
    on_duty = 0
    while True:
        t = np.inf
        if next_first < n:
            t = created[next_first]
        if nr > 0 and arrived[redials[0]] < t:
            t = arrived[redials[0]]
        if nd > 0 and deadline[deadlines[0]] < t:
            t = deadline[deadlines[0]]
        if nbusy > 0 and releases[0] < t:
            t = releases[0]
        if next_change < len(change_min) and change_min[next_change] < t:
            t = change_min[next_change]
        if t >= horizon:
            break
        # apply every state change of instant t, including those it creates itself
        changed = True
        while changed:
            changed = False
            while next_first < n and created[next_first] == t:
                a = first[next_first]
                next_first += 1
                arrived[a] = t
                state[a] = WAITING
                nq = kpush(queue, nq, a, alevel, arrived)
                fresh[nf] = a
                nf += 1
                changed = True
            while nr > 0 and arrived[redials[0]] == t:
                a = redials[0]
                nr = kpop(redials, nr, zeros, arrived)
                state[a] = WAITING
                nq = kpush(queue, nq, a, alevel, arrived)
                fresh[nf] = a
                nf += 1
                changed = True
            while nbusy > 0 and releases[0] == t:
                nbusy = heap_pop(releases, nbusy)
                changed = True
            while next_change < len(change_min) and change_min[next_change] == t:
                on_duty = change_units[next_change]
                next_change += 1
                changed = True
            # a caller with no patience at all hangs up at once; deadlines of the others
            # are set after this instant's allocation, for those still waiting (most are
            # answered at once, and never need one)
            for j in range(nf):
                a = fresh[j]
                if patience[a] == 0.0 and state[a] == WAITING:
                    deadline[a] = t
                    nd = kpush(deadlines, nd, a, zeros, deadline)
            while nd > 0 and deadline[deadlines[0]] == t:
                a = deadlines[0]
                nd = kpop(deadlines, nd, zeros, deadline)
                if state[a] == WAITING:
                    state[a] = ABANDONED
                    abandoned[a] = t
                    if a + 1 < first[owner[a] + 1]:
                        arrived[a + 1] = t + delay[a + 1]
                        nr = kpush(redials, nr, a + 1, zeros, arrived)
                    changed = True
        # allocate once: most urgent level, then arrival time, then attempt index
        free = on_duty - nbusy
        while free > 0 and nq > 0:
            a = queue[0]
            nq = kpop(queue, nq, alevel, arrived)
            if state[a] != WAITING:
                continue
            state[a] = ANSWERED
            answered[a] = t
            released[a] = t + handling[a]
            nbusy = heap_push(releases, nbusy, released[a])
            free -= 1
        for j in range(nf):
            a = fresh[j]
            if state[a] == WAITING and 0.0 < patience[a] < np.inf:
                deadline[a] = t + patience[a]
                nd = kpush(deadlines, nd, a, zeros, deadline)
        nf = 0
    return arrived, answered, abandoned, released


def run_contacts(inputs: Inputs, d: ContactDraws) -> ContactOutcome:
    """Contact handling for one replication; identical records to the reference engine."""
    out = ContactOutcome.empty(len(d.patience_min))
    # pool of each contact, -1 for bot-closed contacts (they never queue)
    pool_of = np.where(d.bot, -1, inputs.channels.pool[d.channel]) if len(d) else d.channel
    pool_of_attempt = np.repeat(pool_of, np.diff(d.first))
    for k in range(len(inputs.handlers.names)):
        ids = np.flatnonzero(pool_of == k)
        counts = np.diff(d.first)[ids]
        first = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        attempts = np.flatnonzero(pool_of_attempt == k)
        columns = contact_pool(
            d.created_min[ids],
            inputs.channels.level[d.channel[ids]],
            first,
            d.patience_min[attempts],
            d.handling_min[attempts],
            d.delay_min[attempts],
            inputs.handlers.change_min[k],
            inputs.handlers.change_units[k],
            inputs.grid.horizon_min,
        )
        for target, values in zip(_columns(out), columns, strict=True):
            values[values >= inputs.grid.horizon_min] = np.nan
            target[attempts] = values
    return out


def _columns(out: ContactOutcome) -> tuple[np.ndarray, ...]:
    return (out.arrived_min, out.answered_min, out.abandoned_min, out.released_min)
