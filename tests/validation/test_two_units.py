"""Incidents needing two units each against exact theory (Green & Kolesar's point).

Scenario: scenarios/validation/two_units.yaml — c = 10 units, every incident needs 2 of them,
exponential time on scene (mean 60 min), no travel, one grade, λ = 1/15 per minute. Units are
taken and freed only in pairs, so the pool is an M/M/5 queue with the *same* call rate
(fewer effective servers, not more calls): P(wait > 0) = C(5, a) and mean wait
= C(5, a) / (5μ − λ) with a = λ/μ = 4. Each check asks that the exact value lie inside a 99%
Student-t interval across replications of the reference engine (fixed seed, deterministic);
the fast engine is held to the same records by the parity tests.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from fmssim.analytics.intervals import t_interval
from fmssim.analytics.tables import incident_table
from fmssim.analytics.theory import erlang_c
from fmssim.engine import des
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import draw
from fmssim.scenario import load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "two_units.yaml"
LEVEL = 0.99
MU = 1.0 / 60.0
SERVERS = 5  # 10 units in pairs
MIN_PER_YEAR = 525_600.0
REPS = 10


def rate() -> float:
    """Arrival rate per minute, from the scenario's annual volume."""
    s = load_scenario(SCENARIO).scenario
    return s.demand.incidents["P1"].annual_volume / MIN_PER_YEAR


@cache
def per_rep() -> pl.DataFrame:
    """Mean wait and share waiting per replication (incidents created after warm-up)."""
    inputs = compile_scenario(load_scenario(SCENARIO).scenario)
    frames = []
    for rep in range(REPS):
        draws = draw(inputs, rep)
        frame = incident_table(inputs, draws, des.run(inputs, draws))
        frames.append(
            frame.filter(
                pl.col("created_min") >= inputs.grid.warmup_min, pl.col("wait_min").is_not_nan()
            )
            .select(
                wait=pl.col("wait_min").mean(),
                waited=(pl.col("wait_min") > 0).mean(),
            )
            .with_columns(rep=pl.lit(rep))
        )
    return pl.concat(frames)


def interval(values: pl.Series) -> tuple[float, float]:
    x = values.to_numpy()
    return t_interval(float(x.mean()), float(x.var(ddof=1)), len(x), LEVEL)


def test_scenario_needs_two_of_ten_units() -> None:
    inputs = compile_scenario(load_scenario(SCENARIO).scenario)
    assert list(inputs.grades.units_needed) == [2]
    assert set(inputs.pools.change_units[0].tolist()) == {10}


def test_probability_of_waiting_is_erlang_c_of_five_servers() -> None:
    """P(W > 0) = C(5, λ/μ): five servers, the call rate unchanged."""
    a = rate() / MU
    expected = erlang_c(SERVERS, a)
    low, high = interval(per_rep()["waited"])
    print(f"P(wait > 0): theory {expected:.4f}, 99% interval [{low:.4f}, {high:.4f}]")
    assert low <= expected <= high, f"{expected:.4f} outside [{low:.4f}, {high:.4f}]"


def test_mean_wait_is_erlang_c_of_five_servers() -> None:
    """W = C(5, a) / (5μ − λ)."""
    lam = rate()
    expected = erlang_c(SERVERS, lam / MU) / (SERVERS * MU - lam)
    low, high = interval(per_rep()["wait"])
    print(f"mean wait: theory {expected:.3f} min, 99% interval [{low:.3f}, {high:.3f}]")
    assert low <= expected <= high, f"{expected:.3f} outside [{low:.3f}, {high:.3f}]"


def test_not_an_inflated_call_rate() -> None:
    """The other reading — ten servers, twice the calls — is far outside the interval."""
    lam = rate()
    doubled = erlang_c(2 * SERVERS, 2 * lam / MU) / (2 * SERVERS * MU - 2 * lam)
    low, high = interval(per_rep()["wait"])
    print(f"ten servers, doubled calls: {doubled:.3f} min against [{low:.3f}, {high:.3f}]")
    assert not low <= doubled <= high
