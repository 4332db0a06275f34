"""Markdown tables for docs/uplift.md from a comparison run folder.

    fmssim compare scenarios/uplift_2020_2024.yaml --variants no_uplift force_plan \\
        response_heavy neighbourhood_heavy investigation_heavy --reps 4 --out runs/uplift
    python scenarios/tools/uplift_tables.py runs/uplift

Prints the gain over ``no_uplift`` per 100 officers added (paired 95% intervals), the paired
differences between ``response_heavy`` and ``force_plan`` are left to ``compare`` itself;
then the means behind them, with the response pool's utilisation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from fmssim.analytics.workforce import uplift_gains

COLUMNS = (
    ("dispatch", "P1", "attained_share", "P1 ≤ 15 min", 100.0),
    ("dispatch", "P2", "attained_share", "P2 ≤ 60 min", 100.0),
    ("dispatch", "P3", "attained_share", "P3 ≤ 8 h", 100.0),
    ("contact", "999", "answered_within_target_share", "999 ≤ 10 s", 100.0),
    ("investigation", "ppu_domestic_abuse", "open_cases_mean", "DA open cases", 1.0),
    ("investigation", "ppu_child_abuse", "open_cases_mean", "CA open cases", 1.0),
)
MEANS = (*COLUMNS, ("pools", "response", "utilisation", "response busy", 100.0))


def _cell(value: float, low: float, high: float, scale: float) -> str:
    digits = 2 if scale > 1 else 0
    return f"{value * scale:+.{digits}f} [{low * scale:+.{digits}f}, {high * scale:+.{digits}f}]"


def gains_table(comparison: pl.DataFrame) -> str:
    gains = uplift_gains(comparison)
    head = "| variant | year | officers added | " + " | ".join(c[3] for c in COLUMNS) + " |"
    rows = [head, "| --- " * (len(COLUMNS) + 3) + "|"]
    for (variant, year), part in gains.group_by(["variant", "year"], maintain_order=True):
        cells = []
        for area, group, kpi, _, scale in COLUMNS:
            r = part.filter(
                (pl.col("area") == area) & (pl.col("group") == group) & (pl.col("kpi") == kpi)
            )
            if r.height == 0 or r["per_100"][0] is None:
                cells.append("–")
                continue
            row = r.row(0, named=True)
            cells.append(_cell(row["per_100"], row["per_100_low"], row["per_100_high"], scale))
        added = part["officers_added"][0]
        rows.append(f"| {variant} | {year} | {added:+,.0f} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def means_table(summary: pl.DataFrame) -> str:
    head = "| variant | year | " + " | ".join(c[3] for c in MEANS) + " |"
    rows = [head, "| --- " * (len(MEANS) + 2) + "|"]
    keys = summary.select("variant", "year").unique(maintain_order=True).iter_rows()
    for variant, year in keys:
        part = summary.filter((pl.col("variant") == variant) & (pl.col("year") == year))
        cells = []
        for area, group, kpi, _, scale in MEANS:
            r = part.filter(
                (pl.col("area") == area) & (pl.col("group") == group) & (pl.col("kpi") == kpi)
            )
            value = r["mean"][0] if r.height else None
            if value is None:
                cells.append("–")
            elif scale > 1:
                cells.append(f"{value * scale:.1f}%")
            else:
                cells.append(f"{value:,.0f}")
        rows.append(f"| {variant} | {year} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    print(gains_table(pl.read_parquet(folder / "comparison.parquet")))
    print()
    print(means_table(pl.read_parquet(folder / "summary.parquet")))
