"""The contact kernel on small cases, small enough to run without JIT as well (CI runs this
module with ``NUMBA_DISABLE_JIT=1``): the fast engine's records and attempts made equal the
reference engine's, with redials drawn by key and with every attempt listed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from fmssim.engine.des.contact import run_contacts as reference
from fmssim.engine.fast.contact import run_contacts as fast
from fmssim.model.compile import compile_scenario
from fmssim.model.contact_draws import ContactDraws, draw_contacts
from fmssim.model.inputs import Inputs
from fmssim.scenario import load_scenario

SCENARIOS = Path(__file__).parents[2] / "scenarios" / "validation"
SHORT = ["calendar.start=2019-01-07", "calendar.end=2019-01-08", "calendar.warmup_days=0"]


def _inputs(name: str) -> Inputs:
    return compile_scenario(load_scenario(SCENARIOS / name, sets=SHORT).scenario)


def assert_same(inputs: Inputs, d: ContactDraws) -> ContactDraws:
    """Both engines on ``d``: identical records and attempts made; the attempts made."""
    made, out = fast(inputs, d)
    made_ref, out_ref = reference(inputs, d)
    assert out.same_as(out_ref), out.first_difference(out_ref)
    np.testing.assert_array_equal(made.first, made_ref.first)
    for column in ("patience_min", "handling_min", "delay_min"):
        np.testing.assert_array_equal(getattr(made, column), getattr(made_ref, column))
    return made


@pytest.mark.parametrize("name", ["contact_mix.yaml", "contact_policies.yaml"])
def test_kernel_draws_redials_by_key_as_the_reference_does(name: str) -> None:
    inputs = _inputs(name)
    d = draw_contacts(inputs, 0)
    assert d.redials is not None and len(d) > 20
    made = assert_same(inputs, d)
    assert len(made.patience_min) > len(d), "no attempt after a first call: nothing tested"


def test_kernel_on_listed_attempts_with_ties() -> None:
    """Every attempt listed, on whole minutes: arrivals, zero patience, zero handling and
    zero-delay redials at the same instants."""
    inputs = _inputs("contact_mix.yaml")
    rng = np.random.default_rng(7)
    n = 60
    counts = rng.integers(1, 4, n)
    first = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    m = int(first[-1])
    delay = rng.choice([0.0, 0.0, 5.0], m)
    delay[first[:-1]] = 0.0
    d = ContactDraws(
        created_min=np.sort(rng.integers(0, 24 * 12, n) * 5.0),
        channel=rng.integers(0, 2, n).astype(np.int64),
        bot=np.zeros(n, bool),
        first=first,
        patience_min=rng.choice([0.0, 5.0, 10.0, np.inf], m),
        handling_min=rng.choice([0.0, 5.0, 20.0, 60.0], m),
        delay_min=delay,
        outcome_u=rng.random(n),
        crime_u=np.ones(n),
    )
    made = assert_same(inputs, d)
    owner = np.repeat(np.arange(n), np.diff(made.first))
    k = np.arange(len(owner)) - made.first[owner]
    np.testing.assert_array_equal(made.patience_min, d.patience_min[d.first[owner] + k])
    assert np.all(np.diff(made.first) <= counts)


def test_attempts_made_are_the_keyed_ones_when_listed() -> None:
    """The attempts made, listed, run again to the same records."""
    inputs = _inputs("contact_mix.yaml")
    d = draw_contacts(inputs, 1)
    made, out = fast(inputs, d)
    again, out_again = fast(inputs, replace(made, redials=None))
    assert out.same_as(out_again), out.first_difference(out_again)
    np.testing.assert_array_equal(again.first, made.first)
