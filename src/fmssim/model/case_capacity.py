"""Each department's work rate over time: the workforce model's steps times the share of its
investigators not taken out by major incidents (drawn per replication).

Both engines take the combined step function from here, so a major incident is just a
stretch of lower rate: cases in hand keep the effort they have received (each
investigator's virtual time stops growing as fast, never goes back) and finish when the
rest is done — work is conserved through the pre-emption.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fmssim.model.case_inputs import InvestigationInputs
from fmssim.model.inputs import Inputs
from fmssim.model.streams import StreamKind, generator

Steps = tuple[NDArray[np.float64], NDArray[np.float64]]
"""(times, values): the value from each time on; the first time is 0."""
NO_STEPS: Steps = (np.zeros(1), np.ones(1))


def major_incident_steps(inputs: Inputs, rep: int, d: int) -> Steps:
    """Share of department ``d``'s capacity left to volume work over time, after the teams
    its major incidents take (Poisson starts, drawn durations), at least 0."""
    inv = inputs.investigations
    assert inv is not None
    rate, name = float(inv.major_per_hour[d]), inv.names[d]
    if rate <= 0:
        return NO_STEPS
    horizon = inputs.grid.horizon_min
    rng = generator(inputs.seed, rep, StreamKind.MAJOR_INCIDENTS, name)
    gaps = rng.exponential(60.0 / rate, int(rate * horizon / 60.0 * 1.5) + 20)
    starts = np.cumsum(gaps)
    while starts[-1] < horizon:  # rare: more incidents than the generous first batch
        starts = np.concatenate([starts, starts[-1] + np.cumsum(rng.exponential(60.0 / rate, 64))])
    starts = starts[starts < horizon]
    length = generator(inputs.seed, rep, StreamKind.MAJOR_INCIDENT_LENGTH, name)
    ends = starts + inv.major_duration[d].sample(length, len(starts))
    times = np.concatenate([starts, ends])
    change = np.concatenate([np.ones(len(starts), np.int64), -np.ones(len(ends), np.int64)])
    order = np.lexsort((change, times))  # at equal times a team returns before one leaves
    times, active = times[order], np.cumsum(change[order])
    keep = times < horizon
    times, active = times[keep], active[keep]
    if len(times) == 0:
        return NO_STEPS
    last = np.append(times[1:] != times[:-1], True)  # several changes at one instant: the last
    factor = np.maximum(0.0, 1.0 - active[last] * inv.major_share[d])
    return np.concatenate([[0.0], times[last]]), np.concatenate([[1.0], factor])


def rate_steps(inv: InvestigationInputs, capacity: tuple[Steps, ...], d: int) -> Steps:
    """Per-investigator work rate of department ``d`` over time: the compiled steps (with
    the workforce model's factors) times the major-incident factor in ``capacity``."""
    times, rates = inv.rate_steps(d)
    if not capacity:
        return times, rates
    m_times, m_factor = capacity[d]
    if len(m_times) == 1:
        return times, rates * m_factor[0]
    union = np.union1d(times, m_times)
    at_rate = rates[np.searchsorted(times, union, side="right") - 1]
    at_factor = m_factor[np.searchsorted(m_times, union, side="right") - 1]
    return union, at_rate * at_factor
