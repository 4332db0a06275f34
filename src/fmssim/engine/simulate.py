"""One replication through one engine: contacts first, then the incidents they create.

Both engines run the same stages on the same draws: the contact stage; then, in the chained
mode, the incidents handled contacts create are drawn (:func:`fmssim.model.draws.chain`);
then travel times are scaled by each pool's expected idle units where the scenario asks
(:func:`fmssim.model.travel.scale_travel`); then the dispatch stage; then the crimes that
cleared incidents and handled contacts create are drawn
(:func:`fmssim.model.case_chain.chain_cases`) and merged with the crime streams' cases and
the initial backlogs; then the investigation stage. Parity at each stage makes
the next stage's draws identical too.

The contact stage's arrays are the largest of a replication (one value per contact and per
attempt made: 7 million contacts in the four-year uplift plan), so the stage runs before
anything else is drawn, and a caller that only needs their KPIs passes ``on_contacts`` to
reduce them as soon as the stage ends: they are dropped before the incidents and cases are
drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fmssim.engine import des, fast
from fmssim.engine.des.contact import run_contacts as des_contacts
from fmssim.engine.des.investigation import run_cases as des_cases
from fmssim.engine.fast.contact import run_contacts as fast_contacts
from fmssim.engine.fast.investigation import run_cases as fast_cases
from fmssim.engine.records import CaseOutcome, ContactOutcome, Outcome
from fmssim.model.case_chain import chain_cases, contact_crimes
from fmssim.model.case_draws import CaseDraws
from fmssim.model.contact_draws import ContactDraws, draw_contacts, with_outcomes
from fmssim.model.draws import Draws, chain, chain_incidents, chained_incidents, draw_others
from fmssim.model.inputs import Inputs
from fmssim.model.travel import scale_travel
from fmssim.workforce.coupling import replication_inputs
from fmssim.workforce.pipeline import Monthly

DispatchFn = Callable[[Inputs, Draws], Outcome]
ContactFn = Callable[[Inputs, ContactDraws], tuple[ContactDraws, ContactOutcome]]
"""The contact stage: the attempts made (redials drawn as callers make them) and their
timeline."""
ENGINES: dict[str, tuple[ContactFn, DispatchFn]] = {
    "des": (des_contacts, des.run),
    "fast": (fast_contacts, fast.run),
}
CaseFn = Callable[[Inputs, CaseDraws], CaseOutcome]
ContactsSeen = Callable[[Inputs, ContactDraws, ContactOutcome], None]
"""Called with the contact stage's inputs, attempts made and records as soon as the stage
ends."""
CASES: dict[str, CaseFn] = {"des": des_cases, "fast": fast_cases}


@dataclass(frozen=True)
class Simulated:
    """Everything one replication drew and produced."""

    draws: Draws
    """With the chained incidents and the crimes they create included."""
    contacts: ContactOutcome | None
    incidents: Outcome
    inputs: Inputs | None = None
    """The inputs the replication ran: with a stochastic workforce, its rosters are scaled by
    this replication's pipeline."""
    workforce: Monthly | None = None
    """The replication's officer pipeline (None: no workforce)."""
    cases: CaseOutcome | None = None
    """Investigation cases (None: the scenario has no investigations)."""


def simulate(
    engine: str, inputs: Inputs, replication: int, on_contacts: ContactsSeen | None = None
) -> Simulated:
    """Draw and run replication ``replication`` of ``inputs`` with ``engine``.

    The contact stage runs first, before the incidents and cases are drawn. With
    ``on_contacts``, its draws and records are handed to it and then dropped, before anything
    else is drawn: the result has ``contacts`` and ``draws.contacts`` None (same numbers
    otherwise)."""
    run_contacts, run_dispatch = ENGINES[engine]
    inputs, monthly = replication_inputs(inputs, replication)
    drawn = draw_contacts(inputs, replication, outcomes=False) if inputs.channels.names else None
    contacts, crimes, made = None, None, None
    if drawn is not None:
        drawn, contacts = run_contacts(inputs, drawn)
        drawn = with_outcomes(inputs, replication, drawn)  # not needed by the stage itself
        if on_contacts is not None:  # the contacts' KPIs, incidents and crimes, then dropped
            on_contacts(inputs, drawn, contacts)
            made = chained_incidents(inputs, drawn, contacts) if inputs.chained else None
            crimes = contact_crimes(inputs, replication, drawn, contacts)
            drawn, contacts = None, None
    draws = draw_others(inputs, replication, drawn)
    if contacts is not None:
        draws = chain(inputs, draws, contacts)
    elif made is not None:
        draws = chain_incidents(inputs, draws, made)
    draws = scale_travel(inputs, draws)
    incidents = run_dispatch(inputs, draws)
    draws = chain_cases(inputs, draws, incidents, contacts, crimes)
    cases = None if draws.cases is None else CASES[engine](inputs, draws.cases)
    return Simulated(draws, contacts, incidents, inputs, monthly, cases)
