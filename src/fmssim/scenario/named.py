"""Which parts of a dotted key are names (a pool, a grade, a department) rather than fields.

An override may change an entry of a named mapping but not start one part by part: with
``--set pools.respnse.roster.on_duty=9`` the misspelt ``respnse`` would otherwise become a
new pool that nothing uses, and the intended pool would silently keep its value.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel


def named_positions(root: type[BaseModel], parts: Sequence[str]) -> set[int]:
    """Indices of ``parts`` that are keys of a mapping from names to scenario parts."""
    found: set[int] = set()
    current: Any = root
    for i, part in enumerate(parts):
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return found
            current = field.annotation
        elif typing.get_origin(current) is dict:
            value = _unwrap(typing.get_args(current)[1])
            if not (isinstance(value, type) and issubclass(value, BaseModel)):
                return found
            found.add(i)
            current = value
        else:
            return found
    return found


def _unwrap(annotation: Any) -> Any:
    """The model or mapping inside ``Annotated[...]`` or ``X | None``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return None
            annotation = members[0]
        else:
            return annotation
