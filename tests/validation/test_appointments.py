"""P4 appointments: the booking rule, exact by hand and against brute force, and the laws of
attendance at the slot (both engines; scenario scenarios/validation/appointments.yaml).

Booking is drawn before any engine runs (it depends on creation times and delays only), so
the laws are exact, not statistical: no interval is needed.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from fmssim.analytics.tables import incident_table
from fmssim.engine import des, fast
from fmssim.model.appointments import book
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import draw
from fmssim.model.durations import DurationSpec
from fmssim.model.inputs import AppointmentSpec, Inputs
from fmssim.scenario import load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "appointments.yaml"
DAY = 1440.0


def spec(slots: list[float]) -> AppointmentSpec:
    return AppointmentSpec(DurationSpec("fixed", 0.0), np.array(slots))


def test_bookings_by_hand() -> None:
    """Slots at 08:00, 12:00 and 16:00; the origin is a midnight; booked in the order given."""
    earliest = np.array([0.0, 0.0, 9 * 60.0, 17 * 60.0, 7 * 60.0, 12 * 60.0])
    slots = book(earliest, spec([480.0, 720.0, 960.0]), 0.0)
    # first two take 08:00 and 12:00; 09:00 finds 12:00 taken, takes 16:00; 17:00 is past the
    # last slot, so the next day's 08:00; 07:00 finds the whole day taken, so the next day's
    # 12:00; 12:00 the next day's 16:00
    assert slots.tolist() == [480.0, 720.0, 960.0, DAY + 480, DAY + 720, DAY + 960]


def test_origin_inside_a_day() -> None:
    """With the origin at 06:00, minute 0 is 06:00: the 08:00 slot is at minute 120."""
    slots = book(np.array([0.0, 0.0]), spec([480.0]), 360.0)
    assert slots.tolist() == [120.0, DAY + 120.0]


def brute_force(earliest: np.ndarray, slots: list[float], of_day: float) -> list[float]:
    taken: set[float] = set()
    out = []
    for e in earliest:
        day = 0.0
        while True:
            starts = [day * DAY + s - of_day for s in slots]
            free = [t for t in starts if t >= e and t not in taken]
            if free:
                out.append(free[0])
                taken.add(free[0])
                break
            day += 1
    return out


@settings(max_examples=150, deadline=None)
@given(
    earliest=st.lists(st.integers(0, 6 * 1440), min_size=1, max_size=60),
    slots=st.lists(st.integers(0, 1439), min_size=1, max_size=6, unique=True),
    of_day=st.integers(0, 1439),
)
def test_bookings_match_a_brute_force_search(
    earliest: list[int], slots: list[int], of_day: int
) -> None:
    """The union-find booking equals the literal rule: first free slot at or after."""
    e = np.array(earliest, dtype=np.float64)
    ordered = sorted(float(s) for s in slots)
    got = book(e, spec(ordered), float(of_day))
    assert got.tolist() == brute_force(e, ordered, float(of_day))


@cache
def inputs(units: int = 3) -> Inputs:
    s = load_scenario(SCENARIO, sets=[f"pools.desk.roster.on_duty={units}"]).scenario
    return compile_scenario(s)


def table(units: int, engine: str = "des", rep: int = 0) -> pl.DataFrame:
    i = inputs(units)
    d = draw(i, rep)
    run = des.run if engine == "des" else fast.run
    return incident_table(i, d, run(i, d))


def test_booking_rule_holds_on_drawn_incidents() -> None:
    """Each slot is at or after creation + delay, holds one booking, and every slot between
    an incident's earliest time and its own was taken by an incident created before it."""
    i = inputs()
    d = draw(i, 0).incidents
    assert d.booked_min is not None and d.slot_min is not None and d.booking_delay_min is not None
    order = np.argsort(d.booked_min, kind="stable")
    earliest = d.booked_min + d.booking_delay_min
    assert np.all(d.slot_min >= earliest)
    assert len(np.unique(d.slot_min)) == len(d)
    assert (
        d.slot_min[order].tolist() == book(earliest[order], i.grades.appointment[0], 0.0).tolist()
    )


def test_enough_units_attend_every_appointment_exactly_at_its_slot() -> None:
    """With a unit for every slot that can overlap, each appointment inside the horizon is
    attended at its slot, to the bit (departure = slot − journey, rounded down if needed)."""
    t = table(units=40)
    inside = t.filter(pl.col("slot_min") < inputs(40).grid.horizon_min)
    assert inside.height > 2000
    assert (inside["arrived_min"] == inside["slot_min"]).all()
    assert (inside["response_min"] <= inside["target_min"]).all()


def test_more_units_never_attend_later() -> None:
    """One grade, first come first served: with a unit more, every appointment is attended
    at the same time or earlier (same draws: booking does not depend on units)."""
    few, more = table(units=2), table(units=3)
    a, b = few["arrived_min"].to_numpy(), more["arrived_min"].to_numpy()
    reached = ~np.isnan(a)
    assert np.all(~np.isnan(b[reached]))
    assert np.all(b[reached] <= a[reached])
    assert np.any(b[reached] < a[reached])


def test_engines_agree_on_appointments() -> None:
    """Record-for-record parity with appointments (both engines, two replications)."""
    i = inputs()
    for rep in range(2):
        d = draw(i, rep)
        ref, got = des.run(i, d), fast.run(i, d)
        assert got.same_as(ref), got.first_difference(ref)


def test_other_grades_draws_are_untouched_by_appointments() -> None:
    """Turning a grade into appointments adds a stream; it changes no other grade's draws."""
    s = load_scenario(SCENARIO).scenario
    p1 = s.dispatch.grades["P4"].model_copy(update={"appointment": None})
    grades = {"P4": s.dispatch.grades["P4"], "P1": p1}
    incidents = {"P4": s.demand.incidents["P4"], "P1": s.demand.incidents["P4"]}
    both = s.model_copy(
        update={
            "dispatch": s.dispatch.model_copy(update={"grades": grades}),
            "demand": s.demand.model_copy(update={"incidents": incidents}),
        }
    )
    without = dataclasses.replace(
        compile_scenario(both),
        grades=dataclasses.replace(compile_scenario(both).grades, appointment=()),
    )
    with_appointments = compile_scenario(both)
    d1, d2 = draw(without, 0).incidents, draw(with_appointments, 0).incidents
    p1_index = with_appointments.grades.names.index("P1")
    m1, m2 = d1.grade == p1_index, d2.grade == p1_index
    assert np.array_equal(d1.created_min[m1], d2.created_min[m2])
    assert np.array_equal(d1.travel_min[m1], d2.travel_min[m2])
    assert np.array_equal(d1.on_scene_min[m1], d2.on_scene_min[m2])
