"""Investigation caseloads against exact queueing theory, on the reference engine.

Scenarios: scenarios/validation/caseload_lps.yaml — one investigator, cap K = 3,
exponential effort (mean 1 day), 0.7 cases a day: limited processor sharing, whose number
in system is the M/M/1 chain, so P(wait for a slot) = ρ^K and mean open time 1/(μ − λ);
and scenarios/validation/caseload_erlang_c.yaml — cap 1 and five investigators: M/M/5, so
P(wait) = C(5, 4) and mean wait C(5, 4)/(5μ − λ); and
scenarios/validation/case_stage_erlang_c.yaml — an outside stage with three servers,
exponential times and Poisson arrivals (no effort, ample slots): M/M/3, mean wait for a
stage server C(3, 2.4)/(3μ − λ). Each check asks that the exact value lie
inside a 99% Student-t interval across fixed-seed replications (deterministic). The fast
engine is held to the same records by the parity tests, so these laws hold for it too.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from fmssim.analytics.intervals import t_interval
from fmssim.analytics.investigation import case_table
from fmssim.analytics.theory import erlang_c, lps_mean_sojourn, lps_wait_probability
from fmssim.engine.des.investigation import run_cases
from fmssim.model.case_draws import draw_cases
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario

VALIDATION = Path(__file__).parents[2] / "scenarios" / "validation"
LEVEL = 0.99
MIN_PER_DAY = 1440.0
REPS = 20


@cache
def per_rep(name: str) -> pl.DataFrame:
    """Per replication: share of cases that waited, mean wait and mean open time (days),
    over cases entering after the warm-up and finalised before the horizon."""
    inputs = compile_scenario(load_scenario(VALIDATION / name).scenario)
    rows = []
    for rep in range(REPS):
        draws = draw_cases(inputs, rep)
        assert draws is not None
        table = case_table(inputs, draws, run_cases(inputs, draws), rep).filter(
            pl.col("entered_min") >= inputs.grid.warmup_min, pl.col("finalised_min").is_not_nan()
        )
        rows.append(
            {
                "waited": (table["wait_min"] > 0).mean(),
                "wait_days": table["wait_min"].mean() / MIN_PER_DAY,
                "open_days": table["open_min"].mean() / MIN_PER_DAY,
            }
        )
    return pl.DataFrame(rows)


def interval(values: pl.Series) -> tuple[float, float]:
    v = values.to_numpy()
    return t_interval(float(v.mean()), float(v.var(ddof=1)), len(v), LEVEL)


def check(name: str, column: str, expected: float) -> None:
    low, high = interval(per_rep(name)[column])
    print(f"{name} {column}: theory {expected:.4f}, 99% interval [{low:.4f}, {high:.4f}]")
    assert low <= expected <= high, f"{column}: theory {expected:.4f} outside [{low}, {high}]"


def test_lps_formulas_known_values() -> None:
    assert lps_wait_probability(0.5, 1.0, 2) == 0.25
    assert lps_mean_sojourn(0.5, 1.0) == 2.0


def test_lps_wait_probability_is_rho_to_the_cap() -> None:
    check("caseload_lps.yaml", "waited", lps_wait_probability(0.7, 1.0, 3))


def test_lps_mean_open_time_is_mm1() -> None:
    check("caseload_lps.yaml", "open_days", lps_mean_sojourn(0.7, 1.0))


def test_cap_one_wait_probability_is_erlang_c() -> None:
    check("caseload_erlang_c.yaml", "waited", erlang_c(5, 4.0))


def test_cap_one_mean_wait_is_erlang_c() -> None:
    check("caseload_erlang_c.yaml", "wait_days", erlang_c(5, 4.0) / (5.0 - 4.0))


def test_cap_one_mean_open_time() -> None:
    """Open time = wait + effort: C(5, 4)/(5μ − λ) + 1/μ."""
    check("caseload_erlang_c.yaml", "open_days", erlang_c(5, 4.0) / (5.0 - 4.0) + 1.0)


def test_stage_with_c_servers_mean_wait_is_erlang_c() -> None:
    """An outside stage with 3 servers, exponential times (mean 1 day) and Poisson arrivals
    of 2.4 a day is M/M/3: mean wait for a server C(3, 2.4) / (3μ − λ)."""
    waits = []
    inputs = compile_scenario(load_scenario(VALIDATION / "case_stage_erlang_c.yaml").scenario)
    for rep in range(REPS):
        draws = draw_cases(inputs, rep)
        assert draws is not None
        out = run_cases(inputs, draws)
        keep = (draws.entered_min >= inputs.grid.warmup_min) & ~np.isnan(out.finalised_min)
        waits.append(out.stage_wait_min[keep].mean() / MIN_PER_DAY)
    v = np.array(waits)
    low, high = t_interval(float(v.mean()), float(v.var(ddof=1)), len(v), LEVEL)
    expected = erlang_c(3, 2.4) / (3.0 - 2.4)
    print(f"stage wait: theory {expected:.4f}, 99% interval [{low:.4f}, {high:.4f}]")
    assert low <= expected <= high
