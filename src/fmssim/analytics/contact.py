"""Contact KPIs per planning year and channel, from one replication's attempt records.

An attempt is *offered* when it reaches a handler's queue (bot-closed chats are counted as
contacts but never offered). Service level = attempts answered within the channel's target /
attempts answered or abandoned; an attempt still waiting at the end counts as a miss if it
has already waited longer than the target, and is left out otherwise. A spilled caller's
call on another channel counts on that channel (as the force counts its 999 calls); an
accepted callback is answered when the handler calls back. First-contact resolution is
over handled attempts, by the contact's outcome (resolved, incident or crime recorded).
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics.windows import aggregate, busy_per_year, long_table, with_year
from fmssim.model.inputs import Inputs

KPIS = (
    "contacts",
    "offered",
    "redials",
    "bot_closed_share",
    "answered_within_target_share",
    "abandoned_share",
    "abandoned_after_target_share",
    "answer_mean_sec",
    "answer_p90_sec",
    "handlers_busy_mean",
    "spilled_in",
    "spilled_in_answered_within_target_share",
    "callback_share",
    "resolved_first_contact_share",
)
ALL = "all"
"""Group of the KPIs over every channel together (first-contact resolution)."""


def contact_kpis(
    attempts: pl.DataFrame,
    bounds_min: NDArray[np.float64],
    labels: tuple[int, ...],
    handler_share: dict[str, float],
) -> pl.DataFrame:
    """Long table ``year, area, group, kpi, value`` for area ``contact``, group = channel."""
    if attempts.is_empty():
        return long_table(pl.DataFrame(), "contact", KPIS, labels)
    horizon = float(bounds_min[-1])
    counted = with_year(attempts, bounds_min, "arrived_min").filter(pl.col("year_index") >= 0)
    answered = pl.col("answered_min").is_not_nan()
    abandoned = pl.col("abandoned_min").is_not_nan()
    queued = ~pl.col("bot")
    waited_min = pl.when(answered).then(pl.col("answered_min")).otherwise(
        pl.when(abandoned).then(pl.col("abandoned_min")).otherwise(horizon)
    ) - pl.col("arrived_min")
    late = waited_min > pl.col("target_min")
    unknown = queued & ~answered & ~abandoned & ~late
    within = answered & ~late
    resolved = pl.col("outcome") == "resolved"
    per = aggregate(
        counted,
        ["year_index", "channel"],
        contacts=(pl.col("attempt") == 0).sum().cast(pl.Float64),
        offered=queued.sum().cast(pl.Float64),
        redials=((pl.col("attempt") > 0) & ~pl.col("spilled")).sum().cast(pl.Float64),
        bot_closed_share=pl.col("bot").filter(pl.col("attempt") == 0).mean(),
        answered_within_target_share=within.sum() / (queued.sum() - unknown.sum()),
        abandoned_share=abandoned.sum() / queued.sum(),
        abandoned_after_target_share=(abandoned & late).sum() / queued.sum(),
        answer_mean_sec=pl.col("wait_sec").filter(answered).mean(),
        answer_p90_sec=pl.col("wait_sec").filter(answered).quantile(0.9, "linear"),
        spilled_in=pl.col("spilled").sum().cast(pl.Float64),
        spilled_in_answered_within_target_share=(within & pl.col("spilled")).sum()
        / (pl.col("spilled") & ~unknown).sum(),
        callback_share=pl.col("callback_min").is_not_nan().sum() / queued.sum(),
        resolved_first_contact_share=resolved.filter(answered).mean(),
    )
    busy = _handlers_busy(attempts, bounds_min, handler_share)
    table = per.rename({"channel": "group"}).join(
        busy, on=["year_index", "group"], how="full", coalesce=True
    )
    overall = aggregate(
        counted.filter(answered).with_columns(group=pl.lit(ALL)),
        ["year_index", "group"],
        resolved_first_contact_share=resolved.mean(),
    )
    return pl.concat(
        [
            long_table(table, "contact", KPIS, labels),
            long_table(overall, "contact", ("resolved_first_contact_share",), labels),
        ]
    )


def handler_share(inputs: Inputs) -> dict[str, float]:
    """Share of a handler an attempt of each channel holds: its slots ÷ its pool's concurrency
    (a chat holds 1 / concurrency of a handler, a call a whole one)."""
    ch = inputs.channels
    slots = ch.slots_needed if len(ch.slots_needed) else np.ones(len(ch.names), np.int64)
    return {
        name: float(slots[i]) / float(inputs.handler_concurrency[ch.pool[i]])
        for i, name in enumerate(ch.names)
    }


def _handlers_busy(
    attempts: pl.DataFrame, bounds_min: NDArray[np.float64], handler_share: dict[str, float]
) -> pl.DataFrame:
    """Time-average handlers busy per channel (a chat holds 1 / concurrency of a handler,
    a call a whole one)."""
    weight = attempts["channel"].replace_strict(handler_share, default=1.0).to_numpy()
    start = attempts["answered_min"].to_numpy()
    end = attempts["released_min"].to_numpy()
    return busy_per_year(attempts["channel"], start, end, bounds_min, "handlers_busy_mean", weight)
