"""Parity of contact handling (DESIGN.md §1.7): both engines give the same records, bit for bit.

For each case the reference engine (SimPy) and the fast engine (numba) run the same stages on
the same draws — contacts, then the incidents handled contacts create (chained mode), then
dispatch — and must return identical :class:`~fmssim.engine.records.ContactOutcome` and
identical incident :class:`~fmssim.engine.records.Outcome` (NaN equal to NaN). Cases:

- every shipped scenario with contact channels (horizon cut), whole replications;
- random small contact scenarios (hypothesis): channels of every kind, shared pools with
  priorities, chat concurrency (also in pools that answer calls: omni-competent handlers),
  reserved handlers, callbacks, spill into another call channel, wrap-up by outcome, bots,
  patience (none, zero, fixed, random), redials with zero and fixed delays, rosters with
  zero hours, chained grades; as drawn and with arrivals snapped to a grid so that many
  events share an instant;
- the handlers' own workforce (``workforce.handlers``) scaling rosters and handling times,
  expected and stochastic;
- hand-built draws with whole-minute times, so that arrivals, hang-ups, redials, releases
  and roster changes coincide exactly (including zero patience and zero handling).

Parity is exact, so there is no confidence level; every case is deterministic (fixed seeds,
hypothesis with ``derandomize=True``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from fmssim.engine.records import ContactOutcome, Outcome
from fmssim.engine.simulate import ENGINES, simulate
from fmssim.model.compile import compile_scenario
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.draws import Draws, IncidentDraws, chain, draw
from fmssim.model.inputs import Inputs
from fmssim.scenario import Scenario, ScenarioError, load_scenario

SCENARIOS = Path(__file__).parents[2] / "scenarios"
MAX_EVENTS = 30_000
"""Shipped scenarios are cut to about this many contacts and incidents."""
DETERMINISTIC = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MONDAY = dt.date(2019, 1, 7)


@dataclass(frozen=True)
class Stages:
    """What one engine made of one replication's draws."""

    contacts: ContactOutcome
    draws: Draws
    """With the chained incidents."""
    incidents: Outcome


def run_stages(engine: str, inputs: Inputs, draws: Draws) -> Stages:
    """The stages of :func:`fmssim.engine.simulate.simulate`, on given draws."""
    contacts_fn, dispatch_fn = ENGINES[engine]
    assert draws.contacts is not None
    made, contacts = contacts_fn(inputs, draws.contacts)
    chained = chain(inputs, replace(draws, contacts=made), contacts)
    return Stages(contacts, chained, dispatch_fn(inputs, chained))


def assert_same(reference: Stages, result: Stages) -> None:
    """Identical contact records, chained incidents and incident records."""
    assert reference.contacts.same_as(result.contacts), (
        "contacts: " + reference.contacts.first_difference(result.contacts)
    )
    a, b = reference.draws.incidents, result.draws.incidents
    assert len(a) == len(b) and np.array_equal(a.created_min, b.created_min)
    assert reference.incidents.same_as(result.incidents), (
        "incidents: " + reference.incidents.first_difference(result.incidents)
    )


def assert_parity(inputs: Inputs, draws: Draws) -> None:
    assert_same(run_stages("des", inputs, draws), run_stages("fast", inputs, draws))


# --- shipped scenarios --------------------------------------------------------------------


def with_channels() -> list[Path]:
    """Shipped scenario files that have contact channels."""
    found = []
    for path in sorted(SCENARIOS.rglob("*.yaml")):
        try:
            scenario = load_scenario(path, check_support=False).scenario
        except ScenarioError:
            continue
        if scenario.demand.channels:
            found.append(path)
    return found


def cut(path: Path) -> Inputs:
    """``path`` with its horizon cut to about MAX_EVENTS contacts and incidents (warm-up
    dropped if need be: parity does not care which part of the horizon is counted)."""
    loaded = load_scenario(path)
    calendar, demand = loaded.scenario.calendar, loaded.scenario.demand
    streams = [*demand.incidents.values(), *demand.channels.values()]
    per_day = sum(s.annual_volume for s in streams) / 365.0
    if per_day * ((calendar.end - calendar.start).days + calendar.warmup_days) > MAX_EVENTS:
        end = calendar.start + dt.timedelta(days=max(1, int(MAX_EVENTS / per_day)))
        sets = ["calendar.warmup_days=0", f"calendar.end={end.isoformat()}"]
        loaded = load_scenario(path, sets=sets)
    return compile_scenario(loaded.scenario)


def test_there_are_shipped_contact_scenarios() -> None:
    names = {p.name for p in with_channels()}
    assert {"erlang_a.yaml", "contact_mix.yaml"} <= names, names


@pytest.mark.parametrize("path", with_channels(), ids=lambda p: p.relative_to(SCENARIOS).as_posix())
def test_shipped_contact_scenario(path: Path) -> None:
    """Whole replications through :func:`simulate`: identical contacts and incidents."""
    inputs = cut(path)
    for rep in (2, 3):
        reference, result = simulate("des", inputs, rep), simulate("fast", inputs, rep)
        assert reference.contacts is not None and result.contacts is not None
        assert_same(
            Stages(reference.contacts, reference.draws, reference.incidents),
            Stages(result.contacts, result.draws, result.incidents),
        )


def test_handler_workforce_in_both_modes() -> None:
    """Handler rosters and handling times scaled by the handlers' own pipeline (expected
    and stochastic, drawn per replication): identical contacts; the scaling acts."""
    path = SCENARIOS / "validation" / "handler_workforce.yaml"
    for variant in (None, "stochastic"):
        inputs = compile_scenario(load_scenario(path, variant=variant).scenario)
        for rep in (0, 1):
            reference, result = simulate("des", inputs, rep), simulate("fast", inputs, rep)
            assert reference.inputs is not None and reference.inputs.handler_speed
            assert len(reference.inputs.handlers.change_units[0]) > 1  # the roster moves
            assert reference.contacts is not None and result.contacts is not None
            assert_same(
                Stages(reference.contacts, reference.draws, reference.incidents),
                Stages(result.contacts, result.draws, result.incidents),
            )


# --- random small contact scenarios ------------------------------------------------------

CHANNEL_NAMES = ("999", "101", "webchat", "online", "email")
GRADES = ("P1", "P2", "P3")


@st.composite
def seconds(draw: st.DrawFn, zero: bool = True) -> dict[str, Any]:
    """A duration in seconds, often fixed at whole minutes (so events coincide)."""
    kind = draw(st.sampled_from(["fixed", "fixed", "exponential", "lognormal", "empirical"]))
    if kind == "fixed":
        values = [0.0, 60.0, 300.0, 600.0] if zero else [60.0, 300.0, 600.0]
        return {"kind": "fixed", "value": draw(st.sampled_from(values))}
    mean = draw(st.sampled_from([30.0, 120.0, 400.0, 1200.0]))
    if kind == "exponential":
        return {"kind": "exponential", "mean": mean}
    if kind == "lognormal":
        return {"kind": "lognormal", "mean": mean, "cv": draw(st.sampled_from([0.3, 1.0]))}
    low = 0 if zero else 1
    values = draw(st.lists(st.integers(low, 10).map(lambda m: 60.0 * m), min_size=1, max_size=3))
    return {"kind": "empirical", "values": values}


@st.composite
def rosters(draw: st.DrawFn) -> dict[str, Any]:
    """A constant headcount or an hour-of-week roster with many zero hours."""
    if draw(st.booleans()):
        return {"on_duty": draw(st.integers(0, 4))}
    return {
        "hour_of_week": draw(st.lists(st.sampled_from([0, 0, 1, 2, 4]), min_size=168, max_size=168))
    }


@st.composite
def channel(draw: st.DrawFn, kind: str, chained: bool) -> dict[str, Any]:
    """One channel of ``kind``: volume, handling, patience, redials, bot and grade mix."""
    spec: dict[str, Any] = {
        "kind": kind,
        "annual_volume": draw(st.sampled_from([3000.0, 20000.0, 80000.0])),
        "handling_sec": draw(seconds()),
    }
    if kind != "report" and draw(st.integers(0, 3)) > 0:
        spec["patience_sec"] = draw(seconds())
        spec["redial_share"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
        spec["max_redials"] = draw(st.integers(0, 3))
        if draw(st.booleans()):
            spec["redial_delay_sec"] = draw(seconds())
    if kind == "chat":
        spec["bot_share"] = draw(st.sampled_from([0.0, 0.3, 1.0]))
    if chained:
        shares = draw(st.lists(st.sampled_from([0.0, 0.1, 0.3]), min_size=3, max_size=3))
        spec["grade_mix"] = {g: s for g, s in zip(GRADES, shares, strict=True) if s > 0}
    if draw(st.booleans()):
        spec["profile"] = "shape"
    return spec


@st.composite
def pools(draw: st.DrawFn, kinds: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Channels split over one to three pools, each with a random priority order; a pool of
    chats only may hold several at once."""
    where = {name: draw(st.integers(0, 2)) for name in kinds}
    out = {}
    for k in sorted(set(where.values())):
        mine = draw(st.permutations([n for n in kinds if where[n] == k]))
        roster = draw(rosters())
        pool: dict[str, Any] = {"roster": roster, "channels": list(mine)}
        pool["chat_concurrency"] = draw(st.sampled_from([1, 1, 2, 3]))
        low = roster.get("on_duty", min(roster.get("hour_of_week", [0])))
        if draw(st.booleans()):
            pool["reserved"] = draw(st.integers(0, low))
        else:
            pool["reserved_share"] = draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))
        if draw(st.booleans()):
            pool["callback_after_sec"] = draw(st.sampled_from([30.0, 60.0, 300.0]))
        out[f"pool{k}"] = pool
    return out


@st.composite
def spills(
    draw: st.DrawFn, channels: dict[str, dict[str, Any]], pools: dict[str, dict[str, Any]]
) -> None:
    """Some call channels spill into another call channel of their pool (no chains)."""
    for pool in pools.values():
        calls = [n for n in pool["channels"] if channels[n]["kind"] == "call"]
        if len(calls) < 2 or draw(st.integers(0, 3)) == 0:
            continue
        source, target = draw(st.permutations(calls))[:2]
        spill: dict[str, Any] = {"to": target, "share": draw(st.sampled_from([0.5, 1.0]))}
        if draw(st.booleans()):
            spill["delay_sec"] = draw(seconds())
        channels[source]["spill"] = spill


@st.composite
def wrap_ups(draw: st.DrawFn) -> dict[str, Any]:
    """Wrap-up by outcome, some outcomes without."""
    return {k: draw(seconds()) for k in ("resolved", "incident", "crime") if draw(st.booleans())}


@st.composite
def contact_scenarios(draw: st.DrawFn) -> Scenario:
    """A valid small contact scenario: one to three days, a few hundred contacts."""
    names = draw(st.lists(st.sampled_from(CHANNEL_NAMES), min_size=1, max_size=4, unique=True))
    kinds = {n: draw(st.sampled_from(["call", "call", "chat", "report"])) for n in names}
    chained = draw(st.booleans())
    start = MONDAY + dt.timedelta(days=draw(st.integers(0, 6)))
    channels = {n: draw(channel(kinds[n], chained)) for n in names}
    handler_pools = draw(pools(kinds))
    draw(spills(channels, handler_pools))
    for spec in channels.values():
        if draw(st.integers(0, 3)) == 0:
            spec["wrap_up_sec"] = draw(wrap_ups())
    doc: dict[str, Any] = {
        "name": "random contacts",
        "calendar": {
            "start": start.isoformat(),
            "end": (start + dt.timedelta(days=draw(st.integers(1, 3)))).isoformat(),
            "warmup_days": draw(st.sampled_from([0.0, 0.5])),
        },
        "profiles": {
            "shape": {
                "values": draw(
                    st.lists(st.sampled_from([0.0, 0.5, 1.0, 4.0]), min_size=167, max_size=167).map(
                        lambda v: [*v, 1.0]
                    )
                )
            }
        },
        "demand": {"channels": channels},
        "contact": {"chained": chained, "pools": handler_pools},
        "dispatch": {
            "grades": {
                g: {"pool": "response", "on_scene_min": draw(seconds(zero=False))} for g in GRADES
            }
        },
        "pools": {"response": {"roster": draw(rosters())}},
        "experiment": {"seed": draw(st.integers(0, 2**32))},
    }
    return Scenario.model_validate(doc)


def common_attempts(a: Stages, b: Stages) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Indices in ``a`` and in ``b`` of the attempts both runs made (same contact, same
    attempt number), in the same order."""

    def keys(s: Stages) -> NDArray[np.int64]:
        d = s.draws.contacts
        assert d is not None
        return d.owner * 256 + (np.arange(len(d.owner)) - d.first[d.owner])

    _, mine, theirs = np.intersect1d(keys(a), keys(b), assume_unique=True, return_indices=True)
    return mine.astype(np.int64), theirs.astype(np.int64)


def snapped(draws: Draws, step: float) -> Draws:
    """First attempts floored to multiples of ``step`` minutes: many simultaneous arrivals."""
    d = draws.contacts
    assert d is not None
    return replace(draws, contacts=replace(d, created_min=np.floor(d.created_min / step) * step))


@settings(DETERMINISTIC, max_examples=60)
@given(
    scenario=contact_scenarios(),
    rep=st.integers(0, 3),
    step=st.sampled_from([None, 1.0, 10.0, 60.0]),
)
def test_random_contact_scenarios(scenario: Scenario, rep: int, step: float | None) -> None:
    inputs = compile_scenario(scenario)
    draws = draw(inputs, rep)
    assert_parity(inputs, draws if step is None else snapped(draws, step))


# --- every contact policy at once, busy enough that each one acts ---------------------------


def policy_scenario(
    seed: int, reserved: float, step: float | None, rooms: bool = False
) -> Scenario:
    """999, 101 and web chat in one omni-competent pool (two chats a handler), ``reserved``
    handlers (a share of those on duty below 1) for 999, 101 callbacks after two minutes,
    half of 101's quitters dialling 999, wrap-up by outcome. With ``rooms``, the pool is
    three control rooms (half, 30% and 20% of the contacts) sharing their load from the
    second day."""
    fixed = {"kind": "fixed", "value": step * 60.0} if step else None
    minutes = fixed or {"kind": "exponential", "mean": 240.0}
    doc = {
        "name": "contact policies",
        "calendar": {"start": MONDAY.isoformat(), "end": "2019-01-09", "warmup_days": 0},
        "demand": {
            "channels": {
                "999": {
                    "annual_volume": 150_000,
                    "handling_sec": minutes,
                    "patience_sec": fixed or {"kind": "exponential", "mean": 60.0},
                    "redial_share": 0.5,
                    "grade_mix": {"P1": 0.4},
                },
                "101": {
                    "annual_volume": 250_000,
                    "handling_sec": minutes,
                    "patience_sec": {"kind": "fixed", "value": 180.0}
                    if step
                    else {"kind": "exponential", "mean": 100.0},
                    "spill": {"to": "999", "share": 0.5, "delay_sec": fixed or minutes},
                    "grade_mix": {"P1": 0.1, "P3": 0.2},
                    "crime_share": 0.2,
                    "crime_type": "theft",
                    "wrap_up_sec": {"resolved": minutes, "crime": fixed or minutes},
                },
                "webchat": {"kind": "chat", "annual_volume": 30_000, "handling_sec": minutes},
            },
            "crimes": {"theft": {"annual_volume": 0, "department": "cid", "screened_out_share": 1}},
        },
        "contact": {
            "chained": True,
            "pools": {
                "omni": {
                    "roster": {"on_duty": 4},
                    "channels": ["999", "101", "webchat"],
                    "chat_concurrency": 2,
                    **({"reserved": reserved} if reserved >= 1 else {"reserved_share": reserved}),
                    "callback_after_sec": 120.0,
                }
            },
        },
        "dispatch": {
            "grades": {
                g: {"pool": "response", "on_scene_min": {"kind": "fixed", "value": 30}}
                for g in ("P1", "P3")
            }
        },
        "pools": {"response": {"roster": {"on_duty": 3}}},
        "investigations": {"departments": {"cid": {"investigators_fte": 1, "caseload_cap": 1}}},
        "experiment": {"seed": seed},
    }
    if rooms:
        omni = doc["contact"]["pools"].pop("omni")  # type: ignore[index]
        for name, share, on_duty in (("a", 0.5, 2), ("b", 0.3, 1), ("c", 0.2, 1)):
            room = {**omni, "roster": {"on_duty": on_duty}, "demand_share": share}
            if "reserved" in room:
                room["reserved"] = int(min(room["reserved"], on_duty))
            doc["contact"]["pools"][name] = room  # type: ignore[index]
        doc["contact"]["load_sharing_from"] = "2019-01-08"  # type: ignore[index]
    return Scenario.model_validate(doc)


@pytest.mark.parametrize("step", [None, 1.0])
def test_control_rooms_sharing_their_load(step: float | None) -> None:
    """Three control rooms, each alone for a day, then sharing their load: the engines agree
    record for record, and contacts of one room are answered by another's handlers only
    once load sharing has started (seen as answers while the own room is full)."""
    for reserved in (0.0, 1.0, 0.5):
        inputs = compile_scenario(policy_scenario(14, reserved, step, rooms=True))
        assert len(set(inputs.handler_group.tolist())) == 1
        for rep in range(2):
            draws = draw(inputs, rep)
            if step is not None:
                draws = snapped(draws, step)
            fast = run_stages("fast", inputs, draws)
            assert_same(run_stages("des", inputs, draws), fast)
            alone = replace(inputs, load_sharing_min=np.inf)
            on_its_own = run_stages("fast", alone, draws)
            mine, theirs = common_attempts(fast, on_its_own)
            apart = on_its_own.contacts
            ended = np.fmin(apart.answered_min, apart.abandoned_min)[theirs]
            before = ended < inputs.load_sharing_min
            x, y = fast.contacts.answered_min[mine], apart.answered_min[theirs]
            same = (x == y) | (np.isnan(x) & np.isnan(y))
            assert np.all(same[before]), "records before the go-live depend on it"
            assert not np.all(same), "load sharing changed nothing"


@pytest.mark.parametrize("step", [None, 1.0])
@pytest.mark.parametrize("reserved", [0, 2, 0.5])
def test_every_policy_at_once(reserved: float, step: float | None) -> None:
    """Reserves, callbacks, spill, omni-competent chats and wrap-up all act, and the engines
    agree record for record."""
    inputs = compile_scenario(policy_scenario(14, reserved, step))
    for rep in range(2):
        draws = draw(inputs, rep)
        if step is not None:
            draws = snapped(draws, step)
        fast = run_stages("fast", inputs, draws)
        assert_same(run_stages("des", inputs, draws), fast)
        d, out = fast.draws.contacts, fast.contacts
        assert d is not None
        if step is not None:
            continue  # fixed patience past the callback threshold: callbacks only, no spill
        spilled = d.channel_of_attempt != d.channel[d.owner]
        assert np.isfinite(out.callback_min).sum() > 10
        assert (~np.isnan(out.arrived_min[spilled])).sum() > 5


# --- hand-built draws: exact ties -------------------------------------------------------------

TIE_DAYS = 2
TIE_HORIZON_MIN = TIE_DAYS * 1440
TIE_CHANNELS = ("999", "101", "webchat")
"""999 before 101 in pool ``calls``; web chat alone in pool ``chat`` (two chats a handler)."""


def tie_inputs(calls: list[int], chats: list[int]) -> Inputs:
    """Two handler pools with hour-of-week rosters, chained into one response pool."""
    mix = {"grade_mix": {"P1": 0.3, "P2": 0.3}}
    fixed = {"kind": "fixed", "value": 60.0}
    doc = {
        "name": "contact ties",
        "calendar": {
            "start": MONDAY.isoformat(),
            "end": (MONDAY + dt.timedelta(days=TIE_DAYS)).isoformat(),
            "warmup_days": 0,
        },
        "demand": {
            "channels": {
                "999": {"annual_volume": 1.0, "handling_sec": fixed, **mix},
                "101": {"annual_volume": 1.0, "handling_sec": fixed, **mix},
                "webchat": {"kind": "chat", "annual_volume": 1.0, "handling_sec": fixed, **mix},
            }
        },
        "contact": {
            "chained": True,
            "pools": {
                "calls": {"roster": {"hour_of_week": calls}, "channels": ["999", "101"]},
                "chat": {
                    "roster": {"hour_of_week": chats},
                    "channels": ["webchat"],
                    "chat_concurrency": 2,
                },
            },
        },
        "dispatch": {
            "grades": {
                "P1": {"pool": "response", "on_scene_min": fixed},
                "P2": {"pool": "response", "on_scene_min": fixed},
            }
        },
        "pools": {"response": {"roster": {"hour_of_week": calls[::-1]}}},
    }
    return compile_scenario(Scenario.model_validate(doc))


whole = st.sampled_from([0.0, 0.0, 1.0, 5.0, 30.0, 60.0, np.inf])
"""Whole-minute patience, often zero (hangs up before the allocation of its own instant)."""
work = st.sampled_from([0.0, 1.0, 5.0, 30.0, 60.0])
"""Whole-minute handling, sometimes zero (the handler is free again the same instant)."""
gap = st.sampled_from([0.0, 0.0, 1.0, 5.0, 60.0])
"""Whole-minute redial delay, often zero."""
on_the_hour = st.integers(0, TIE_HORIZON_MIN // 60 - 1).map(lambda h: 60.0 * h)
contact_rows = st.tuples(
    st.one_of(on_the_hour, st.integers(0, TIE_HORIZON_MIN - 1).map(float)),
    st.integers(0, 2),
    st.booleans(),
    st.lists(st.tuples(whole, work, gap), min_size=1, max_size=3),
    st.floats(0.0, 1.0, exclude_max=True),
)


def tie_draws(
    rows: list[tuple[float, int, bool, list[tuple[float, float, float]], float]],
) -> Draws:
    """ContactDraws from (created, channel, bot, attempts (patience, handling, delay), u)."""
    rows = sorted(rows, key=lambda r: (r[0], r[1]))
    attempts = [a for r in rows for a in r[3]]
    counts = [len(r[3]) for r in rows]
    delay = np.array([a[2] for a in attempts], dtype=np.float64)
    first = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    delay[first[:-1]] = 0.0
    contacts = ContactDraws(
        created_min=np.array([r[0] for r in rows], dtype=np.float64),
        channel=np.array([r[1] for r in rows], dtype=np.int64),
        bot=np.array([r[2] and r[1] == 2 for r in rows], dtype=bool),
        first=first,
        patience_min=np.array([a[0] for a in attempts], dtype=np.float64),
        handling_min=np.array([a[1] for a in attempts], dtype=np.float64),
        delay_min=delay,
        outcome_u=np.array([r[4] for r in rows], dtype=np.float64),
        crime_u=np.zeros(len(rows)),
    )
    return Draws(0, empty_incidents(), contacts)


def empty_incidents() -> IncidentDraws:
    nothing: NDArray[np.float64] = np.zeros(0)
    return IncidentDraws(nothing, np.zeros(0, np.int64), nothing, nothing, nothing)


@settings(DETERMINISTIC, max_examples=150)
@given(
    calls=st.lists(st.integers(0, 3), min_size=168, max_size=168),
    chats=st.lists(st.integers(0, 2), min_size=168, max_size=168),
    rows=st.lists(contact_rows, max_size=80),
)
def test_exact_ties(calls: list[int], chats: list[int], rows: list[Any]) -> None:
    """Whole-minute arrivals (often on the hour), patience, handling and redial delays."""
    assert_parity(tie_inputs(calls, chats), tie_draws(rows))


@pytest.mark.parametrize("seed", range(5))
def test_exact_ties_busy(seed: int) -> None:
    """Many more contacts than handlers on a 5-minute grid: long queues, mass hang-ups and
    zero-delay redials at the same instants as releases and roster changes."""
    rng = np.random.default_rng(seed)
    inputs = tie_inputs(
        [int(x) for x in rng.integers(0, 4, 168)], [int(x) for x in rng.integers(0, 3, 168)]
    )
    rows = []
    for created in np.sort(rng.integers(0, TIE_HORIZON_MIN // 5, 1500) * 5.0):
        attempts = [
            (
                float(rng.choice([0.0, 5.0, 10.0, 60.0, np.inf])),
                float(rng.choice([0.0, 5.0, 20.0, 60.0])),
                float(rng.choice([0.0, 0.0, 5.0])),
            )
            for _ in range(int(rng.integers(1, 4)))
        ]
        rows.append(
            (
                float(created),
                int(rng.integers(0, 3)),
                bool(rng.random() < 0.2),
                attempts,
                float(rng.random()),
            )
        )
    assert_parity(inputs, tie_draws(rows))
