"""Workloads the benchmarks time: built once, outside the timed region.

Everything random here is drawn from fixed seeds, so every benchmark run simulates the same
customers and incidents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fmssim.model.compile import compile_scenario
from fmssim.model.draws import Draws, IncidentDraws
from fmssim.model.inputs import Inputs
from fmssim.scenario import LoadedScenario, Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

MMC_CUSTOMERS = 1_000_000
MMC_SERVERS = 50
MMC_LOAD = 0.85
MMC_SERVICE_MEAN_MIN = 60.0
MMC_CLASS_SHARES = (0.2, 0.3, 0.5)
"""Share of customers in each priority class, most urgent first."""


@dataclass(frozen=True)
class MMCWorkload:
    """One sample path of 3-class non-preemptive priority M/M/c, as raw arrays and as engine
    inputs (the same numbers in both)."""

    arrival_min: NDArray[np.float64]
    klass: NDArray[np.int64]
    service_min: NDArray[np.float64]
    servers: int
    shares: tuple[float, ...]
    """Share of customers in each class, most urgent first."""
    inputs: Inputs
    draws: Draws


def mmc_workload(n: int = MMC_CUSTOMERS, seed: int = 20190101) -> MMCWorkload:
    """``n`` customers at load ``MMC_LOAD`` on ``MMC_SERVERS`` servers, exponential service."""
    rng = np.random.default_rng(seed)
    rate_per_min = MMC_LOAD * MMC_SERVERS / MMC_SERVICE_MEAN_MIN
    arrival = np.cumsum(rng.exponential(1.0 / rate_per_min, n))
    klass = rng.choice(len(MMC_CLASS_SHARES), size=n, p=MMC_CLASS_SHARES).astype(np.int64)
    service = rng.exponential(MMC_SERVICE_MEAN_MIN, n)
    inputs = compile_scenario(_mmc_scenario(float(arrival[-1])))
    zero = np.zeros(n)
    incidents = IncidentDraws(arrival, klass, zero, service, zero)
    draws = Draws(0, incidents)
    return MMCWorkload(arrival, klass, service, MMC_SERVERS, MMC_CLASS_SHARES, inputs, draws)


def _mmc_scenario(last_arrival_min: float) -> Scenario:
    """Constant staffing, three grades, a horizon long enough for every customer to finish."""
    return Scenario.model_validate(_mmc_doc(last_arrival_min))


def _mmc_doc(last_arrival_min: float) -> dict[str, Any]:
    """The document of :func:`_mmc_scenario`."""
    days = int(last_arrival_min / 1440.0) + 30
    start = dt.date(2019, 1, 1)
    exponential = {"kind": "exponential", "mean": MMC_SERVICE_MEAN_MIN}
    grades = {
        f"P{k + 1}": {"pool": "response", "on_scene_min": exponential}
        for k in range(len(MMC_CLASS_SHARES))
    }
    return {
        "name": "bare priority M/M/c",
        "calendar": {
            "start": start.isoformat(),
            "end": (start + dt.timedelta(days=days)).isoformat(),
            "warmup_days": 0,
        },
        "demand": {"incidents": {g: {"annual_volume": 1.0} for g in grades}},
        "dispatch": {"grades": grades},
        "pools": {"response": {"roster": {"on_duty": MMC_SERVERS}}},
    }


def prefix(draws: Draws, n: int) -> Draws:
    """The first ``n`` incidents of ``draws`` (a shorter run of the same sample path)."""
    d = draws.incidents
    cut = IncidentDraws(
        d.created_min[:n], d.grade[:n], d.travel_min[:n], d.on_scene_min[:n], d.write_up_min[:n]
    )
    return replace(draws, incidents=cut)


def annual_volume(loaded: LoadedScenario) -> float:
    """Contacts and incidents a year (first year) of a scenario, to rank sizes unsimulated."""
    demand = loaded.scenario.demand
    streams = [*demand.incidents.values(), *demand.channels.values()]
    return float(sum(stream.annual_volume for stream in streams))


def largest_shipped_scenario() -> Path:
    """The shipped scenario with the most contacts and incidents a year."""
    paths = sorted(SCENARIOS.rglob("*.yaml"))
    return max(paths, key=lambda p: annual_volume(load_scenario(p)))


def one_year(path: Path, days: float = 365.0, sets: tuple[str, ...] = ()) -> LoadedScenario:
    """``path`` cut (or stretched) to ``days`` days after its start, plus overrides ``sets``."""
    start = load_scenario(path).scenario.calendar.start
    end = start + dt.timedelta(days=days)
    return load_scenario(path, sets=[f"calendar.end={end.isoformat()}", *sets])


OPTION_CUSTOMERS = 200_000
"""Customers of each dispatch-option workload (a prefix of the M/M/c sample path)."""
OPTIONS = ("crews", "en_route", "borrowing")
"""The dispatch options that had a specialised kernel before the composing one."""


def option_workload(option: str, n: int = OPTION_CUSTOMERS, seed: int = 20190101) -> MMCWorkload:
    """The M/M/c sample path (first ``n`` customers) with one dispatch option on, loaded about
    as much as the bare workload: ``crews`` (P1 needs two units, 60 servers), ``en_route``
    (a quarter of each job is travel; a waiting P1 takes a travelling unit), ``borrowing``
    (P1 and P2 in a pool of 24, P3 in a pool of 24; P1 borrows from the second)."""
    base = mmc_workload(n, seed)
    doc = _mmc_doc(float(base.arrival_min[-1]))
    grades, pools = doc["dispatch"]["grades"], doc["pools"]
    options = doc["dispatch"].setdefault("options", {})
    service = base.service_min
    zero = np.zeros(n)
    incidents = IncidentDraws(base.arrival_min, base.klass, zero, service, zero)
    if option == "crews":
        grades["P1"]["units_needed"] = 2
        pools["response"]["roster"]["on_duty"] = 60
    elif option == "en_route":
        options["p1_takes_en_route_unit"] = True
        incidents = IncidentDraws(
            base.arrival_min, base.klass, 0.25 * service, 0.75 * service, zero
        )
    else:
        pools["response"]["roster"]["on_duty"] = 24
        pools["neighbourhood"] = {"roster": {"on_duty": 24}}
        grades["P3"]["pool"] = "neighbourhood"
        options["p1_borrows_from"] = ["neighbourhood"]
    inputs = compile_scenario(Scenario.model_validate(doc))
    return replace(base, inputs=inputs, draws=Draws(0, incidents))
