"""What an engine returns: the timeline of every incident of one replication."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Outcome:
    """Per-incident times in minutes, indexed by incident id; NaN where not reached."""

    assigned_min: NDArray[np.float64]
    """A unit was allocated."""
    arrived_min: NDArray[np.float64]
    """The unit arrived on scene (response time = arrived − created)."""
    cleared_min: NDArray[np.float64]
    """The unit left the scene."""
    free_min: NDArray[np.float64]
    """The unit was free again (after write-up)."""

    @classmethod
    def empty(cls, n: int) -> Outcome:
        return cls(*(np.full(n, np.nan) for _ in range(4)))

    def same_as(self, other: Outcome) -> bool:
        """Bit-identical (NaN equal to NaN)."""
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name), equal_nan=True)
            for f in fields(self)
        )


@dataclass(frozen=True)
class ContactOutcome:
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

    @classmethod
    def empty(cls, m: int) -> ContactOutcome:
        return cls(*(np.full(m, np.nan) for _ in range(4)))

    def same_as(self, other: ContactOutcome) -> bool:
        """Bit-identical (NaN equal to NaN)."""
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name), equal_nan=True)
            for f in fields(self)
        )
