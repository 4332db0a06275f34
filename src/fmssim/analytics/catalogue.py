# ruff: noqa: E501 - a catalogue of sentences, one per line, read as text
"""Every KPI of the summary, by area: its meaning in words.

The summary is a long table ``year, area, group, kpi, mean, ci_low, ci_high``; this catalogue
says what each ``kpi`` of each ``area`` means and what its ``group`` is. The scenario
reference generator writes it to ``docs/reference/kpis.md``, and a test checks that it lists
exactly the KPIs each analytics module produces, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """One area of the summary: what a group is, and each KPI's meaning."""

    group: str
    kpis: dict[str, str]


AREAS: dict[str, Area] = {
    "contact": Area(
        "channel",
        {
            "contacts": "first attempts arriving in the planning year (including bot-closed chats)",
            "offered": "attempts that reached a queue (first attempts not closed by the bot, plus redials)",
            "redials": "redial attempts",
            "bot_closed_share": "share of contacts closed by the bot",
            "answered_within_target_share": "service level: attempts answered within `answer_target_sec` / attempts answered or abandoned (still waiting at the end: a miss if already late, otherwise left out)",
            "abandoned_share": "abandoned attempts / offered",
            "abandoned_after_target_share": 'attempts abandoned after waiting longer than the target / offered (the force\'s "abandoned after 10 s")',
            "answer_mean_sec": "wait of answered attempts",
            "answer_p90_sec": "wait of answered attempts",
            "handlers_busy_mean": "time-average handlers busy with the channel (a chat holds 1/k of a handler, a call a whole one)",
            "spilled_in": "attempts on this channel by callers who gave up on another channel (`spill`), included in offered",
            "spilled_in_answered_within_target_share": "service level of the spilled-in attempts alone",
            "callback_share": "offered attempts that accepted a callback (`callback_after_sec`) / offered",
            "resolved_first_contact_share": 'handled attempts whose contact was resolved at first contact (no attended incident, no crime recorded) / handled attempts; group `all`: every channel together (the force\'s "over 70%", fcr_rate)',
        },
    ),
    "dispatch": Area(
        "grade",
        {
            "incidents": "incidents created in the planning year (after warm-up)",
            "attained_share": "share attended within the target. An incident still unattended at the end counts as a miss if it had already waited longer than the target, and is left out otherwise (its outcome is unknown)",
            "response_median_min": "response-time statistics over attended incidents",
            "response_p90_min": "response-time statistics over attended incidents",
            "response_mean_min": "response-time statistics over attended incidents",
            "wait_mean_min": "mean time from creation to assignment",
            "lost_unit_share": "share of the grade's incidents whose travelling unit was taken by a P1 at least once (`p1_takes_en_route_unit`; 0 when the option is off)",
            "units_busy_mean": "time-average number of units committed to the grade (assignment to unit free, `units_needed` per incident) in the year",
        },
    ),
    "pools": Area(
        "dispatch pool",
        {
            "units_on_duty_mean": "time-average units on duty by the roster",
            "units_busy_mean": "time-average units on a job",
            "utilisation": "busy / on duty",
            "overtime_hours": "hours units spent on jobs above the roster (a shift ended while they were busy): ∫ max(busy − on duty, 0) dt",
            "waiting_at_year_end": "incidents of the pool created before the year's end and not yet given a unit then",
        },
    ),
    "workforce": Area(
        "department",
        {
            "experienced_fte": "mean over the year's months of experienced officers",
            "students": "mean students posted to the department (all phases, waiting included)",
            "tutors_in_use": "mean tutors busy in the department's PDU (its own and hosted students)",
            "students_waiting_for_tutor": "mean students waiting for a slot in the department's PDU",
            "effective_fte": "mean effective strength (formula above)",
            "joiners": "students joining in the year",
            "leavers": "experienced officers and students leaving in the year",
        },
    ),
    "investigation": Area(
        "department",
        {
            "cases_opened": "investigated cases (not screened out) created in the year",
            "screened_out": "crimes filed without investigation, created in the year (`cases_opened + screened_out` = crimes recorded by the department's types)",
            "finalised_per_week": "cases finalised in the year / weeks in the year (backlog cases included)",
            "open_cases_mean": "time-average number of open cases over the year",
            "open_cases_end": "cases open at the year's end",
            "finalised_within_30d_share": "of the cases finalised in the year, the share with finalised − created ≤ `investigations.target_days` (30 by default; backlog cases count their age before the start)",
            "finalise_median_days": "median of finalised − created over the cases finalised in the year",
            "allocation_wait_mean_days": "mean of allocated − entered over the cases allocated in the year",
        },
    ),
    "response_distribution": Area(
        "grade",
        {
            "within_T_min_share": "share of the grade's attended incidents (created in the year) whose response time is at most T minutes, for T in 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720 and 1440; computed by sweeps and comparisons for the report's distribution charts",
        },
    ),
}
"""Areas in the order a reader meets them."""
