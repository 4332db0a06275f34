"""Random numbers of the investigation stage: every case of a replication, drawn up front.

Cases are the initial backlog of each department (created before minute 0, by their age)
and the crimes of each type's stream. Every number a case might need — screening, risk
level, effort and elapsed-time floor — comes from a stream of its own type (or, for the
backlog, its department), so adding a type or a department never shifts the others.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fmssim.model.arrivals import nhpp_arrivals
from fmssim.model.case_inputs import InvestigationInputs
from fmssim.model.inputs import Inputs
from fmssim.model.streams import StreamKind, generator

BACKLOG = "<-backlog"
Part = dict[str, NDArray[Any]]
"""One source's cases (a backlog or a crime type): a column per field."""
"""Suffix of the stream names of a department's initial backlog."""


@dataclass(frozen=True)
class CaseDraws:
    """Every case of a replication in creation order (its index is its id)."""

    created_min: NDArray[np.float64]
    """Creation time; negative for the initial backlog (minus its age at minute 0)."""
    department: NDArray[np.int64]
    ctype: NDArray[np.int64]
    """Crime type index; -1 for the initial backlog."""
    risk: NDArray[np.int64]
    """Rank of the risk level within its type, 0 most urgent; -1 for the backlog (ahead of
    every new case) and 0 for types without levels."""
    effort_min: NDArray[np.float64]
    """Effort the case needs, in minutes of one investigator's sole attention at rate 1."""
    floor_min: NDArray[np.float64]
    """Minimum open time from creation (0 without a floor)."""
    screened: NDArray[np.bool_]
    """Filed without investigation: never allocated."""
    source: NDArray[np.int64]
    """Where the case came from, and the tie-break at equal creation times: department d's
    backlog is d; type k's own stream is D + k; type k created by grade g's incidents or
    channel c's contacts is D + T + g or D + T + G + c (D departments, T types, G grades;
    see :func:`source_kind`)."""

    def __len__(self) -> int:
        return len(self.created_min)

    @property
    def entered_min(self) -> NDArray[np.float64]:
        """When the case reaches its department: creation, or minute 0 for the backlog."""
        result: NDArray[np.float64] = np.maximum(self.created_min, 0.0)
        return result


def draw_cases(inputs: Inputs, rep: int) -> CaseDraws | None:
    """The cases of replication ``rep`` (None when the scenario has no investigations)."""
    inv = inputs.investigations
    if inv is None:
        return None
    parts = [_backlog(inputs, inv, rep, d) for d in range(len(inv.names))]
    for k, name in enumerate(inv.types.names):
        rng = generator(inputs.seed, rep, StreamKind.CASE_ARRIVALS, name)
        created = nhpp_arrivals(inv.types.rate_per_hour[k], inputs.grid.horizon_min, rng)
        parts.append(typed_cases(inputs, rep, k, created, name, len(inv.names) + k))
    return merge_cases(parts)


def source_kind(inputs: Inputs, source: NDArray[np.int64]) -> NDArray[np.str_]:
    """``backlog``, ``stream``, ``incident`` or ``contact`` for each source code."""
    inv = inputs.investigations
    assert inv is not None
    edges = np.cumsum([len(inv.names), len(inv.types.names), len(inputs.grades.names)])
    kinds = np.array(["backlog", "stream", "incident", "contact"])
    result: NDArray[np.str_] = kinds[np.searchsorted(edges, source, side="right")]
    return result


def _backlog(inputs: Inputs, inv: InvestigationInputs, rep: int, d: int) -> Part:
    name, n = inv.names[d], int(inv.backlog_cases[d])
    age = inv.backlog_age[d].sample(generator(inputs.seed, rep, StreamKind.BACKLOG_AGE, name), n)
    effort_rng = generator(inputs.seed, rep, StreamKind.BACKLOG_EFFORT, name)
    return {
        "created_min": -age,
        "source": np.full(n, d),
        "department": np.full(n, d),
        "ctype": np.full(n, -1),
        "risk": np.full(n, -1),
        "effort_min": inv.backlog_effort[d].sample(effort_rng, n),
        "floor_min": _floors(inputs, inv, rep, d, name + BACKLOG, n),
        "screened": np.zeros(n, dtype=np.bool_),
    }


def typed_cases(
    inputs: Inputs, rep: int, k: int, created: NDArray[np.float64], stream: str, source: int
) -> Part:
    """Cases of crime type ``k`` created at ``created``: screening, risk, effort and floor
    drawn from the streams named ``stream`` (the type's name, with a suffix for crimes
    created by incidents or contacts)."""
    inv = inputs.investigations
    assert inv is not None
    t, name, seed = inv.types, stream, inputs.seed
    n, d = len(created), int(t.department[k])
    screened = generator(seed, rep, StreamKind.CASE_SCREENING, name).random(n) < t.screened_share[k]
    risk = np.zeros(n, dtype=np.int64)
    if len(t.risk_cdf[k]):
        u = generator(seed, rep, StreamKind.CASE_RISK, name).random(n)
        risk = np.minimum(np.searchsorted(t.risk_cdf[k], u, side="right"), len(t.risk_cdf[k]) - 1)
    return {
        "created_min": created,
        "source": np.full(n, source),
        "department": np.full(n, d),
        "ctype": np.full(n, k),
        "risk": risk,
        "effort_min": t.effort[k].sample(generator(seed, rep, StreamKind.CASE_EFFORT, name), n),
        "floor_min": _floors(inputs, inv, rep, d, name, n),
        "screened": screened,
    }


def _floors(
    inputs: Inputs, inv: InvestigationInputs, rep: int, d: int, stream: str, n: int
) -> NDArray[np.float64]:
    spec = inv.floor[d]
    if spec is None:
        return np.zeros(n)
    return spec.sample(generator(inputs.seed, rep, StreamKind.CASE_FLOOR, stream), n)


def as_part(draws: CaseDraws) -> Part:
    """``draws`` as one part, to merge with more cases."""
    return {f.name: getattr(draws, f.name) for f in fields(draws)}


def merge_cases(parts: list[Part]) -> CaseDraws:
    """One array per field in creation order; ties by source (backlogs, then the types'
    own streams, then crimes from incidents, then from contacts), then the order within
    each part."""
    keys = ("created_min", "source", "department", "ctype", "risk", "effort_min", "floor_min")
    stacked = {k: np.concatenate([p[k] for p in parts]) if parts else np.zeros(0) for k in keys}
    screened = np.concatenate([p["screened"] for p in parts]) if parts else np.zeros(0, np.bool_)
    order = np.lexsort((stacked["source"], stacked["created_min"]))
    ints = {
        k: stacked[k][order].astype(np.int64) for k in ("department", "ctype", "risk", "source")
    }
    return CaseDraws(
        created_min=stacked["created_min"][order].astype(np.float64),
        effort_min=stacked["effort_min"][order].astype(np.float64),
        floor_min=stacked["floor_min"][order].astype(np.float64),
        screened=screened[order].astype(np.bool_),
        **ints,
    )
