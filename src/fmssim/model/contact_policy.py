"""What each contact and attempt is to the handlers: its outcome (resolved at first contact,
an incident, a crime), the queue level, slots and callback threshold of each attempt, and
the slots a pool reserves for its first channel. Both engines and the KPIs read these."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from fmssim.model.inputs import Inputs

if TYPE_CHECKING:
    from fmssim.model.contact_draws import ContactDraws


RESOLVED, INCIDENT, CRIME = 0, 1, 2


def outcome_kind(
    inputs: Inputs, i: int, outcome_u: NDArray[np.float64], crime_u: NDArray[np.float64]
) -> NDArray[np.int64]:
    """What handling a contact of channel ``i`` leads to: RESOLVED at first contact (no
    grade, or a grade nobody attends, such as P9), an attended INCIDENT, or a CRIME
    recorded at first contact (whatever the grade)."""
    ch = inputs.channels
    grade = np.searchsorted(ch.grade_cdf[i], outcome_u, side="right")
    attended = np.append(inputs.grades.pool >= 0, False)
    kind = np.where(attended[np.minimum(grade, len(attended) - 1)], INCIDENT, RESOLVED)
    kind[crime_u < ch.crime_share[i]] = CRIME
    return kind.astype(np.int64)


@dataclass(frozen=True)
class AttemptPolicy:
    """What each attempt is to its handler pool (both engines read the same arrays)."""

    level: NDArray[np.int64]
    """Queue level within its pool, 0 most urgent (the channel it dials)."""
    slots: NDArray[np.int64]
    """Answer slots it takes when answered."""
    callback_min: NDArray[np.float64]
    """Wait after which it is offered a callback instead of waiting on; infinite: never."""


def attempt_policy(
    inputs: Inputs, d: ContactDraws, codes: type[np.signedinteger[Any]] = np.int64
) -> AttemptPolicy:
    """The queue level, slots and callback threshold of every attempt of ``d``; ``codes``:
    the integer type of the levels and slots (the fast engine takes ``int16``: one value
    per drawn attempt, 18 million in a four-year plan)."""
    ch = inputs.channels
    dialled = d.channel_of_attempt
    needed = ch.slots_needed if len(ch.slots_needed) else np.ones(len(ch.names), np.int64)
    callback = ch.callback_min[dialled] if len(ch.callback_min) else np.full(len(dialled), np.inf)
    level, slots = ch.level.astype(codes)[dialled], needed.astype(codes)[dialled]
    return AttemptPolicy(level, slots, callback)


def contact_outcomes(inputs: Inputs, d: ContactDraws) -> NDArray[np.int64]:
    """Per contact: RESOLVED, INCIDENT or CRIME (see :func:`outcome_kind`)."""
    kind = np.zeros(len(d), np.int64)
    for i in range(len(inputs.channels.names)):
        mine = d.channel == i
        kind[mine] = outcome_kind(inputs, i, d.outcome_u[mine], d.crime_u[mine])
    return kind


def reserved_slots(on_duty: int, reserved: int, share: float, concurrency: int) -> int:
    """Slots reserved for a pool's first channel with ``on_duty`` slots on duty: a share of
    the whole handlers on duty, rounded half up, or the fixed count (at most all on duty)."""
    if share > 0.0:
        return math.floor(share * (on_duty // concurrency) + 0.5) * concurrency
    return min(reserved, on_duty)
