"""The 999 protection policies against queueing laws (scenarios/validation/contact_policies.yaml).

- With every 101 call removed, the pool (two handlers reserved for 999, callbacks and spill
  configured but idle) is M/M/c+M for 999 alone: Erlang A's P(abandon) and P(answered within
  10 s) must lie inside the 99% Student-t interval across replications (first attempts after
  the warm-up and an hour before the horizon, so every counted wait is complete). A reserve
  that idled capacity 999 could use would fail this.
- Reserving handlers for 999 never lowers 999's service level: the same replications with
  k = 2 and k = 0 reserved (common random numbers), the paired mean difference of the 999
  service level is positive and its 95% interval lies at or above zero.
- A callback offer never raises 101 abandonment (callers who accept it never hang up):
  paired, 95%.

Fixed seeds; the fast engine (held to the reference engine record for record by the parity
tests).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray
from paired_laws import assert_higher, kpi_per_replication

from fmssim.analytics.intervals import t_interval
from fmssim.analytics.tables import contact_table
from fmssim.analytics.theory import erlang_a, erlang_a_answered_within
from fmssim.engine.simulate import simulate
from fmssim.model.compile import compile_scenario
from fmssim.model.inputs import Inputs
from fmssim.model.timegrid import MIN_PER_HOUR
from fmssim.scenario import load_scenario

POLICIES = Path(__file__).parents[2] / "scenarios" / "validation" / "contact_policies.yaml"
SHORT = "calendar.end=2019-01-12"
NO_101 = "demand.channels.101.annual_volume=0"
REPS = 12
LEVEL = 0.99
SECONDS = 1.0 / 60.0


@cache
def compiled(*sets: str) -> Inputs:
    return compile_scenario(load_scenario(POLICIES, sets=[SHORT, *sets]).scenario)


def first_999_attempts(inputs: Inputs) -> pl.DataFrame:
    """Counted first 999 attempts of REPS replications, with ``wait_min`` and ``answered``."""
    frames = []
    for rep in range(REPS):
        run = simulate("fast", inputs, rep)
        assert run.contacts is not None
        frames.append(contact_table(inputs, run.draws, run.contacts))
    window = pl.col("arrived_min").is_between(
        inputs.grid.warmup_min, inputs.grid.horizon_min - MIN_PER_HOUR, closed="left"
    )
    ended = pl.coalesce(pl.col("answered_min").fill_nan(None), pl.col("abandoned_min"))
    return (
        pl.concat(frames)
        .filter(pl.col("attempt") == 0, pl.col("channel") == "999", window)
        .with_columns(
            wait_min=ended - pl.col("arrived_min"), answered=pl.col("answered_min").is_not_nan()
        )
    )


def check(label: str, expected: float, frame: pl.DataFrame, statistic: pl.Expr) -> None:
    """``expected`` lies inside the 99% Student-t interval of the replication values."""
    values = frame.group_by("rep").agg(statistic.alias("x"))["x"].to_numpy()
    low, high = t_interval(float(values.mean()), float(values.var(ddof=1)), len(values), LEVEL)
    print(f"{label}: theory {expected:.5f}, 99% interval [{low:.5f}, {high:.5f}]")
    assert low <= expected <= high


def test_without_101_the_999_pool_is_erlang_a() -> None:
    """M/M/c+M with c = 10 (reserve included), λ = 2/min, μ = 1/4, θ = 1/2."""
    inputs = compiled(NO_101)
    assert inputs.handler_reserved[0] == 2
    frame = first_999_attempts(inputs)
    c, lam, mu, theta = 10, 2.0, 0.25, 0.5
    check("P(Ab)", erlang_a(c, lam, mu, theta).p_abandon, frame, (~pl.col("answered")).mean())
    within = pl.col("answered") & (pl.col("wait_min") <= 10 * SECONDS)
    check(
        "P(answered, W <= 10 s)",
        erlang_a_answered_within(10 * SECONDS, c, lam, mu, theta),
        frame,
        within.mean(),
    )


def per_rep(kpi: str, group: str, *sets: str) -> NDArray[np.float64]:
    return kpi_per_replication(compiled(*sets), REPS, group, kpi, area="contact")


def test_reserving_handlers_never_lowers_the_999_service_level() -> None:
    """k = 2 reserved against none, paired on the same replications, 95%."""
    with_reserve = per_rep("answered_within_target_share", "999")
    without = per_rep("answered_within_target_share", "999", "contact.pools.handlers.reserved=0")
    mean, low, high = assert_higher(with_reserve, without)
    print(f"999 service level, 2 reserved - none: {mean:+.4f} [{low:+.4f}, {high:+.4f}]")


def test_callbacks_never_raise_101_abandonment() -> None:
    """Callbacks after 3 minutes against none, paired, 95%."""
    without = per_rep("abandoned_share", "101", "contact.pools.handlers.callback_after_sec=null")
    with_callbacks = per_rep("abandoned_share", "101")
    mean, low, high = assert_higher(without, with_callbacks)
    print(f"101 abandonment, none - callbacks: {mean:+.4f} [{low:+.4f}, {high:+.4f}]")


def test_callbacks_and_spills_keep_their_timelines() -> None:
    """Exact laws on every attempt (no confidence level): conservation (arrived = answered +
    abandoned + still waiting); a callback is accepted exactly at arrival + threshold, only by
    a 101 caller whose patience is longer, and then never abandons; a spilled attempt (on
    999, of a 101 contact) arrives exactly when the contact's previous attempt hung up plus
    its delay, and only after the last 101 attempt hung up."""
    inputs = compiled()
    threshold = inputs.channels.callback_min[inputs.channels.names.index("101")]
    for rep in range(2):
        run = simulate("fast", inputs, rep)
        d, out = run.draws.contacts, run.contacts
        assert d is not None and out is not None
        arrived = ~np.isnan(out.arrived_min)
        answered, abandoned = ~np.isnan(out.answered_min), ~np.isnan(out.abandoned_min)
        assert not np.any(answered & abandoned)
        assert not answered[~arrived].any() and not abandoned[~arrived].any()
        called = ~np.isnan(out.callback_min)
        assert called.sum() > 100
        np.testing.assert_array_equal(out.callback_min[called], out.arrived_min[called] + threshold)
        assert np.all(d.patience_min[called] > threshold) and not np.any(abandoned & called)
        assert np.all(d.channel_of_attempt[called] == inputs.channels.names.index("101"))
        spilled = d.channel_of_attempt != d.channel[d.owner]
        came = spilled & arrived
        assert came.sum() > 100
        before = np.flatnonzero(came) - 1
        assert np.all(d.owner[before] == d.owner[came])
        np.testing.assert_array_equal(
            out.arrived_min[came], out.abandoned_min[before] + d.delay_min[came]
        )
        assert np.all(d.channel_of_attempt[came] == inputs.channels.names.index("999"))
