"""Rosters: how many people are on duty in each hour of the week."""

# ruff: noqa: RUF012 - pydantic copies mutable defaults; ruff cannot see that Model is a
# pydantic model through the base class (astral-sh/ruff#5639).
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, model_validator

from fmssim.scenario.base import Model

HOURS_PER_WEEK = 168
Headcount = Annotated[int, Field(ge=0, le=100_000)]
Weekday = Annotated[int, Field(ge=0, le=6)]


class Shift(Model):
    """One band of a shift pattern: people who start at the same time on the given days."""

    start: dt.time
    """Start time of day, e.g. ``"07:00"``."""
    hours: Annotated[float, Field(gt=0.0, le=24.0)]
    """Length of the shift."""
    officers: Headcount
    """People who work this band."""
    days: list[Weekday] = [0, 1, 2, 3, 4, 5, 6]
    """Days of the week the band starts on, Monday = 0."""


class Roster(Model):
    """On-duty headcount per hour of the week: give exactly one of the three forms."""

    on_duty: Headcount | None = None
    """The same headcount every hour (the textbook case)."""
    hour_of_week: list[Headcount] | None = Field(default=None, min_length=168, max_length=168)
    """Headcount for each of the 168 hours of the week, Monday 00:00-01:00 first."""
    shifts: list[Shift] | None = None
    """Staggered ("banded") shifts; the headcount per hour is their overlap."""

    @model_validator(mode="after")
    def _exactly_one_form(self) -> Roster:
        given = [f for f in ("on_duty", "hour_of_week", "shifts") if getattr(self, f) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of on_duty, hour_of_week or shifts"
                + (f" (found {', '.join(given)})" if given else "")
            )
        return self
