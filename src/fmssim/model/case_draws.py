"""Random numbers of the investigation stage: every case of a replication, drawn up front.

Cases are the initial backlog of each department (created before minute 0, by their age)
and the crimes of each type's stream. Every number a case might need — screening, risk
level, effort and elapsed-time floor — comes from a stream of its own type (or, for the
backlog, its department), so adding a type or a department never shifts the others.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fmssim.model.arrivals import nhpp_arrivals
from fmssim.model.case_capacity import major_incident_steps
from fmssim.model.case_inputs import InvestigationInputs
from fmssim.model.inputs import Inputs
from fmssim.model.sorting import lexsort
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
    stages: NDArray[np.int64]
    """Outside stages the case needs: bit ``s`` for its department's stage ``s``."""
    stage_min: NDArray[np.float64]
    """Shape (cases, S), S the most stages of any department: time stage ``s`` takes over
    the case once it starts on it (0 where not needed)."""
    source: NDArray[np.int64]
    """Where the case came from, and the tie-break at equal creation times: department d's
    backlog is d; type k's own stream is D + k; type k created by grade g's incidents or
    channel c's contacts is D + T + g or D + T + G + c (D departments, T types, G grades;
    see :func:`source_kind`)."""

    capacity: tuple[tuple[NDArray[np.float64], NDArray[np.float64]], ...] = ()
    """Per department: (times, share of capacity left after major incidents) from each
    time on (empty: none; see :mod:`fmssim.model.case_capacity`)."""

    def __len__(self) -> int:
        return len(self.created_min)

    @property
    def spell_min(self) -> NDArray[np.float64]:
        """Effort of each spell of work: a case needing ``m`` outside stages is worked in
        ``m + 1`` equal spells, one before each stage and one after the last."""
        spells = np.bitwise_count(self.stages).astype(np.float64) + 1.0
        result: NDArray[np.float64] = self.effort_min / spells
        return result

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
    capacity = tuple(major_incident_steps(inputs, rep, d) for d in range(len(inv.names)))
    return replace(merge_cases(parts), capacity=capacity)


def case_eligibility(inv: InvestigationInputs, draws: CaseDraws) -> NDArray[np.int64]:
    """Per case: the classes of its department that may take it, as bits (every class for
    the backlog and for types the department's ``eligibility`` does not name)."""
    result = np.empty(len(draws), np.int64)
    for d in range(len(inv.names)):
        mine = draws.department == d
        result[mine] = (1 << max(1, len(inv.class_names[d]))) - 1
    for k, masks in enumerate(inv.eligible):
        mine = draws.ctype == k
        result[mine] = masks[np.minimum(draws.risk[mine], len(masks) - 1)]
    return result


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
        **_stages(inputs, rep, d, inv.backlog_stages[d], name + BACKLOG, n),
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
    effort = t.effort[k].sample(generator(seed, rep, StreamKind.CASE_EFFORT, name), n)
    if len(t.risk_effort[k]):
        effort = effort * t.risk_effort[k][risk]
    return {
        "created_min": created,
        "source": np.full(n, source),
        "department": np.full(n, d),
        "ctype": np.full(n, k),
        "risk": risk,
        "effort_min": effort,
        "floor_min": _floors(inputs, inv, rep, d, name, n),
        "screened": screened,
        **_stages(inputs, rep, d, t.stage_share[k], name, n),
    }


def max_stages(inv: InvestigationInputs) -> int:
    """The most outside stages of any department (the width of ``stage_min``)."""
    return max((len(names) for names in inv.stage_names), default=0)


def _stages(
    inputs: Inputs, rep: int, d: int, shares: NDArray[np.float64], stream: str, n: int
) -> Part:
    """Which of department ``d``'s stages each case needs (a uniform per case and stage,
    against ``shares``) and their times."""
    inv = inputs.investigations
    assert inv is not None
    mask = np.zeros(n, np.int64)
    times = np.zeros((n, max_stages(inv)))
    for s, stage in enumerate(inv.stage_names[d]):
        share = shares[s]
        if share <= 0:
            continue
        name = f"{stream}@{stage}"
        need = generator(inputs.seed, rep, StreamKind.CASE_STAGE, name).random(n) < share
        spec = inv.stage_time[d][s]
        took = spec.sample(generator(inputs.seed, rep, StreamKind.CASE_STAGE_TIME, name), n)
        mask |= need.astype(np.int64) << s
        times[:, s] = np.where(need, took, 0.0)
    return {"stages": mask, "stage_min": times}


def _floors(
    inputs: Inputs, inv: InvestigationInputs, rep: int, d: int, stream: str, n: int
) -> NDArray[np.float64]:
    spec = inv.floor[d]
    if spec is None:
        return np.zeros(n)
    return spec.sample(generator(inputs.seed, rep, StreamKind.CASE_FLOOR, stream), n)


def as_part(draws: CaseDraws) -> Part:
    """``draws`` as one part, to merge with more cases."""
    return {f.name: getattr(draws, f.name) for f in fields(draws) if f.name != "capacity"}


def merge_cases(parts: list[Part]) -> CaseDraws:
    """One array per field in creation order; ties by source (backlogs, then the types'
    own streams, then crimes from incidents, then from contacts), then the order within
    each part."""
    keys = ("created_min", "source", "department", "ctype", "risk", "effort_min", "floor_min")
    stacked = {k: np.concatenate([p[k] for p in parts]) if parts else np.zeros(0) for k in keys}
    stages = np.concatenate([p["stages"] for p in parts]) if parts else np.zeros(0, np.int64)
    width = parts[0]["stage_min"].shape[1] if parts else 0
    stage_min = np.concatenate([p["stage_min"] for p in parts]) if parts else np.zeros((0, width))
    screened = np.concatenate([p["screened"] for p in parts]) if parts else np.zeros(0, np.bool_)
    order = lexsort((stacked["source"], stacked["created_min"]))
    ints = [stacked[k][order].astype(np.int64) for k in ("department", "ctype", "risk", "source")]
    return CaseDraws(
        created_min=stacked["created_min"][order].astype(np.float64),
        effort_min=stacked["effort_min"][order].astype(np.float64),
        floor_min=stacked["floor_min"][order].astype(np.float64),
        screened=screened[order].astype(np.bool_),
        stages=stages[order].astype(np.int64),
        stage_min=np.ascontiguousarray(stage_min[order], dtype=np.float64),
        department=ints[0],
        ctype=ints[1],
        risk=ints[2],
        source=ints[3],
    )
