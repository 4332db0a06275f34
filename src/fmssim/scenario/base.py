"""The base every scenario model shares: frozen, unknown keys forbidden, docstrings as docs."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    """A frozen piece of scenario: validated once, at the edge, then never changed."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_attribute_docstrings=True,
        validate_default=True,
    )


Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A fraction between 0 and 1 (write 0.25 for 25%)."""

NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
