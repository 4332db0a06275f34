"""The 2019 baseline reproduces the reference force's stated 2019 figures.

Calibrated inputs (tuned, each listed under ``assumptions:`` in scenarios/baseline_2019.yaml
and in docs/calibration.md): the share of Force Contact staff answering contacts, which sets
the omni-competent handler pool's mean headcount from fc_staff, fc_vacancies and fc_attendance
(999 service level), 999 mean patience (999 abandonment), the pre-dispatch stages (P1 mean;
P2's share dispatched at once and its deferred mean; P3 mean; domestic abuse's own deferral)
for the P1/P2/P3 and DA attendance figures — the response roster itself is derived from the
establishment and its availability, not tuned — each channel's grade mix (grade volumes) and
the PPU departments' effort, caps and partner-agency stages (DA throughput, open DA cases at
the end of 2019 and their age, open child-abuse cases on average: see also
test_investigation_calibration.py); their investigation streams are sized to the stated
weekly throughput. Taken from the document (``sources:``): channel volumes, 999 and 101
mean handling times, the 10-second 999 target, the P1/P2 targets. Everything else is an
assumption, not tuned.

Each figure must be inside its tolerance *with confidence*: the whole 95% interval across
six full-year replications must lie inside the tolerance band (full-year figures from 20
replications are in docs/calibration.md).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from fmssim.engine.simulate import simulate
from fmssim.experiment import run_experiment
from fmssim.experiment.runner import RunResult
from fmssim.model.compile import compile_scenario
from fmssim.model.contact_policy import RESOLVED, contact_outcomes
from fmssim.scenario import load_scenario

BASELINE = Path(__file__).parents[2] / "scenarios" / "baseline_2019.yaml"

# (area, group, kpi): (force figure, tolerance, fact id)
TARGETS = {
    ("contact", "999", "answered_within_target_share"): (0.869, 0.015, "c999_answer_10s_2019"),
    ("contact", "999", "abandoned_after_target_share"): (0.012, 0.005, "c999_abandon_after_10s"),
    ("dispatch", "P1", "attained_share"): (0.59, 0.03, "p1_sla_attainment"),
    ("dispatch", "P1", "response_median_min"): (12 + 55 / 60, 1.0, "p1_median_2019"),
    ("dispatch", "P2", "attained_share"): (0.39, 0.03, "p2_sla_attainment"),
    ("dispatch", "P2", "response_median_min"): (100.0, 10.0, "p2_median"),
    # the statistic behind "2 h 39 min" is not stated; the mean is held here, the median
    # is reported in docs/calibration.md
    ("dispatch", "P3", "response_mean_min"): (159.0, 40.0, "p3_attendance_time"),
    # investigations: throughput within 5%, open cases within 10% (the bands)
    ("investigation", "ppu_domestic_abuse", "finalised_per_week"): (
        1264.0,
        0.05 * 1264.0,
        "da_finalised_per_week",
    ),
    ("investigation", "ppu_domestic_abuse", "open_cases_end"): (
        5300.0,
        0.10 * 5300.0,
        "da_open_investigations",
    ),
    ("investigation", "ppu_child_abuse", "finalised_per_week"): (
        430.0,
        0.05 * 430.0,
        "ca_finalised_per_week",
    ),
    ("investigation", "ppu_child_abuse", "open_cases_mean"): (
        2700.0,
        0.10 * 2700.0,
        "ca_open_investigations",
    ),
}
VOLUMES = {  # annual volumes within 2%
    ("contact", "999"): (754_418, "c999_volume_2019"),
    ("contact", "101"): (929_973, "c101_volume_2019"),
    ("contact", "webchat"): (173_051, "livechat_volume_2019"),
    ("contact", "online"): (33_221, "oir_volume_2019"),
    ("dispatch", "P1"): (196_876, "p1_volume"),
    ("dispatch", "P2"): (101_395, "p2_volume"),
    ("dispatch", "P3"): (35_281, "p3_volume"),
    ("dispatch", "P4"): (72_981, "p4_volume"),
    ("dispatch", "P5"): (10_934, "p5_volume"),
    ("dispatch", "P6"): (39_494, "p6_volume"),
    ("dispatch", "P7"): (12_840, "p7_volume"),
    ("dispatch", "P9"): (354_400, "total_logs_derived"),
}


@cache
def result() -> RunResult:
    loaded = load_scenario(BASELINE, sets=["experiment.replications=6", "experiment.engine=fast"])
    return run_experiment(loaded, workers=2)


def summary() -> pl.DataFrame:
    return result().summary


def row(area: str, group: str, kpi: str) -> dict[str, float]:
    found = summary().filter(pl.col("area") == area, pl.col("group") == group, pl.col("kpi") == kpi)
    return found.row(0, named=True)


@pytest.mark.parametrize("key", list(TARGETS), ids=lambda k: f"{k[1]}-{k[2]}")
def test_service_levels_match_2019(key: tuple[str, str, str]) -> None:
    target, tolerance, fact = TARGETS[key]
    r = row(*key)
    print(
        f"{fact}: {target:.4g} ± {tolerance:.3g}; fmssim {r['mean']:.4g} "
        f"[{r['ci_low']:.4g}, {r['ci_high']:.4g}]"
    )
    assert target - tolerance <= r["ci_low"] and r["ci_high"] <= target + tolerance


def test_domestic_abuse_attendance_averages_over_four_hours() -> None:
    """da_attendance_time: "averaging over 4 hours" (a lower bound; immediate dispatch)."""
    r = row("incident_type", "domestic_abuse", "immediate_attendance_mean_min")
    assert r["ci_low"] >= 240.0, r


def test_the_response_pool_is_busy_but_not_saturated() -> None:
    """Credibility: the calibrated force runs Force Response plausibly busy (60-85% of units
    on jobs over the year), not at the edge of overload, and no pool warns."""
    r = row("pools", "response", "utilisation")
    assert r["ci_low"] >= 0.60 and r["ci_high"] <= 0.85, r
    assert not result().warnings, result().warnings


@pytest.mark.parametrize("key", list(VOLUMES), ids=lambda k: k[1])
def test_annual_volumes_match_2019(key: tuple[str, str]) -> None:
    volume, fact = VOLUMES[key]
    kpi = "contacts" if key[0] == "contact" else "incidents"
    r = row(*key, kpi)
    assert abs(r["mean"] / volume - 1.0) <= 0.02, f"{fact}: {volume} vs {r['mean']:.0f}"


def test_mean_999_handling_time_is_4m04s_plus_wrap_up() -> None:
    """c999_aht_2019: handled 999 calls talk 244 s on average (call duration only), then the
    handler wraps up for 30 s (resolved at first contact) or 90 s (an incident): the mean
    handler time is 244 s + the mean wrap-up of the outcomes handled (99% normal interval)."""
    inputs = compile_scenario(load_scenario(BASELINE).scenario)
    result = simulate("fast", inputs, 0)
    d, out = result.draws.contacts, result.contacts
    assert d is not None and out is not None
    is_999 = d.channel_of_attempt == inputs.channels.names.index("999")
    handled = is_999 & ~np.isnan(out.released_min)
    seconds = (out.released_min - out.answered_min)[handled] * 60.0
    wrap = np.where(contact_outcomes(inputs, d)[d.owner[handled]] == RESOLVED, 30.0, 90.0)
    half = 2.576 * seconds.std(ddof=1) / np.sqrt(len(seconds))
    assert abs(seconds.mean() - 244.0 - wrap.mean()) <= half


def test_over_70_percent_resolved_at_first_contact() -> None:
    """fcr_rate: over 70% of contact is resolved at the first point of contact (the 95%
    interval across replications lies above 0.70)."""
    r = row("contact", "all", "resolved_first_contact_share")
    print(f"fcr_rate: over 0.70; fmssim {r['mean']:.4f} [{r['ci_low']:.4f}, {r['ci_high']:.4f}]")
    assert r["ci_low"] > 0.70
