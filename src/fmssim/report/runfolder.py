"""The run folder: resolved scenario, manifest, summary tables and optional records."""

from __future__ import annotations

import hashlib
import io
import json
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl
from ruamel.yaml import YAML

from fmssim.report.files import atomic_csv, atomic_parquet, atomic_text

PACKAGES = ("fmssim", "simpy", "numpy", "scipy", "numba", "polars", "pydantic")

SUMMARY_SCHEMA = {
    "variant": pl.String,
    "year": pl.Int32,
    "area": pl.String,
    "group": pl.String,
    "kpi": pl.String,
    "mean": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "reps": pl.Int32,
}
"""The columns of a summary table (``summary.parquet``), in order."""


@dataclass(frozen=True)
class Manifest:
    """What a run was: enough to reproduce it."""

    scenario: str
    variant: str
    scenario_sha256: str
    seed: int
    replications: int
    engine: str
    engine_note: str
    workers: int

    def as_dict(self) -> dict[str, Any]:
        versions = {}
        for name in PACKAGES:
            try:
                versions[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                versions[name] = "not installed"
        return {**self.__dict__, "python": platform.python_version(), "packages": versions}


def resolved_yaml(document: dict[str, Any]) -> str:
    """The resolved scenario document as YAML text (profile files inlined)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def scenario_hash(document: dict[str, Any]) -> str:
    """SHA-256 of the resolved scenario, stable across key order."""
    text = json.dumps(document, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_run_folder(
    folder: Path,
    document: dict[str, Any],
    manifest: Manifest,
    summary: pl.DataFrame,
    warnings: tuple[str, ...] = (),
) -> None:
    """Write (atomically, file by file) everything a run leaves behind; ``warnings`` (signs
    the results need care) go into the manifest, for the report."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic_text(folder / "scenario.resolved.yaml", resolved_yaml(document))
    fields = manifest.as_dict() | {"warnings": list(warnings)}
    atomic_text(folder / "manifest.json", json.dumps(fields, indent=2) + "\n")
    atomic_csv(summary, folder / "summary.csv")
    atomic_parquet(summary, folder / "summary.parquet")
