"""Resource pools: the people who attend incidents, and handle contacts."""

from __future__ import annotations

from typing import Literal

from fmssim.scenario.base import Model, Share
from fmssim.scenario.roster import Roster

PoolKind = Literal[
    "response", "neighbourhood", "support_unit", "appointment_desk", "investigation_handoff"
]


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


class HandlerPool(Model):
    """Call handlers or desk staff who answer contacts from the channels they serve."""

    roster: Roster
    """Handlers on duty by hour of week."""
    channels: list[str]
    """Channels served, highest priority first (e.g. ``["999", "101", webchat]``)."""
    chat_concurrency: int = 1
    """Web chats one handler can hold at once."""
    department: str | None = None
    """Workforce department whose effective strength scales this roster month by month."""


class Contact(Model):
    """Contact handling: handler pools and the channels each serves."""

    pools: dict[str, HandlerPool]
    """Handler pools by name."""
    chained: bool = False
    """When true, incidents come from handled contacts (each channel's grade mix) instead of
    the per-grade streams in ``demand.incidents``."""
