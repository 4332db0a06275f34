"""KPI values for people: shares as percentages, counts as whole numbers, long times in hours
or days, and planning years labelled as the force counts them (2020/21 for April–March)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

SHARE = "_share"
COUNTS = (
    "incidents",
    "contacts",
    "offered",
    "redials",
    "waiting_at_year_end",
    "cases_opened",
    "screened_out",
    "open_cases_end",
    "open_cases_mean",
    "joiners",
    "leavers",
    "students",
    "officers_added",
)
"""KPIs that count things (shown without decimals once they are large)."""
MIN_PER_HOUR, MIN_PER_DAY, SEC_PER_HOUR = 60.0, 1440.0, 3600.0


def is_count(kpi: str) -> bool:
    return kpi in COUNTS


def format_value(kpi: str, value: float | None) -> str:
    """A KPI's value with its unit: ``72.4%``, ``1,234``, ``13.5 min``, ``4.2 h``, ``3.1 days``."""
    if value is None or math.isnan(value):
        return "–"
    if kpi.endswith(SHARE):
        return f"{100.0 * value:.1f}%"
    if is_count(kpi):
        return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"
    if kpi.endswith(("_min", "_sec", "_days", "_hours")):
        return duration(kpi, value)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.2f}"


def duration(kpi: str, value: float, signed: bool = False) -> str:
    """A time in the unit that reads best: seconds, minutes, hours or days."""
    minutes = {"_sec": 1 / 60.0, "_min": 1.0, "_hours": 60.0, "_days": MIN_PER_DAY}
    factor = next(f for s, f in minutes.items() if kpi.endswith(s))
    m = value * factor
    sign = "+" if signed else ""
    if abs(m) >= 2 * MIN_PER_DAY or kpi.endswith("_days"):
        return f"{m / MIN_PER_DAY:{sign},.1f} days"
    if abs(m) >= 120.0 or kpi.endswith("_hours"):
        return f"{m / MIN_PER_HOUR:{sign},.1f} h"
    if kpi.endswith("_sec") and abs(m) < 2.0:
        return f"{m * 60.0:{sign}.1f} s"
    return f"{m:{sign}.1f} min"


def format_difference(kpi: str, value: float | None) -> str:
    """A signed difference in the KPI's unit: percentage points, whole counts, times."""
    if value is None or math.isnan(value):
        return "–"
    if kpi.endswith(SHARE):
        return f"{100.0 * value:+.1f} points"
    if is_count(kpi):
        return f"{value:+,.0f}"
    if kpi.endswith(("_min", "_sec", "_days", "_hours")):
        return duration(kpi, value, signed=True)
    return f"{value:+,.2f}" if abs(value) < 1000 else f"{value:+,.0f}"


def year_labeller(document: Mapping[str, Any]) -> Callable[[int], str]:
    """Planning-year labels: ``2020`` for calendar years, ``2020/21`` for years that start
    on another day (a force's April–March financial year)."""
    start = _start(document)
    if start is None or (start.month, start.day) == (1, 1):
        return str
    return lambda year: f"{year}/{(year + 1) % 100:02d}"


def year_note(document: Mapping[str, Any]) -> str:
    """A sentence saying when planning years run, when they are not calendar years."""
    start = _start(document)
    if start is None or (start.month, start.day) == (1, 1):
        return ""
    first = start.strftime("%-d %B")
    end = (start - dt.timedelta(days=1)).strftime("%-d %B")
    label = year_labeller(document)(start.year)
    return (
        f"Planning years run {first} to {end}: {label} is {first} {start.year} to {end} "
        f"{start.year + 1}."
    )


def _start(document: Mapping[str, Any]) -> dt.date | None:
    calendar = document.get("calendar")
    value = calendar.get("start") if isinstance(calendar, Mapping) else None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
