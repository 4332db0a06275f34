"""Elasticities of the 2019 baseline's response figures, and their shape by hour of day.

Runs the baseline as shipped, with the response establishment at −10%, −5%, +5%, +10%, and
with every contact channel's volume at +5% and +10% (common random numbers: the same seed
and replications throughout), and prints markdown tables for docs/calibration.md:

    python scenarios/tools/elasticities.py [REPLICATIONS] [--workers N]

REPLICATIONS defaults to 4; ``--workers`` (default 2) is the number of processes each case's
replications run on (``--workers 1`` on a shared machine).

Then, from one replication's records, P1/P2/P3 attainment and the response pool's units busy
by hour of the day.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl

from fmssim.analytics.tables import incident_table
from fmssim.engine.simulate import simulate
from fmssim.experiment import run_experiment
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario

BASELINE = Path(__file__).parents[1] / "baseline_2019.yaml"
ESTABLISHMENT = 1240
CHANNELS = {"999": 754418, "101": 929973, "webchat": 173051, "online": 33221}
KPIS = [
    ("dispatch", "P1", "attained_share", "P1 ≤ 15 min", 100),
    ("dispatch", "P1", "response_median_min", "P1 median (min)", 1),
    ("dispatch", "P2", "attained_share", "P2 ≤ 60 min", 100),
    ("dispatch", "P2", "response_median_min", "P2 median (min)", 1),
    ("dispatch", "P3", "attained_share", "P3 ≤ 8 h", 100),
    ("dispatch", "P3", "response_mean_min", "P3 mean (min)", 1),
    ("pools", "response", "utilisation", "response busy", 100),
]


def cases() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"as shipped": []}
    for pct in (-10, -5, 5, 10):
        fte = round(ESTABLISHMENT * (1 + pct / 100))
        out[f"officers {pct:+d}%"] = [f"pools.response.roster.strength.establishment={fte}"]
    for pct in (5, 10):
        out[f"demand {pct:+d}%"] = [
            f"demand.channels.{c}.annual_volume={round(v * (1 + pct / 100))}"
            for c, v in CHANNELS.items()
        ]
    return out


def table(reps: int, workers: int = 2) -> str:
    rows = ["| case | " + " | ".join(k[3] for k in KPIS) + " | warnings |"]
    rows.append("| --- " * (len(KPIS) + 2) + "|")
    for name, sets in cases().items():
        loaded = load_scenario(
            BASELINE, sets=[f"experiment.replications={reps}", "experiment.engine=fast", *sets]
        )
        result = run_experiment(loaded, workers=workers)
        s = result.summary
        cells = []
        for area, group, kpi, _, scale in KPIS:
            r = s.filter(
                (pl.col("area") == area) & (pl.col("group") == group) & (pl.col("kpi") == kpi)
            ).row(0, named=True)
            cells.append(f"{r['mean'] * scale:.1f}")
        rows.append(f"| {name} | " + " | ".join(cells) + f" | {len(result.warnings)} |")
    return "\n".join(rows)


def by_hour() -> str:
    inputs = compile_scenario(load_scenario(BASELINE).scenario)
    result = simulate("fast", inputs, 0)
    t = incident_table(inputs, result.draws, result.incidents)
    t = t.filter(pl.col("created_min") >= 14 * 1440).with_columns(
        hour=((pl.col("created_min") / 60).floor() % 24).cast(pl.Int32),
        hit=pl.col("response_min") <= pl.col("target_min"),
    )
    rows = ["| hour | P1 ≤ 15 min | P2 ≤ 60 min | P3 ≤ 8 h | P1 mean travel (min) |"]
    rows.append("| --- | --- | --- | --- | --- |")
    for h in range(0, 24, 2):
        part = t.filter(pl.col("hour").is_between(h, h + 1))
        cells = []
        for g in ("P1", "P2", "P3"):
            g_rows = part.filter(pl.col("grade") == g)
            cells.append(f"{100 * float(np.nanmean(g_rows['hit'].to_numpy())):.0f}%")
        p1 = part.filter(pl.col("grade") == "P1")
        travel = (p1["arrived_min"] - p1["assigned_min"]).to_numpy()
        cells.append(f"{np.nanmean(travel):.1f}")
        rows.append(f"| {h:02d}–{h + 2:02d} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Elasticities of the 2019 baseline.")
    parser.add_argument("replications", type=int, nargs="?", default=4, help="(default 4)")
    parser.add_argument("--workers", type=int, default=2, metavar="N", help="processes (default 2)")
    args = parser.parse_args()
    print(table(args.replications, args.workers))
    print()
    print(by_hour())
