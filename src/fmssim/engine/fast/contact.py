"""The contact kernel: one handler pool answering its channels, with abandonment, redials,
callbacks and handlers reserved for the pool's first channel.

Arrays in, arrays out; attempts are indexed contact by contact (attempt ``first[c]`` is
contact ``c``'s first call, the next ones its redials, and a spilled caller's call on
another channel last). The event order is the engines' shared contract: at each instant
apply every state change (arrivals, redials, handler releases, roster changes, patience
running out or a callback being offered — including those the instant itself creates, such
as a redial with no delay), then allocate free handlers once: most urgent channel first,
then arrival time, then attempt index; accepted callbacks after every caller on the line,
in the order they were accepted. A contact of the first channel takes a free reserved slot
before a general one; others take general slots only. The queue is strict: when the head
cannot be answered, nobody behind it is.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.heap import heap_pop, heap_push
from fmssim.engine.fast.keyed_heap import tpop, tpush
from fmssim.engine.records import ContactOutcome
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.contact_policy import attempt_policy, reserved_slots
from fmssim.model.contact_rooms import contact_rooms, handler_setup, merged_rosters
from fmssim.model.inputs import Inputs

WAITING, ANSWERED, ABANDONED = 1, 2, 3
_reserved_slots = njit(cache=True)(reserved_slots)


@njit(cache=True)
def _last_attempts(first: np.ndarray, m: int) -> np.ndarray:
    """Whether each attempt is its contact's last drawn attempt."""
    last = np.zeros(m, np.bool_)
    for c in range(len(first) - 1):
        last[first[c + 1] - 1] = True
    return last


@njit(cache=True)
def contact_pool(  # noqa: C901 - one event loop written out; see docstring
    created: np.ndarray,
    first: np.ndarray,
    attempt_ids: np.ndarray,
    room: np.ndarray,
    patience: np.ndarray,
    handling: np.ndarray,
    delay: np.ndarray,
    level: np.ndarray,
    slots: np.ndarray,
    callback: np.ndarray,
    reserved: np.ndarray,
    reserved_share: np.ndarray,
    concurrency: int,
    change_min: np.ndarray,
    change_room: np.ndarray,
    change_units: np.ndarray,
    share_from: float,
    horizon: float,
    out: np.ndarray,
) -> None:
    """Write arrival, answer, abandonment, release and callback times of the attempts of
    one pool — or of its control rooms (``room``: each local attempt's room) — into ``out``
    (rows: those five; columns: global attempt index ``attempt_ids[a]`` of local attempt
    ``a``; NaN-filled by the caller); times not reached before ``horizon`` are left
    untouched. ``patience``, ``handling``, ``delay``, ``level``, ``slots`` and ``callback``
    are indexed globally too, so nothing is copied per pool. Before ``share_from`` each room
    answers its own contacts; from then on the rooms share their load.

    One event loop written out in full, on purpose: split into helper functions (tried, with
    and without inlining) it ran 5-6 times slower, because every call passes a dozen arrays
    through numba's reference counting. Its parts are marked by the comments below.
    """
    n, m, n_rooms = len(created), len(attempt_ids), len(reserved)
    last = _last_attempts(first, m)
    arrived = np.empty(m)  # set when an attempt arrives or its redial is scheduled
    deadline = np.empty(m)  # set before an attempt joins the deadline heap
    joined = np.empty(m if n_rooms > 1 else 0)  # when it joined its queue (rooms compare)
    state = np.zeros(m, np.int8)
    offered = np.zeros(m, np.bool_)  # its deadline is a callback offer, not a hang-up
    called = np.zeros(m, np.bool_)  # accepted a callback
    n_levels = 1
    has_cb = False
    in_room = np.zeros(n_rooms, np.int64)
    for a in range(m):
        g = attempt_ids[a]
        n_levels = max(n_levels, level[g] + 1)
        has_cb = has_cb or callback[g] < np.inf
        in_room[room[a]] += 1
    cb_level = n_levels if has_cb else -1
    n_queues = n_levels + (1 if has_cb else 0)
    # one first-in-first-out line per room and level: block r * n_queues + lv
    queues = np.empty(n_queues * m, np.int32)  # local attempt indices (< 2**31)
    base = np.empty(n_rooms * n_queues, np.int64)
    offset = 0
    for r in range(n_rooms):
        for lv in range(n_queues):
            base[r * n_queues + lv] = offset
            offset += in_room[r]
    heads = np.zeros(n_rooms * n_queues, np.int64)
    tails = np.zeros(n_rooms * n_queues, np.int64)
    deadlines = np.empty(m, np.int32)
    redials = np.empty(m, np.int32)
    # releases: per room, one time heap per kind of busy slot (reserved or general, one slot
    # or a whole handler), so a release needs no attempt lookup; at most the roster's peak
    cap = (change_units.max() if len(change_units) else 0) + 1
    releases = np.empty((4 * n_rooms, cap))
    nrel = np.zeros(4 * n_rooms, np.int64)
    fresh = np.empty(m, np.int32)  # attempts that joined the queue at this instant
    fresh_cb = np.empty(m, np.int32)  # attempts that accepted a callback at this instant
    nf = ncb = 0
    nd = nr = 0
    on_duty = np.zeros(n_rooms, np.int64)
    busy_r = np.zeros(n_rooms, np.int64)
    busy_g = np.zeros(n_rooms, np.int64)
    free_r = np.zeros(n_rooms, np.int64)
    free_g = np.zeros(n_rooms, np.int64)
    next_first = next_change = 0
    sharing_pending = share_from < horizon
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
        for q in range(4 * n_rooms):
            if nrel[q] > 0 and releases[q, 0] < t:
                t = releases[q, 0]
        if next_change < len(change_min) and change_min[next_change] < t:
            t = change_min[next_change]
        if sharing_pending and share_from < t:
            t = share_from
        if t >= horizon:
            break
        if sharing_pending and share_from == t:
            sharing_pending = False
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
            for q in range(4 * n_rooms):
                size = concurrency if q & 1 else 1
                while nrel[q] > 0 and releases[q, 0] == t:
                    nrel[q] = heap_pop(releases[q], nrel[q])
                    if q & 2:
                        busy_r[q >> 2] -= size
                    else:
                        busy_g[q >> 2] -= size
            while next_change < len(change_min) and change_min[next_change] == t:
                on_duty[change_room[next_change]] = change_units[next_change]
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
                if state[a] != WAITING:
                    continue
                if offered[a]:  # takes the callback: leaves the line, never hangs up
                    called[a] = True
                    out[4, attempt_ids[a]] = t
                    fresh_cb[ncb] = a
                    ncb += 1
                    continue
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
                blk = room[a] * n_queues + level[attempt_ids[a]]
                queues[base[blk] + tails[blk]] = a
                tails[blk] += 1
                if n_rooms > 1:
                    joined[a] = t
        if ncb > 1:
            fresh_cb[:ncb].sort()
        for j in range(ncb):
            a = fresh_cb[j]
            blk = room[a] * n_queues + cb_level
            queues[base[blk] + tails[blk]] = a
            tails[blk] += 1
            if n_rooms > 1:
                joined[a] = t
        ncb = 0
        # allocate once: most urgent level, then time joined, then attempt index; each room
        # alone before load sharing, all rooms together from then on
        shared = share_from <= t
        for grp in range(1 if shared else n_rooms):
            lo = 0 if shared else grp
            hi = n_rooms if shared else grp + 1
            total = 0
            for r in range(lo, hi):
                n_res = _reserved_slots(on_duty[r], reserved[r], reserved_share[r], concurrency)
                free_r[r] = max(n_res - busy_r[r], 0)
                free_g[r] = max(on_duty[r] - n_res - busy_g[r], 0)
                total += free_r[r] + free_g[r]
            lv = 0
            while total > 0 and lv < n_queues:
                best = best_blk = -1
                for r in range(lo, hi):
                    blk = r * n_queues + lv
                    while heads[blk] < tails[blk]:
                        a = queues[base[blk] + heads[blk]]
                        if state[a] == WAITING and (lv == cb_level or not called[a]):
                            break
                        heads[blk] += 1  # hung up while waiting, or waits for its callback
                    if heads[blk] < tails[blk]:
                        a = queues[base[blk] + heads[blk]]
                        if (
                            best < 0
                            or joined[a] < joined[best]
                            or (joined[a] == joined[best] and a < best)
                        ):
                            best, best_blk = a, blk
                if best < 0:
                    lv += 1
                    continue
                need = slots[attempt_ids[best]]
                chosen = -1
                q = 1 if need > 1 else 0
                for k in range(hi - lo + 1):  # its own room first, then the others in order
                    r = room[best] if k == 0 else lo + k - 1
                    if k > 0 and r == room[best]:
                        continue
                    if lv == 0 and free_r[r] >= need:
                        chosen, q = r, q + 2
                        free_r[r] -= need
                        busy_r[r] += need
                        break
                    if free_g[r] >= need:
                        chosen = r
                        free_g[r] -= need
                        busy_g[r] += need
                        break
                if chosen < 0:
                    break  # strict: nobody behind the head is answered
                total -= need
                heads[best_blk] += 1
                state[best] = ANSWERED
                out[1, attempt_ids[best]] = t
                done = t + handling[attempt_ids[best]]
                out[3, attempt_ids[best]] = done if done < horizon else np.nan
                nrel[chosen * 4 + q] = heap_push(
                    releases[chosen * 4 + q], nrel[chosen * 4 + q], done
                )
        for j in range(nf):
            a = fresh[j]
            g = attempt_ids[a]
            wait = min(patience[g], callback[g])
            if state[a] == WAITING and patience[g] > 0.0 and wait < np.inf:
                offered[a] = callback[g] < patience[g]
                deadline[a] = t + wait
                nd = tpush(deadlines, nd, a, deadline)
        nf = 0


@njit(cache=True)
def _attempts_of(first: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Global indices of the attempts of contacts ``ids``, and their offsets per contact."""
    local_first = np.empty(len(ids) + 1, np.int64)
    local_first[0] = 0
    for j in range(len(ids)):
        local_first[j + 1] = local_first[j] + first[ids[j] + 1] - first[ids[j]]
    attempts = np.empty(local_first[-1], np.int32)  # attempt ids (< 2**31)
    for j in range(len(ids)):
        for k in range(local_first[j + 1] - local_first[j]):
            attempts[local_first[j] + k] = first[ids[j]] + k
    return attempts, local_first


def run_contacts(inputs: Inputs, d: ContactDraws) -> ContactOutcome:
    """Contact handling for one replication; identical records to the reference engine."""
    m = len(d.patience_min)
    out = np.full((5, m), np.nan)
    policy = attempt_policy(inputs, d, np.int16)  # codes: 2 bytes an attempt, not 8
    h = handler_setup(inputs)
    # handler pool (room) of each contact, -1 for bot-closed contacts (they never queue)
    room_of = np.where(d.bot, -1, contact_rooms(inputs, d)) if len(d) else d.channel
    for rooms in h.groups:
        ids = np.flatnonzero(np.isin(room_of, rooms))
        attempts, first = _attempts_of(d.first, ids)
        local = np.searchsorted(rooms, room_of[ids])
        times, where, units = merged_rosters(inputs, rooms)
        contact_pool(
            d.created_min[ids],
            first,
            attempts,
            np.repeat(local.astype(np.int16), np.diff(first)),
            d.patience_min,
            d.handling_min,
            d.delay_min,
            policy.level,
            policy.slots,
            policy.callback_min,
            h.reserved[rooms],
            h.reserved_share[rooms],
            int(inputs.handler_concurrency[rooms[0]]),
            times,
            where,
            units,
            h.load_sharing_min,
            inputs.grid.horizon_min,
            out,
        )
    return ContactOutcome(out[0], out[1], out[2], out[3], out[4])
