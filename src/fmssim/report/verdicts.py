"""Plain-language verdicts on paired comparisons: only where the interval excludes zero.

A verdict says which way a KPI moved, by how much, with its interval, and — where the KPI
has a clear good direction — whether that is better or worse. Differences whose interval
contains zero get no verdict: the replications cannot tell the variants apart on that KPI.
"""

from __future__ import annotations

import math

import polars as pl

LOWER_IS_BETTER = (
    "abandoned",
    "answer_",
    "wait_",
    "response_",
    "waiting",
    "backlog",
    "open_cases",
)
HIGHER_IS_BETTER = ("attained_share", "answered_within_target_share", "within_")


def better_when_higher(kpi: str) -> bool | None:
    """Whether a higher value of ``kpi`` is better for the public; ``None`` when neutral."""
    if any(kpi.startswith(p) or p in kpi for p in HIGHER_IS_BETTER):
        return True
    if any(kpi.startswith(p) for p in LOWER_IS_BETTER):
        return False
    return None


def amount(kpi: str, value: float) -> str:
    """A difference in the KPI's own unit: shares in percentage points, minutes as minutes."""
    if kpi.endswith("_share"):
        return f"{100.0 * value:.1f} points"
    if kpi.endswith("_min"):
        return f"{value:.1f} min"
    if kpi.endswith("_sec"):
        return f"{value:.1f} s"
    return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"


def verdict(row: dict[str, object]) -> str | None:
    """One line for a comparison row whose paired interval excludes zero, else ``None``."""
    low, high = float(str(row["ci_low"])), float(str(row["ci_high"]))
    if math.isnan(low) or math.isnan(high) or low <= 0.0 <= high:
        return None
    kpi = str(row["kpi"])
    difference = float(str(row["difference"]))
    way = "higher" if difference > 0 else "lower"
    good = better_when_higher(kpi)
    judged = "" if good is None else (" (better)" if (difference > 0) == good else " (worse)")
    return (
        f"{row['year']} {row['area']} {row['group']} {kpi}: {row['variant']} is {way} than "
        f"{row['reference']} by {amount(kpi, abs(difference))}{judged}; 95% interval "
        f"{amount(kpi, low)} to {amount(kpi, high)}"
    )


def verdicts(comparison: pl.DataFrame) -> list[str]:
    """Every verdict of a comparison table, in its row order."""
    lines = (verdict(row) for row in comparison.iter_rows(named=True))
    return [line for line in lines if line is not None]
