"""The 2019 baseline's contact structure with the 2017 and 2018 inputs put in (out of sample).

Each year regenerates the baseline from its template with the same tuned inputs, changes only
what the fact sheet gives for that year, and runs the contact stage alone (fast engine):

- 2018: 999 739,600 calls at 250 s (c999_volume_2018_derived, c999_aht_2018), 101 1,223,600
  calls at 626 s (c101_volume_2018_derived, c101_aht_2018), handlers +5.8% (Force Contact's
  establishment fell 5.52% to Jan 2020, fc_establishment_change);
- 2017: 999 708,400 calls at 200 s (c999_volume_2017_derived, c999_aht_2017); 101 volume and
  handlers are not given for 2017, so 2018's are kept.

Usage: python scenarios/tools/contact_years.py [--reps N] [KEY=VALUE ...] (template keys).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import polars as pl

from fmssim.analytics.contact import contact_kpis
from fmssim.analytics.tables import contact_table
from fmssim.engine.fast.contact import run_contacts
from fmssim.model.compile import compile_scenario
from fmssim.model.contact_draws import draw_contacts
from fmssim.model.draws import Draws, IncidentDraws
from fmssim.scenario import load_scenario

HERE = Path(__file__).parent
INPUTS_2018 = [
    "demand.channels.999.annual_volume=739600",
    "demand.channels.999.handling_sec.mean=250",
    "demand.channels.101.annual_volume=1223600",
    "demand.channels.101.handling_sec.mean=626",
]
YEARS: dict[int, tuple[float, list[str]]] = {  # year: (handler factor, --set overrides)
    2019: (1.0, []),
    2018: (1.058, INPUTS_2018),
    2017: (
        1.058,
        [
            *INPUTS_2018[2:],
            "demand.channels.999.annual_volume=708400",
            "demand.channels.999.handling_sec.mean=200",
        ],
    ),
}
FORCE = {2019: 0.869, 2018: 0.863, 2017: 0.858}
"""c999_answer_10s_2019, _2018, _2017."""


def _make_baseline():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_baseline", HERE / "make_baseline.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def year_kpis(year: int, params: dict[str, float], reps: int) -> pl.DataFrame:
    """Mean contact KPIs over ``reps`` replications of ``year``'s inputs."""
    mb = _make_baseline()
    factor, sets = YEARS[year]
    text = (HERE / "baseline_2019.yaml.in").read_text()
    fills = mb.fills({**params, "SHARE": params["SHARE"] * factor})
    for key, value in sorted(fills.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(key, value)
    path = HERE.parent / f"_contact_years_{os.getpid()}.yaml"
    path.write_text(text)
    try:
        inputs = compile_scenario(load_scenario(path, sets=sets).scenario)
    finally:
        path.unlink()
    nothing = np.zeros(0)
    none = IncidentDraws(nothing, np.zeros(0, np.int64), nothing, nothing, nothing)
    frames = []
    for rep in range(reps):
        made, out = run_contacts(inputs, draw_contacts(inputs, rep))
        table = contact_table(inputs, Draws(rep, none, made), out)
        grid = inputs.grid
        frames.append(contact_kpis(table, grid.year_bounds_min, grid.year_labels, {}))
    return pl.concat(frames).group_by("group", "kpi").agg(pl.col("value").mean())


def main(argv: list[str]) -> None:
    reps = 2
    params = dict(_make_baseline().TUNED)
    args = iter(argv)
    for item in args:
        if item == "--reps":
            reps = int(next(args))
        else:
            key, _, value = item.partition("=")
            params[key] = float(value)
    print(
        "| year | force 999 SL | fmssim 999 SL | 999 abandoned >10 s | 101 abandoned "
        "| spilled into 999 | FCR |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for year in YEARS:
        k = year_kpis(year, params, reps)

        def v(group: str, kpi: str, k: pl.DataFrame = k) -> float:
            return float(k.filter(pl.col("group") == group, pl.col("kpi") == kpi)["value"][0])

        print(
            f"| {year} | {FORCE[year]:.1%} | {v('999', 'answered_within_target_share'):.1%} "
            f"| {v('999', 'abandoned_after_target_share'):.2%} | {v('101', 'abandoned_share'):.1%} "
            f"| {v('999', 'spilled_in'):,.0f} | {v('all', 'resolved_first_contact_share'):.1%} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
