"""The reference engine against exact queueing theory (non-preemptive priority M/M/c).

Scenario: scenarios/validation/priority_mmc.yaml — c = 5 units, exponential time on scene
(mean 60 min), no travel, Poisson arrivals for three grades with loads 0.15, 0.30, 0.35.
Each check asks that the exact value lie inside a 99% Student-t interval across
replications (fixed seed, so the test is deterministic). The fast engine is held to the same
records by the parity tests, so these laws hold for it too.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from fmssim.analytics.intervals import t_interval
from fmssim.analytics.tables import incident_table
from fmssim.analytics.theory import cobham_waits, erlang_c, top_class_wait_tail
from fmssim.engine import des
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import draw
from fmssim.scenario import load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "priority_mmc.yaml"
LEVEL = 0.99
MU = 1.0 / 60.0
C = 5
MIN_PER_YEAR = 525_600.0
REPS = 10


def rates() -> list[float]:
    """Arrival rates per minute, P1 first, from the scenario's annual volumes."""
    s = load_scenario(SCENARIO).scenario
    return [s.demand.incidents[g].annual_volume / MIN_PER_YEAR for g in ("P1", "P2", "P3")]


@cache
def records() -> pl.DataFrame:
    """Every incident of REPS replications of the reference engine, ``counted`` after warm-up."""
    inputs = compile_scenario(load_scenario(SCENARIO).scenario)
    frames = []
    for rep in range(REPS):
        draws = draw(inputs, rep)
        frame = incident_table(inputs, draws, des.run(inputs, draws))
        counted = pl.col("created_min") >= inputs.grid.warmup_min
        frames.append(frame.with_columns(counted=counted))
    return pl.concat(frames)


def interval(per_rep: pl.Series) -> tuple[float, float]:
    values = per_rep.to_numpy()
    return t_interval(float(values.mean()), float(values.var(ddof=1)), len(values), LEVEL)


def test_erlang_c_known_values() -> None:
    # C(1, a) = a for M/M/1; C(2, 1) = 1/3 by hand.
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang_c(2, 1.0) == pytest.approx(1.0 / 3.0)


@pytest.mark.parametrize("grade", ["P1", "P2", "P3"])
def test_mean_wait_per_grade_matches_cobham(grade: str) -> None:
    """Cobham (1954): W_k = C(c,a) / (cμ) / ((1 − σ_{k−1})(1 − σ_k))."""
    expected = dict(zip(("P1", "P2", "P3"), cobham_waits(rates(), MU, C), strict=True))[grade]
    per_rep = (
        records()
        .filter(pl.col("counted"), pl.col("grade") == grade, pl.col("wait_min").is_not_nan())
        .group_by("rep")
        .agg(pl.col("wait_min").mean())["wait_min"]
    )
    low, high = interval(per_rep)
    print(f"{grade}: theory {expected:.3f}, 99% interval [{low:.3f}, {high:.3f}]")
    assert low <= expected <= high, (
        f"{grade}: theory {expected:.3f} outside [{low:.3f}, {high:.3f}]"
    )


@pytest.mark.parametrize("t_min", [0.0, 5.0, 15.0, 30.0])
def test_top_grade_wait_tail_is_exact(t_min: float) -> None:
    """P(W₁ > t) = C(c, a) · exp(−(cμ − λ₁) t) for the top grade."""
    expected = top_class_wait_tail(t_min, rates(), MU, C)
    per_rep = (
        records()
        .filter(pl.col("counted"), pl.col("grade") == "P1", pl.col("wait_min").is_not_nan())
        .group_by("rep")
        .agg((pl.col("wait_min") > t_min).mean().alias("tail"))["tail"]
    )
    low, high = interval(per_rep)
    print(f"P(W1 > {t_min}): theory {expected:.4f}, 99% interval [{low:.4f}, {high:.4f}]")
    assert low <= expected <= high, f"t={t_min}: {expected:.4f} outside [{low:.4f}, {high:.4f}]"


def test_units_busy_equals_offered_load() -> None:
    """Little's law on the servers: mean units busy = λ / μ = offered load a = 4."""
    inputs = compile_scenario(load_scenario(SCENARIO).scenario)
    bounds = inputs.grid.year_bounds_min
    frame = records()
    per_rep = []
    for rep in range(REPS):
        one = frame.filter(pl.col("rep") == rep)
        start = one["assigned_min"].to_numpy()
        end = np.nan_to_num(one["free_min"].to_numpy(), nan=bounds[-1])
        busy = np.clip(np.minimum(end, bounds[-1]) - np.maximum(start, bounds[0]), 0, None)
        per_rep.append(np.nansum(busy) / (bounds[-1] - bounds[0]))
    low, high = interval(pl.Series(per_rep))
    print(f"units busy: theory {sum(rates()) / MU:.3f}, 99% interval [{low:.3f}, {high:.3f}]")
    assert low <= sum(rates()) / MU <= high
