"""Random numbers for one replication, drawn before any engine runs.

Both engines take the same :class:`Draws`, which is what makes their records identical.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fmssim.model.arrivals import nhpp_arrivals
from fmssim.model.inputs import Inputs
from fmssim.model.streams import StreamKind, generator


@dataclass(frozen=True)
class IncidentDraws:
    """Every incident of a replication, in creation order (its index is its id)."""

    created_min: NDArray[np.float64]
    grade: NDArray[np.int64]
    """Index into ``Inputs.grades``."""
    travel_min: NDArray[np.float64]
    on_scene_min: NDArray[np.float64]
    write_up_min: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.created_min)


@dataclass(frozen=True)
class Draws:
    """All random numbers of one replication."""

    replication: int
    incidents: IncidentDraws


def draw(inputs: Inputs, replication: int) -> Draws:
    """Draw replication ``replication`` of ``inputs`` from its named streams."""
    return Draws(replication, _incidents(inputs, replication))


def _incidents(inputs: Inputs, rep: int) -> IncidentDraws:
    g = inputs.grades
    parts: list[tuple[NDArray[np.float64], ...]] = []
    for i, name in enumerate(g.names):
        rng = generator(inputs.seed, rep, StreamKind.INCIDENT_ARRIVALS, name)
        created = nhpp_arrivals(g.rate_per_hour[i], inputs.grid.horizon_min, rng)
        n = len(created)
        travel = g.travel[i].sample(generator(inputs.seed, rep, StreamKind.TRAVEL, name), n)
        scene = g.on_scene[i].sample(generator(inputs.seed, rep, StreamKind.ON_SCENE, name), n)
        write = g.write_up[i].sample(generator(inputs.seed, rep, StreamKind.WRITE_UP, name), n)
        parts.append((created, np.full(n, i, dtype=np.float64), travel, scene, write))
    stacked = [np.concatenate([p[k] for p in parts]) for k in range(5)]
    order = np.lexsort((stacked[1], stacked[0]))
    return IncidentDraws(
        created_min=stacked[0][order],
        grade=stacked[1][order].astype(np.int64),
        travel_min=stacked[2][order],
        on_scene_min=stacked[3][order],
        write_up_min=stacked[4][order],
    )
