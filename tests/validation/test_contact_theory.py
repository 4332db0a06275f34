"""Contact handling in the reference engine against exact queueing theory (Erlang A and C).

Scenario: scenarios/validation/erlang_a.yaml — c = 10 handlers, λ = 120 calls an hour,
exponential handling (mean 4 min) and patience (mean 2 min), no redials: M/M/c+M (Erlang A).
With ``demand.channels.calls.patience_sec=null`` nobody hangs up: M/M/c (Erlang C).
Horizon cut to 10 days after the scenario's 2-day warm-up; REPS replications with the
scenario's fixed seed, so every test is deterministic.

Each check asks that the exact value lie inside a 99% Student-t interval across
replications of the per-replication statistic, computed from the attempt records of first
attempts that arrive after the warm-up and at least an hour before the horizon (so every
counted wait is complete; no wait here comes near an hour). The fast engine is held to the
same records by the parity tests, so these laws hold for it too.

The arrival tests draw the contacts of ``contact_mix.yaml`` (four channels, an hour-of-week
profile) for ARRIVAL_REPS replications: counts per hour of week are Poisson with the
integrated rate (chi-square checks of the means and of the dispersion, each at 99% for the
four channels together, i.e. 99.75% per channel), and no two replications or channels share
a stream.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from numpy.typing import NDArray
from scipy import stats

from fmssim.analytics.intervals import t_interval
from fmssim.analytics.tables import contact_table
from fmssim.analytics.theory import (
    erlang_a,
    erlang_a_answered_within,
    erlang_c,
    erlang_c_mean_wait,
    erlang_c_service_level,
)
from fmssim.engine.simulate import simulate
from fmssim.model.compile import compile_scenario
from fmssim.model.contact_draws import draw_contacts
from fmssim.model.inputs import Inputs
from fmssim.model.timegrid import MIN_PER_HOUR
from fmssim.scenario import load_scenario

VALIDATION = Path(__file__).parents[2] / "scenarios" / "validation"
ERLANG_A = VALIDATION / "erlang_a.yaml"
MIX = VALIDATION / "contact_mix.yaml"
SHORT = "calendar.end=2019-01-11"
NO_PATIENCE = "demand.channels.calls.patience_sec=null"
LEVEL = 0.99
REPS = 16
TAIL_MIN = 60.0
"""Attempts arriving in the last hour are left out: their waits could be cut by the horizon."""
ARRIVAL_REPS = 40
CHANNEL_LEVEL = 1.0 - (1.0 - LEVEL) / 4
"""Per-channel level of the arrival checks (Bonferroni): 99% for the four channels together."""
SECONDS = 1.0 / 60.0


@dataclass(frozen=True)
class Queue:
    """M/M/c+M parameters of a one-channel, constant-roster scenario, per minute."""

    c: int
    lam: float
    mu: float
    theta: float
    """0 when callers never hang up."""


def queue_of(inputs: Inputs) -> Queue:
    """Read c, λ, μ and θ from the compiled scenario (checking it is the textbook case)."""
    ch = inputs.channels
    assert len(ch.names) == 1 and np.all(ch.rate_per_hour[0] == ch.rate_per_hour[0][0])
    assert ch.handling[0].kind == "exponential" and len(inputs.handlers.change_units[0]) == 1
    assert ch.redial_share[0] == 0.0 and ch.bot_share[0] == 0.0
    patience = ch.patience[0]
    assert patience is None or patience.kind == "exponential"
    return Queue(
        c=int(inputs.handlers.change_units[0][0]),
        lam=float(ch.rate_per_hour[0][0]) / MIN_PER_HOUR,
        mu=1.0 / ch.handling[0].mean,
        theta=0.0 if patience is None else 1.0 / patience.mean,
    )


@cache
def compiled(patience: bool) -> Inputs:
    sets = [SHORT] if patience else [SHORT, NO_PATIENCE]
    return compile_scenario(load_scenario(ERLANG_A, sets=sets).scenario)


@cache
def first_attempts(patience: bool) -> pl.DataFrame:
    """Counted first attempts of REPS reference-engine replications, with ``wait_min``
    (until answered or hung up) and ``answered``."""
    inputs = compiled(patience)
    frames = []
    for rep in range(REPS):
        run = simulate("des", inputs, rep)
        assert run.contacts is not None
        frames.append(contact_table(inputs, run.draws, run.contacts))
    window = pl.col("arrived_min").is_between(
        inputs.grid.warmup_min, inputs.grid.horizon_min - TAIL_MIN, closed="left"
    )
    ended = pl.coalesce(pl.col("answered_min").fill_nan(None), pl.col("abandoned_min"))
    return (
        pl.concat(frames)
        .filter(pl.col("attempt") == 0, window)
        .with_columns(
            wait_min=ended - pl.col("arrived_min"), answered=pl.col("answered_min").is_not_nan()
        )
    )


def per_rep(patience: bool, statistic: pl.Expr) -> NDArray[np.float64]:
    """One value of ``statistic`` per replication."""
    frame = first_attempts(patience).group_by("rep", maintain_order=True).agg(statistic.alias("x"))
    return frame["x"].to_numpy()


def check(label: str, expected: float, values: NDArray[np.float64]) -> None:
    """``expected`` lies inside the 99% Student-t interval of the replication means."""
    low, high = t_interval(float(values.mean()), float(values.var(ddof=1)), len(values), LEVEL)
    print(
        f"{label}: theory {expected:.5f}, 99% interval [{low:.5f}, {high:.5f}] ({len(values)} reps)"
    )
    assert low <= expected <= high, (
        f"{label}: theory {expected:.5f} outside [{low:.5f}, {high:.5f}]"
    )


def test_counted_waits_are_complete() -> None:
    """Every counted first attempt was answered or hung up (none cut by the horizon), and the
    scenarios are the textbook cases (one channel, no redials)."""
    for patience in (True, False):
        frame = first_attempts(patience)
        assert frame["wait_min"].null_count() == 0 and frame["wait_min"].is_nan().sum() == 0
        assert frame["wait_min"].min() >= 0.0
        queue_of(compiled(patience))
    assert first_attempts(False)["answered"].all()


# --- Erlang C (no abandonment) -----------------------------------------------------------


@pytest.mark.parametrize("t_sec", [10.0, 60.0])
def test_erlang_c_service_level(t_sec: float) -> None:
    """M/M/c: P(W ≤ t) = 1 − C(c, a) e^{−(cμ − λ) t}, at 99% confidence."""
    q = queue_of(compiled(False))
    expected = erlang_c_service_level(t_sec * SECONDS, q.c, q.lam, q.mu)
    values = per_rep(False, (pl.col("wait_min") <= t_sec * SECONDS).mean())
    check(f"Erlang C P(W <= {t_sec:.0f} s)", expected, values)


def test_erlang_c_probability_of_waiting() -> None:
    """M/M/c: P(W > 0) = C(c, a), at 99% confidence."""
    q = queue_of(compiled(False))
    check(
        "Erlang C P(W > 0)",
        erlang_c(q.c, q.lam / q.mu),
        per_rep(False, (pl.col("wait_min") > 0).mean()),
    )


def test_erlang_c_mean_wait() -> None:
    """M/M/c: E[W] = C(c, a) / (cμ − λ), in minutes, at 99% confidence."""
    q = queue_of(compiled(False))
    check(
        "Erlang C E[W] (min)",
        erlang_c_mean_wait(q.c, q.lam, q.mu),
        per_rep(False, pl.col("wait_min").mean()),
    )


# --- Erlang A (exponential patience) --------------------------------------------------------


def erlang_a_theory() -> tuple[Queue, float, float, float, float]:
    q = queue_of(compiled(True))
    a = erlang_a(q.c, q.lam, q.mu, q.theta)
    return q, a.p_wait, a.p_abandon, a.mean_wait, a.mean_wait_served


def test_erlang_a_probability_of_waiting() -> None:
    """M/M/c+M: P(W > 0) = Σ_{n≥c} π_n (PASTA), at 99% confidence."""
    _, p_wait, _, _, _ = erlang_a_theory()
    check("Erlang A P(W > 0)", p_wait, per_rep(True, (pl.col("wait_min") > 0).mean()))


def test_erlang_a_probability_of_abandoning() -> None:
    """M/M/c+M: P(Ab) = θ E[Q] / λ, at 99% confidence."""
    _, _, p_abandon, _, _ = erlang_a_theory()
    check("Erlang A P(Ab)", p_abandon, per_rep(True, (~pl.col("answered")).mean()))


def test_erlang_a_mean_wait_of_all_callers() -> None:
    """M/M/c+M: E[W] = E[Q] / λ = P(Ab) / θ over all callers (waiting until answered or
    hanging up), in minutes, at 99% confidence."""
    _, _, _, mean_wait, _ = erlang_a_theory()
    check("Erlang A E[W] (min)", mean_wait, per_rep(True, pl.col("wait_min").mean()))


def test_erlang_a_mean_wait_of_answered_callers() -> None:
    """M/M/c+M: E[W | answered] (stage chain of :func:`erlang_a`), minutes, 99% confidence."""
    _, _, _, _, served = erlang_a_theory()
    values = per_rep(True, pl.col("wait_min").filter(pl.col("answered")).mean())
    check("Erlang A E[W | answered] (min)", served, values)


@pytest.mark.parametrize("t_sec", [10.0, 60.0])
def test_erlang_a_answered_within(t_sec: float) -> None:
    """M/M/c+M: P(answered and W ≤ t) over all callers, at 99% confidence."""
    q = queue_of(compiled(True))
    expected = erlang_a_answered_within(t_sec * SECONDS, q.c, q.lam, q.mu, q.theta)
    within = pl.col("answered") & (pl.col("wait_min") <= t_sec * SECONDS)
    check(f"Erlang A P(answered, W <= {t_sec:.0f} s)", expected, per_rep(True, within.mean()))


# --- the arrival generator -------------------------------------------------------------------


@cache
def mix() -> Inputs:
    return compile_scenario(load_scenario(MIX).scenario)


@cache
def arrivals(rep: int) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """(created_min, channel) of every contact of replication ``rep`` of the mix."""
    d = draw_contacts(mix(), rep)
    return d.created_min, d.channel


def hour_masses(inputs: Inputs, ch: int) -> NDArray[np.float64]:
    """Integrated rate of channel ``ch`` over each grid hour (the last may be partial)."""
    edges = np.minimum(np.arange(inputs.grid.n_hours + 1) * MIN_PER_HOUR, inputs.grid.horizon_min)
    masses: NDArray[np.float64] = inputs.channels.rate_per_hour[ch] * np.diff(edges) / MIN_PER_HOUR
    return masses


def how_counts(inputs: Inputs, ch: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Counts per hour of week, shape (reps, 168), and their expected values Λ_b."""
    how = inputs.grid.hour_of_week
    expected = np.bincount(how, weights=hour_masses(inputs, ch), minlength=168)
    rows = []
    for rep in range(ARRIVAL_REPS):
        created, channel = arrivals(rep)
        hour = (created[channel == ch] // MIN_PER_HOUR).astype(np.int64)
        rows.append(np.bincount(how[hour], minlength=168))
    return np.array(rows), expected


def inside_chi2(label: str, statistic: float, df: int) -> None:
    """``statistic`` lies inside the central CHANNEL_LEVEL range of χ²(df)."""
    low, high = stats.chi2.ppf([(1 - CHANNEL_LEVEL) / 2, (1 + CHANNEL_LEVEL) / 2], df)
    print(f"{label}: {statistic:.1f}, 99.75% range of chi2({df}) [{low:.1f}, {high:.1f}]")
    assert low <= statistic <= high, f"{label}: {statistic:.1f} outside [{low:.1f}, {high:.1f}]"


@pytest.mark.parametrize("channel", ["999", "101", "webchat", "online"])
def test_arrival_counts_per_hour_of_week_have_the_integrated_rate(channel: str) -> None:
    """Non-homogeneous Poisson arrivals: the count in each hour-of-week bin, summed over R
    replications, is Poisson(R Λ_b) with Λ_b the integrated rate; Pearson's
    Σ_b (S_b − R Λ_b)² / (R Λ_b) is χ²(bins), and the mean count per replication is Σ Λ_b —
    both at 99.75% per channel (99% for the four). Bins of zero rate stay empty."""
    inputs = mix()
    counts, expected = how_counts(inputs, inputs.channels.names.index(channel))
    total, mean = counts.sum(axis=0), ARRIVAL_REPS * expected
    assert np.all(total[expected == 0] == 0)
    live = expected > 0
    inside_chi2(
        f"{channel} Pearson chi2 of means",
        float(((total - mean)[live] ** 2 / mean[live]).sum()),
        int(live.sum()),
    )
    whole = counts.sum(axis=1)
    mean_whole, var_whole = float(whole.mean()), float(whole.var(ddof=1))
    low, high = t_interval(mean_whole, var_whole, ARRIVAL_REPS, CHANNEL_LEVEL)
    print(
        f"{channel} per replication: theory {expected.sum():.1f}, interval [{low:.1f}, {high:.1f}]"
    )
    assert low <= expected.sum() <= high


@pytest.mark.parametrize("channel", ["999", "101", "webchat", "online"])
def test_arrival_counts_are_poisson_dispersed(channel: str) -> None:
    """Poisson counts have variance = mean: the index-of-dispersion statistic
    Σ_b Σ_r (N_rb − N̄_b)² / N̄_b across replications is χ²(bins × (R − 1)), and so is
    (R − 1) × variance/mean of whole-horizon counts with R − 1 degrees of freedom — both at
    99.75% per channel (99% for the four)."""
    inputs = mix()
    counts, _ = how_counts(inputs, inputs.channels.names.index(channel))
    mean = counts.mean(axis=0)
    live = mean > 0
    dispersion = float((((counts - mean) ** 2)[:, live] / mean[live]).sum())
    inside_chi2(
        f"{channel} dispersion over hour-of-week bins",
        dispersion,
        int(live.sum()) * (ARRIVAL_REPS - 1),
    )
    whole = counts.sum(axis=1)
    inside_chi2(
        f"{channel} dispersion of whole-horizon counts",
        float(whole.var(ddof=1) / whole.mean() * (ARRIVAL_REPS - 1)),
        ARRIVAL_REPS - 1,
    )


def unit_points(inputs: Inputs, ch: int, created: NDArray[np.float64]) -> NDArray[np.float64]:
    """Λ(t) of each arrival: the points of the unit-rate Poisson process it was mapped from."""
    cumulative = np.concatenate(([0.0], np.cumsum(hour_masses(inputs, ch))))
    hour = (created // MIN_PER_HOUR).astype(np.int64)
    rate = inputs.channels.rate_per_hour[ch][hour] / MIN_PER_HOUR
    points: NDArray[np.float64] = cumulative[hour] + rate * (created - hour * MIN_PER_HOUR)
    return points


def shared(a: NDArray[np.float64], b: NDArray[np.float64], tol: float = 1e-7) -> int:
    """How many points of ``a`` lie within ``tol`` of a point of ``b`` (two independent unit
    streams over T share about 2 T tol such pairs: far below one here)."""
    b = np.sort(b)
    at = np.clip(np.searchsorted(b, a), 1, len(b) - 1)
    nearest = np.minimum(np.abs(a - b[at - 1]), np.abs(a - b[at]))
    return int((nearest < tol).sum())


def test_replications_and_channels_draw_their_own_streams() -> None:
    """No two replications of a channel, and no two channels of a replication, are driven
    by the same unit-rate stream (a reused stream would share every point)."""
    inputs = mix()
    n = len(inputs.channels.names)
    points = {}
    for rep in range(5):
        created, channel = arrivals(rep)
        for ch in range(n):
            points[rep, ch] = unit_points(inputs, ch, created[channel == ch])
    for ch in range(n):
        for r, s in combinations(range(5), 2):
            assert shared(points[r, ch], points[s, ch]) == 0, (ch, r, s)
    for rep in range(5):
        for i, j in combinations(range(n), 2):
            assert shared(points[rep, i], points[rep, j]) == 0, (rep, i, j)
    assert math.isclose(float(points[0, 0].max()), hour_masses(inputs, 0).sum(), rel_tol=0.05)
