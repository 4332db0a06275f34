"""Random numbers for one replication, drawn before any engine runs.

Both engines take the same :class:`Draws`, which is what makes their records identical.
In the chained mode the incidents created by handled contacts are known only after the
contact stage; :func:`chain` then draws their dispatch times (from streams of their own) and
merges them with the incidents of the per-grade streams, before the dispatch stage runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from fmssim.engine.records import ContactOutcome
from fmssim.model.appointments import book
from fmssim.model.arrivals import nhpp_arrivals
from fmssim.model.case_draws import CaseDraws, draw_cases
from fmssim.model.contact_draws import ContactDraws, draw_contacts
from fmssim.model.incident_types import NO_TYPE, draw_routes, draw_types
from fmssim.model.inputs import Inputs
from fmssim.model.sorting import lexsort
from fmssim.model.streams import StreamKind, generator
from fmssim.model.timegrid import year_of

Columns = dict[str, NDArray[Any]]
"""Incidents as drawn, one array per field (times float, indices int64)."""

CHAINED = "<-contacts"
"""Suffix of the stream names of incidents created by handled contacts."""


@dataclass(frozen=True)
class IncidentDraws:
    """Every incident of a replication, in creation order (its index is its id)."""

    created_min: NDArray[np.float64]
    grade: NDArray[np.int64]
    """Index into ``Inputs.grades``."""
    travel_min: NDArray[np.float64]
    on_scene_min: NDArray[np.float64]
    write_up_min: NDArray[np.float64]
    contact: NDArray[np.int64] | None = None
    """The contact that created the incident; -1 for per-grade streams (None: all -1)."""
    booked_min: NDArray[np.float64] | None = None
    """Creation time of an appointment (its ``created_min`` is then its planned departure
    for its slot); NaN for other incidents; None: no appointment grades."""
    slot_min: NDArray[np.float64] | None = None
    """Start of the booked slot; NaN for other incidents."""
    booking_delay_min: NDArray[np.float64] | None = None
    """Drawn delay from creation to the earliest slot the caller can take; NaN otherwise."""
    logged_min: NDArray[np.float64] | None = None
    """Creation of the log when the incident has a pre-dispatch stage (its ``created_min`` is
    then the instant it is ready for dispatch and joins the queue); None: no grade has one."""
    kind: NDArray[np.int64] | None = None
    """Incident type (index into ``Inputs.grades.types``), -1 for none; None: no types."""
    graded: NDArray[np.int64] | None = None
    """Grade at creation, before routing moved it (equal to ``grade`` when it stayed)."""
    pre_dispatch_min: NDArray[np.float64] | None = None
    """Drawn pre-dispatch time (``created_min`` − ``logged_min``, exactly as added); None
    when ``logged_min`` is."""

    def __len__(self) -> int:
        return len(self.created_min)


@dataclass(frozen=True)
class Draws:
    """All random numbers of one replication."""

    replication: int
    incidents: IncidentDraws
    contacts: ContactDraws | None = None
    cases: CaseDraws | None = None
    """Investigation cases (None: the scenario has no investigations)."""


def draw(inputs: Inputs, replication: int) -> Draws:
    """Draw replication ``replication`` of ``inputs`` from its named streams."""
    contacts = draw_contacts(inputs, replication) if inputs.channels.names else None
    return draw_others(inputs, replication, contacts)


def draw_others(inputs: Inputs, replication: int, contacts: ContactDraws | None) -> Draws:
    """The incidents and cases of replication ``replication``, beside ``contacts`` (drawn
    apart, so that a replication can run its contact stage before drawing the rest)."""
    cases = draw_cases(inputs, replication)
    return Draws(replication, _incidents(inputs, replication), contacts, cases)


def chain(inputs: Inputs, draws: Draws, contacts: ContactOutcome) -> Draws:
    """Add the incidents created by handled contacts (chained mode) to ``draws``."""
    if not inputs.chained or draws.contacts is None:
        return draws
    return chain_incidents(inputs, draws, chained_incidents(inputs, draws.contacts, contacts))


Made = tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]
"""(created, grade, contact) of the incidents handled contacts create."""


def chain_incidents(inputs: Inputs, draws: Draws, made: Made) -> Draws:
    """Add ``made`` (:func:`chained_incidents`) to ``draws``: their times are drawn and
    they are merged with the per-grade streams' incidents (no contact array is read, so
    the contacts may be dropped before)."""
    created, grade, contact = made
    g = inputs.grades
    parts = [_as_arrays(draws.incidents)]
    by_grade = np.argsort(grade, kind="stable")  # each grade's incidents in their order
    bounds = np.searchsorted(grade[by_grade], np.arange(len(g.names) + 1))
    created, contact = created[by_grade], contact[by_grade]
    for i, name in enumerate(g.names):
        mine = slice(bounds[i], bounds[i + 1])
        parts += _grade_parts(
            inputs, draws.replication, i, name + CHAINED, created[mine], contact[mine]
        )
    return replace(draws, incidents=_merge(parts, inputs))


def chained_incidents(inputs: Inputs, d: ContactDraws, out: ContactOutcome) -> Made:
    """(created, grade, contact) of incidents from contacts handled before the horizon.

    An incident is created when the handler finishes with the contact, with the grade its
    channel's mix gives to the contact's outcome draw.
    """
    handled = np.flatnonzero(~np.isnan(out.released_min))
    released = out.released_min[handled]
    by_year = inputs.channels.grade_cdf_by_year
    cdfs = by_year if by_year is not None else inputs.channels.grade_cdf[None]
    year = (
        year_of(inputs.grid, released) if by_year is not None else np.zeros(len(handled), np.int64)
    )
    contact, grade = _graded(d.first, d.channel, d.outcome_u, handled, year, cdfs)
    keep = grade < cdfs.shape[2]
    return released[keep], grade[keep], contact[keep]


@njit(cache=True)
def _graded(
    first: np.ndarray,
    channel: np.ndarray,
    outcome_u: np.ndarray,
    handled: np.ndarray,
    year: np.ndarray,
    cdfs: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The contact of each of the (ascending) ``handled`` attempts, and the grade its
    outcome draw takes in its channel's mix for ``year``: ``np.searchsorted(cdf, u,
    side="right")`` (``cdfs.shape[2]`` for an outcome with no grade)."""
    contact = np.empty(len(handled), np.int64)
    grade = np.empty(len(handled), np.int64)
    c, last = -1, len(first) - 1
    for j in range(len(handled)):
        a = handled[j]
        while c < last and first[c + 1] <= a:
            c += 1
        contact[j] = c
        cdf, u = cdfs[year[j], channel[c]], outcome_u[c]
        lo, hi = 0, len(cdf)
        while lo < hi:  # NaN (sorted last by numpy) is never <= u
            mid = (lo + hi) // 2
            if cdf[mid] <= u:
                lo = mid + 1
            else:
                hi = mid
        grade[j] = lo
    return contact, grade


def _incidents(inputs: Inputs, rep: int) -> IncidentDraws:
    g = inputs.grades
    parts = []
    for i, name in enumerate(g.names):
        rng = generator(inputs.seed, rep, StreamKind.INCIDENT_ARRIVALS, name)
        created = nhpp_arrivals(g.rate_per_hour[i], inputs.grid.horizon_min, rng)
        parts += _grade_parts(inputs, rep, i, name, created, np.full(len(created), -1))
    return _merge(parts, inputs)


def _grade_parts(
    inputs: Inputs,
    rep: int,
    grade: int,
    stream: str,
    created: NDArray[np.float64],
    contact: NDArray[np.int64],
) -> list[Columns]:
    """The incidents created in ``grade`` by one source, with their type, final grade and
    times; one part per (final grade, type) when the grade has types, else one part drawn
    from the source's own streams."""
    types = inputs.grades.types
    if types is None or not types.typed()[grade]:
        return [_durations(inputs, rep, grade, stream, created, contact)]
    kind = draw_types(
        types, grade, _uniform(inputs, rep, StreamKind.INCIDENT_TYPE, stream, created)
    )
    final = draw_routes(
        types, grade, kind, _uniform(inputs, rep, StreamKind.INCIDENT_ROUTE, stream, created)
    )
    parts = []
    pair = final.astype(np.int64) * (len(types.names) + 1) + (kind + 1)  # (final, type) order
    by_pair = np.argsort(pair, kind="stable")  # each pair's incidents in their order
    pair = pair[by_pair]
    bounds = [*np.flatnonzero(np.diff(pair, prepend=-1)).tolist(), len(pair)]
    for start, end in pairwise(bounds):
        mine = by_pair[start:end]
        f, t = int(final[mine[0]]), int(kind[mine[0]])
        key = f"{stream}|{types.names[t]}>{inputs.grades.names[f]}"
        part = _durations(inputs, rep, f, key, created[mine], contact[mine], t)
        parts.append({**part, "graded": np.full(len(mine), grade, np.int64)})
    return parts


def _uniform(
    inputs: Inputs, rep: int, kind: StreamKind, stream: str, created: NDArray[np.float64]
) -> NDArray[np.float64]:
    """One uniform draw per incident of a source, from its own stream of ``kind``."""
    return generator(inputs.seed, rep, kind, stream).random(len(created))


def _durations(
    inputs: Inputs,
    rep: int,
    grade: int,
    stream: str,
    created: NDArray[np.float64],
    contact: NDArray[np.int64],
    kind: int = NO_TYPE,
) -> Columns:
    """Pre-dispatch, travel, on-scene and write-up times of one grade's incidents (of one
    type, or untyped) from one source."""
    g, n = inputs.grades, len(created)
    types = g.types
    on_scene, pre = g.on_scene[grade], g.pre_dispatch[grade] if g.pre_dispatch else None
    booked = bool(g.appointment) and g.appointment[grade] is not None
    if types is not None and kind != NO_TYPE and not booked:  # a booked slot has its length
        on_scene = types.on_scene[kind] or on_scene
        pre = types.pre_dispatch[kind].get(grade, pre)

    def rng(stream_kind: StreamKind) -> np.random.Generator:
        return generator(inputs.seed, rep, stream_kind, stream)

    return {
        "created_min": created,
        "grade": np.full(n, grade, dtype=np.int64),
        "travel_min": g.travel[grade].sample(rng(StreamKind.TRAVEL), n),
        "on_scene_min": on_scene.sample(rng(StreamKind.ON_SCENE), n),
        "write_up_min": g.write_up[grade].sample(rng(StreamKind.WRITE_UP), n),
        "contact": contact.astype(np.int64, copy=False),
        "booking_delay_min": _booking_delays(inputs, rep, grade, stream, n),
        "pre_dispatch_min": np.zeros(n)
        if pre is None
        else pre.sample(rng(StreamKind.PRE_DISPATCH), n),
        "kind": np.full(n, kind, np.int64),
        "graded": np.full(n, grade, np.int64),
    }


def _booking_delays(
    inputs: Inputs, rep: int, grade: int, stream: str, n: int
) -> NDArray[np.float64]:
    """Booking delays of an appointment grade's incidents from one source (NaN otherwise)."""
    spec = inputs.grades.appointment[grade] if inputs.grades.appointment else None
    if spec is None:
        return np.full(n, np.nan)
    rng = generator(inputs.seed, rep, StreamKind.BOOKING_DELAY, stream)
    return spec.booking_delay.sample(rng, n)


def _as_arrays(d: IncidentDraws) -> Columns:
    """The columns of ``d`` as drawn (appointments back at their creation times, incidents
    with a pre-dispatch stage back at their logging)."""
    n = len(d)
    contact = d.contact if d.contact is not None else np.full(n, -1)
    created, delay, pre = d.created_min, np.full(n, np.nan), np.zeros(n)
    if d.logged_min is not None and d.pre_dispatch_min is not None:
        created, pre = d.logged_min, d.pre_dispatch_min
    if d.booked_min is not None and d.booking_delay_min is not None:
        created = np.where(np.isnan(d.booked_min), created, d.booked_min)
        delay = d.booking_delay_min
    return {
        "created_min": created,
        "grade": d.grade,
        "travel_min": d.travel_min,
        "on_scene_min": d.on_scene_min,
        "write_up_min": d.write_up_min,
        "contact": contact,
        "booking_delay_min": delay,
        "pre_dispatch_min": pre,
        "kind": np.full(n, NO_TYPE, np.int64) if d.kind is None else d.kind,
        "graded": d.grade if d.graded is None else d.graded,
    }


KEYS = (
    "created_min",
    "grade",
    "travel_min",
    "on_scene_min",
    "write_up_min",
    "contact",
    "booking_delay_min",
    "pre_dispatch_min",
    "kind",
    "graded",
)


def _merge(parts: list[Columns], inputs: Inputs) -> IncidentDraws:
    """One array per field in queue-entry order; ties by grade, then contact, then creation.
    Incidents with a pre-dispatch stage enter the queue when it ends; appointments are booked
    in creation order, then take their place at their planned departure."""
    if not parts:
        empty = np.zeros(0)
        return IncidentDraws(empty, np.zeros(0, np.int64), empty, empty, empty)
    stacked = {k: np.concatenate([p.pop(k) for p in parts]) for k in KEYS}  # parts freed
    if any(spec is not None for spec in inputs.grades.appointment):
        stacked = _booked(stacked, inputs)
    if np.any(stacked["pre_dispatch_min"] > 0):
        stacked["logged_min"] = stacked["created_min"]
        stacked["created_min"] = stacked["created_min"] + stacked["pre_dispatch_min"]
    stacked = _sorted(stacked)
    booked, logged = stacked.get("booked_min"), stacked.get("logged_min")
    typed = inputs.grades.types is not None
    return IncidentDraws(
        created_min=stacked["created_min"],
        grade=stacked["grade"].astype(np.int64, copy=False),
        travel_min=stacked["travel_min"],
        on_scene_min=stacked["on_scene_min"],
        write_up_min=stacked["write_up_min"],
        contact=stacked["contact"].astype(np.int64, copy=False),
        booked_min=booked,
        slot_min=stacked.get("slot_min"),
        booking_delay_min=stacked["booking_delay_min"] if booked is not None else None,
        logged_min=logged,
        pre_dispatch_min=stacked["pre_dispatch_min"] if logged is not None else None,
        kind=stacked["kind"].astype(np.int64, copy=False) if typed else None,
        graded=stacked["graded"].astype(np.int64, copy=False) if typed else None,
    )


def _sorted(columns: Columns) -> Columns:
    """By queue entry (``created_min``), then grade, then contact, then creation (after
    booking or pre-dispatch, equal entries keep their creation order)."""
    keys = [columns["contact"], columns["grade"], columns["created_min"]]
    creation = columns.get("logged_min")
    if "booked_min" in columns:
        booked = columns["booked_min"]
        creation = np.where(
            np.isnan(booked), columns["created_min"] if creation is None else creation, booked
        )
    if creation is not None:
        keys.insert(0, creation)
    order = lexsort(keys)
    del keys, creation
    return {k: columns.pop(k)[order] for k in list(columns)}  # one column at a time


def _booked(columns: Columns, inputs: Inputs) -> Columns:
    """Book each appointment grade's incidents (in creation order: time, then contact) into
    their slots; ``created_min`` becomes their planned departure."""
    created = columns["created_min"]
    booked, slot = np.full(len(created), np.nan), np.full(len(created), np.nan)
    origin = inputs.grid.origin
    of_day = origin.hour * 60 + origin.minute + origin.second / 60
    due = created.copy()
    for g, spec in enumerate(inputs.grades.appointment):
        if spec is None:
            continue
        rows = np.flatnonzero(columns["grade"] == g)
        rows = rows[np.lexsort((columns["contact"][rows], created[rows]))]  # creation order
        slot[rows] = book(created[rows] + columns["booking_delay_min"][rows], spec, of_day)
        booked[rows] = created[rows]
        due[rows] = np.maximum(created[rows], _departure(slot[rows], columns["travel_min"][rows]))
    return {**columns, "created_min": due, "booked_min": booked, "slot_min": slot}


def _departure(slot: NDArray[np.float64], travel: NDArray[np.float64]) -> NDArray[np.float64]:
    """Slot − travel, rounded down where needed so that departure + travel <= slot exactly."""
    leave = slot - travel
    late = leave + travel > slot
    leave[late] = np.nextafter(leave[late], -np.inf)
    return leave
