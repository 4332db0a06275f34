"""When the simulated period starts and ends, and what counts as warm-up."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from fmssim.scenario.base import IsoDate, Model


class Calendar(Model):
    """The simulated period. Time zero is ``start`` minus the warm-up.

    Planning years run from ``start`` in steps of one calendar year and are labelled by the
    calendar year in which they begin (a plan starting 2020-04-01 has years 2020, 2021, ...).
    """

    start: IsoDate
    """First instant counted in the statistics (midnight at the start of this date)."""
    end: IsoDate
    """First instant no longer simulated (exclusive)."""
    warmup_days: Annotated[float, Field(ge=0.0, le=3650.0)] = 14.0
    """Days simulated before ``start`` so the model is not empty when counting begins;
    nothing that happens during warm-up enters a statistic."""

    @model_validator(mode="after")
    def _ordered(self) -> Calendar:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        if (self.end - self.start).days > 366 * 30:
            raise ValueError("the horizon may not exceed 30 years")
        return self
