"""Reading YAML safely into plain data, remembering where every value was written.

Only plain mappings, lists and scalars are accepted: any YAML tag (which in other loaders
would construct Python objects) is an error. Every path in the document is recorded with
its file and line, so a validation error can point at the line a planner must edit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from fmssim.scenario.errors import ScenarioError

PathKey = tuple[str | int, ...]
Origins = dict[PathKey, tuple[str, int]]
"""Path in the document → (file, 1-based line) where it was written."""

MAX_FILE_BYTES = 20_000_000
MAX_DEPTH = 40


def read_yaml(path: Path, shown: str) -> tuple[Any, Origins]:
    """Parse ``path`` into plain Python data, and where each path was written.

    ``shown`` is the file name used in error messages.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(shown, 0, "", f"file is {size} bytes; the limit is 20 MB")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(shown, 0, "", "file not found") from None
    except IsADirectoryError:
        raise ScenarioError(shown, 0, "", "is a folder, expected a YAML file") from None
    except UnicodeDecodeError:
        raise ScenarioError(shown, 0, "", "is not UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(shown, 0, "", f"cannot read: {exc.strerror}") from None
    return parse_yaml(text, shown)


def parse_yaml(text: str, shown: str) -> tuple[Any, Origins]:
    """Parse YAML text (see :func:`read_yaml`)."""
    yaml = YAML(typ="rt", pure=True)
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or exc.context or "cannot parse"
        raise ScenarioError(shown, line, "", f"invalid YAML: {problem}") from None
    except (YAMLError, RecursionError, ValueError) as exc:
        raise ScenarioError(shown, 0, "", f"invalid YAML: {type(exc).__name__}") from None
    origins: Origins = {}
    plain = _plain(doc, (), shown, 1, origins)
    return plain, origins


def _plain(node: Any, path: PathKey, shown: str, line: int, origins: Origins) -> Any:
    """Convert ruamel's round-trip nodes to dict/list/scalars, rejecting tags."""
    if len(path) > MAX_DEPTH:
        raise ScenarioError(shown, line, _dotted(path), "nested too deeply")
    _reject_tag(node, path, shown, line)
    if isinstance(node, CommentedMap):
        return _plain_map(node, path, shown, origins)
    if isinstance(node, CommentedSeq):
        out = []
        for i, item in enumerate(node):
            item_line = _line(node.lc.item(i) if i < len(node.lc.data) else None, line)
            origins[(*path, i)] = (shown, item_line)
            out.append(_plain(item, (*path, i), shown, item_line, origins))
        return out
    return _scalar(node, path, shown, line)


def _plain_map(node: CommentedMap, path: PathKey, shown: str, origins: Origins) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        name = _key_text(key, path, shown, _line(node.lc.data.get(key), 0))
        key_line = _line(node.lc.data.get(key), 0)
        origins[(*path, name)] = (shown, key_line)
        out[name] = _plain(value, (*path, name), shown, key_line, origins)
    return out


def _reject_tag(node: Any, path: PathKey, shown: str, line: int) -> None:
    tag = getattr(getattr(node, "tag", None), "value", None)
    if isinstance(node, TaggedScalar) or (
        isinstance(node, CommentedMap | CommentedSeq) and tag is not None
    ):
        raise ScenarioError(
            shown, line, _dotted(path), f"YAML tags are not allowed (found {tag or 'a tag'})"
        )


def _key_text(key: Any, path: PathKey, shown: str, line: int) -> str:
    if isinstance(key, CommentedMap | CommentedSeq | TaggedScalar) or key is None:
        raise ScenarioError(shown, line, _dotted(path), "mapping keys must be plain names")
    text = str(key)
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
    if node is None or isinstance(node, bool | str | dt.date):
        return str(node) if isinstance(node, str) else node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    raise ScenarioError(shown, line, _dotted(path), f"unsupported YAML value {type(node).__name__}")


def _line(position: Any, fallback: int) -> int:
    if position is None:
        return fallback
    return int(position[0]) + 1


def _dotted(path: PathKey) -> str:
    return ".".join(str(p) for p in path)
