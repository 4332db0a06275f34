"""What each contact is to the handlers: its outcome (resolved at first contact, an
incident, a crime), and the slots a pool reserves for its first channel. Both engines and
the KPIs read these; an attempt's queue level, slots and callback threshold are those of
the channel it dials (:func:`channel_policy`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
class ChannelPolicy:
    """What an attempt is to its handler pool, by the channel it dials (both engines)."""

    level: NDArray[np.int64]
    """Queue level within its pool, 0 most urgent."""
    slots: NDArray[np.int64]
    """Answer slots it takes when answered."""
    callback_min: NDArray[np.float64]
    """Wait after which it is offered a callback; infinite: never."""


def channel_policy(inputs: Inputs) -> ChannelPolicy:
    """Per channel: queue level, answer slots (1 where the scenario sets none) and callback
    threshold (never where none)."""
    ch = inputs.channels
    k = len(ch.names)
    return ChannelPolicy(
        ch.level.astype(np.int64),
        ch.slots_needed.astype(np.int64) if len(ch.slots_needed) else np.ones(k, np.int64),
        ch.callback_min.astype(np.float64) if len(ch.callback_min) else np.full(k, np.inf),
    )


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
