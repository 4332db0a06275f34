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
from fmssim.engine.fast.keyed_heap import tpop, tpush
from fmssim.engine.records import ContactOutcome
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.inputs import Inputs

WAITING, ANSWERED, ABANDONED = 1, 2, 3


@njit(cache=True)
def _attempt_facts(first: np.ndarray, level: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Queue level of each attempt, and whether it is its contact's last drawn attempt."""
    alevel = np.empty(m, np.int8)
    last = np.zeros(m, np.bool_)
    for c in range(len(first) - 1):
        alevel[first[c] : first[c + 1]] = level[c]
        last[first[c + 1] - 1] = True
    return alevel, last


@njit(cache=True)
def contact_pool(  # noqa: C901 - one event loop written out; see its docstring
    created: np.ndarray,
    level: np.ndarray,
    first: np.ndarray,
    attempt_ids: np.ndarray,
    patience: np.ndarray,
    handling: np.ndarray,
    delay: np.ndarray,
    change_min: np.ndarray,
    change_units: np.ndarray,
    horizon: float,
    out: np.ndarray,
) -> None:
    """Write arrival, answer, abandonment and release times of the pool's attempts into
    ``out`` (rows: those four; columns: global attempt index ``attempt_ids[a]`` of local
    attempt ``a``; NaN-filled by the caller); times not reached before ``horizon`` are left
    untouched. ``patience``, ``handling`` and
    ``delay`` are indexed globally too, so nothing is copied per pool.

    One event loop written out in full, on purpose: split into helper functions (tried, with
    and without inlining) it ran 5-6 times slower, because every call passes a dozen arrays
    through numba's reference counting. Its parts are marked by the comments below.
    """
    n, m = len(created), len(attempt_ids)
    alevel, last = _attempt_facts(first, level, m)
    arrived = np.empty(m)  # set when an attempt arrives or its redial is scheduled
    deadline = np.empty(m)  # set before an attempt joins the deadline heap
    state = np.zeros(m, np.int8)
    n_levels = int(level.max()) + 1 if n > 0 else 1
    queues = np.empty((n_levels, m), np.int64)  # one first-in-first-out line per level
    heads = np.zeros(n_levels, np.int64)
    tails = np.zeros(n_levels, np.int64)
    deadlines = np.empty(m, np.int64)
    redials = np.empty(m, np.int64)
    releases = np.empty(m + 1, np.float64)
    fresh = np.empty(m, np.int64)  # attempts that joined the queue at this instant
    nf = 0
    nd = nr = nbusy = 0
    next_first = next_change = 0
    on_duty = 0
    while True:
        t = np.inf
        if next_first < n:
            t = created[next_first]
        if nr > 0 and arrived[redials[0]] < t:
            t = arrived[redials[0]]
        while nd > 0 and state[deadlines[0]] != WAITING:  # answered: no longer an event
            nd = tpop(deadlines, nd, deadline)
        if nd > 0 and deadline[deadlines[0]] < t:
            t = deadline[deadlines[0]]
        if nbusy > 0 and releases[0] < t:
            t = releases[0]
        if next_change < len(change_min) and change_min[next_change] < t:
            t = change_min[next_change]
        if t >= horizon:
            break
        # apply every state change of instant t, including those it creates itself (a
        # redial with no delay); only hang-ups can create more, so most instants take one pass
        again = True
        checked = 0
        while again:
            again = False
            while next_first < n and created[next_first] == t:
                a = first[next_first]
                next_first += 1
                arrived[a] = t
                out[0, attempt_ids[a]] = t
                state[a] = WAITING
                fresh[nf] = a
                nf += 1
            while nr > 0 and arrived[redials[0]] == t:
                a = redials[0]
                nr = tpop(redials, nr, arrived)
                out[0, attempt_ids[a]] = t
                state[a] = WAITING
                fresh[nf] = a
                nf += 1
            while nbusy > 0 and releases[0] == t:
                nbusy = heap_pop(releases, nbusy)
            while next_change < len(change_min) and change_min[next_change] == t:
                on_duty = change_units[next_change]
                next_change += 1
            # a caller with no patience at all hangs up at once; deadlines of the others
            # are set after this instant's allocation, for those still waiting (most are
            # answered at once, and never need one)
            for j in range(checked, nf):
                a = fresh[j]
                if patience[attempt_ids[a]] == 0.0:
                    deadline[a] = t
                    nd = tpush(deadlines, nd, a, deadline)
            checked = nf
            while nd > 0 and deadline[deadlines[0]] == t:
                a = deadlines[0]
                nd = tpop(deadlines, nd, deadline)
                if state[a] == WAITING:
                    state[a] = ABANDONED
                    out[2, attempt_ids[a]] = t
                    if not last[a]:
                        arrived[a + 1] = t + delay[attempt_ids[a + 1]]
                        nr = tpush(redials, nr, a + 1, arrived)
                        again = again or arrived[a + 1] == t
        # join the queues: everyone arriving now arrives after everyone already waiting,
        # so each level's queue is first in, first out; ties in attempt order
        if nf > 1:
            fresh[:nf].sort()
        for j in range(nf):
            a = fresh[j]
            if state[a] == WAITING:
                lv = alevel[a]
                queues[lv, tails[lv]] = a
                tails[lv] += 1
        # allocate once: most urgent level, then arrival time, then attempt index
        free = on_duty - nbusy
        lv = 0
        while free > 0 and lv < n_levels:
            if heads[lv] == tails[lv]:
                lv += 1
                continue
            a = queues[lv, heads[lv]]
            heads[lv] += 1
            if state[a] != WAITING:
                continue  # hung up while waiting
            state[a] = ANSWERED
            out[1, attempt_ids[a]] = t
            done = t + handling[attempt_ids[a]]
            out[3, attempt_ids[a]] = done if done < horizon else np.nan
            nbusy = heap_push(releases, nbusy, done)
            free -= 1
        for j in range(nf):
            a = fresh[j]
            if state[a] == WAITING and 0.0 < patience[attempt_ids[a]] < np.inf:
                deadline[a] = t + patience[attempt_ids[a]]
                nd = tpush(deadlines, nd, a, deadline)
        nf = 0


@njit(cache=True)
def _attempts_of(first: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Global indices of the attempts of contacts ``ids``, and their offsets per contact."""
    local_first = np.empty(len(ids) + 1, np.int64)
    local_first[0] = 0
    for j in range(len(ids)):
        local_first[j + 1] = local_first[j] + first[ids[j] + 1] - first[ids[j]]
    attempts = np.empty(local_first[-1], np.int64)
    for j in range(len(ids)):
        for k in range(local_first[j + 1] - local_first[j]):
            attempts[local_first[j] + k] = first[ids[j]] + k
    return attempts, local_first


def run_contacts(inputs: Inputs, d: ContactDraws) -> ContactOutcome:
    """Contact handling for one replication; identical records to the reference engine."""
    m = len(d.patience_min)
    out = np.full((4, m), np.nan)
    # pool of each contact, -1 for bot-closed contacts (they never queue)
    pool_of = np.where(d.bot, -1, inputs.channels.pool[d.channel]) if len(d) else d.channel
    for k in range(len(inputs.handlers.names)):
        ids = np.flatnonzero(pool_of == k)
        attempts, first = _attempts_of(d.first, ids)
        contact_pool(
            d.created_min[ids],
            inputs.channels.level[d.channel[ids]],
            first,
            attempts,
            d.patience_min,
            d.handling_min,
            d.delay_min,
            inputs.handlers.change_min[k],
            inputs.handlers.change_units[k],
            inputs.grid.horizon_min,
            out,
        )
    return ContactOutcome(out[0], out[1], out[2], out[3])
