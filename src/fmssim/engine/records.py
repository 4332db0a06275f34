"""What an engine returns: the timeline of every incident and contact of one replication."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Self

import numpy as np
from numpy.typing import NDArray


class Timeline:
    """Columns of times, one value per entity; NaN where an instant was never reached."""

    @classmethod
    def empty(cls, n: int) -> Self:
        """Every time not reached, for ``n`` entities."""
        return cls(*(np.full(n, np.nan) for _ in fields(cls)))  # type: ignore[arg-type]

    def same_as(self, other: Self) -> bool:
        """Bit-identical (NaN equal to NaN): what engine parity means."""
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name), equal_nan=True)
            for f in fields(self)  # type: ignore[arg-type]
        )

    def first_difference(self, other: Self) -> str:
        """The first record whose times differ, in words (for a readable parity failure)."""
        for field in fields(self):  # type: ignore[arg-type]
            x, y = getattr(self, field.name), getattr(other, field.name)
            if len(x) != len(y):
                return f"{field.name}: {len(x)} records against {len(y)}"
            same = (x == y) | (np.isnan(x) & np.isnan(y))
            if not same.all():
                i = int(np.flatnonzero(~same)[0])
                return f"record {i}: {field.name} {x[i]!r} against {y[i]!r}"
        return "no difference"


@dataclass(frozen=True)
class Outcome(Timeline):
    """Per-incident times in minutes, indexed by incident id; NaN where not reached; the pool
    lending units, if another pool's did; when a P1 last took its unit on the way; and the
    travel lost when a P1 took a travelling unit."""

    assigned_min: NDArray[np.float64]
    """A unit was allocated."""
    arrived_min: NDArray[np.float64]
    """The unit arrived on scene (response time = arrived − created)."""
    cleared_min: NDArray[np.float64]
    """The unit left the scene."""
    free_min: NDArray[np.float64]
    """The unit was free again (after write-up)."""
    borrowed_from: NDArray[np.float64]
    """Index of the pool that lent the units (``p1_borrows_from``, ``lending``); NaN when the
    incident's own pool attended, or nobody did."""
    diverted_min: NDArray[np.float64]
    """The last time a P1 took the incident's unit while it was travelling
    (``p1_takes_en_route_unit``); NaN if that never happened."""
    lost_travel_min: NDArray[np.float64]
    """On a P1 that took a travelling unit: the travel that unit had already done towards the
    job it left (busy time, counted in the P1's pool; the unit was busy from ``assigned_min``
    − this); NaN otherwise."""


@dataclass(frozen=True)
class ContactOutcome(Timeline):
    """Per-attempt times in minutes, indexed by attempt; NaN where not reached.

    Attempt ``first[c]`` is contact ``c``'s first call, later ones its redials
    (see :class:`fmssim.model.draws.ContactDraws`).
    """

    arrived_min: NDArray[np.float64]
    """The attempt reached the queue (bot-closed contacts never do)."""
    answered_min: NDArray[np.float64]
    """A handler answered."""
    abandoned_min: NDArray[np.float64]
    """The caller hung up before an answer."""
    released_min: NDArray[np.float64]
    """The handler finished with it."""
    callback_min: NDArray[np.float64]
    """The caller accepted a callback and left the line (``callback_after_sec``); a handler
    answered (called back) at ``answered_min``."""


@dataclass(frozen=True)
class CaseOutcome(Timeline):
    """Per-case times in minutes, indexed by case id (see
    :class:`fmssim.model.case_draws.CaseDraws`); NaN where not reached (screened-out cases
    are never allocated)."""

    allocated_min: NDArray[np.float64]
    """An investigator took the case (it held one of the investigator's caseload slots)."""
    worked_min: NDArray[np.float64]
    """The case's effort was complete."""
    finalised_min: NDArray[np.float64]
    """The case was finalised and its slot freed: its work done and its floor passed."""
    investigator: NDArray[np.float64]
    """Index of the investigator within the department; NaN while never allocated."""
    stage_wait_min: NDArray[np.float64]
    """Time the case waited for a free server at its outside stages, in all (0 from its
    allocation; NaN while never allocated)."""
