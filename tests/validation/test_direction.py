"""Direction laws, with common random numbers so the paired difference is sharp.

More officers never worsen P1 attainment in expectation; more demand never improves it.
Each test asks that the paired 95% interval of (better − worse) lie at or above zero, and
that the mean difference be strictly positive.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from paired_laws import assert_higher, kpi_per_replication

from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario

TEXTBOOK = Path(__file__).parents[2] / "scenarios" / "validation" / "priority_mmc.yaml"
REPS = 6
SHORT = "calendar.end=2019-03-01"


def p1_attained(*sets: str) -> np.ndarray:
    """P1 attained share per replication."""
    inputs = compile_scenario(load_scenario(TEXTBOOK, sets=[SHORT, *sets]).scenario)
    return kpi_per_replication(inputs, REPS, "P1", "attained_share")


def test_more_officers_never_worse() -> None:
    base = p1_attained()
    more = p1_attained("pools.response.roster.on_duty=6")
    assert_higher(more, base)


def test_more_demand_never_better() -> None:
    base = p1_attained()
    busier = p1_attained("demand.incidents.P2.annual_volume=15000")
    assert_higher(base, busier)
