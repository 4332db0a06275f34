"""Establishment: the intake that growth and leavers call for, and how vacancies are filled.

Each month the force recruits up to its establishment (``Growth.target``), within the
recruitment capacity. A department's posts are filled by its own officers and by the
students posted to it that month. At the month's end experienced officers transfer into departments
that fill vacancies by transfer (from the departments that take no transfers, in
proportion to their experienced officers), and officers finishing their programme are
posted to the remaining vacancies (in proportion to them; any beyond them in proportion to
establishment). Postings and transfers move people; they never create or lose them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fmssim.workforce.mode import Mode
from fmssim.workforce.plan import Growth

Floats = NDArray[np.float64]


def derived_intake(growth: Growth, t: int, headcount: float, mode: Mode) -> tuple[float, float]:
    """(students joining in step ``t``, students needed): the force's establishment less its
    officers, within the recruitment capacity (0 before the first derived step)."""
    if t < growth.first_step:
        return 0.0, 0.0
    need = float(growth.target[t].sum() - headcount)
    joining = min(max(need, 0.0), float(growth.capacity[t]))
    return float(mode.whole(np.array([joining]))[0]), need


def vacancies(growth: Growth, t: int, officers: Floats) -> Floats:
    """Posts without an officer at the start of step ``t``: ``officers`` counts the
    department's own and the students posted to it that month."""
    target = growth.target[min(t, len(growth.target) - 1)]
    out: Floats = np.maximum(target - officers, 0.0)
    return out


def transfers(
    growth: Growth, t: int, officers: Floats, experienced: Floats, mode: Mode
) -> tuple[Floats, Floats]:
    """(transfers in, transfers out) per department at the end of step ``t - 1``."""
    share = growth.transfer_share
    source = np.where(share > 0, 0.0, experienced)
    want = mode.whole(share * vacancies(growth, t, officers))
    total = min(float(want.sum()), float(source.sum()))
    zero = np.zeros(len(share))
    if total <= 0:
        return zero, zero
    moved_in = want * (total / float(want.sum()))
    moved_in = mode.whole(moved_in)
    moved_out = mode.split(float(moved_in.sum()), source / source.sum())
    return moved_in, moved_out


def posts(growth: Growth, t: int, officers: Floats, completed: float, mode: Mode) -> Floats:
    """Officers who finished their programme, posted to departments with vacancies."""
    vacant = vacancies(growth, t, officers)
    total = float(vacant.sum())
    out = np.zeros(len(vacant))
    first = min(completed, float(mode.whole(np.array([total]))[0]))
    if first > 0:
        out += mode.split(first, vacant / total)
    rest = completed - float(out.sum())
    if rest > 0:
        target = growth.target[min(t, len(growth.target) - 1)]
        weights = target if target.sum() > 0 else np.ones(len(target))
        out += mode.split(rest, weights / weights.sum())
    return out
