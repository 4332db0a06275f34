"""Resource pools: the people who attend incidents, and handle contacts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from fmssim.scenario.base import IsoDate, Model, Share
from fmssim.scenario.roster import Roster

PoolKind = Literal[
    "response", "neighbourhood", "support_unit", "appointment_desk", "investigation_handoff"
]


class TravelScaling(Model):
    """Travel that shortens as more of the pool's units are free (the square-root law)."""

    reference_idle_units: Annotated[float, Field(gt=0.0, le=100_000.0, allow_inf_nan=False)]
    """Idle units at which the grades' ``travel_min`` applies unchanged (e.g. the mean idle
    units of the year the travel times describe)."""
    exponent: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    """Travel ∝ (1 / idle units)^exponent; 0.5 is the square-root law for the distance to
    the nearest of k units scattered over an area."""


class DispatchPool(Model):
    """A pool of deployable units that attend incidents (e.g. Force Response)."""

    kind: PoolKind = "response"
    """What the pool is, which decides how it serves incidents."""
    roster: Roster
    """Officers on duty by hour of week (before the workforce model scales it)."""
    double_crewed_share: Share = 0.0
    """Share of on-duty officers who crew a unit in pairs; the rest crew alone.
    Units on duty = officers × (1 − share/2), rounded to the nearest whole unit."""
    department: str | None = None
    """Workforce department whose effective strength scales this roster month by month."""
    travel_scaling: TravelScaling | None = None
    """Travel times scale with the units free in each hour: drawn travel ×
    (reference idle units / expected idle units)^exponent, where the expected idle units are
    those on duty minus the expected busy (see the model page); none: travel as drawn."""


class HandlerPool(Model):
    """Call handlers or desk staff who answer contacts from the channels they serve."""

    roster: Roster
    """Handlers on duty by hour of week."""
    channels: list[str] = Field(min_length=1)
    """Channels served, highest priority first (e.g. ``["999", "101"]``); each channel is
    served by exactly one pool."""
    chat_concurrency: Annotated[int, Field(ge=1, le=20)] = 1
    """Web chats one handler can hold at once. A pool may serve calls and chats together
    (omni-competent handlers): a chat takes one of a handler's slots, a call all of them."""
    reserved: Annotated[int, Field(ge=0, le=100_000)] = 0
    """Handlers who answer only the pool's first channel (999); the others answer every
    channel. A 999 contact takes a free reserved handler first. At most the roster's smallest
    hourly headcount."""
    demand_share: Share | None = None
    """As one of several control rooms serving the same channels (in the same order): the
    share of those channels' contacts that arrive here. Required when a channel is served
    by more than one pool; the shares of the rooms add up to 1."""
    reserved_share: Share = 0.0
    """Share of the handlers on duty, hour by hour (rounded to whole handlers), who answer only
    the pool's first channel; instead of a fixed ``reserved`` count."""
    callback_after_sec: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] | None = None
    """Callers on the pool's other call channels (not its first) still waiting this long are
    offered a callback: they leave the line (never abandon) and are called back when a
    handler is free, after every caller on the line. Omitted: no callbacks."""
    department: str | None = None
    """Workforce department whose effective strength scales this roster month by month."""


class Contact(Model):
    """Contact handling: handler pools and the channels each serves."""

    pools: dict[str, HandlerPool]
    """Handler pools by name."""
    load_sharing_from: IsoDate | None = None
    """From this date (midnight), control rooms serving the same channels share their load:
    a free handler in any room answers the most urgent, longest-waiting contact of any of
    them (its own room's handlers first). Before it, each room answers only its own
    contacts (e.g. the force's ControlWorks go-live, March 2020). Omitted: never."""
    chained: bool = False
    """When true, handled contacts create incidents (each channel's grade mix), in addition
    to any per-grade streams in ``demand.incidents``."""
