"""The fast engine's investigation stage: one kernel call per department."""

from __future__ import annotations

import numpy as np

from fmssim.engine.fast.caseload import caseload_into
from fmssim.engine.records import CaseOutcome
from fmssim.model.case_capacity import rate_steps
from fmssim.model.case_draws import CaseDraws, case_eligibility
from fmssim.model.inputs import Inputs


def run_cases(inputs: Inputs, draws: CaseDraws) -> CaseOutcome:
    """Every case's timeline; identical to :func:`fmssim.engine.des.investigation.run_cases`."""
    inv = inputs.investigations
    out = CaseOutcome.empty(len(draws))
    if inv is None:
        return out
    entered, spell = draws.entered_min, draws.spell_min
    risk = draws.risk.astype(np.float64)
    eligible = case_eligibility(inv, draws)
    for d in range(len(inv.names)):
        ids = np.flatnonzero((draws.department == d) & ~draws.screened)
        a, b, c, e, f = (np.full(len(ids), np.nan) for _ in range(5))
        columns = (a, b, c, e, f)
        times, rates = rate_steps(inv, draws.capacity, d)
        servers = np.ascontiguousarray(inv.stage_servers[d], dtype=np.int64)
        caseload_into(
            columns,
            (
                entered[ids],
                draws.created_min[ids],
                draws.floor_min[ids],
                risk[ids],
                spell[ids],
            ),
            draws.stages[ids],
            np.ascontiguousarray(draws.stage_min[ids][:, : len(servers)], dtype=np.float64),
            servers,
            (eligible[ids], np.ascontiguousarray(inv.investigator_class[d], dtype=np.int64)),
            int(inv.cap[d]),
            np.ascontiguousarray(times, dtype=np.float64),
            np.ascontiguousarray(rates, dtype=np.float64),
            inputs.grid.horizon_min,
        )
        for target, column in zip(
            (
                out.allocated_min,
                out.worked_min,
                out.finalised_min,
                out.investigator,
                out.stage_wait_min,
            ),
            columns,
            strict=True,
        ):
            target[ids] = column
    return out
