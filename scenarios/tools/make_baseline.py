"""Regenerate scenarios/baseline_2019.yaml from its template and the tuned parameters.

Every value filled in here is an assumption (the file's `assumptions:` block says why);
this script only keeps them consistent and reproducible. Usage:

    python scenarios/tools/make_baseline.py [KEY=VALUE ...]      (keys: see TUNED)

Handler rosters: on duty in hour h = mean × profile[h], rounded. The response roster is
derived from strength inside the scenario (establishment and availability over banded shifts).
Grade mixes: each grade's 2019 volume (FMS3 fact) is split across channels by SPLIT, then
divided by the contacts each channel is expected to hand to dispatch (ANSWERED, measured
from a run of this scenario and written back here), so handled contacts reproduce the
stated grade volumes (as graded at creation: routing then moves low-risk domestic abuse
from P2/P3 to P4, which gives the stated volumes after routing).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
TUNED = {
    "PD1": 4.0,
    "PD2": 190.0,
    "P2NOW": 0.46,
    "PD3": 60.0,
    "DAPRE": 420.0,
    "DAR2": 0.15,
    "DAR3": 0.30,
    "VAC": 0.03,
    "IDLE": 42.0,
    "ABS": 0.22,
    "scene": 130.0,
    "p1": 10.5,
    "p2": 16.0,
    "double": 0.3,
    "SHARE": 0.255,
    "RES": 0.3,
    "SPILL": 0.3,
    "WR": 30.0,
    "WI": 90.0,
    "P999": 400.0,
    "P101": 600.0,
    "DAE": 1.1,
    "DAPS": 0.075,
    "DAPD": 280.0,
    "DACAP": 16.0,
    "DAR": 1.5,
    "CAE": 2.3,
    "CAPS": 0.3,
    "CAPD": 120.0,
    "CACAP": 20.0,
    "CAR": 1.2,
}
GRADE_VOLUMES = {  # p1_volume .. p7_volume; P9 from total_logs_derived
    "P1": 196876,
    "P2": 101395,
    "P3": 35281,
    "P4": 72981,
    "P5": 10934,
    "P6": 39494,
    "P7": 12840,
    "P9": 354400,
}
SPLIT = {  # ASSUMPTION: share of each grade's incidents raised by each channel
    "999": {"P1": 0.90, "P2": 0.50, "P3": 0.20, "P4": 0.10, "P6": 0.10, "P7": 0.30, "P9": 0.27},
    "101": {
        "P1": 0.08,
        "P2": 0.45,
        "P3": 0.60,
        "P4": 0.70,
        "P5": 0.50,
        "P6": 0.70,
        "P7": 0.70,
        "P9": 0.63,
    },
    "webchat": {"P1": 0.02, "P2": 0.05, "P3": 0.15, "P4": 0.15, "P5": 0.20, "P6": 0.20, "P9": 0.10},
    "online": {"P3": 0.05, "P4": 0.05, "P5": 0.30},
}
DA_SHARE = {"P2": 0.30, "P3": 0.30}  # domestic abuse's share of graded P2/P3 (the template)
ANSWERED = {  # contacts per year each channel hands to dispatch (measured, see docstring)
    "999": 750141.0,
    "101": 878954.0,
    "webchat": 148244.0,
    "online": 33293.0,
}
HANDLERS_PER_SHARE = (723.7 - 42.25) * 0.912 * 37.0 / 168.0 * (1.0 - 0.15)
"""Force Contact staff on duty in an average hour: (fc_staff − fc_vacancies) × fc_attendance
× a 37-hour week × (1 − 15% leave and training, ASSUMPTION); times SHARE, the handlers."""
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def profile(name: str) -> np.ndarray:
    lines = (HERE.parent / "data" / f"hour_of_week_{name}.csv").read_text().splitlines()
    return np.array([float(r.split(",")[1]) for r in lines if r and r[0].isdigit()])


def rows(values: np.ndarray) -> str:
    """168 headcounts as YAML list rows, a day per row."""
    days = [", ".join(str(v) for v in values[d * 24 : (d + 1) * 24]) for d in range(7)]
    return "\n".join(f"        {row},   # {day}" for row, day in zip(days, DAYS, strict=True))


def roster(mean: float, shape: np.ndarray, beta: float = 1.0, lead: int = 0) -> np.ndarray:
    return np.rint(mean * ((1 - beta) + beta * np.roll(shape, -lead))).astype(int)


def graded_volumes(p: dict[str, float]) -> dict[str, float]:
    """Volumes as graded at creation: the stated volumes are after routing moved low-risk
    domestic abuse from P2/P3 to P4 appointments, so undo that move."""
    graded = dict(GRADE_VOLUMES)
    for grade, route in (("P2", p["DAR2"]), ("P3", p["DAR3"])):
        moved = DA_SHARE[grade] * route
        graded[grade] = GRADE_VOLUMES[grade] / (1.0 - moved)
        graded["P4"] -= graded[grade] * moved
    return graded


def grade_mix(channel: str, graded: dict[str, float]) -> str:
    shares = {g: s * graded[g] / ANSWERED[channel] for g, s in SPLIT[channel].items()}
    return ", ".join(f"{g}: {v:.4f}" for g, v in shares.items())


def fills(p: dict[str, float]) -> dict[str, str]:
    emergency, non_emergency = profile("incidents"), profile("non_emergency")
    calls = 0.3 * emergency + 0.7 * non_emergency
    p = {**p, "NH": round(HANDLERS_PER_SHARE * p["SHARE"], 1)}
    desk = np.zeros(168, dtype=int)
    for day in range(5):
        desk[day * 24 + 8 : day * 24 + 18] = 6
    numbers = {k: f"{v:g}" for k, v in p.items()}
    return {
        **{f"@{k}@": v for k, v in numbers.items()},
        "@P1T@": numbers["p1"],
        "@P2LATER@": f"{1.0 - p['P2NOW']:g}",
        "@P2T@": numbers["p2"],
        "@SCENE@": numbers["scene"],
        "@DOUBLE@": numbers["double"],
        "@ROSTERH@": rows(roster(p["NH"], calls)),
        "@ROSTERD@": rows(desk),
        "@MIX999@": grade_mix("999", graded_volumes(p)),
        "@MIX101@": grade_mix("101", graded_volumes(p)),
        "@MIXCHAT@": grade_mix("webchat", graded_volumes(p)),
        "@MIXONLINE@": grade_mix("online", graded_volumes(p)),
    }


def main(argv: list[str]) -> None:
    p = dict(TUNED)
    for item in argv:
        key, _, value = item.partition("=")
        p[key] = float(value)
    text = (HERE / "baseline_2019.yaml.in").read_text()
    for key, value in sorted(fills(p).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(key, value)
    (HERE.parent / "baseline_2019.yaml").write_text(text)


if __name__ == "__main__":
    main(sys.argv[1:])
