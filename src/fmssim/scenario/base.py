"""The base every scenario model shares: frozen, unknown keys forbidden, docstrings as docs.

Types are strict: a value must be written as what it is. ``true`` is not 1, ``1.0`` is not
an integer, an integer is not a date (pydantic would read it as a Unix time) nor a time of
day, and infinity or NaN is no number. Dates and times of day are ISO text (``2019-01-01``,
``"07:00"``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class Model(BaseModel):
    """A frozen piece of scenario: validated once, at the edge, then never changed."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_attribute_docstrings=True,
        validate_default=True,
        strict=True,
        allow_inf_nan=False,
    )


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date(value: Any) -> Any:
    """A date, or ISO text of one; anything else (an integer: a Unix time) is refused."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("expected a date written as YYYY-MM-DD")


_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$")


def _iso_time(value: Any) -> Any:
    """A time of day written ``"HH:MM"``; an integer (``7``: seconds? hours?) is refused."""
    if isinstance(value, dt.time):
        return value
    found = _TIME.match(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError('expected a time of day written as "HH:MM", e.g. "07:00"')
    return dt.time(int(found[1]), int(found[2]), int(found[3] or 0))


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A calendar date, written ``2019-01-01``."""
IsoTime = Annotated[dt.time, BeforeValidator(_iso_time)]
"""A time of day, written ``"07:00"``."""


Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A fraction between 0 and 1 (write 0.25 for 25%)."""

NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
YearKey = Annotated[int, Field(strict=False)]
"""A planning year as a mapping key (keys are read as text, ``2020`` → 2020)."""
