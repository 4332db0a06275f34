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
            "response_mean_min": "response-time statistics over attended incidents (response = arrived − created = pre-dispatch + wait + travel)",
            "pre_dispatch_mean_min": "mean time from the log's creation to ready for dispatch (`pre_dispatch_min`; 0 for appointments and grades without the stage)",
            "wait_mean_min": "mean time from ready for dispatch to assignment (for appointments: from creation)",
            "lost_unit_share": "share of the grade's incidents whose travelling unit was taken by a P1 at least once (`p1_takes_en_route_unit`; 0 when the option is off)",
            "lent_share": "share of the grade's incidents attended by units lent by another pool (`p1_borrows_from`, `lending`; 0 when no rule lends)",
            "units_busy_mean": "time-average number of units committed to the grade (assignment to unit free, `units_needed` per incident; a P1 that took a travelling unit also holds the travel that unit had done) in the year",
        },
    ),
    "incident_type": Area(
        "incident type",
        {
            "incidents": "incidents of the type created in the planning year (all grades, after routing)",
            "attended_share": "share attended (a unit arrived) by the horizon; incidents routed to a grade nobody attends count as not attended",
            "attendance_mean_min": 'mean arrived − created over attended incidents of the type, appointments included (the force\'s "DA attendance time")',
            "attendance_median_min": "median of the same",
            "immediate_attendance_mean_min": "mean arrived − created over the type's incidents attended by immediate dispatch (appointments left out)",
            "rerouted_share": "share moved to another grade at creation by the type's routing",
        },
    ),
    "pools": Area(
        "dispatch pool",
        {
            "units_on_duty_mean": "time-average units on duty by the roster",
            "units_busy_mean": "time-average units on a job (a unit a P1 took on its way is busy from its first assignment: the travel lost counts)",
            "utilisation": "busy / on duty",
            "overtime_hours": "hours units spent on jobs above the roster (a shift ended while they were busy): ∫ max(busy − on duty, 0) dt",
            "lent_hours": "hours the pool's units spent on other pools' incidents (lending rules and `p1_borrows_from`: e.g. neighbourhood hours taken by response work)",
            "lent_share": "`lent_hours` / the pool's on-duty hours",
            "waiting_at_year_end": "incidents of the pool created before the year's end and not yet given a unit then",
        },
    ),
    "workforce": Area(
        "department",
        {
            "officers_fte": "mean officers (experienced, new and students posted there); group `force` is the force total",
            "experienced_fte": "mean over the year's months of experienced officers",
            "new_fte": "mean officers within `new_officer_months` of finishing their programme",
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
            "open_under_30d_share_end": "of the cases open at the year's end, the share created less than `investigations.target_days` before it (the age profile of the open stock)",
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
