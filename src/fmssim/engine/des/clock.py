"""A SimPy environment that can also schedule at an absolute time, exactly.

``timeout(t_abs - now)`` would fire at ``now + (t_abs - now)``, which can differ from
``t_abs`` by a rounding error; parity with the fast engine needs the exact instant.
"""

from __future__ import annotations

from heapq import heappush

import simpy

DISPATCH = 2
"""Priority of the allocation step: after every other event of the same instant."""
LEND = 3
"""Priority of the lending step (an incident taking units of another pool): after every
pool's own allocation at the same instant."""


class Clock(simpy.Environment):
    """SimPy's environment with :meth:`at`."""

    def at(self, when: float, priority: int = simpy.events.NORMAL) -> simpy.Event:
        """An event that fires at exactly ``when`` (not before ``now``)."""
        event = simpy.Event(self)
        event._ok = True
        event._value = None
        # SimPy's own Environment.schedule, with the absolute time instead of now + delay.
        entry = (max(when, self._now), priority, next(self._eid), event)
        heappush(self._queue, entry)  # type: ignore[misc]
        return event
