"""The contact handlers' own workforce: a monthly staff pipeline beside the officer pipeline.

Handlers are police staff: they do not go through the officer programme, so they have their
own recursion, run after the officer pipeline because some of them join its intake. One
step (a month) for every handler department at once:

1. recruits whose lag has run out join, in training (month 0 of service);
2. the step's state is recorded: handlers on the phones ``N`` (past training) and their
   proficiency-weighted sum ``P`` (a handler in their j-th month on the phones counts
   ``proficiency[j]``, an experienced one 1);
3. leavers leave: each handler with probability ``leave_per_step``, and then the officer
   intake's share: ``to_officers_share`` × the step's officer joiners, taken from every
   tenure in proportion (at most everyone); the rest age a month (the last month of the
   ramp becomes experienced);
4. recruitment: vacancies (the establishment less staff and recruits on their way) are
   recruited for, at most ``recruits_per_month``; they join after ``recruit_lag_months``.

The coupling then scales each handler pool's roster by ``N(m) / N(0)`` and its contacts'
handling times by ``(N(m) / P(m)) / (N(0) / P(0))`` (a contact goes to the average handler
on the phones: with handlers of speeds p_i, the calls they answer take on average
``h × N / Σ p_i``). Both are 1 at the start, so a pipeline in steady state leaves the pools
as written. ``expected`` mode carries fractions; ``stochastic`` whole handlers with binomial
leavers, drawn from the replication's workforce stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from fmssim.scenario.workforce import HandlerStaff
from fmssim.workforce.plan import per_step

Floats = NDArray[np.float64]

HANDLER_COLUMNS = (
    "staff_fte",
    "in_training",
    "on_phones",
    "proficient_fte",
    "new_on_phones",
    "joiners",
    "leavers",
    "to_officers",
    "recruited",
)
"""Per step and handler department: stocks during the step, flows in it."""


@dataclass(frozen=True)
class HandlerPlan:
    """One handler department in plain numbers (steps are months)."""

    name: str
    staff: float
    establishment: float
    new_share: float
    leave_per_step: float
    to_officers_share: float
    training: int
    proficiency: Floats
    """Speed in each month on the phones before full speed."""
    lag: int
    recruits_per_step: float

    @classmethod
    def build(cls, name: str, h: HandlerStaff) -> HandlerPlan:
        return cls(
            name=name,
            staff=h.staff_fte,
            establishment=h.staff_fte if h.establishment_fte is None else h.establishment_fte,
            new_share=h.new_share,
            leave_per_step=per_step(h.leaver_rate_per_year),
            to_officers_share=h.to_officers_share,
            training=h.training_months,
            proficiency=np.array(h.proficiency, dtype=np.float64),
            lag=h.recruit_lag_months,
            recruits_per_step=np.inf if h.recruits_per_month is None else h.recruits_per_month,
        )

    @property
    def months(self) -> int:
        """Tenure classes before experienced: training, then the ramp."""
        return self.training + len(self.proficiency)

    def speed(self) -> Floats:
        """Speed of each tenure class (0 in training) and, last, of experienced handlers."""
        return np.concatenate((np.zeros(self.training), self.proficiency, [1.0]))


@dataclass(frozen=True)
class HandlerMonthly:
    """The handler pipeline's output: one (steps, handler departments) array per column."""

    departments: tuple[str, ...]
    values: dict[str, Floats] = field(default_factory=dict)

    def __getitem__(self, column: str) -> Floats:
        return self.values[column]

    def roster_factors(self) -> Floats:
        """Handlers on the phones relative to the start month (1 where none at the start)."""
        return _relative(self["on_phones"])

    def handling_factors(self) -> Floats:
        """Mean time per contact relative to the start month: (N / P) / (N0 / P0)."""
        n, p = self["on_phones"], self["proficient_fte"]
        slowness = np.where(p > 0, n / np.where(p > 0, p, 1.0), 1.0)
        return _relative(slowness)


def _relative(x: Floats) -> Floats:
    base = np.where(x[0] > 0, x[0], 1.0)
    out: Floats = np.where(x[0] > 0, x / base, 1.0)
    return out


def start_tenure(plan: HandlerPlan) -> tuple[Floats, float]:
    """Handlers by month of service at the start, and the experienced: the new share spread
    evenly over 12 months (those past the ramp are experienced)."""
    tenure = np.zeros(plan.months)
    new = plan.staff * plan.new_share
    for month in range(12):
        if month < plan.months:
            tenure[month] += new / 12.0
    return tenure, plan.staff - float(tenure.sum())


def run_handlers(
    plans: tuple[HandlerPlan, ...],
    officer_joiners: Floats,
    rng: np.random.Generator | None = None,
) -> HandlerMonthly:
    """Every step of every handler department; ``officer_joiners`` per step (force-wide);
    ``rng`` None: expected values, else whole handlers with binomial leavers."""
    n_steps = len(officer_joiners)
    out = {c: np.zeros((n_steps, len(plans))) for c in HANDLER_COLUMNS}
    for d, plan in enumerate(plans):
        _run_one(plan, officer_joiners, rng, {c: v[:, d] for c, v in out.items()})
    return HandlerMonthly(tuple(p.name for p in plans), out)


def _run_one(
    plan: HandlerPlan, joiners: Floats, rng: np.random.Generator | None, out: dict[str, Floats]
) -> None:
    tenure, experienced = start_tenure(plan)
    if rng is not None:
        tenure, experienced = _whole(tenure), float(np.rint(experienced))
    coming = np.zeros(plan.lag + 1)  # recruits joining in 0, 1, ... lag steps
    speed = plan.speed()
    on_phones = np.arange(plan.months + 1) >= plan.training
    for t in range(len(joiners)):
        tenure[0:1] += coming[0] if plan.months > 0 else 0.0
        if plan.months == 0:
            experienced += coming[0]
        out["joiners"][t] = coming[0]
        coming = np.append(coming[1:], 0.0)
        people = np.append(tenure, experienced)
        out["staff_fte"][t] = people.sum()
        out["in_training"][t] = people[~on_phones].sum()
        out["on_phones"][t] = people[on_phones].sum()
        out["new_on_phones"][t] = people[on_phones][:-1].sum()
        out["proficient_fte"][t] = float(people @ speed)
        left = _leavers(people, plan.leave_per_step, rng)
        people = people - left
        taken = _drain(people, _to_officers(plan.to_officers_share, float(joiners[t]), rng), rng)
        people = people - taken
        out["leavers"][t] = left.sum() + taken.sum()
        out["to_officers"][t] = taken.sum()
        experienced = float(people[-1] + (people[-2] if plan.months > 0 else 0.0))
        tenure = np.concatenate(([0.0], people[:-2])) if plan.months > 0 else tenure
        vacancies = plan.establishment - float(people.sum()) - float(coming.sum())
        recruit = min(max(vacancies, 0.0), plan.recruits_per_step)
        if rng is not None:
            recruit = float(np.floor(recruit + 1e-9))
        coming[plan.lag] += recruit
        out["recruited"][t] = recruit


def _whole(x: Floats) -> Floats:
    """Fractions rounded without drift (running totals rounded)."""
    running = np.floor(np.cumsum(x) + 0.5)
    out: Floats = np.diff(np.concatenate(([0.0], running)))
    return out


def _leavers(people: Floats, probability: float, rng: np.random.Generator | None) -> Floats:
    if rng is None or probability == 0.0:
        return people * probability if rng is None else np.zeros(len(people))
    return rng.binomial(np.rint(people).astype(np.int64), probability).astype(np.float64)


def _to_officers(share: float, joiners: float, rng: np.random.Generator | None) -> float:
    """Officer joiners who were handlers: expected share × joiners, or each whole joiner a
    handler with probability ``share``."""
    if rng is None or share == 0.0:
        return share * joiners
    return float(rng.binomial(int(np.rint(joiners)), share))


def _drain(people: Floats, n: float, rng: np.random.Generator | None) -> Floats:
    """``n`` handlers taken from every tenure in proportion (whole: a multivariate
    hypergeometric draw of the rounded number)."""
    total = float(people.sum())
    if n <= 0.0 or total <= 0.0:
        return np.zeros(len(people))
    if rng is None:
        out: Floats = people * (min(n, total) / total)
        return out
    k = min(int(np.rint(n)), int(total))
    return rng.multivariate_hypergeometric(np.rint(people).astype(np.int64), k).astype(np.float64)
