"""The fast engine's investigation stage: one kernel call per department."""

from __future__ import annotations

import numpy as np

from fmssim.engine.fast.caseload import caseload_into
from fmssim.engine.records import CaseOutcome
from fmssim.model.case_draws import CaseDraws
from fmssim.model.inputs import Inputs


def run_cases(inputs: Inputs, draws: CaseDraws) -> CaseOutcome:
    """Every case's timeline; identical to :func:`fmssim.engine.des.investigation.run_cases`."""
    inv = inputs.investigations
    out = CaseOutcome.empty(len(draws))
    if inv is None:
        return out
    entered = draws.entered_min
    risk = draws.risk.astype(np.float64)
    for d in range(len(inv.names)):
        ids = np.flatnonzero((draws.department == d) & ~draws.screened)
        columns = [np.full(len(ids), np.nan) for _ in range(4)]
        times, rates = inv.rate_steps(d)
        caseload_into(
            columns[0],
            columns[1],
            columns[2],
            columns[3],
            (
                entered[ids],
                draws.created_min[ids],
                draws.floor_min[ids],
                risk[ids],
                draws.effort_min[ids],
            ),
            int(inv.investigators[d]),
            int(inv.cap[d]),
            np.ascontiguousarray(times, dtype=np.float64),
            np.ascontiguousarray(rates, dtype=np.float64),
            inputs.grid.horizon_min,
        )
        for target, column in zip(
            (out.allocated_min, out.worked_min, out.finalised_min, out.investigator),
            columns,
            strict=True,
        ):
            target[ids] = column
    return out
