"""The contact kernel: one handler pool answering its channels, with abandonment, redials,
callbacks and handlers reserved for the pool's first channel.

Arrays in, arrays out. A contact's first call is made when it arrives; each later attempt
(a redial, and a spilled caller's call on another channel last) is made when the caller
hangs up, its values then drawn from the contact's keyed stream
(:func:`fmssim.model.made.attempt_of`); the kernel reports the attempts made, which
:func:`fmssim.model.made.attempts_made` puts contact by contact. The event order is the
engines' shared contract: at each instant apply every state change (arrivals, redials,
handler releases, roster changes, patience running out or a callback being offered —
including those the instant itself creates, such as a redial with no delay), then allocate
free handlers once: most urgent channel first, then arrival time, then contact (one
attempt of a contact is live at a time, so this is attempt order); accepted callbacks after
every caller on the line, in the order they were accepted. A contact of the first channel
takes a free reserved slot before a general one; others take general slots only. The queue
is strict: when the head cannot be answered, nobody behind it is.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.heap import pop_at, push_at
from fmssim.engine.fast.keyed_heap import ipop, ipush
from fmssim.engine.records import ContactOutcome
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.contact_policy import channel_policy, reserved_slots
from fmssim.model.contact_rooms import contact_rooms, handler_setup, merged_rosters
from fmssim.model.inputs import Inputs
from fmssim.model.made import Made, attempt_of, attempt_source, attempts_made

WAITING, ANSWERED, ABANDONED = 1, 2, 3
_reserved_slots = njit(cache=True)(reserved_slots)


@njit(cache=True)
def contact_pool(  # noqa: C901 - one event loop written out; see docstring
    created: np.ndarray,
    ids: np.ndarray,
    room: np.ndarray,
    src: tuple,  # type: ignore[type-arg]
    level_of: np.ndarray,
    slots_of: np.ndarray,
    callback_of: np.ndarray,
    reserved: np.ndarray,
    reserved_share: np.ndarray,
    concurrency: int,
    change_min: np.ndarray,
    change_room: np.ndarray,
    change_units: np.ndarray,
    share_from: float,
    horizon: float,
    made_contact: np.ndarray,
    made_k: np.ndarray,
    made_dial: np.ndarray,
    out: tuple,  # type: ignore[type-arg]
) -> int:
    """Run the contacts ``ids`` (global indices, ascending; contact ``ids[c]`` created at
    ``created[ids[c]]``, queueing in local room ``room[c]``) of one pool — or of its control
    rooms — and return how many attempts they made: attempt ``j`` is attempt ``made_k[j]``
    of contact ``made_contact[j]``, dialling channel ``made_dial[j]``; ``out[0][j]`` …
    ``out[4][j]`` are its arrival, answer, abandonment, release and callback times (NaN
    where not reached before ``horizon``), ``out[5][j]`` … ``out[7][j]`` its patience,
    handling and redial delay (rows 5 and 6 are also what the loop reads). A contact's first
    attempt is made when it arrives, as listed; each later one when the caller hangs up, its
    values drawn then (:func:`fmssim.model.made.attempt_of`). ``level_of``, ``slots_of`` and
    ``callback_of`` are per channel dialled. Before ``share_from`` each room answers its own
    contacts; from then on the rooms share their load. Ties at an instant go in contact
    order (a contact has one live attempt at a time, so this is the order of attempts,
    contact by contact).

    One event loop written out in full, on purpose: split into helper functions (tried, with
    and without inlining) it ran 5-6 times slower, because every call passes a dozen arrays
    through numba's reference counting. Its parts are marked by the comments below.
    """
    count, first, listed_patience, listed_handling = src[0], src[1], src[2], src[3]
    listed_delay, listed_dial, channel = src[4], src[5], src[6]
    n, n_rooms = len(ids), len(reserved)
    cap = 0  # attempts the contacts would make if nobody were answered
    in_room = np.zeros(n_rooms, np.int64)
    for c in range(n):
        cap += count[ids[c]]
        in_room[room[c]] += count[ids[c]]
    # per attempt made, the reported arrays double as the loop's own: made_contact holds
    # the local contact until the end (then the global one)
    contact_of, k_of = made_contact, made_k
    joined = np.empty(cap if n_rooms > 1 else 0)  # when it joined its queue (rooms compare)
    state = np.empty(cap, np.int8)
    offered = np.empty(cap, np.bool_)  # its deadline is a callback offer, not a hang-up
    called = np.empty(cap, np.bool_)  # accepted a callback
    n_levels = 1
    has_cb = False
    for ch in range(len(level_of)):
        n_levels = max(n_levels, level_of[ch] + 1)
        has_cb = has_cb or callback_of[ch] < np.inf
    cb_level = n_levels if has_cb else -1
    n_queues = n_levels + (1 if has_cb else 0)
    # one first-in-first-out line per room and level: block r * n_queues + lv
    queues = np.empty(n_queues * cap, np.int32)  # attempt indices; pages touched as used
    base = np.empty(n_rooms * n_queues, np.int64)
    offset = 0
    for r in range(n_rooms):
        for lv in range(n_queues):
            base[r * n_queues + lv] = offset
            offset += in_room[r]
    heads = np.zeros(n_rooms * n_queues, np.int64)
    tails = np.zeros(n_rooms * n_queues, np.int64)
    # deadlines (hang-ups and callback offers) and scheduled redials: heaps with each
    # attempt's time beside it (:func:`ipush`), touched only as deep as they grow
    deadlines, deadline_at = np.empty(cap, np.int32), np.empty(cap)
    redials, redial_at = np.empty(cap, np.int32), np.empty(cap)
    # releases: per room, one time heap per kind of busy slot (reserved or general, one slot
    # or a whole handler), so a release needs no attempt lookup; at most the roster's peak
    peak = (change_units.max() if len(change_units) else 0) + 1
    releases = np.empty(4 * n_rooms * peak)  # heap q from releases[q * peak]: no row views
    nrel = np.zeros(4 * n_rooms, np.int64)
    fresh = np.empty(cap, np.int32)  # attempts that joined the queue at this instant
    fresh_cb = np.empty(cap, np.int32)  # attempts that accepted a callback at this instant
    nf = ncb = 0
    nd = nr = 0
    made = 0
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
            t = created[ids[next_first]]
        if nr > 0 and redial_at[0] < t:
            t = redial_at[0]
        while nd > 0 and state[deadlines[0]] != WAITING:  # answered: no longer an event
            nd = ipop(deadline_at, deadlines, nd)
        if nd > 0 and deadline_at[0] < t:
            t = deadline_at[0]
        for q in range(4 * n_rooms):
            if nrel[q] > 0 and releases[q * peak] < t:
                t = releases[q * peak]
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
            while next_first < n and created[ids[next_first]] == t:
                c = next_first
                next_first += 1
                a = made
                made += 1
                g, i = ids[c], first[ids[c]]  # a first attempt: as listed
                contact_of[a], k_of[a] = c, 0
                made_dial[a] = listed_dial[i] if len(listed_dial) else channel[g]
                out[5][a], out[6][a] = listed_patience[i], listed_handling[i]
                out[7][a] = listed_delay[i] if len(listed_delay) else 0.0
                for row in range(1, 5):
                    out[row][a] = np.nan
                out[0][a] = t
                state[a] = WAITING
                offered[a] = called[a] = False
                fresh[nf] = a
                nf += 1
            while nr > 0 and redial_at[0] == t:
                a = redials[0]
                nr = ipop(redial_at, redials, nr)
                out[0][a] = t
                state[a] = WAITING
                fresh[nf] = a
                nf += 1
            for q in range(4 * n_rooms):
                size = concurrency if q & 1 else 1
                while nrel[q] > 0 and releases[q * peak] == t:
                    nrel[q] = pop_at(releases, q * peak, nrel[q])
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
                if out[5][a] == 0.0:
                    nd = ipush(deadline_at, deadlines, nd, t, a)
            checked = nf
            while nd > 0 and deadline_at[0] == t:
                a = deadlines[0]
                nd = ipop(deadline_at, deadlines, nd)
                if state[a] != WAITING:
                    continue
                if offered[a]:  # takes the callback: leaves the line, never hangs up
                    called[a] = True
                    out[4][a] = t
                    fresh_cb[ncb] = a
                    ncb += 1
                    continue
                state[a] = ABANDONED
                out[2][a] = t
                c = contact_of[a]
                if k_of[a] + 1 < count[ids[c]]:  # dials again: its next attempt is made
                    b = made
                    made += 1
                    contact_of[b], k_of[b] = c, k_of[a] + 1
                    made_dial[b], out[5][b], out[6][b], out[7][b] = attempt_of(src, ids[c], k_of[b])
                    for row in range(5):
                        out[row][b] = np.nan
                    state[b] = 0
                    offered[b] = called[b] = False
                    at = t + out[7][b]
                    nr = ipush(redial_at, redials, nr, at, b)
                    again = again or at == t
        # join the queues: everyone arriving now arrives after everyone already waiting,
        # so each level's queue is first in, first out; ties in contact order
        if nf > 1:
            _in_contact_order(fresh, nf, contact_of, k_of)
        for j in range(nf):
            a = fresh[j]
            if state[a] == WAITING:
                blk = room[contact_of[a]] * n_queues + level_of[made_dial[a]]
                queues[base[blk] + tails[blk]] = a
                tails[blk] += 1
                if n_rooms > 1:
                    joined[a] = t
        if ncb > 1:
            _in_contact_order(fresh_cb, ncb, contact_of, k_of)
        for j in range(ncb):
            a = fresh_cb[j]
            blk = room[contact_of[a]] * n_queues + cb_level
            queues[base[blk] + tails[blk]] = a
            tails[blk] += 1
            if n_rooms > 1:
                joined[a] = t
        ncb = 0
        # allocate once: most urgent level, then time joined, then contact; each room
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
                            or (joined[a] == joined[best] and contact_of[a] < contact_of[best])
                        ):
                            best, best_blk = a, blk
                if best < 0:
                    lv += 1
                    continue
                need = slots_of[made_dial[best]]
                home = room[contact_of[best]]
                chosen = -1
                q = 1 if need > 1 else 0
                for k in range(hi - lo + 1):  # its own room first, then the others in order
                    r = home if k == 0 else lo + k - 1
                    if k > 0 and r == home:
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
                out[1][best] = t
                done = t + out[6][best]
                out[3][best] = done if done < horizon else np.nan
                heap = chosen * 4 + q
                nrel[heap] = push_at(releases, heap * peak, nrel[heap], done)
        for j in range(nf):
            a = fresh[j]
            wait = min(out[5][a], callback_of[made_dial[a]])
            if state[a] == WAITING and out[5][a] > 0.0 and wait < np.inf:
                offered[a] = callback_of[made_dial[a]] < out[5][a]
                nd = ipush(deadline_at, deadlines, nd, t + wait, a)
        nf = 0
    for a in range(made):
        contact_of[a] = ids[contact_of[a]]
    return made


@njit(cache=True)
def _in_contact_order(buf: np.ndarray, size: int, contact_of: np.ndarray, k_of: np.ndarray) -> None:
    """Sort attempts ``buf[:size]`` by contact, then attempt (the contract's tie order)."""
    keys = np.empty(size, np.int64)
    for j in range(size):
        keys[j] = (np.int64(contact_of[buf[j]]) << 16) | k_of[buf[j]]
    order = np.argsort(keys)
    buf[:size] = buf[:size][order]


def run_contacts(inputs: Inputs, d: ContactDraws) -> tuple[ContactDraws, ContactOutcome]:
    """Contact handling for one replication: the attempts made and their timeline;
    identical records to the reference engine."""
    src = attempt_source(d)
    policy = channel_policy(inputs)
    h = handler_setup(inputs)
    # handler pool (room) of each contact, -1 for bot-closed contacts (they never queue)
    room_of = np.where(d.bot, -1, contact_rooms(inputs, d)) if len(d) else d.channel
    made: list[Made] = []
    for rooms in h.groups:
        ids = np.flatnonzero(np.isin(room_of, rooms)).astype(np.int32)  # < 2**31 contacts
        cap = int(src[0][ids].sum(dtype=np.int64))
        contact, k, dialled = (
            np.empty(cap, np.int32),
            np.empty(cap, np.int16),
            np.empty(cap, np.int16),
        )
        out = tuple(np.empty(cap) for _ in range(8))  # one array a row: placed and freed apart
        times, where, units = merged_rosters(inputs, rooms)
        m = contact_pool(
            d.created_min,
            ids,
            np.searchsorted(rooms, room_of[ids]).astype(np.int16),
            src,
            policy.level.astype(np.int16),
            policy.slots.astype(np.int16),
            policy.callback_min,
            h.reserved[rooms],
            h.reserved_share[rooms],
            int(inputs.handler_concurrency[rooms[0]]),
            times,
            where,
            units,
            h.load_sharing_min,
            inputs.grid.horizon_min,
            contact,
            k,
            dialled,
            out,
        )
        made.append((contact[:m], k[:m], [row[:m] for row in out], dialled[:m]))
        del contact, k, out, dialled  # held by ``made`` only: freed as they are placed
    return attempts_made(d, made)
