"""Demand: arrival profiles, growth paths, contact channels, incident and crime streams."""

# ruff: noqa: RUF012 - pydantic copies mutable defaults; ruff cannot see that Model is a
# pydantic model through the base class (astral-sh/ruff#5639).
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from fmssim.scenario.base import Model, NonNegative, Share
from fmssim.scenario.distributions import Distribution

HOURS_PER_WEEK = 168
MAX_ANNUAL_VOLUME = 1e8
"""Largest annual volume accepted for one stream (guards against typos)."""

Volume = Annotated[float, Field(ge=0.0, le=MAX_ANNUAL_VOLUME, allow_inf_nan=False)]
Factor = Annotated[float, Field(ge=0.0, le=1e6, allow_inf_nan=False)]


class Profile(Model):
    """An hour-of-week arrival profile: 168 factors, Monday 00:00-01:00 first.

    Factors are relative: fmssim rescales them to mean 1, so counts per hour may be given
    as they are. Give ``values`` inline or a ``file`` (CSV, one factor per line or a column
    named ``factor``) relative to the scenario file; the loader reads the file into ``values``.
    """

    values: list[Factor] | None = Field(
        default=None, min_length=HOURS_PER_WEEK, max_length=HOURS_PER_WEEK
    )
    """The 168 hour-of-week factors (filled from ``file`` when a file is given)."""
    file: str | None = None
    """Where the values came from, relative to the scenario file (kept for provenance)."""
    note: str = ""
    """Where the profile comes from, or why it is a plausible assumption."""

    @model_validator(mode="after")
    def _not_all_zero(self) -> Profile:
        if self.values is None:
            raise ValueError("give the 168 values inline or a file to read them from")
        if sum(self.values) <= 0.0:
            raise ValueError("a profile needs at least one positive factor")
        return self

    def normalised(self) -> list[float]:
        """The factors rescaled to mean 1."""
        values = self.values or [1.0] * HOURS_PER_WEEK
        mean = sum(values) / HOURS_PER_WEEK
        return [v / mean for v in values]


class Growth(Model):
    """How an annual volume changes over the planning years.

    The base-year volume applies to the first planning year. Later years grow by
    ``pct_per_year`` compounded, unless ``volumes`` names the year explicitly (e.g. a force's
    own forecast), which wins for that year.
    """

    pct_per_year: Annotated[float, Field(ge=-99.0, le=1000.0)] = 0.0
    """Compound growth per planning year, in percent (negative for decline)."""
    volumes: dict[int, Volume] = {}
    """Explicit annual volumes by planning year label, e.g. ``{2020: 782943}``."""


class Stream(Model):
    """A Poisson arrival stream: an annual volume shaped by hour of week and month."""

    annual_volume: Volume
    """Arrivals in the first planning year."""
    profile: str | None = None
    """Name of an hour-of-week profile in ``profiles``; flat when omitted."""
    month_factors: list[Factor] | None = Field(default=None, min_length=12, max_length=12)
    """Optional seasonality, January first; rescaled to mean 1."""
    growth: Growth = Growth()
    """How the volume changes in later planning years."""


GradeMix = dict[str, Share]
"""Share of outcomes by grade name, e.g. ``{P1: 0.3, P2: 0.2}``; the rest is resolved."""


class Spill(Model):
    """Callers who give up on this channel and dial another instead (101 spilling into 999)."""

    to: str
    """The channel they dial instead (e.g. ``"999"``); it must be a call channel served by the
    same handler pool (or control rooms) as this one."""
    share: Share
    """Share of the callers who would otherwise give up (abandoned their last attempt) who
    make one attempt on ``to``; the rest give up entirely."""
    delay_sec: Distribution | None = None
    """Delay from hanging up to dialling ``to``, in seconds (immediately when omitted)."""


class WrapUp(Model):
    """Handler time after the call by the contact's outcome, in seconds (omitted: none)."""

    resolved: Distribution | None = None
    """Resolved at first contact (no attended incident)."""
    incident: Distribution | None = None
    """An incident is created for attendance (no crime)."""
    crime: Distribution | None = None
    """A crime is recorded at first contact (with or without an incident)."""


class Channel(Stream):
    """A contact channel (999, 101, web chat, online report) and what its contacts become."""

    kind: Literal["call", "chat", "report"] = "call"
    """``call`` (a caller on the line), ``chat`` (a handler may hold several at once) or
    ``report`` (an online report processed by a desk; nobody waits on the line)."""
    handling_sec: Distribution
    """Time a handler spends on one contact, in seconds (talk plus wrap-up)."""
    patience_sec: Distribution | None = None
    """How long a caller waits before abandoning, in seconds; never abandons when omitted."""
    redial_share: Share = 0.0
    """Share of abandoners who try again."""
    redial_delay_sec: Distribution | None = None
    """Delay from hanging up to redialling, in seconds (immediately when omitted)."""
    max_redials: Annotated[int, Field(ge=0, le=50)] = 10
    """At most this many redials per contact."""
    answer_target_sec: NonNegative = 10.0
    """Answer-time threshold of the channel's service level, in seconds."""
    answer_target_share: Share = 0.9
    """Share of contacts the force aims to answer within the threshold."""
    bot_share: Share = 0.0
    """Share of contacts closed by a bot without reaching a handler (web chat)."""
    bot_share_by_year: dict[int, Share] = {}
    """Bot share from the named planning year on (until the next named year); earlier
    years use ``bot_share``."""
    grade_mix: GradeMix = {}
    """Share of handled contacts that become an incident of each grade."""
    crime_share: Share = 0.0
    """Share of handled contacts that also create a recorded crime, at the instant the handler
    releases the contact."""
    crime_type: str | None = None
    """Crime type created by ``crime_share`` (a key of ``demand.crimes``)."""
    spill: Spill | None = None
    """Callers who give up here and dial another channel instead (one attempt there, with
    that channel's patience and handling time)."""
    wrap_up_sec: WrapUp | None = None
    """Handler time after the talk by outcome, added to ``handling_sec`` (which is then the
    talk time alone)."""

    @model_validator(mode="after")
    def _mix_sums_to_at_most_one(self) -> Channel:
        total = sum(self.grade_mix.values())
        if total > 1.0 + 1e-9:
            raise ValueError(f"grade_mix shares add up to {total:.4f}, more than 1")
        if self.kind == "report" and self.patience_sec is not None:
            raise ValueError("online reports wait in a desk queue: give no patience_sec")
        return self


class CrimeStream(Stream):
    """Recorded crimes of one type arriving on their own stream."""

    department: str
    """Investigation department the type is routed to (a key of ``investigations.departments``)."""
    screened_out_share: Share = 0.0
    """Share filed without investigation."""
    duration_days: Distribution | None = None
    """Investigation effort of one case, in days, when worked alone by one investigator at
    ``availability`` 1 (required unless every case is screened out)."""
    risk_levels: dict[str, Share] = {}
    """Optional share by risk level, most urgent first (e.g. ``{high: 0.1, medium: 0.4,
    standard: 0.5}``); shares add up to 1. Cases waiting for allocation are taken most
    urgent first (by position in this list), then in creation order."""
    risk_effort: dict[str, Annotated[float, Field(gt=0.0, le=1000.0)]] = {}
    """Optional effort multiplier by risk level (levels not named: 1), e.g. ``{high: 2.0}``:
    a high-risk case needs twice the effort drawn from ``duration_days``."""
    stages: dict[str, Share] = {}
    """Share of the type's investigated cases that need each outside stage of its
    department (a key of ``investigations.departments.<department>.stages``), each drawn
    independently."""

    @model_validator(mode="after")
    def _risk_shares_sum_to_one(self) -> CrimeStream:
        total = sum(self.risk_levels.values())
        if self.risk_levels and abs(total - 1.0) > 1e-9:
            raise ValueError(f"risk_levels shares add up to {total:.4f}, not 1")
        return self


class Demand(Model):
    """Everything that arrives: contacts by channel, incidents by grade, crimes by type."""

    channels: dict[str, Channel] = {}
    """Contact channels by name (e.g. ``"999"``, ``"101"``, ``webchat``, ``online``)."""
    incidents: dict[str, Stream] = {}
    """Incidents arriving directly by grade (when not derived from contacts)."""
    crimes: dict[str, CrimeStream] = {}
    """Recorded-crime streams by type."""
    incident_forecast: dict[str, Growth] = {}
    """Incidents created from contacts follow a forecast by grade, independently of the
    channel mix: each planning year, every channel's ``grade_mix`` share of the grade is
    rescaled so the expected incidents of the grade (contacts reaching a handler × mix,
    abandonment ignored) are the base volumes' (each channel's ``annual_volume`` and
    ``bot_share``) grown by this path (``volumes`` are incidents). Channel shift then moves
    contacts between channels, not incidents away. Grades not named keep their mix."""

    @model_validator(mode="after")
    def _forecast_names_grades(self) -> Demand:
        graded = {g for c in self.channels.values() for g in c.grade_mix}
        unknown = sorted(set(self.incident_forecast) - graded)
        if unknown:
            raise ValueError(f"incident_forecast names grades no channel creates: {unknown}")
        return self
