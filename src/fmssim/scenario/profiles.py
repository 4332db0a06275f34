"""Reading hour-of-week profile files named by a scenario into its document."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

from fmssim.scenario.errors import ScenarioError
from fmssim.scenario.files import MAX_PROFILE_BYTES, FileRefused, read_bounded
from fmssim.scenario.roster import HOURS_PER_WEEK
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
    """The factors in ``path``: one per data row, after an optional header row."""
    rows = _data_rows(path, shown, line, key)
    column = _factor_column(rows[0][1]) if rows else 0
    body = rows[1:] if rows and _is_header(rows[0][1]) else rows
    values = []
    for row_line, row in body:
        try:
            value = float(row[column])
        except (ValueError, IndexError):
            value = math.nan
        if not 0.0 <= value < math.inf:
            where = f"{path.name} line {row_line}"
            raise ScenarioError(shown, line, key, f"{where}: expected a number >= 0")
        values.append(value)
    if len(values) != HOURS_PER_WEEK:
        raise ScenarioError(shown, line, key, f"{path.name} has {len(values)} factors; need 168")
    return values


def _data_rows(path: Path, shown: str, line: int, key: str) -> list[tuple[int, list[str]]]:
    """Non-blank, non-comment CSV rows of ``path`` with their line numbers."""
    try:
        text = read_bounded(path, MAX_PROFILE_BYTES).decode("utf-8-sig")  # Excel's BOM
        reader = csv.reader(io.StringIO(text, newline=""))
        return [(reader.line_num, r) for r in reader if _is_data(r)]
    except FileRefused as exc:
        reason = str(exc)
        text = f"{reason}: {path.name}" if reason == "file not found" else f"{path.name} {reason}"
        raise ScenarioError(shown, line, key, text) from None
    except (UnicodeDecodeError, ValueError, csv.Error):
        raise ScenarioError(shown, line, key, f"cannot read file: {path.name}") from None


def _is_data(row: list[str]) -> bool:
    return bool(row) and any(c.strip() for c in row) and not row[0].lstrip().startswith("#")


def _is_header(row: list[str]) -> bool:
    try:
        float(row[-1])
    except ValueError:
        return True
    return False


def _factor_column(header: list[str]) -> int:
    names = [h.strip().lower() for h in header]
    return names.index("factor") if "factor" in names else len(header) - 1
