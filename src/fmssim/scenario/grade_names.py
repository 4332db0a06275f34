"""Grade names: P1 to P9."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

GRADE_NAME = re.compile(r"^P[1-9]$")


def _grade_name(name: str) -> str:
    if not GRADE_NAME.match(name):
        raise ValueError("grade names are P1 to P9")
    return name


GradeName = Annotated[str, AfterValidator(_grade_name)]
"""P1 to P9; checked per key so an error points at the grade's own line."""
