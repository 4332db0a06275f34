"""From a scenario file on disk to a validated, frozen :class:`Scenario`.

The loader is the only place that sees YAML. It resolves ``extends``, reads profile files,
applies a variant and command-line overrides, validates, and checks cross references and
support, turning every problem into one :class:`ScenarioError` line.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fmssim.scenario.errors import ScenarioError
from fmssim.scenario.messages import describe, readable_key
from fmssim.scenario.named import named_positions
from fmssim.scenario.overrides import apply_override, deep_merge, parse_assignment
from fmssim.scenario.profiles import read_profile_files
from fmssim.scenario.references import Problem, check_references
from fmssim.scenario.root import Scenario
from fmssim.scenario.support import unsupported
from fmssim.scenario.usage import RESERVED_VARIANT, usage_problems, usage_warnings
from fmssim.scenario.yamlio import Origins, PathKey, read_yaml

MAX_EXTENDS_DEPTH = 10


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with the document it came from (for the run folder)."""

    scenario: Scenario
    document: dict[str, Any]
    """The resolved document (extends merged, variant and overrides applied)."""
    path: Path
    variant: str
    """Name of the applied variant, ``"base"`` when none."""
    warnings: tuple[str, ...] = ()
    """``warning: ...`` lines for parts of the scenario that do nothing (unused pools)."""


def load_scenario(
    path: str | Path,
    variant: str | None = None,
    sets: Iterable[str] = (),
    check_support: bool = True,
) -> LoadedScenario:
    """Load, layer and validate a scenario file; raise :class:`ScenarioError` on any problem."""
    path = Path(path)
    doc, origins = _read_with_extends(path, path.name, ())
    return _layered(doc, origins, path, variant, sets, check_support)


def load_document(
    document: Mapping[str, Any],
    variant: str | None = None,
    sets: Iterable[str] = (),
    check_support: bool = True,
    name: str = "scenario",
    folder: Path | None = None,
) -> LoadedScenario:
    """Validate a scenario given as plain data (a dict, as a YAML file would read), with
    the same variant, override and reference checks as :func:`load_scenario`.

    ``name`` stands for the file in error messages; profile files are read relative to
    ``folder`` (default: the working directory); ``extends`` is not available.
    """
    doc: Any = copy.deepcopy(dict(document)) if isinstance(document, Mapping) else document
    origins: Origins = {}
    if isinstance(doc, dict):
        if "extends" in doc:
            raise ScenarioError(name, 0, "extends", "not available for a scenario given as data")
        read_profile_files(doc, origins, folder or Path.cwd(), name)
    return _layered(doc, origins, Path(name), variant, sets, check_support)


def _layered(
    doc: Any,
    origins: Origins,
    path: Path,
    variant: str | None,
    sets: Iterable[str],
    check_support: bool,
) -> LoadedScenario:
    """Apply the variant and overrides to a read document, validate and check it."""
    _require_mapping(doc, path.name)
    if variant is not None and variant != RESERVED_VARIANT:
        _apply_variant(doc, origins, variant, path.name)
    for text in sets:
        key, value = parse_assignment(text)
        apply_override(doc, key, value, origins, ("--set", 0), _named(key))
    scenario = validate_document(doc, origins, path.name)
    _raise_first(check_references(scenario, doc), origins, path.name)
    _raise_first(usage_problems(scenario), origins, path.name)
    if check_support:
        _raise_first(unsupported(scenario), origins, path.name)
    warnings = tuple(usage_warnings(scenario))
    return LoadedScenario(scenario, doc, path, variant or RESERVED_VARIANT, warnings)


def validate_document(doc: Any, origins: Origins, shown: str) -> Scenario:
    """Validate plain data against the schema, mapping the first error to its line."""
    _require_mapping(doc, shown)
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        located = []
        for error in errors:
            key = readable_key(tuple(error["loc"]), doc)
            file, line = _origin(origins, key, shown)
            # A misspelt key is both unknown and missing: the unknown one says more.
            rank = (file != shown, error["type"] == "missing", line)
            located.append((rank, file, line, key, describe(error, Scenario)))
        _, file, line, key, message = min(located, key=lambda e: e[0])
        more = f" (+{len(located) - 1} more)" if len(located) > 1 else ""
        raise ScenarioError(file, line, _dotted(key), message + more) from None


def _require_mapping(doc: Any, shown: str) -> None:
    """Variants, overrides and the schema all need a mapping at the top."""
    if doc is None:
        raise ScenarioError(shown, 0, "", "file is empty; expected a scenario mapping")
    if not isinstance(doc, dict):
        raise ScenarioError(shown, 1, "", "expected a mapping of scenario keys at the top")


def _read_with_extends(path: Path, shown: str, chain: tuple[Path, ...]) -> tuple[Any, Origins]:
    doc, origins = read_yaml(path, shown)
    if isinstance(doc, dict):
        read_profile_files(doc, origins, path.parent, shown)
    if not isinstance(doc, dict) or "extends" not in doc:
        return doc, origins
    target = doc.pop("extends")
    line = origins.pop(("extends",), (shown, 0))[1]
    base_path = _base_path(path, target, (*chain, path.resolve()), (shown, line))
    base, base_origins = _read_with_extends(base_path, target, (*chain, path.resolve()))
    if not isinstance(base, dict):
        raise ScenarioError(target, 1, "", "a base scenario must be a mapping")
    return deep_merge(base, doc), {**base_origins, **origins}


def _base_path(path: Path, target: Any, chain: tuple[Path, ...], where: tuple[str, int]) -> Path:
    """The file ``extends: target`` names, relative to ``path``; cycles are refused."""
    if not isinstance(target, str) or not target:
        raise ScenarioError(*where, "extends", "expected the path of a base scenario file")
    try:
        base_path = (path.parent / target).resolve()
        what = "" if base_path.is_file() else "is not a regular file"
        what = what if base_path.exists() else "not found"
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a loop of symbolic links
        base_path, what = path, "cannot be resolved (a loop of symbolic links?)"
    if what:
        raise ScenarioError(*where, "extends", f"base file {target} {what}")
    if base_path in chain:
        raise ScenarioError(*where, "extends", f"cycle: {target} extends back to this file")
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise ScenarioError(*where, "extends", f"more than {MAX_EXTENDS_DEPTH} levels of extends")
    return base_path


def _apply_variant(doc: dict[str, Any], origins: Origins, name: str, shown: str) -> None:
    variants = doc.get("variants") or {}
    if not isinstance(variants, dict) or name not in variants:
        known = ", ".join(sorted(variants)) if isinstance(variants, dict) else ""
        message = f"no such variant (known: {known or 'none defined'})"
        raise ScenarioError(shown, 0, f"variants.{name}", message)
    spec = variants[name]
    settings = spec.get("set", {}) if isinstance(spec, dict) else None
    if not isinstance(settings, dict):
        line = origins.get(("variants", name), (shown, 0))[1]
        raise ScenarioError(shown, line, f"variants.{name}.set", "expected a mapping of keys")
    for key, value in settings.items():
        where = origins.get(("variants", name, "set", key), (shown, 0))
        apply_override(doc, key, value, origins, where, _named(key))


def _named(dotted: str) -> set[int]:
    return named_positions(Scenario, dotted.split("."))


def _raise_first(problems: list[Problem], origins: Origins, shown: str) -> None:
    if not problems:
        return
    key, message = problems[0]
    file, line = _origin(origins, _path_of(key), shown)
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    raise ScenarioError(file, line, key, message + more)


def _path_of(key: str) -> PathKey:
    """The document path a problem's dotted key names (provenance keys hold dots)."""
    head, _, rest = key.partition(".")
    if head in ("sources", "assumptions") and rest:
        return (head, rest)
    return tuple(key.split("."))


def _origin(origins: Origins, key: PathKey, shown: str) -> tuple[str, int]:
    for end in range(len(key), 0, -1):
        found = origins.get(key[:end])
        if found is not None:
            return found
    return shown, 0


def _dotted(key: PathKey) -> str:
    return ".".join(str(p) for p in key)
