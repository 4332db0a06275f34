"""Reading YAML safely into plain data, remembering where every value was written.

Only plain mappings, lists and scalars are accepted: any YAML tag (which in other loaders
would construct Python objects) is an error. Every path in the document is recorded with
its file and line, so a validation error can point at the line a planner must edit.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedOrderedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode

from fmssim.scenario.errors import ScenarioError
from fmssim.scenario.files import MAX_SCENARIO_BYTES, FileRefused, read_bounded

PathKey = tuple[str | int, ...]
Origins = dict[PathKey, tuple[str, int]]
"""Path in the document → (file, 1-based line) where it was written."""

MAX_DEPTH = 40
MAX_VALUES = 200_000
"""Lines plus commas a document may have (the 2019 baseline has about 1,000)."""
ALIAS_ALLOWANCE = 100_000
"""Keys and items that YAML aliases may add beyond one per character of the file (a guard
against "billion laughs" documents, whose few lines expand to billions of values)."""

_READ_AS = {"timestamp": "a date", "int": "an integer", "float": "a number", "bool": "true/false"}


class Unreadable:
    """A scalar YAML resolved to a type but could not be read as one (``2019-02-30``)."""

    def __init__(self, text: str, tag: str) -> None:
        self.text = text
        self.tag = tag

    def explain(self) -> str:
        """What was written and what it was taken for."""
        kind = _READ_AS.get(self.tag.rpartition(":")[2], "a value")
        return f"cannot read {self.text[:40]!r} as {kind}"


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that turns an unreadable scalar into :class:`Unreadable`,
    so the error can name its key instead of stopping the parse with no location."""

    def construct_non_recursive_object(self, node: Any, tag: str | None = None) -> Any:
        """The constructed value, or :class:`Unreadable` for a scalar that fails to read."""
        try:
            return super().construct_non_recursive_object(node, tag)
        except (ValueError, KeyError, TypeError, OverflowError):
            if not isinstance(node, ScalarNode):
                raise
            return Unreadable(str(node.value), str(tag or node.tag))


def read_yaml(path: Path, shown: str) -> tuple[Any, Origins]:
    """Parse ``path`` into plain Python data, and where each path was written.

    ``shown`` is the file name used in error messages.
    """
    try:
        data = read_bounded(path, MAX_SCENARIO_BYTES)
    except FileRefused as exc:
        raise ScenarioError(shown, 0, "", str(exc)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError(shown, line, "", "is not UTF-8 text") from None
    return parse_yaml(text, shown)


PARSED_KEPT = 4
"""Parsed documents kept per process: a command that loads one file once per variant (``validate``,
``compare``) parses it once (the round-trip parser is most of a load's time)."""
_parsed: OrderedDict[tuple[str, str], tuple[Any, Origins]] = OrderedDict()


def parse_yaml(text: str, shown: str) -> tuple[Any, Origins]:
    """Parse YAML text (see :func:`read_yaml`) with YAML 1.2 meanings only.

    The same text and name parsed before in this process give a fresh copy of that result
    (callers change what they get: variants, overrides, ``extends``)."""
    key = (shown, text)
    if key not in _parsed:
        _parsed[key] = _parse(text, shown)
        if len(_parsed) > PARSED_KEPT:
            _parsed.popitem(last=False)
    doc, origins = _parsed[key]
    return copy.deepcopy(doc), dict(origins)


def _parse(text: str, shown: str) -> tuple[Any, Origins]:
    _refuse_other_versions(text, shown)
    _refuse_control_characters(text, shown)
    _refuse_too_many_values(text, shown)
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or exc.context or "cannot parse"
        if isinstance(exc, DuplicateKeyError):  # its text holds both values, however long
            problem = problem.split(" with value ")[0]
        raise ScenarioError(shown, line, "", f"invalid YAML: {problem}") from None
    except RecursionError:
        raise ScenarioError(shown, 0, "", "invalid YAML: nested too deeply") from None
    except (YAMLError, ValueError, KeyError, TypeError) as exc:
        raise ScenarioError(shown, 0, "", f"invalid YAML: {type(exc).__name__}") from None
    walk = _Walk(shown, budget=len(text) + ALIAS_ALLOWANCE)
    return walk.plain(doc, (), 1), walk.origins


_DIRECTIVE = re.compile(r"^%YAML[ \t]+(\S*)", re.MULTILINE)


def _refuse_other_versions(text: str, shown: str) -> None:
    """A ``%YAML 1.1`` file means other things (``07:00`` is 420, ``yes`` is true)."""
    for found in _DIRECTIVE.finditer(text):
        if found[1] != "1.2":
            line = text.count("\n", 0, found.start()) + 1
            message = f"YAML {found[1][:10]} is not read; fmssim reads YAML 1.2 (remove this line)"
            raise ScenarioError(shown, line, "", message)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_characters(text: str, shown: str) -> None:
    """A NUL or escape character: shown escaped, with its line and column."""
    found = _CONTROL.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        shownchar = repr(found[0])[1:-1]
        message = f"invalid YAML: control character {shownchar} at column {column}"
        raise ScenarioError(shown, line, "", message)


def _refuse_too_many_values(text: str, shown: str) -> None:
    """A complexity budget checked before parsing: parsing is slow and memory-hungry for
    documents of hundreds of thousands of values, which no scenario needs."""
    values = text.count("\n") + text.count(",")
    if values > MAX_VALUES:
        message = f"too many lines and list items ({values:,}); the limit is {MAX_VALUES:,}"
        raise ScenarioError(shown, 0, "", message)


@dataclass
class _Walk:
    """Converts ruamel's round-trip nodes to dict/list/scalars, rejecting tags.

    ``budget`` caps the keys and items visited: without aliases a document cannot hold more
    values than it has characters, so only alias expansion ("billion laughs") can exceed it.
    """

    shown: str
    budget: int
    origins: Origins = field(default_factory=dict)

    def plain(self, node: Any, path: PathKey, line: int) -> Any:
        """``node`` as plain data; ``line`` is where it was written."""
        if len(path) > MAX_DEPTH:
            raise ScenarioError(self.shown, line, _dotted(path), "nested too deeply")
        if len(self.origins) > self.budget:
            message = "too many values once YAML aliases are expanded"
            raise ScenarioError(self.shown, line, _dotted(path), message)
        _reject_tag(node, path, self.shown, line)
        if isinstance(node, CommentedMap):
            return self.plain_map(node, path, line)
        if isinstance(node, CommentedSeq):
            out = []
            for i, item in enumerate(node):
                item_line = _line(node.lc.item(i) if i < len(node.lc.data) else None, line)
                self.origins[(*path, i)] = (self.shown, item_line)
                out.append(self.plain(item, (*path, i), item_line))
            return out
        return _scalar(node, path, self.shown, line)

    def plain_map(self, node: CommentedMap, path: PathKey, line: int) -> dict[str, Any]:
        """Keys merged in with ``<<:`` have no line of their own: they get the mapping's."""
        out: dict[str, Any] = {}
        for key, value in node.items():
            key_line = _line(node.lc.data.get(key), line)
            name = _key_text(key, path, self.shown, key_line)
            self.origins[(*path, name)] = (self.shown, key_line)
            out[name] = self.plain(value, (*path, name), key_line)
        return out


def _reject_tag(node: Any, path: PathKey, shown: str, line: int) -> None:
    tag = getattr(getattr(node, "tag", None), "value", None)
    if isinstance(node, CommentedOrderedMap):
        tag = "!!omap"
    if isinstance(node, TaggedScalar) or (
        isinstance(node, CommentedMap | CommentedSeq) and tag is not None
    ):
        raise ScenarioError(
            shown, line, _dotted(path), f"YAML tags are not allowed (found {tag or 'a tag'})"
        )


def _key_text(key: Any, path: PathKey, shown: str, line: int) -> str:
    if not isinstance(key, str | int | float | dt.date) or isinstance(key, TaggedScalar):
        raise ScenarioError(shown, line, _dotted(path), "mapping keys must be plain names")
    text = str(key)
    _refuse_control(text, path, shown, line)
    if not text.strip() or ("." in text and not _dotted_keys_allowed(path)):
        raise ScenarioError(
            shown, line, _dotted((*path, text)), "names may not be empty or contain '.'"
        )
    return text


def _dotted_keys_allowed(path: PathKey) -> bool:
    """Provenance maps and variant settings are keyed by dotted paths."""
    return path in (("sources",), ("assumptions",)) or (
        len(path) == 3 and path[0] == "variants" and path[2] == "set"
    )


def _scalar(node: Any, path: PathKey, shown: str, line: int) -> Any:
    if isinstance(node, str):
        _refuse_control(str(node), path, shown, line)
        return str(node)
    if node is None or isinstance(node, bool | dt.date):
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, Unreadable):
        raise ScenarioError(shown, line, _dotted(path), node.explain())
    raise ScenarioError(shown, line, _dotted(path), f"unsupported YAML value {type(node).__name__}")


def _refuse_control(text: str, path: PathKey, shown: str, line: int) -> None:
    """Control characters written as escapes (``"\\e[2J"``) would act on a terminal."""
    found = _CONTROL.search(text)
    if found is not None:
        character = repr(found[0])[1:-1]
        message = f"text holds the control character {character} (terminal codes are not allowed)"
        raise ScenarioError(shown, line, _dotted(path), message)


def _line(position: Any, fallback: int) -> int:
    if position is None:
        return fallback
    return int(position[0]) + 1


def _dotted(path: PathKey) -> str:
    return ".".join(str(p) for p in path)
