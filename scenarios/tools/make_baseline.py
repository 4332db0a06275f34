"""Regenerate scenarios/baseline_2019.yaml from its template and the tuned parameters.

The response roster follows the assumed demand profile with a one-hour lead, damped:
on duty in hour h = N x ((1 - beta) + beta x profile[h + 1]), rounded. Usage:

    python scenarios/tools/make_baseline.py [N] [beta] [scene] [p1_travel] [p2_travel] [double]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
DEFAULTS = {"N": 142.0, "beta": 0.2, "scene": 150.0, "p1": 10.5, "p2": 16.0, "double": 0.3}
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def roster(n: float, beta: float) -> str:
    """The 168 on-duty headcounts as YAML list rows, a day per row."""
    lines = (HERE.parent / "data" / "hour_of_week_incidents.csv").read_text().splitlines()
    rows = [line.split(",") for line in lines if line and line[0].isdigit()]
    profile = np.array([float(r[1]) for r in rows])
    values = np.rint(n * ((1 - beta) + beta * np.roll(profile, -1))).astype(int)
    rows = [", ".join(str(v) for v in values[d * 24 : (d + 1) * 24]) for d in range(7)]
    return "\n".join(f"        {row},   # {day}" for row, day in zip(rows, DAYS, strict=True))


def main(argv: list[str]) -> None:
    p = dict(DEFAULTS)
    for key, value in zip(DEFAULTS, argv, strict=False):
        p[key] = float(value)
    text = (HERE / "baseline_2019.yaml.in").read_text()
    fills = {
        "@N@": f"{p['N']:g}",
        "@SCENE@": f"{p['scene']:g}",
        "@P1T@": f"{p['p1']:g}",
        "@P2T@": f"{p['p2']:g}",
        "@DOUBLE@": f"{p['double']:g}",
        "@ROSTER@": roster(p["N"], p["beta"]),
    }
    for key, value in fills.items():
        text = text.replace(key, value)
    (HERE.parent / "baseline_2019.yaml").write_text(text)


if __name__ == "__main__":
    main(sys.argv[1:])
