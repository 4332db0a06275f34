"""Choosing the engine for a scenario: the fast one when it supports every part used."""

from __future__ import annotations

from dataclasses import dataclass

from fmssim.engine import fast
from fmssim.model.inputs import Inputs


class EngineUnavailable(Exception):  # noqa: N818 - reads as a condition, like ScenarioError
    """The requested engine cannot run this scenario exactly."""


@dataclass(frozen=True)
class Choice:
    """The engine that will run, and why (a note for the planner when ``auto`` fell back)."""

    name: str
    note: str = ""


def choose_engine(inputs: Inputs, requested: str) -> Choice:
    """``auto`` picks ``fast`` unless it lacks a part the scenario uses."""
    if requested not in ("auto", "des", "fast"):
        raise EngineUnavailable(f"unknown engine {requested!r}; expected auto, des or fast")
    missing = fast.supports(inputs)
    if requested == "fast" and missing:
        raise EngineUnavailable(f"the fast engine cannot run this scenario: {', '.join(missing)}")
    if requested == "auto":
        if missing:
            return Choice("des", f"using the reference engine: fast lacks {', '.join(missing)}")
        return Choice("fast")
    return Choice(requested)
