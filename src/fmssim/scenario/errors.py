"""The one error type the scenario layer raises: it always names file, line and dotted key."""

from __future__ import annotations


class ScenarioError(Exception):
    """A scenario cannot be used as written.

    Its text is one line, ``file:line: dotted.key: what was expected``, fit to show a planner
    as is. ``line`` is 0 when no line is known (e.g. a command-line override).
    """

    def __init__(self, file: str, line: int, key: str, message: str) -> None:
        self.file = file
        self.line = line
        self.key = key
        self.message = shorten(_printable(" ".join(message.split())), MAX_MESSAGE)
        super().__init__(self.render())

    def render(self) -> str:
        file = shorten(_printable(self.file), MAX_NAME)
        where = f"{file}:{self.line}" if self.line else file
        key = shorten(_printable(self.key), MAX_NAME) or "(top level)"
        return f"{where}: {key}: {self.message}"


MAX_NAME = 120
"""Longest file name or key shown whole (a longer one is cut in the middle)."""
MAX_MESSAGE = 300


def shorten(text: str, limit: int) -> str:
    """``text``, or its start and end around an ellipsis when longer than ``limit``."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return text[:half] + "…" + text[len(text) - (limit - 1 - half) :]


def _printable(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, so it stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
