"""Layering scenario documents: ``extends`` merges, variants and ``--set`` dotted overrides.

Precedence, lowest first: the base file named by ``extends`` (recursively), the file itself,
the chosen variant's ``set``, then command-line ``--set``. Mappings merge key by key; lists
and scalars replace whole.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any

from fmssim.scenario.errors import ScenarioError
from fmssim.scenario.yamlio import Origins, PathKey, parse_yaml


def deep_merge(base: Any, top: Any) -> Any:
    """``top`` laid over ``base``: mappings merge recursively, anything else is replaced."""
    if isinstance(base, dict) and isinstance(top, dict):
        merged = dict(base)
        for key, value in top.items():
            merged[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(top)


def apply_override(
    doc: dict[str, Any],
    dotted: str,
    value: Any,
    origins: Origins,
    where: tuple[str, int],
    named: Collection[int] = (),
) -> None:
    """Set a variant's or ``--set`` value, refusing what only a scenario file may say.

    ``extends`` and profile ``file`` names are resolved relative to the file that holds
    them when it is read; an override could only be ignored, so it is an error instead.
    ``named`` are the positions in ``dotted`` that are names of entries (a pool, a grade):
    an override may not start such an entry part by part (a misspelt name would).
    """
    head = dotted.split(".")[0]
    if head == "extends":
        raise ScenarioError(*where, dotted, "only a scenario file can extend another")
    if head == "profiles" and (dotted.endswith(".file") or _names_file(value)):
        message = "profile files are read from scenario files only; define the profile there"
        raise ScenarioError(*where, dotted, message + " and select it with its name")
    _refuse_new_entry(doc, dotted, named, where)
    set_dotted(doc, dotted, value, origins, where)


def _refuse_new_entry(
    doc: dict[str, Any], dotted: str, named: Collection[int], where: tuple[str, int]
) -> None:
    parts = dotted.split(".")
    node: Any = doc
    for i, part in enumerate(parts[:-1]):
        if not isinstance(node, dict):
            return
        if part not in node and i in named:
            parent = ".".join(parts[:i]) or "(top level)"
            known = ", ".join(sorted(map(str, node))) or "none"
            message = (
                f"{parent} has no entry {part!r} (known: {known}); an override changes an "
                "existing entry (to add one, set it whole in the scenario file)"
            )
            raise ScenarioError(*where, dotted, message)
        node = node.get(part)


def _names_file(value: Any) -> bool:
    return isinstance(value, dict) and ("file" in value or any(map(_names_file, value.values())))


def set_dotted(
    doc: dict[str, Any], dotted: str, value: Any, origins: Origins, where: tuple[str, int]
) -> None:
    """Set ``a.b.c`` in ``doc`` to ``value``, creating mappings on the way.

    ``where`` is recorded as the origin of the key and everything below it.
    """
    parts = dotted.split(".")
    if not dotted or any(not p for p in parts):
        raise ScenarioError(where[0], where[1], dotted or "(empty)", "not a dotted key")
    node: Any = doc
    for i, part in enumerate(parts[:-1]):
        child = node.get(part)
        if child is None:
            child = node[part] = {}
            origins[tuple(parts[: i + 1])] = where
        if not isinstance(child, dict):
            prefix = ".".join(parts[: i + 1])
            raise ScenarioError(where[0], where[1], dotted, f"{prefix} is not a mapping")
        node = child
    node[parts[-1]] = copy.deepcopy(value)
    path: PathKey = tuple(parts)
    for key in [k for k in origins if k[: len(path)] == path]:
        del origins[key]
    _mark(value, path, origins, where)


def _mark(value: Any, path: PathKey, origins: Origins, where: tuple[str, int]) -> None:
    origins[path] = where
    if isinstance(value, dict):
        for key, item in value.items():
            _mark(item, (*path, key), origins, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _mark(item, (*path, i), origins, where)


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split ``KEY=VALUE`` from the command line; the value is read as a YAML scalar or list."""
    where = "--set"
    if "=" not in text:
        raise ScenarioError(where, 0, text, "expected KEY=VALUE")
    key, _, raw = text.partition("=")
    key = key.strip()
    try:
        value, _ = parse_yaml(raw if raw.strip() else "null", where)
    except ScenarioError as exc:
        raise ScenarioError(where, 0, key, exc.message) from None
    return key, value
