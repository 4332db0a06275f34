"""Rosters: how many people are on duty in each hour of the week."""

# ruff: noqa: RUF012 - pydantic copies mutable defaults; ruff cannot see that Model is a
# pydantic model through the base class (astral-sh/ruff#5639).
from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from fmssim.scenario.base import IsoTime, Model, Share

HOURS_PER_WEEK = 168
Headcount = Annotated[int, Field(ge=0, le=100_000)]
Weekday = Annotated[int, Field(ge=0, le=6)]


class Shift(Model):
    """One band of a shift pattern: people who start at the same time on the given days."""

    start: IsoTime
    """Start time of day, e.g. ``"07:00"``."""
    hours: Annotated[float, Field(gt=0.0, le=24.0)]
    """Length of the shift."""
    officers: Headcount
    """People who work this band."""
    days: list[Weekday] = [0, 1, 2, 3, 4, 5, 6]
    """Days of the week the band starts on, Monday = 0."""


class Band(Model):
    """One band of a banded shift pattern: a start time and a length (its headcount follows
    from the strength and the demand the pattern follows)."""

    start: IsoTime
    """Start time of day, e.g. ``"07:00"``."""
    hours: Annotated[float, Field(gt=0.0, le=24.0)]
    """Length of the shift."""


class Strength(Model):
    """On duty from the workforce: establishment × (1 − vacancies) × attendance ×
    (1 − restricted) × (1 − abstracted) officers are deployable, each working
    ``hours_per_week`` of the week's 168 hours; they are spread over the bands, on every day
    of the week, so that on duty follows the profile ``follows`` as closely as whole bands
    allow (non-negative least squares over the week, then rounded to whole officers keeping
    the total)."""

    establishment: Annotated[float, Field(ge=0.0, le=100_000.0, allow_inf_nan=False)]
    """Officers (FTE) in the department's establishment."""
    vacancy_share: Share = 0.0
    """Share of the establishment not filled."""
    attendance: Share = 1.0
    """1 − sickness absence."""
    restricted: Share = 0.0
    """Share on adjusted or restricted duties (not deployable here)."""
    abstracted: Share = 0.0
    """Share of working time abstracted: annual leave, training, court, events."""
    hours_per_week: Annotated[float, Field(gt=0.0, le=168.0)] = 40.0
    """Contracted hours an officer works in a week."""
    bands: list[Band] = Field(min_length=1)
    """The banded shift pattern: start times and lengths, worked every day."""
    follows: str | None = None
    """Profile (a key of ``profiles``) the on-duty headcount follows; none: flat."""

    def on_duty_mean(self) -> float:
        """Officers on duty on average over the week."""
        deployable = (
            (1.0 - self.vacancy_share)
            * self.attendance
            * (1.0 - self.restricted)
            * (1.0 - self.abstracted)
        )
        return self.establishment * deployable * self.hours_per_week / HOURS_PER_WEEK


class Roster(Model):
    """On-duty headcount per hour of the week: give exactly one of the four forms."""

    on_duty: Headcount | None = None
    """The same headcount every hour (the textbook case)."""
    hour_of_week: list[Headcount] | None = Field(default=None, min_length=168, max_length=168)
    """Headcount for each of the 168 hours of the week, Monday 00:00-01:00 first."""
    shifts: list[Shift] | None = None
    """Staggered ("banded") shifts; the headcount per hour is their overlap."""
    strength: Strength | None = None
    """On duty derived from the department's establishment and availability, spread over a
    banded shift pattern that follows demand."""

    @model_validator(mode="after")
    def _exactly_one_form(self) -> Roster:
        forms = ("on_duty", "hour_of_week", "shifts", "strength")
        given = [f for f in forms if getattr(self, f) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of on_duty, hour_of_week, shifts or strength"
                + (f" (found {', '.join(given)})" if given else "")
            )
        return self
