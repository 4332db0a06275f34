"""Contact KPIs per planning year and channel, from one replication's attempt records.

An attempt is *offered* when it reaches a handler's queue (bot-closed chats are counted as
contacts but never offered). Service level = attempts answered within the channel's target /
attempts answered or abandoned; an attempt still waiting at the end counts as a miss if it
has already waited longer than the target, and is left out otherwise.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from fmssim.analytics.windows import aggregate, busy_per_year, long_table, with_year

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
)


def contact_kpis(
    attempts: pl.DataFrame,
    bounds_min: NDArray[np.float64],
    labels: tuple[int, ...],
    concurrency: dict[str, int],
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
    per = aggregate(
        counted,
        ["year_index", "channel"],
        contacts=(pl.col("attempt") == 0).sum().cast(pl.Float64),
        offered=queued.sum().cast(pl.Float64),
        redials=(pl.col("attempt") > 0).sum().cast(pl.Float64),
        bot_closed_share=pl.col("bot").filter(pl.col("attempt") == 0).mean(),
        answered_within_target_share=within.sum() / (queued.sum() - unknown.sum()),
        abandoned_share=abandoned.sum() / queued.sum(),
        abandoned_after_target_share=(abandoned & late).sum() / queued.sum(),
        answer_mean_sec=pl.col("wait_sec").filter(answered).mean(),
        answer_p90_sec=pl.col("wait_sec").filter(answered).quantile(0.9, "linear"),
    )
    busy = _handlers_busy(attempts, bounds_min, concurrency)
    table = per.rename({"channel": "group"}).join(
        busy, on=["year_index", "group"], how="full", coalesce=True
    )
    return long_table(table, "contact", KPIS, labels)


def _handlers_busy(
    attempts: pl.DataFrame, bounds_min: NDArray[np.float64], concurrency: dict[str, int]
) -> pl.DataFrame:
    """Time-average handlers busy per channel (a chat holds 1 / concurrency of a handler)."""
    weight = 1.0 / attempts["channel"].replace_strict(concurrency, default=1).to_numpy()
    start = attempts["answered_min"].to_numpy()
    end = attempts["released_min"].to_numpy()
    return busy_per_year(attempts["channel"], start, end, bounds_min, "handlers_busy_mean", weight)
