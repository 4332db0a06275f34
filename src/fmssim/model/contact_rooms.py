"""Control rooms: handler pools that share channels, each answering a share of their contacts,
and sharing their load from a date. Both engines read these helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from fmssim.model.inputs import Inputs

if TYPE_CHECKING:
    from fmssim.model.contact_draws import ContactDraws


@dataclass(frozen=True)
class HandlerSetup:
    """Handler pools grouped into sets of control rooms (a lone pool is a group of one)."""

    groups: tuple[NDArray[np.int64], ...]
    """Pool indices of each group, ascending."""
    reserved: NDArray[np.int64]
    reserved_share: NDArray[np.float64]
    load_sharing_min: float
    """From then on the rooms of a group share their load; infinite: never."""


def handler_setup(inputs: Inputs) -> HandlerSetup:
    """The groups of ``inputs``' handler pools, and each pool's reserve."""
    k = len(inputs.handlers.names)
    group = inputs.handler_group if len(inputs.handler_group) else np.arange(k)
    leaders = np.unique(group)
    return HandlerSetup(
        groups=tuple(np.flatnonzero(group == g).astype(np.int64) for g in leaders),
        reserved=_or_zeros(inputs.handler_reserved, k).astype(np.int64),
        reserved_share=_or_zeros(inputs.handler_reserved_share, k).astype(np.float64),
        load_sharing_min=inputs.load_sharing_min,
    )


def _or_zeros(values: NDArray[np.generic], k: int) -> NDArray[np.generic]:
    return values if len(values) else np.zeros(k)


def contact_rooms(inputs: Inputs, d: ContactDraws) -> NDArray[np.int64]:
    """The handler pool (control room) each contact queues in."""
    if d.room is not None:
        return d.room
    rooms: NDArray[np.int64] = inputs.channels.pool[d.channel]
    return rooms


def merged_rosters(
    inputs: Inputs, rooms: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Roster changes of ``rooms`` in time order: (time, local room index, slots on duty)."""
    h = inputs.handlers
    times = np.concatenate([h.change_min[r] for r in rooms])
    where = np.concatenate([np.full(len(h.change_min[r]), i) for i, r in enumerate(rooms)])
    units = np.concatenate([h.change_units[r] for r in rooms])
    order = np.argsort(times, kind="stable")
    return times[order], where[order].astype(np.int64), units[order].astype(np.int64)


def room_draws(inputs: Inputs, channel: int, u: NDArray[np.float64]) -> NDArray[np.int64]:
    """The room of each contact of ``channel`` from its uniform draw ``u``: rooms of the
    channel's group in pool order, by their demand shares."""
    leader = int(inputs.channels.pool[channel])
    k = len(inputs.handlers.names)
    group = inputs.handler_group if len(inputs.handler_group) else np.arange(k)
    rooms = np.flatnonzero(group == group[leader])
    if len(rooms) == 1:
        return np.full(len(u), leader, dtype=np.int64)
    cdf = np.cumsum(inputs.handler_demand_share[rooms])
    pick = np.minimum(np.searchsorted(cdf / cdf[-1], u, side="right"), len(rooms) - 1)
    picked: NDArray[np.int64] = rooms[pick].astype(np.int64)
    return picked
