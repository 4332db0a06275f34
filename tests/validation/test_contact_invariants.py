"""Laws every contact-handling run must obey, checked on the records of both engines.

Deterministic checks (no confidence level: each must hold exactly, on every attempt) on
``scenarios/validation/contact_mix.yaml`` — 999 before 101 in one pool, 101 redials (half
with zero delay) and fixed handling and patience, a chat desk with concurrency 3 and a bot,
a report desk with zero-hour roster slots, chained into dispatch — as drawn, and with
arrivals floored to whole minutes so that arrivals, hang-ups, redials, releases and roster
changes share instants.

- Conservation per channel: attempts arrived = answered + abandoned + still waiting at the
  end, and answered = released + still in service at the end.
- Timelines: answered ≥ arrived; hang-up exactly at arrival + patience, answer strictly
  before it; release exactly at answer + handling.
- Redials: an attempt after the first arrives exactly when its predecessor hung up plus the
  redial delay, and only then.
- Work conservation: whenever an attempt is waiting, every answer slot is busy; an attempt
  that waited found no idle slot when it arrived.
- Capacity: just after an allocation, busy slots never exceed slots on duty.
- Priority: a channel is never answered at an instant when a more urgent attempt of the same
  pool was waiting and stays waiting; first come first served within a channel.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from fmssim.engine.records import ContactOutcome, Outcome
from fmssim.engine.simulate import ENGINES
from fmssim.model.compile import compile_scenario
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.draws import Draws, chain, draw
from fmssim.model.inputs import Inputs
from fmssim.scenario import load_scenario

MIX = Path(__file__).parents[2] / "scenarios" / "validation" / "contact_mix.yaml"
REP = 1
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Run:
    """One replication through one engine, with per-attempt facts for the checks."""

    inputs: Inputs
    d: ContactDraws
    out: ContactOutcome
    draws: Draws
    """With the chained incidents."""
    incidents: Outcome

    @property
    def owner(self) -> NDArray[np.int64]:
        return self.d.owner

    @property
    def index(self) -> NDArray[np.int64]:
        """Attempt number within its contact (0 = first call)."""
        return np.arange(len(self.owner)) - self.d.first[self.owner]

    @property
    def channel(self) -> NDArray[np.int64]:
        return self.d.channel[self.owner]

    @property
    def pool(self) -> NDArray[np.int64]:
        return self.inputs.channels.pool[self.channel]

    @property
    def level(self) -> NDArray[np.int64]:
        return self.inputs.channels.level[self.channel]


def whole_minutes(draws: Draws) -> Draws:
    """First attempts floored to whole minutes: many contacts arrive at the same instant."""
    assert draws.contacts is not None
    created = np.floor(draws.contacts.created_min)
    return replace(draws, contacts=replace(draws.contacts, created_min=created))


def run_engine(engine: str, inputs: Inputs, draws: Draws) -> Run:
    """The stages of :func:`fmssim.engine.simulate.simulate` on given draws."""
    contacts_fn, dispatch_fn = ENGINES[engine]
    assert draws.contacts is not None
    made, out = contacts_fn(inputs, draws.contacts)
    chained = chain(inputs, replace(draws, contacts=made), out)
    return Run(inputs, made, out, chained, dispatch_fn(inputs, chained))


@pytest.fixture(
    scope="module",
    params=[(case, e) for case in ("drawn", "whole-minutes") for e in ("des", "fast")],
    ids="-".join,
)
def run(request: pytest.FixtureRequest) -> Run:
    case, engine = request.param
    inputs = _inputs()
    draws = draw(inputs, REP)
    return run_engine(engine, inputs, draws if case == "drawn" else whole_minutes(draws))


def _inputs() -> Inputs:
    return compile_scenario(load_scenario(MIX).scenario)


def known(x: Floats) -> NDArray[np.bool_]:
    return ~np.isnan(x)


def count_by(times: Floats, t: Floats) -> NDArray[np.int64]:
    """How many of ``times`` (NaN = never) are ≤ each instant in ``t``."""
    done = np.sort(times[known(times)])
    return np.searchsorted(done, t, side="right")


def slots_at(inputs: Inputs, pool: int, t: Floats) -> NDArray[np.int64]:
    """Answer slots on duty at each instant (handlers × chat concurrency)."""
    changes = inputs.handlers.change_min[pool]
    return inputs.handlers.change_units[pool][np.searchsorted(changes, t, side="right") - 1]


def busy_after(out: ContactOutcome, ids: NDArray[np.int64], t: Floats) -> NDArray[np.int64]:
    """Slots busy just after each instant (answered by then and not yet released)."""
    return count_by(out.answered_min[ids], t) - count_by(out.released_min[ids], t)


def waiting_after(out: ContactOutcome, ids: NDArray[np.int64], t: Floats) -> NDArray[np.int64]:
    """Attempts waiting just after each instant (arrived, neither answered nor hung up)."""
    return (
        count_by(out.arrived_min[ids], t)
        - count_by(out.answered_min[ids], t)
        - count_by(out.abandoned_min[ids], t)
    )


def instants(r: Run, ids: NDArray[np.int64], pool: int) -> Floats:
    """Every instant at which the pool's state changes."""
    o = r.out
    times = [o.arrived_min[ids], o.answered_min[ids], o.abandoned_min[ids], o.released_min[ids]]
    every = np.concatenate([*times, r.inputs.handlers.change_min[pool]])
    return np.unique(every[known(every) & (every < r.inputs.grid.horizon_min)])


# --- conservation and timelines ------------------------------------------------------------


def test_every_attempt_accounted_for_per_channel(run: Run) -> None:
    """Arrived = answered + abandoned + waiting; answered = released + in service (exact)."""
    o = run.out
    arrived, answered = known(o.arrived_min), known(o.answered_min)
    abandoned, released = known(o.abandoned_min), known(o.released_min)
    assert not np.any(answered & abandoned)
    assert not np.any((answered | abandoned) & ~arrived)
    assert not np.any(released & ~answered)
    for ch, name in enumerate(run.inputs.channels.names):
        mine = run.channel == ch
        waiting = mine & arrived & ~answered & ~abandoned
        in_service = mine & answered & ~released
        n_arrived = int((mine & arrived).sum())
        assert n_arrived == (mine & answered).sum() + (mine & abandoned).sum() + waiting.sum()
        assert (mine & answered).sum() == (mine & released).sum() + in_service.sum()
        assert n_arrived > 0, f"{name}: no attempts"


def test_first_attempts_arrive_when_created_and_bot_chats_never(run: Run) -> None:
    """Every contact's first call reaches its queue at creation, unless the bot closed it."""
    first = run.d.first[:-1]
    arrived = run.out.arrived_min[first]
    assert np.array_equal(arrived[~run.d.bot], run.d.created_min[~run.d.bot])
    assert np.all(np.isnan(arrived[run.d.bot]))
    assert run.d.bot.any(), "the case has no bot-closed chats"
    bot_attempts = run.d.bot[run.owner]
    assert np.all(np.isnan(run.out.arrived_min[bot_attempts]))


def test_patience_and_handling_timelines(run: Run) -> None:
    """Hang-up exactly at arrival + patience; answer at or after arrival and strictly before
    the hang-up instant (hang-ups are applied before allocation); release exactly at
    answer + handling; whoever is still waiting at the end had patience to spare."""
    o, d, horizon = run.out, run.d, run.inputs.grid.horizon_min
    deadline = o.arrived_min + d.patience_min
    ab, ans = known(o.abandoned_min), known(o.answered_min)
    assert np.array_equal(o.abandoned_min[ab], deadline[ab])
    assert np.all(o.answered_min[ans] >= o.arrived_min[ans])
    assert np.all(o.answered_min[ans] < deadline[ans])
    waiting = known(o.arrived_min) & ~ab & ~ans
    assert np.all(deadline[waiting] >= horizon)
    end = o.answered_min + d.handling_min
    rel = known(o.released_min)
    assert np.array_equal(o.released_min[rel], end[rel])
    assert np.all(end[ans & ~rel] >= horizon)


def test_redial_arrives_only_after_its_predecessor_hung_up(run: Run) -> None:
    """Attempt k > 0 arrives iff attempt k − 1 hung up and hang-up + delay < horizon, and then
    exactly at hang-up + delay (zero delays included)."""
    o, d, horizon = run.out, run.d, run.inputs.grid.horizon_min
    later = np.flatnonzero(run.index > 0)
    due = o.abandoned_min[later - 1] + d.delay_min[later]
    expected = known(o.abandoned_min[later - 1]) & (due < horizon)
    assert np.array_equal(known(o.arrived_min[later]), expected)
    assert np.array_equal(o.arrived_min[later][expected], due[expected])
    redialled = later[expected]
    assert len(redialled) > 0, "the case has no redials"
    assert np.any(d.delay_min[redialled] == 0.0), "the case has no zero-delay redial"


# --- capacity, work conservation and priority ------------------------------------------------


@pytest.mark.parametrize("pool", [0, 1, 2], ids=["control_room", "chat_desk", "report_desk"])
def test_work_conserving_and_within_capacity(run: Run, pool: int) -> None:
    """Whenever an attempt waits just after an instant, every slot is busy; an attempt that
    waited found every slot busy when it arrived; just after an allocation, busy ≤ slots."""
    o, ids = run.out, np.flatnonzero(run.pool == pool)
    t = instants(run, ids, pool)
    waiting = waiting_after(o, ids, t) > 0
    assert np.all(busy_after(o, ids, t[waiting]) >= slots_at(run.inputs, pool, t[waiting]))
    waited = ids[~(o.answered_min[ids] == o.arrived_min[ids]) & known(o.arrived_min[ids])]
    t_arr = o.arrived_min[waited]
    assert np.all(busy_after(o, ids, t_arr) >= slots_at(run.inputs, pool, t_arr))
    t_alloc = np.unique(o.answered_min[ids][known(o.answered_min[ids])])
    assert np.all(busy_after(o, ids, t_alloc) <= slots_at(run.inputs, pool, t_alloc))
    assert waiting.any(), "the case never queues in this pool"


def test_chat_handlers_hold_several_chats(run: Run) -> None:
    """Chat slots = handlers × concurrency: the desk's one handler holds up to 3 chats."""
    o, ids = run.out, np.flatnonzero(run.pool == 1)
    t = np.unique(o.answered_min[ids][known(o.answered_min[ids])])
    slots = int(run.inputs.handlers.change_units[1].max())
    assert run.inputs.handler_concurrency[1] == 3 and slots == 3
    assert int(busy_after(o, ids, t).max()) == slots


def test_more_urgent_channel_answered_first(run: Run) -> None:
    """Never answer a channel while a more urgent attempt of the same pool waits on past the
    allocation (999 before 101 in the control room)."""
    o = run.out
    conflicts = 0
    for pool in np.unique(run.pool):
        for level in np.unique(run.level[run.pool == pool])[1:]:
            mine = np.flatnonzero((run.pool == pool) & (run.level == level))
            urgent = np.flatnonzero((run.pool == pool) & (run.level < level))
            t = o.answered_min[mine][known(o.answered_min[mine])]
            assert np.all(waiting_after(o, urgent, t) == 0)
            conflicts += int((waiting_after(o, mine, o.answered_min[urgent]) > 0).sum())
    assert conflicts > 0, "no 999 was ever answered while a 101 waited"


def test_first_come_first_served_within_channel(run: Run) -> None:
    """Within a channel, an attempt is answered only when every attempt that arrived before
    it (earlier time, or same time and lower index) has been answered or has hung up."""
    o = run.out
    for ch in range(len(run.inputs.channels.names)):
        ids = np.flatnonzero((run.channel == ch) & known(o.arrived_min))
        order = ids[np.lexsort((ids, o.arrived_min[ids]))]
        resolved = np.fmin(o.answered_min[order], o.abandoned_min[order])
        resolved = np.where(np.isnan(resolved), np.inf, resolved)
        before = np.concatenate(([-np.inf], np.maximum.accumulate(resolved)[:-1]))
        answered = known(o.answered_min[order])
        assert np.all(before[answered] <= o.answered_min[order][answered])


# --- the hand-off to dispatch -----------------------------------------------------------------


def test_chained_incidents_start_when_their_contact_is_released(run: Run) -> None:
    """An incident created by a contact is created at the instant its handler finished."""
    incidents = run.draws.incidents
    assert incidents.contact is not None
    from_contact = incidents.contact >= 0
    assert from_contact.any()
    contact = incidents.contact[from_contact]
    released = np.fmax.reduceat(np.nan_to_num(run.out.released_min, nan=-np.inf), run.d.first[:-1])[
        contact
    ]
    assert np.array_equal(incidents.created_min[from_contact], released)
    assert len(run.incidents.assigned_min) == len(incidents)
