"""Redials drawn when made (keyed streams): the laws that make drawing on demand safe.

* the engines make only attempts a caller reaches for: each contact's attempts are a prefix
  of the ones it would make, every later one follows a hang-up of the one before;
* running the attempts made as a listed case gives the same records (nothing depends on
  attempts never made);
* a contact's attempt values are its own: with a different roster (other attempts made),
  every attempt both runs made has the same patience, handling and delay — common random
  numbers hold contact by contact;
* the redial delays the engines drew follow the scenario's distribution (two-sample
  Kolmogorov–Smirnov against the spec's own sampler, fixed seeds, 99.9% level).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import stats

from fmssim.engine.simulate import ENGINES
from fmssim.model.compile import compile_scenario
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.draws import draw
from fmssim.model.inputs import Inputs
from fmssim.scenario import load_scenario

SCENARIOS = Path(__file__).parents[2] / "scenarios" / "validation"
CASES = ["contact_mix.yaml", "contact_policies.yaml"]


def _inputs(name: str) -> Inputs:
    return compile_scenario(load_scenario(SCENARIOS / name).scenario)


def _numbers(d: ContactDraws) -> NDArray[np.int64]:
    """Attempt number of each attempt within its contact."""
    return np.arange(len(d.owner)) - d.first[d.owner]


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("engine", ["fast", "des"])
def test_attempts_made_follow_hang_ups(name: str, engine: str) -> None:
    inputs = _inputs(name)
    drawn = draw(inputs, 0).contacts
    assert drawn is not None and drawn.redials is not None
    made, out = ENGINES[engine][0](inputs, drawn)
    counts = np.diff(made.first)
    assert np.all(counts >= 1) and np.all(counts <= drawn.redials.count)
    later = np.flatnonzero(_numbers(made) > 0)
    assert len(later) > 50, "the case makes too few redials to test"
    assert np.all(~np.isnan(out.abandoned_min[later - 1])), "a redial without a hang-up"
    due = out.abandoned_min[later - 1] + made.delay_min[later]
    reached = ~np.isnan(out.arrived_min[later])
    np.testing.assert_array_equal(out.arrived_min[later][reached], due[reached])
    assert np.all(due[~reached] >= inputs.grid.horizon_min)
    # a caller with attempts left who hung up before the horizon always dials again
    last = made.first[1:] - 1
    gave_up = ~np.isnan(out.abandoned_min[last])
    assert np.all(counts[gave_up] == drawn.redials.count[gave_up])


@pytest.mark.parametrize("name", CASES)
def test_attempts_made_run_again_give_the_same_records(name: str) -> None:
    inputs = _inputs(name)
    drawn = draw(inputs, 2).contacts
    assert drawn is not None
    run = ENGINES["fast"][0]
    made, out = run(inputs, drawn)
    listed = replace(made, redials=None)
    again, out_again = run(inputs, listed)
    assert out.same_as(out_again), out.first_difference(out_again)
    np.testing.assert_array_equal(again.first, made.first)


def test_attempt_values_belong_to_their_contact() -> None:
    """Half the handlers: other attempts are made, and those both runs make are identical."""
    inputs = _inputs("contact_mix.yaml")
    h = inputs.handlers
    fewer = replace(
        inputs,
        handlers=replace(h, change_units=tuple(np.maximum(u // 2, 1) for u in h.change_units)),
    )
    drawn = draw(inputs, 1).contacts
    assert drawn is not None
    run = ENGINES["fast"][0]
    a, _ = run(inputs, drawn)
    b, _ = run(fewer, drawn)
    key_a = a.owner * 256 + _numbers(a)
    key_b = b.owner * 256 + _numbers(b)
    assert len(key_b) > len(key_a), "fewer handlers should make more redials"
    _, i, j = np.intersect1d(key_a, key_b, assume_unique=True, return_indices=True)
    assert np.count_nonzero(_numbers(a)[i] > 0) > 20
    for column in ("patience_min", "handling_min", "delay_min"):
        np.testing.assert_array_equal(getattr(a, column)[i], getattr(b, column)[j])


def test_redial_delays_follow_their_distribution() -> None:
    """Against a large sample from the spec's own sampler (two-sample KS; conservative for
    the empirical spec's ties)."""
    inputs = _inputs("contact_mix.yaml")
    drawn = draw(inputs, 3).contacts
    assert drawn is not None
    made, _ = ENGINES["fast"][0](inputs, drawn)
    ch = inputs.channels
    rng = np.random.default_rng(20261207)
    tested = 0
    for i, spec in enumerate(ch.redial_delay):
        later = (_numbers(made) > 0) & (made.channel[made.owner] == i)
        if later.sum() < 100:
            continue
        result = stats.ks_2samp(made.delay_min[later], spec.sample(rng, 200_000))
        assert result.pvalue > 0.001, (ch.names[i], result)
        tested += 1
    assert tested > 0, "no channel with enough redials"
