"""The whole scenario: one force, one planning horizon, its variants and their provenance."""

# ruff: noqa: RUF012 - pydantic copies mutable defaults; ruff cannot see that Model is a
# pydantic model through the base class (astral-sh/ruff#5639).
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from fmssim.scenario.base import Model
from fmssim.scenario.calendar import Calendar
from fmssim.scenario.demand import Demand, Profile
from fmssim.scenario.dispatch import Dispatch
from fmssim.scenario.investigation import Investigations
from fmssim.scenario.resources import Contact, DispatchPool
from fmssim.scenario.workforce import Workforce

Engine = Literal["auto", "des", "fast"]


class Experiment(Model):
    """How many times to run the model, and with which randomness."""

    seed: Annotated[int, Field(ge=0, lt=2**63)] = 1
    """Scenario seed. Every random stream is keyed by (seed, replication, stream), never by
    variant, so variants share their noise (common random numbers)."""
    replications: Annotated[int, Field(ge=1, le=100_000)] = 10
    """Independent replications; intervals are across them."""
    engine: Engine = "auto"
    """``des`` (SimPy reference), ``fast`` (numba) or ``auto`` (fast when it supports the
    scenario, otherwise the reference engine, saying why)."""
    records: bool = False
    """Also write every entity's record (Parquet) to the run folder."""


class Variant(Model):
    """A named override of the base scenario (e.g. an uplift allocation)."""

    description: str = ""
    """What the variant changes, in words for leaders."""
    set: dict[str, Any] = Field(default_factory=dict)
    """Dotted keys and their new values, e.g. ``{"pools.response.roster.on_duty": 60}``.
    Precedence: base file < ``extends`` chain < variant < command-line ``--set``."""


class Scenario(Model):
    """A police force over a planning horizon: demand, resources, policies and experiment."""

    extends: str | None = None
    """Path of a base scenario this file overrides (resolved by the loader, relative to this
    file): mappings merge key by key, lists and values replace."""
    name: str = Field(min_length=1, max_length=200)
    """Short name shown in reports."""
    description: str = ""
    """What the scenario represents."""
    calendar: Calendar
    """Simulated period and warm-up."""
    profiles: dict[str, Profile] = {}
    """Hour-of-week arrival profiles by name."""
    demand: Demand
    """Contacts, incidents and crimes that arrive."""
    contact: Contact | None = None
    """Contact handling (call handlers and desks)."""
    dispatch: Dispatch
    """Incident grades and allocation of units."""
    pools: dict[str, DispatchPool] = {}
    """Dispatch pools (response, neighbourhood, ...) by name."""
    workforce: Workforce | None = None
    """Officer pipeline, uplift and tutoring."""
    investigations: Investigations | None = None
    """Investigation departments."""
    experiment: Experiment = Experiment()
    """Replications, seed and engine."""
    variants: dict[str, Variant] = {}
    """Named overrides of this scenario."""
    sources: dict[str, str] = {}
    """Dotted key → fact id in the reference document (e.g. ``p1_volume``) it comes from."""
    assumptions: dict[str, str] = {}
    """Dotted key → why this value, which no reference gives, is plausible."""
