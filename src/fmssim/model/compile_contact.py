"""The contact part of the bridge: slots, callbacks, spill and wrap-up per channel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from fmssim.model.durations import DurationSpec, duration_spec
from fmssim.scenario.contact_checks import room_groups
from fmssim.scenario.demand import Channel
from fmssim.scenario.distributions import ZERO, Distribution
from fmssim.scenario.root import Scenario

TO_MIN = 1.0 / 60.0


def contact_policy(s: Scenario, names: tuple[str, ...]) -> dict[str, Any]:
    """The ``ChannelInputs`` fields of issue 14's contact policies, by channel ``names``."""
    pools = s.contact.pools if s.contact is not None else {}
    chans = [s.demand.channels[n] for n in names]
    slots, callback = [], []
    for name, ch in zip(names, chans, strict=True):
        pool = next(p for p in pools.values() if name in p.channels)  # the first room
        slots.append(1 if ch.kind == "chat" else pool.chat_concurrency)
        later_call = ch.kind == "call" and pool.channels.index(name) > 0
        after = pool.callback_after_sec
        callback.append(after * TO_MIN if later_call and after is not None else np.inf)
    return {
        "slots_needed": np.array(slots, dtype=np.int64),
        "callback_min": np.array(callback, dtype=np.float64),
        "spill_to": np.array(
            [-1 if c.spill is None else names.index(c.spill.to) for c in chans], dtype=np.int64
        ),
        "spill_share": np.array([0.0 if c.spill is None else c.spill.share for c in chans]),
        "spill_delay": tuple(
            duration_spec((c.spill.delay_sec if c.spill else None) or ZERO, TO_MIN) for c in chans
        ),
        "wrap_up": tuple(_wrap_up(c) for c in chans),
    }


def _wrap_up(c: Channel) -> tuple[DurationSpec | None, ...]:
    w = c.wrap_up_sec
    parts: list[Distribution | None] = (
        [None] * 3 if w is None else [w.resolved, w.incident, w.crime]
    )
    return tuple(None if d is None else duration_spec(d, TO_MIN) for d in parts)


def control_rooms(s: Scenario, grid_origin: dt.datetime) -> dict[str, Any]:
    """The ``Inputs`` fields of control rooms: each pool's group, demand share, and when
    load sharing starts (minutes from the origin; infinite: never)."""
    contact = s.contact
    if contact is None:
        return {}
    names = list(contact.pools)
    group = np.arange(len(names), dtype=np.int64)
    for leader, members in room_groups(s).items():
        for name in members:
            group[names.index(name)] = names.index(leader)
    share = [p.demand_share if p.demand_share is not None else 1.0 for p in contact.pools.values()]
    start = contact.load_sharing_from
    when = np.inf
    if start is not None:
        midnight = dt.datetime(start.year, start.month, start.day)
        when = (midnight - grid_origin).total_seconds() / 60.0
    return {
        "handler_group": group,
        "handler_demand_share": np.array(share, dtype=np.float64),
        "load_sharing_min": when,
    }
