"""Plain-language verdicts on paired comparisons: only where the interval excludes zero.

A verdict names the figure in words, gives the signed difference (variant − reference) with
its paired 95% interval in the same unit and sign convention, and — where the figure has a
clear good direction — says whether that is better or worse. There is no verdict for a
difference whose interval contains zero (the replications cannot tell the variants apart),
for a censored statistic (an overloaded pool's response times are not results), or for a
figure that restates the input a variant changed (units on duty, officers, demand).
"""

from __future__ import annotations

import math

import polars as pl

from fmssim.report.units import format_difference

LOWER_IS_BETTER = (
    "abandoned",
    "answer_",
    "wait_",
    "response_",
    "waiting",
    "backlog",
    "open_cases",
    "allocation_wait",
    "finalise_median",
)
HIGHER_IS_BETTER = ("attained_share", "answered_within_target_share", "within_")
INPUTS = {
    "units_on_duty_mean",
    "incidents",
    "contacts",
    "cases_opened",
    "screened_out",
}
"""KPIs that restate what a variant sets (staffing on the roster, demand), not outcomes."""
INPUT_AREAS = ("workforce",)
"""Areas whose figures are the staffing a variant sets, not outcomes of it."""
WORDS = {
    "attained_share": "{group} attended within target",
    "answered_within_target_share": "{group} calls answered within target",
    "abandoned_share": "{group} calls abandoned",
    "abandoned_after_target_share": "{group} calls abandoned after the target",
    "response_median_min": "{group} median response",
    "response_p90_min": "{group} 90th-percentile response",
    "response_mean_min": "{group} mean response",
    "wait_mean_min": "{group} mean wait for a unit",
    "answer_mean_sec": "{group} mean wait to answer",
    "answer_p90_sec": "{group} 90th-percentile wait to answer",
    "waiting_at_year_end": "{group} incidents waiting at the year's end",
    "utilisation": "{group} utilisation",
    "open_cases_end": "{group} open cases at the year's end",
    "open_cases_mean": "{group} open cases (mean)",
    "finalised_within_30d_share": "{group} cases finalised within 30 days",
    "finalise_median_days": "{group} median time to finalise",
    "allocation_wait_mean_days": "{group} mean wait for an investigator",
}


def better_when_higher(kpi: str) -> bool | None:
    """Whether a higher value of ``kpi`` is better for the public; ``None`` when neutral."""
    if any(kpi.startswith(p) or p in kpi for p in HIGHER_IS_BETTER):
        return True
    if any(kpi.startswith(p) for p in LOWER_IS_BETTER):
        return False
    return None


def figure(area: str, group: str, kpi: str) -> str:
    """The figure a row is about, in words (``P1 attended within target``)."""
    words = WORDS.get(kpi, "{group} " + kpi.replace("_", " "))
    return words.format(group=group)


def is_outcome(area: str, kpi: str) -> bool:
    """Whether a KPI is a result of a variant rather than a restatement of its input."""
    return area not in INPUT_AREAS and kpi not in INPUTS


def verdict(row: dict[str, object], year_label: str | None = None) -> str | None:
    """One line for a comparison row whose paired interval excludes zero, else ``None``."""
    low, high = float(str(row["ci_low"])), float(str(row["ci_high"]))
    if math.isnan(low) or math.isnan(high) or low <= 0.0 <= high or row.get("censored"):
        return None
    kpi = str(row["kpi"])
    if not is_outcome(str(row["area"]), kpi):
        return None
    difference = float(str(row["difference"]))
    good = better_when_higher(kpi)
    judged = "" if good is None else ("better" if (difference > 0) == good else "worse")
    year = year_label if year_label is not None else str(row["year"])
    return (
        f"{year}, {figure(str(row['area']), str(row['group']), kpi)}: {row['variant']} "
        f"{format_difference(kpi, difference)} against {row['reference']} "
        f"(95% interval {format_difference(kpi, low)} to {format_difference(kpi, high)})"
        + (f" — {judged}" if judged else "")
    )


def verdicts(comparison: pl.DataFrame, label: object = None) -> list[str]:
    """Every verdict of a comparison table, in its row order, without repeats.

    ``label`` turns a year into its label (``2020/21``); default: the year as written.
    """
    lines = []
    for row in comparison.iter_rows(named=True):
        text = verdict(row, None if label is None else str(label(row["year"])))  # type: ignore[operator]
        if text is not None:
            lines.append(text)
    return list(dict.fromkeys(lines))
