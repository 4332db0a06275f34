"""Compiled inputs: everything an engine needs, as plain arrays and numbers.

Built once per (scenario, variant) by :func:`fmssim.model.compile.compile_scenario`; the
engines read nothing else (no pydantic, no YAML).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from fmssim.model.case_inputs import InvestigationInputs
from fmssim.model.durations import DurationSpec
from fmssim.model.incident_types import TypeInputs
from fmssim.model.timegrid import TimeGrid
from fmssim.workforce.handlers import HandlerMonthly
from fmssim.workforce.inputs import WorkforceInputs


@dataclass(frozen=True)
class AppointmentSpec:
    """A grade attended by appointment: booking delay and the day's slot times."""

    booking_delay: DurationSpec
    """Delay from creation to the earliest slot the caller can take, in minutes."""
    slot_of_day_min: NDArray[np.float64]
    """Start of each slot of a day, in minutes after midnight (ascending)."""


@dataclass(frozen=True)
class GradeInputs:
    """Per-grade policy and demand, indexed like ``names``."""

    names: tuple[str, ...]
    priority: NDArray[np.int64]
    """Queue priority, smaller first."""
    target_min: NDArray[np.float64]
    """Attendance target; NaN where the grade has none."""
    pool: NDArray[np.int64]
    """Index of the attending pool; -1 for no attendance."""
    rate_per_hour: NDArray[np.float64]
    """Arrival rate of each grade in each hour of the grid, shape (grades, hours)."""
    travel: tuple[DurationSpec, ...]
    on_scene: tuple[DurationSpec, ...]
    write_up: tuple[DurationSpec, ...]
    units_needed: NDArray[np.int64]
    """Units sent to each incident: all are allocated at one instant and freed together."""
    appointment: tuple[AppointmentSpec | None, ...] = ()
    """Per grade: booked into slots (see :mod:`fmssim.model.appointments`), or None; empty:
    no grade is."""
    pre_dispatch: tuple[DurationSpec, ...] = ()
    """Per grade: time from creation to ready for dispatch; empty: none anywhere."""
    types: TypeInputs | None = None
    """Incident types within grades and their routing; None: incidents have no type."""


@dataclass(frozen=True)
class PoolInputs:
    """Dispatch pools, indexed like ``names``: units on duty as step functions of time."""

    names: tuple[str, ...]
    units_per_hour: NDArray[np.int64]
    """Units on duty in each hour of the grid, shape (pools, hours)."""
    change_min: tuple[NDArray[np.float64], ...]
    """Per pool: times at which the units on duty change (the first is 0)."""
    change_units: tuple[NDArray[np.int64], ...]
    """Per pool: units on duty from the matching change time on."""


@dataclass(frozen=True)
class ChannelInputs:
    """Contact channels, indexed like ``names``. Times are in minutes."""

    names: tuple[str, ...]
    pool: NDArray[np.int64]
    """Index of the handler pool that answers the channel."""
    level: NDArray[np.int64]
    """Priority within its pool, 0 most urgent (the pool's channel order)."""
    rate_per_hour: NDArray[np.float64]
    """First attempts per hour in each hour of the grid, shape (channels, hours)."""
    handling: tuple[DurationSpec, ...]
    patience: tuple[DurationSpec | None, ...]
    """None: callers on this channel never hang up."""
    redial_share: NDArray[np.float64]
    redial_delay: tuple[DurationSpec, ...]
    max_redials: NDArray[np.int64]
    bot_share: NDArray[np.float64]
    answer_target_min: NDArray[np.float64]
    grade_cdf: NDArray[np.float64]
    """Cumulative share of handled contacts becoming each grade (in ``GradeInputs`` order),
    shape (channels, grades); the rest is resolved at first contact."""
    crime_share: NDArray[np.float64]
    slots_needed: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Answer slots one contact takes: 1 for a chat, the pool's chat concurrency for a call
    or report (a whole handler); empty: 1 each."""
    callback_min: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    """Wait after which a caller still on the line is offered a callback (its pool's
    ``callback_after_sec``; infinite where none); empty: never."""
    spill_to: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Channel a caller who gives up dials instead; -1 for none; empty: no spill."""
    spill_share: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    spill_delay: tuple[DurationSpec, ...] = ()
    wrap_up: tuple[tuple[DurationSpec | None, ...], ...] = ()
    """Per channel: wrap-up after a contact resolved, one creating an incident, one recording
    a crime (in minutes; None: no wrap-up); empty: none anywhere."""
    grade_cdf_by_year: NDArray[np.float64] | None = None
    """Per planning year, shape (years, channels, grades), when incidents follow a forecast
    by grade (``demand.incident_forecast``); None: ``grade_cdf`` in every year."""
    bot_share_by_year: NDArray[np.float64] | None = None
    """Per channel and planning year, shape (channels, years); None: ``bot_share``."""

    @classmethod
    def none(cls, n_hours: int, n_grades: int) -> ChannelInputs:
        """No contact channels."""
        ints, floats = np.zeros(0, np.int64), np.zeros(0)
        return cls(
            (),
            ints,
            ints,
            np.zeros((0, n_hours)),
            (),
            (),
            floats,
            (),
            ints,
            floats,
            floats,
            np.zeros((0, n_grades)),
            floats,
        )


@dataclass(frozen=True)
class TravelScaling:
    """Pools whose travel follows the square-root law (:mod:`fmssim.model.travel`)."""

    pool: NDArray[np.int64]
    reference_idle: NDArray[np.float64]
    """Idle units at which a pool's drawn travel applies unchanged."""
    exponent: NDArray[np.float64]
    job_hours: NDArray[np.float64]
    """The pool's mean job (travel + on scene + write-up), in hours."""


@dataclass(frozen=True)
class LendingInputs:
    """Lending rules in the order tried, indexed by rule (see ``dispatch.options.lending``)."""

    lender: NDArray[np.int64]
    """Pool whose free units the rule lends."""
    pools: NDArray[np.bool_]
    """Shape (rules, pools): the borrowing pools of each rule."""
    grades: NDArray[np.bool_]
    """Shape (rules, grades): the grades of each rule."""
    tipping_point: NDArray[np.int64]
    """Incidents waiting in the borrowing pool at or above which the rule applies."""

    @classmethod
    def none(cls, n_pools: int, n_grades: int) -> LendingInputs:
        """No rule."""
        return cls(
            np.zeros(0, np.int64),
            np.zeros((0, n_pools), np.bool_),
            np.zeros((0, n_grades), np.bool_),
            np.zeros(0, np.int64),
        )

    def __len__(self) -> int:
        return len(self.lender)


@dataclass(frozen=True)
class Inputs:
    """A compiled scenario."""

    name: str
    seed: int
    grid: TimeGrid
    grades: GradeInputs
    pools: PoolInputs
    channels: ChannelInputs
    handlers: PoolInputs
    """Handler pools; ``units`` are answer slots (handlers × chat concurrency)."""
    handler_concurrency: NDArray[np.int64]
    chained: bool
    """Incidents also come from handled contacts (each channel's grade mix)."""
    p1_takes_en_route: bool = False
    """A waiting P1 takes a unit travelling to a less urgent job (which queues again)."""
    p1_borrows_from: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Pools (indices, in the order listed) a waiting P1 may borrow a unit from when its own
    pool has none free (the first rules of ``lending``); empty: no P1 borrowing."""
    lending: LendingInputs = field(default_factory=lambda: LendingInputs.none(0, 0))
    """Lending rules (``p1_borrows_from`` first, then ``lending``); none: no lending."""
    workforce: WorkforceInputs | None = None
    """The officer pipeline and the pools it scales (``workforce.coupling``); None: no
    workforce, rosters as written."""
    investigations: InvestigationInputs | None = None
    """Investigation departments and crime types; None: no investigations."""
    handler_reserved: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Per handler pool: answer slots reserved for its first channel (reserved handlers ×
    chat concurrency); empty: none."""
    handler_group: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Per handler pool: its group of control rooms (the index of the group's first pool);
    empty: every pool alone."""
    handler_demand_share: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    """Per handler pool: share of its group's contacts it answers (1 for a lone pool)."""
    load_sharing_min: float = np.inf
    """From this time on the control rooms of a group share their load; infinite: never."""
    handler_reserved_share: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    """Per handler pool: share of the handlers on duty reserved for its first channel (used
    instead of ``handler_reserved`` where above 0); empty: none."""
    handler_speed: tuple[tuple[NDArray[np.float64], NDArray[np.float64]], ...] = ()
    """Per handler pool: (change minutes, handling-time factor from then on), the first
    change at 0; from the handlers' proficiency ramp (``workforce.handlers``); empty: 1."""
    handler_staff: HandlerMonthly | None = None
    """The replication's handler pipeline; None: none."""
    travel_scaling: TravelScaling | None = None
    """Pools whose travel shortens as more units are idle; None: travel as drawn."""
