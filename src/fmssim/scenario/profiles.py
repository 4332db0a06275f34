"""Reading hour-of-week profile files named by a scenario into its document."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from fmssim.scenario.errors import ScenarioError
from fmssim.scenario.yamlio import Origins


def read_profile_files(doc: dict[str, Any], origins: Origins, folder: Path, shown: str) -> None:
    """Fill ``values`` of every profile that names a ``file`` (relative to ``folder``)."""
    profiles = doc.get("profiles")
    if not isinstance(profiles, dict):
        return
    for name, spec in profiles.items():
        if not isinstance(spec, dict) or "file" not in spec or "values" in spec:
            continue
        line = origins.get(("profiles", name, "file"), (shown, 0))[1]
        key = f"profiles.{name}.file"
        if not isinstance(spec["file"], str):
            raise ScenarioError(shown, line, key, "expected a file path")
        spec["values"] = _read_factors(folder / spec["file"], shown, line, key)


def _read_factors(path: Path, shown: str, line: int, key: str) -> list[float]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [r for r in csv.reader(handle) if r and not r[0].lstrip().startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        reason = "file not found" if isinstance(exc, FileNotFoundError) else "cannot read file"
        raise ScenarioError(shown, line, key, f"{reason}: {path.name}") from None
    column = _factor_column(rows[0]) if rows else 0
    body = rows[1:] if rows and _is_header(rows[0]) else rows
    values = []
    for n, row in enumerate(body, start=1):
        try:
            values.append(float(row[column]))
        except (ValueError, IndexError):
            raise ScenarioError(
                shown, line, key, f"{path.name} row {n}: expected a number"
            ) from None
    if len(values) != 168:
        raise ScenarioError(shown, line, key, f"{path.name} has {len(values)} factors; need 168")
    return values


def _is_header(row: list[str]) -> bool:
    try:
        float(row[-1])
    except ValueError:
        return True
    return False


def _factor_column(header: list[str]) -> int:
    names = [h.strip().lower() for h in header]
    return names.index("factor") if "factor" in names else len(header) - 1
