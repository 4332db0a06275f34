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
        self.message = _printable(" ".join(message.split()))
        super().__init__(self.render())

    def render(self) -> str:
        where = f"{_printable(self.file)}:{self.line}" if self.line else _printable(self.file)
        key = _printable(self.key) or "(top level)"
        return f"{where}: {key}: {self.message}"


def _printable(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, so it stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
