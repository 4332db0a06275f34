"""Turning pydantic's validation errors into lines a planner can act on."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from fmssim.scenario.distributions import Distribution

Loc = tuple[str | int, ...]
_NUMBERS = ("int_type", "float_type", "int_parsing", "float_parsing")


def readable_key(loc: Loc, raw: Any) -> tuple[str | int, ...]:
    """The path of an error as written in the file: union tags pydantic adds are dropped."""
    kept: list[str | int] = []
    node = raw
    loc = tuple(part for part in loc if part != "[key]")  # a bad key is reported on itself
    for part in loc:
        child = _child(node, part)
        if child is not _ABSENT:
            kept.append(part)
            node = child
        elif isinstance(node, dict | list):
            continue  # a discriminator tag or a missing key; reported on the parent
        else:
            break
    if loc and isinstance(loc[-1], str) and loc[-1] not in kept and _is_key_problem(loc, raw):
        kept.append(loc[-1])
    return tuple(kept)


def _is_key_problem(loc: Loc, raw: Any) -> bool:
    node = raw
    for part in loc[:-1]:
        child = _child(node, part)
        node = node if child is _ABSENT else child
    return isinstance(node, dict)


_ABSENT = object()
"""Marks a path step the document does not have (``None`` is a value a document may hold)."""


def _child(node: Any, part: str | int) -> Any:
    """``node[part]`` when the document has it, else ``_ABSENT``."""
    if isinstance(node, dict) and part in node:
        return node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _ABSENT


def describe(error: ErrorDetails, root: type[BaseModel]) -> str:
    """What was expected, in words."""
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, loc[:-1])
        name = str(loc[-1])
        hint = difflib.get_close_matches(name, allowed, n=1)
        text = f"unknown key {name!r}"
        if hint:
            return f"{text} (did you mean {hint[0]!r}?)"
        return f"{text} (expected one of: {', '.join(allowed)})" if allowed else text
    if kind == "missing":
        return "required key is missing"
    if kind == "union_tag_invalid":
        ctx = error.get("ctx") or {}
        return f"unknown kind {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"needs a 'kind' key (one of {_tags(error)})"
    if isinstance(error.get("input"), bool) and kind in _NUMBERS:
        return (
            f"expected a number, not {str(error.get('input')).lower()} (booleans are not numbers)"
        )
    if kind == "int_type" and isinstance(error.get("input"), float):
        return f"expected a whole number (got {error.get('input')!r})"
    if kind == "finite_number":
        return "expected a finite number (got infinity or NaN)"
    message = error["msg"].removeprefix("Value error, ")
    shown = _shown_input(error.get("input"))
    return f"{message[0].lower()}{message[1:]}{shown}"


def _tags(error: ErrorDetails) -> str:
    """The kinds a distribution may be (the only tagged union of the format)."""
    members = typing.get_args(typing.get_args(Distribution)[0])
    return ", ".join(repr(m.model_fields["kind"].default) for m in members)


def _shown_input(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        return ""
    text = repr(value)
    return f" (got {text[:40]})"


def _allowed_keys(root: type[BaseModel], loc: Loc) -> list[str]:
    """Field names (by alias) of the model found at ``loc``, if it can be found."""
    target: Any = root
    for part in loc:
        target = _step(target, part)
        if target is None:
            return []
    model = _as_model(target)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _step(annotation: Any, part: str | int) -> Any:
    model = _as_model(annotation)
    if model is not None:
        for name, field in model.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return _union_member(annotation, part)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is dict and len(args) == 2:
        return args[1]
    if origin is list and args:
        return args[0]
    return _union_member(annotation, part)


def _union_member(annotation: Any, part: str | int) -> Any:
    for arg in _union_args(annotation):
        model = _as_model(arg)
        if model is None:
            continue
        kind = model.model_fields.get("kind")
        if kind is not None and kind.default == part:
            return model
    non_none = [a for a in _union_args(annotation) if a is not type(None)]
    return non_none[0] if len(non_none) == 1 else None


def _union_args(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) is typing.Annotated:
        return _union_args(typing.get_args(annotation)[0])
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return ()


def _as_model(annotation: Any) -> type[BaseModel] | None:
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    args = [a for a in _union_args(annotation) if a is not type(None)]
    if len(args) == 1:
        annotation = args[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None
