"""Incident types and routing as arrays, and how each incident's type and final grade are drawn.

An incident created in grade ``g`` (by a per-grade stream or a handled contact) draws its type
from the grade's type shares, then may be moved to another grade by its type's routing
(low-risk domestic abuse to P4 appointments, say). Its times are then drawn for the grade it
ended in and its type. Grades no type names keep type -1 and their original streams, so a
scenario without types draws exactly what it drew before types existed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fmssim.model.durations import DurationSpec, duration_spec
from fmssim.scenario.dispatch import Dispatch

NO_TYPE = -1


@dataclass(frozen=True)
class TypeInputs:
    """Incident types, indexed like ``names``; grades in ``GradeInputs`` order."""

    names: tuple[str, ...]
    share_cdf: NDArray[np.float64]
    """Cumulative share of each type within each grade, shape (grades, types); a grade no
    type names has a row of zeros (its incidents have no type)."""
    route_cdf: NDArray[np.float64]
    """Cumulative share moved from grade g to each grade h, shape (types, grades, grades);
    an incident stays in its grade when its draw is at or above the last column."""
    on_scene: tuple[DurationSpec | None, ...]
    """Per type: its own time on scene, or None for the grade's."""
    pre_dispatch: tuple[dict[int, DurationSpec], ...]
    """Per type: its own pre-dispatch time by grade index (grades not in it: the grade's)."""
    crime_share: NDArray[np.float64]
    """Per type: share creating a crime; NaN for the grade's."""
    crime_type: tuple[str | None, ...]
    """Per type: crime type created, or None for the grade's."""

    def typed(self) -> NDArray[np.bool_]:
        """Which grades have typed incidents."""
        result: NDArray[np.bool_] = self.share_cdf[:, -1] > 0
        return result


def type_inputs(d: Dispatch, grade_names: tuple[str, ...]) -> TypeInputs | None:
    """The scenario's incident types as arrays (None: the scenario has none)."""
    if not d.incident_types:
        return None
    names = tuple(d.incident_types)
    kinds = [d.incident_types[n] for n in names]
    share = np.array([[k.grade_share.get(g, 0.0) for k in kinds] for g in grade_names])
    moved = np.zeros((len(names), len(grade_names), len(grade_names)))
    for t, kind in enumerate(kinds):
        for grade, routes in kind.routing.items():
            for route in routes:
                moved[t, grade_names.index(grade), grade_names.index(route.to)] += route.share
    return TypeInputs(
        names=names,
        share_cdf=np.cumsum(share, axis=1).reshape(len(grade_names), len(names)),
        route_cdf=np.cumsum(moved, axis=2),
        on_scene=tuple(
            None if k.on_scene_min is None else duration_spec(k.on_scene_min) for k in kinds
        ),
        pre_dispatch=tuple(
            {grade_names.index(g): duration_spec(d) for g, d in k.pre_dispatch_min.items()}
            for k in kinds
        ),
        crime_share=np.array([np.nan if k.crime_share is None else k.crime_share for k in kinds]),
        crime_type=tuple(k.crime_type for k in kinds),
    )


def draw_types(types: TypeInputs, grade: int, u: NDArray[np.float64]) -> NDArray[np.int64]:
    """Type of each incident created in ``grade`` from its uniform draw ``u``."""
    cdf = types.share_cdf[grade]
    if cdf[-1] <= 0:
        return np.full(len(u), NO_TYPE, np.int64)
    kind: NDArray[np.int64] = np.searchsorted(cdf, u * cdf[-1], side="right").astype(np.int64)
    return np.minimum(kind, len(cdf) - 1)


def draw_routes(
    types: TypeInputs, grade: int, kind: NDArray[np.int64], u: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Final grade of each incident created in ``grade`` with type ``kind``, from ``u``."""
    final = np.full(len(kind), grade, np.int64)
    for t in np.unique(kind[kind >= 0]):
        cdf = types.route_cdf[t, grade]
        if cdf[-1] <= 0:
            continue
        mine = np.flatnonzero(kind == t)
        moved = np.searchsorted(cdf, u[mine], side="right")
        stays = moved >= len(cdf)
        final[mine] = np.where(stays, grade, moved)
    return final
