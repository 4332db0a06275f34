"""Reading a run folder back, refusing one that is not a finished, consistent run.

``fmssim report`` reads what ``run``, ``compare`` and ``sweep`` wrote; a folder edited,
damaged or left by something else is refused with one line naming the file and what is
wrong, never a traceback and never a report of results that do not hang together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import polars as pl

from fmssim.report.runfolder import SUMMARY_SCHEMA
from fmssim.scenario.errors import ScenarioError
from fmssim.scenario.yamlio import parse_yaml

MAX_MANIFEST_BYTES = 1_000_000
MAX_RESOLVED_BYTES = 20_000_000
COMPARISON_COLUMNS = {
    "variant": pl.String,
    "reference": pl.String,
    "year": pl.Int32,
    "kpi": pl.String,
    "difference": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
}
MANIFEST_TYPES: dict[str, type | tuple[type, ...]] = {
    "scenario": str,
    "variant": str,
    "scenario_sha256": str,
    "seed": int,
    "replications": int,
    "engine": str,
}


@dataclass(frozen=True)
class RunFolder:
    """A finished run folder's tables and documents."""

    summary: pl.DataFrame
    manifest: dict[str, Any]
    document: dict[str, Any]
    comparison: pl.DataFrame | None


def read_run_folder(folder: Path) -> RunFolder:
    """The run in ``folder``; :class:`ScenarioError` if it is not finished and consistent."""
    if not folder.is_dir():
        _refuse(folder, "is not a folder" if folder.exists() else "not found")
    if not (folder / "manifest.json").exists():
        _refuse(folder, "no manifest.json: not a finished fmssim run folder")
    manifest = _manifest(folder / "manifest.json")
    document = _document(folder / "scenario.resolved.yaml")
    summary = _table(folder / "summary.parquet", SUMMARY_SCHEMA, exact=True)
    comparison_file = folder / "comparison.parquet"
    comparison = None
    if comparison_file.exists():
        comparison = _table(comparison_file, COMPARISON_COLUMNS, exact=False)
    _consistent(folder, manifest, summary)
    return RunFolder(summary, manifest, document, comparison)


def _refuse(path: Path, message: str) -> NoReturn:
    raise ScenarioError(str(path), 0, "", message)


def _bytes(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file (a longer one is refused)."""
    if not path.is_file():
        what = "missing" if not path.exists() else "not a regular file"
        _refuse(path, f"{what}: not a finished fmssim run folder")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ScenarioError(str(path), 0, "", f"cannot read: {exc.strerror}") from None
    if len(data) > limit:
        _refuse(path, f"larger than {limit:,} bytes: not written by fmssim")
    return data


def _manifest(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(_bytes(path, MAX_MANIFEST_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raw = None
    if not isinstance(raw, dict):
        _refuse(path, "is not a JSON manifest written by fmssim (damaged or edited)")
    for key, kind in MANIFEST_TYPES.items():
        value = raw.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            _refuse(path, f"{key} is missing or of the wrong type (damaged or edited)")
    variants = raw.get("variants", [raw["variant"]])
    if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
        _refuse(path, "variants is not a list of names (damaged or edited)")
    return raw


def _document(path: Path) -> dict[str, Any]:
    try:
        text = _bytes(path, MAX_RESOLVED_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        _refuse(path, "is not UTF-8 text (damaged or edited)")
    try:
        document, _ = parse_yaml(text, str(path))
    except ScenarioError as exc:
        _refuse(path, f"is not the resolved scenario fmssim wrote ({exc.message})")
    if not isinstance(document, dict):
        _refuse(path, "is not the resolved scenario fmssim wrote")
    return dict(document)


def _table(path: Path, schema: dict[str, Any], exact: bool) -> pl.DataFrame:
    if not path.is_file():
        _refuse(path, "missing: not a finished fmssim run folder")
    try:
        table = pl.read_parquet(path)
    except Exception:
        _refuse(path, "cannot be read (damaged or truncated)")
    found = dict(table.schema)
    if (found != schema) if exact else any(found.get(k) != v for k, v in schema.items()):
        _refuse(path, "does not have the columns fmssim writes (edited or from elsewhere)")
    return table


def _consistent(folder: Path, manifest: dict[str, Any], summary: pl.DataFrame) -> None:
    variants = set(manifest.get("variants", [manifest["variant"]]))
    found = set(summary["variant"].unique().to_list())
    if found != variants:
        _refuse(folder / "summary.parquet", "its variants are not the manifest's (mixed runs)")
    reps = summary["reps"].unique().to_list()
    if any(r is None or not 0 <= r <= manifest["replications"] for r in reps):
        message = f"counts more replications than the manifest's {manifest['replications']}"
        _refuse(folder / "summary.parquet", message)
